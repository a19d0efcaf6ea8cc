"""B-cubed and pairwise scoring, and the clustering harness on a tiny two-event set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsweave.evaluate.cluster import evaluate_clustering, score
from newsweave.evaluate.datasets import Cluster, ClusterDocument


def test_perfect_and_lumped_scores() -> None:
    gold = [0, 0, 1, 1]
    perfect = score([5, 5, 7, 7], gold)
    assert (perfect.bcubed_f, perfect.pairwise_f, perfect.stories) == (1.0, 1.0, 2)
    lumped = score([0, 0, 0, 0], gold)
    assert lumped.bcubed_p == pytest.approx(0.5) and lumped.bcubed_r == 1.0
    assert lumped.pairwise_p == pytest.approx(2 / 6)
    split = score([0, 1, 2, 3], gold)
    assert (
        split.bcubed_p == 1.0 and split.bcubed_r == pytest.approx(0.5) and split.pairwise_r == 0.0
    )


def test_ceiling_leaves_documents_without_text_alone() -> None:
    from newsweave.app.pipeline import prepare
    from newsweave.evaluate.cluster import ceiling
    from newsweave.model import RawDocument

    texts = ["The river flooded the town of Elmsford on Sunday after days of rain.", "", "x"]
    documents = [RawDocument(source=str(n), text=t, format="text") for n, t in enumerate(texts)]
    best = ceiling([prepare(d) for d in documents], [0, 0, 1])
    assert best.bcubed_p == 1.0 and best.bcubed_r == pytest.approx((0.5 + 0.5 + 1) / 3)


def test_harness_on_two_events(tmp_path: Path) -> None:
    flood = [
        "Heavy rain flooded the river town of Elmsford on Sunday, forcing hundreds of residents to leave their homes as the river burst its banks.",
        "Residents of Elmsford were evacuated on Sunday after the river burst its banks following heavy rain, flooding hundreds of homes in the town.",
    ]
    vote = [
        "The parliament of Norland approved the new budget on Tuesday after a long night of debate over tax cuts and school spending.",
        "Norland's parliament passed the budget on Tuesday, ending a long debate about tax cuts and spending on schools.",
    ]
    clusters = [
        Cluster("flood", [ClusterDocument(t) for t in flood]),
        Cluster("vote", [ClusterDocument(t) for t in vote]),
    ]
    save = tmp_path / "assignment.jsonl"
    report = evaluate_clustering(clusters, save=save)
    assert report.systems["newsweave"].bcubed_f == 1.0
    assert "agglomerative (tuned)" in report.systems
    assert report.systems["ceiling (true clusters, empty documents alone)"].bcubed_f == 1.0
    rows = [json.loads(line) for line in save.read_text().splitlines()]
    assert sorted((r["cluster"], r["doc"]) for r in rows) == [
        ("flood", 0),
        ("flood", 1),
        ("vote", 0),
        ("vote", 1),
    ]
