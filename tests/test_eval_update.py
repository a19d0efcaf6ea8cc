"""The update-summary harness on a tiny Timeline17-shaped topic: which days become items, what
counts as read, and an update summary that beats the same summariser not told what was read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.evaluate.update import evaluate_updates, t17_update_items

VOTE = "The council approved the new river bridge on Monday after a long debate in the city hall ."


@pytest.fixture
def t17(tmp_path: Path) -> Path:
    topic = tmp_path / "bridge_test"
    topic.mkdir()
    articles = [
        {"uid": "1", "dct": "2021-06-01", "dates": [],
         "text": f"{VOTE} The bridge will cost 40 million dollars and open in 2024 ."},
        {"uid": "2", "dct": "2021-06-08", "dates": [],
         "text": f"{VOTE} A local firm won the contract to build the bridge after a tender with "
                 "five bidders ."},
        {"uid": "3", "dct": "2021-06-09", "dates": [],
         "text": "Residents near the river said they welcomed the decision ."},
    ]  # fmt: skip
    (topic / "articles.json").write_text(json.dumps(articles))
    gold = [
        {"date": "2021-06-01", "text": "The council approves the new river bridge ."},
        {"date": "2021-06-08", "text": "A local firm wins the contract to build the bridge ."},
    ]
    (topic / "gold.timeline.json").write_text(json.dumps(gold))
    return tmp_path


def test_items_are_dates_with_articles_read_before_them(t17: Path) -> None:
    (item,) = t17_update_items(t17)  # the first date has nothing read before it
    assert item.id == "bridge_test/2021-06-08"
    assert [a.id for a in item.articles] == ["2", "3"]  # that day's and the next day's
    assert [a.id for a in item.known] == ["1"]
    assert item.words == 20  # the entry's length, at least `min_words`


def test_the_update_summary_leaves_out_the_repeat_a_plain_summary_leads_with(t17: Path) -> None:
    items = t17_update_items(t17, min_words=30)  # room for two sentences
    report = evaluate_updates(items, systems=["newsweave", "newsweave-unaware", "lead"])
    ours = report.mean("newsweave", "rouge2_f")
    assert ours > report.mean("newsweave-unaware", "rouge2_f")
    assert ours > report.mean("lead", "rouge2_f")
    assert report.to_dict()["items"] == 1


def test_command_prints_the_table_and_rejects_other_layouts(t17: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["eval", "update", str(t17), "--systems", "newsweave,lead", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    systems = json.loads(result.output)["systems"]
    assert set(systems) == {"newsweave", "lead"} and "rouge2_f" in systems["lead"]
    missing = runner.invoke(app, ["eval", "update", str(tmp_path / "nothing")])
    assert missing.exit_code == 2
    unknown = runner.invoke(app, ["eval", "update", str(t17), "--systems", "lead"])
    assert unknown.exit_code == 2
