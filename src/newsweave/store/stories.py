"""Whole stories: members, summary and analysis, and which of them wait to be redone."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Sequence

from newsweave.model import Story


class StoryStore(ABC):
    """Stories read and written whole, with full articles and summaries.

    Clustering writes a story's membership (`TermIndex.update_clusters`) and leaves it
    stale; the refresh reads the stale ones, summarises and analyses them, and saves them
    whole. Listings that need less than a whole story are `BrowseStore`'s.
    """

    @abstractmethod
    def stale_stories(self, limit: int, among: Collection[str] | None = None) -> list[Story]:
        """Up to `limit` stories whose members changed since they were last summarised,
        oldest first; with `among`, only those of these ids."""

    @abstractmethod
    def stale_work(self, among: Collection[str] | None = None) -> tuple[int, int]:
        """How many stories are stale (with `among`, of these ids), and how many of their
        members have no stored parse: what a refresh has ahead of it, for progress bars."""

    @abstractmethod
    def mark_stale(self) -> None:
        """Mark every story stale, so the next refresh redoes all summaries and analyses."""

    @abstractmethod
    def save_stories(self, stories: Sequence[Story]) -> list[str]:
        """Write the summary and analysis of stories, mark them fresh, and return the ids of
        those written; one transaction.

        A summary holds only for the members it was made from, and clustering may change a
        story while it is being summarised (another process, a server worker): a stored
        story is written only if its stored members are still the story's, and a story that
        is not stored only if none of its members is in a story (it was not merged away; it
        is then added whole, its members counting as clustered). Any other is left as it
        is, stale, for the next refresh to redo with its members. Other stories are
        untouched."""

    @abstractmethod
    def replace_stories(self, stories: Iterable[Story]) -> None:
        """Make the stored stories exactly `stories` (members, order and summary), atomically.

        For a full rebuild from all articles: every article not in `stories` counts as
        unclustered afterwards, and every member as clustered. Every member article must
        already be stored.
        """

    @abstractmethod
    def stories(self) -> list[Story]:
        """All stories in the order they were stored, with full articles and summaries."""

    @abstractmethod
    def story(self, story_id: str) -> Story | None:
        """The story with this id or, since users type short ids, this unique id prefix."""
