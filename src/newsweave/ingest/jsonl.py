"""JSONL (one article a line) and JSON files holding an array of the same objects.

`text` is required; `title`, `url`, `outlet`, `published`, `author`, `id` and `language` (the
language the source states, "ko" or "pt-BR": kept instead of the one newsweave would detect)
are optional. A bad line is an error naming the file and line, and the good lines still come through: one broken
record in a dump of thousands must not cost the rest. A malformed optional field (a date in no
stated format, an object where a string belongs) costs only that field: the article is kept and
carries a warning. Each document's `source` is "path:LINE", so every article can be traced back
to its line, and messages about a line do not repeat its number.

A line of a newsweave export (`newsweave export`, `"cleaned": true`) is an article already
cleaned: its text is kept as it is (cleaning is not idempotent, and the article's id derives
from its cleaned body), and its `source`, `format`, `credits`, `removed`,
`published_estimated`, `language`, `title_derived` and `dateline` are taken as the export
wrote them, so that a re-import gives back the articles that were exported. So is its
`article_id`: the body may have lost lines learned as its site's boilerplate after the id was
made from it.

JSONL is read line by line from the file (gzipped or not), whatever its size; a line is read
`MAX_LINE_BYTES` at most at a time, and a longer one skipped unread. JSON is UTF-8: a byte that
is not is replaced with U+FFFD (with a warning) rather than costing its line. Nesting deeper than
`MAX_DEPTH` is refused before parsing, since Python's parser recurses once per level and would
fail with a RecursionError at a depth that depends on the stack.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from itertools import accumulate
from pathlib import Path
from typing import Any, Protocol, TextIO

from newsweave.ingest.decode import decode_utf8
from newsweave.ingest.errors import IngestError, Item, in_words
from newsweave.model import RawDocument, Removal

_ARTICLE_ID = re.compile(r"[0-9a-f]{16}")

MAX_LINE_BYTES = 5 * 1024 * 1024
"""The longest JSONL line read, as large as the largest page `fetch` downloads."""
MAX_DEPTH = 100
"""The deepest nesting of arrays and objects read; an article object needs two or three."""
OPTIONAL_FIELDS = ("title", "url", "outlet", "author", "id", "language")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_GZIP_MAGIC = b"\x1f\x8b"


class Lines(Protocol):
    """A stream read a line at a time, at most `size` bytes of it per call."""

    def readline(self, size: int = -1, /) -> bytes: ...


def too_deep(text: str) -> bool:
    """Whether JSON `text` nests arrays and objects more than `MAX_DEPTH` levels deep.

    Brackets inside strings do not count. Text with fewer brackets than the limit (nearly
    every article) is passed on a count alone."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    steps = map(_STEP.__getitem__, _BRACKET.findall(_STRING.sub("", text)))
    return max(accumulate(steps), default=0) > MAX_DEPTH


def _kind(value: Any) -> str:
    """A JSON value's type as the JSON spec names it: 'an object', 'a number'."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else "a string"


def parse_date(value: Any) -> date | None:
    """The calendar date an ISO 8601 date or datetime ("1998-10-22", "1998-10-22 10:30:00",
    "1998-10-22T10:30Z") or an RFC 2822 date (as feeds write: "Thu, 22 Oct 1998 10:30:00
    +0200") names; ValueError, with the message a warning gives, for anything else.

    A datetime's date is taken as written, not shifted to UTC: "2020-01-02T23:30-05:00" was
    published on the 2nd where it was published. Numeric forms such as "10/22/1998" are
    refused: read month first or day first, half of them name another day.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"'published' dropped: {_kind(value)}, not a date string")
    text = value.strip()
    try:
        return date.fromisoformat(text) if len(text) <= 10 else datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    raise ValueError(f"'published' dropped: {value!r} is not an ISO 8601 or RFC 2822 date")


def _string(obj: dict[str, Any], name: str) -> str | None:
    """An optional field as text; a list of strings (several authors) is joined with '; ', a
    number written out. ValueError, with the message a warning gives, for any other type."""
    value = obj.get(name)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "; ".join(v.strip() for v in value if v.strip())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    elif value is not None and not isinstance(value, str):
        raise ValueError(f"'{name}' dropped: {_kind(value)}, not a string")
    if value is None:
        return None
    return value.strip() or None


def from_object(where: str, obj: Any, fmt: str) -> RawDocument | str:
    """The document an article object describes, or the reason it is not one (no text)."""
    if not isinstance(obj, dict):
        return f"not a JSON object but {_kind(obj)}"
    text = obj.get("text")
    if text is None:
        return "missing required field 'text'"
    if not isinstance(text, str):
        return f"field 'text' must be a string, not {_kind(text)}"
    if not text.strip():
        return "field 'text' is empty"
    found: dict[str, str | None] = {}
    warnings = []
    for name in OPTIONAL_FIELDS:
        try:
            found[name] = _string(obj, name)
        except ValueError as exc:
            found[name] = None
            warnings.append(str(exc))
    try:
        published = parse_date(obj.get("published"))
    except ValueError as exc:
        published = None
        warnings.append(str(exc))
    document = RawDocument(
        source=where,
        text=text,
        format=fmt,
        title=found["title"],
        url=found["url"],
        outlet=found["outlet"],
        published=published,
        author=found["author"],
        doc_id=found["id"],
        language=found["language"],
        needs_cleaning=True,
        warnings=warnings,
    )
    if obj.get("cleaned") is True:
        _as_exported(document, obj)
    return document


def _as_exported(document: RawDocument, obj: dict[str, Any]) -> None:
    """Take what an export line says of its article (see the module docstring); a field of
    the wrong shape is dropped with a warning, as any other field."""
    document.needs_cleaning = False
    for name in ("source", "format"):
        value = obj.get(name)
        if isinstance(value, str) and value.strip():
            setattr(document, name, value)
        elif value is not None:
            document.warnings.append(f"'{name}' dropped: {_kind(value)}, not a string")
    credits = obj.get("credits", [])
    if isinstance(credits, list) and all(isinstance(c, str) for c in credits):
        document.credits = list(credits)
    else:
        document.warnings.append("'credits' dropped: not a list of strings")
    removed = obj.get("removed", [])
    if isinstance(removed, list) and all(
        isinstance(r, dict) and isinstance(r.get("text"), str) and isinstance(r.get("rule"), str)
        for r in removed
    ):
        document.removed = [Removal(r["text"], r["rule"]) for r in removed]
    else:
        document.warnings.append("'removed' dropped: not a list of objects with text and rule")
    stored_id = obj.get("article_id")
    if isinstance(stored_id, str) and _ARTICLE_ID.fullmatch(stored_id):
        document.article_id = stored_id
    document.published_estimated = obj.get("published_estimated") is True
    document.title_derived = obj.get("title_derived") is True and document.title is not None
    language = obj.get("language")
    document.language = language if isinstance(language, str) and language.strip() else None
    dateline = obj.get("dateline")
    document.dateline = dateline if isinstance(dateline, str) and dateline.strip() else None


def _parse(text: str, *, one_line: bool) -> Any:
    """The JSON value of `text` (`one_line`: a JSONL line); ValueError with the reason it is
    not read, and where in the text."""
    if too_deep(text):
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        line = "" if one_line else f"line {exc.lineno} "
        raise ValueError(f"invalid JSON ({exc.msg} at {line}column {exc.colno})") from None
    except RecursionError:  # below MAX_DEPTH only on an already very deep stack
        raise ValueError(f"nested too deeply to be read here (limit {MAX_DEPTH})") from None


def _line(where: str, raw: bytes) -> Item:
    """The article on one JSONL line, or why there is none; `where` is "path:LINE"."""
    decoded = decode_utf8(raw)
    try:
        obj = _parse(decoded.text, one_line=True)
    except ValueError as exc:
        return IngestError(where, str(exc))
    item = from_object(where, obj, "jsonl")
    if isinstance(item, str):
        return IngestError(where, item)
    if decoded.warning:
        item.warnings.insert(0, decoded.warning)
    return item


def _lines(stream: Lines) -> Iterator[bytes | None]:
    """Every line of `stream`, its newline kept; None for a line over `MAX_LINE_BYTES`, which
    is read past in pieces of that size, never held whole."""
    limit = MAX_LINE_BYTES
    while chunk := stream.readline(limit + 1):
        complete = chunk.endswith(b"\n")
        if len(chunk) - complete <= limit:
            yield chunk
            continue
        while not complete:
            chunk = stream.readline(limit + 1)
            complete = not chunk or chunk.endswith(b"\n")
        yield None


def stream_jsonl(source: str, stream: Lines) -> Iterator[Item]:
    """Every article of a JSONL stream, read a line at a time: blank lines skipped, each bad
    line an error; where the stream breaks (a truncated or damaged gzip, a read error) one
    error names the line, after every line before it."""
    number = 0
    try:
        for number, line in enumerate(_lines(stream), 1):
            where = f"{source}:{number}"
            if line is None:
                yield IngestError(
                    where, f"line longer than {in_words(MAX_LINE_BYTES)}: skipped unread"
                )
            elif line := line.removeprefix(codecs.BOM_UTF8).strip():
                yield _line(where, line)
    except EOFError:
        yield IngestError(
            f"{source}:{number + 1}",
            "compressed file truncated here; every line before it was read",
        )
    except (zlib.error, gzip.BadGzipFile) as exc:
        yield IngestError(
            f"{source}:{number + 1}",
            f"compressed file damaged here ({exc}); every line before it was read",
        )
    except OSError as exc:
        yield IngestError(
            f"{source}:{number + 1}",
            f"cannot be read from here on ({exc.strerror or exc}); every line before it was read",
        )


def read_jsonl(source: str, data: bytes) -> Iterator[Item]:
    """Every article of JSONL held in memory (an upload, a UTF-16 file re-encoded), as
    `stream_jsonl` reads a file."""
    yield from stream_jsonl(source, io.BytesIO(data))


def read_jsonl_file(path: Path) -> Iterator[Item]:
    """Every article of a JSONL file, plain or gzipped, streamed whatever its size."""
    try:
        with Path(path).open("rb") as raw:
            if raw.read(2) != _GZIP_MAGIC:
                raw.seek(0)
                yield from stream_jsonl(str(path), raw)
                return
            raw.seek(0)
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield from stream_jsonl(str(path), unzipped)
    except OSError as exc:
        yield IngestError(str(path), f"cannot be read ({exc.strerror or exc})")


class _Encoded:
    """A text stream (stdin as a test or caller hands it) read as UTF-8 bytes, a line at a time."""

    def __init__(self, text: TextIO) -> None:
        self._text = text

    def readline(self, size: int = -1, /) -> bytes:
        return self._text.readline(size).encode("utf-8", "surrogateescape")


def read_jsonl_stdin(stdin: TextIO) -> Iterator[Item]:
    """Every article of JSONL piped in: read as bytes where the stream has them."""
    buffer = getattr(stdin, "buffer", None)
    yield from stream_jsonl("<stdin>", buffer if buffer is not None else _Encoded(stdin))


def read_json(source: str, data: bytes) -> Iterator[Item]:
    """A JSON file: an array of article objects (or a single one)."""
    decoded = decode_utf8(data)
    try:
        items = _parse(decoded.text, one_line=False)
    except ValueError as exc:
        yield IngestError(source, str(exc))
        return
    warning = decoded.warning  # the file's, told once: with its first document
    for n, obj in enumerate(items if isinstance(items, list) else [items]):
        where = f"{source}[{n}]"
        item = from_object(where, obj, "json")
        if isinstance(item, str):
            yield IngestError(where, item)
            continue
        if warning:
            item.warnings.insert(0, f"the file holds {warning}")
            warning = None
        yield item
