"""Group articles into stories: one story per event.

Method, chosen so that cost grows with the corpus and not with its square:

1. Each article becomes a TF-IDF vector over its title (counted twice, titles are dense with
   the event) and body, plus the set of its named entities.
2. Candidates come from an inverted index over each article's most salient terms: two articles
   are compared only when they share at least `min_shared_terms` of them. Terms whose posting
   list is longer than `max_postings` are too common to say anything and are not followed.
3. Candidate pairs are scored by cosine similarity, optionally blended with entity overlap
   (`entity_weight`, off by default: the same people meeting twice share every entity, so
   entity overlap pulled the seeds' 2015 and 2018 meetings together). A pair whose
   distinctive names disagree scores `conflict_weight` of its cosine (`names_met`): each
   article's `key_names` rarest, most repeated proper names (`names.name_terms`) are who
   and where it is about, and when neither article mentions most of the other's, they
   report different happenings however many topic or template words they share (two
   carmakers' launches, two moons on one science site). This is the pair's own evidence:
   it holds whatever else is stored.
4. Topics form by average-link merging over the candidate pairs, best pair first: two groups
   merge when the mean similarity over all their cross pairs clears `threshold` and their
   publication dates (where known) stay within `max_span_days`. Average link, unlike single
   link, does not chain two events together through one article that mentions both.
5. Each topic is split into events: within a topic, IDF is recomputed over the topic's own
   articles, so the words every article shares ("Assad", "Putin", "Syria") fade and the words
   that tell one meeting from another ("Sochi", "Black Sea", "delegation" against "Moscow",
   "unannounced", "Tuesday") decide; average link runs again with `event_threshold`. This is
   how "the same two people meeting years apart" stays two events even when an article
   carries no date. A group splits off only from a core of at least `min_event_core`
   articles, and only when it is much further from the core than the core's own members are
   from each other (`separation`): background pieces of one event stay with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.sparse import csr_matrix

from newsweave.cluster.names import name_terms
from newsweave.model import Article
from newsweave.nlp.entities import NAMED_LABELS
from newsweave.tfidf import jaccard, tokens


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    threshold: float = 0.15
    event_threshold: float = 0.25
    separation: float = 0.7
    # a distinct event needs a core of this many articles to be told apart from: with two,
    # the core's cohesion is one pair's similarity, too noisy to judge a third article by
    # (on Multi-News, 35 of the 46 groups split off two-article cores were the same event)
    min_event_core: int = 3
    entity_weight: float = 0.0
    # a pair whose distinctive names (the `key_names` highest-weighted of each) the other
    # article never mentions is two events: its cosine counts this much
    key_names: int = 2
    conflict_weight: float = 0.0
    agreement_weight: float = 1.0
    max_span_days: int = 10
    salient_terms: int = 30
    min_shared_terms: int = 3
    max_postings: int = 2000
    # incremental clustering (`newsweave.cluster.incremental`): a new article looks at the articles
    # most recently posted under each of its salient terms, and follows the stories of the
    # `candidates` of them that share the most terms with it (and at least `candidate_share`
    # of what the best one shares). Following one member finds its whole story: 3 rather than
    # 5 re-clusters 21% fewer stored articles at 10k, with the same stories on Multi-News. A
    # share of 0.5 would cut more, but loses the story a bridging article shares fewer words
    # with (tests/test_incremental.py)
    recent_postings: int = 100
    candidates: int = 3
    candidate_share: float = 0.3


# a topic's rows are multiplied dense up to this many cells (articles x distinct terms),
# about ten news articles: 0.26 ms against 0.68 ms sparse for ten. Dense stays cheaper up to
# about thirty on an idle machine, but the product is a BLAS call whose threads wait on a
# busy core: with the other core taken, twenty articles cost 11 ms dense against 3 sparse
_DENSE_CELLS = 20_000


def entity_keys(article: Article) -> set[str]:
    """Normalised named entities: people by surname, so "Bashar al-Assad" meets "Assad"."""
    keys = set()
    for ent in article.entities:
        if ent.label not in NAMED_LABELS:
            continue
        name = ent.text.lower().removeprefix("the ").strip()
        if ent.label == "PERSON":
            name = name.split()[-1] if name.split() else name
            name = name.removeprefix("al-")
        if name:
            keys.add(f"{ent.label}:{name}")
    return keys


def _document(article: Article) -> str:
    title = article.title or ""
    return f"{title}\n{title}\n{article.text}"


class _Groups:
    """Union-find over article indices that keeps member lists and date ranges per root."""

    def __init__(self, dates: Sequence[date | None]) -> None:
        self.parent = list(range(len(dates)))
        self.members = {i: [i] for i in range(len(dates))}
        self.span = {i: (d, d) if d else None for i, d in enumerate(dates)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def merged_span(self, a: int, b: int) -> tuple[date, date] | None:
        sa, sb = self.span[a], self.span[b]
        if sa is None or sb is None:
            return sa or sb
        return min(sa[0], sb[0]), max(sa[1], sb[1])

    def union(self, a: int, b: int) -> None:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.span[a] = self.merged_span(a, b)
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        del self.span[b]


def candidate_pairs(
    rows: np.ndarray,
    terms: np.ndarray,
    count: int,
    settings: ClusterSettings,
    settled: Collection[int] = (),
) -> list[tuple[int, int]]:
    """Pairs (i < j, in order) of the `count` articles sharing enough salient terms, found
    through an inverted index (the articles-by-terms incidence matrix times its transpose,
    which counts shared terms of the pairs that share any, in C). Article `rows[k]` has
    salient term `terms[k]` (any integer that names the term; each at most once per
    article). Pairs of two `settled` articles (members of stored stories, compared when they
    were clustered) are left out: counting only the other articles' rows keeps the cost with
    what is new, not with the region around it."""
    if not len(rows):
        return []
    names, column = np.unique(terms, return_inverse=True)
    incidence = csr_matrix(
        (np.ones(len(rows), np.int32), (rows, column)), shape=(count, len(names))
    )
    postings = np.bincount(column, minlength=len(names))
    # a term shared by too many articles says nothing; one in a single article pairs none
    followed = np.flatnonzero((postings > 1) & (postings <= settings.max_postings))
    incidence = incidence[:, followed]
    is_settled = np.zeros(count, bool)
    is_settled[list(settled)] = True
    free = np.flatnonzero(~is_settled)
    shared = (incidence[free] @ incidence.T).tocoo()
    left, right = free[shared.row], shared.col
    # a pair of two free articles comes twice, once from each row: keep it once
    keep = (shared.data >= settings.min_shared_terms) & ((left < right) | is_settled[right])
    left, right = left[keep], right[keep]
    low, high = np.minimum(left, right), np.maximum(left, right)
    order = np.lexsort((high, low))
    return list(zip(low[order].tolist(), high[order].tolist(), strict=True))


class Vocabulary:
    """Terms numbered in order of first sight, shared by the bags that are weighed together.

    Bags carry their terms' numbers, so that weighing a batch of them (`vectorize`) gathers
    columns with numpy rather than a dictionary lookup per term of every bag: a story's
    members are weighed again each time a chunk of new articles touches the story, and that
    lookup would be most of what incremental clustering costs.
    """

    __slots__ = ("_number", "terms")

    def __init__(self) -> None:
        self._number: dict[str, int] = {}
        self.terms: list[str] = []

    def __len__(self) -> int:
        return len(self.terms)

    def numbers(self, terms: Sequence[str]) -> np.ndarray:
        number = self._number
        for term in terms:
            if term not in number:
                number[term] = len(self.terms)
                self.terms.append(term)
        return np.fromiter((number[t] for t in terms), np.int32, len(terms))


@dataclass(frozen=True, slots=True)
class Bag:
    """A document's distinct terms as their numbers in a `Vocabulary`, and how often each
    occurs: all that weighing it needs, computed once per article. Numbers and counts, not
    strings and weights: a run keeps the bags of the stories new articles may join, and six
    bytes a term is what lets it keep many of them (`cache.ClusterCache`)."""

    numbers: np.ndarray  # int32
    counts: np.ndarray  # uint16, at most 65,535
    vocabulary: Vocabulary
    names: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    """The numbers of the terms that are proper names in the document (`names.name_terms`),
    a subset of `numbers`: who and where it is about, which clustering compares apart."""

    @classmethod
    def of(cls, tokens: Sequence[str], vocabulary: Vocabulary, names: Sequence[str] = ()) -> Bag:
        found = Counter(tokens)
        counts = np.minimum(np.fromiter(found.values(), np.int64, len(found)), 65_535)
        numbers = vocabulary.numbers(list(found))
        named = vocabulary.numbers([n for n in dict.fromkeys(names) if n in found])
        return cls(numbers, counts.astype(np.uint16), vocabulary, named)

    @property
    def terms(self) -> list[str]:
        return [self.vocabulary.terms[n] for n in self.numbers.tolist()]


@dataclass(frozen=True, slots=True)
class TermStats:
    """Document frequencies to weigh terms by, over the numbers of the bags' vocabulary: the
    whole store's, in incremental clustering (`cache.ClusterCache` keeps them so, and
    weighing then needs no lookup per term). Without them, bags are weighed by their own.

    `pending` are the numbers of terms to count once more each (those of a chunk about to be
    indexed, already counted in `documents`, so that its own words weigh as they will once
    stored): added where `vectorize` reads them rather than to `df`, which may be the
    cache's own array (by vocabulary number, and longer than the vocabulary)."""

    documents: int
    df: np.ndarray
    pending: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def document_terms(article: Article) -> tuple[list[str], list[str]]:
    """What clustering compares: the terms of the title (twice: titles are dense with the
    event) and body, and which of them are names (read off the body: a headline capitalises
    every word)."""
    title = tokens(article.title) if article.title else []
    body = tokens(article.text)
    # a site naming itself (its template's "Follow Orbit Weekly") says nothing of the event
    own = set(tokens(article.outlet)) if article.outlet else set()
    names = [n for n in name_terms(article.text, Counter(body)) if n not in own]
    return [*title, *title, *body], names


def document_bag(article: Article, vocabulary: Vocabulary) -> Bag:
    """The article's `document_terms` as a bag over `vocabulary`."""
    terms, names = document_terms(article)
    return Bag.of(terms, vocabulary, names)


def vectorize(bags: Sequence[Bag], stats: TermStats | None = None) -> tuple[csr_matrix, np.ndarray]:
    """L2-normalised TF-IDF rows (sublinear tf, smoothed idf, as scikit-learn's defaults) over
    the given statistics (without them, over the bags' own), and the vocabulary numbers their
    columns stand for. The bags share a vocabulary. Numbers, not terms: clustering needs the
    terms of a few columns per row only (`top_terms_per_row`), and spelling out every column
    of a region's matrix costs as much as weighing it."""
    if not bags:
        return csr_matrix((0, 0)), np.zeros(0, np.int64)
    data, indices, indptr, columns = _weights(bags, stats)
    return _rows(data, indices, indptr, len(columns)), columns


def _rows(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, width: int) -> csr_matrix:
    matrix = csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, width))
    matrix.sort_indices()
    return matrix


def _weights(
    bags: Sequence[Bag], stats: TermStats | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`vectorize`'s rows as arrays: weights, column of each, row bounds, and the vocabulary
    numbers of the columns (rows in the bags' term order, not yet sorted by column)."""
    vocabulary = bags[0].vocabulary
    if any(bag.vocabulary is not vocabulary for bag in bags):
        raise ValueError("bags weighed together must share one vocabulary")
    numbers = np.concatenate([bag.numbers for bag in bags])
    columns, indices = np.unique(numbers, return_inverse=True)
    if stats is None:  # each bag's terms are distinct: a column's count is its df
        documents, df = len(bags), np.bincount(indices, minlength=len(columns))
    else:
        documents, df = stats.documents, stats.df[columns]
        if len(stats.pending):
            at = np.minimum(np.searchsorted(columns, stats.pending), len(columns) - 1)
            at = at[columns[at] == stats.pending]  # pending terms that are columns here
            df = df + np.bincount(at, minlength=len(columns))
    idf = np.log((1 + documents) / (1 + df)) + 1
    lengths = np.fromiter((len(bag.numbers) for bag in bags), np.int64, len(bags))
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    tf = 1 + np.log(np.concatenate([bag.counts for bag in bags]).astype(float))
    data = tf * idf[indices]
    rows = np.repeat(np.arange(len(bags)), lengths)
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(bags)))
    data = data / np.where(norms > 0, norms, 1.0)[rows]
    return data, indices, indptr, columns


def _similarities(bags: Sequence[Bag]) -> np.ndarray:
    """Cosine similarity of every pair of bags, weighed by their own frequencies: the
    product of `vectorize`'s rows. Most topics split again hold three to five articles, for
    which setting up sparse matrices costs more than the product, so a small topic's rows are
    multiplied dense; a large one's, which would be mostly zeros, stay sparse."""
    data, indices, indptr, columns = _weights(bags, None)
    if len(bags) * len(columns) > _DENSE_CELLS:
        rows = _rows(data, indices, indptr, len(columns))
        return (rows @ rows.T).toarray()
    dense = np.zeros((len(bags), len(columns)))
    dense[np.repeat(np.arange(len(bags)), np.diff(indptr)), indices] = data
    return dense @ dense.T


def top_terms_per_row(
    bags: Sequence[Bag], matrix: csr_matrix, columns: np.ndarray, k: int
) -> list[list[str]]:
    """Each row's `k` highest-weighted terms (ties in column order) of the `vectorize`d
    `bags`; only the kept columns are spelled out."""
    if not bags:
        return []
    rows, kept = top_columns_per_row(matrix, k)
    vocabulary = bags[0].vocabulary.terms
    terms = [vocabulary[c] for c in columns[kept].tolist()]
    bounds = np.cumsum(np.bincount(rows, minlength=matrix.shape[0])).tolist()
    return [terms[start:end] for start, end in zip([0, *bounds[:-1]], bounds, strict=True)]


def top_columns_per_row(matrix: csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's `k` highest-weighted columns (ties in column order), as (row, column)
    arrays in row order, ranked for all rows at once off the CSR arrays (a `getrow` per row
    costs more than the ranking)."""
    lengths = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    # by row, then by weight, highest first (weights are at most 1); stable, so ties keep
    # their column order
    order = np.argsort(2.0 * rows - matrix.data, kind="stable")
    rank = np.arange(len(order)) - matrix.indptr[rows[order]]
    kept = order[rank < k]
    return rows[kept], matrix.indices[kept]


def salient_terms(bags: Sequence[Bag], stats: TermStats | None, k: int) -> list[list[str]]:
    """Each article's `k` highest-weighted terms: what the candidate index posts it under."""
    matrix, columns = vectorize(bags, stats)
    return top_terms_per_row(bags, matrix, columns, k)


def cluster_articles(
    articles: Sequence[Article],
    settings: ClusterSettings | None = None,
    *,
    stats: TermStats | None = None,
    bags: Sequence[Bag] | None = None,
    fixed: Sequence[Sequence[int]] = (),
) -> list[list[int]]:
    """Group `articles` into stories; returns lists of indices into `articles`, biggest first.

    Terms are weighed by `stats` (the store's document frequencies when stories are updated
    incrementally), else by the articles' own. `fixed` are groups already formed (stored
    stories): they start merged, only pairs with at least one article outside them are
    compared, and only topics that gained such an article are split into events again, so
    adding articles to stories costs what the new articles touch.
    """
    settings = settings or ClusterSettings()
    if not articles:
        return []
    if bags is None:
        vocabulary = Vocabulary()
        bags = [document_bag(a, vocabulary) for a in articles]
    matrix, columns = vectorize(bags, stats)
    rows, terms = top_columns_per_row(matrix, settings.salient_terms)
    entities = [entity_keys(a) for a in articles]
    settled = {i for group in fixed for i in group}
    pairs = candidate_pairs(rows, terms, len(articles), settings, settled)
    scored = []
    if pairs:
        left, right = (np.array(side) for side in zip(*pairs, strict=True))
        cosines = np.asarray(matrix[left].multiply(matrix[right]).sum(axis=1)).ravel()
        met = names_met(bags, matrix, columns, left, right, settings.key_names)
        cosines = cosines * np.select(
            [met == 0, met == 2], [settings.conflict_weight, settings.agreement_weight], 1.0
        )
        for (i, j), cosine in zip(pairs, cosines, strict=True):
            w = settings.entity_weight if entities[i] and entities[j] else 0.0
            scored.append(((1 - w) * cosine + w * jaccard(entities[i], entities[j]), i, j))
    topics = _average_link(articles, scored, settings.threshold, settings, fixed)
    stories = []
    for topic in topics:
        if len(topic) > 2 and not settled.issuperset(topic):
            stories.extend(_split_events(articles, bags, topic, settings))
        else:
            stories.append(topic)
    return sorted((sorted(s) for s in stories), key=lambda m: (-len(m), m[0]))


def key_names(bags: Sequence[Bag], matrix: csr_matrix, columns: np.ndarray, k: int) -> csr_matrix:
    """Each article's `k` most distinctive names (its highest-weighted terms among its names:
    frequent in it, rare in the store) as a 0/1 matrix over `vectorize`'s columns. These are
    the actors and places a report is about: another report of the same event names them."""
    lengths = np.diff(matrix.indptr)
    entry_rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    width = int(columns.max(initial=0)) + 1
    named = np.concatenate(
        [
            np.zeros(0, np.int64),
            *(r * width + bag.names.astype(np.int64) for r, bag in enumerate(bags)),
        ]
    )
    is_name = np.isin(entry_rows * width + columns[matrix.indices], named)
    counts = np.bincount(entry_rows[is_name], minlength=matrix.shape[0])
    names_only = csr_matrix(
        (matrix.data[is_name], matrix.indices[is_name], np.concatenate(([0], np.cumsum(counts)))),
        shape=matrix.shape,
    )
    rows, kept = top_columns_per_row(names_only, k)
    if not len(rows):
        return csr_matrix(matrix.shape)
    weights = np.asarray(names_only[rows, kept], dtype=float).ravel()
    total = np.bincount(rows, weights=weights, minlength=matrix.shape[0])
    return csr_matrix((weights / total[rows], (rows, kept)), shape=matrix.shape)


def names_met(
    bags: Sequence[Bag],
    matrix: csr_matrix,
    columns: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    k: int,
) -> np.ndarray:
    """For each pair (`left[n]`, `right[n]`), on how many of its two sides the other article
    mentions one of the side's distinctive names (`key_names`): 0, 1 or 2; -1 where either
    names nobody (then its words alone judge it).

    0 is two events: two launches by two carmakers, or two moons written up by one science
    site, share a topic's words and a site's template, but not the names that say which
    maker or which moon. 2 is one event told by its actors, however differently worded."""
    if k <= 0 or not len(left):
        return np.full(len(left), -1)
    keys = key_names(bags, matrix, columns, k)
    present = matrix.copy()
    present.data = np.ones_like(present.data)
    has_keys = np.diff(keys.indptr) > 0
    left_met = np.asarray(keys[left].multiply(present[right]).sum(axis=1)).ravel() >= 0.5
    right_met = np.asarray(keys[right].multiply(present[left]).sum(axis=1)).ravel() >= 0.5
    met = left_met.astype(int) + right_met.astype(int)
    return np.where(has_keys[left] & has_keys[right], met, -1)


def _split_events(
    articles: Sequence[Article],
    bags: Sequence[Bag],
    members: list[int],
    settings: ClusterSettings,
) -> list[list[int]]:
    """Re-cluster one topic with IDF local to it, so that what tells its events apart decides."""
    sims = _similarities([bags[i] for i in members])
    # every pair a < b, read off the matrix at once (indexing it pair by pair costs more than
    # the rest of the split, since a topic that gains an article is split again)
    left, right = np.triu_indices(len(members), k=1)
    scored = list(zip(sims[left, right].tolist(), left.tolist(), right.tolist(), strict=True))
    groups = sorted(
        _average_link([articles[i] for i in members], scored, settings.event_threshold, settings),
        key=len,
        reverse=True,
    )
    core, events = list(groups[0]), []
    for group in groups[1:]:
        if _separated(sims, group, groups[0], settings):
            events.append(group)
        else:
            core.extend(group)
    return [[members[k] for k in group] for group in [core, *events]]


def _separated(
    sims: np.ndarray, group: list[int], core: list[int], settings: ClusterSettings
) -> bool:
    """A group is a distinct event only if it is far from the core compared with the core's own
    cohesion; loosely related background pieces of one event stay with it. A core too small
    to measure its cohesion by (`min_event_core`) keeps every group."""
    if len(core) < max(2, settings.min_event_core):
        return False
    within = np.mean([sims[a, b] for a in core for b in core if a < b])
    between = np.mean([sims[a, b] for a in group for b in core])
    return bool(between < settings.separation * within)


def _average_link(
    articles: Sequence[Article],
    scored: list[tuple[float, int, int]],
    threshold: float,
    settings: ClusterSettings,
    fixed: Sequence[Sequence[int]] = (),
) -> list[list[int]]:
    """Average-link merging over scored pairs, best first, within the date span, starting
    from the `fixed` groups."""
    scored = sorted(scored, reverse=True)
    known: dict[tuple[int, int], float] = {(i, j): s for s, i, j in scored}
    groups = _Groups([a.published for a in articles])
    for group in fixed:
        for i in group[1:]:
            a, b = groups.find(group[0]), groups.find(i)
            if a != b:
                groups.union(a, b)
    for score, i, j in scored:
        if score < threshold:
            break
        a, b = groups.find(i), groups.find(j)
        if a == b:
            continue
        span = groups.merged_span(a, b)
        if span and (span[1] - span[0]).days > settings.max_span_days:
            continue
        cross = [
            known.get((min(x, y), max(x, y)), 0.0)
            for x in groups.members[a]
            for y in groups.members[b]
        ]
        if sum(cross) / len(cross) >= threshold:
            groups.union(a, b)
    return [sorted(m) for m in groups.members.values()]
