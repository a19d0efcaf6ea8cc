"""Read queries for browsing the store (web UI, API): defined by the web UI's engineer."""

from __future__ import annotations

from abc import ABC


class BrowseStore(ABC):  # noqa: B024 - filled in by the web UI work
    """Paged, filtered listings of stories, entities and outlets."""
