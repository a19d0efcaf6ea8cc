"""Looking after the database: `check` finds what disagrees with itself and `--repair` (and
every clustering run, for story membership) sets it right; `export` writes every article
so that `ingest` can read it back; a re-run says what it summarised."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import SEEDS, make_story, seed_articles
from newsweave import cli
from newsweave.app import pipeline
from newsweave.app.export import export_record
from newsweave.cluster.incremental import cluster_pending
from newsweave.model import RawDocument
from newsweave.store import Store, open_store

runner = CliRunner()


def corrupt(db: Path) -> dict[str, str]:
    """Break every invariant `check` knows (as a crash, concurrent writers of an older
    version or a hand edit would), through SQLite itself; returns the ids involved."""
    raw = sqlite3.connect(db, isolation_level=None)  # foreign keys off, as SQLite's default
    try:
        rows = raw.execute(
            "SELECT story_id, article_id FROM story_articles ORDER BY story_id, position"
        ).fetchall()
        big, small = sorted({s for s, _ in rows}, key=lambda s: -sum(r[0] == s for r in rows))
        members = [a for s, a in rows if s == big]
        ids = {"orphan": members[1], "shared": members[0], "big": big, "small": small}
        raw.execute("DELETE FROM story_articles WHERE article_id = ?", (ids["orphan"],))
        raw.execute("INSERT INTO story_articles VALUES (?, ?, 99)", (small, ids["shared"]))
        raw.execute("INSERT INTO story_articles VALUES (?, 'no-such-article', 98)", (small,))
        raw.execute("UPDATE stories SET outlet_count = 42, last_published = '1999-01-01'")
        raw.execute("DELETE FROM story_outlets WHERE story_id = ?", (small,))
        raw.execute("INSERT INTO stories (id, analysis) VALUES ('emptystory', '{}')")
        raw.execute("INSERT INTO term_postings VALUES ('ghost', 12345)")
        raw.execute("INSERT INTO lsh_bands_recent VALUES (1, 2, 12345)")
        raw.execute("INSERT INTO signatures VALUES (12345, x'00')")
        raw.execute("UPDATE story_search SET title = 'wrong' WHERE rowid = 1")
        raw.execute("INSERT INTO article_search(rowid, title, text) VALUES (777, 'x', 'ghost')")
        kept = (ids["orphan"], ids["shared"], members[2])
        (unclustered,) = raw.execute(
            "SELECT id FROM articles WHERE id NOT IN (?, ?, ?)", kept
        ).fetchone()
        raw.execute("UPDATE articles SET clustered = 0 WHERE id = ?", (unclustered,))
        ids["unclustered"] = unclustered
    finally:
        raw.close()
    return ids


def owners(store: Store) -> dict[str, int]:
    count = {a.id: 0 for a in store.articles()}
    for story in store.stories():
        for article in story.articles:
            count[article.id] += 1
    return count


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """The seeds ingested (two stories) and summarised without the analysis."""
    db = tmp_path / "n.db"
    with open_store(db) as store:
        pipeline.ingest([SEEDS], store)
        pipeline.refresh_stories(store, analyse=False)
    return db


def test_a_consistent_store_checks_clean(seeded: Path) -> None:
    with open_store(seeded) as store:
        assert store.check() == []
        assert store.repair() == []
    result = runner.invoke(cli.app, ["check", "--db", str(seeded)])
    assert result.exit_code == 0, result.output
    assert "consistent (5 articles)" in result.output


def test_check_finds_every_kind_and_repair_sets_it_right_once(seeded: Path) -> None:
    ids = corrupt(seeded)
    with open_store(seeded) as store:
        found = {f.what: f for f in store.check()}
        assert set(found) == {
            "articles in no story",
            "articles in more than one story",
            "unclustered articles in a story",
            "stories without articles",
            "stories with a wrong article count",
            "stories with wrong outlet counts, dates or outlet rows",
            "story rows of unknown stories or articles",
            "term postings of unknown articles",
            "near-duplicate index rows of unknown articles",
            "story search index out of step with the stories",
            "article search index out of step with the articles",
        }
        assert found["articles in no story"].examples == [ids["orphan"]]
        assert found["articles in more than one story"].examples == [ids["shared"]]
        assert found["unclustered articles in a story"].examples == [ids["unclustered"]]
        assert found["stories without articles"].examples == ["emptystory"]
        assert all(f.repairable for f in found.values())

        repaired = store.repair()
        assert {f.what for f in repaired} == set(found)
        assert store.check() == []
        assert store.repair() == []  # idempotent: nothing left to do
        # the articles taken out of stories wait to be clustered, and then each is in one
        waiting = {a.id for a in store.unclustered(10)}
        assert waiting == {ids["orphan"], ids["unclustered"]}
        assert store.story("emptystory") is None
        # the shared article stays in the story stored first; the stories that lost or
        # gained members are stale, to be summarised again
        stale = {s.id for s in store.stale_stories(10)}
        assert ids["small"] in stale
        cluster_pending(store)
        assert set(owners(store).values()) == {1}
        assert store.check() == []


def test_the_cli_reports_then_repairs(seeded: Path) -> None:
    corrupt(seeded)
    result = runner.invoke(cli.app, ["check", "--db", str(seeded)])
    assert result.exit_code == 1
    assert "articles in no story: 1 (e.g. " in result.output
    assert "11 kind(s) of inconsistency" in result.output
    repaired = runner.invoke(cli.app, ["check", "--db", str(seeded), "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert "clustered 2 waiting articles" in repaired.output
    again = runner.invoke(cli.app, ["check", "--db", str(seeded)])
    assert again.exit_code == 0 and "consistent" in again.output


def test_ingest_repairs_story_membership_first(seeded: Path) -> None:
    """An `ingest` on a store left inconsistent (no new article at all) puts every article
    back in exactly one story and recounts the stories."""
    corrupt(seeded)
    result = runner.invoke(cli.app, ["ingest", str(SEEDS), "--db", str(seeded), "--no-summarise"])
    assert result.exit_code == 0, result.output
    with open_store(seeded) as store:
        assert set(owners(store).values()) == {1}
        membership = {
            "articles in no story", "articles in more than one story",
            "unclustered articles in a story", "stories without articles",
            "stories with a wrong article count",
        }  # fmt: skip
        assert not membership & {f.what for f in store.check()}


def test_a_damaged_file_is_reported_as_such(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    with open_store(db) as store:
        pipeline.ingest([SEEDS], store)
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = raw.execute("PRAGMA page_size").fetchone()[0]
    (root,) = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles_by_url'")
    raw.close()
    with db.open("r+b") as file:  # scribble over the keys at the end of the index's page
        file.seek(root[0] * size - 64)
        file.write(b"\x7f" * 48)
    with open_store(db) as store:
        damaged = [f for f in store.check() if not f.repairable]
    assert damaged and damaged[0].what.startswith("damage SQLite finds")


def test_the_missing_database_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["check", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and not (tmp_path / "none.db").exists()


def test_a_rerun_counts_the_stories_it_summarised_for_a_killed_run(tmp_path: Path) -> None:
    """Stories an earlier run left waiting (killed before summarising, or --no-summarise)
    are summarised by the next run, which says so rather than "0 stories"."""
    db = str(tmp_path / "n.db")
    first = runner.invoke(cli.app, ["ingest", str(SEEDS), "--db", db, "--no-summarise"])
    assert "2 stories new or changed, waiting to be summarised" in first.output
    rerun = runner.invoke(cli.app, ["ingest", str(SEEDS), "--db", db])
    assert rerun.exit_code == 0, rerun.output
    assert "0 stories new or changed" in rerun.output
    assert "parsed 5 articles" in rerun.output
    assert (
        "2 stories summarised and analysed (0 new or changed, 2 waiting from before this run)"
        in rerun.output
    )
    again = runner.invoke(cli.app, ["ingest", str(SEEDS), "--db", db])
    assert "0 stories summarised and analysed" in again.output
    assert "parsed" not in again.output


EXPORTED_FIELDS = {
    "text", "title", "url", "outlet", "published", "author", "id", "cleaned", "article_id",
    "source", "format", "credits", "removed", "published_estimated", "language", "title_derived",
    "dateline",
}  # fmt: skip


def test_export_writes_every_article_and_its_metadata(seeded: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli.app, ["export", str(out), "--db", str(seeded)])
    assert result.exit_code == 0, result.output
    assert "exported 5 articles" in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with open_store(seeded) as store:
        stored = store.articles()
    assert [line["article_id"] for line in lines] == [a.id for a in stored]  # storage order
    for line, article in zip(lines, stored, strict=True):
        assert set(line) == EXPORTED_FIELDS
        assert line == export_record(article)
        assert line["text"] == article.text and line["cleaned"] is True
        assert line["id"] == article.external_id and line["source"] == article.source
        assert line["credits"] == article.credits
        assert line["published"] == (article.published.isoformat() if article.published else None)
    assert not list(tmp_path.glob("*.partial"))


def test_export_to_standard_output(seeded: Path) -> None:
    result = runner.invoke(cli.app, ["export", "-", "--db", str(seeded)])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 5


def test_an_export_round_trips_every_article_field(seeded: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    runner.invoke(cli.app, ["export", str(out), "--db", str(seeded)])
    fresh = tmp_path / "fresh.db"
    runner.invoke(cli.app, ["ingest", str(out), "--db", str(fresh), "--no-summarise"])
    derived = ("sentences", "entities", "recognised")  # found again from the text
    with open_store(seeded) as before, open_store(fresh) as after:
        for a, b in zip(before.articles(), after.articles(), strict=True):
            for name in a.__slots__:
                if name not in derived:
                    assert getattr(b, name) == getattr(a, name), name


def test_seed_text_cleaned_again_would_change_an_id() -> None:
    """Why an export marks its text `cleaned`: the cleaner is not idempotent, and an article's
    id derives from its cleaned body."""
    from newsweave.clean import clean_text
    from newsweave.model import article_id

    changed = [a for a in seed_articles().values() if article_id(clean_text(a.text).text) != a.id]
    assert changed


def test_stories_written_whole_leave_a_consistent_store(store: Store) -> None:
    """A full rebuild (`replace_stories`) and new stories saved whole (as the serving
    benchmark builds its stores) mark their members clustered and every other article
    unclustered: the next clustering run neither repeats nor loses them."""
    a, b, c = (seed_articles()[n] for n in ("000", "001", "004"))
    store.add_articles([a, b, c])
    store.replace_stories([make_story(a, b, id="s1")])
    assert store.check() == [] and [x.id for x in store.unclustered(10)] == [c.id]
    store.replace_stories([make_story(a, id="s1")])
    assert store.check() == [] and {x.id for x in store.unclustered(10)} == {b.id, c.id}
    assert store.save_stories([make_story(b, c, id="s2"), make_story(a, c, id="s3")]) == ["s2"]
    assert store.check() == [] and store.unclustered(10) == []


def test_an_export_line_with_malformed_extras_keeps_its_article(tmp_path: Path) -> None:
    """The fields only an export carries follow the rule of every field: one of the wrong
    shape is dropped with a warning, and the article is read (its text as it is)."""
    from newsweave.ingest import read_paths

    line = {
        "text": "Putin met Assad in Sochi.\n\nThe talks lasted three hours.",
        "cleaned": True,
        "source": 42,
        "credits": "Reuters",
        "removed": [{"text": "Share this"}],
        "published_estimated": "yes",
    }
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    (doc,) = read_paths([path])
    assert isinstance(doc, RawDocument) and not doc.needs_cleaning
    assert doc.source == f"{path}:1" and doc.credits == [] and doc.removed == []
    assert not doc.published_estimated
    assert [w.split(":")[0] for w in doc.warnings] == [
        "'source' dropped", "'credits' dropped", "'removed' dropped"
    ]  # fmt: skip
