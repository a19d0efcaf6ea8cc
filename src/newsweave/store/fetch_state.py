"""What each polled feed answered last, for conditional GETs."""

from __future__ import annotations

from abc import ABC, abstractmethod


class FetchStateStore(ABC):
    """A feed's HTTP validators (`ETag`, `Last-Modified`) by feed URL."""

    @abstractmethod
    def fetch_state(self, url: str) -> tuple[str | None, str | None] | None:
        """The `(etag, last_modified)` a feed answered with last time, or None if never polled."""

    @abstractmethod
    def set_fetch_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember a feed's validators for the next conditional GET."""
