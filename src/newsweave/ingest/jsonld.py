"""The JSON-LD (schema.org) a page carries about itself: its publisher, authors, article body.

Publishers state these for search engines, so they are often more complete than the visible
page (a body rendered by scripts, a paywall teaser), though not always about this page alone
(a site's `Organization`, related articles): readers pick the objects they need by type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

MAX_JSON_CHARS = 500_000
"""JSON-LD blocks larger than this are not parsed (a real one, body included, is under 100 KB)."""
ARTICLE_TYPES = re.compile(r"article|posting|report|blog|webpage", re.I)
"""Types of the object that describes the page's own text (NewsArticle, BlogPosting...)."""


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a JSON-LD value, depth first (`@graph` included)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every object of the page's `application/ld+json` scripts, in page order; a block that
    is not JSON is skipped."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().casefold() != "application/ld+json":
            continue
        text = script.text or ""
        if len(text) > MAX_JSON_CHARS:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        yield from _walk(data)


def types(obj: dict[str, Any]) -> str:
    """An object's `@type`, several joined with spaces."""
    kind = obj.get("@type")
    return " ".join(k for k in kind if isinstance(k, str)) if isinstance(kind, list) else str(kind)


def article_bodies(tree: HtmlElement) -> list[str]:
    """The `articleBody` texts of the page's article objects, longest first."""
    found = [
        obj["articleBody"]
        for obj in objects(tree)
        if ARTICLE_TYPES.search(types(obj)) and isinstance(obj.get("articleBody"), str)
    ]
    return sorted((b for b in found if b.strip()), key=len, reverse=True)
