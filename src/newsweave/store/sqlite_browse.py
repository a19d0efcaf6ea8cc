"""SQLite implementation of `BrowseStore`: filled in by the web UI work."""

from __future__ import annotations


class SQLiteBrowse:
    """Mixin for `SQLiteStore`; uses its `_db` connection."""
