"""Storage behind a few small role interfaces, with interchangeable back ends.

Each stage sees the roles it needs, one module each; `Store` is all of them together:

- `ArticleStore` (`articles`): ingest stores articles and the annotations found for them;
  every later stage reads them back.
- `NearDuplicateIndex` (`near_duplicates`): copy detection at ingest looks up MinHash band
  keys (`newsweave.cluster.copies`); `add_articles` writes them with their articles.
- `TermIndex` (`terms`): incremental clustering finds candidate stories through salient-term
  postings and writes each step's memberships (`newsweave.cluster.incremental`).
- `StoryStore` (`stories`): the refresh summarises and analyses the stories clustering left
  stale and saves them whole; storylines and reports read whole stories.
- `FetchStateStore` (`fetch_state`): feeds remember what each one answered last.
- `BrowseStore` (`browse`): the web UI and API list, filter and search, with snippets as
  data (`Snippet`) that each renderer escapes its own way.
- `StoreCheck` (`check`): `newsweave check` finds what disagrees with itself (an article in
  no story or in two, wrong story figures, stray index rows, full-text indexes out of step)
  and repairs it; every clustering run repairs story membership first.
- `BoilerplateIndex` (`boilerplate`): ingest counts each site's lines and removes those
  learned as the site's boilerplate (`newsweave.site_boilerplate`).

Nothing outside this package knows SQL. `open_store` opens the embedded SQLite back end
(`newsweave.store.sqlite`); another back end (a server database, an in-memory fake for
tests) only has to implement the abstract methods.
"""

from __future__ import annotations

from abc import abstractmethod
from pathlib import Path
from types import TracebackType
from typing import Self

from newsweave.store.articles import ArticleStore
from newsweave.store.boilerplate import BoilerplateIndex
from newsweave.store.browse import BrowseStore
from newsweave.store.check import Finding, StoreCheck
from newsweave.store.fetch_state import FetchStateStore
from newsweave.store.near_duplicates import NearDuplicateIndex
from newsweave.store.stories import StoryStore
from newsweave.store.terms import TermIndex


class StoreError(RuntimeError):
    """The store cannot be used as asked; the message names the file and the problem."""


class Store(
    ArticleStore,
    NearDuplicateIndex,
    TermIndex,
    StoryStore,
    FetchStateStore,
    BrowseStore,
    StoreCheck,
    BoilerplateIndex,
):
    """Every role over one back end: articles, the stories built from them, the indexes that
    keep adding articles as cheap whatever the store holds, feed state, browsing, the
    check that all of it agrees, and each site's learned boilerplate."""

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


__all__ = [
    "ArticleStore",
    "BoilerplateIndex",
    "BrowseStore",
    "FetchStateStore",
    "Finding",
    "NearDuplicateIndex",
    "Store",
    "StoreCheck",
    "StoreError",
    "StoryStore",
    "TermIndex",
    "open_store",
]
