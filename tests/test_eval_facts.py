"""The fact-precision harness: the supports a fact makes, the labelled file and its keys, the
seeded sample, the harness and the command end to end on tiny clusters, and the shipped
judged sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave import cli
from newsweave.app.pipeline import Annotator
from newsweave.evaluate.datasets import Cluster, ClusterDocument
from newsweave.evaluate.disagreements import Case, multinews_cases
from newsweave.evaluate.facts import (
    LabelError,
    Report,
    Support,
    evaluate_facts,
    read_labelled,
    sample,
    support_key,
    supports,
    t17_as_sources,
)
from newsweave.model import Fact, Statement

LABELLED = Path(__file__).parents[1] / "bench" / "data" / "facts_labelled.jsonl"

FACT = "At least 12 people were killed when the river burst its banks, officials said."
SAME = "Officials said at least 12 people were killed as the river rose."
OTHER = "The mayor said 300 homes were damaged."


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator()


def fact(*texts: str) -> Fact:
    statements = [Statement(f"a{n}", f"outlet {n}", 0, t) for n, t in enumerate(texts)]
    return Fact(texts[0], [s.outlet for s in statements], [], len(texts), [], statements)


def write(path: Path, lines: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def line(fact_text: str, text: str, judgement: str) -> dict:
    return {"fact": fact_text, "text": text, "judgement": judgement, "reason": "why"}


def test_each_statement_but_the_representative_one_is_a_support() -> None:
    found = supports(fact(FACT, SAME, OTHER), "d", "c")
    assert [(s.outlet, s.text) for s in found] == [("outlet 1", SAME), ("outlet 2", OTHER)]
    assert all(s.fact == FACT and s.sources == 3 for s in found)
    # a copy of the representative text in another article is a support all the same
    assert [s.outlet for s in supports(fact(FACT, FACT))] == ["outlet 1"]


def test_labelled_file_keeps_judged_lines_and_refuses_unknown_judgements(tmp_path: Path) -> None:
    path = write(
        tmp_path / "l.jsonl",
        [line(FACT, SAME, "right"), line(FACT, OTHER, "wrong"), line(SAME, OTHER, "")],
    )
    assert read_labelled(path) == {
        support_key(FACT, SAME): "right",
        support_key(FACT, OTHER): "wrong",
    }
    with pytest.raises(LabelError, match="line 2"):
        read_labelled(
            write(tmp_path / "bad.jsonl", [line(FACT, SAME, "right"), line(FACT, OTHER, "maybe")])
        )
    with pytest.raises(LabelError, match="both right and wrong"):
        read_labelled(
            write(tmp_path / "twice.jsonl", [line(FACT, SAME, "right"), line(FACT, SAME, "wrong")])
        )
    with pytest.raises(LabelError, match="line 1"):
        read_labelled(write(tmp_path / "no_text.jsonl", [{"fact": FACT, "judgement": "right"}]))


def test_a_label_holds_while_the_pair_is_unchanged(tmp_path: Path) -> None:
    labels = read_labelled(write(tmp_path / "l.jsonl", [line(FACT, SAME, "right")]))
    spaced = FACT.replace(" ", "  ").replace("12", "１２")  # spacing and a full-width form
    kept = supports(fact(spaced, SAME))
    edited = supports(fact(FACT, SAME.replace("12", "21")))
    other_fact = supports(fact(OTHER, SAME))
    report = Report(supports=kept + edited + other_fact, labels=labels)
    assert report.judged() == ["right"]
    assert report.unjudged() == edited + other_fact


def test_figures_count_each_pair_and_fact_once() -> None:
    one, two = supports(fact(FACT, SAME)), supports(fact(OTHER, SAME, FACT))
    again = supports(fact(FACT, SAME), "d", "the next day")  # the same pair, met again
    labels = {s.key: "right" for s in one + two}
    labels[two[1].key] = "wrong"
    report = Report(clusters=5, clusters_with_facts=3, facts=3, labels=labels)
    report.supports = one + two + again
    report.fact_keys = [[s.key for s in found] for found in (one, two, again)]
    figures = report.to_dict()
    assert (figures["supports"], figures["pairs"]) == (4, 3)
    assert (figures["pairs_labelled"], figures["judged_right"], figures["judged_wrong"]) == (
        3,
        2,
        1,
    )
    assert (figures["facts_right"], figures["facts_judged"]) == (1, 2)
    assert figures["facts_per_cluster"] == 0.6 and figures["unjudged"] == 0
    report.labels = {}
    assert report.to_dict()["facts_judged"] == 0 and report.to_dict()["unjudged"] == 3
    assert [s.cluster for s in report.unjudged()] == ["", "", ""]  # each pair as first met


def test_sample_is_seeded_spread_across_clusters_and_drawn_once() -> None:
    found = [
        Support("d", f"c{c}", f"fact {c}", 2, "o", f"text {c}/{k}")
        for c in range(3)
        for k in range(5)
    ]
    drawn = sample(found + found[:2], 6, seed=1)
    assert drawn == sample(found, 6, seed=1)
    assert len({s.key for s in drawn}) == 6
    assert sorted(s.cluster for s in drawn) == ["c0", "c0", "c1", "c1", "c2", "c2"]
    assert len(sample(found, 100)) == len(found)


def tiny_clusters() -> list[Cluster]:
    flood = [
        "Heavy rain flooded the river town of Elmsford on Sunday. At least 12 people were "
        "killed in the floods, officials said. The governor declared a state of emergency "
        "for the whole county.",
        "Days of heavy rain flooded the town of Elmsford on Sunday. Officials said at least 12 "
        "people were killed in the floods. A local baker opened his shop to feed the "
        "volunteers.",
    ]
    lone = ["A single report with nothing to compare: 7 boats sank on Friday near the harbour."]
    return [
        Cluster("flood", [ClusterDocument(t) for t in flood]),
        Cluster("lone", [ClusterDocument(t) for t in lone]),
    ]


def test_harness_end_to_end_on_a_tiny_cluster(annotator: Annotator) -> None:
    report = evaluate_facts(multinews_cases(tiny_clusters(), "clusters"), annotator=annotator)
    assert report.clusters == 1 and report.clusters_with_facts == 1  # the lone one is skipped
    assert report.facts == len(report.fact_keys) >= 1
    killed = [s for s in report.supports if "12 people were killed" in s.fact]
    assert len(killed) == 1
    assert "12 people were killed" in killed[0].text and killed[0].fact != killed[0].text
    assert report.labels is None and "pairs labelled" not in dict(report.rows())


def test_one_outlets_articles_count_once_unless_their_outlet_is_unnamed(
    annotator: Annotator,
) -> None:
    def cases() -> list[Case]:
        (case,) = multinews_cases(tiny_clusters()[:1], "t17")
        for article in case.articles:
            article.outlet = "cnn"
        return [case]

    assert evaluate_facts(cases(), annotator=annotator).facts == 0
    assert evaluate_facts(t17_as_sources(cases()), annotator=annotator).facts >= 1


def test_command_writes_supports_then_reads_their_judgements(tmp_path: Path) -> None:
    data = tmp_path / "tiny.jsonl"
    lines = [
        {"id": c.id, "documents": [{"text": d.text} for d in c.documents]} for c in tiny_clusters()
    ]
    data.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    out = tmp_path / "supports.jsonl"
    args = ["eval", "facts", str(data), "--dataset", "clusters", "--out", str(out), "--json"]
    result = CliRunner().invoke(cli.app, [*args, "--labelled", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(written) == figures["pairs"] >= 1
    assert all(w["judgement"] == "" and w["fact"] and w["text"] and w["outlet"] for w in written)
    # judge them all right: a rerun meets every label and writes nothing left to judge
    judged = write(tmp_path / "judged.jsonl", [w | {"judgement": "right"} for w in written])
    result = CliRunner().invoke(cli.app, [*args, "--labelled", str(judged)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["judged_right"] == figures["pairs"] and figures["unjudged"] == 0
    assert figures["right_share"] == 1.0 and out.read_text(encoding="utf-8") == ""
    broken = write(tmp_path / "broken.jsonl", [written[0] | {"judgement": "yes"}])
    result = CliRunner().invoke(cli.app, [*args, "--labelled", str(broken)])
    assert result.exit_code == 2


def test_judged_sample_is_complete() -> None:
    lines = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    assert len(lines) >= 150
    assert all(line["judgement"] in ("right", "wrong") and line["reason"] for line in lines)
    assert all(line.get("kind") for line in lines if line["judgement"] == "wrong")
    assert {line["dataset"] for line in lines} == {"multinews", "t17"}
    assert len(read_labelled(LABELLED)) == len(lines)  # one line a pair
