"""The timeline evaluation harness on a tiny Timeline17-shaped fixture: the loader, the
protocol, and scores that must be perfect when the system returns the gold timeline."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsweave.evaluate.datasets import DatasetError
from newsweave.evaluate.timeline import (
    SYSTEMS,
    Scorer,
    evaluate_timelines,
    load_t17_topic,
    rouge_unavailable,
    split_sentences,
    summarise_scores,
)

GOLD = {
    date(2010, 4, 20): ["An explosion on the Deepwater Horizon rig kills eleven workers."],
    date(2010, 7, 15): ["BP says the leaking well has been capped."],
}


@pytest.fixture
def t17(tmp_path: Path) -> Path:
    topic = tmp_path / "bpoil_test"
    topic.mkdir()
    articles = [
        {"uid": "1", "dct": "2010-04-21", "dates": [],
         "text": "An explosion on the Deepwater Horizon rig killed eleven workers on Tuesday . "
                 "The rig -LRB- owned by Transocean -RRB- sank . BP said it was `` devastated '' ."},
        {"uid": "2", "dct": "2010-07-15", "dates": [],
         "text": "BP said on Thursday the leaking well has been capped . Oil stopped flowing ."},
        {"uid": "3", "dct": "2011-01-01", "dates": [], "text": "Outside the gold range ."},
    ]  # fmt: skip
    (topic / "articles.json").write_text(json.dumps(articles))
    gold = [{"date": d.isoformat(), "text": " ".join(s)} for d, s in GOLD.items()]
    (topic / "gold.timeline.json").write_text(json.dumps(gold))
    return tmp_path


def test_loader_detokenises_and_splits(t17: Path) -> None:
    topic = load_t17_topic(t17 / "bpoil_test")
    assert topic.timelines == [("gold.timeline.json", GOLD)]
    first = topic.articles[0]
    assert [s.text for s in first.sentences] == [
        "An explosion on the Deepwater Horizon rig killed eleven workers on Tuesday.",
        "The rig (owned by Transocean) sank.",
        'BP said it was "devastated".',
    ]
    assert all(first.text[s.start : s.end] == s.text for s in first.sentences)
    assert first.published == date(2010, 4, 21)
    assert [s.text for s in split_sentences("One. Two! \"Three?\" Four")] == [
        "One.", "Two!", '"Three?"', "Four",
    ]  # fmt: skip


def test_gold_against_itself_scores_one() -> None:
    scores = Scorer(rouge=False).score(GOLD, GOLD)
    assert summarise_scores([scores]) == {"date_f1": 1.0}
    half = Scorer(rouge=False).score({date(2010, 4, 20): ["x"], date(2010, 5, 1): ["y"]}, GOLD)
    assert summarise_scores([half]) == {"date_f1": 0.5}


def test_gold_against_itself_rouge_is_one() -> None:
    reason = rouge_unavailable()
    if reason:
        pytest.skip(reason)
    result = summarise_scores([Scorer().score(GOLD, GOLD)])
    assert result["ar1_f"] == pytest.approx(1.0) and result["ar2_f"] == pytest.approx(1.0)
    assert result["date_f1"] == 1.0


def test_harness_runs_every_system(t17: Path) -> None:
    report = evaluate_timelines(t17, rouge=False)
    data = report.to_dict()
    assert set(data["topics"]) == {"bpoil_test"}
    assert set(data["topics"]["bpoil_test"]) == {*SYSTEMS, "seconds"}
    assert set(data["rankers"]) == {"default"}  # the shipped rankers, nothing fitted here
    # the explosion is reported the next day ("on Tuesday": 20 April), the capping the same
    # day: newsweave finds both gold days, the publication days only the second
    assert data["newsweave"]["date_f1"] == 1.0
    assert data["baseline"]["date_f1"] == 0.5
    with pytest.raises(DatasetError):
        evaluate_timelines(t17 / "bpoil_test" / "nothing")
