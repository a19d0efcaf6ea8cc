"""The Spark job's blocking, without Spark: articles weighed as the embedded clustering
weighs them, and the pairs of a posting group, numpy's way and one at a time, are the pairs
a brute-force reading of the rule gives."""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations

import numpy as np
import pytest

from factories import seed_articles
from newsweave.cluster.batch import ClusterSettings, Vocabulary, document_bag, vectorize
from newsweave.spark.stories import (
    SMALL_GROUP,
    UNDATED,
    cosine,
    pairs_in,
    postings,
    shared_terms,
    term_counts,
    weigh,
)
from newsweave.spark.stories import (
    Vocabulary as CorpusVocabulary,
)


def corpus_vocabulary(counts: list[Counter[str]]) -> CorpusVocabulary:
    df = Counter(t for c in counts for t in c)
    shared = sorted(t for t, n in df.items() if n > 1)
    return CorpusVocabulary(
        {t: n for n, t in enumerate(shared)}, np.array([df[t] for t in shared]), len(counts)
    )


def test_articles_weigh_and_compare_as_the_embedded_clustering_has_them() -> None:
    articles = list(seed_articles().values())
    counts = [term_counts(a) for a in articles]
    weighed = [weigh(c, corpus_vocabulary(counts), 30) for c in counts]
    numbers = Vocabulary()
    matrix, _ = vectorize([document_bag(a, numbers) for a in articles])
    expected = (matrix @ matrix.T).toarray()
    for i, j in combinations(range(len(articles)), 2):
        pair = cosine(
            (weighed[i].columns, weighed[i].weights), (weighed[j].columns, weighed[j].weights)
        )
        assert pair == pytest.approx(expected[i, j], abs=1e-12)
    for w in weighed:
        assert len(w.salient) == 30 and len(set(w.salient)) == 30
        assert set(w.posted) <= set(w.columns.tolist())  # only shared terms pair anything


def brute_force(
    key: int, members: list[tuple[int, int, bool]], settings: ClusterSettings
) -> set[tuple[int, int]]:
    home = [m for m in members if m[2]]
    if len(members if key == UNDATED else home) > settings.max_postings:
        return set()
    found = set()
    for x, y in combinations(members, 2):
        if not (x[2] or y[2]) or x[0] == y[0]:
            continue
        dated = x[1] != UNDATED and y[1] != UNDATED
        if dated and abs(x[1] - y[1]) > settings.max_span_days:
            continue
        found.add((min(x[0], y[0]), max(x[0], y[0])))
    return found


@pytest.mark.parametrize("size", [1, 2, SMALL_GROUP, SMALL_GROUP + 1, 60])
@pytest.mark.parametrize("key", [UNDATED, 7])
def test_a_posting_groups_pairs_are_the_rules(size: int, key: int) -> None:
    settings = ClusterSettings(max_postings=40)
    chance = random.Random(size * 31 + key)
    count = 1000
    members = [
        (
            chance.randrange(count),
            UNDATED if key == UNDATED or chance.random() < 0.2 else 730_000 + chance.randrange(25),
            (key == UNDATED and chance.random() < 0.5) or chance.random() < 0.7,
        )
        for _ in range(size)
    ]
    codes = pairs_in(key, members, settings, count)
    found = {divmod(int(c), count) for c in codes}
    assert found == brute_force(key, members, settings)
    assert len(codes) == len(found) or len({m[0] for m in members}) < size  # no pair twice


def test_pairs_sharing_terms_are_counted_once_per_term() -> None:
    settings = ClusterSettings()
    day = 738_000
    groups: dict[tuple[int, int], list[tuple[int, int, bool]]] = {}
    for number, terms in [(0, [1, 2, 3, 4]), (1, [1, 2, 3]), (2, [4, 5])]:
        for key, member in postings(number, None, terms, settings, undated=False):
            groups.setdefault(key, []).append(member)
    counted = dict(shared_terms(groups.items(), settings, 3))
    assert counted == {0 * 3 + 1: 3, 0 * 3 + 2: 1}
    # a dated article is posted in its window and, as a visitor, in the next one
    from datetime import date

    keys = [k for k, _ in postings(5, date.fromordinal(day), [9], settings, undated=True)]
    window = day // settings.max_span_days
    assert keys == [(9, window), (9, window + 1), (9, UNDATED)]
