"""JSONL (one article a line) and JSON files holding an array of the same objects.

`text` is required; `title`, `url`, `outlet`, `published` (ISO 8601 date or datetime), `author`
and `id` are optional. A bad line is an error naming the file and line, and the good lines still
come through: one broken record in a dump of thousands must not cost the rest. Each document's
`source` is "path:LINE", so every article can be traced back to its line.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from newsweave.ingest.decode import decode
from newsweave.ingest.errors import IngestError, Item
from newsweave.model import RawDocument

OPTIONAL_FIELDS = {"title": "title", "url": "url", "outlet": "outlet", "author": "author"}


def parse_date(value: Any) -> date | None:
    """An ISO 8601 date or datetime as the calendar date it names; ValueError otherwise.

    A datetime's date is taken as written, not shifted to UTC: "2020-01-02T23:30-05:00" was
    published on the 2nd where it was published.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"'published' must be an ISO 8601 string, not {type(value).__name__}")
    text = value.strip()
    try:
        return date.fromisoformat(text) if len(text) <= 10 else datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"'published' is not an ISO 8601 date: {value!r}") from None


def _string(obj: dict[str, Any], name: str) -> str | None:
    """An optional field as text; a list of strings (several authors) is joined with '; '."""
    value = obj.get(name)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "; ".join(v.strip() for v in value if v.strip())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    elif value is not None and not isinstance(value, str):
        raise ValueError(f"field '{name}' must be a string, not {type(value).__name__}")
    if value is None:
        return None
    return value.strip() or None


def from_object(where: str, obj: Any, fmt: str) -> RawDocument | str:
    """The document an article object describes, or the reason it is not one."""
    if not isinstance(obj, dict):
        return f"not a JSON object but {type(obj).__name__}"
    text = obj.get("text")
    if text is None:
        return "missing required field 'text'"
    if not isinstance(text, str):
        return f"field 'text' must be a string, not {type(text).__name__}"
    if not text.strip():
        return "field 'text' is empty"
    try:
        fields = {name: _string(obj, name) for name in (*OPTIONAL_FIELDS, "id")}
        published = parse_date(obj.get("published"))
    except ValueError as exc:
        return str(exc)
    return RawDocument(
        source=where,
        text=text,
        format=fmt,
        title=fields["title"],
        url=fields["url"],
        outlet=fields["outlet"],
        published=published,
        author=fields["author"],
        doc_id=fields["id"],
        needs_cleaning=True,
    )


def _line(where: str, number: int, line: str) -> Item:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return IngestError(where, f"JSONL line {number}: invalid JSON ({exc.msg})")
    item = from_object(where, obj, "jsonl")
    return IngestError(where, f"JSONL line {number}: {item}") if isinstance(item, str) else item


def read_jsonl_lines(source: str, lines: Iterable[str]) -> Iterator[Item]:
    """Every article of already-decoded JSONL lines (stdin); blank lines are skipped."""
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield _line(f"{source}:{number}", number, line.removeprefix("\ufeff"))


def read_jsonl(source: str, data: bytes, first_line: int = 1) -> Iterator[Item]:
    """Every article of a JSONL file, each line decoded on its own so one bad line stays one."""
    for number, raw in enumerate(data.split(b"\n"), first_line):
        if not raw.strip():
            continue
        where = f"{source}:{number}"
        line = decode(raw, fallback=False)
        if line is None:
            yield IngestError(where, f"JSONL line {number}: not UTF-8 text")
        else:
            yield _line(where, number, line)


def stream_jsonl(source: str, lines: Iterable[bytes]) -> Iterator[Item]:
    """`read_jsonl` over a binary stream's lines: a corpus file of any size, in constant memory."""
    for number, raw in enumerate(lines, 1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        yield from read_jsonl(source, raw, first_line=number)


def read_json(source: str, data: bytes) -> Iterator[Item]:
    """A JSON file: an array of article objects (or a single one)."""
    text = decode(data, fallback=False)
    if text is None:
        yield IngestError(source, "not UTF-8 text (JSON must be UTF-8)")
        return
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        yield IngestError(source, f"invalid JSON ({exc.msg} at line {exc.lineno})")
        return
    for n, obj in enumerate(items if isinstance(items, list) else [items]):
        where = f"{source}[{n}]"
        item = from_object(where, obj, "json")
        yield IngestError(where, f"JSON item {n}: {item}") if isinstance(item, str) else item
