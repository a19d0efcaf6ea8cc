"""SQLite implementation of `FetchStateStore`: a row per feed URL in `fetch_state`."""

from __future__ import annotations

from newsweave.store.fetch_state import FetchStateStore
from newsweave.store.sqlite.connection import SQLiteConnection


class SQLiteFetchState(SQLiteConnection, FetchStateStore):
    """The feed validators of `SQLiteStore`."""

    def fetch_state(self, url: str) -> tuple[str | None, str | None] | None:
        row = self._db.execute(
            "SELECT etag, last_modified FROM fetch_state WHERE url = ?", (url,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def set_fetch_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO fetch_state (url, etag, last_modified, checked) "
                "VALUES (?, ?, ?, datetime('now')) ON CONFLICT(url) DO UPDATE SET "
                "etag = excluded.etag, last_modified = excluded.last_modified, "
                "checked = excluded.checked",
                (url, etag, last_modified),
            )
