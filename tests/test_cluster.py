"""The event split inside a topic: the seeds' 2015 Moscow meeting splits off from the 2018
Sochi reports, but only from a core large enough to measure the Sochi reports' cohesion by."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from factories import seed_articles
from newsweave.cluster.batch import ClusterSettings, _separated, cluster_articles
from newsweave.model import Article


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    """The seeds by number, undated: the split, not the date window, has to tell 2015 apart."""
    return {n: dataclasses.replace(a, published=None) for n, a in seed_articles().items()}


def numbered(seeds: dict[str, Article], numbers: list[str], settings: ClusterSettings):
    stories = cluster_articles([seeds[n] for n in numbers], settings)
    return {frozenset(numbers[i] for i in story) for story in stories}


def test_the_2015_meeting_splits_off_from_the_four_sochi_reports(seeds) -> None:
    numbers = ["000", "001", "002", "003", "004"]
    assert numbered(seeds, numbers, ClusterSettings()) == {
        frozenset({"000", "001", "002", "003"}),
        frozenset({"004"}),
    }
    # the split, not the topic threshold, is what keeps them apart
    assert len(numbered(seeds, numbers, ClusterSettings(separation=0.0))) == 1


def test_any_three_sochi_reports_are_core_enough(seeds) -> None:
    for left_out in ["000", "001", "002", "003"]:
        sochi = [n for n in ["000", "001", "002", "003"] if n != left_out]
        assert numbered(seeds, [*sochi, "004"], ClusterSettings()) == {
            frozenset(sochi),
            frozenset({"004"}),
        }


def test_a_core_of_two_is_too_small_to_split_from() -> None:
    """Two articles' one similarity is no measure of cohesion: on Multi-News most groups
    split off two-article cores were background pieces of the same event."""
    sims = np.array([[1.0, 0.6, 0.1], [0.6, 1.0, 0.1], [0.1, 0.1, 1.0]])
    assert not _separated(sims, [2], [0, 1], ClusterSettings())
    assert _separated(sims, [2], [0, 1], ClusterSettings(min_event_core=2))
    four = np.full((4, 4), 0.6)
    four[3, :3] = four[:3, 3] = 0.1
    assert _separated(four, [3], [0, 1, 2], ClusterSettings())
    assert not _separated(four, [3], [0, 1, 2], ClusterSettings(separation=0.1))


@pytest.mark.parametrize("dense_cells", [20_000, 0])
def test_the_split_weighs_a_topic_as_vectorize_does(dense_cells, monkeypatch) -> None:
    """`_similarities` skips sparse matrices for the few articles of a topic (and keeps them
    for a large one); either way its cosines must be the products of `vectorize`'s rows,
    self-similarity 1, an empty bag 0."""
    import newsweave.cluster.batch
    from newsweave.cluster.batch import Bag, Vocabulary, _similarities, vectorize

    monkeypatch.setattr(newsweave.cluster.batch, "_DENSE_CELLS", dense_cells)
    vocabulary = Vocabulary()
    docs = [["sochi", "summit", "summit"], ["sochi", "delegation"], ["moscow", "summit"], []]
    bags = [Bag.of(doc, vocabulary) for doc in docs]
    matrix, _ = vectorize(bags)
    sims = _similarities(bags)
    assert sims == pytest.approx((matrix @ matrix.T).toarray(), abs=1e-12)
    assert np.diag(sims)[:3] == pytest.approx([1.0, 1.0, 1.0])
    assert not sims[3].any()


def test_candidate_pairs_count_shared_salient_terms() -> None:
    """Pairs share at least `min_shared_terms` followed terms; a term in more than
    `max_postings` articles is not followed; two settled articles are never paired."""
    from newsweave.cluster.batch import candidate_pairs

    salient = {0: [7, 8, 9], 1: [7, 8, 9, 4], 2: [7, 4, 5], 3: [7, 8, 9], 4: [1, 2]}
    rows = np.array([r for r, terms in salient.items() for _ in terms])
    terms = np.array([t for terms in salient.values() for t in terms])
    settings = ClusterSettings(min_shared_terms=3, max_postings=10)
    assert candidate_pairs(rows, terms, 5, settings) == [(0, 1), (0, 3), (1, 3)]
    two = dataclasses.replace(settings, min_shared_terms=2)
    assert candidate_pairs(rows, terms, 5, two) == [(0, 1), (0, 3), (1, 2), (1, 3)]
    # 7 is in four articles: beyond max_postings 3 it says nothing, and 1 and 2 share only 4
    few = dataclasses.replace(two, max_postings=3)
    assert candidate_pairs(rows, terms, 5, few) == [(0, 1), (0, 3), (1, 3)]
    # 0 and 3 were compared when their story formed; 1 is new and still meets both
    assert candidate_pairs(rows, terms, 5, settings, settled={0, 3}) == [(0, 1), (1, 3)]
    assert candidate_pairs(np.zeros(0, int), np.zeros(0, int), 2, settings) == []
