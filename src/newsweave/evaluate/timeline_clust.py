"""CLUST, the clustering peer of news-tls (Gholipour Ghalandari & Ifrim 2020), reimplemented.

Articles become TF-IDF vectors; those published at most a day apart are linked by their
cosine similarity, and Markov clustering (expansion and inflation 2) splits that graph into
events. A cluster is dated by the day its articles mention most (within the timeline's range;
else its first publication day), clusters are taken largest first, one per date, and each is
summarised by the lead sentences of its articles closest to their centroid, as the date-wise
systems summarise a date.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

import numpy as np

from newsweave.evaluate.timeline_summary import (
    DatedSentence,
    SentenceSpace,
    Timeline,
    closest_to_centroid,
)
from newsweave.model import Article
from newsweave.tfidf import tfidf


def markov_clusters(
    similarity: np.ndarray, *, inflation: float = 2.0, rounds: int = 100
) -> list[list[int]]:
    """Markov clustering of a symmetric non-negative similarity matrix (self-loops added):
    clusters as lists of row indices, every row in exactly one, largest first."""
    n = similarity.shape[0]
    if n == 0:
        return []
    flow = similarity + np.eye(n)
    flow /= flow.sum(axis=0, keepdims=True)
    for _ in range(rounds):
        previous = flow
        flow = np.linalg.matrix_power(flow, 2) ** inflation
        flow[flow < 1e-6] = 0.0
        flow /= flow.sum(axis=0, keepdims=True)
        if np.allclose(flow, previous, atol=1e-8):
            break
    owner = np.argmax(flow, axis=0)  # each node's attractor
    groups: dict[int, list[int]] = defaultdict(list)
    for node, attractor in enumerate(owner):
        groups[int(attractor)].append(node)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def article_graph(articles: Sequence[Article], max_days: int = 1) -> np.ndarray:
    """Cosine similarity of articles published at most `max_days` apart (0 otherwise)."""
    matrix, _ = tfidf([a.text for a in articles])
    if matrix.shape[1] == 0:
        return np.zeros((len(articles), len(articles)))
    similarity = (matrix @ matrix.T).toarray()
    days = np.array([a.published.toordinal() if a.published else 0 for a in articles])
    close = np.abs(days[:, None] - days[None, :]) <= max_days
    np.fill_diagonal(similarity, 0.0)
    return np.where(close, similarity, 0.0)


def clust_timeline(
    articles: Sequence[Article],
    space: SentenceSpace | None,
    dates: int,
    per_date: int,
    *,
    start: date | None = None,
    end: date | None = None,
) -> Timeline:
    """Up to `dates` clusters of `articles`, one per date, `per_date` lead sentences each."""
    if space is None or not articles:
        return {}
    sentences: Sequence[DatedSentence] = space.sentences
    of_article: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sentences):
        of_article[s.article].append(i)
    timeline: Timeline = {}
    for cluster in markov_clusters(article_graph(articles)):
        mentioned = Counter(
            d
            for a in cluster
            for i in of_article[a]
            for d in sentences[i].mentions
            if (start is None or d >= start) and (end is None or d <= end)
        )
        published = [d for a in cluster if (d := articles[a].published) is not None]
        day = (
            min(mentioned, key=lambda d: (-mentioned[d], d))  # ties: the earliest
            if mentioned
            else min(published, default=None)
        )
        if day is None or day in timeline:
            continue
        candidates = [
            i
            for a in cluster
            for i in of_article[a]
            if sentences[i].lead and i in space.row_of and space.on_topic[space.row_of[i]]
        ]
        picked = closest_to_centroid(space, candidates, per_date)
        if picked:
            timeline[day] = [sentences[i].text for i in picked]
        if len(timeline) >= dates:
            break
    return dict(sorted(timeline.items()))
