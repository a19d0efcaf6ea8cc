"""Quotations with their speakers, like textacy's `direct_quotations` but resolved.

Small steps over one parsed spaCy `Doc`:

1. `quote_spans` pairs quotation marks (straight and curly). A quote still open at the end of
   a paragraph closes there; if the next paragraph opens with a quotation mark, that quote
   continues the same speech (news style for multi-paragraph quotes).
2. For each quote, the cue is a speech verb outside the quoted text: in the same sentence
   ("..., Assad said", "He added: ..."), or in the sentence before it when that one ends with a
   colon. The speaker is the cue's subject ("said Putin" too), the object of "quote X as
   saying", the passive subject of "X was quoted as saying", or the object of "according to".
3. Pronouns resolve to the previous speaker, else the last person named; descriptions
   ("the Kremlin spokesperson", "the Syrian leader") to the person the article names with
   those words ("Kremlin spokesperson Dmitry Peskov", "Syrian President Bashar al-Assad").
   Names become the fullest form the article uses ("Assad" -> "Bashar al-Assad").
4. Reported speech: a speech verb with a person as subject and a clause as complement,
   outside quotation marks ("Putin said the Syrian military's successes have ...").

Lexicons (speech verbs, role synonyms) are data at the top of the module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

SPEECH_VERBS = frozenset(
    [
        "say",
        "tell",
        "add",
        "state",
        "claim",
        "announce",
        "declare",
        "explain",
        "insist",
        "note",
        "argue",
        "warn",
        "write",
        "report",
        "quote",
        "cite",
        "confirm",
        "deny",
        "reply",
        "respond",
        "answer",
        "ask",
        "continue",
        "acknowledge",
        "admit",
        "assert",
        "comment",
        "describe",
        "emphasize",
        "emphasise",
        "stress",
        "suggest",
        "predict",
        "promise",
        "vow",
        "urge",
        "recall",
        "remark",
        "observe",
        "mention",
        "contend",
        "maintain",
        "tweet",
        "post",
        "caution",
        "complain",
        "concede",
        "agree",
        "disagree",
        "express",
        "indicate",
        "reiterate",
        "repeat",
        "point",
    ]
)
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "him", "her"})
ROLE_SYNONYMS = {
    "leader": {"president", "leader", "head", "premier", "chancellor", "prime"},
    "president": {"president", "leader"},
    "spokesperson": {"spokesperson", "spokesman", "spokeswoman", "press"},
    "spokesman": {"spokesperson", "spokesman", "spokeswoman"},
    "spokeswoman": {"spokesperson", "spokesman", "spokeswoman"},
    "minister": {"minister", "secretary"},
    "secretary": {"minister", "secretary"},
}
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "mr.", "mrs.", "ms.", "dr."})
OPENING = {'"': '"', "“": "”", "„": "“", "«": "»"}
_NOT_NAME = re.compile(r"[^\w\s.'’-]")


@dataclass(slots=True)
class Quote:
    text: str
    speaker: str | None
    speaker_mention: str | None
    cue: str | None
    start: int
    end: int
    direct: bool = True
    speaker_start: int | None = None
    speaker_end: int | None = None


# ---- 1. quote spans ----


def quote_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, continues_previous) of the text inside each pair of quotation marks."""
    spans: list[tuple[int, int, bool]] = []
    open_at: int | None = None
    closer = ""
    continues = False
    closed_by_paragraph = False  # the last quote was still open when its paragraph ended
    for i, ch in enumerate(text):
        if open_at is None:
            if ch in OPENING and _opens(text, i):
                continues = closed_by_paragraph and _paragraph_start(text, i)
                open_at, closer = i + 1, OPENING[ch]
            elif ch.isalnum():
                closed_by_paragraph = False
        elif ch == closer or (closer in '"”' and ch in '"”'):
            spans.append((open_at, i, continues))
            open_at, closed_by_paragraph = None, False
        elif ch == "\n":
            spans.append((open_at, i, continues))
            open_at, closed_by_paragraph = None, True
    if open_at is not None:
        spans.append((open_at, len(text), continues))
    return [(s, e, c) for s, e, c in spans if any(ch.isalpha() for ch in text[s:e])]


def _opens(text: str, i: int) -> bool:
    """A mark opens a quote when it is not glued to a word on its left (straight quotes)."""
    if text[i] != '"':
        return True
    return i == 0 or not text[i - 1].isalnum() or text[i - 1] in ",:"


def _paragraph_start(text: str, i: int) -> bool:
    return i == 0 or text[:i].rstrip(" \t").endswith("\n")


# ---- 2./3. attribution ----


def _cue_in(tokens: list[Token]) -> Token | None:
    verbs = [t for t in tokens if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in ("VERB", "AUX")]
    if not verbs:
        return None
    # Prefer the sentence's root-most speech verb.
    return min(verbs, key=lambda t: len(list(t.ancestors)))


def _speaker_token(cue: Token) -> Token | None:
    if cue.lemma_.lower() == "quote":
        for child in cue.children:
            if child.dep_ in ("dobj", "nsubjpass"):
                return child
    for child in cue.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    # "as saying": the speaker is the subject/object of the governing verb ("X was quoted as saying").
    head = cue.head
    if cue.dep_ in ("advcl", "pcomp", "xcomp", "conj") and head is not cue:
        return _speaker_token(head) if head.lemma_.lower() in SPEECH_VERBS else None
    return None


def _according_to(tokens: list[Token]) -> Token | None:
    for t in tokens:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            for child in t.doc[t.i + 1].children:
                if child.dep_ == "pobj":
                    return child
    return None


def _mention(token: Token) -> Span:
    """The noun phrase of a speaker token, without trailing relative clauses."""
    left, right = token.i, token.i
    for child in token.lefts:
        if (
            child.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "case", "punct")
            or child.ent_type_
        ):
            left = min(left, child.left_edge.i)
    for child in token.rights:
        if child.dep_ in ("appos", "flat", "compound") or (child.ent_type_ == "PERSON"):
            right = max(right, child.right_edge.i)
    span = token.doc[left : right + 1]
    while len(span) > 1 and span[-1].is_punct:
        span = span[:-1]
    return span


class _People:
    """The persons an article names, with the words that introduce them, for resolution."""

    def __init__(self, doc: Doc) -> None:
        self.mentions: list[tuple[int, str, set[str]]] = []  # (char position, name, role words)
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            name = _clean_name(ent.text)
            if not name:
                continue
            roles = set()
            k = ent.start - 1  # the title right before the name: "Kremlin spokesman", "Syria's"
            while (
                k >= ent.sent.start
                and doc[k].pos_ in ("PROPN", "ADJ", "NOUN", "PART")
                and k > ent.start - 5
            ):
                if doc[k].is_alpha:
                    roles.add(doc[k].lemma_.lower())
                k -= 1
            for t in doc[ent.end : min(ent.end + 8, ent.sent.end)]:
                if t.dep_ == "appos" and ent.start <= t.head.i < ent.end:
                    roles |= {w.lemma_.lower() for w in t.subtree if w.is_alpha and not w.is_stop}
            self.mentions.append((ent.start_char, name, roles))
        self.names = [m[1] for m in self.mentions]

    def full_name(self, name: str) -> str:
        """The longest name the article uses that contains this one's surname."""
        words = name.split()
        if not words:
            return name
        surname = words[-1].lower().removeprefix("al-")
        matches = [n for n in self.names if n.split()[-1].lower().removeprefix("al-") == surname]
        return max(matches, key=lambda n: (len(n.split()), len(n)), default=name)

    def last_before(self, position: int) -> str | None:
        before = [m for m in self.mentions if m[0] < position]
        return self.full_name(before[-1][1]) if before else None

    def by_role(self, words: set[str], position: int, previous: str | None = None) -> str | None:
        """The person introduced with these words ("Kremlin spokesperson" -> Dmitry Peskov).

        Descriptors ("Kremlin", "Syrian") must match; role nouns may match through synonyms
        ("leader" ~ "president"); the previous speaker wins a tie.
        """
        roles_wanted = (
            set().union(*(ROLE_SYNONYMS.get(w, {w}) for w in words & _ROLE_NOUNS))
            if words & _ROLE_NOUNS
            else set()
        )
        descriptors = {w[:5] for w in words - _ROLE_NOUNS}
        roles_of: dict[str, set[str]] = {}
        for _, name, roles in self.mentions:
            roles_of.setdefault(self.full_name(name), set()).update(roles)
        scores: dict[str, float] = {}
        for full, roles in roles_of.items():
            stems = {r[:5] for r in roles}
            if descriptors and not descriptors <= stems:
                continue
            scores[full] = len(descriptors & stems) * 2 + len(roles_wanted & roles)
        if previous in scores:
            scores[previous] += 0.5
        if not scores or max(scores.values()) < 1:
            return None
        return max(scores, key=lambda n: scores[n])


_ROLE_NOUNS = frozenset().union(*ROLE_SYNONYMS.values(), ROLE_SYNONYMS)


def _clean_name(text: str) -> str:
    words = [
        w for w in text.replace("’s", "").replace("'s", "").split() if w.lower() not in HONORIFICS
    ]
    name = " ".join(words).strip(" ,.")
    return "" if _NOT_NAME.search(name) else name


def _subject_before(doc: Doc, position: int) -> Token | None:
    """The person who is the subject of the sentence before `position`, for "he said"."""
    sent = doc.char_span(position, position + 1, alignment_mode="expand")
    if sent is None or sent.sent.start == 0:
        return None
    previous = doc[sent.sent.start - 1].sent
    for token in previous:
        if token.dep_ in ("nsubj", "nsubjpass") and token.ent_type_ == "PERSON":
            return token
    return None


def _resolve(span: Span, people: _People, previous: str | None) -> str | None:
    text = _clean_name(span.text) or span.text
    lowered = span.text.lower()
    if span.root.lower_ in PRONOUNS or lowered in PRONOUNS:
        subject = _subject_before(span.doc, span.start_char)
        if subject is not None:
            return people.full_name(_clean_name(_mention(subject).text) or subject.text)
        return previous or people.last_before(span.start_char)
    persons = [e for e in span.ents if e.label_ == "PERSON"]
    if persons:
        own = next((e for e in persons if e.start <= span.root.i < e.end), persons[-1])
        return people.full_name(_clean_name(own.text) or own.text)
    if span.root.ent_type_ in ("ORG", "GPE", "NORP"):
        return span.text
    words = {t.lower_ for t in span if t.is_alpha and not t.is_stop}
    if words & _ROLE_NOUNS:
        return people.by_role(words, span.start_char, previous) or text
    if span.root.pos_ == "PROPN":
        return people.full_name(text)
    return text


def extract_quotes(doc: Doc) -> list[Quote]:
    """Direct quotes (with speaker and cue) and reported speech in a parsed article."""
    text = doc.text
    people = _People(doc)
    quotes: list[Quote] = []
    previous_speaker: str | None = None
    quoted = [False] * len(text)
    for start, end, continues in quote_spans(text):
        for k in range(start, end):
            quoted[k] = True
        content = text[start:end].strip(" ,")
        if not content:
            continue
        speaker_span, cue = _attribute(doc, start, end, quoted)
        if speaker_span is not None:
            speaker = _resolve(speaker_span, people, previous_speaker)
            mention = speaker_span.text
        elif quotes and (continues or _follows(text, quotes[-1].end, start)):
            speaker, mention, cue = quotes[-1].speaker, quotes[-1].speaker_mention, quotes[-1].cue
        else:
            speaker = mention = None
        quote = Quote(content, speaker, mention, cue, start, end)
        if speaker_span is not None:
            quote.speaker_start, quote.speaker_end = speaker_span.start_char, speaker_span.end_char
        quotes.append(quote)
        if speaker:
            previous_speaker = speaker
    quotes = _join_split(text, quotes)
    quotes.extend(_reported(doc, quoted, people))
    return sorted(quotes, key=lambda q: q.start)


def _join_split(text: str, quotes: list[Quote]) -> list[Quote]:
    """ "...to Syria," Assad was quoted as saying. "However, ..." is one quote in two parts."""
    out: list[Quote] = []
    for quote in quotes:
        last = out[-1] if out else None
        if (
            last is not None
            and text[last.start : last.end].rstrip().endswith(",")
            and "\n" not in text[last.end : quote.start]
            and len(text[last.end : quote.start]) <= 80
            and (quote.speaker is None or last.speaker is None or quote.speaker == last.speaker)
        ):
            last.text = f"{last.text.rstrip(' ,')}, {quote.text}"
            last.end = quote.end
            last.speaker = last.speaker or quote.speaker
            last.cue = last.cue or quote.cue
            continue
        out.append(quote)
    return out


def _follows(text: str, previous_end: int, start: int) -> bool:
    """A quote with no attribution of its own continues the quote just before it: in the same
    paragraph or the next, with at most a short attribution ("Assad was quoted as saying.")
    between them."""
    between = text[previous_end:start].strip(' "“”')
    if between.count("\n\n") > 1 or any(mark in between for mark in '"“”'):
        return False
    if "\n\n" in text[previous_end:start] and not text[previous_end:start].split("\n\n")[-1].strip(
        ' "“'
    ):
        return True  # a quote opening the paragraph after a quoted one
    return len(between.strip(' \n"“”,.')) <= 60


def _attribute(
    doc: Doc, start: int, end: int, quoted: list[bool]
) -> tuple[Span | None, str | None]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None, None
    sentences = list(dict.fromkeys([span[0].sent, span[-1].sent]))
    outside = [t for s in sentences for t in s if not quoted[t.idx] and not t.is_punct]
    candidates = [outside]
    first = sentences[0]
    if first.start > 0:
        before = doc[first.start - 1].sent
        if before.text.rstrip().endswith(":") or not outside:
            candidates.append([t for t in before if not quoted[t.idx]])
    last = sentences[-1]
    if not outside and last.end < len(doc):
        after = doc[last.end].sent
        if after.text.count('"') + after.text.count("“") == 0:
            candidates.append(list(after))
    for tokens in candidates:
        cue = _cue_in(tokens)
        if cue is not None:
            speaker = _speaker_token(cue)
            if speaker is not None:
                return _mention(speaker), cue.lemma_.lower()
        according = _according_to(tokens)
        if according is not None:
            return _mention(according), "accord"
    return None, None


def _reported(doc: Doc, quoted: list[bool], people: _People) -> list[Quote]:
    out = []
    for sent in doc.sents:
        if any(quoted[t.idx] for t in sent):
            continue
        for token in sent:
            if token.lemma_.lower() not in SPEECH_VERBS or token.pos_ != "VERB":
                continue
            clause = next((c for c in token.children if c.dep_ == "ccomp"), None)
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if clause is None or subject is None:
                continue
            mention = _mention(subject)
            if (
                not (mention.ents and mention.root.ent_type_ == "PERSON")
                and subject.lower_ not in PRONOUNS
                and not ({t.lower_ for t in mention} & _ROLE_NOUNS)
            ):
                continue
            speaker = _resolve(mention, people, None)
            content = doc[clause.left_edge.i : clause.right_edge.i + 1]
            out.append(
                Quote(content.text, speaker, mention.text, token.lemma_.lower(), content.start_char,
                      content.end_char, direct=False, speaker_start=mention.start_char, speaker_end=mention.end_char)
            )  # fmt: skip
            break
    return out
