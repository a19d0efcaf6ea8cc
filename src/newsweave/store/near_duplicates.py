"""The near-duplicate index: MinHash LSH band keys of the stored articles, for copy detection."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from newsweave.model import Article


class NearDuplicateIndex(ABC):
    """Stored articles by MinHash LSH band key, with their signatures.

    Nothing writes here directly: the fingerprints of a batch are given to
    `ArticleStore.add_articles` and stored in the same transaction as the articles, so an
    article is never indexed without being stored, nor stored without its fingerprint.
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
