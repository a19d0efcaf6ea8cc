"""The HTML pages: stories, one story, a storyline, search, entities, outlets, one article.

Every page is server-rendered and complete without JavaScript: citation chips and collapsed
sections are `<details>` elements, filters are a GET form, pagination is links.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse

from newsweave.app import queries
from newsweave.store.browse import StoryFilter
from newsweave.web import views
from newsweave.web.context import Web, parse_day, render, web

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
        title=story.title or "Story",
    )


@router.get("/storylines/{storyline_id}")
def storyline_page(state: State, storyline_id: str, events: Text = None) -> str:
    """`events=all` shows every event of the storyline's timeline."""
    found = queries.storyline_of(state.store, storyline_id)
    if found is None:
        raise HTTPException(404, f"no storyline {storyline_id!r}")
    return render(
        "storyline.html.j2",
        view=found,
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
