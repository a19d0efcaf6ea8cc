"""Read queries for browsing the store: the paged, filtered listings the web UI and API show.

A page of a large store must not load whole stories (every member article, the analysis
JSON) to show a title and a few counts, so listings return small row objects read from the
listing columns and tables the store keeps for this (outlets and entities per story, story
full-text index). Whole stories come from `StoryStore.story`.

Search snippets are returned as segments (`Snippet`: text, and whether it matched) rather
than as HTML, so every renderer escapes them its own way and none has to trust markup.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

Snippet = list[tuple[str, bool]]
"""A search snippet as `(text, matched)` segments, in order."""


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """Which stories a listing shows: event date within `since`..`until` (inclusive), naming
    the entity `entity` (case-insensitive), covered by the outlet label `outlet`, on the
    storyline `storyline`, with an id starting `id_prefix` (the stories a short id typed by a
    user could mean)."""

    since: date | None = None
    until: date | None = None
    entity: str | None = None
    outlet: str | None = None
    storyline: str | None = None
    id_prefix: str | None = None


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """Which hits a search keeps and how it orders them: dated within `since`..`until`
    (inclusive; a story by its event date, an article by its publication date), best match
    first or, with `newest_first`, newest first (undated last)."""

    since: date | None = None
    until: date | None = None
    newest_first: bool = False


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity as a listing names it: canonical name and type."""

    name: str
    type: str


@dataclass(slots=True)
class StoryCard:
    """One story as a listing shows it: `lead` is the first sentence of its summary,
    `snippet` is set for search hits only."""

    id: str
    title: str | None
    event_date: date | None
    first_published: date | None
    last_published: date | None
    article_count: int
    outlet_count: int
    outlets: list[str] = field(default_factory=list)
    entities: list[EntityRef] = field(default_factory=list)
    storyline: str | None = None
    snippet: Snippet = field(default_factory=list)
    lead: str | None = None


@dataclass(slots=True)
class ArticleCard:
    """One article as a listing shows it: no body; `story_id` is None while it is in none."""

    id: str
    title: str | None
    outlet: str
    published: date | None
    url: str | None
    source: str
    story_id: str | None = None
    snippet: Snippet = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EntityCount:
    """An entity and the number of stories that name it."""

    name: str
    type: str
    stories: int


@dataclass(frozen=True, slots=True)
class OutletCount:
    """An outlet label and the number of stories it takes part in."""

    outlet: str
    stories: int


@dataclass(frozen=True, slots=True)
class Exclusive:
    """What one outlet alone reported in one story (`OutletCoverage.exclusive`)."""

    story_id: str
    story_title: str | None
    event_date: date | None
    statements: list[str]


class BrowseStore(ABC):
    """Paged, filtered listings of stories, entities and outlets, and search with snippets.

    Stories list newest event first, then biggest (most articles); undated stories last.
    """

    @abstractmethod
    def story_cards(
        self, where: StoryFilter | None = None, *, offset: int = 0, limit: int = 20
    ) -> list[StoryCard]:
        """One page of stories matching `where`, each with its outlets and top entities."""

    @abstractmethod
    def story_ids(self, where: StoryFilter | None = None, *, limit: int = 20) -> list[str]:
        """The ids of the first `limit` stories matching `where`, in the listing's order:
        what linking needs, without building cards."""

    @abstractmethod
    def story_count(self, where: StoryFilter | None = None) -> int:
        """How many stories match `where` (for pagination)."""

    @abstractmethod
    def search_stories(
        self, query: str, *, limit: int = 20, where: SearchFilter | None = None
    ) -> list[StoryCard]:
        """Stories whose title, summary, entity names (aliases too), facts and quotes hold
        every word of `query` between them, best first (or as `where` orders them), with a
        snippet; FTS operators in `query` are taken as plain words. A back end may rank
        the most recent stories first and look further only when they hold too few."""

    @abstractmethod
    def search_months(self, query: str, *, limit: int = 300) -> list[tuple[str, int]]:
        """How many search results for `query` fall in each month ("2018-05"), newest month
        first: a result is a matching story, or the story of a matching article (at the
        story's event date), or a matching article in no story (at its publication date).
        A back end may count only the most recent `limit` matches of each kind."""

    @abstractmethod
    def story_cards_of(self, story_ids: Sequence[str]) -> list[StoryCard]:
        """The cards of these stories, in this order; ids of no stored story are skipped."""

    @abstractmethod
    def search_articles(
        self, query: str, *, limit: int = 20, where: SearchFilter | None = None
    ) -> list[ArticleCard]:
        """Articles whose title or body holds every word of `query`, best first (or as
        `where` orders them), with a snippet and the story each belongs to."""

    @abstractmethod
    def entities(self, prefix: str = "", *, limit: int = 50) -> list[EntityCount]:
        """Entities whose name starts with `prefix` (case-insensitive), most stories first;
        with no prefix, those of the most recent stories (a back end may bound how many)."""

    @abstractmethod
    def entity(self, name: str) -> EntityCount | None:
        """The entity of this name (case-insensitive), or None if no story names it."""

    @abstractmethod
    def outlets(self, *, limit: int = 200) -> list[OutletCount]:
        """Outlet labels, most stories first."""

    @abstractmethod
    def outlet_articles(
        self, outlet: str, *, offset: int = 0, limit: int = 20
    ) -> list[ArticleCard]:
        """One page of the articles cited as `outlet` (its label), newest first."""

    @abstractmethod
    def outlet_exclusives(self, outlet: str, *, limit: int = 20) -> list[Exclusive]:
        """What `outlet` reported that the other outlets of its stories did not, for its
        most recent stories that have such statements."""
