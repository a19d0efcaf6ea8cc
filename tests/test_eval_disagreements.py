"""The disagreement harness: what counts as a figure or a weekday, an injected conflict found
on the seeds, the harness end to end on tiny clusters, and the shipped labelled sample."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import SEEDS, read_articles, seed_path
from newsweave import cli
from newsweave.evaluate.datasets import Cluster, ClusterDocument
from newsweave.evaluate.disagreements import (
    Case,
    SentencesOnly,
    candidates,
    changed_value,
    disagreements_of,
    evaluate_disagreements,
    figures,
    injected,
    multinews_cases,
    read_labelled,
    values,
    weekdays,
)

LABELLED = Path(__file__).parents[1] / "bench" / "data" / "disagreements_labelled.jsonl"


@pytest.fixture(scope="module")
def annotator() -> SentencesOnly:
    return SentencesOnly()


def test_figures_have_units_and_leave_years_and_times_out() -> None:
    text = "In 2014, 12 people were killed and $3 billion lost; 40% fled at 10:30 on 5 and 6."
    assert [(number, unit) for _, _, number, unit in figures(text)] == [
        ("12", "people"),
        ("3", "$billion"),
        ("40", "percent"),
    ]


def test_weekdays_in_names_are_not_days() -> None:
    text = "On Black Friday, Saturday Night Live aired; they met on Tuesday. Monday was calm."
    assert [day for _, _, day in weekdays(text)] == ["Tuesday", "Monday"]


def test_changed_values_keep_their_writing() -> None:
    import random

    rng = random.Random(1)
    assert changed_value("figure", "450,000", rng) == "675,000"
    assert changed_value("figure", "3", rng) == "5"
    assert changed_value("figure", "2.5", rng) == "4.5"
    assert changed_value("weekday", "Thursday", rng) in {
        "Monday", "Tuesday", "Wednesday", "Friday", "Saturday", "Sunday"
    }  # fmt: skip


def reprinted_seeds(tmp_path: Path) -> list:
    """The four Sochi seeds and a reprint of the Reuters one (003) by another site, its lead
    lightly edited: the lead's "Thursday" then has a near-verbatim partner."""
    for path in SEEDS.glob("00[0-3]_*.txt"):
        shutil.copy(path, tmp_path)
    text = seed_path("003").read_text(encoding="utf-8")
    reprint = text.replace("Kremlin.ru", "Photo: Kremlin.ru").replace(
        "the Kremlin said, a visit", "the Kremlin announced, a visit"
    )
    (tmp_path / "005_reprint.txt").write_text(reprint, encoding="utf-8")
    return read_articles(tmp_path)


def test_weekday_changed_against_a_near_verbatim_copy_is_found(
    tmp_path: Path, annotator: SentencesOnly
) -> None:
    articles = reprinted_seeds(tmp_path)
    for article in articles:
        article.sentences = annotator.splitter.split(article.text)
    case = Case("seeds", "sochi", articles)
    reprint = next(a for a in articles if a.source.endswith("005_reprint.txt"))
    (candidate,) = [
        c
        for c in candidates(articles)
        if c.article is reprint and "flew to Russian leader" in c.sentence.text
    ]
    assert (candidate.kind, candidate.value, candidate.near_verbatim) == (
        "weekday",
        "Thursday",
        True,
    )
    base = disagreements_of(articles, annotator)
    assert base == []
    result = injected(case, articles, candidate, "Wednesday", base, annotator)
    assert result.found and result.found_as == ["conflict: day of the week"]
    assert result.others == 0
    assert "on Thursday" in result.sentence and result.new == "Wednesday"


def tiny_clusters() -> list[Cluster]:
    flood = [
        "Heavy rain flooded the river town of Elmsford on Sunday. At least 12 people were "
        "killed when the river burst its banks, officials said. About 300 homes were damaged.",
        "The river burst its banks in Elmsford on Sunday after days of heavy rain. Officials "
        "said at least 12 people were killed as the water rose. Hundreds of homes were damaged.",
    ]
    vote = [
        "The parliament of Norland approved the budget on Tuesday after a long debate. The "
        "budget cuts taxes by 40 percent for small firms, the finance minister said.",
        "Norland's parliament passed the new budget on Tuesday, ending a long debate. The "
        "finance minister said taxes for small firms fall by 40 percent under the budget.",
    ]
    lone = ["A single report with nothing to compare: 7 boats sank on Friday near the harbour."]
    return [
        Cluster("flood", [ClusterDocument(t) for t in flood]),
        Cluster("vote", [ClusterDocument(t) for t in vote]),
        Cluster("lone", [ClusterDocument(t) for t in lone]),
    ]


def test_harness_end_to_end_on_tiny_clusters(tmp_path: Path) -> None:
    cases = multinews_cases(tiny_clusters(), "clusters")
    report = evaluate_disagreements(cases, seed=13, labelled=LABELLED)
    again = evaluate_disagreements(cases, seed=13)
    assert report.clusters == 2  # the lone article has no other to disagree with
    assert [i.to_dict() for i in report.injections] == [i.to_dict() for i in again.injections]
    assert len(report.injections) == 2
    assert all(i.new != i.old and i.sentence for i in report.injections)
    figures_ = report.to_dict()
    assert figures_["injections"] == 2 and 0 <= figures_["found"] <= 2
    assert figures_["labelled_in_this_run"] <= len(read_labelled(LABELLED))
    assert [row[0] for row in report.rows()][:3] == ["clusters", "injections", "found (recall)"]


def test_command_writes_disagreements_to_label(tmp_path: Path) -> None:
    data = tmp_path / "tiny.jsonl"
    lines = [
        {"id": c.id, "documents": [{"text": d.text} for d in c.documents]} for c in tiny_clusters()
    ]
    data.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    out = tmp_path / "reported.jsonl"
    args = ["eval", "disagreements", str(data), "--dataset", "clusters", "--out", str(out)]
    result = CliRunner().invoke(cli.app, [*args, "--json", "--labelled", str(LABELLED)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["clusters"] == 2 and report["injections"] == 2
    assert out.is_file()
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(written) == report["untouched_conflicts"] + report["untouched_evolutions"]
    assert all(line["judgement"] == "" for line in written)
    table = CliRunner().invoke(cli.app, args, env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "found (recall)" in table.stdout


def test_labelled_sample_is_complete() -> None:
    lines = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    assert len(lines) >= 30
    assert all(line["judgement"] in ("real", "false") and line["note"] for line in lines)
    assert all(len(line["versions"]) >= 2 for line in lines)
    kinds = {v for line in lines for _, _, kind, v in values(line["versions"][0]["text"])}
    assert kinds  # the sample holds figures and weekdays, not only polarity


def test_partners_are_chosen_by_their_words_not_the_alignment() -> None:
    from newsweave.evaluate.disagreements import partners

    assert partners(
        "Attorney General Jeff Sessions lashed out at Chicago Mayor Rahm Emanuel on Monday.",
        "Attorney General Jeff Sessions on Monday blasted the leadership of Chicago and Emanuel.",
    )
    assert not partners(
        "Attorney General Jeff Sessions lashed out at Chicago Mayor Rahm Emanuel on Monday.",
        "The storm closed schools across the state on Monday, officials said.",
    )


def test_a_floor_is_contradicted_by_a_lower_figure() -> None:
    import random

    assert changed_value("figure", "150", random.Random(1), lower=True) == "75"
