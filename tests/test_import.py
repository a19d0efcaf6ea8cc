"""`newsweave import` loads a corpus of Parquet tables (written here with pyarrow alone,
`tables_helpers`) into a database that every command reads unchanged, adding nothing when run
again; `newsweave report` writes the report of any database."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factories import SEEDS, seed_path
from newsweave import cli
from newsweave.app.pipeline import build_stories, ingest
from newsweave.model import Story
from newsweave.store import open_store
from tables_helpers import store_tables, write_tables

runner = CliRunner()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds ingested and summarised with the analysis (`source.db`), and their tables
    (`tables/`) in the same folder."""
    folder = tmp_path_factory.mktemp("source")
    with open_store(folder / "source.db") as store:
        ingest([SEEDS], store)
        build_stories(store)
        store_tables(folder / "tables", store)
    return folder


@pytest.fixture
def tables(source: Path, tmp_path: Path) -> Path:
    """A copy of the source's tables, for a test to damage."""
    return Path(shutil.copytree(source / "tables", tmp_path / "tables"))


def invoke(*args: str) -> Any:
    return runner.invoke(cli.app, list(args), env={"COLUMNS": "300"})


def stories_of(db: Path) -> list[Story]:
    with open_store(db) as store:
        return store.stories()


def essence(story: Story) -> tuple[Any, ...]:
    return (
        story.id,
        [a.id for a in story.articles],
        story.title,
        story.event_date,
        story.summary,
        story.facts,
        story.quotes,
        story.storyline,
        story.timeline,
    )


def test_import_loads_the_stories_as_stored(source: Path, tmp_path: Path) -> None:
    db = tmp_path / "imported.db"
    result = invoke("import", str(source / "tables"), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert f"imported 5 articles, 2 stories from {source / 'tables'} (0 already stored)" in (
        result.output
    )
    expected = stories_of(source / "source.db")
    assert any(s.facts for s in expected) and any(s.quotes for s in expected)
    assert [essence(s) for s in stories_of(db)] == [essence(s) for s in expected]
    checked = invoke("check", "--db", str(db))
    assert checked.exit_code == 0, checked.output
    with open_store(db) as store, open_store(source / "source.db") as original:
        assert [a.id for a in store.articles()] == [a.id for a in original.articles()]
        assert store.stale_stories(10) == []
        assert store.unclustered(10) == []
        documents, df = store.document_frequencies(["putin"])
        assert documents == 5 and df["putin"] >= 2


def test_a_second_import_adds_nothing(source: Path, tmp_path: Path) -> None:
    db = tmp_path / "imported.db"
    assert invoke("import", str(source / "tables"), "--db", str(db)).exit_code == 0
    with open_store(db) as store:
        frequencies = store.document_frequencies(["putin", "assad"])
    again = invoke("import", str(source / "tables"), "--db", str(db))
    assert again.exit_code == 0, again.output
    assert "imported 0 articles, 2 stories" in again.output
    assert "(5 already stored)" in again.output
    with open_store(db) as store:
        assert store.article_count() == 5
        assert store.document_frequencies(["putin", "assad"]) == frequencies
        assert store.check() == []
    assert [essence(s) for s in stories_of(db)] == [
        essence(s) for s in stories_of(source / "source.db")
    ]


def test_an_article_in_another_story_stays_there(source: Path, tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with open_store(db) as store:
        ingest([seed_path("000")], store)
        (before,) = store.stories()
    result = invoke("import", str(source / "tables"), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "(1 already stored)" in result.output
    assert "stored without them" in result.output
    with open_store(db) as store:
        assert store.check() == []
        owners = [a.id for s in store.stories() for a in s.articles]
        assert sorted(owners) == sorted(a.id for a in store.articles())  # each in one story
        assert store.story_ids_of([before.articles[0].id]) == {before.articles[0].id: before.id}
        assert store.stale_stories(10)  # the story left without it waits to be summarised


def test_the_input_errors_are_counted(source: Path, tmp_path: Path) -> None:
    with open_store(source / "source.db") as store:
        write_tables(
            tmp_path / "tables",
            store.articles(),
            store.stories(),
            errors=[("a.html", "no article text left after cleaning"), ("b.pdf", "unreadable")],
        )
    result = invoke("import", str(tmp_path / "tables"), "--db", str(tmp_path / "n.db"))
    assert result.exit_code == 0, result.output
    assert "could not read 2 inputs" in result.output
    assert "a.html: no article text left after cleaning" in result.output


@pytest.mark.parametrize(
    ("remove", "named"),
    [
        ("run.json", ""),
        ("articles/_SUCCESS", "articles"),
        ("terms", ""),
    ],
)
def test_an_incomplete_folder_is_refused(
    tables: Path, tmp_path: Path, remove: str, named: str
) -> None:
    target = tables / remove
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    db = tmp_path / "n.db"
    result = invoke("import", str(tables), "--db", str(db))
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert str(tables / named).rstrip("/") in message
    assert remove.split("/")[-1] in message
    assert not db.exists()


def test_without_pyarrow_the_import_says_what_to_install(
    tables: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # the import then fails
    db = tmp_path / "n.db"
    result = invoke("import", str(tables), "--db", str(db))
    assert result.exit_code == 2
    assert "install newsweave[spark]" in " ".join(result.output.split())
    assert not db.exists()


def test_report_writes_every_stored_story(source: Path, tmp_path: Path) -> None:
    db = tmp_path / "imported.db"
    assert invoke("import", str(source / "tables"), "--db", str(db)).exit_code == 0
    out = tmp_path / "report"
    result = invoke("report", "--db", str(db), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} >= {"index.html", "stories.md", "stories.json"}
    written = json.loads((out / "stories.json").read_text(encoding="utf-8"))
    assert "d6201c6d0a3d" in json.dumps(written)
    assert len(stories_of(db)) == 2


def test_report_summarises_stale_stories_first(source: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    with open_store(db) as store:
        ingest([SEEDS], store)  # clustered, not summarised
        assert store.stale_stories(10)
    result = invoke("report", "--db", str(db), "--out", str(tmp_path / "report"))
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        assert store.stale_stories(10) == []
        assert all(s.summary for s in store.stories())


def test_report_of_no_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    result = invoke("report", "--db", str(db), "--out", str(tmp_path / "report"))
    assert result.exit_code == 2
    assert f"{db}: no such database" in " ".join(result.output.split())
    assert not db.exists()
