"""The HTML pages: stories, one story, a storyline, search, entities, outlets, one article.

Every page is server-rendered and complete without JavaScript: citation chips and collapsed
sections are `<details>` elements, filters are a GET form, pagination is links.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse

from newsweave.analysis.storyline import storyline_entities
from newsweave.app import queries
from newsweave.model import TimelineEvent
from newsweave.render.html import StorylineRef
from newsweave.store import Store
from newsweave.store.browse import StoryFilter
from newsweave.web import views
from newsweave.web.context import Web, parse_day, path_part, render, web

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
State = Annotated[Web, Depends(web)]
Page = Annotated[int, Query(ge=1, le=100_000)]
Text = Annotated[str | None, Query(max_length=200)]


def _shown(events: str | None) -> int | None:
    """Timeline events a page shows: every one for `?events=all`, else the most salient."""
    return None if events == "all" else views.TIMELINE_EVENTS


@router.get("/")
def stories_page(
    state: State,
    page: Page = 1,
    since: Text = None,
    until: Text = None,
    entity: Text = None,
    outlet: Text = None,
) -> str:
    where = StoryFilter(
        since=parse_day(since, "since"),
        until=parse_day(until, "until"),
        entity=(entity or "").strip() or None,
        outlet=(outlet or "").strip() or None,
    )
    listing = views.story_list(state.store, where, page)
    return render("stories.html.j2", listing=listing, title="Stories")


NAMING_STORIES = 40
"""Stories of a storyline read to name it on a story's page: the most recent (the storyline's
own page weighs up to `queries.STORYLINE_STORIES` of them; a longer storyline may differ)."""


def storyline_ref(store: Store, storyline_id: str) -> StorylineRef | None:
    """The storyline a story page names: its top entities and how many stories it has."""
    where = StoryFilter(storyline=storyline_id)
    cards = store.story_cards(where, limit=NAMING_STORIES)
    stories = [s for s in (store.story(c.id) for c in cards) if s is not None]
    if not stories:
        return None
    href = f"/storylines/{path_part(storyline_id)}"
    return StorylineRef(storyline_id, href, storyline_entities(stories), store.story_count(where))


def story_link(story_id: str) -> str:
    return f"/stories/{path_part(story_id)}"


@router.get("/stories/{story_id}")
def story_page(state: State, story_id: str, events: Text = None) -> str:
    """`events=all` shows every event of the story's timeline, not only the most salient."""
    found = queries.story_with_evidence(state.store, story_id)
    if found is None:
        raise HTTPException(404, f"no story {story_id!r}")
    story = found.story
    return render(
        "story.html.j2",
        story=story,
        supports=found.supports,
        shown=_shown(events),
        storyline=storyline_ref(state.store, story.storyline) if story.storyline else None,
        story_href=story_link,
        title=story.title or "Story",
    )


@router.get("/storylines/{storyline_id}")
def storyline_page(state: State, storyline_id: str, events: Text = None) -> str:
    """`events=all` shows every event of the storyline's timeline."""
    found = queries.storyline_of(state.store, storyline_id)
    if found is None:
        raise HTTPException(404, f"no storyline {storyline_id!r}")
    dated = [
        TimelineEvent(c.event_date, "day", c.title or "Untitled story", c.outlets, story_id=c.id)
        for c in found.stories
        if c.event_date
    ]
    return render(
        "storyline.html.j2",
        view=found,
        stories_axis=dated,
        story_href=story_link,
        shown=_shown(events),
        title=f"Storyline: {found.title}",
    )


@router.get("/search")
def search_page(
    state: State,
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[Literal["relevance", "date"], Query()] = "relevance",
    since: Text = None,
    until: Text = None,
) -> str:
    """`sort=date` lists the newest results first; `since`/`until` keep those dated between."""
    results = queries.search(
        state.store,
        q,
        views.PER_PAGE,
        sort=sort,
        since=parse_day(since, "since"),
        until=parse_day(until, "until"),
    )
    return render("search.html.j2", results=results, title=f"Search: {q}" if q else "Search")


@router.get("/entities")
def entities_page(state: State, prefix: Text = None) -> str:
    found = state.store.entities((prefix or "").strip(), limit=200)
    return render("entities.html.j2", entities=found, prefix=prefix or "", title="Entities")


@router.get("/entities/{name:path}")
def entity_page(state: State, name: str, page: Page = 1, events: Text = None) -> str:
    """`events=all` shows every timeline event, not only the most salient."""
    found = views.entity_page(state.store, name, page, all_events=events == "all")
    if found is None:
        raise HTTPException(404, f"no story names {name!r}")
    return render("entity.html.j2", view=found, title=found.entity.name)


@router.get("/outlets")
def outlets_page(state: State) -> str:
    return render("outlets.html.j2", outlets=state.store.outlets(limit=1000), title="Outlets")


@router.get("/outlets/{outlet:path}")
def outlet_page(state: State, outlet: str, page: Page = 1) -> str:
    found = views.outlet_page(state.store, outlet, page)
    if found is None:
        raise HTTPException(404, f"no articles from {outlet!r}")
    return render("outlet.html.j2", view=found, title=outlet)


@router.get("/articles/{article_id}")
def article_page(state: State, article_id: str) -> str:
    article = state.store.article(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id!r}")
    story_id = state.store.story_ids_of([article.id]).get(article.id)
    return render(
        "article.html.j2", article=article, story_id=story_id, title=article.title or "Article"
    )
