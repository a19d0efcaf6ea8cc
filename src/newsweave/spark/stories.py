"""Articles to stories, across the corpus, without comparing all pairs.

`cluster.batch.cluster_articles` over the whole corpus is the reference: the stories the
embedded engine builds batch by batch agree with it (B-cubed F1 0.99 on Multi-News). Here
it runs on pieces that cannot interact:

1. document frequencies are counted over the corpus; the terms of more than one article are
   numbered (`Vocabulary`, broadcast: terms of one article need not travel, their
   frequency is 1), and each article is weighed by them as `vectorize` weighs
   (`Weighed`); articles are numbered too, so that a pair of them is one integer;
2. each article is posted under its salient terms (the `salient_terms` highest-weighted,
   and any tied with the last) keyed by time window: a story spans at most
   `max_span_days`, so an article is posted in its own window of that many days and as a
   visitor in the next, and two dated articles are paired only within one key; undated
   articles are paired with everything posted under the term. A key with more than
   `max_postings` articles says nothing and pairs none;
3. the terms each pair shares are counted (`shared_terms`: with numpy, a partition's
   posting groups at a time, so a pair travels once per task rather than once per term);
   pairs sharing `min_shared_terms` are scored by cosine, an upper bound of the score
   clustering gives them (the names test only lowers it), and those at the merging
   threshold are edges: clustering merges groups only over such a pair;
4. the connected components of the edges are clustered whole by `cluster_articles` under
   the corpus's frequencies: no pair across components could merge, so each component's
   stories are the corpus's. An article with no edge is a story alone.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from operator import add
from typing import TYPE_CHECKING

import numpy as np

from newsweave.cluster.batch import (
    ClusterSettings,
    TermStats,
    cluster_articles,
    document_bag,
    document_terms,
)
from newsweave.cluster.batch import Vocabulary as TermNumbers
from newsweave.model import Article, story_id
from newsweave.spark.graph import connected_components

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext

UNDATED = -1
"""The window key of the postings undated articles are paired through."""


def term_counts(article: Article) -> Counter[str]:
    return Counter(document_terms(article)[0])


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The terms of more than one article, numbered, with their document frequencies: what
    weighing needs of the corpus (a term of one article weighs as df 1)."""

    numbers: dict[str, int]
    df: np.ndarray
    documents: int

    def frequency(self, term: str) -> int:
        number = self.numbers.get(term)
        return 1 if number is None else int(self.df[number])


@dataclass(frozen=True, slots=True)
class Weighed:
    """An article as clustering compares it: its L2-normalised TF-IDF weights, as
    `cluster.batch.vectorize` gives them (sublinear tf, smoothed idf), on the vocabulary's
    numbers of its shared terms (terms of one article weigh in the norm, but no other
    article has them); the numbers of the shared terms it is posted under (`posted_terms`);
    its `salient_terms` highest-weighted terms, spelled out, for the story index."""

    columns: np.ndarray  # int64, sorted
    weights: np.ndarray  # float64, by column
    posted: list[int]
    salient: list[str]


def weigh(counts: Counter[str], vocabulary: Vocabulary, k: int) -> Weighed:
    documents = vocabulary.documents
    raw = {
        t: (1 + math.log(min(c, 65_535)))
        * (math.log((1 + documents) / (1 + vocabulary.frequency(t))) + 1)
        for t, c in counts.items()
    }
    norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
    numbers = vocabulary.numbers
    shared = sorted((numbers[t], w / norm) for t, w in raw.items() if t in numbers)
    top = posted_terms(raw, k)
    return Weighed(
        np.fromiter((n for n, _ in shared), np.int64, len(shared)),
        np.fromiter((w for _, w in shared), np.float64, len(shared)),
        [numbers[t] for t in top if t in numbers],
        top[:k],
    )


def salient(weights: dict[str, float], k: int) -> list[str]:
    """The `k` highest-weighted terms, highest first (ties by term)."""
    return [t for _, t in heapq.nsmallest(k, ((-w, t) for t, w in weights.items()))]


def posted_terms(weights: dict[str, float], k: int) -> list[str]:
    """An article's `k` highest-weighted terms and any tied with the `k`-th, so that no term
    clustering could rank among its `k` is left out."""
    top = salient(weights, k)
    if len(top) < k:
        return top
    last, chosen = weights[top[-1]], set(top)
    return top + [t for t, w in weights.items() if w >= last and t not in chosen]


def window(published: date | None, settings: ClusterSettings) -> int:
    return UNDATED if published is None else published.toordinal() // settings.max_span_days


def postings(
    number: int,
    published: date | None,
    terms: Iterable[int],
    settings: ClusterSettings,
    undated: bool,
) -> Iterator[tuple[tuple[int, int], tuple[int, int, bool]]]:
    """((term, window), (article number, day, home)) keys an article is posted under: its
    own window (home), the next one (a visitor, met by that window's articles), and the
    undated key (a visitor there too) when the corpus has undated articles. An undated
    article's day is `UNDATED`."""
    day = published.toordinal() if published else UNDATED
    own = window(published, settings)
    for term in terms:
        yield (term, own), (number, day, True)
        if own != UNDATED:
            yield (term, own + 1), (number, day, False)
            if undated:
                yield (term, UNDATED), (number, day, False)


def pairs_in(
    key: int, members: list[tuple[int, int, bool]], settings: ClusterSettings, count: int
) -> np.ndarray:
    """The pairs of one window `key` that could share a story, as codes `low * count +
    high` of their article numbers: two home members, or a home member and a visitor;
    dated pairs within `max_span_days`. The undated key counts its visitors towards
    `max_postings` (they are the term's postings)."""
    if len(members) < 2:
        return np.zeros(0, np.int64)
    if len(members) <= SMALL_GROUP:  # numpy's set-up costs more than a few pairs
        return _small_pairs(key, members, settings, count)
    number = np.fromiter((m[0] for m in members), np.int64, len(members))
    day = np.fromiter((m[1] for m in members), np.int64, len(members))
    home = np.fromiter((m[2] for m in members), bool, len(members))
    at_home = np.flatnonzero(home)
    if (len(members) if key == UNDATED else len(at_home)) > settings.max_postings:
        return np.zeros(0, np.int64)
    away = np.flatnonzero(~home)
    first, second = np.triu_indices(len(at_home), k=1)
    left = np.concatenate([at_home[first], np.repeat(at_home, len(away))])
    right = np.concatenate([at_home[second], np.tile(away, len(at_home))])
    a, b = number[left], number[right]
    dated = (day[left] != UNDATED) & (day[right] != UNDATED)
    keep = (a != b) & ~(dated & (np.abs(day[left] - day[right]) > settings.max_span_days))
    a, b = a[keep], b[keep]
    return np.minimum(a, b) * count + np.maximum(a, b)


SMALL_GROUP = 12
"""Posting groups up to this size are paired in Python: most groups are this small."""


def _small_pairs(
    key: int, members: list[tuple[int, int, bool]], settings: ClusterSettings, count: int
) -> np.ndarray:
    """`pairs_in` for a small group, one pair at a time."""
    home = [m for m in members if m[2]]
    away = [m for m in members if not m[2]]
    span = settings.max_span_days
    codes = []
    for k, (a, day_a, _) in enumerate(home):
        for b, day_b, _ in [*home[k + 1 :], *away]:
            if a == b or (day_a != UNDATED and day_b != UNDATED and abs(day_a - day_b) > span):
                continue
            codes.append(min(a, b) * count + max(a, b))
    return np.array(codes, np.int64)


PAIR_BATCH = 4_000_000
"""Pair codes a task tallies at once before handing on their counts."""


def shared_terms(
    groups: Iterable[tuple[tuple[int, int], Iterable[tuple[int, int, bool]]]],
    settings: ClusterSettings,
    count: int,
) -> Iterator[tuple[int, int]]:
    """(pair code, terms the pair shares among these groups) for the posting groups of one
    partition: counted with numpy a batch at a time, so what is shuffled is each pair once
    per batch rather than once per term."""
    pending: list[np.ndarray] = []
    size = 0
    for (_, key), members in groups:
        codes = pairs_in(key, list(members), settings, count)
        if len(codes):
            pending.append(codes)
            size += len(codes)
        if size >= PAIR_BATCH:
            yield from _tallied(pending)
            pending, size = [], 0
    yield from _tallied(pending)


def _tallied(pending: list[np.ndarray]) -> Iterator[tuple[int, int]]:
    if not pending:
        return
    codes, counts = np.unique(np.concatenate(pending), return_counts=True)
    yield from zip(codes.tolist(), counts.tolist(), strict=True)


def cosine(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
    """The cosine of two `Weighed` articles' (columns, weights)."""
    _, left, right = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return float(a[1][left] @ b[1][right])


@dataclass(slots=True)
class Clustered:
    """What clustering leaves: the stories ((story id, [(ordinal, Article)]) rows), each
    article's salient terms ((id, terms), for the story index), the (term, df) table and the
    number of articles the frequencies count. `release` frees what it kept in memory."""

    stories: RDD
    salient: RDD
    frequencies: RDD
    documents: int
    kept: list[RDD]

    def release(self) -> None:
        for rdd in self.kept:
            rdd.unpersist()


def cluster_stories(
    sc: SparkContext, articles: RDD, settings: ClusterSettings, partitions: int
) -> Clustered:
    """Stories of (ordinal, Article) rows (see the module docstring). `articles` should be
    persisted: it is read several times."""
    # articles numbered 0..N-1: pairs of them are single integers, cheap to count and move
    numbered = articles.zipWithIndex().map(lambda ai: (ai[1], ai[0])).persist()
    counts = numbered.mapValues(lambda oa: (oa[1].id, term_counts(oa[1]))).persist()
    documents = counts.count()
    df_rows = (
        counts.flatMap(lambda row: [(t, 1) for t in row[1][1]])
        .reduceByKey(add, partitions)
        .filter(lambda kv: kv[1] > 1)
        .persist()
    )
    shared = df_rows.collect()
    vocabulary = sc.broadcast(
        Vocabulary(
            {t: n for n, (t, _) in enumerate(shared)},
            np.fromiter((df for _, df in shared), np.int64, len(shared)),
            documents,
        )
    )
    del shared
    k = settings.salient_terms
    weighed = counts.mapValues(lambda ic: (ic[0], weigh(ic[1], vocabulary.value, k))).persist()
    vectors = weighed.mapValues(lambda iw: (iw[1].columns, iw[1].weights)).persist()
    undated = not articles.filter(lambda oa: oa[1].published is None).isEmpty()
    dates = numbered.mapValues(lambda oa: oa[1].published)
    posted = weighed.join(dates, partitions).flatMap(
        lambda kv: postings(kv[0], kv[1][1], kv[1][0][1].posted, settings, undated)
    )
    candidates = (
        posted.groupByKey(partitions)
        .mapPartitions(lambda groups: shared_terms(groups, settings, documents))
        .reduceByKey(add, partitions)
        .filter(lambda kv: kv[1] >= settings.min_shared_terms)
        .map(lambda kv: divmod(kv[0], documents))
    )
    bonus = settings.entity_weight  # entity overlap can add at most this much
    edges = (
        candidates.join(vectors, partitions)
        .map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))
        .join(vectors, partitions)
        .filter(
            lambda kv: (1 - bonus) * cosine(kv[1][0][1], kv[1][1]) + bonus >= settings.threshold
        )
        .map(lambda kv: (kv[1][0][0], kv[0]))
    )
    labels = connected_components(edges, partitions)
    components = (
        numbered.leftOuterJoin(labels, partitions)
        .map(lambda kv: (kv[0] if kv[1][1] is None else kv[1][1], kv[1][0]))
        .groupByKey(partitions)
    )
    stories = components.flatMap(
        lambda kv: _cluster_component(
            sorted(kv[1], key=lambda oa: oa[0]), vocabulary.value, settings
        )
    )
    terms = weighed.values().map(lambda iw: (iw[0], iw[1].salient))
    kept = [numbered, counts, weighed, vectors, df_rows]
    return Clustered(stories, terms, df_rows, documents, kept)


def _cluster_component(
    members: list[tuple[int, Article]], vocabulary: Vocabulary, settings: ClusterSettings
) -> Iterator[tuple[str, list[tuple[int, Article]]]]:
    """The stories of one component, by `cluster_articles` under the corpus's frequencies;
    each story's id is made from its members (`model.story_id`)."""
    if len(members) == 1:
        groups = [[0]]
    else:
        numbered = TermNumbers()
        bags = [document_bag(a, numbered) for _, a in members]
        frequencies = np.fromiter((vocabulary.frequency(t) for t in numbered.terms), np.int64)
        stats = TermStats(vocabulary.documents, frequencies)
        groups = cluster_articles([a for _, a in members], settings, stats=stats, bags=bags)
    for group in groups:
        story = [members[i] for i in group]
        story.sort(key=lambda oa: (oa[1].published is None, oa[1].published or date.min, oa[1].id))
        yield story_id([a.id for _, a in story]), story
