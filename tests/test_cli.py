"""The command line as a whole: what `--help` loads, the logging switch, the eval options,
and the commands that read a database (missing ones, id prefixes, listings, one story)."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner, Result

import newsweave
from factories import SEEDS, cite, make_article, make_story, split_sentences
from newsweave import cli
from newsweave.cli.logs import HANDLER, LOGGER, configure_logging, log_level
from newsweave.fetch import FetchSettings, PoliteClient
from newsweave.model import (
    Disagreement,
    Fact,
    StoryEntity,
    StoryQuote,
    TimelineEvent,
    Version,
)
from newsweave.store import Store, open_store

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
    from newsweave.cli.evaluate import SUMMARY_SYSTEMS, UPDATE_SYSTEMS
    from newsweave.evaluate import summarize, update

    assert SUMMARY_SYSTEMS == summarize.SYSTEMS
    assert UPDATE_SYSTEMS == update.SYSTEMS


def test_commands_in_help_order() -> None:
    result = runner.invoke(cli.app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    names = ["ingest", "digest", "stories", "show", "timeline", "serve", "fetch", "watch", "eval"]
    lines = [line.strip("│ ").split(" ")[0] for line in result.output.splitlines()]
    assert [line for line in lines if line in names] == names


# ---- logging ----


@pytest.fixture
def clean_logger() -> Iterator[logging.Logger]:
    """The `newsweave` logger, given back without the command line's handler and level."""
    logger = logging.getLogger(LOGGER)
    level = logger.level
    yield logger
    for handler in [h for h in logger.handlers if h.get_name() == HANDLER]:
        logger.removeHandler(handler)
    logger.setLevel(level)


def speaking_app() -> typer.Typer:
    """The root callback of `newsweave` over one command that logs at every level."""
    app = typer.Typer()
    app.callback()(cli.main)

    @app.command()
    def speak() -> None:
        log = logging.getLogger("newsweave.x")
        log.debug("a debug record")
        log.info("an info record")
        log.warning("a warning record")

    return app


@pytest.mark.parametrize(
    ("args", "env", "shown"),
    [
        ([], {}, ["warning"]),
        (["-v"], {}, ["info", "warning"]),
        (["-vv"], {}, ["debug", "info", "warning"]),
        (["--verbose"], {"NEWSWEAVE_LOG": "error"}, ["info", "warning"]),
        ([], {"NEWSWEAVE_LOG": "debug"}, ["debug", "info", "warning"]),
        ([], {"NEWSWEAVE_LOG": "INFO"}, ["info", "warning"]),
        ([], {"NEWSWEAVE_LOG": "error"}, []),
    ],
)
def test_verbosity_and_environment_set_the_level(
    clean_logger: logging.Logger, args: list[str], env: dict[str, str], shown: list[str]
) -> None:
    result = runner.invoke(speaking_app(), [*args, "speak"], env={"NEWSWEAVE_LOG": "", **env})
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    records = {"debug": "a debug record", "info": "an info record", "warning": "a warning record"}
    printed = [level for level, text in records.items() if text in result.stderr]
    assert printed == shown
    if shown:
        assert "newsweave.x: a warning record" in result.stderr.replace("WARNING ", "")


def test_unknown_level_in_the_environment_warns_and_keeps_warnings(
    clean_logger: logging.Logger,
) -> None:
    result = runner.invoke(speaking_app(), ["speak"], env={"NEWSWEAVE_LOG": "loud"})
    assert result.exit_code == 0
    assert "NEWSWEAVE_LOG='loud' names no level" in result.stderr
    assert "a warning record" in result.stderr and "an info record" not in result.stderr


def test_log_level() -> None:
    assert log_level(0, None) == logging.WARNING
    assert log_level(0, " Debug ") == logging.DEBUG
    assert log_level(1, "error") == logging.INFO
    assert log_level(3, None) == logging.DEBUG
    with pytest.raises(ValueError, match="names no level"):
        log_level(0, "verbose")


def test_configuring_twice_keeps_one_handler(clean_logger: logging.Logger) -> None:
    from rich.console import Console

    configure_logging(logging.INFO, Console())
    logger = configure_logging(logging.DEBUG, Console())
    assert [h.get_name() for h in logger.handlers].count(HANDLER) == 1
    assert logger.level == logging.DEBUG


def test_fetch_logs_requests_redirects_robots_and_waits(
    clean_logger: logging.Logger, caplog: pytest.LogCaptureFixture
) -> None:
    robots = "User-agent: *\nDisallow: /private\nCrawl-delay: 3\n"

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text=robots)
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        return httpx.Response(200, html="<html><body>page</body></html>")

    now = [0.0]
    caplog.set_level(logging.DEBUG, logger="newsweave.fetch")
    with PoliteClient(
        FetchSettings(),
        transport=httpx.MockTransport(answer),
        clock=lambda: now[0],
        sleep=lambda s: now.__setitem__(0, now[0] + s),
    ) as client:
        client.get("http://news.example/old")
        client.get("http://news.example/private/page")
    messages = [r.getMessage() for r in caplog.records]
    assert f"GET http://news.example/robots.txt: HTTP 200, {len(robots)} bytes" in messages
    assert "robots.txt of http://news.example: rules read, 3 s between requests" in messages
    assert "news.example: 3 s between requests, as the host asks" in messages
    assert "GET http://news.example/old: redirected to http://news.example/new" in messages
    assert "waiting 3.00 s before the next request to news.example" in messages
    assert "GET http://news.example/new: HTTP 200, 30 bytes" in messages
    assert any(m.startswith("not fetching http://news.example/private/page") for m in messages)


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


def test_stored_text_that_looks_like_markup_is_printed_as_it_is(tmp_path: Path) -> None:
    """Titles, outlets and reasons reach the terminal as written: "[/]" in a stored title (or
    in a date a reader drops with a warning) is text, not rich markup that ends the command."""
    body = " ".join(["Putin met Assad in Sochi on Thursday to talk about Syria."] * 8)
    jsonl = tmp_path / "markup.jsonl"
    rows = [
        {"text": body, "title": "Headline [/] here [bold]", "outlet": "[red]Outlet[/red]"},
        {"text": body.replace("Sochi", "Moscow"), "published": "[/]"},
    ]
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db, out = str(tmp_path / "m.db"), str(tmp_path / "report")

    ingested = runner.invoke(cli.app, ["ingest", str(jsonl), "--db", db, "--no-summarise"])
    assert ingested.exit_code == 0, ingested.output
    assert "[/]" in ingested.output
    for args in (["stories"], ["timeline", "Putin"], ["digest", str(jsonl), "--out", out]):
        result = runner.invoke(cli.app, [*args, "--db", db])
        assert result.exit_code in (0, 1), result.output
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), result.exception
    listing = runner.invoke(cli.app, ["stories", "--db", db], env={"COLUMNS": "250"}).output
    assert "Headline [/] here [bold]" in listing
    report = runner.invoke(cli.app, ["report", "--db", db, "--out", out], env={"COLUMNS": "250"})
    assert "Headline [/] here [bold]" in report.output  # its table names the stories
    listed = json.loads(runner.invoke(cli.app, ["stories", "--db", db, "--json"]).stdout)
    marked = next(s["id"] for s in listed["stories"] if "[red]Outlet[/red]" in s["outlets"])
    shown = runner.invoke(cli.app, ["show", marked, "--db", db], env={"COLUMNS": "250"})
    assert "[red]Outlet[/red]" in shown.output
    assert (tmp_path / "report" / "stories.json").exists()


# ---- reading a database: missing ones, prefixes, listings, one story ----

SOCHI, MOSCOW, REGATTA = "abc0000sochi0", "abc000moscow", "f0000regatta"


def _build(store: Store) -> None:
    """Three stories: a Sochi story with every analysis section (a disagreement, a quote
    whose cue is "tell"), a Moscow story whose id starts as the Sochi one's, a regatta."""
    dw, k24, mt = (
        make_article(
            f"Assad met Putin in Sochi on Thursday. {name} says the talks lasted {hours} hours.",
            source=f"{name}.txt",
            split=split_sentences,
            title=f"Assad meets Putin ({name})",
            outlet=outlet,
            published=date(2018, 5, 18),
        )
        for name, outlet, hours in (
            ("dw", "DW", "three"),
            ("k24", "Kurdistan 24", "four"),
            ("mt", "The Moscow Times", "three"),
        )
    )
    moscow = make_article(
        "Putin received Assad in Moscow in October 2015.",
        split=split_sentences,
        title="Assad meets with Putin in Moscow",
        outlet="The Moscow Times",
        published=date(2015, 10, 21),
    )
    regatta = make_article(
        "The harbour regatta drew a record crowd. Boats sailed.",
        split=split_sentences,
        title="Regatta crowd",
        outlet="Harbour Post",
        published=date(2020, 1, 5),
    )
    store.add_articles([dw, k24, mt, moscow, regatta])
    putin = StoryEntity("Vladimir Putin", "PERSON", ["Putin"], [dw.id], 3, 2.0)
    sochi = make_story(
        dw,
        k24,
        mt,
        id=SOCHI,
        title="Assad meets Putin in Sochi",
        event_date=date(2018, 5, 17),
        summary=[cite(dw, 0, k24, mt)],
        entities=[StoryEntity("Bashar al-Assad", "PERSON", ["Assad"], [dw.id], 4, 3.0), putin],
        facts=[
            Fact(
                "Assad met Putin in Sochi on Thursday.",
                ["DW", "Kurdistan 24"],
                [dw.id, k24.id],
                2,
                ["DW", "Kurdistan 24"],
            ),
            Fact("A third outlet's fact.", ["The Moscow Times"], [mt.id], 1, ["Reuters"]),
        ],
        disagreements=[
            Disagreement(
                "number (hours)",
                "number",
                [
                    Version("DW", dw.id, dw.sentences[1].text, "three"),
                    Version("Kurdistan 24", k24.id, k24.sentences[1].text, "four"),
                ],
            )
        ],
        quotes=[
            StoryQuote(
                "the talks went well", "Dmitry Peskov", "tell", ["DW", "Kurdistan 24"], [dw.id]
            )
        ],
        timeline=[
            TimelineEvent(date(2015, 10, 1), "month", "Assad's visit to Moscow", ["DW"], [dw.id]),
            TimelineEvent(date(2018, 5, 17), "day", "Talks in Sochi", ["DW"], [dw.id], SOCHI),
        ],
    )
    store.replace_stories(
        [
            sochi,
            make_story(
                moscow,
                id=MOSCOW,
                title="Assad meets with Putin in Moscow",
                event_date=date(2015, 10, 20),
                summary=[cite(moscow, 0)],
                entities=[putin],
            ),
            make_story(
                regatta,
                id=REGATTA,
                title="Regatta crowd",
                event_date=date(2020, 1, 5),
                summary=[cite(regatta, 0)],
            ),
        ]
    )


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "stories.db"
    with open_store(path) as store:
        _build(store)
    return str(path)


def invoke(*args: str) -> Result:
    return runner.invoke(cli.app, list(args), env={"COLUMNS": "200"})


@pytest.mark.parametrize(
    "args",
    [
        ["stories"],
        ["show", "abc"],
        ["timeline", "Putin"],
        ["serve"],
        ["export", "out.jsonl"],
        ["report", "--out", "report"],
        ["check"],
    ],
)
def test_reading_commands_refuse_a_missing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """A mistyped --db is named, and no empty database (nor anything else) is left behind."""
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "mistyped.db"
    result = invoke(*args, "--db", str(missing))
    assert result.exit_code == 2, result.output
    assert f"{missing}: no such database" in result.output
    assert list(tmp_path.iterdir()) == []


def test_ingest_creates_the_database(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    result = invoke("ingest", str(tmp_path / "nothing.jsonl"), "--db", str(db))
    assert db.exists(), result.output


def test_an_ambiguous_prefix_lists_the_stories_it_could_mean(stored: str) -> None:
    for args in (["show", "abc"], ["timeline", "abc0"]):
        result = invoke(*args, "--db", stored)
        assert result.exit_code == 1, result.output
        assert "'abc" in result.output and "starts 2 story ids" in result.output
        lines = {line.split()[0]: line for line in result.output.splitlines() if line}
        assert "2018-05-17" in lines[SOCHI] and "Assad meets Putin in Sochi" in lines[SOCHI]
        assert "2015-10-20" in lines[MOSCOW] and "in Moscow" in lines[MOSCOW]
        assert REGATTA not in result.output
    unique = invoke("show", "abc0000s", "--db", stored)
    assert unique.exit_code == 0 and "Assad meets Putin in Sochi" in unique.output
    missing = invoke("show", "abd", "--db", stored)
    assert missing.exit_code == 1 and "no story 'abd'" in missing.output


def test_show_lays_the_story_out_for_a_terminal(stored: str) -> None:
    result = invoke("show", SOCHI, "--db", stored)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Assad meets Putin in Sochi" in out and f"story {SOCHI}" in out
    assert "2018-05-17 · 3 articles from DW, Kurdistan 24, The Moscow Times" in out
    for section in ("Summary", "Facts", "Where outlets disagree", "Quotes", "Entities"):
        assert f"\n{section}\n" in out
    assert "[DW, Kurdistan 24, The Moscow Times]" in out  # the summary's citations
    assert "●●○ 2/3" in out and "●○○ 1/3" in out  # corroboration of each fact
    values = next(line for line in out.splitlines() if "three" in line and "four" in line)
    assert values.index("three") < values.index("four")  # the versions side by side
    quote = next(line for line in out.splitlines() if "the talks went well" in line)
    assert "Dmitry Peskov" in quote and "tell" not in quote.replace("talks", "")
    assert "Bashar al-Assad" in out and "Assad's visit to Moscow" in out
    assert "|---|" not in out and "###" not in out  # no raw Markdown
    assert "\x1b[" not in out  # piped: plain text, no colour codes
    assert "│" in out or "┃" in out  # tables


def test_show_keeps_the_markdown_and_json_forms(stored: str) -> None:
    markdown = invoke("show", SOCHI, "--db", stored, "--format", "markdown")
    assert markdown.exit_code == 0 and "### Summary" in markdown.output
    assert "| speaker | quote | outlets | variants |" in markdown.output
    as_json = invoke("show", SOCHI, "--db", stored, "--format", "json")
    assert json.loads(as_json.stdout)["id"] == SOCHI


def test_stories_lists_newest_first_with_limit_and_filters(stored: str) -> None:
    table = invoke("stories", "--db", stored)
    assert table.exit_code == 0, table.output
    rows = [line for line in table.output.splitlines() if SOCHI in line or REGATTA in line]
    assert REGATTA in rows[0] and SOCHI in rows[1]  # newest event first
    assert re.search(rf"{SOCHI} │ 2018-05-17 │\s+3 │\s+3 │ Assad meets Putin in Sochi", rows[1])

    def listed(*args: str) -> dict:
        result = invoke("stories", "--db", stored, "--json", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def ids(*args: str) -> list[str]:
        return [s["id"] for s in listed(*args)["stories"]]

    assert ids() == [REGATTA, SOCHI, MOSCOW]
    first = listed("--limit", "1")
    assert [s["id"] for s in first["stories"]] == [REGATTA] and first["total"] == 3
    assert ids("--since", "2016-01-01") == [REGATTA, SOCHI]
    assert ids("--until", "2018-05-17") == [SOCHI, MOSCOW]
    assert ids("--entity", "vladimir putin") == [SOCHI, MOSCOW]
    assert ids("--outlet", "Kurdistan 24") == [SOCHI]
    assert ids("--entity", "Vladimir Putin", "--since", "2016-01-01") == [SOCHI]
    limited = invoke("stories", "--db", stored, "--limit", "2")
    assert "2 of 3 stories" in limited.output and MOSCOW not in limited.output


def test_stories_limit_0_reads_every_story_a_page_at_a_time(
    stored: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsweave.cli import listing

    monkeypatch.setattr(listing, "STORIES_PER_READ", 2)
    result = invoke("stories", "--db", stored, "--json", "--limit", "0")
    assert [s["id"] for s in json.loads(result.stdout)["stories"]] == [REGATTA, SOCHI, MOSCOW]


def test_stories_json_has_the_fields_of_the_api_list(stored: str) -> None:
    with warnings.catch_warnings():  # Starlette's test client would rather have httpx2
        warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    from newsweave.web import create_app

    with TestClient(create_app(Path(stored))) as client:
        api = client.get("/api/stories", params={"entity": "Vladimir Putin"}).json()
    result = invoke("stories", "--db", stored, "--json", "--entity", "Vladimir Putin")
    listed = json.loads(result.stdout)
    assert listed["stories"] == api["stories"]
    assert set(api) - set(listed) == {"page", "per_page"} and set(listed) - set(api) == {"limit"}


def test_importing_the_command_line_loads_no_heavy_module() -> None:
    """`newsweave --help` costs what `import newsweave.cli` costs: no NLP, data frame, web
    or store module may load with it."""
    heavy = ("spacy", "fastapi", "sklearn", "pandas", "numpy", "newsweave.store")
    code = "import json, sys, newsweave.cli; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": SOURCES},
    )
    assert loaded(json.loads(done.stdout), heavy) == []


def test_digest_prints_each_stage_with_its_time_and_honest_counts(tmp_path: Path) -> None:
    """A closing line per stage (reading, clustering, parsing, summarising, storylines) with
    its count and time; the bars themselves stay off output that is not a terminal."""
    db, out = str(tmp_path / "n.db"), str(tmp_path / "report")
    result = runner.invoke(cli.app, ["digest", str(SEEDS), "--db", db, "--out", out])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if " s" in line]
    expected = [
        r"read 5 articles: 5 new, 0 already stored in [\d.]+ s",
        r"clustered 5 new articles: 2 stories new or changed in [\d.]+ s",
        r"parsed 5 articles \(sentences, entities, quotes\) in [\d.]+ s",
        r"2 stories summarised and analysed \(2 new or changed\) in [\d.]+ s",
        r"linked 2 stories into storylines in [\d.]+ s",
    ]
    assert len(lines) >= len(expected)
    for pattern, line in zip(expected, lines, strict=False):
        assert re.match(pattern, line), (pattern, line)
    assert "━" not in result.stderr and "eta" not in result.output
    again = runner.invoke(cli.app, ["digest", str(SEEDS), "--db", db, "--out", out])
    assert "read 5 articles: 0 new, 5 already stored" in again.output
    assert "0 stories summarised and analysed (0 new or changed)" in again.output


def test_many_sources_skipped_for_one_reason_are_named_five_then_counted(tmp_path: Path) -> None:
    """A folder of a crawler's metadata beside its pages names five and counts the rest; -v
    names every one."""
    folder = tmp_path / "crawl"
    folder.mkdir()
    for n in range(7):
        (folder / f"outlet{n}.json").write_text('{"V1": {"body": {}}}', encoding="utf-8")
    db = str(tmp_path / "s.db")
    quiet = runner.invoke(cli.app, ["ingest", str(folder), "--db", db, "--no-summarise"])
    named = [line for line in quiet.output.splitlines() if line.startswith("skipped /")]
    assert len(named) == 5 and "missing required field 'text'" in named[0]
    assert "skipped 2 more sources: missing required field 'text' (-v names each)" in quiet.output
    loud = runner.invoke(cli.app, ["-v", "ingest", str(folder), "--db", db, "--no-summarise"])
    assert sum(line.startswith("skipped /") for line in loud.output.splitlines()) == 7
