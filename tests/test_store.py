"""The SQLite store: round trips, no duplicates, whole batches only, clear errors, search."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from newsweave.model import Article, Entity, Removal, Sentence, Story, SummarySentence, article_id
from newsweave.store import SCHEMA_VERSION, StoreError, open_store


def make_article(text: str, **fields) -> Article:
    return Article(id=article_id(text), source=f"{text[:10]}.txt", text=text, **fields)


def full_article() -> Article:
    text = "Assad met Putin in Sochi. Peskov spoke later."
    return make_article(
        text,
        format="jsonl",
        title="Assad meets Putin",
        outlet="The Moscow Times",
        published=date(2018, 5, 18),
        published_estimated=True,
        author="A. Writer",
        credits=["Reuters"],
        url="https://www.themoscowtimes.com/x",
        external_id="ext-1",
        removed=[Removal("Read more: x", "teaser")],
        sentences=[
            Sentence("Assad met Putin in Sochi.", 0, 25, 0),
            Sentence("Peskov spoke later.", 26, 45, 1),
        ],
        entities=[Entity("Assad", "PERSON", 0, 5), Entity("Sochi", "GPE", 19, 24)],
    )


def test_round_trip_and_no_duplicates(tmp_path: Path) -> None:
    article = full_article()
    with open_store(tmp_path / "n.db") as store:
        assert store.add_articles([article]) == [article.id]
        assert store.add_articles([article, article]) == []
        assert store.article_count() == 1
        assert store.article(article.id) == article
        assert store.has_article(article.id) and not store.has_article("nope")


def test_stories_round_trip_and_prefix_lookup(tmp_path: Path) -> None:
    a, b = full_article(), make_article("A second article about the same meeting.")
    summary = [
        SummarySentence(
            "Assad met Putin in Sochi.", a.id, 0, [a.id, b.id], ["The Moscow Times (Reuters)", "b"]
        )
    ]
    story = Story(
        id="abc123def456", articles=[a, b], title="T", event_date=date(2018, 5, 17), summary=summary
    )
    with open_store(tmp_path / "n.db") as store:
        store.add_articles([a, b])
        store.replace_stories([story])
        assert store.stories() == [story]
        assert store.story("abc1") == story
        assert store.story("zzz") is None
        store.replace_stories([])
        assert store.stories() == []
        assert store.article_count() == 2


def test_crash_mid_batch_stores_nothing_of_it(tmp_path: Path) -> None:
    db = tmp_path / "n.db"

    def batch() -> Iterator[Article]:
        yield make_article("The first article of a batch that dies.")
        raise RuntimeError("killed")

    with open_store(db) as store:
        store.add_articles([make_article("An article stored before the crash.")])
        with pytest.raises(RuntimeError):
            store.add_articles(batch())
    with open_store(db) as store:
        assert [a.text for a in store.articles()] == ["An article stored before the crash."]


def test_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError, match=r"notes\.db"):
        open_store(bogus)
    with pytest.raises(StoreError, match="directory"):
        open_store(tmp_path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    open_store(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
        )
    with pytest.raises(StoreError, match="newer"):
        open_store(db)


def test_wal_and_search(tmp_path: Path) -> None:
    with open_store(tmp_path / "n.db") as store:
        store.add_articles(
            [full_article(), make_article("Nothing about the Kremlin here, only weather.")]
        )
        hits = store.search("Peskov")
        assert [h[0] for h in hits] == [full_article().id]
        assert "<mark>Peskov</mark>" in hits[0][1]
        assert store.search('"') == []
    with sqlite3.connect(tmp_path / "n.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
