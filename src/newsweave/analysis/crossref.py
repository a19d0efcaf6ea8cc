"""Facts of a story and who independently states each: the alignment of its sentences.

Sentences of different articles that state the same thing are aligned into facts:
candidate pairs are scored by TF-IDF cosine over the story's sentences; pairs above
`align_threshold` that can report one thing (`newsweave.analysis.meaning.same_claim`: no
person one is about that the other lacks while the other names one too, shared claim words
beyond the names and the attribution) are merged best first. A merge never puts two sentences
of one article into one fact (so a fact cannot chain through a long sentence into something
else), nor two statements about different people: words shared with one member do not make a
sentence about Merkel a statement about Assad. Two groups merge only when their statements
are alike on average (`group_threshold`), not through one close pair: "at the meeting in
Sochi, Assad congratulated Putin" is close to "Assad met Putin in Sochi", and the
congratulation and the meeting stay two facts.

A fact's corroboration counts independent sources, not articles: an article that carries one
wire's story (a single wire credit: "The Moscow Times (Reuters)") counts as that wire, so five
sites reprinting Reuters are one source, shown as "Reuters (via ...)". A passage copied word for
word counts once too, whoever prints it (`_passage_sources`): two outlets rarely write the same
dozen words in the same order by chance, so the same text is one reporter's, and the outlets
carrying it are shown as its carriers. Different wordings of one claim stay separate sources:
that is corroboration.

Disagreements between a fact's statements are in `disagreements`, what each outlet alone
reports or leaves out in `coverage`, and one remark's wordings across outlets in `quotes`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from rapidfuzz.distance import Indel

from newsweave.analysis.meaning import (
    compatible,
    gists,
    same_claim,
    shares_predicate,
    states_something,
)
from newsweave.model import (
    Article,
    Fact,
    Statement,
    normalise_body,
)
from newsweave.nlp.quotes import quote_spans
from newsweave.tfidf import tfidf


@dataclass(frozen=True, slots=True)
class AlignSettings:
    align_threshold: float = 0.3
    group_threshold: float = 0.2  # mean cosine between two groups of statements merged
    close_threshold: float = 0.5  # this close, two statements need no verb in common
    touch_threshold: float = 0.15  # an outlet this near a fact is not shown as leaving it out
    conflict_threshold: float = 0.5
    min_words: int = 6
    polarity_threshold: float = 0.6
    exclusive_limit: int = 5
    quote_min_words: int = 4
    quote_min_shared: int = 4
    quote_containment: float = 0.5
    passage_similarity: float = 0.9  # word-level, after normalising case, quotes and spacing
    passage_min_words: int = 12  # shorter runs of the same words are set phrases, not copies
    min_shared: int = 3  # claim words, people, places and values two statements of a fact share


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
class Unit:
    article: Article
    index: int
    text: str


def _units(articles: Sequence[Article], settings: AlignSettings) -> list[Unit]:
    """The sentences that can state a fact: long enough, and claims (`states_something`)."""
    return [
        Unit(a, s.index, text)
        for a in articles
        for s in a.sentences
        if len((text := " ".join(s.text.split())).split()) >= settings.min_words
        and states_something(text)
    ]


@dataclass(slots=True)
class Alignment:
    """The story's sentences, their similarities, and the facts (groups of aligned sentences)."""

    units: list[Unit]
    sims: np.ndarray
    groups: list[list[int]]  # indices into `units`, one list per fact, same order as `facts`
    facts: list[Fact]


def align(
    articles: Sequence[Article],
    settings: AlignSettings | None = None,
    remarks: Sequence[Collection[tuple[str, int]]] = (),
    predicates: Mapping[str, Sequence[frozenset[str]]] | None = None,
) -> Alignment:
    """Facts stated by two or more articles, most corroborated first.

    `remarks` are sets of (article id, sentence index) that quote one remark
    (`newsweave.analysis.quotes.remark_sentences`): two of them in different articles, not
    far apart in words (`touch_threshold`), join their facts into one, even where one article
    gives the remark in two sentences (its quote and its paraphrase) and the words of three
    translations of one Russian sentence differ too much for `align_threshold`. `predicates`
    are each parsed article's verbs by sentence (`newsweave.nlp.predicates`): below
    `close_threshold`, two statements align only when something one says happens is in the
    other."""
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
    by_article = {a.id: gists(a, (predicates or {}).get(a.id)) for a in articles}
    gist = [by_article[u.article.id][u.index] for u in units]
    pairs = [
        (sims[i, j], i, j)
        for i in range(len(units))
        for j in range(i + 1, len(units))
        if owner[i] != owner[j]
        and sims[i, j] >= settings.align_threshold
        and same_claim(gist[i], gist[j], settings.min_shared)
        and (sims[i, j] >= settings.close_threshold or shares_predicate(gist[i], gist[j]))
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
        if not all(compatible(gist[x], gist[y]) for x in members[a] for y in members[b]):
            continue
        if sims[np.ix_(members[a], members[b])].mean() < settings.group_threshold:
            continue  # one close pair does not make two groups one fact (average link)
        parent[b] = a
        members[a].extend(members.pop(b))
    position = {(u.article.id, u.index): k for k, u in enumerate(units)}
    for remark in remarks:
        carriers = sorted(position[key] for key in remark if key in position)
        for x, i in enumerate(carriers):
            for j in carriers[x + 1 :]:
                a, b = find(i), find(j)
                if (
                    a != b
                    and owner[i] != owner[j]
                    and sims[i, j] >= settings.touch_threshold
                    and all(compatible(gist[m], gist[n]) for m in members[a] for n in members[b])
                ):
                    parent[b] = a
                    members[a].extend(members.pop(b))
    groups = [sorted(m) for m in members.values() if len({owner[k] for k in m}) > 1]
    narration = _Narration()
    facts = [_fact([units[k] for k in g], sims, g, narration, settings) for g in groups]
    order = sorted(
        range(len(facts)),
        key=lambda k: (-facts[k].sources, -len(facts[k].article_ids), groups[k][0]),
    )
    return Alignment(units, sims, [groups[k] for k in order], [facts[k] for k in order])


def _fact(
    group: list[Unit],
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
    group: Sequence[Unit], narration: _Narration, settings: AlignSettings
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


def _same_passage(a: Unit, b: Unit, narration: _Narration, settings: AlignSettings) -> bool:
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
