"""Cross-source analysis of a story: facts, corroboration, disagreements and coverage.

Sentences of different articles that state the same thing are aligned into facts:
candidate pairs are scored by TF-IDF cosine over the story's sentences; pairs above
`align_threshold` are merged best first, never putting two sentences of one article into one
fact (so a fact cannot chain through a long sentence into something else).

A fact's corroboration counts independent sources, not articles: an article that carries one
wire's story (a single wire credit: "The Moscow Times (Reuters)") counts as that wire, so five
sites reprinting Reuters are one source, shown as "Reuters (via ...)". A passage copied word for
word counts once too, whoever prints it (`_passage_sources`): two outlets rarely write the same
dozen words in the same order by chance, so the same text is one reporter's, and the outlets
carrying it are shown as its carriers. Different wordings of one claim stay separate sources:
that is corroboration.

Disagreements are looked for only inside facts, where outlets state the same thing: numbers
with the same unit word ("450,000 killed" / "500,000 killed"), dates and weekdays, and
polarity (one says "not"). Agreeing in other words is not a disagreement, and a value one
statement lacks is an omission, not a conflict. Each outlet's version is shown; no winner.

Quotes are matched across outlets the same way (`match_quotes`): one remark, several wordings.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from rapidfuzz.distance import Indel

from newsweave.model import (
    Article,
    Disagreement,
    Fact,
    OutletCoverage,
    QuoteVariant,
    Statement,
    StoryEntity,
    StoryQuote,
    Version,
    normalise_body,
)
from newsweave.nlp.canonical import canonical_person
from newsweave.nlp.dates import find_time_expressions
from newsweave.nlp.quotes import Quote, quote_spans
from newsweave.tfidf import tfidf, tokens


@dataclass(frozen=True, slots=True)
class AlignSettings:
    align_threshold: float = 0.3
    conflict_threshold: float = 0.5
    min_words: int = 6
    polarity_threshold: float = 0.6
    exclusive_limit: int = 5
    quote_min_words: int = 4
    quote_min_shared: int = 4
    quote_containment: float = 0.5
    passage_similarity: float = 0.9  # word-level, after normalising case, quotes and spacing
    passage_min_words: int = 12  # shorter runs of the same words are set phrases, not copies


def describe_sources(
    articles: Sequence[Article], sources: Sequence[str] | None = None
) -> list[str]:
    """ "Reuters (via The Moscow Times, ...)" for wire copies, the outlet otherwise.

    `sources` gives each article's source for one statement (`_passage_sources`); without it,
    each article counts as its `independent_source`."""
    names = sources if sources is not None else [a.independent_source for a in articles]
    carriers: dict[str, list[str]] = defaultdict(list)
    for article, name in zip(articles, names, strict=True):
        if article.outlet and name != article.outlet:
            carriers[name].append(article.outlet)
        else:
            carriers.setdefault(name, [])
    return [
        f"{name} (via {', '.join(dict.fromkeys(via))})" if via else name
        for name, via in carriers.items()
    ]


@dataclass(slots=True)
class _Unit:
    article: Article
    index: int
    text: str


def _units(articles: Sequence[Article], settings: AlignSettings) -> list[_Unit]:
    return [
        _Unit(a, s.index, " ".join(s.text.split()))
        for a in articles
        for s in a.sentences
        if len(s.text.split()) >= settings.min_words
    ]


@dataclass(slots=True)
class Alignment:
    """The story's sentences, their similarities, and the facts (groups of aligned sentences)."""

    units: list[_Unit]
    sims: np.ndarray
    groups: list[list[int]]  # indices into `units`, one list per fact, same order as `facts`
    facts: list[Fact]


def align(articles: Sequence[Article], settings: AlignSettings | None = None) -> Alignment:
    """Facts stated by two or more articles, most corroborated first."""
    settings = settings or AlignSettings()
    units = _units(articles, settings)
    empty = Alignment(units, np.zeros((len(units), len(units))), [], [])
    if len(units) < 2:
        return empty
    matrix, _ = tfidf([u.text for u in units])
    if matrix.shape[1] == 0:
        return empty
    sims = (matrix @ matrix.T).toarray()
    owner = [u.article.id for u in units]
    pairs = [
        (sims[i, j], i, j)
        for i in range(len(units))
        for j in range(i + 1, len(units))
        if owner[i] != owner[j] and sims[i, j] >= settings.align_threshold
    ]
    parent = list(range(len(units)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(units))}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in sorted(pairs, reverse=True):
        a, b = find(i), find(j)
        if a == b or {owner[k] for k in members[a]} & {owner[k] for k in members[b]}:
            continue
        parent[b] = a
        members[a].extend(members.pop(b))
    groups = [sorted(m) for m in members.values() if len(m) > 1]
    narration = _Narration()
    facts = [_fact([units[k] for k in g], sims, g, narration, settings) for g in groups]
    order = sorted(
        range(len(facts)),
        key=lambda k: (-facts[k].sources, -len(facts[k].article_ids), groups[k][0]),
    )
    return Alignment(units, sims, [groups[k] for k in order], [facts[k] for k in order])


def _fact(
    group: list[_Unit],
    sims: np.ndarray,
    indices: list[int],
    narration: _Narration,
    settings: AlignSettings,
) -> Fact:
    # The most representative statement: highest mean similarity to the others.
    centre = max(range(len(group)), key=lambda k: sum(sims[indices[k], j] for j in indices))
    articles = list({u.article.id: u.article for u in group}.values())
    sources = _passage_sources(group, narration, settings)
    names = [sources[a.id] for a in articles]
    return Fact(
        text=group[centre].text,
        outlets=list(dict.fromkeys(u.article.outlet_label for u in group)),
        article_ids=[a.id for a in articles],
        sources=len(set(names)),
        source_names=describe_sources(articles, names),
        statements=[
            Statement(u.article.id, u.article.outlet_label, u.index, u.text) for u in group
        ],
    )


def _passage_sources(
    group: Sequence[_Unit], narration: _Narration, settings: AlignSettings
) -> dict[str, str]:
    """Each article's source for its statement of one fact, by article id.

    Statements that are one copied passage (`_same_passage`) have one source: the wire, where
    a carrier is a wire copy (`Article.independent_source` names another source than the
    outlet), preferring the wire most carriers credit (DW's "AFP, AP, dpa, Reuters" carrying a
    Reuters copy's words is carrying Reuters); else the earliest published carrier's source,
    since a copy comes after its original. Any other statement is its article's
    `independent_source`.
    """
    parent = list(range(len(group)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(group)):
        for j in range(i + 1, len(group)):
            if find(i) != find(j) and _same_passage(group[i], group[j], narration, settings):
                parent[find(j)] = find(i)
    passages: dict[int, list[Article]] = defaultdict(list)
    for k, unit in enumerate(group):
        passages[find(k)].append(unit.article)
    out: dict[str, str] = {}
    for carriers in passages.values():
        source = _passage_source(carriers)
        out.update((a.id, source) for a in carriers)
    return out


def _passage_source(carriers: list[Article]) -> str:
    if len(carriers) == 1:
        return carriers[0].independent_source
    by_date = sorted(carriers, key=lambda a: (a.published is None, a.published or date.min))
    wires = [a.independent_source for a in by_date if a.independent_source != a.outlet_label]
    if wires:  # max keeps the first of equals: the earliest published
        return max(dict.fromkeys(wires), key=lambda w: sum(w in a.credits for a in carriers))
    return by_date[0].independent_source


class _Narration:
    """A sentence's own words: its normalised words outside quotation marks.

    Quoted words are left out of the comparison: outlets quoting one transcript or one
    translation share those words without copying one another. Quotation marks are paired over
    the whole article, as a quote may run over several sentences; once per article, as one
    article states many facts."""

    def __init__(self) -> None:
        self._spans: dict[str, list[tuple[int, int]]] = {}

    def __call__(self, article: Article, index: int) -> list[str] | None:
        """None where the article has no sentence `index`."""
        if not 0 <= index < len(article.sentences):
            return None
        sentence = article.sentences[index]
        if article.id not in self._spans:
            self._spans[article.id] = [(q.start, q.end) for q in quote_spans(article.text)]
        pieces, at = [], sentence.start
        for start, end in self._spans[article.id]:
            if end <= sentence.start or start >= sentence.end:
                continue
            pieces.append(article.text[at : max(start, at)])
            at = max(at, end)
        pieces.append(article.text[at : sentence.end])
        return _words(" ".join(pieces))


def _same_passage(a: _Unit, b: _Unit, narration: _Narration, settings: AlignSettings) -> bool:
    """Whether two statements are one passage: the same words (near enough for a copy's
    light edits) in a run of such sentences, around them in both articles, long enough not to
    be a set phrase. A short sentence copied with its paragraph is a copy; alone, it is not."""
    if not _alike(_words(a.text), _words(b.text), settings):
        return False  # checked first: it needs no quotation marks paired
    first, second = narration(a.article, a.index), narration(b.article, b.index)
    if first is None or second is None or not _alike(first, second, settings):
        return False
    total = min(len(first), len(second))
    for step in (-1, 1):  # the sentences before, then after, while they are the same too
        k = step
        while total < settings.passage_min_words:
            first, second = narration(a.article, a.index + k), narration(b.article, b.index + k)
            if first is None or second is None or not _alike(first, second, settings):
                break
            total += min(len(first), len(second))
            k += step
    return total >= settings.passage_min_words


def _words(text: str) -> list[str]:
    # sentences only: ingest's cache of normalised bodies is left to bodies
    return normalise_body.__wrapped__(text).split()


def _alike(a: list[str], b: list[str], settings: AlignSettings) -> bool:
    return bool(a and b) and Indel.normalized_similarity(a, b) >= settings.passage_similarity


# ---- disagreements ----

_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(million|billion|thousand|percent|%))?\s+(?:(?:people|of|the|are|were|is|was|have|has|had|been|be|to|more|than|about|some|around|believed|thought|estimated|reported|said|feared|now|already)\s+){0,5}(\w+)",
    re.I,
)
_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|denied|denies)\b|n['’]t\b", re.I)
_CLAIM_WORDS = 3  # the content words after a negation that say what it denies
_FUNCTION_TEXT = (
    "a an the be been being is are was were am do does did have has had to of in on at for "
    "by with as it its this that these those he she they we you i his her their our your any"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())


def _stems(text: str) -> list[str]:
    return [w.lower()[:5] for w in re.findall(r"[^\W\d_]{2,}", text)]


def _denies(negated: str, other: str) -> bool:
    """Whether a negation in `negated` denies what `other` says: the content words right
    after it ("not *target civilians*") are all in `other`. A "not" among words only one
    version has ("last but not least", "had never before been deployed" against "the first
    time") changes no shared claim."""
    present = set(_stems(other))
    for match in _NEGATION.finditer(negated):
        after = [w for w in _stems(negated[match.end() :]) if w not in _FUNCTION_WORDS]
        claim = after[:_CLAIM_WORDS]
        if claim and all(w in present for w in claim):
            return True
    return False


def _numbers(text: str) -> dict[str, str]:
    """Unit word -> number as written, e.g. {"killed": "450,000"}.

    A unit a sentence gives two values ("70 minutes on phones and 48 minutes on chores", "$35,000
    to one fund, $250,000 to another") is left out: which of them another outlet's figure is
    about cannot be told. So is a "unit" that is a function word ("$33.7 million in 2013")."""
    found: dict[str, set[str]] = defaultdict(set)
    for match in _NUMBER.finditer(text):
        number, scale, unit = match.groups()
        if re.fullmatch(r"(19|20)\d\d", number):
            continue  # a year: compared as a date
        if unit.lower() in _FUNCTION_WORDS:
            continue
        found[unit.lower()].add(f"{number} {scale}".strip() if scale else number)
    return {unit: values.pop() for unit, values in found.items() if len(values) == 1}


def _dates(unit: _Unit) -> dict[str, str]:
    """The date and the weekday a sentence states, where it states one of each: a sentence with
    two ("revenue in 2013 and in the first nine months of 2014", "the 2013-2016 outbreak") can
    be compared with another only clause by clause, which the alignment does not do."""
    found = {}
    dates = {e.value for e in find_time_expressions(unit.text, unit.article.published) if e.value}
    if len(dates) == 1:
        found["date"] = dates.pop()
    weekdays = {m.group(1).lower() for m in _WEEKDAY.finditer(unit.text)}
    if len(weekdays) == 1:
        found["weekday"] = weekdays.pop()
    return found


def _compatible(kind: str, a: str, b: str) -> bool:
    if kind == "date":
        return a.startswith(b) or b.startswith(a) or not (a[:1].isdigit() and b[:1].isdigit())
    if kind == "number":
        return _as_float(a) == _as_float(b)
    return a == b


def _as_float(value: str) -> float | None:
    number, _, scale = value.partition(" ")
    try:
        base = float(number.replace(",", ""))
    except ValueError:
        return None
    return base * {"million": 1e6, "billion": 1e9, "thousand": 1e3}.get(scale.lower(), 1)


def _values(unit: _Unit) -> dict[tuple[str, str], str]:
    values = {("number", word): number for word, number in _numbers(unit.text).items()}
    values.update({(kind, ""): value for kind, value in _dates(unit).items()})
    return values


def find_disagreements(
    alignment: Alignment, settings: AlignSettings | None = None
) -> list[Disagreement]:
    """Conflicting values between close statements of one fact, every version side by side.

    Only statements at least `conflict_threshold` alike are compared: a fact can hold loosely
    related sentences, and a date in one of them need not be about the same thing.
    """
    settings = settings or AlignSettings()
    sims, units = alignment.sims, alignment.units
    out = []
    for indices in alignment.groups:
        values = {k: _values(units[k]) for k in indices}
        conflicts: set[tuple[str, str]] = set()
        polarity: tuple[int, int] | None = None
        for x, i in enumerate(indices):
            for j in indices[x + 1 :]:
                if sims[i, j] < settings.conflict_threshold:
                    continue
                for key in values[i].keys() & values[j].keys():
                    if not _compatible(key[0], values[i][key], values[j][key]):
                        conflicts.add(key)
                negated = (
                    bool(_NEGATION.search(units[i].text)),
                    bool(_NEGATION.search(units[j].text)),
                )
                if (
                    negated[0] != negated[1]
                    and sims[i, j] >= settings.polarity_threshold
                    and polarity is None
                ):
                    no, yes = (i, j) if negated[0] else (j, i)
                    if _denies(units[no].text, units[yes].text):
                        polarity = (yes, no)
        for kind, word in sorted(conflicts):
            about = (
                f"number ({word})"
                if kind == "number"
                else ("day of the week" if kind == "weekday" else "date")
            )
            versions = [
                Version(
                    units[k].article.outlet_label,
                    units[k].article.id,
                    units[k].text,
                    values[k][(kind, word)],
                )
                for k in indices
                if (kind, word) in values[k]
            ]
            out.append(Disagreement(about, kind, versions))
        if polarity is not None:
            affirms, negates = (units[k] for k in polarity)
            out.append(Disagreement("polarity", "polarity", [
                Version(affirms.article.outlet_label, affirms.article.id, affirms.text, "affirms"),
                Version(negates.article.outlet_label, negates.article.id, negates.text, "negates"),
            ]))  # fmt: skip
    return out


# ---- coverage ----


def coverage(
    articles: Sequence[Article], alignment: Alignment, settings: AlignSettings | None = None
) -> list[OutletCoverage]:
    """Per outlet: what only it reports, and the widely reported facts it leaves out."""
    settings = settings or AlignSettings()
    facts, units = alignment.facts, alignment.units
    aligned = {(s.article_id, s.sentence_index) for f in facts for s in f.statements}
    widely = [f for f in facts if f.sources >= 2]
    out = []
    outlets = list(dict.fromkeys(a.outlet_label for a in articles))
    for outlet in outlets:
        own = [a for a in articles if a.outlet_label == outlet]
        own_ids = {a.id for a in own}
        exclusive = [
            u.text
            for u in units
            if u.article.id in own_ids and (u.article.id, u.index) not in aligned
        ][: settings.exclusive_limit]
        missing = [f.text for f in widely if not own_ids & set(f.article_ids)]
        out.append(OutletCoverage(outlet, exclusive, missing))
    return out


# ---- quotes across outlets ----


def canonical_speaker(speaker: str | None, entities: Sequence[StoryEntity]) -> str | None:
    """The story's name for a quote's speaker ("Bashar Assad" -> "Bashar al-Assad", "Dmitry S.
    Peskov" -> "Dmitry Peskov"), so that the speaker names one of the story's entities; the
    speaker as resolved in its article when the story has no such person ("the Russian
    site")."""
    return canonical_person(speaker, entities) or speaker


def _same_words(a: set[str], b: set[str], settings: AlignSettings) -> bool:
    shared = len(a & b)
    return shared >= settings.quote_min_shared and shared >= settings.quote_containment * min(
        len(a), len(b)
    )


def match_quotes(
    articles: Sequence[Article],
    quotes: dict[str, list[Quote]],
    entities: Sequence[StoryEntity],
    settings: AlignSettings | None = None,
) -> list[StoryQuote]:
    """One `StoryQuote` per thing said, with every outlet's wording as a variant.

    Two direct quotes are the same speech when their speakers agree (or one is unknown) and
    most of the content words of the shorter occur in the longer: translations of one
    remark share their nouns even when the grammar differs.
    """
    settings = settings or AlignSettings()
    by_id = {a.id: a for a in articles}
    items = [
        (article_id, q, set(tokens(q.text)), canonical_speaker(q.speaker, entities))
        for article_id, found in quotes.items()
        for q in found
        if q.direct and len(q.text.split()) >= settings.quote_min_words
    ]
    groups: list[list[int]] = []
    for k, (article_id, _, words, speaker) in enumerate(items):
        for group in groups:
            g_speakers = {items[m][3] for m in group if items[m][3]}
            if speaker and g_speakers and speaker not in g_speakers:
                continue
            if any(
                items[m][0] != article_id and _same_words(words, items[m][2], settings)
                for m in group
            ):
                group.append(k)
                break
        else:
            groups.append([k])
    out = []
    for group in groups:
        wordings: dict[str, list[int]] = defaultdict(list)
        for m in group:  # one wording whatever its quotation marks, case or spacing
            wordings[normalise_body(items[m][1].text)].append(m)
        ranked = sorted(wordings.values(), key=lambda ms: (-len({items[m][0] for m in ms}), ms[0]))
        variants = []
        for members in ranked:
            text = " ".join(items[members[0]][1].text.split())
            ids = list(dict.fromkeys(items[m][0] for m in members))
            variants.append(
                QuoteVariant(text, list(dict.fromkeys(by_id[i].outlet_label for i in ids)), ids)
            )
        ids = list(dict.fromkeys(items[m][0] for m in group))
        speakers = [s for m in group if (s := items[m][3])]
        cues = [c for m in group if (c := items[m][1].cue)]
        out.append(
            StoryQuote(
                text=variants[0].text,
                speaker=_most_common(speakers),
                cue=_most_common(cues),
                outlets=list(dict.fromkeys(by_id[i].outlet_label for i in ids)),
                article_ids=ids,
                variants=variants,
            )
        )
    return sorted(out, key=lambda q: -len(q.article_ids))


def _most_common(values: list[str]) -> str | None:
    """The value given most often; of several as often, the one given first (whatever the
    hash order of strings in this process: the same input gives the same story)."""
    return Counter(values).most_common(1)[0][0] if values else None
