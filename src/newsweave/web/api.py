"""The JSON API under `/api/`: the pages' data, and `POST /api/articles` to add articles.

Reads mirror the pages (same `views`); the OpenAPI description is at `/api/openapi.json`.
Writing needs the server to have been started with a token and the request to carry it
(`Authorization: Bearer TOKEN`); a server without one refuses every write.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from newsweave.app import queries
from newsweave.app.pipeline import Annotator, build_stories, ingest_documents
from newsweave.nlp.language import LanguageDetector
from newsweave.store import open_store
from newsweave.store.browse import EntityCount, OutletCount, StoryFilter
from newsweave.web import views
from newsweave.web.context import Web, parse_day, web
from newsweave.web.security import token_matches
from newsweave.web.upload import CONTENT_TYPES, Upload, UploadRefused, read_upload, upload_format

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["api"])
State = Annotated[Web, Depends(web)]
Page = Annotated[int, Query(ge=1, le=100_000)]
Limit = Annotated[int, Query(ge=1, le=100)]
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/stories", response_model=views.StoryList)
def list_stories(
    state: State,
    page: Page = 1,
    per_page: Limit = views.PER_PAGE,
    since: Text = None,
    until: Text = None,
    entity: Text = None,
    outlet: Text = None,
) -> views.StoryList:
    """Stories, newest event first then biggest, filtered by event date range, entity and outlet."""
    where = StoryFilter(
        since=parse_day(since, "since"),
        until=parse_day(until, "until"),
        entity=(entity or "").strip() or None,
        outlet=(outlet or "").strip() or None,
    )
    return views.story_list(state.store, where, page, per_page)


@router.get("/stories/{story_id}")
def get_story(state: State, story_id: str) -> dict[str, Any]:
    """One story (id or unique id prefix) in the JSON contract of `stories.json`, with each
    summary sentence's supporting sentences per outlet, the timeline and the storyline."""
    found = views.story_json(state.store, story_id)
    if found is None:
        raise HTTPException(404, f"no story {story_id!r}")
    return found


@router.get("/storylines/{storyline_id}", response_model=views.StorylineJSON)
def get_storyline(state: State, storyline_id: str) -> views.StorylineJSON:
    """A storyline (its id, or the id of one of its stories): its stories oldest first, the
    entities they share and one timeline of all of them."""
    found = queries.storyline_of(state.store, storyline_id)
    if found is None:
        raise HTTPException(404, f"no storyline {storyline_id!r}")
    return views.storyline_json(found)


@router.get("/search", response_model=queries.SearchResults)
def search(
    state: State,
    q: Annotated[str, Query(max_length=200)],
    limit: Limit = views.PER_PAGE,
    sort: Annotated[Literal["relevance", "date"], Query()] = "relevance",
    since: Text = None,
    until: Text = None,
) -> queries.SearchResults:
    """Full-text search over stories (title, summary, entity names, facts, quotes) and
    articles (title, body); every word must occur. `sort=date` puts the newest first;
    `since`/`until` keep stories by event date and articles by publication date. `hits`
    groups them as the search page shows them: each article under its story. Snippets are
    `[text, matched]` segments."""
    return queries.search(
        state.store,
        q,
        limit,
        sort=sort,
        since=parse_day(since, "since"),
        until=parse_day(until, "until"),
    )


@router.get("/entities", response_model=list[EntityCount])
def list_entities(state: State, prefix: Text = None, limit: Limit = 50) -> list[EntityCount]:
    """Entities whose name starts with `prefix`, most stories first."""
    return state.store.entities((prefix or "").strip(), limit=limit)


@router.get("/entities/{name:path}", response_model=views.EntityJSON)
def get_entity(state: State, name: str, page: Page = 1, events: Text = None) -> views.EntityJSON:
    """An entity, its stories (paged) and its timeline: the most salient events, or with
    `events=all` every one; `timeline_total` counts them all."""
    found = views.entity_page(state.store, name, page, all_events=events == "all")
    if found is None:
        raise HTTPException(404, f"no story names {name!r}")
    return views.EntityJSON(
        found.entity, found.stories, views.timeline_entries(found.timeline), found.timeline_total
    )


@router.get("/outlets", response_model=list[OutletCount])
def list_outlets(
    state: State, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[OutletCount]:
    """Outlets, most stories first."""
    return state.store.outlets(limit=limit)


@router.get("/outlets/{outlet:path}", response_model=views.OutletPage)
def get_outlet(state: State, outlet: str, page: Page = 1) -> views.OutletPage:
    """An outlet's articles (paged, newest first) and what it reported that others did not."""
    found = views.outlet_page(state.store, outlet, page)
    if found is None:
        raise HTTPException(404, f"no articles from {outlet!r}")
    return found


@router.get("/articles/{article_id}")
def get_article(state: State, article_id: str) -> dict[str, Any]:
    """One article: metadata, cleaned text, what the cleaner removed, its story."""
    found = views.article_json(state.store, article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return found


def _authorised(state: Web, authorization: str | None) -> None:
    if state.token is None:
        raise HTTPException(403, "this server was started without --token: it accepts no writes")
    if not token_matches(state.token, authorization):
        raise HTTPException(
            401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"}
        )


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise UploadRefused(413, f"upload larger than {limit} bytes")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise UploadRefused(413, f"upload larger than {limit} bytes")
    return bytes(data)


def _ingest(state: Web, upload: Upload) -> dict[str, Any]:
    """Store and cluster the documents, then summarise (and analyse) what changed; one upload
    at a time, on a connection of its own."""
    with state.upload_lock, open_store(state.store_path) as store:
        if state.detector is None:
            state.detector = LanguageDetector()
        report = ingest_documents(upload.documents, store, detector=state.detector)
        if state.annotator is None:
            state.annotator = Annotator()
        # only the upload's stories: others waiting (a bulk load, another writer's) are not
        # this reply's to wait for
        build_stories(
            store,
            analyse=state.analyse,
            annotator=state.annotator,
            report=report,
            only=report.changed,
        )
        changed = sorted(s for s in report.changed if store.story(s) is not None)
    return {
        "read": report.read,
        "added": report.added,
        "duplicates": report.duplicates,
        "copies": report.copies,
        "not_english": dict(report.languages.most_common()),
        "stories": changed,
        "warnings": report.warnings,
    }


@router.post(
    "/articles",
    status_code=201,
    responses={
        400: {"description": "a document could not be read; nothing was stored"},
        401: {"description": "missing or wrong bearer token"},
        403: {"description": "the server accepts no writes (started without --token)"},
        413: {"description": "upload too large, or an HTML page too slow to read"},
        415: {"description": f"content type not one of {', '.join(CONTENT_TYPES)}"},
        422: {"description": "a document holds no article text; nothing was stored"},
    },
)
async def add_articles(
    request: Request,
    state: State,
    authorization: Annotated[str | None, Header()] = None,
) -> Any:
    """Add articles: a JSONL body (one article a line: `text` required; `title`, `url`,
    `outlet`, `published`, `author`, `id`, `language` optional), a JSON array of such
    objects, or one HTML page. The whole upload is checked before anything is stored; the
    stories it changes are rebuilt before the reply, which lists them, and counts the new
    articles not in English by language (`not_english`: stored, not analysed)."""
    _authorised(state, authorization)
    try:
        fmt = upload_format(request.headers.get("content-type"))
        data = await _body(request, state.max_upload)
        upload = await run_in_threadpool(read_upload, data, fmt)
    except UploadRefused as refused:
        log.info("upload refused (%d): %s", refused.status, refused.message)
        return JSONResponse(
            {"detail": refused.message, "errors": refused.errors}, status_code=refused.status
        )
    result = await run_in_threadpool(_ingest, state, upload)
    log.info(
        "upload: %d articles read, %d new, %d stories changed",
        result["read"], result["added"], len(result["stories"]),
    )  # fmt: skip
    return JSONResponse(result, status_code=201 if result["added"] else 200)
