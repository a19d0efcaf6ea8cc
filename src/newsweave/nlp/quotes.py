"""Quotations with their speakers, like textacy's `direct_quotations` but typed and resolved.

`extract_quotes(doc)` takes one article parsed by the full spaCy pipeline (parser and NER are
both read) and works in small steps:

1. `quote_spans` pairs quotation marks: straight and curly doubles, guillemets, typewriter
   doubles ('' and ``), and single marks used as top-level quotes. Whether a mark opens or
   closes is read from its neighbours, not only its glyph, as web text mixes them up (a
   paragraph opening with ”). A quote still open at the end of its paragraph closes there; a
   quote opening the next paragraph continues it (`Quote.continues`), the news convention for
   a speech over several paragraphs.
2. `_attribution` finds the cue and the speaker of each quote, trying in order: the speech verb
   the quote hangs on in the parse; the nearest speech verb outside quotation marks in the
   quote's sentence and paragraph; a sentence just before that ends with a colon ("He
   added:"); the sentence right after when the parser split it off ("…?” Graham asked.");
   "according to X", where X names the source of the report and not the speaker when X is a
   medium, a document or an institution and a person is the subject of the verb the quote
   hangs on ("According to the Russian site, Mr Putin congratulated Mr Assad on “…”" ->
   Putin); a name after a dash ("“…” ― Sonya Herridge"); the subject of a clause
   ending in a colon before the quote. The speaker of a cue is its subject ("said Putin" too),
   the object of "quote X as saying", the subject of "X was quoted as saying", the noun a
   relative clause hangs on ("Putin, who said"), the subject of the verb a participle hangs on
   ("…, calling it"), else a person named right next to the cue when the parse went wrong.
   A quote without an attribution of its own takes the previous quote's when it continues it
   (next paragraph of a speech, a quote opening the paragraph right after, or later in the
   same paragraph).
3. A quote split by its attribution ("“…,” he added, “…”") is one quote, its parts joined with
   a space (and a full stop where the first part ended a sentence with a comma).
4. Speakers resolve to people (`_People`): pronouns to a PERSON subject earlier in the same or
   the previous sentence, else the previous speaker (for "he" and "she" the previous speaker
   who may be a person, never a medium such as "the Russian site"), else the last person
   named, skipping people whose title says another gender ("Mrs.", "spokeswoman"); definite
   descriptions ("the Kremlin spokesman", "the Syrian leader") to the person the article
   introduces with those role words ("Kremlin spokesperson Dmitry Peskov", "Dmitry S.
   Peskov, the Kremlin spokesman", "President of Syria Bashar al-Assad"), another nationality
   ruling a person out; names to the longest PERSON name of the article that holds them ("Mr
   Assad" -> "Bashar al-Assad").
5. Unattributed short quotes and quoted titles ("on “Fox News Sunday”") are dropped: a quote
   is kept when it has a speaker or reads like speech.
6. Reported speech (`direct=False`): a speech verb, or a reporting verb ("the poll found"),
   with a clause complement and a clear speaker (a noun or a person pronoun, not "it"), or
   "according to X" before or after a clause; no quotation marks in the clause.

spaCy's parser runs a headline and the paragraph under it into one sentence; put
`add_paragraph_breaks(nlp)` in the pipeline that parses articles for this module (speakers
come out better; everything works without it). Lexicons (speech, naming and reporting verbs,
roles, honorifics, gendered titles, sources that are not people) are data at the top of the
module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from newsweave.model import Quote

# ---- lexicons ----


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Lemmas of verbs that introduce speech or writing.
SPEECH_VERBS = _lexicon(
    """say tell add state claim announce declare explain insist note argue warn write report
    quote cite confirm deny reply respond answer ask continue acknowledge admit assert comment
    describe emphasize emphasise stress suggest predict promise vow urge recall remark observe
    mention contend maintain tweet post caution complain concede agree disagree express
    indicate reiterate repeat point testify tout boast joke recount lament muse counter retort
    quip exclaim scold chide rebuke shout yell scream whisper chant sing read echo pledge
    charge accuse allege propose recommend demand proclaim inform reveal disclose wonder"""
)
# Verbs that quote a name someone gave ("called her “Miss Housekeeping”"): cues of a quote
# they govern, never of reported speech.
NAMING_VERBS = _lexicon(
    """call dub label brand term refer praise laud hail denounce condemn slam blast criticize
    criticise characterize characterise liken compare mock decry"""
)
# Verbs that report what a document or a study says ("the poll found that ..."): cues of
# reported speech only.
REPORTING_VERBS = _lexicon("find show conclude estimate")
# Cues whose grammatical object, not subject, is the speaker ("quotes Assad as saying").
QUOTING_VERBS = _lexicon("quote cite")
# Pronouns that stand for a speaker, and those that say the speaker's gender.
PRONOUNS = _lexicon("he him she her they i we")
PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}
# Titles and role words that say a person's gender ("Mrs. Clinton", "spokeswoman").
GENDER_WORDS = {
    **dict.fromkeys(
        _lexicon("mr mr. sir spokesman chairman congressman businessman king father husband"),
        "m",
    ),
    **dict.fromkeys(
        _lexicon(
            "mrs mrs. ms ms. miss madam spokeswoman chairwoman congresswoman businesswoman "
            "queen actress mother wife"
        ),
        "f",
    ),
}
# Role words that name the same kind of office; a description matches a person introduced
# with any word of the same group ("the Syrian leader" ~ "Syrian President Bashar al-Assad").
ROLE_GROUPS: tuple[frozenset[str], ...] = tuple(
    _lexicon(group)
    for group in (
        "president leader premier chancellor ruler head king monarch counterpart",
        "spokesman spokeswoman spokesperson representative",
        "minister secretary",
        "senator lawmaker congressman congresswoman legislator",
        "governor",
        "mayor",
        "chairman chairwoman chair chairperson",
        "candidate nominee contender",
        "ceo executive chief",
        "general commander",
        "ambassador envoy diplomat",
        "judge justice",
        "professor analyst economist scientist researcher expert",
        "director manager founder owner",
        "official aide adviser advisor",
        "lawyer attorney",
        "host anchor",
    )
)
ROLE_WORDS = frozenset().union(*ROLE_GROUPS)
# Nouns of sources that are not people: media, documents, institutions ("according to the
# Russian site", "the poll found"). Such a source reports speech; it never says "he added".
SOURCE_NOUNS = _lexicon(
    """site website agency newspaper paper outlet channel network broadcaster station magazine
    journal tabloid daily media press wire service report poll survey study document statement
    transcript readout record letter filing complaint release footage video tweet post book
    memo email article interview data analysis figure account version ruling court government
    ministry office department embassy party campaign committee company firm group
    organisation organization"""
)
# Entity labels of sources that are not people.
NOT_PERSON_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "WORK_OF_ART"})
# Words before a name that are titles, not part of it ("Mr Putin", "President Obama").
HONORIFICS = _lexicon(
    "mr mrs ms miss dr sir madam mr. mrs. ms. dr. gov. sen. rep. gen. lt. col. sgt. "
    "president gov sen rep gen"
)
# Adjectives that say nothing about which person a description means.
VAGUE_WORDS = _lexicon(
    "former current new interim then top senior longtime outgoing incoming acting own"
)
SURNAME_PARTICLES = ("al-", "el-", "ad-", "as-", "an-", "ash-", "bin-")

_KINDS = {'"': "straight", "“": "curly", "”": "curly", "„": "curly", "«": "angle", "»": "angle"}
_SINGLE = {"‘": "single", "’": "single", "'": "single"}
_OPEN_BEFORE = " \t\n([{—–-/:"
_MENTION_DEPS = frozenset({"compound", "amod", "det", "poss", "nmod", "nummod", "case", "flat"})
_SENTENCE_END = re.compile(r"[.!?…]$")


# ---- 0. parsing ----

PARAGRAPHS = "newsweave_paragraphs"


@Language.component(PARAGRAPHS)
def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break. Web text has headlines, captions and
    paragraphs without final stops; without this the parser runs them into one sentence and
    attaches a quote to a verb in the headline above it."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text_with_ws and not token.is_space:
            token.is_sent_start = True
    return doc


def add_paragraph_breaks(nlp: Language) -> Language:
    """Put `paragraph_sentences` before the parser (spaCy's parser keeps preset sentence
    starts); quotes are found with or without it, but speakers better with it."""
    if PARAGRAPHS not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    return nlp


def _text(doc: Doc) -> str:
    """`doc.text`, joined once per doc: spaCy rebuilds it from every token at each access,
    and the attribution of every quote reads it."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


_TEXT = "newsweave.text"


# ---- 1. quote spans ----


@dataclass(slots=True)
class QuoteSpan:
    """The text between one pair of quotation marks (marks excluded)."""

    start: int
    end: int
    continues: bool = False  # opens the paragraph after one whose quote was left open


def _role(text: str, i: int) -> str | None:
    """Whether the mark at `i` opens, closes or is ambiguous, judged by its neighbours."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    opens = before in _OPEN_BEFORE or before in "“‘\"'" or before.isspace()
    closes = not before.isspace() and (not after.isalnum())
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return None  # glued on both sides or free-standing: trust the glyph


def _double_apostrophes(text: str) -> str:
    """Text with typewriter doubles ('' and ``, as in some wire copy) as one straight mark,
    placed so that its context still says whether it opens or closes; offsets unchanged."""

    def one(match: re.Match[str]) -> str:
        at = match.start()
        opens = match.group() == "``" or at == 0 or text[at - 1].isspace()
        return ' "' if opens else '" '

    return re.sub(r"''|``", one, text)


def quote_spans(text: str) -> list[QuoteSpan]:
    """Pair quotation marks into spans, paragraph by paragraph; see the module docstring."""
    text = _double_apostrophes(text)
    spans: list[QuoteSpan] = []
    left_open = False
    offset = 0
    for paragraph in text.split("\n"):
        found, still_open = _pair(paragraph)
        for k, (s, e) in enumerate(found):
            starts_paragraph = not paragraph[: s - 1].strip()
            continues = k == 0 and left_open and starts_paragraph
            spans.append(QuoteSpan(offset + s, offset + e, continues))
        if paragraph.strip():
            left_open = still_open
        offset += len(paragraph) + 1
    return [s for s in spans if any(ch.isalpha() for ch in text[s.start : s.end])]


def _pair(paragraph: str) -> tuple[list[tuple[int, int]], bool]:
    """Pairs of one paragraph, and whether its last quote was still open at its end.

    Marks of another kind inside an open quote are nested quotes and are skipped; single marks
    open a quote only at top level and only when they close in the same paragraph.
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    kind, nested, i = "", 0, 0
    while i < len(paragraph):
        ch = paragraph[i]
        if ch in _KINDS:
            role = _role(paragraph, i)
            if role is None:
                role = "close" if (ch in "”»" or (ch == '"' and open_at is not None)) else "open"
            if open_at is None:
                if role == "open":
                    open_at, kind, nested = i + 1, _KINDS[ch], 0
            elif _KINDS[ch] != kind and role == "open":
                nested += 1
            elif _KINDS[ch] != kind and nested:
                nested -= 1
            else:  # the same kind, or a mismatched closer ("…” after an opening ")
                spans.append((open_at, i))
                open_at = None
        elif ch in _SINGLE and open_at is None and _role(paragraph, i) == "open":
            end = _single_close(paragraph, i + 1)
            if end is not None:
                spans.append((i + 1, end))
                i = end
        i += 1
    if open_at is not None:
        spans.append((open_at, len(paragraph)))
        return spans, True
    return spans, False


def _single_close(paragraph: str, at: int) -> int | None:
    """The closing single mark of a top-level single-quoted span, or None if there is none."""
    if at >= len(paragraph) or not paragraph[at].isalnum():
        return None
    for j in range(at + 1, len(paragraph)):
        if paragraph[j] in "’'" and _role(paragraph, j) == "close":
            if j + 1 < len(paragraph) and paragraph[j + 1] == "s":
                continue
            return j
        if paragraph[j] in '“"':
            return None
    return None


# ---- 2. attribution ----


def _speech_verb(token: Token, naming: bool = False) -> bool:
    lemma = token.lemma_.lower()
    return token.pos_ in ("VERB", "AUX") and (
        lemma in SPEECH_VERBS or (naming and lemma in NAMING_VERBS)
    )


def _governing_cue(content: Span, quoted: list[bool]) -> Token | None:
    """The nearest speech verb outside quotation marks that the quote hangs on in the parse
    (a naming verb only within three steps: "called her a “disgrace”")."""
    best: tuple[int, Token] | None = None
    for token in content:
        if token.is_punct or token.is_space or content.start <= token.head.i < content.end:
            continue
        for steps, ancestor in enumerate(token.ancestors, 1):
            if quoted[ancestor.idx] or steps > 6:
                break
            if _speech_verb(ancestor, naming=steps <= 3):
                if best is None or steps < best[0]:
                    best = (steps, ancestor)
                break
    return best[1] if best else None


def _nearest_cue(tokens: list[Token], near: int) -> Token | None:
    verbs = [t for t in tokens if _speech_verb(t, naming=True)]
    return min(verbs, key=lambda t: abs(t.i - near)) if verbs else None


def _speaker_of(cue: Token, depth: int = 0) -> tuple[Token | None, Token]:
    """The speaker token of a cue, and the verb it was read from ("quoted as saying")."""
    if depth > 3:
        return None, cue
    children = list(cue.children)
    if cue.lemma_.lower() in QUOTING_VERBS:
        for dep in ("dobj", "nsubjpass"):
            found = next((c for c in children if c.dep_ == dep), None)
            if found is not None:
                return found, cue
    subject = next((c for c in children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        agent = next((c for c in children if c.dep_ == "agent"), None)
        subject = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
    if subject is not None and subject.dep_ == "nsubjpass" and cue.lemma_ not in QUOTING_VERBS:
        subject = None  # "it was said that": no speaker
    if subject is not None:
        if subject.lower_ in ("who", "that") and cue.dep_ == "relcl":
            return cue.head, cue
        return subject, cue
    if cue.dep_ == "relcl":
        return cue.head, cue
    if cue.dep_ in ("conj", "xcomp", "advcl", "pcomp", "pobj", "acl") and cue.head.i != cue.i:
        head = cue.head
        while head.pos_ == "ADP" and head.head.i != head.i:
            head = head.head  # "as saying" -> the verb "as" hangs on
        speaker, source = _speaker_of(head, depth + 1)
        return speaker, (source if source.lemma_.lower() in QUOTING_VERBS else cue)
    return None, cue


def _adjacent_speaker(cue: Token, quoted: list[bool]) -> Token | None:
    """A person named right next to a cue the parser left without a subject ("…,” Tulsa
    police Chief Chuck Jordan said" parsed with "Tulsa" as a verb): the nearest name or
    pronoun within a few words before the cue, else after it, with no quote in between."""
    doc = cue.doc
    sent = cue.sent
    before = range(cue.i - 1, max(sent.start, cue.i - 7) - 1, -1)
    after = range(cue.i + 1, min(sent.end, cue.i + 7))
    for side in (before, after):
        for k in side:
            t = doc[k]
            if quoted[t.idx] or t.text in '“”"':
                break
            if t.ent_type_ == "PERSON" or (t.lower_ in PRONOUNS and t.dep_.startswith("nsubj")):
                return t
    return None


def _frame_subject(frame: list[Token]) -> Token | None:
    """The person a quote's sentence is about, outside the quote: the last resort for a cue
    whose own subject the parser put inside the quotation."""
    for t in frame:
        if t.dep_ in ("nsubj", "nsubjpass") and (t.ent_type_ == "PERSON" or t.lower_ in PRONOUNS):
            return t
    return None


def _according_to(tokens: list[Token]) -> Token | None:
    for t in tokens:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            return next((c for c in t.doc[t.i + 1].children if c.dep_ == "pobj"), None)
    return None


def _may_be_person(mention: Span) -> bool:
    """Whether a mention may stand for one person: a person's name, "he" or "she", or a
    singular noun that is not a medium, a document or an institution ("my father", "the
    senator", "one questioner"; not "the Russian site", "polls", "the Kremlin")."""
    root = mention.root
    if root.lower_ in PRONOUN_GENDER or any(e.label_ == "PERSON" for e in mention.ents):
        return True
    return (
        root.pos_ in ("NOUN", "PROPN")
        and root.tag_ not in ("NNS", "NNPS")
        and root.ent_type_ not in NOT_PERSON_LABELS
        and root.lemma_.lower() not in SOURCE_NOUNS
        and root.lower_ not in SOURCE_NOUNS
    )


def _reported_actor(content: Span, quoted: list[bool]) -> Token | None:
    """The person whose act a quote gives the words of, in a sentence whose source is "according
    to" a medium: the subject of a verb outside quotation marks that the quote hangs on within
    three steps ("According to the Russian site, Mr Putin congratulated Mr Assad on “…”" ->
    Putin). The subject must name a person or be "he"/"she"; a copula ("Putin was “furious”,
    according to the site") or a passive says what the medium reports about the person, not
    what the person said."""
    for token in content:
        if content.start <= token.head.i < content.end or token.is_punct or token.is_space:
            continue
        for steps, ancestor in enumerate(token.ancestors, 1):
            if quoted[ancestor.idx] or steps > 3:
                break
            if ancestor.pos_ != "VERB" or ancestor.lemma_.lower() == "be":
                continue
            subject = next((c for c in ancestor.children if c.dep_ == "nsubj"), None)
            if subject is not None and not quoted[subject.idx]:
                return subject if _person_subject(subject) else None
    return None


def _person_subject(subject: Token) -> bool:
    """A subject that is a person: "he", "she", a PERSON name, or a name after a title ("Mr
    Novak", which the small model may label ORG)."""
    if subject.ent_type_ == "PERSON" or subject.lower_ in PRONOUN_GENDER:
        return True
    mention = _mention(subject)
    return subject.pos_ == "PROPN" and len(mention) > 1 and mention[0].lower_ in HONORIFICS


def _mention(token: Token) -> Span:
    """The noun phrase of a speaker token: its name, title and determiners, no clauses."""
    doc = token.doc
    left, right = token.i, token.i
    for child in token.lefts:
        if child.dep_ in _MENTION_DEPS or child.ent_type_:
            left = min(left, child.left_edge.i)
    for child in token.rights:
        if child.dep_ in ("flat", "compound") or (
            child.ent_type_ == "PERSON" and child.i == right + 1
        ):
            right = max(right, child.right_edge.i)
    if token.ent_iob_ != "O":
        ent = next((e for e in doc.ents if e.start <= token.i < e.end), None)
        if ent is not None:
            left, right = min(left, ent.start), max(right, ent.end - 1)
    sent = token.sent
    left, right = max(left, sent.start), min(right, sent.end - 1)
    for k in range(left, right + 1):  # never across a paragraph break
        if "\n" in doc[k].text_with_ws and k < token.i:
            left = k + 1
        elif "\n" in doc[k].text_with_ws:
            right = min(right, k - 1 if doc[k].is_space else k)
    while left < right and doc[left].is_punct:
        left += 1
    while right > left and doc[right].is_punct:
        right -= 1
    return doc[left : right + 1]


@dataclass(slots=True)
class _Attribution:
    speaker: Span | None
    cue: Token | None
    cue_lemma: str | None


def _attribution(doc: Doc, span: QuoteSpan, quoted: list[bool]) -> _Attribution:
    """Cue and speaker of one quote; the tries are in the order of the module docstring."""
    content = doc.char_span(span.start, span.end, alignment_mode="expand")
    if content is None or not len(content):
        return _Attribution(None, None, None)
    governing = _governing_cue(content, quoted)
    sentences = list(dict.fromkeys(t.sent for t in (content[0], content[-1])))
    text = _text(doc)
    para_start, para_end = text.rfind("\n", 0, span.start) + 1, text.find("\n", span.end)
    para_end = len(text) if para_end < 0 else para_end
    frame = [
        t
        for s in sentences
        for t in s
        if para_start <= t.idx < para_end and not (quoted[t.idx] or t.is_punct or t.is_space)
    ]
    tries: list[tuple[Token | None, list[Token]]] = [
        (governing, frame),
        (_nearest_cue(frame, content.start), frame),
    ]
    first, last = sentences[0], sentences[-1]
    if first.start > 0:  # "He added:" / "Putin said:" just before
        before = doc[first.start - 1].sent
        if before.text.rstrip().endswith(":"):
            outside = [t for t in before if not quoted[t.idx]]
            tries.append((_nearest_cue(outside, content.start), outside))
    if last.end < len(doc):  # "…?” Graham asked." split off as a sentence of its own
        after = doc[last.end].sent
        gap = text[span.end : after.start_char]
        if "\n" not in gap and not gap.strip(" \"”’'.,!?"):
            lead = [t for t in after if not t.is_punct and t.idx < para_end]
            lead = lead[: next((k for k, t in enumerate(lead) if quoted[t.idx]), len(lead))]
            tries.append((_nearest_cue(lead, after.start), lead))
    for cue, _tokens in tries:
        if cue is None:
            continue
        speaker, source = _speaker_of(cue)
        if speaker is None or quoted[speaker.idx]:
            speaker, source = _adjacent_speaker(cue, quoted) or _frame_subject(frame), cue
        if speaker is not None:
            return _Attribution(_mention(speaker), cue, source.lemma_.lower())
    for _cue, tokens in tries:
        according = _according_to(tokens)
        if according is None:
            continue
        reporter = _mention(according)
        actor = _reported_actor(content, quoted) if not _may_be_person(reporter) else None
        if actor is not None:
            return _Attribution(_mention(actor), actor.head, actor.head.lemma_.lower())
        return _Attribution(reporter, None, "according to")
    return _Attribution(_unverbed_speaker(doc, span, content, quoted), None, None)


_DASH_NAME = re.compile(
    r"[”\"’']?[ \t\xa0]*[―—–-]{1,2}[ \t\xa0]*([A-Z][\w'’-]*(?:[ \t\xa0.]+[A-Z][\w'’-]*){0,3})"
)


def _unverbed_speaker(doc: Doc, span: QuoteSpan, content: Span, quoted: list[bool]) -> Span | None:
    """A speaker named without a speech verb: "“…” ― Sonya Herridge" (a dash and a name
    after the quote), or "Obama has a new message: “It's about me.”" (a colon before the quote
    closing a clause whose subject is a person)."""
    text = _text(doc)
    dash = _DASH_NAME.match(text, span.end)
    if dash and "\n" not in dash.group():
        named = doc.char_span(dash.start(1), dash.end(1), alignment_mode="expand")
        if named is not None:
            return named
    sent = content[0].sent
    before = text[sent.start_char : span.start].rstrip(" \"“‘'")
    if before.endswith(":") and not quoted[sent.root.idx]:
        subject = next((c for c in sent.root.children if c.dep_ == "nsubj"), None)
        if subject is not None and (subject.ent_type_ == "PERSON" or subject.lower_ in PRONOUNS):
            return _mention(subject)
    return None


# ---- 4. resolution ----


def _words(name: str) -> list[str]:
    """Lower-cased name words without particles: "Bashar al-Assad" -> [bashar, assad]."""
    out = []
    for word in name.lower().split():
        for particle in SURNAME_PARTICLES:
            word = word.removeprefix(particle)
        out.append(word.strip(".,"))
    return [w for w in out if w]


def clean_name(text: str) -> str:
    """A name without honorifics, possessive or stray punctuation: "Mr Putin's" -> "Putin"."""
    text = re.sub(r"['’]s?$", "", text.strip())
    words = text.split()
    while len(words) > 1 and words[0].lower() in HONORIFICS:
        words = words[1:]
    name = " ".join(words).strip(" ,.;:")
    return "" if re.search(r"[^\w\s.'’-]", name) or "\n" in name else name


@dataclass(slots=True)
class _Mention:
    at: int  # character offset
    name: str
    roles: frozenset[str]  # role and descriptor words that introduce the person here
    nations: frozenset[str]  # stems of nationality/place words among them ("syria", "russi")
    gender: str | None = None  # "m"/"f" where a title or role word says so


class _People:
    """The persons an article names, with the role words that introduce them."""

    def __init__(self, doc: Doc) -> None:
        self.mentions: list[_Mention] = []
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            name = clean_name(ent.text)
            if name and name[0].isupper():
                roles, nations = _roles(ent)
                words = [t.lower_ for t in doc[max(ent.start - 1, 0) : ent.start + 1]]
                gender = next(
                    (GENDER_WORDS[w] for w in [*words, *roles] if w in GENDER_WORDS), None
                )
                self.mentions.append(_Mention(ent.start_char, name, roles, nations, gender))

    def gender(self, name: str) -> str | None:
        """The gender the article's titles give a person ("Mrs. Clinton"), if any."""
        found = {m.gender for m in self.mentions if m.gender and _contains(name, m.name)}
        return found.pop() if len(found) == 1 else None

    def agrees(self, name: str | None, pronoun: str) -> bool:
        """Whether a name may stand for a pronoun: no title says otherwise."""
        wanted = PRONOUN_GENDER.get(pronoun.lower())
        known = self.gender(name) if name else None
        return name is not None and (wanted is None or known is None or known == wanted)

    def names_for(self, short: str) -> list[str]:
        """Names in the article holding every word of `short` ("Assad" in "Bashar al-Assad")."""
        wanted = set(_words(short))
        if not wanted:
            return []
        names = dict.fromkeys(m.name for m in self.mentions)
        return [n for n in names if wanted <= set(_words(n))]

    def full_name(self, short: str, position: int | None = None) -> str:
        """The longest form of the person's name in the article; of two people sharing the
        short form (Bill and Hillary Clinton), the one mentioned last before `position`, else
        the one mentioned most."""
        names = self.names_for(short)
        if not names:
            return short
        # Names no other name contains; two spellings that contain each other both stay.
        people = [n for n in names if not any(_contains(m, n) for m in names if m != n)] or names
        if len(people) > 1:
            before = [
                m
                for m in self.mentions
                if m.name in names and (position is None or m.at < position)
            ]
            if before:
                people = [n for n in people if _contains(n, before[-1].name)] or people
            else:
                counts = {n: sum(1 for m in self.mentions if _contains(n, m.name)) for n in people}
                people = [max(people, key=lambda n: counts[n])]
        return max(people, key=lambda n: (len(_words(n)), len(n)))

    def last_before(self, position: int, pronoun: str = "") -> str | None:
        """The person named last before `position` who may stand for `pronoun`."""
        for m in reversed([m for m in self.mentions if m.at < position]):
            name = self.full_name(m.name, position)
            if self.agrees(name, pronoun):
                return name
        return None

    def by_role(self, description: Span, previous: str | None) -> str | None:
        """The person the article introduces with the words of a definite description.

        A role word must match through `ROLE_GROUPS`; a person introduced with another
        nationality only ("Russian President" for "the Syrian leader") is out. Each matching
        descriptor ("Kremlin", "Syrian") scores 2, unmatched descriptors cost 0.5; the previous
        speaker gets 0.5, each mention 0.01.
        """
        words = {t.lemma_.lower() for t in description if t.is_alpha and not t.is_stop}
        words |= {t.lower_ for t in description if t.is_alpha and not t.is_stop}
        groups = [g for g in ROLE_GROUPS if g & words]
        if not groups:
            return None
        descriptors = {w[:5] for w in words - ROLE_WORDS - VAGUE_WORDS}
        nations = {t.lower_[:5] for t in description if t.ent_type_ in ("NORP", "GPE")}
        roles: dict[str, set[str]] = {}
        their_nations: dict[str, set[str]] = {}
        counts: dict[str, int] = {}
        for m in self.mentions:
            full = self.full_name(m.name)
            roles.setdefault(full, set()).update(m.roles)
            their_nations.setdefault(full, set()).update(m.nations)
            counts[full] = counts.get(full, 0) + 1
        scores: dict[str, float] = {}
        for full, person_roles in roles.items():
            if not any(g & person_roles for g in groups):
                continue
            if nations and their_nations[full] and not nations & their_nations[full]:
                continue
            stems = {r[:5] for r in person_roles - ROLE_WORDS}
            scores[full] = (
                1
                + 2 * len(descriptors & stems)
                - (0.5 if descriptors - stems else 0)
                + (0.5 if full == previous else 0)
                + 0.01 * counts[full]
            )
        best = max(scores, key=lambda n: scores[n], default=None)
        return best if best is not None and scores[best] > 0 else None


def _contains(long: str, short: str) -> bool:
    return set(_words(short)) <= set(_words(long))


def _roles(ent: Span) -> tuple[frozenset[str], frozenset[str]]:
    """Words that introduce a person, and the nationality stems among them: a title before the
    name ("Kremlin spokesman", "President of Syria", "Putin's spokesman") and an apposition
    after it (", the Kremlin spokesman,"). A plural title ("Russian and Syrian Presidents")
    is shared, so only its role word counts."""
    doc = ent.doc
    words: list[Token] = []
    k = ent.start - 1
    plural = False
    while k >= max(ent.sent.start, ent.start - 6):
        t = doc[k]
        if not (t.pos_ in ("PROPN", "NOUN", "ADJ") or t.lower_ in ("of", "'s", "’s")):
            break
        if plural and t.pos_ != "NOUN":
            break
        plural = plural or t.tag_ in ("NNS", "NNPS")
        words.append(t)
        k -= 1
    root = ent.root
    for head in (c for c in root.children if c.dep_ == "appos" and c.i >= ent.end):
        words.extend(w for w in head.subtree if w.dep_ != "relcl" and w.head.dep_ != "relcl")
    if root.dep_ == "appos" and root.head.i < ent.start:  # "the Kremlin spokesman, Dmitry Peskov"
        words.extend([*root.head.lefts, root.head])
    roles = {w.lemma_.lower() for w in words if w.is_alpha and not w.is_stop}
    roles |= {w.lower_ for w in words if w.is_alpha and not w.is_stop}
    nations = {w.lower_[:5] for w in words if w.ent_type_ in ("NORP", "GPE")}
    return frozenset(roles), frozenset(nations)


def _subjects_before(mention: Span) -> list[Token]:
    """Persons a pronoun may stand for by position: the PERSON subjects earlier in its own
    sentence (nearest first), then those of the sentence before."""
    doc, sent = mention.doc, mention.sent
    found = [t for t in doc[sent.start : mention.start] if t.dep_.startswith("nsubj")][::-1]
    if sent.start > 0:
        found += [t for t in doc[sent.start - 1].sent if t.dep_.startswith("nsubj")]
    return [t for t in found if t.ent_type_ == "PERSON"]


def _person_name(token: Token) -> str:
    ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
    text = ent.text if ent is not None else token.text
    return clean_name(text) or text


@dataclass(slots=True)
class _Speakers:
    """The speakers an article has given so far, each with where it is named and whether it is
    a person. A pronoun or a description stands for a speaker named before it: "they" for the
    last one of any kind (an organisation may be "they"), "he", "she" and role descriptions for
    the last person, as a medium ("the Russian site") never says "he added"."""

    named: list[tuple[int, str, bool]] = field(default_factory=list)

    def add(self, at: int, name: str, mention: Span | None, people: _People) -> None:
        person = bool(people.names_for(name)) or (mention is not None and _may_be_person(mention))
        self.named.append((at, name, person))

    def last(self, before: int, person: bool = False) -> str | None:
        """The speaker named last before `before` (only persons when `person`)."""
        found: tuple[int, str, bool] | None = None
        for named in self.named:
            if (
                named[0] < before
                and (named[2] or not person)
                and (not found or named[0] >= found[0])
            ):
                found = named
        return found[1] if found else None


def resolve(mention: Span, people: _People, previous: _Speakers) -> str:
    """The name a speaker mention stands for; the mention as written when none is found."""
    text = mention.text
    root = mention.root
    if root.lower_ in PRONOUNS or text.lower() in PRONOUNS:
        pronoun = root.lower_
        candidates: list[str | None] = [
            people.full_name(_person_name(t), mention.start_char) for t in _subjects_before(mention)
        ]
        candidates += [
            previous.last(mention.start_char, person=pronoun in PRONOUN_GENDER),
            people.last_before(mention.start_char, pronoun),
        ]
        return next((c for c in candidates if c is not None and people.agrees(c, pronoun)), text)
    persons = [e for e in mention.ents if e.label_ == "PERSON"]
    if persons:
        own = next((e for e in persons if e.start <= root.i < e.end), persons[-1])
        return people.full_name(clean_name(own.text) or own.text, mention.start_char)
    words = {t.lower_ for t in mention} | {t.lemma_.lower() for t in mention}
    definite = mention[0].lower_ in ("the", "this", "that") or mention[0].dep_ == "poss"
    if words & ROLE_WORDS and definite and root.tag_ != "NNS":
        found = people.by_role(mention, previous.last(mention.start_char, person=True))
        if found:
            return found
    titled = len(mention) > 1 and mention[0].lower_ in HONORIFICS  # "Mr Novak" labelled ORG
    if root.pos_ == "PROPN" and (titled or root.ent_type_ not in ("ORG", "GPE", "NORP", "FAC")):
        name = clean_name(text)
        if name:
            return people.full_name(name, mention.start_char)
    return text


# ---- 3. putting it together ----


def extract_quotes(doc: Doc) -> list[Quote]:
    """Direct quotes (with speaker and cue) and reported speech of a parsed article, in text
    order."""
    text = _text(doc)
    people = _People(doc)
    spans = quote_spans(text)
    quoted = [False] * (len(text) + 1)
    for s in spans:
        quoted[s.start : s.end] = [True] * (s.end - s.start)
    quotes: list[Quote] = []
    cues: list[Token | None] = []
    previous = _Speakers()
    for span in spans:
        found = _attribution(doc, span, quoted)
        content = text[span.start : span.end]
        quote = Quote(
            content.strip(" ,"),
            None,
            None,
            found.cue_lemma,
            span.start,
            span.end,
            continues=span.continues,
        )
        if found.speaker is not None:
            quote.speaker = resolve(found.speaker, people, previous)
            quote.speaker_mention = found.speaker.text
            quote.speaker_start, quote.speaker_end = (
                found.speaker.start_char,
                found.speaker.end_char,
            )
        elif quotes and _continues(text, quotes[-1], span):
            last = quotes[-1]
            quote.speaker, quote.speaker_mention, quote.cue = (
                last.speaker,
                last.speaker_mention,
                last.cue,
            )
            quote.speaker_start, quote.speaker_end = last.speaker_start, last.speaker_end
        else:
            transcript = re.match(r"([A-Z][A-Za-z.'’-]+(?: [A-Z][A-Za-z.'’-]+){0,2}): ", content)
            if transcript:
                quote.speaker = quote.speaker_mention = transcript.group(1)
                quote.speaker_start = span.start
                quote.speaker_end = span.start + len(transcript.group(1))
                quote.start = span.start + transcript.end()
                quote.text = text[quote.start : span.end].strip(" ,")
        if quotes and _split(doc, quotes[-1], cues[-1], quote, found.cue):
            _join(quotes[-1], quote, text)
            continue
        if quote.speaker:
            at = quote.start if quote.speaker_start is None else quote.speaker_start
            previous.add(at, quote.speaker, found.speaker, people)
        title = _title_like(quote.text) and (_used_as_name(doc, span) or not quote.speaker)
        if quote.text and (quote.speaker or _speech_like(quote.text)) and not title:
            quotes.append(quote)
            cues.append(found.cue)
    quotes.extend(_reported(doc, quoted, people))
    return sorted(quotes, key=lambda q: q.start)


def _speech_like(content: str) -> bool:
    """An unattributed quote is kept when it reads like speech, not a title or scare quote."""
    words = content.split()
    if len(words) < 4:
        return False
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised < 0.7 * len(words)


_SMALL_WORDS = _lexicon("of the and a an on in for to with at by or from")


def _title_like(content: str) -> bool:
    """A short quote in title case ("Fox News Sunday", "Morning Joe") names a show, a book or
    a nickname rather than quoting anyone."""
    words = re.findall(r"[^\W\d_][\w’'-]*", content)
    if not words or len(words) > 6:
        return False
    return words[0][0].isupper() and all(w[0].isupper() or w in _SMALL_WORDS for w in words)


_NAME_DEPS = frozenset({"compound", "poss", "nmod", "npadvmod", "nsubj", "nsubjpass", "appos"})


def _used_as_name(doc: Doc, span: QuoteSpan) -> bool:
    """Whether a quote stands where a name does: after a preposition other than "as"
    ("on “Fox News Sunday”"), or as a modifier or subject ("“Morning Joe” host")."""
    content = doc.char_span(span.start, span.end, alignment_mode="expand")
    if content is None:
        return False
    root = content.root
    if root.dep_ == "pobj":
        return root.head.lower_ not in ("as", "like")
    return root.dep_ in _NAME_DEPS


def _paragraph_between(text: str, a: int, b: int) -> bool:
    return "\n" in text[a:b]


def _continues(text: str, last: Quote, span: QuoteSpan) -> bool:
    """A quote with no attribution of its own continues the one before it: the next paragraph
    of a speech, a quote opening the paragraph right after a quoted one, or a quote later in
    the same paragraph."""
    if span.continues:
        return True
    between = text[last.end : span.start]
    if "\n" not in between:
        return len(between) < 200
    skipped = [p for p in between.split("\n")[1:-1] if p.strip()]
    opens_paragraph = not between.rsplit("\n", 1)[-1].strip(" \t\"“”‘'")
    return opens_paragraph and not skipped


def _split(
    doc: Doc, first: Quote, cue: Token | None, second: Quote, second_cue: Token | None
) -> bool:
    """Whether `second` is the rest of `first`, split by `first`'s attribution: same paragraph,
    the cue between them and no cue of its own but that one, and nothing between them but the
    attribution (speaker, cue, their modifiers) in one sentence: no clause of its own hanging
    on the cue (", suggesting a few questions, including")."""
    text = _text(doc)
    if not first.direct or _paragraph_between(text, first.end, second.start):
        return False
    between = text[first.end : second.start].strip(" \"“”‘’'")
    if not between:
        return second_cue is None or (cue is not None and second_cue.i == cue.i)
    if cue is None or not (first.end <= cue.idx < second.start):
        return False
    if (second_cue is not None and second_cue.i != cue.i) or not re.search(r"[,.:;—–]$", between):
        return False
    tokens = doc.char_span(first.end, second.start, alignment_mode="contract")
    if tokens is None:
        return True
    if not all(t.sent == cue.sent or t.is_punct or t.is_space for t in tokens):
        return False
    return not any(t.pos_ == "VERB" and _clause_of(t, cue) for t in tokens)


def _clause_of(verb: Token, cue: Token) -> bool:
    """Whether `verb` heads a clause of its own hanging on `cue` (not the speaker's relative
    clause, not "as saying")."""
    child = verb
    while child.head.i not in (child.i, cue.i):
        child = child.head
    return child.head.i == cue.i and child.i != cue.i and child.dep_ in _CLAUSE_DEPS


_CLAUSE_DEPS = frozenset({"advcl", "xcomp", "conj", "ccomp", "parataxis"})


def _join(first: Quote, second: Quote, text: str) -> None:
    head = first.text.rstrip(" ,")
    if second.text[:1].isupper() and not _SENTENCE_END.search(head):
        head += "."
    first.text = f"{head} {second.text}"
    first.end = second.end


def _clear_speaker(mention: Span) -> bool:
    """A named or described source ("Putin", "the Kremlin", "officials", "a new poll") or a
    pronoun that resolves to a person; not "it", "this" or "which"."""
    root = mention.root
    return root.pos_ in ("NOUN", "PROPN") or root.lower_ in PRONOUNS


def _reported(doc: Doc, quoted: list[bool], people: _People) -> Iterator[Quote]:
    """Reported speech: a speech verb (or a reporting verb: "the poll found") with a clear
    speaker and a clause, or "according to X" before or after a clause; no quotation marks.
    Pronouns stand for earlier reported speakers, not for the speakers of direct quotes: those
    are often far away, and the person named last is the better guess."""
    previous = _Speakers()
    for sent in doc.sents:
        found = _reported_clause(sent, quoted) or _according_clause(sent, quoted)
        if found is None:
            continue
        mention, cue, content = found
        if len(content) < 3 or any(quoted[t.idx] or "\n" in t.text for t in content):
            continue
        name = resolve(mention, people, previous)
        previous.add(mention.start_char, name, mention, people)
        yield Quote(
            content.text, name, mention.text, cue, content.start_char, content.end_char,
            direct=False, speaker_start=mention.start_char, speaker_end=mention.end_char,
        )  # fmt: skip


def _reported_clause(sent: Span, quoted: list[bool]) -> tuple[Span, str, Span] | None:
    doc = sent.doc
    for token in sent:
        reporting = token.lemma_.lower() in REPORTING_VERBS and token.pos_ == "VERB"
        if not (_speech_verb(token) or reporting) or quoted[token.idx]:
            continue
        clause = next((c for c in token.children if c.dep_ == "ccomp"), None)
        if clause is None:
            continue
        content = doc[max(clause.left_edge.i, sent.start) : min(clause.right_edge.i + 1, sent.end)]
        speaker, source = _speaker_of(token)
        if speaker is None or content.start <= speaker.i < content.end:
            continue
        mention = _mention(speaker)
        if _clear_speaker(mention):
            return mention, source.lemma_.lower(), content
    return None


def _according_clause(sent: Span, quoted: list[bool]) -> tuple[Span, str, Span] | None:
    """ "According to X, <clause>." or "<clause>, according to X." """
    according = _according_to(list(sent))
    if according is None or quoted[according.idx]:
        return None
    doc = sent.doc
    phrase_start = according.i
    while phrase_start > sent.start and doc[phrase_start - 1].lower_ not in ("according",):
        phrase_start -= 1
    phrase_start -= 1
    phrase_end = according.right_edge.i + 1
    if phrase_start <= sent.start + 1:
        rest = doc[phrase_end : sent.end]
    elif phrase_end >= sent.end - 2:
        rest = doc[sent.start : phrase_start]
    else:
        return None
    while len(rest) and (rest[0].is_punct or rest[0].is_space):
        rest = rest[1:]
    while len(rest) and (rest[-1].is_punct or rest[-1].is_space):
        rest = rest[:-1]
    return _mention(according), "according to", rest
