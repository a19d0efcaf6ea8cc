"""Stories as one self-contained HTML page: inline CSS, no scripts, no external assets.

The page is a file to mail or open offline, so it carries everything it needs, and a
Content-Security-Policy that forbids scripts and remote loads. Article text is untrusted:
Jinja2 autoescapes every value, and only http(s) URLs ever become links.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from newsweave import __version__
from newsweave.analysis.storyline import gather_storylines
from newsweave.analysis.timeline import DEFAULT_LIMIT, top_events
from newsweave.model import Article, Story, TimelineEvent, citations, paragraphs
from newsweave.nlp.language import is_analysed, language_name, not_analysed_note
from newsweave.render.dates import event_date_label
from newsweave.render.timeline_svg import timeline_svg


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link with a host, else None: never `javascript:`."""
    url = (url or "").strip()
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newsweave.render", "templates"),
        autoescape=True,  # every value, whatever the template's name
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["paragraphs"] = paragraphs
    env.globals["citations"] = citations
    env.globals["timeline_svg"] = lambda events: Markup(timeline_svg(events))  # escaped inside
    env.globals["language_label"] = language_label
    env.globals["not_analysed_note"] = not_analysed_note
    env.filters["top_events"] = shown_events
    env.globals["event_date_label"] = event_date_label
    return env


def shown_events(events: list[TimelineEvent], limit: int | None) -> list[TimelineEvent]:
    """The `limit` most salient events in date order (`top_events`); all for 0 or None."""
    return top_events(events, limit)[0]


def language_label(article: Article) -> Markup:
    """A small label with the language of an article the English analysis leaves out, so a
    reader sees why it adds nothing to the summary; nothing for English (or unidentified)."""
    if is_analysed(article) or article.language is None:
        return Markup("")
    return Markup(' <span class="chip" title="{}: not analysed">{}</span>').format(
        language_name(article.language), article.language
    )


TIMELINE_EVENTS = DEFAULT_LIMIT
"""Events a report shows per timeline: the most salient (`top_events`)."""


def render_html(
    stories: Iterable[Story],
    generated_at: datetime | None = None,
    timeline_events: int = TIMELINE_EVENTS,
) -> str:
    """The report page: a table of contents, the storylines once each (their stories and one
    timeline), then each story with its cited summary, its own timeline and its articles."""
    moment = (generated_at or datetime.now(UTC)).astimezone(UTC)
    stories = list(stories)
    storylines = gather_storylines(stories)
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            stories=stories,
            storylines=storylines,
            storyline_ids={line.id for line in storylines},
            events_shown=timeline_events,
            generated_at=moment.strftime("%Y-%m-%d %H:%M UTC"),
            version=__version__,
        )
    )
