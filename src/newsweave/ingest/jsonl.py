"""JSONL (one article a line) and JSON arrays of the same objects.

`text` is required; `title`, `url`, `outlet`, `published` (ISO date or datetime), `author` and
`id` are optional. A bad line is an error naming the file and line; the good lines still come.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from newsweave.ingest.errors import IngestError
from newsweave.model import RawDocument

OPTIONAL_TEXT_FIELDS = ("title", "url", "outlet", "author", "id")


def parse_date(value: Any) -> date | None:
    """An ISO 8601 date or datetime string as a date; raises ValueError otherwise."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(f"'published' must be an ISO 8601 string, not {type(value).__name__}")
    text = value.strip().replace("Z", "+00:00")
    try:
        return (
            datetime.fromisoformat(text).date()
            if "T" in text or " " in text
            else date.fromisoformat(text)
        )
    except ValueError as exc:
        raise ValueError(f"'published' is not an ISO 8601 date: {value!r}") from exc


def from_object(source: str, where: str, obj: Any) -> RawDocument | IngestError:
    if not isinstance(obj, dict):
        return IngestError(where, "not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return IngestError(where, "missing required field 'text'")
    try:
        published = parse_date(obj.get("published"))
    except ValueError as exc:
        return IngestError(where, str(exc))
    fields = {}
    for name in OPTIONAL_TEXT_FIELDS:
        value = obj.get(name)
        fields[name] = str(value).strip() if value not in (None, "") else None
    return RawDocument(
        source=fields["url"] or source,
        text=text,
        format="jsonl",
        title=fields["title"],
        url=fields["url"],
        outlet=fields["outlet"],
        published=published,
        author=fields["author"],
        doc_id=fields["id"],
        needs_cleaning=True,
    )


def read_jsonl(source: str, lines: Iterable[str]) -> Iterator[RawDocument | IngestError]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(where, f"JSONL line {number}: invalid JSON ({exc.msg})")
            continue
        item = from_object(source, where, obj)
        if isinstance(item, IngestError):
            item = IngestError(where, f"JSONL line {number}: {item.reason}")
        yield item


def read_json_array(source: str, text: str) -> Iterator[RawDocument | IngestError]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        yield IngestError(source, f"invalid JSON ({exc.msg} at line {exc.lineno})")
        return
    if not isinstance(items, list):
        yield IngestError(source, "a JSON file must hold an array of article objects")
        return
    for n, obj in enumerate(items):
        yield from_object(source, f"{source}[{n}]", obj)
