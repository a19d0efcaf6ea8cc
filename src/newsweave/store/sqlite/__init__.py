"""The embedded back end: one SQLite file, standard library only.

- WAL journal with `synchronous=NORMAL`: readers never block the writer, and a crash loses at
  most the transaction in flight, never the file;
- one `BEGIN IMMEDIATE` transaction per `add_articles` batch, per clustering step (from its
  first read to its last write: `SQLiteTerms.clustering`) and per `replace_stories` call, so
  the file only ever holds whole articles and a whole set of stories, and writers in several
  processes queue for the lock (`connection.BUSY_TIMEOUT`) instead of failing or undoing
  each other;
- batches go in with `executemany`, after one indexed lookup of which ids are already stored;
- sentences and entities are stored as offsets into the body (with their text only where it
  differs from that slice), which halves what a 100k-article file holds;
- the FTS5 index over title and body is kept in step by triggers, inside the same transactions.

`SQLiteStore` is one mixin per role of `newsweave.store` over one connection: `articles`,
`near_duplicates`, `terms`, `stories`, `fetch_state`, `browse`, `check` and
`boilerplate`, each
implementing the interface of the same name; `connection` holds what they share (the
transaction, batching, the article row codec). The schema and its migrations live in
`schema`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsweave.store import Store, StoreError
from newsweave.store.sqlite.articles import SQLiteArticles
from newsweave.store.sqlite.boilerplate import SQLiteBoilerplate
from newsweave.store.sqlite.browse import SQLiteBrowse
from newsweave.store.sqlite.check import SQLiteCheck
from newsweave.store.sqlite.connection import BUSY_TIMEOUT
from newsweave.store.sqlite.fetch_state import SQLiteFetchState
from newsweave.store.sqlite.near_duplicates import SQLiteNearDuplicates
from newsweave.store.sqlite.schema import SCHEMA_VERSION, migrate
from newsweave.store.sqlite.stories import SQLiteStories
from newsweave.store.sqlite.terms import SQLiteTerms

__all__ = ["SCHEMA_VERSION", "SQLiteStore"]


class SQLiteStore(
    SQLiteArticles,
    SQLiteNearDuplicates,
    SQLiteTerms,
    SQLiteStories,
    SQLiteFetchState,
    SQLiteBrowse,
    SQLiteCheck,
    SQLiteBoilerplate,
    Store,
):
    """The embedded `Store`: one SQLite file, opened by `newsweave.store.open_store`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a database file")
        try:
            # Autocommit mode: transactions are explicit (`_transaction`), so a batch is one.
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open ({exc})") from exc
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            migrate(self._db, self.path)
            self._db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.path}: not a usable newsweave database ({exc})") from exc
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        self._db.close()
