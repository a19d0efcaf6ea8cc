"""Storage behind one small interface; SQLite is the embedded back end.

Nothing outside this module knows SQL. `Store` is the interface the pipeline, CLI and renderers
use; `SQLiteStore` implements it with the standard library's `sqlite3`:

- WAL journal, `synchronous=NORMAL`: readers never block the writer, and a crash loses at
  most the transaction in flight;
- one transaction per `add_articles` batch and per `replace_stories` call, so the database only
  ever holds whole articles and a whole set of stories;
- the annotation lists of an article (sentences, entities, removals, credits) are JSON columns:
  they are always read and written with their article, never queried on their own, and one
  row per article keeps a 100k-article store compact and fast to load;
- an FTS5 index over title and body, kept in step by the same transactions, for search;
- a `meta` table with the schema version, checked on open, and numbered migrations.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

from newsweave.model import Article, Entity, Removal, Sentence, Story, SummarySentence

SCHEMA_VERSION = 1


class StoreError(RuntimeError):
    """The database cannot be used; the message names the file and the problem."""


class Store(Protocol):
    def add_articles(self, articles: Iterable[Article]) -> list[str]: ...
    def has_article(self, article_id: str) -> bool: ...
    def article(self, article_id: str) -> Article | None: ...
    def articles(self, ids: Iterable[str] | None = None) -> list[Article]: ...
    def article_count(self) -> int: ...
    def replace_stories(self, stories: Iterable[Story]) -> None: ...
    def stories(self) -> list[Story]: ...
    def story(self, story_id: str) -> Story | None: ...
    def search(self, query: str, limit: int = 20) -> list[tuple[str, str]]: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...


MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE articles (
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
    );
    CREATE TABLE stories (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        title TEXT,
        event_date TEXT,
        summary TEXT NOT NULL,
        analysis TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE story_articles (
        story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL REFERENCES articles(id),
        position INTEGER NOT NULL,
        PRIMARY KEY (story_id, article_id)
    );
    CREATE INDEX story_articles_by_article ON story_articles(article_id);
    CREATE VIRTUAL TABLE article_search USING fts5(
        title, text, content='articles', content_rowid='seq', tokenize='porter unicode61'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO article_search(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO article_search(article_search, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    END;
    """,
}

_ARTICLE_COLUMNS = (
    "id, source, format, title, outlet, published, published_estimated, author, url, external_id, "
    "text, credits, removed, sentences, entities"
)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _article_row(a: Article) -> tuple[Any, ...]:
    return (
        a.id, a.source, a.format, a.title, a.outlet, _iso(a.published), int(a.published_estimated),
        a.author, a.url, a.external_id, a.text, json.dumps(a.credits),
        json.dumps([[r.text, r.rule] for r in a.removed]),
        json.dumps([[s.start, s.end] for s in a.sentences]),
        json.dumps([[e.label, e.start, e.end] for e in a.entities]),
    )  # fmt: skip


def _article_from_row(row: sqlite3.Row) -> Article:
    text = row["text"]
    return Article(
        id=row["id"],
        source=row["source"],
        text=text,
        format=row["format"],
        title=row["title"],
        outlet=row["outlet"],
        published=_date(row["published"]),
        published_estimated=bool(row["published_estimated"]),
        author=row["author"],
        credits=json.loads(row["credits"]),
        url=row["url"],
        external_id=row["external_id"],
        removed=[Removal(t, r) for t, r in json.loads(row["removed"])],
        sentences=[
            Sentence(text[s:e], s, e, i) for i, (s, e) in enumerate(json.loads(row["sentences"]))
        ],
        entities=[Entity(text[s:e], label, s, e) for label, s, e in json.loads(row["entities"])],
    )


class SQLiteStore:
    """The embedded `Store`: one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(self.path)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable newsweave database ({exc})") from exc

    def _migrate(self) -> None:
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row["value"]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this newsweave understands "
                f"({SCHEMA_VERSION}); upgrade newsweave"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._db:
                self._db.executescript(
                    "BEGIN;"
                    + MIGRATIONS[target]
                    + f"""
                    INSERT INTO meta(key, value) VALUES ('schema_version', '{target}')
                    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
                    COMMIT;"""
                )

    # articles

    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        added: list[str] = []
        with self._db:
            for article in articles:
                cursor = self._db.execute(
                    f"INSERT OR IGNORE INTO articles ({_ARTICLE_COLUMNS}) VALUES ({', '.join('?' * 15)})",
                    _article_row(article),
                )
                if cursor.rowcount:
                    added.append(article.id)
        return added

    def has_article(self, article_id: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
            is not None
        )

    def article(self, article_id: str) -> Article | None:
        found = self.articles([article_id])
        return found[0] if found else None

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        if ids is None:
            rows = self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY seq"
            ).fetchall()
            return [_article_from_row(r) for r in rows]
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Article] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update((r["id"], _article_from_row(r)) for r in rows)
        return [found[i] for i in wanted if i in found]

    def article_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    # stories

    def replace_stories(self, stories: Iterable[Story]) -> None:
        with self._db:
            self._db.execute("DELETE FROM story_articles")
            self._db.execute("DELETE FROM stories")
            for story in stories:
                summary = json.dumps([asdict(s) for s in story.summary], ensure_ascii=False)
                self._db.execute(
                    "INSERT INTO stories (id, title, event_date, summary) VALUES (?, ?, ?, ?)",
                    (story.id, story.title, _iso(story.event_date), summary),
                )
                self._db.executemany(
                    "INSERT INTO story_articles (story_id, article_id, position) VALUES (?, ?, ?)",
                    [(story.id, a.id, n) for n, a in enumerate(story.articles)],
                )

    def stories(self) -> list[Story]:
        rows = self._db.execute("SELECT * FROM stories ORDER BY seq").fetchall()
        return [self._story_from_row(r) for r in rows]

    def story(self, story_id: str) -> Story | None:
        rows = self._db.execute(
            "SELECT * FROM stories WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
            (story_id, story_id + "\uffff"),
        ).fetchall()
        return self._story_from_row(rows[0]) if len(rows) == 1 else None

    def _story_from_row(self, row: sqlite3.Row) -> Story:
        member_ids = [
            r[0]
            for r in self._db.execute(
                "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY position",
                (row["id"],),
            )
        ]
        return Story(
            id=row["id"],
            articles=self.articles(member_ids),
            title=row["title"],
            event_date=_date(row["event_date"]),
            summary=[SummarySentence(**s) for s in json.loads(row["summary"])],
        )

    # search

    def search(self, query: str, limit: int = 20) -> list[tuple[str, str]]:
        """Articles matching `query` (FTS5 syntax; plain words are ANDed), best first, with snippets."""
        phrase = " ".join(f'"{w}"' for w in query.replace('"', " ").split())
        if not phrase:
            return []
        rows = self._db.execute(
            "SELECT a.id, snippet(article_search, 1, '<mark>', '</mark>', '…', 16) "
            "FROM article_search JOIN articles a ON a.seq = article_search.rowid "
            "WHERE article_search MATCH ? ORDER BY rank LIMIT ?",
            (phrase, limit),
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_store(path: str | Path) -> Store:
    """Open (creating if needed) the SQLite store at `path`."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise StoreError(f"{path}: is a directory, not a database file")
    return SQLiteStore(path)
