"""The command line as a whole: what `--help` loads, the eval options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsweave
from newsweave import cli

runner = CliRunner()
SOURCES = str(Path(newsweave.__file__).resolve().parents[1])

EVALUATION = ("newsweave.evaluate", "sumy", "rouge_score", "tilse", "textacy")
WEB = ("newsweave.web", "fastapi", "uvicorn")
HEAVY = ("spacy", "sklearn", "trafilatura", "httpx")
"""What a command loads when it runs, and `--help` has no use for."""


def modules_loaded_by(*args: str) -> list[str]:
    """The modules a fresh interpreter holds after `newsweave ARGS`."""
    code = (
        "import json, sys\n"
        "from newsweave.cli import app\n"
        f"sys.argv = ['newsweave', *{list(args)!r}]\n"
        "try:\n"
        "    app()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": SOURCES, "COLUMNS": "120"},
    )
    assert "Usage" in done.stdout
    return json.loads(done.stderr.strip().splitlines()[-1])


def loaded(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)]


@pytest.mark.parametrize("args", [["--help"], ["ingest", "--help"], ["eval", "dates", "--help"]])
def test_help_loads_neither_evaluation_nor_web_stack(args: list[str]) -> None:
    modules = modules_loaded_by(*args)
    assert "newsweave.cli.evaluate" in modules  # every group is registered ...
    assert loaded(modules, EVALUATION) == []  # ... without what its commands run
    assert loaded(modules, WEB) == []
    assert loaded(modules, HEAVY) == []


def test_summary_systems_named_for_the_help_are_the_harness_systems() -> None:
    from newsweave.cli.evaluate import SUMMARY_SYSTEMS
    from newsweave.evaluate.summarize import SYSTEMS

    assert SUMMARY_SYSTEMS == SYSTEMS


def test_commands_in_help_order() -> None:
    result = runner.invoke(cli.app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    names = ["ingest", "digest", "stories", "show", "timeline", "serve", "fetch", "watch", "eval"]
    lines = [line.strip("│ ").split(" ")[0] for line in result.output.splitlines()]
    assert [line for line in lines if line in names] == names


# ---- eval options ----


TIMEML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>wsj_0001</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-02-13" functionInDocument="CREATION_TIME">02/13/1998</TIMEX3></DCT>
<TEXT>
The board met <TIMEX3 tid="t1" type="DATE" value="1998-02-12">yesterday</TIMEX3> and will vote
<TIMEX3 tid="t2" type="DATE" value="1998-03">in March</TIMEX3>; the plan dates from
<TIMEX3 tid="t3" type="DATE" value="1989-WXX">a week in 1989</TIMEX3>.
</TEXT>
</TimeML>
"""


@pytest.fixture
def timeml(tmp_path: Path) -> Path:
    (tmp_path / "wsj_0001.tml").write_text(TIMEML, encoding="utf-8")
    return tmp_path


def test_eval_dates_default_output_has_one_table(timeml: Path) -> None:
    result = runner.invoke(cli.app, ["eval", "dates", str(timeml)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "DATE value accuracy on 3 TIMEX3" in result.stdout
    assert "Recognition + normalisation" not in result.stdout
    as_json = runner.invoke(cli.app, ["eval", "dates", str(timeml), "--json"])
    report = json.loads(as_json.stdout)
    assert report["expressions"] == 3 and "end_to_end" in report and "misses" not in report


def test_eval_dates_end_to_end_table_and_misses(timeml: Path) -> None:
    args = ["eval", "dates", str(timeml), "--end-to-end", "--errors", "5"]
    result = runner.invoke(cli.app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Recognition + normalisation" in result.stdout
    assert "span + value" in result.stdout
    assert "'a week in 1989': gold 1989-WXX, got" in result.stdout
    as_json = runner.invoke(cli.app, ["eval", "dates", str(timeml), "--json", "--errors", "1"])
    (miss,) = json.loads(as_json.stdout)["misses"]
    assert miss["text"] == "a week in 1989" and miss["gold"] == "1989-WXX"
