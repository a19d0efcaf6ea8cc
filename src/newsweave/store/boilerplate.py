"""The per-site line counts that learned boilerplate is decided from
(`newsweave.site_boilerplate`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager

from newsweave.model import Article


class BoilerplateIndex(ABC):
    """For each site and line key, the stored articles carrying the line; which articles
    have been counted; and the lines learned as each site's boilerplate.

    A learning step reads and writes all of it under one lock (`learning`), so the counts,
    the learned lines and the bodies cleaned of them always agree."""

    @abstractmethod
    def learning(self) -> AbstractContextManager[None]:
        """Hold the store's write lock for one learning step: every write inside commits
        when the block ends, or none does if it raises."""

    @abstractmethod
    def uncounted(self, limit: int, among: Sequence[str] | None = None) -> list[Article]:
        """Up to `limit` stored articles whose lines are not counted yet, oldest first;
        with `among`, only those of these ids."""

    @abstractmethod
    def count_lines(self, lines: Mapping[str, tuple[str | None, bool, Collection[int]]]) -> None:
        """Record, for each article id, its site, whether it is independent (not a copy of
        a stored article) and its line keys, and mark it counted. An article already counted
        is skipped, so nothing is counted twice; a site of None only marks it counted."""

    @abstractmethod
    def site_sizes(self, sites: Iterable[str]) -> dict[str, int]:
        """How many independent counted articles each site has (unknown sites left out)."""

    @abstractmethod
    def line_counts(self, keys: Iterable[int]) -> dict[int, dict[str, int]]:
        """For each key, every site whose counted articles carry it, with how many of its
        independent articles do (0 when only copies do)."""

    @abstractmethod
    def site_line_keys(self, site: str) -> set[int]:
        """Every line key counted for the site."""

    @abstractmethod
    def learned_lines(self, sites: Iterable[str]) -> dict[str, set[int]]:
        """The line keys learned as boilerplate of each of these sites (none: left out)."""

    @abstractmethod
    def learn_lines(self, lines: Iterable[tuple[str, int]]) -> list[str]:
        """Record (site, key) pairs as learned; return the ids of the stored articles of
        those sites that carry those lines, copies included."""

    @abstractmethod
    def replace_bodies(self, articles: Sequence[Article]) -> None:
        """Store the new body and removals of stored articles (their ids unchanged), with
        the sentences and entities they carry now, and mark their stories stale."""
