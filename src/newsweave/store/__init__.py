"""Storage behind one small interface, with interchangeable back ends.

The pipeline, CLI and renderers only see `Store`; nothing outside this package knows SQL.
`open_store` opens the embedded SQLite back end (`newsweave.store.sqlite`); another back end
(a server database, an in-memory fake for tests) only has to implement the abstract methods.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Self

from newsweave.model import Article, Story


class StoreError(RuntimeError):
    """The store cannot be used as asked; the message names the file and the problem."""


class Store(ABC):
    """Articles, the stories built from them, and full-text search over the articles."""

    @abstractmethod
    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        """Store a batch in one transaction; return the ids that were new.

        An id already stored is skipped, never overwritten: an article's id derives from its
        body, so the stored copy is the same article. If the iterable raises part-way, nothing
        of the batch is stored.
        """

    @abstractmethod
    def has_article(self, article_id: str) -> bool:
        """Whether `article_id` is stored (cheap: the ingest dedup asks for every article)."""

    def article(self, article_id: str) -> Article | None:
        """One article, or None."""
        found = self.articles([article_id])
        return found[0] if found else None

    @abstractmethod
    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """All articles in insertion order, or those of `ids` (in that order, unknown ids left out)."""

    @abstractmethod
    def article_count(self) -> int:
        """How many articles are stored."""

    @abstractmethod
    def replace_stories(self, stories: Iterable[Story]) -> None:
        """Make the stored stories exactly `stories` (members, order and summary), atomically.

        Stories are recomputed from all articles at once, so they are replaced, not merged.
        Every member article must already be stored.
        """

    @abstractmethod
    def stories(self) -> list[Story]:
        """All stories in the order they were stored, with full articles and summaries."""

    @abstractmethod
    def story(self, story_id: str) -> Story | None:
        """The story with this id or, since users type short ids, this unique id prefix."""

    @abstractmethod
    def search(self, query: str, limit: int = 20) -> list[tuple[str, str]]:
        """Full-text search over article titles and bodies, best first.

        Returns `(article_id, snippet)`; the snippet is HTML-safe (article text escaped) with
        matches in `<mark>`, so a web page can show it as is.
        """

    @abstractmethod
    def close(self) -> None:
        """Release the back end's resources."""

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
    """Open (creating it if needed) the SQLite store at `path`; StoreError if it is unusable."""
    from newsweave.store.sqlite import SQLiteStore  # the back end imports this module

    return SQLiteStore(path)


__all__ = ["Store", "StoreError", "open_store"]
