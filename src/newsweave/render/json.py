"""Stories as JSON: the contract other tools read (documented in the README).

Keys listed in the README stay; new ones may be added. Dates are ISO 8601 strings or null.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from newsweave.model import Article, Story


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "outlet": article.outlet,
        "published": _iso(article.published),
        "published_estimated": article.published_estimated,
        "credits": list(article.credits),
        "author": article.author,
        "url": article.url,
        "text": article.text,
    }


def story_to_dict(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "event_date": _iso(story.event_date),
        "outlets": story.outlets,
        "articles": [article_to_dict(a) for a in story.articles],
        "summary": [
            {"text": s.text, "outlets": list(s.outlets), "article_ids": list(s.article_ids)}
            for s in story.summary
        ],
    }


def stories_to_json(stories: Iterable[Story]) -> str:
    return json.dumps(
        {"stories": [story_to_dict(s) for s in stories]}, ensure_ascii=False, indent=2
    )
