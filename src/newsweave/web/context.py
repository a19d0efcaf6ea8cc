"""What every route needs: the store (one connection per worker thread), the templates, the
upload settings. Kept on `app.state.web`; routes reach it through `web(request)`.

FastAPI runs plain `def` routes in a thread pool, and an SQLite connection belongs to the
thread that opened it; a connection per worker thread keeps SQLite's page cache warm between
requests (opening one per request would throw it away) and lets queries run side by side.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import HTTPException, Request
from jinja2 import ChoiceLoader, Environment, PackageLoader
from markupsafe import Markup

from newsweave.model import TimelineEvent, citations, paragraphs
from newsweave.nlp.language import not_analysed_note
from newsweave.render.dates import date_label, event_date_label
from newsweave.render.html import language_label, safe_url, shared, shown_events
from newsweave.store import Store, open_store
from newsweave.web.coverage import KINDS, coverage_bar
from newsweave.web.upload import MAX_UPLOAD_BYTES


class StorePerThread:
    """Opens the store once per thread that asks for it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = open_store(self.path)
        return store


@dataclass
class Web:
    """The app's shared state."""

    store_path: Path
    token: str | None = None
    analyse: bool = True
    max_upload: int = MAX_UPLOAD_BYTES
    stores: StorePerThread = field(init=False)
    upload_lock: threading.Lock = field(default_factory=threading.Lock)
    annotator: Any = None  # pipeline.Annotator, made on the first upload (it loads spaCy)
    detector: Any = None  # nlp.language.LanguageDetector, made on the first upload

    def __post_init__(self) -> None:
        self.stores = StorePerThread(self.store_path)

    @property
    def store(self) -> Store:
        return self.stores.get()


def web(request: Request) -> Web:
    return request.app.state.web


def parse_day(value: str | None, name: str) -> date | None:
    """An ISO date from a query string; empty is None (forms send empty fields), junk a 422."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise HTTPException(422, f"{name}: not an ISO date (YYYY-MM-DD): {value!r}") from None


def path_part(value: str) -> str:
    """A name as one URL path segment, every reserved character escaped ("/" too)."""
    return quote(value, safe="")


def query(**params: Any) -> str:
    """A query string of the parameters that are set ("?a=1&b=x"), or "" if none is."""
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


def day(value: date | None, granularity: str = "day") -> str:
    """A date as precise as it is known: "2015-10" for a month, "2015" for a year."""
    return date_label(value, granularity) if value else "date unknown"


@cache
def _timeline_svg() -> Any:
    """`newsweave.render.timeline_svg.timeline_svg` when that renderer is installed, else None
    (the events are then listed)."""
    try:
        from newsweave.render.timeline_svg import timeline_svg
    except ImportError:
        return None
    return timeline_svg


def timeline_graphic(events: list[TimelineEvent]) -> Markup | None:
    """The timeline drawn as inline SVG by the render package's renderer, if there is one.

    That renderer escapes what it draws (it writes static reports too), so its output is
    markup; the CSP forbids scripts in it either way.
    """
    render = _timeline_svg()
    if render is None or not events:
        return None
    return Markup(render(events))  # the renderer escapes: it writes static reports too


@cache
def templates() -> Environment:
    """The web UI's templates, and the render package's: a story's sections are the report's
    (`_story.html.j2`), so the page and the static report show a story alike."""
    env = Environment(
        loader=ChoiceLoader(
            [PackageLoader("newsweave.web", "templates"), PackageLoader("newsweave.render")]
        ),
        autoescape=True,  # every template, whatever its name
        trim_blocks=True,
        lstrip_blocks=True,
    )
    shared(env)
    env.globals["timeline_drawing"] = timeline_graphic
    env.globals["story_link"] = lambda story_id: f"/stories/{path_part(story_id)}"
    env.filters.update(safe_url=safe_url, paragraphs=paragraphs, path=path_part, day=day)
    env.filters.update(top_events=shown_events)
    env.globals.update(citations=citations, query=query, timeline_graphic=timeline_graphic)
    env.globals.update(language_label=language_label, not_analysed_note=not_analysed_note)
    env.globals.update(event_date_label=event_date_label)
    env.globals.update(coverage_bar=coverage_bar, coverage_kinds=KINDS)
    return env


def render(name: str, **context: Any) -> str:
    return templates().get_template(name).render(**context)
