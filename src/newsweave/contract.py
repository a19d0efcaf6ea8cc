"""The JSON contract: stories and articles as plain dicts, the one encoding every output uses.

`stories.json` in the report, the web API and the store's analysis column all write a story
through these functions, so a key renamed here is renamed everywhere and the README's contract
is the only description of it. Keys listed in the README stay, in this order; new ones may be
added after them. Dates are ISO 8601 strings or null, never omitted, so a reader can tell
"unknown" from "missing".

`analysis_from_dict` reads the analysis back; it accepts every encoding the store has written
(each item's keys by name, in any order, a missing `story_id` as None).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from newsweave.model import (
    Article,
    Disagreement,
    Evolution,
    Fact,
    OutletCoverage,
    QuoteVariant,
    Statement,
    Story,
    StoryEntity,
    StoryQuote,
    TimelineEvent,
    Version,
)

ANALYSIS = ("entities", "facts", "disagreements", "quotes", "coverage", "timeline", "evolutions")
"""The sections of a story's cross-source analysis, kept and read whole with its story."""


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def article_to_dict(article: Article, *, removed: bool = False) -> dict[str, Any]:
    """One article; the contract keys first, then `outlet_label` (how citations name it).
    With `removed`, also what the cleaner took out of it and by which rule."""
    data: dict[str, Any] = {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "outlet": article.outlet,
        "published": iso(article.published),
        "published_estimated": article.published_estimated,
        "credits": list(article.credits),
        "author": article.author,
        "url": article.url,
        "text": article.text,
        "outlet_label": article.outlet_label,
        "format": article.format,
        "external_id": article.external_id,
        "language": article.language,
        "title_derived": article.title_derived,
        "dateline": article.dateline,
    }
    if removed:
        data["removed"] = [{"text": r.text, "rule": r.rule} for r in article.removed]
    return data


def timeline_event_to_dict(event: TimelineEvent) -> dict[str, Any]:
    """One timeline event; `story_id` only when the event is a story of its own."""
    data: dict[str, Any] = {
        "date": event.date.isoformat(),
        "granularity": event.granularity,
        "text": event.text,
        "outlets": list(event.outlets),
        "article_ids": list(event.article_ids),
        "sources": event.sources,
        "source_names": list(event.source_names),
        "variants": list(event.variants),
        "salience": round(event.salience, 4),
    }
    if event.story_id:
        data["story_id"] = event.story_id
    return data


def timeline_event_from_dict(data: dict[str, Any]) -> TimelineEvent:
    """`timeline_event_to_dict`'s output back; JSON written before events carried sources,
    variants and salience loads with its outlets as the sources and no salience."""
    fields = {k: v for k, v in data.items() if k in TimelineEvent.__dataclass_fields__}
    event = TimelineEvent(**{**fields, "date": date.fromisoformat(data["date"])})
    if "sources" not in data:
        event.sources = len(event.outlets)
        event.source_names = list(event.outlets)
    return event


def analysis_to_dict(story: Story) -> dict[str, Any]:
    """The story's cross-source analysis: the `ANALYSIS` sections, in that order, then how
    its event date is known (granularity, inferred), which the stories table's `event_date`
    column does not hold."""
    return {
        "entities": [asdict(e) for e in story.entities],
        "facts": [
            {"text": f.text, "outlets": f.outlets, "sources": f.sources,
             "source_names": f.source_names, "article_ids": f.article_ids,
             "statements": [asdict(x) for x in f.statements]}
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
        "coverage": [asdict(c) for c in story.coverage],
        "timeline": [timeline_event_to_dict(e) for e in story.timeline],
        "evolutions": [
            {"about": e.about, "kind": e.kind, "versions": [asdict(v) for v in e.versions]}
            for e in story.evolutions
        ],
        "event_date_granularity": story.event_date_granularity,
        "event_date_inferred": story.event_date_inferred,
    }  # fmt: skip


def analysis_from_dict(story: Story, data: dict[str, Any]) -> None:
    """Set the story's analysis from `analysis_to_dict`'s output; a missing section is empty."""
    story.entities = [StoryEntity(**e) for e in data.get("entities", [])]
    story.facts = [
        Fact(**{**f, "statements": [Statement(**x) for x in f["statements"]]})
        for f in data.get("facts", [])
    ]
    story.disagreements = [
        Disagreement(d["about"], d["kind"], [Version(**v) for v in d["versions"]])
        for d in data.get("disagreements", [])
    ]
    story.evolutions = [
        Evolution(e["about"], e["kind"], [Version(**v) for v in e["versions"]])
        for e in data.get("evolutions", [])
    ]
    story.quotes = [
        StoryQuote(**{**q, "variants": [QuoteVariant(**v) for v in q["variants"]]})
        for q in data.get("quotes", [])
    ]
    story.coverage = [OutletCoverage(**c) for c in data.get("coverage", [])]
    story.timeline = [timeline_event_from_dict(e) for e in data.get("timeline", [])]
    story.event_date_granularity = data.get("event_date_granularity", "day")
    story.event_date_inferred = bool(data.get("event_date_inferred", False))


def story_to_dict(story: Story) -> dict[str, Any]:
    """One story; each summary sentence also says which article sentence it was taken from.
    `event_date_granularity` says how precisely `event_date` is known ("day", "month",
    "year"), `event_date_inferred` whether it comes from other stories' mentions of this
    story's event rather than from its own articles."""
    analysis = analysis_to_dict(story)
    return {
        "id": story.id,
        "title": story.title,
        "event_date": iso(story.event_date),
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
        "facts": analysis["facts"],
        "disagreements": analysis["disagreements"],
        "quotes": analysis["quotes"],
        "entities": analysis["entities"],
        "coverage": analysis["coverage"],
        "storyline": story.storyline,
        "timeline": analysis["timeline"],
        "evolutions": analysis["evolutions"],
        "event_date_granularity": story.event_date_granularity,
        "event_date_inferred": story.event_date_inferred,
    }
