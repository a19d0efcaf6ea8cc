"""The event split inside a topic: the seeds' 2015 Moscow meeting splits off from the 2018
Sochi reports, but only from a core large enough to measure the Sochi reports' cohesion by."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from newsweave.cluster import ClusterSettings, _separated, cluster_articles
from newsweave.ingest import read_paths
from newsweave.model import Article
from newsweave.pipeline import prepare

SEEDS = Path(__file__).parents[1] / "examples" / "assad-putin"


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    """The seeds by number, undated: the split, not the date window, has to tell 2015 apart."""
    return {
        Path(raw.source).name[:3]: dataclasses.replace(prepare(raw), published=None)
        for raw in read_paths([SEEDS])
    }


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
