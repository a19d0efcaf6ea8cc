"""The store's own consistency: what `newsweave check` reports, and the repair of it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Finding:
    """One kind of inconsistency: what is wrong, how many times, a few examples (ids), and
    whether `StoreCheck.repair` can set it right (a file SQLite itself finds damaged cannot
    be: its articles can still be exported, see `ArticleStore.articles`)."""

    what: str
    count: int
    examples: list[str] = field(default_factory=list)
    repairable: bool = True


class StoreCheck(ABC):
    """Checks that what the store holds agrees with itself, and repairs it.

    The invariants: every stored article is in exactly one story, or is unclustered (waiting
    for the next clustering step) and in none; every story has members, and its listing
    figures (article and outlet counts, first and last publication dates) and outlet rows
    are those of its members; the index rows (term postings, near-duplicate bands and
    signatures) point at stored articles; the full-text indexes hold what their tables
    hold; and SQLite finds the file sound.
    """

    @abstractmethod
    def check(self, examples: int = 3) -> list[Finding]:
        """What is wrong, with up to `examples` ids of each kind; empty when nothing is.
        Reads only: it may run while other processes write."""

    @abstractmethod
    def repair(self, *, full: bool = True) -> list[Finding]:
        """Set right what `check` finds, in one transaction, and return what was found.

        An article in no story is marked unclustered, so that the next clustering step
        places it; one in several stories stays in the one stored first; an unclustered
        article found in a story leaves it (and is clustered again); stories left without
        members are deleted; those whose members changed, or whose article count says they
        did, are marked stale (to be summarised again), and their figures and outlet rows,
        like any found wrong, are recomputed; index rows of unknown
        articles are deleted; the full-text indexes are rebuilt. Running it again finds
        nothing.

        With `full=False` only story membership and article counts are checked and repaired:
        what a crashed run or concurrent writers of an older version leave behind, cheap
        enough for every clustering run to do first (`cluster.incremental.cluster_pending`).
        """
