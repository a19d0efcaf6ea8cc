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


def _t17_topic(folder: Path, texts: list[str], day: str) -> None:
    folder.mkdir(parents=True)
    articles = [{"uid": n, "dct": day, "text": t} for n, t in enumerate(texts)]
    (folder / "articles.json").write_text(json.dumps(articles), encoding="utf-8")
    (folder / "x.timeline.json").write_text(json.dumps([{"date": day, "text": texts[0]}]))


def test_storylines_against_t17_topics(tmp_path: Path) -> None:
    """Timeline17 folders of one topic from two outlets are one matter; storylines are scored
    against the matters, and never split a story or join two matters here."""
    from newsweave.evaluate.datasets import load_dataset

    _t17_topic(
        tmp_path / "t17" / "flood_bbc",
        [
            "Heavy rain flooded the river town of Elmsford on Sunday, forcing hundreds of residents to leave their homes.",
            "Residents of Elmsford were evacuated on Sunday after the River Alder burst its banks following heavy rain.",
        ],
        "2021-03-07",
    )
    _t17_topic(
        tmp_path / "t17" / "flood_cnn",
        [
            "Elmsford began to rebuild on Monday, a week after the River Alder flooded the town and forced hundreds from their homes.",
        ],
        "2021-03-15",
    )
    _t17_topic(
        tmp_path / "t17" / "vote_cnn",
        [
            "The parliament of Norland approved the new budget on Tuesday after a long night of debate over tax cuts.",
        ],
        "2021-03-09",
    )
    clusters = load_dataset("t17", tmp_path / "t17")
    assert [(c.id, c.storyline, len(c.documents)) for c in clusters] == [
        ("flood_bbc", "flood", 2),
        ("flood_cnn", "flood", 1),
        ("vote_cnn", "vote", 1),
    ]
    save = tmp_path / "assignment.jsonl"
    report = evaluate_clustering(clusters, save=save, baseline=False, storylines=True)
    lines = report.systems["newsweave storylines (against matters)"]
    stories = report.systems["stories as storylines (against matters)"]
    assert lines.bcubed_p == 1.0 and lines.bcubed_r >= stories.bcubed_r
    rows = [json.loads(line) for line in save.read_text().splitlines()]
    by_story: dict[int, set[str]] = {}
    for row in rows:
        by_story.setdefault(row["story"], set()).add(row["storyline"])
    assert all(len(lines) == 1 for lines in by_story.values())  # a story is in one storyline
