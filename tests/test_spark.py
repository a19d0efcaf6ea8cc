"""The Spark job end to end, in local mode (`local[2]`): the same stories, summaries, facts
and quotes as the embedded engine on the seeds; bad input as error rows; incremental runs
that add and never duplicate; a Python worker killed mid-job; the tables imported into a
database that `check` finds consistent.

One Spark session serves the module (starting one takes seconds); the runs on the seeds are
shared through module fixtures.
"""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factories import SEEDS, seed_path
from newsweave import cli
from newsweave.app.pipeline import build_stories, ingest
from newsweave.contract import story_to_dict
from newsweave.model import Story
from newsweave.store import open_store
from newsweave.tables import article_from_record, story_from_row

pytest.importorskip("pyspark")
pa = pytest.importorskip("pyarrow.parquet")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java 17 (make test installs it)", allow_module_level=True)

from newsweave.spark.digest import SparkRunReport, spark_digest  # noqa: E402
from newsweave.spark.output import OutputError  # noqa: E402
from newsweave.spark.session import start  # noqa: E402

MASTER = "local[2]"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = start(MASTER)
    yield session
    session.stop()


def run(spark: Any, inputs: list[Path], out: Path, **options: Any) -> SparkRunReport:
    return spark_digest(spark, [str(p) for p in inputs], str(out), partitions=2, **options)


def tables(out: Path) -> tuple[list[dict], dict[frozenset[str], Story], list[dict]]:
    """The articles rows, the stories by their member sets, and the errors rows."""
    articles = pa.read_table(out / "articles").to_pylist()
    by_id = {r["id"]: article_from_record(r["record"]) for r in articles}
    stories = [story_from_row(r, by_id) for r in pa.read_table(out / "stories").to_pylist()]
    errors = pa.read_table(out / "errors").to_pylist()
    return articles, {frozenset(a.id for a in s.articles): s for s in stories}, errors


def as_compared(story: Story) -> dict:
    return story_to_dict(story)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> dict[frozenset[str], Story]:
    with open_store(tmp_path_factory.mktemp("embedded") / "seeds.db") as store:
        ingest([SEEDS], store)
        build_stories(store)
        return {frozenset(a.id for a in s.articles): s for s in store.stories()}


def python_workers() -> list[int]:
    """The pids of PySpark's forked Python workers (children of the daemon)."""
    daemons, children = set(), {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"spark.daemon" in command:  # pyspark.daemon, or newsweave.spark.daemon
            daemons.add(int(entry.name))
            children[int(entry.name)] = parent
    return [pid for pid, parent in children.items() if parent in daemons]


def run_killing_workers(spark: Any, inputs: list[Path], out: Path) -> tuple[SparkRunReport, int]:
    """A run during which Python workers are killed (SIGKILL, as the kernel's out-of-memory
    killer does), two in all, a second apart; the run's report and how many were killed."""
    done: dict[str, Any] = {}
    job = threading.Thread(target=lambda: done.update(report=run(spark, inputs, out)))
    job.start()
    killed = 0
    while job.is_alive() and killed < 2:
        for pid in python_workers()[:1]:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        time.sleep(1.0)
    job.join()
    return done["report"], killed


Run = tuple[Path, SparkRunReport, int]
"""A run's output folder, its report, and how many Python workers were killed during it."""


@pytest.fixture(scope="module")
def seeds_out(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The seeds' run; Python workers are killed while it runs (see the test of that)."""
    out = tmp_path_factory.mktemp("spark") / "seeds"
    return (out, *run_killing_workers(spark, [SEEDS], out))


def test_seeds_give_the_embedded_engines_stories(
    seeds_out: Run, embedded: dict[frozenset[str], Story]
) -> None:
    out, report, _ = seeds_out
    articles, stories, errors = tables(out)
    assert (report.read, report.added, report.articles, report.errors) == (5, 5, 5, 0)
    assert sorted(r["ordinal"] for r in articles) == sorted({r["ordinal"] for r in articles})
    assert set(stories) == set(embedded)
    for members, story in stories.items():
        # ids, titles, summaries with their citations, facts, disagreements, quotes,
        # entities, coverage, storylines and timelines: everything
        assert as_compared(story) == as_compared(embedded[members])
    assert errors == []
    assert (out / "run.json").exists() and not (out / ".next").exists()


def test_the_tables_import_into_a_consistent_database(
    seeds_out: Run, embedded: dict[frozenset[str], Story], tmp_path: Path
) -> None:
    out, _, _ = seeds_out
    db = tmp_path / "imported.db"
    runner = CliRunner()
    result = runner.invoke(cli.app, ["import", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli.app, ["check", "--db", str(db)]).exit_code == 0
    with open_store(db) as store:
        imported = {frozenset(a.id for a in s.articles): s for s in store.stories()}
    assert {k: as_compared(s) for k, s in imported.items()} == {
        k: as_compared(s) for k, s in embedded.items()
    }


def bad_inputs(folder: Path) -> dict[str, str]:
    """A corrupt gzip member, a truncated WARC and an undecodable file; what each is."""
    folder.mkdir()
    good = gzip.compress(b'{"text": "' + b"A sentence of news about the port. " * 20 + b'"}\n')
    corrupt = bytearray(good)
    corrupt[20:40] = bytes(20)  # inside the deflate data
    (folder / "broken.jsonl.gz").write_bytes(bytes(corrupt))
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://paper.example/a\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: 5000\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Cut off"
    )
    (folder / "cut.warc").write_bytes(record)
    (folder / "noise.txt").write_bytes(bytes(range(256)) * 8)
    return {"broken.jsonl.gz": "gzip", "cut.warc": "warc", "noise.txt": "binary"}


@pytest.fixture(scope="module")
def grown(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Four 2018 seeds in a first run; then, incrementally, every seed and bad files."""
    folder = tmp_path_factory.mktemp("grown")
    out = folder / "tables"
    first = run(spark, [seed_path(n) for n in ("000", "001", "002", "003")], out)
    _, before, _ = tables(out)
    bad = bad_inputs(folder / "bad")
    second = run(spark, [SEEDS, folder / "bad"], out, incremental=True)
    return {"out": out, "first": first, "before": before, "second": second, "bad": bad}


def test_incremental_runs_add_what_is_new(grown: dict[str, Any], seeds_out: Run) -> None:
    first, second, bad = grown["first"], grown["second"], grown["bad"]
    assert (first.added, first.stories) == (4, 1)
    # the 2015 report is new; the four read before are duplicates
    assert (second.added, second.duplicates, second.articles) == (1, 4, 5)
    assert second.errors == len(bad)
    articles, stories, errors = tables(grown["out"])
    assert len({r["id"] for r in articles}) == len(articles) == 5
    _, full, _ = tables(seeds_out[0])
    assert {k: as_compared(s) for k, s in stories.items()} == {
        k: as_compared(s) for k, s in full.items()
    }
    # the 2018 story kept its id and its analysis: only the new 2015 story was analysed
    (meeting,) = grown["before"].values()
    assert stories[frozenset(a.id for a in meeting.articles)].id == meeting.id
    assert second.analysed == 1
    assert sorted(Path(e["source"]).name for e in errors) == sorted(bad)


def test_an_increment_over_tables_without_their_run_file_is_refused(
    spark: Any, seeds_out: Run, tmp_path: Path
) -> None:
    out = tmp_path / "half"
    shutil.copytree(seeds_out[0], out)
    (out / "run.json").unlink()
    with pytest.raises(OutputError, match=r"without run\.json"):
        run(spark, [SEEDS], out, incremental=True)


def test_uris_are_read_through_spark_and_named_as_given(spark: Any, tmp_path: Path) -> None:
    """A URI Spark's Hadoop reads (here `file://`, the route `hdfs://` and `s3a://` take) is
    listed by Spark and its bytes read by the same readers, a gzipped file too."""
    from newsweave.ingest import IngestError
    from newsweave.spark.inputs import FILE_SPAN, Inputs, _hadoop_files, read_documents

    folder = tmp_path / "remote"
    folder.mkdir()
    lines = b"".join(
        b'{"text": "The harbour reopened on day %d after the storm. Ships came in.", '
        b'"outlet": "Port News"}\n' % n
        for n in range(3)
    )
    (folder / "day.jsonl.gz").write_bytes(gzip.compress(lines))
    (folder / "_hidden").write_bytes(b"not read")
    (folder / "noise.txt").write_bytes(bytes(range(256)) * 8)
    found = _hadoop_files(spark, folder.as_uri())
    assert not isinstance(found, IngestError)
    listed = [name for name, _ in found]
    assert [size for _, size in found] == [(folder / "day.jsonl.gz").stat().st_size, 2048]
    # named as Hadoop spells them ("file:/tmp/...")
    assert [name.rpartition(str(folder))[2] for name in listed] == ["/day.jsonl.gz", "/noise.txt"]
    inputs = Inputs(remote=list(enumerate(listed)))
    items = sorted(read_documents(spark, inputs, 2).collect(), key=lambda oi: oi[0])
    documents = [item for _, item in items if not isinstance(item, IngestError)]
    assert [o for o, _ in items] == [0, 1, 2, FILE_SPAN]
    assert [d.outlet for d in documents] == ["Port News"] * 3
    assert documents[0].source == listed[0] + ":1"
    (error,) = [item for _, item in items if isinstance(item, IngestError)]
    assert error.source == listed[1] and "binary" in error.reason
    missing = _hadoop_files(spark, (folder / "nothing").as_uri())
    assert isinstance(missing, IngestError) and "no such file" in missing.reason


def test_a_killed_python_worker_is_retried_and_costs_nothing(
    seeds_out: Run,
) -> None:
    """The seeds' run lost Python workers mid-job (`run_killing_workers`); Spark ran their
    tasks again, and the tables hold each article once (and the embedded engine's stories:
    the test above)."""
    out, report, killed = seeds_out
    assert killed, "no Python worker was running to kill"
    articles, _, _ = tables(out)
    assert len(articles) == len({r["id"] for r in articles}) == report.articles == 5


def test_the_command_line_adds_nothing_twice(grown: dict[str, Any]) -> None:
    """Last: the command stops the Spark session the module's other tests share.

    The same inputs again, through `newsweave spark digest --incremental`: nothing added,
    nothing analysed, neither an article nor the error of a file read again twice."""
    out = grown["out"]
    bad = out.parent / "bad"
    result = CliRunner().invoke(
        cli.app,
        ["spark", "digest", str(SEEDS), str(bad), "--out", str(out), "--incremental",
         "--master", MASTER, "--partitions", "2"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "0 articles added (5 duplicates" in said and "(0 analysed in this run)" in said
    assert f"{len(grown['bad'])} inputs could not be read" in said
    articles, _, errors = tables(out)
    assert len(articles) == 5 and len(errors) == len(grown["bad"])
