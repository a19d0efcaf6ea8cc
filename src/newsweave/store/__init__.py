"""Storage behind one small interface, with interchangeable back ends.

The pipeline, CLI and renderers only see `Store`; nothing outside this package knows SQL.
`open_store` opens the embedded SQLite back end (`newsweave.store.sqlite`); another back end
(a server database, an in-memory fake for tests) only has to implement the abstract methods.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Self

from newsweave.model import Article, Fingerprint, IndexedTerms, Story
from newsweave.store.browse import BrowseStore


class StoreError(RuntimeError):
    """The store cannot be used as asked; the message names the file and the problem."""


class Store(BrowseStore, ABC):
    """Articles, the stories built from them, and full-text search over the articles.

    Besides articles and stories it keeps two indexes that make adding articles cost the
    same whatever the store holds: MinHash bands (near-duplicates) and salient-term postings
    with document frequencies (candidate stories for a new article).
    """

    @abstractmethod
    def add_articles(
        self, articles: Iterable[Article], fingerprints: Mapping[str, Fingerprint] | None = None
    ) -> list[str]:
        """Store a batch in one transaction; return the ids that were new.

        An id already stored is skipped, never overwritten: an article's id derives from its
        body, so the stored copy is the same article. If the iterable raises part-way, nothing
        of the batch is stored. `fingerprints` (by article id) go into the near-duplicate
        index in the same transaction.
        """

    @abstractmethod
    def near_duplicates(self, bands: Sequence[int]) -> list[tuple[Article, bytes]]:
        """Stored articles sharing at least one LSH band key, with their MinHash signatures."""

    def near_duplicates_of_each(
        self, bands: Sequence[Sequence[int]]
    ) -> list[list[tuple[Article, bytes]]]:
        """`near_duplicates` of each of many band lists (a batch's, before it is stored): a
        back end may look them all up together. An article several lists share may come back
        as one object."""
        return [self.near_duplicates(one) for one in bands]

    @abstractmethod
    def has_url(self, url: str) -> bool:
        """Whether an article with this URL is stored (feeds skip what was fetched before)."""

    @abstractmethod
    def fetch_state(self, url: str) -> tuple[str | None, str | None] | None:
        """The `(etag, last_modified)` a feed answered with last time, or None if never polled."""

    @abstractmethod
    def set_fetch_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember a feed's validators for the next conditional GET."""

    # the story index

    @abstractmethod
    def unclustered(self, limit: int) -> list[Article]:
        """Up to `limit` stored articles not yet in any story, oldest first."""

    @abstractmethod
    def document_frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        """How many articles are indexed, and in how many of them each term occurs."""

    @abstractmethod
    def articles_sharing_terms(
        self,
        terms: Iterable[str],
        per_term: int,
        min_shared: int = 1,
        published_between: tuple[date, date] | None = None,
    ) -> dict[str, int]:
        """Indexed articles posted under at least `min_shared` of `terms`, with how many of the
        terms each shares.

        Each term contributes its `per_term` most recently added articles (a back end that
        keeps its index in parts may take that many from each): a term posted under more is
        common, and recent articles are the ones new stories join. Most of
        those share a term or two; `min_shared` leaves them out before their ids are looked
        up, which is most of what the lookup costs in a large store. With
        `published_between`, articles published outside those days (inclusive) are left out
        too; undated ones never are.
        """

    @abstractmethod
    def story_ids_of(self, article_ids: Iterable[str]) -> dict[str, str]:
        """The story each of these articles belongs to (articles in none are left out)."""

    @abstractmethod
    def story_members(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        """The member article ids of each of these stories, in story order."""

    @abstractmethod
    def add_document_frequencies(self, documents: int, counts: Mapping[str, int]) -> None:
        """Count `documents` more indexed articles, `counts[term]` of which contain `term`, in
        one transaction (what `document_frequencies` reads back). The clustering run counts
        them itself and writes many chunks' worth at once."""

    @abstractmethod
    def update_clusters(
        self, indexed: Sequence[IndexedTerms], stories: Sequence[Story], removed: Sequence[str]
    ) -> None:
        """One clustering step, atomically: post `indexed` under their salient terms, mark
        them clustered, write `stories`' membership (each marked stale: its summary and
        analysis are dropped until `save_stories`), and delete the stories `removed`.
        Document frequencies are not counted here (`add_document_frequencies`)."""

    @abstractmethod
    def update_annotations(self, articles: Sequence[Article]) -> None:
        """Store the sentences and entities found for already stored articles."""

    @abstractmethod
    def stale_stories(self, limit: int) -> list[Story]:
        """Up to `limit` stories whose members changed since they were last summarised."""

    @abstractmethod
    def mark_stale(self) -> None:
        """Mark every story stale, so the next refresh redoes all summaries and analyses."""

    @abstractmethod
    def save_stories(self, stories: Sequence[Story]) -> None:
        """Write stories whole (members, summary, analysis), replacing those with the same id,
        and mark them fresh; other stories are untouched."""

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
    def article_heads(self, ids: Iterable[str]) -> list[Article]:
        """The articles of `ids` (in that order, unknown ids left out) without their words:
        text, sentences, entities and removals empty, everything else as stored. For who
        needs where an article stands (its outlet, dates, copy link) and has its words
        already: incremental clustering reads the members of the stories a chunk touches so
        when it holds their term bags, instead of reading every member's text again."""

    @abstractmethod
    def article_count(self) -> int:
        """How many articles are stored."""

    @abstractmethod
    def replace_stories(self, stories: Iterable[Story]) -> None:
        """Make the stored stories exactly `stories` (members, order and summary), atomically.

        For a full rebuild from all articles: every article not in `stories` counts as
        unclustered afterwards. Every member article must already be stored.
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
