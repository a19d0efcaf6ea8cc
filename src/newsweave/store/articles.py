"""The articles themselves: what ingest stores and what every later stage reads back."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence

from newsweave.model import Article, Fingerprint


class ArticleStore(ABC):
    """Stored articles by id, in insertion order, with the annotations found for them."""

    @abstractmethod
    def add_articles(
        self, articles: Iterable[Article], fingerprints: Mapping[str, Fingerprint] | None = None
    ) -> list[str]:
        """Store a batch in one transaction; return the ids that were new.

        An id already stored is skipped, never overwritten: an article's id derives from its
        body, so the stored copy is the same article. If the iterable raises part-way, nothing
        of the batch is stored. `fingerprints` (by article id) go into the near-duplicate
        index (`NearDuplicateIndex`) in the same transaction.
        """

    @abstractmethod
    def has_article(self, article_id: str) -> bool:
        """Whether `article_id` is stored (cheap: the ingest dedup asks for every article)."""

    @abstractmethod
    def has_url(self, url: str) -> bool:
        """Whether an article with this URL is stored (feeds skip what was fetched before)."""

    def article(self, article_id: str) -> Article | None:
        """One article, or None."""
        found = self.articles([article_id])
        return found[0] if found else None

    @abstractmethod
    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """All articles in insertion order, or those of `ids` (in that order, unknown ids left out)."""

    @abstractmethod
    def all_articles(self, batch: int = 500) -> Iterator[Article]:
        """Every article in insertion order, read `batch` at a time: an export of any size
        in constant memory. Articles stored while it runs may be included."""

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
    def update_annotations(self, articles: Sequence[Article]) -> None:
        """Store the sentences and entities found for already stored articles."""
