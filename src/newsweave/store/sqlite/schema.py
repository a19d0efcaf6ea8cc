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
from newsweave.store.sqlite.story_search import fill_story_search

SCHEMA_VERSION = 9

Step = str | Callable[[sqlite3.Connection], None]


def _story_search_with_analysis(db: sqlite3.Connection) -> None:
    """Version 7 indexed a story's title and summary only: the index is made anew with its
    entities, facts and quotes as columns too (an FTS5 table takes no new column)."""
    db.execute("DROP TABLE story_search")
    db.execute(
        """CREATE VIRTUAL TABLE story_search USING fts5(
            title, summary, entities, facts, quotes, tokenize='porter unicode61'
        )"""
    )
    fill_story_search(db)


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
    # Incremental stories and browsing: articles are indexed (salient-term postings with
    # document frequencies, MinHash bands for near-duplicates) and clustered as they arrive;
    # a story whose members changed is `stale` until its summary and analysis are redone.
    # Stories keep listing figures as columns and their outlets and entities as rows, so a
    # page of a 100k-article store is an index scan, not a JSON parse per story.
    3: (
        "ALTER TABLE articles ADD COLUMN recognised INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE articles ADD COLUMN copy_of TEXT",
        "ALTER TABLE articles ADD COLUMN copy_source TEXT",
        # Articles of a version 2 file have no term postings: they are clustered anew, with
        # the next ingest, as if they had just arrived.
        "ALTER TABLE articles ADD COLUMN clustered INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX articles_unclustered ON articles(seq) WHERE clustered = 0",
        "CREATE INDEX articles_by_url ON articles(url)",
        "ALTER TABLE stories ADD COLUMN article_count INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE stories ADD COLUMN outlet_count INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE stories ADD COLUMN first_published TEXT",
        "ALTER TABLE stories ADD COLUMN last_published TEXT",
        "ALTER TABLE stories ADD COLUMN storyline TEXT",
        "ALTER TABLE stories ADD COLUMN stale INTEGER NOT NULL DEFAULT 1",
        "CREATE INDEX stories_by_event ON stories(event_date)",
        "CREATE INDEX stories_by_size ON stories(article_count)",
        "CREATE INDEX stories_by_storyline ON stories(storyline) WHERE storyline IS NOT NULL",
        "CREATE INDEX stories_stale ON stories(seq) WHERE stale = 1",
        """UPDATE stories SET
            article_count = (SELECT count(*) FROM story_articles WHERE story_id = stories.id),
            outlet_count = (SELECT count(DISTINCT coalesce(a.outlet, a.url, a.source))
                            FROM story_articles AS sa JOIN articles AS a ON a.id = sa.article_id
                            WHERE sa.story_id = stories.id),
            first_published = (SELECT min(a.published) FROM story_articles AS sa
                               JOIN articles AS a ON a.id = sa.article_id
                               WHERE sa.story_id = stories.id),
            last_published = (SELECT max(a.published) FROM story_articles AS sa
                              JOIN articles AS a ON a.id = sa.article_id
                              WHERE sa.story_id = stories.id)""",
        """CREATE TABLE story_outlets (
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            outlet TEXT NOT NULL,
            PRIMARY KEY (story_id, outlet)
        ) WITHOUT ROWID""",
        "CREATE INDEX story_outlets_by_outlet ON story_outlets(outlet)",
        """CREATE TABLE story_entities (
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            salience REAL NOT NULL,
            PRIMARY KEY (story_id, name)
        ) WITHOUT ROWID""",
        "CREATE INDEX story_entities_by_name ON story_entities(name COLLATE NOCASE)",
        # rowid = stories.seq; written by the store with each story (its summary lives in
        # another table, so triggers cannot keep it).
        """CREATE VIRTUAL TABLE story_search USING fts5(
            title, summary, tokenize='porter unicode61'
        )""",
        """CREATE TABLE term_postings (
            term TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (term, seq)
        ) WITHOUT ROWID""",
        "CREATE TABLE term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID",
        """CREATE TABLE lsh_bands (
            band INTEGER NOT NULL,
            key INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (band, key, seq)
        ) WITHOUT ROWID""",
        "CREATE TABLE signatures (seq INTEGER PRIMARY KEY, minhash BLOB NOT NULL)",
        # Annotating or clustering an article must not rewrite its search entry.
        "DROP TRIGGER articles_fts_update",
        """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO article_search(article_search, rowid, title, text)
            VALUES ('delete', old.seq, old.title, old.text);
            INSERT INTO article_search(rowid, title, text) VALUES (new.seq, new.title, new.text);
        END""",
        """CREATE TABLE fetch_state (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            checked TEXT NOT NULL
        ) WITHOUT ROWID""",
    ),
    # The index tables take a batch's rows in a small table of their own, moved into the
    # large one many batches at a time (`SQLiteStore._merge_recent`): a batch's keys are
    # random, and inserting them straight into a table of millions of rows writes a page per
    # row at every commit.
    4: (
        """CREATE TABLE lsh_bands_recent (
            band INTEGER NOT NULL,
            key INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (band, key, seq)
        ) WITHOUT ROWID""",
        """CREATE TABLE term_postings_recent (
            term TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (term, seq)
        ) WITHOUT ROWID""",
    ),
    # An article's language, and whether its title was made from its text: stored articles
    # have neither until they are read again (NULL: not identified; 0: a stated title).
    5: (
        "ALTER TABLE articles ADD COLUMN language TEXT",
        "ALTER TABLE articles ADD COLUMN title_derived INTEGER NOT NULL DEFAULT 0",
    ),
    # Boilerplate learned per site (`newsweave.site_boilerplate`): which articles' lines are
    # counted, the sites, a row per (line key, site, article), and the lines learned. Stored
    # articles start uncounted: the next ingest counts them, as if they had just arrived.
    6: (
        "ALTER TABLE articles ADD COLUMN lines_counted INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX articles_lines_uncounted ON articles(seq) WHERE lines_counted = 0",
        """CREATE TABLE sites (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            articles INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE site_lines (
            line INTEGER NOT NULL,
            site INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            independent INTEGER NOT NULL,
            PRIMARY KEY (line, site, seq)
        ) WITHOUT ROWID""",
        "CREATE INDEX site_lines_by_site ON site_lines(site)",
        """CREATE TABLE site_boilerplate (
            site INTEGER NOT NULL,
            line INTEGER NOT NULL,
            PRIMARY KEY (site, line)
        ) WITHOUT ROWID""",
    ),
    # The place of an article's dateline: stored articles have none until read again.
    7: ("ALTER TABLE articles ADD COLUMN dateline TEXT",),
    # Stories are found by the names of their entities, their facts and their quotes too.
    8: (_story_search_with_analysis,),
    # What the full parse of an article gave (quotes, verbs by sentence), as JSON; NULL: not
    # parsed, so stored articles are parsed when a story next needs them.
    9: ("ALTER TABLE articles ADD COLUMN parse TEXT",),
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
