"""Stories as one self-contained HTML page: inline CSS, no scripts, no external assets.

The page is a file to mail or open offline, so it carries everything it needs, and a
Content-Security-Policy that forbids scripts and remote loads. Article text is untrusted:
Jinja2 autoescapes every value, and only http(s) URLs ever become links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from newsweave import __version__
from newsweave.model import Article, Story, SummarySentence
from newsweave.render.timeline_svg import timeline_svg


@dataclass(frozen=True, slots=True)
class Citation:
    """One outlet cited by a summary sentence, and its articles in the story (may be none)."""

    label: str
    articles: list[Article] = field(default_factory=list)


def citations(story: Story, sentence: SummarySentence) -> list[Citation]:
    """The sentence's citations, one per outlet, in the order the sentence lists them."""
    members = {a.id: a for a in story.articles}
    grouped: dict[str, list[Article]] = {}
    for article in (members[i] for i in sentence.article_ids if i in members):
        grouped.setdefault(article.outlet_label, []).append(article)
    for label in sentence.outlets:  # an outlet whose article is not in the story: a plain chip
        grouped.setdefault(label, [])
    return [Citation(label, articles) for label, articles in grouped.items()]


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link with a host, else None: never `javascript:`."""
    url = (url or "").strip()
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def paragraphs(text: str) -> list[str]:
    """Cleaned text keeps one paragraph per line."""
    return [p.strip() for p in text.split("\n") if p.strip()]


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
    return env


def render_html(stories: Iterable[Story], generated_at: datetime | None = None) -> str:
    """The report page: a table of contents, then each story with its cited summary and articles."""
    moment = (generated_at or datetime.now(UTC)).astimezone(UTC)
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            stories=list(stories),
            generated_at=moment.strftime("%Y-%m-%d %H:%M UTC"),
            version=__version__,
        )
    )
