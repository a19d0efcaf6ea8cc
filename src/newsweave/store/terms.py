"""The story index incremental clustering works through: which articles wait to be
clustered, salient-term postings with document frequencies, and story membership."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date

from newsweave.model import Article, IndexedTerms, Story


class TermIndex(ABC):
    """Salient-term postings and document frequencies of the clustered articles, and the
    stories they belong to.

    With it, adding articles costs the same whatever the store holds: a new article's
    candidate stories are those of the recent articles posted under its salient terms, not
    every stored story.
    """

    @abstractmethod
    def clustering(self) -> AbstractContextManager[None]:
        """Hold the store's write lock for one clustering step: from reading what is
        unclustered and the chunk's candidates and region to writing its membership
        (`update_clusters`), nobody else writes, so what the step read is still true when it
        writes. Every write inside is part of the step and commits when the block ends (or
        none does, if it raises). Writers in other processes wait for it, which is why the
        step re-reads what is unclustered inside: another writer may have clustered it
        while this one waited."""

    @abstractmethod
    def unclustered(self, limit: int, among: Sequence[str] | None = None) -> list[Article]:
        """Up to `limit` stored articles not yet in any story, oldest first; with `among`,
        only those of these ids (in that order)."""

    @abstractmethod
    def document_frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        """How many articles are indexed, and in how many of them each term occurs."""

    @abstractmethod
    def add_document_frequencies(self, documents: int, counts: Mapping[str, int]) -> None:
        """Count `documents` more indexed articles, `counts[term]` of which contain `term`, in
        one transaction (what `document_frequencies` reads back). The clustering run counts
        them itself and writes many chunks' worth at once."""

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
    def update_clusters(
        self, indexed: Sequence[IndexedTerms], stories: Sequence[Story], removed: Sequence[str]
    ) -> None:
        """One clustering step, atomically: post `indexed` under their salient terms, mark
        them clustered, write `stories`' membership (each marked stale: its summary and
        analysis are dropped until `StoryStore.save_stories`), and delete the stories
        `removed`. Document frequencies are not counted here (`add_document_frequencies`)."""
