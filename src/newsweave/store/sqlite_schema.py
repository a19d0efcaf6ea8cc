"""The SQLite store's schema: numbered migrations and the version check on open.

A file records its version in `meta`. Opening applies the migrations it lacks, in order, in
one write transaction; a later version adds `MIGRATIONS[n + 1]` (SQL statements, or Python
steps for data moves) and bumps `SCHEMA_VERSION`, and never edits an earlier migration: files
in the wild were made by it. A file newer than this code is refused rather than
half-understood. Migrations avoid recent SQL (DROP COLUMN, JSON operators) so that the older
SQLite a system Python links against can run them.

Articles keep their annotation lists (credits, removals, sentences, entities) in JSON
columns: they are always read and written with their article and never queried alone, so
one row per article keeps a 100k-article store compact and loads it in one scan. Story
membership and summary sentences are rows, ordered by `position`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from newsweave.store import StoreError

SCHEMA_VERSION = 2

Step = str | Callable[[sqlite3.Connection], None]


def _summaries_to_rows(db: sqlite3.Connection) -> None:
    """Version 1 kept each story's summary as a JSON list of SummarySentence fields."""
    rows = [
        (story_id, position, s["text"], s["article_id"], s["sentence_index"],
         json.dumps(s["article_ids"], ensure_ascii=False),
         json.dumps(s["outlets"], ensure_ascii=False))
        for story_id, summary in db.execute("SELECT id, summary FROM stories")
        for position, s in enumerate(json.loads(summary))
    ]  # fmt: skip
    db.executemany("INSERT INTO summary_sentences VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


MIGRATIONS: dict[int, tuple[Step, ...]] = {
    1: (
        """CREATE TABLE articles (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            format TEXT NOT NULL,
            title TEXT,
            outlet TEXT,
            published TEXT,
            published_estimated INTEGER NOT NULL DEFAULT 0,
            author TEXT,
            url TEXT,
            external_id TEXT,
            text TEXT NOT NULL,
            credits TEXT NOT NULL,
            removed TEXT NOT NULL,
            sentences TEXT NOT NULL,
            entities TEXT NOT NULL
        )""",
        """CREATE TABLE stories (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            title TEXT,
            event_date TEXT,
            summary TEXT NOT NULL,
            analysis TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TABLE story_articles (
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (story_id, article_id)
        )""",
        "CREATE INDEX story_articles_by_article ON story_articles(article_id)",
        """CREATE VIRTUAL TABLE article_search USING fts5(
            title, text, content='articles', content_rowid='seq', tokenize='porter unicode61'
        )""",
        """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO article_search(rowid, title, text) VALUES (new.seq, new.title, new.text);
        END""",
        """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO article_search(article_search, rowid, title, text)
            VALUES ('delete', old.seq, old.title, old.text);
        END""",
    ),
    # Summary sentences become rows (they were a JSON column of stories, rebuilt without it
    # the way SQLite's ALTER TABLE documentation prescribes), and the search index follows
    # updates too.
    2: (
        """CREATE TABLE summary_sentences (
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            text TEXT NOT NULL,
            article_id TEXT NOT NULL,
            sentence_index INTEGER NOT NULL,
            article_ids TEXT NOT NULL,
            outlets TEXT NOT NULL,
            PRIMARY KEY (story_id, position)
        ) WITHOUT ROWID""",
        _summaries_to_rows,
        """CREATE TABLE stories_v2 (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            title TEXT,
            event_date TEXT,
            analysis TEXT NOT NULL DEFAULT '{}'
        )""",
        """INSERT INTO stories_v2 (seq, id, title, event_date, analysis)
            SELECT seq, id, title, event_date, analysis FROM stories""",
        "DROP TABLE stories",
        "ALTER TABLE stories_v2 RENAME TO stories",
        """CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
            INSERT INTO article_search(article_search, rowid, title, text)
            VALUES ('delete', old.seq, old.title, old.text);
            INSERT INTO article_search(rowid, title, text) VALUES (new.seq, new.title, new.text);
        END""",
    ),
}


def schema_version(db: sqlite3.Connection) -> int:
    """The version a file is at; 0 for a new, empty file."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
        return 0
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the file up to `SCHEMA_VERSION`, or raise StoreError if it cannot be.

    The version is read once without a lock (the usual case: nothing to do, and a writer
    busy in another process does not delay opening), then again under `BEGIN IMMEDIATE`, so
    two processes opening a new file do not both migrate it. `db` must be in autocommit mode
    with foreign keys still off: rebuilding a table must not cascade into its children.
    """
    if _check(db, path) == SCHEMA_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        version = _check(db, path)
        if version == 0:
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for step in MIGRATIONS[target]:
                if isinstance(step, str):
                    db.execute(step)
                else:
                    step(db)
        db.execute(
            "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        )
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _check(db: sqlite3.Connection, path: Path) -> int:
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: schema version {version} is newer than this newsweave understands "
            f"({SCHEMA_VERSION}); upgrade newsweave to open it"
        )
    if version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise StoreError(f"{path}: an SQLite database, but not a newsweave one (no meta table)")
    return version
