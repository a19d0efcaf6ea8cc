"""Articles to stories, across the corpus, without comparing all pairs.

`cluster.batch.cluster_articles` over the whole corpus is the reference: the stories the
embedded engine builds batch by batch agree with it (B-cubed F1 0.99 on Multi-News). Here
it runs on pieces that cannot interact:

1. document frequencies are counted over the corpus (terms of one article only need not
   travel: their frequency is 1), and each article weighed by them, as `vectorize` weighs;
2. each article is posted under its salient terms (the `salient_terms` highest-weighted,
   and any tied with the last) keyed by time window: a story spans at most
   `max_span_days`, so an article is posted in its own window of that many days and as a
   visitor in the next, and two dated articles are paired only within one key; undated
   articles are paired with everything posted under the term. A key with more than
   `max_postings` articles says nothing and pairs none;
3. pairs sharing `min_shared_terms` are scored by cosine, an upper bound of the score
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
    Vocabulary,
    cluster_articles,
    document_bag,
    document_terms,
)
from newsweave.model import Article, story_id
from newsweave.spark.graph import connected_components

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext

UNDATED = -1
"""The window key of the postings undated articles are paired through."""


def term_counts(article: Article) -> tuple[Counter[str], list[str]]:
    terms, names = document_terms(article)
    return Counter(terms), names


def document_frequencies(counts: RDD, partitions: int) -> RDD:
    """(term, df) over (id, (Counter, names)) rows, terms in more than one article only."""
    return (
        counts.flatMap(lambda row: [(t, 1) for t in row[1][0]])
        .reduceByKey(add, partitions)
        .filter(lambda kv: kv[1] > 1)
    )


def weights(counts: Counter[str], df: dict[str, int], documents: int) -> dict[str, float]:
    """The article's L2-normalised TF-IDF weights, as `cluster.batch.vectorize` gives them
    (sublinear tf, smoothed idf) under these document frequencies."""
    raw = {
        t: (1 + math.log(min(c, 65_535))) * (math.log((1 + documents) / (1 + df.get(t, 1))) + 1)
        for t, c in counts.items()
    }
    norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
    return {t: w / norm for t, w in raw.items()}


def salient(vector: dict[str, float], k: int) -> list[str]:
    """The `k` highest-weighted terms, highest first (ties by term)."""
    return [t for _, t in heapq.nsmallest(k, ((-w, t) for t, w in vector.items()))]


def posted_terms(vector: dict[str, float], k: int) -> list[str]:
    """The terms an article is posted under: its `k` highest-weighted and any tied with the
    `k`-th, so that no term clustering could rank among its `k` is left out."""
    top = salient(vector, k)
    if len(top) < k:
        return top
    last = vector[top[-1]]
    return top + [t for t, w in vector.items() if w >= last and t not in set(top)]


def window(published: date | None, settings: ClusterSettings) -> int:
    return UNDATED if published is None else published.toordinal() // settings.max_span_days


def postings(
    article_id: str,
    published: date | None,
    terms: Iterable[str],
    settings: ClusterSettings,
    undated: bool,
) -> Iterator[tuple[tuple[str, int], tuple[str, int | None, bool]]]:
    """((term, window), (id, day, home)) keys an article is posted under: its own window
    (home), the next one (a visitor, met by that window's articles), and the undated key
    (a visitor there too) when the corpus has undated articles."""
    day = published.toordinal() if published else None
    own = window(published, settings)
    for term in terms:
        yield (term, own), (article_id, day, True)
        if own != UNDATED:
            yield (term, own + 1), (article_id, day, False)
            if undated:
                yield (term, UNDATED), (article_id, day, False)


def pairs_in(
    key: int, members: list[tuple[str, int | None, bool]], settings: ClusterSettings
) -> Iterator[tuple[tuple[str, str], int]]:
    """((a, b), 1) for each pair of one window `key` that could share a story: two home
    members, or a home member and a visitor; dated pairs within `max_span_days`. The
    undated key counts its visitors towards `max_postings` (they are the term's postings)."""
    home = [m for m in members if m[2]]
    if len(members if key == UNDATED else home) > settings.max_postings:
        return
    visitors = [m for m in members if not m[2]]
    span = settings.max_span_days
    for k, (a, day_a, _) in enumerate(home):
        for b, day_b, _ in [*home[k + 1 :], *visitors]:
            if a == b or (day_a is not None and day_b is not None and abs(day_a - day_b) > span):
                continue
            yield ((a, b) if a < b else (b, a)), 1


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in a.items() if t in b)


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
    counts = articles.map(lambda oa: (oa[1].id, term_counts(oa[1]))).persist()
    documents = counts.count()
    df_rows = document_frequencies(counts, partitions).persist()
    df = sc.broadcast(dict(df_rows.collect()))
    vectors = counts.mapValues(lambda c: weights(c[0], df.value, documents)).persist()
    undated = not articles.filter(lambda oa: oa[1].published is None).isEmpty()
    dates = articles.map(lambda oa: (oa[1].id, oa[1].published))
    k = settings.salient_terms
    posted = vectors.join(dates, partitions).flatMap(
        lambda kv: postings(kv[0], kv[1][1], posted_terms(kv[1][0], k), settings, undated)
    )
    candidates = (
        posted.groupByKey(partitions)
        .flatMap(lambda kv: pairs_in(kv[0][1], list(kv[1]), settings))
        .reduceByKey(add, partitions)
        .filter(lambda kv: kv[1] >= settings.min_shared_terms)
        .keys()
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
    by_id = articles.map(lambda oa: (oa[1].id, oa))
    components = (
        by_id.leftOuterJoin(labels, partitions)
        .map(lambda kv: (kv[1][1] or kv[0], kv[1][0]))
        .groupByKey(partitions)
    )
    stories = components.flatMap(
        lambda kv: _cluster_component(
            sorted(kv[1], key=lambda oa: oa[0]), df.value, documents, settings
        )
    )
    terms = vectors.mapValues(lambda v: salient(v, k))
    return Clustered(stories, terms, df_rows, documents, [counts, vectors, df_rows])


def _cluster_component(
    members: list[tuple[int, Article]],
    df: dict[str, int],
    documents: int,
    settings: ClusterSettings,
) -> Iterator[tuple[str, list[tuple[int, Article]]]]:
    """The stories of one component, by `cluster_articles` under the corpus's frequencies;
    each story's id is made from its members (`model.story_id`)."""
    if len(members) == 1:
        groups = [[0]]
    else:
        vocabulary = Vocabulary()
        bags = [document_bag(a, vocabulary) for _, a in members]
        frequencies = np.fromiter((df.get(t, 1) for t in vocabulary.terms), np.int64)
        stats = TermStats(documents, frequencies)
        groups = cluster_articles([a for _, a in members], settings, stats=stats, bags=bags)
    for group in groups:
        story = [members[i] for i in group]
        story.sort(key=lambda oa: (oa[1].published is None, oa[1].published or date.min, oa[1].id))
        yield story_id([a.id for _, a in story]), story
