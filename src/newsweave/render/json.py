"""Stories as JSON: the contract other tools read (documented in the README).

Keys listed in the README stay, in this order; new ones may be added after them. Dates are
ISO 8601 strings or null, never omitted, so a reader can tell "unknown" from "missing".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from typing import Any

from newsweave.model import Article, Story, TimelineEvent


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def article_to_dict(article: Article) -> dict[str, Any]:
    """One article; the contract keys first, then `outlet_label` (how citations name it)."""
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
        "outlet_label": article.outlet_label,
        "format": article.format,
        "external_id": article.external_id,
    }


def timeline_event_to_dict(event: TimelineEvent) -> dict[str, Any]:
    """One timeline event; `story_id` only when the event is a story of its own."""
    data: dict[str, Any] = {
        "date": event.date.isoformat(),
        "granularity": event.granularity,
        "text": event.text,
        "outlets": list(event.outlets),
        "article_ids": list(event.article_ids),
    }
    if event.story_id:
        data["story_id"] = event.story_id
    return data


def story_to_dict(story: Story) -> dict[str, Any]:
    """One story; each summary sentence also says which article sentence it was taken from."""
    return {
        "id": story.id,
        "title": story.title,
        "event_date": _iso(story.event_date),
        "outlets": story.outlets,
        "articles": [article_to_dict(a) for a in story.articles],
        "summary": [
            {
                "text": s.text,
                "outlets": list(s.outlets),
                "article_ids": list(s.article_ids),
                "article_id": s.article_id,
                "sentence_index": s.sentence_index,
            }
            for s in story.summary
        ],
        "facts": [
            {"text": f.text, "outlets": f.outlets, "sources": f.sources, "source_names": f.source_names,
             "article_ids": f.article_ids, "statements": [asdict(x) for x in f.statements]}
            for f in story.facts
        ],
        "disagreements": [
            {"about": d.about, "kind": d.kind, "versions": [asdict(v) for v in d.versions]}
            for d in story.disagreements
        ],
        "quotes": [
            {"text": q.text, "speaker": q.speaker, "cue": q.cue, "outlets": q.outlets,
             "article_ids": q.article_ids, "variants": [asdict(v) for v in q.variants]}
            for q in story.quotes
        ],
        "entities": [asdict(e) for e in story.entities],
        "coverage": [asdict(c) for c in story.coverage],
        "storyline": story.storyline,
        "timeline": [timeline_event_to_dict(e) for e in story.timeline],
    }  # fmt: skip


def stories_to_json(stories: Iterable[Story]) -> str:
    """`{"stories": [...]}`, indented, UTF-8 text kept as is (not \\u-escaped)."""
    data = {"stories": [story_to_dict(s) for s in stories]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
