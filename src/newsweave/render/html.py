"""Stories as one self-contained HTML page (inline CSS, no scripts, no external assets).

Article text is untrusted: Jinja2 autoescaping is on for every value, and links are only
rendered for http(s) URLs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from newsweave import __version__
from newsweave.model import Story


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link, else None: never a `javascript:` or `data:` href."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newsweave.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["paragraphs"] = paragraphs
    return env


def render_html(stories: Iterable[Story], generated_at: datetime | None = None) -> str:
    stories = list(stories)
    template = environment().get_template("report.html.j2")
    return template.render(
        stories=stories,
        generated_at=(generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
    )
