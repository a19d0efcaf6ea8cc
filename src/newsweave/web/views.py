"""What each page shows, gathered from the store once for both the HTML page and the API.

Each function returns a plain dataclass: the pages render it with a template, the API returns
it as JSON (FastAPI serialises dataclasses and derives the OpenAPI schema from them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from newsweave.analysis.timeline import DEFAULT_LIMIT
from newsweave.app import queries
from newsweave.app.entity_chips import readable_cards
from newsweave.contract import article_to_dict, story_to_dict
from newsweave.model import TimelineEvent
from newsweave.store import Store
from newsweave.store.browse import ArticleCard, EntityCount, Exclusive, StoryCard, StoryFilter

PER_PAGE = 20
TIMELINE_EVENTS = DEFAULT_LIMIT
"""Timeline events an entity page shows unless asked for all: the most salient."""


@dataclass
class StoryList:
    """One page of stories; `page` counts from 1."""

    stories: list[StoryCard]
    total: int
    page: int
    per_page: int
    since: date | None = None
    until: date | None = None
    entity: str | None = None
    outlet: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def story_list(store: Store, where: StoryFilter, page: int, per_page: int = PER_PAGE) -> StoryList:
    page = max(page, 1)
    cards = readable_cards(store.story_cards(where, offset=(page - 1) * per_page, limit=per_page))
    return StoryList(
        stories=cards,
        total=store.story_count(where),
        page=page,
        per_page=per_page,
        since=where.since,
        until=where.until,
        entity=where.entity,
        outlet=where.outlet,
    )


@dataclass
class EntityPage:
    """The entity, a page of its stories, its most salient timeline events (every one with
    `all_events`) and how many events it has in all."""

    entity: EntityCount
    stories: StoryList
    timeline: list[TimelineEvent] = field(default_factory=list)
    timeline_total: int = 0
    all_events: bool = False


@dataclass
class TimelineEntry:
    """A `TimelineEvent` as the API writes it (`date`: ISO, as precise as `granularity`)."""

    date: str
    granularity: str
    text: str
    outlets: list[str]
    article_ids: list[str]
    story_id: str | None
    sources: int = 0
    """Independent sources reporting it (a wire copy counts as its wire)."""
    variants: list[str] = field(default_factory=list)
    """Other wordings of the same event."""
    salience: float = 0.0
    """How much the event matters on this timeline (0..1); views show the most salient."""


def timeline_entries(events: list[TimelineEvent]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            e.date.isoformat(),
            e.granularity,
            e.text,
            e.outlets,
            e.article_ids,
            e.story_id,
            e.sources,
            e.variants,
            e.salience,
        )
        for e in events
    ]


@dataclass
class EntityJSON:
    """`EntityPage` for the API."""

    entity: EntityCount
    stories: StoryList
    timeline: list[TimelineEntry]
    timeline_total: int = 0
    """Events of the entity's timeline in all; `timeline` holds the most salient of them
    unless every one was asked for."""


@dataclass
class StorylineJSON:
    """`queries.StorylineView` for the API: its stories oldest first, the entities they share
    and the timeline of all of them."""

    id: str
    total: int
    stories: list[StoryCard]
    entities: list[str]
    timeline: list[TimelineEntry]


def storyline_json(view: queries.StorylineView) -> StorylineJSON:
    return StorylineJSON(
        view.id, view.total, view.stories, view.entities, timeline_entries(view.timeline)
    )


def entity_page(
    store: Store, name: str, page: int, *, all_events: bool = False
) -> EntityPage | None:
    """The entity, a page of its stories, and its timeline (`queries.entity_timeline_of`):
    its `TIMELINE_EVENTS` most salient events, or with `all_events` every one."""
    entity = store.entity(name)
    if entity is None:
        return None
    where = StoryFilter(entity=entity.name)
    found = queries.entity_timeline_of(store, entity.name)
    total = len(found.events) if found else 0
    if found:
        found.top(None if all_events else TIMELINE_EVENTS)
    return EntityPage(
        entity, story_list(store, where, page), found.events if found else [], total, all_events
    )


@dataclass
class OutletPage:
    outlet: str
    articles: list[ArticleCard]
    page: int
    more: bool
    exclusives: list[Exclusive]


def outlet_page(
    store: Store, outlet: str, page: int, per_page: int = PER_PAGE
) -> OutletPage | None:
    page = max(page, 1)
    found = store.outlet_articles(outlet, offset=(page - 1) * per_page, limit=per_page + 1)
    if not found and page == 1:
        return None
    exclusives = store.outlet_exclusives(outlet) if page == 1 else []
    return OutletPage(outlet, found[:per_page], page, len(found) > per_page, exclusives)


def story_json(store: Store, story_id: str) -> dict[str, Any] | None:
    """The story as the JSON contract has it, plus, per summary sentence, each cited outlet's
    supporting sentences, and what the cleaner removed from each article."""
    found = queries.story_with_evidence(store, story_id)
    if found is None:
        return None
    data = story_to_dict(found.story)
    for sentence, chips in zip(data["summary"], found.supports, strict=True):
        sentence["support"] = [
            {"outlet": c.outlet, "article_ids": c.article_ids,
             "sentences": [{"article_id": p.article_id, "text": p.text} for p in c.passages]}
            for c in chips
        ]  # fmt: skip
    data["articles"] = [article_to_dict(a, removed=True) for a in found.story.articles]
    return data


def article_json(store: Store, article_id: str) -> dict[str, Any] | None:
    article = store.article(article_id)
    if article is None:
        return None
    data = article_to_dict(article, removed=True)
    data["story_id"] = store.story_ids_of([article.id]).get(article.id)
    return data
