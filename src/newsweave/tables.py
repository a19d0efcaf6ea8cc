"""The corpus as tables: what `newsweave spark digest` writes and `newsweave import` reads.

A corpus built on Spark leaves one folder of Parquet tables, each a folder Spark wrote
(`_SUCCESS` marks it whole), and `run.json` written last, which says the tables belong
together (a run killed while replacing them leaves no `run.json` or an older one):

- `articles`: one row per stored article: `id`, `ordinal` (its place in the input, the order
  the embedded store would have stored it in), `story_id`, `record` (the whole `Article` as
  JSON: `article_record`), `bands` and `signature` (its near-duplicate fingerprint, so a
  later `ingest` into the imported database finds copies of it), `salient` (the terms the
  story index posts it under).
- `stories`: `id`, `title`, `event_date`, `storyline`, `article_ids` (members, in story
  order), `summary` (JSON list of the summary's sentences with their citations), `analysis`
  (JSON: the story's cross-source analysis in the JSON contract, `contract.analysis_to_dict`).
- `errors`: `source`, `reason`: every input that could not be read or left nothing after
  cleaning, named as `ingest` names it.
- `terms`: `term`, `df`: in how many articles each term occurs (terms of one article only are
  left out), so that clustering later articles weighs words as the corpus does.

Rows are plain values (strings, integers, lists, bytes), so any Parquet reader can use them;
this module turns them into the model's dataclasses and back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from newsweave.contract import analysis_from_dict, analysis_to_dict, iso
from newsweave.model import (
    Article,
    Entity,
    Parsed,
    Quote,
    Removal,
    Sentence,
    Story,
    SummarySentence,
)

TABLES = ("articles", "stories", "errors", "terms")
RUN_FILE = "run.json"
"""Written last: the run's counts, and that its tables are complete."""

ARTICLE_COLUMNS = ("id", "ordinal", "story_id", "record", "bands", "signature", "salient")
STORY_COLUMNS = (
    "id", "title", "event_date", "storyline", "article_ids", "summary", "analysis",
)  # fmt: skip
ERROR_COLUMNS = ("source", "reason")
TERM_COLUMNS = ("term", "df")


def article_record(article: Article) -> str:
    """The whole article (annotations and parse, copy link, what cleaning removed) as JSON."""
    data = asdict(article)
    data["published"] = iso(article.published)
    if article.parse is not None:  # the verbs of each sentence: a set, as a sorted list
        data["parse"]["predicates"] = [sorted(p) for p in article.parse.predicates]
    return json.dumps(data, ensure_ascii=False)


def article_from_record(record: str) -> Article:
    """`article_record` read back."""
    data = json.loads(record)
    published = data.get("published")
    parse = data.get("parse")
    return Article(
        **{
            **data,
            "published": date.fromisoformat(published) if published else None,
            "removed": [Removal(**r) for r in data.get("removed", [])],
            "sentences": [Sentence(**s) for s in data.get("sentences", [])],
            "entities": [Entity(**e) for e in data.get("entities", [])],
            "parse": parse
            and Parsed(
                [Quote(**q) for q in parse["quotes"]], [frozenset(p) for p in parse["predicates"]]
            ),
        }
    )


def story_row(story: Story) -> tuple[Any, ...]:
    """The story's row of `stories`, in `STORY_COLUMNS` order."""
    return (
        story.id,
        story.title,
        iso(story.event_date),
        story.storyline,
        [a.id for a in story.articles],
        json.dumps([asdict(s) for s in story.summary], ensure_ascii=False),
        json.dumps(analysis_to_dict(story), ensure_ascii=False),
    )


def story_from_row(row: Mapping[str, Any], articles: Mapping[str, Article]) -> Story:
    """A `stories` row back as a `Story`, its members taken from `articles` by id (a member
    missing there is left out)."""
    members = [articles[i] for i in row["article_ids"] if i in articles]
    event_date = row.get("event_date")
    story = Story(
        id=row["id"],
        articles=members,
        title=row.get("title"),
        event_date=date.fromisoformat(event_date) if event_date else None,
        summary=[SummarySentence(**s) for s in json.loads(row.get("summary") or "[]")],
        storyline=row.get("storyline"),
    )
    analysis_from_dict(story, json.loads(row.get("analysis") or "{}"))
    return story


__all__ = [
    "ARTICLE_COLUMNS",
    "ERROR_COLUMNS",
    "RUN_FILE",
    "STORY_COLUMNS",
    "TABLES",
    "TERM_COLUMNS",
    "article_from_record",
    "article_record",
    "story_from_row",
    "story_row",
]
