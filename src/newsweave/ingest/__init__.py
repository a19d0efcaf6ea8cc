"""Readers per format, one `RawDocument` out per document.

`read_paths` walks files and directories, detects each file's format from its content and hands
the (decompressed) bytes to the reader registered for that format. Readers never raise for bad
input: they yield an `IngestError` naming the file (and line) and the problem, and the run goes
on. A new format is a module with a `(source, data) -> Iterator[Item]` function, one entry in
`READERS` and one detection rule in `detect.RULES`; readers take bytes, not text, so formats
that carry their own encoding (XML feeds) or binary records (WARC) fit the same slot.

Files are read whole up to `MAX_FILE_BYTES` (after decompression), except the formats in
`STREAMED`: WARC archives record by record and JSONL line by line, gzipped or not, whatever
their size. A document a reader could read only in part (a malformed field dropped, bytes that
were not text replaced) carries warnings (`RawDocument.warnings`) instead of being lost.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from newsweave.ingest.decode import from_utf16
from newsweave.ingest.detect import (
    GZIP_MAGIC,
    HEAD_BYTES,
    MAX_HEAD_LINE,
    Corrupt,
    TooLarge,
    decompress,
    detect_format,
    head_of,
)
from newsweave.ingest.errors import IngestError, Item, in_words
from newsweave.ingest.feeds import read_feed, read_opml
from newsweave.ingest.html import read_html
from newsweave.ingest.jsonl import read_json, read_jsonl, read_jsonl_file, read_jsonl_stdin
from newsweave.ingest.text import read_text
from newsweave.ingest.warc import Broken, Gunzip, read_warc, read_warc_file

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest file read whole (after decompression); streamed formats have no such limit."""
STDIN = "-"

Reader = Callable[[str, bytes], Iterator[Item]]
READERS: dict[str, Reader] = {
    "text": read_text,
    "html": read_html,
    "jsonl": read_jsonl,
    "json": read_json,
    "feed": read_feed,
    "opml": read_opml,
    "warc": read_warc,
}
"""Format name (as `detect_format` returns it) -> reader of that format's bytes."""

STREAMED: dict[str, Callable[[Path], Iterator[Item]]] = {
    "warc": read_warc_file,
    "jsonl": read_jsonl_file,
}
"""Formats read from the file itself, in constant memory and whatever their size (archives,
corpus dumps), gzipped or not."""


def _load(path: Path) -> bytes | IngestError:
    """The file's bytes, decompressed, or why they cannot be had."""
    source, limit = str(path), MAX_FILE_BYTES
    too_large = f"file larger than {in_words(limit)}"
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return IngestError(source, "not a regular file")
        if info.st_size > limit:
            return IngestError(source, too_large)
        return from_utf16(decompress(path.read_bytes(), limit))
    except PermissionError:
        return IngestError(source, "permission denied")
    except TooLarge:
        return IngestError(source, f"{too_large} once decompressed")
    except Corrupt as exc:
        return IngestError(source, f"corrupt compressed file ({exc})")
    except OSError as exc:
        return IngestError(source, f"cannot be read ({exc.strerror or exc})")


def _first_line_read(head: bytes | bytearray) -> bool:
    start = len(head) - len(head.lstrip())
    return start < len(head) and head.find(b"\n", start) >= 0


def _peek(path: Path) -> bytes | None:
    """What detection needs of a regular file (see `head_of`), gunzipped if it is gzipped, as
    far as the stream goes: a truncated or damaged one is its reader's to report. None for a
    file that is not regular or cannot be read (`_load` says why)."""
    head = bytearray()
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        with path.open("rb") as raw:
            gzipped = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            read = Gunzip(raw).read if gzipped else raw.read
            while len(head) < MAX_HEAD_LINE + HEAD_BYTES:
                chunk = read(HEAD_BYTES)
                head += chunk
                if not chunk or (len(head) >= HEAD_BYTES and _first_line_read(head)):
                    break
    except Broken:
        pass
    except OSError:
        return None
    return head_of(bytes(head))


def read_file(path: Path) -> Iterator[Item]:
    """Every document in one file (one, or one per line/item for JSONL and JSON arrays)."""
    path = Path(path)
    head = _peek(path)
    streamed = STREAMED.get(detect_format(path, head)) if head is not None else None
    if streamed is not None:
        yield from streamed(path)
        return
    data = _load(path)
    if isinstance(data, IngestError):
        yield data
        return
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        yield IngestError(str(path), "empty file")
        return
    fmt = detect_format(path, head_of(data))
    reader = READERS.get(fmt)
    if reader is None:
        reason = "not text (binary file?)" if fmt == "binary" else f"no reader for {fmt}"
        yield IngestError(str(path), reason)
        return
    yield from reader(str(path), data)


def _walk(root: Path) -> Iterator[Path | IngestError]:
    """Files under `root`, sorted, hidden files and folders skipped; unreadable folders reported."""
    failed: list[IngestError] = []

    def report(exc: OSError) -> None:
        reason = "permission denied" if isinstance(exc, PermissionError) else str(exc.strerror)
        failed.append(IngestError(str(exc.filename or root), f"folder cannot be read ({reason})"))

    for directory, dirs, files in os.walk(root, onerror=report):
        yield from failed
        failed.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(directory) / name
    yield from failed


def read_paths(paths: Iterable[str | Path], stdin: TextIO | None = None) -> Iterator[Item]:
    """Every document under `paths`: files, folders (recursively), "-" for JSONL on stdin."""
    for raw in paths:
        if str(raw) == STDIN:
            yield from read_jsonl_stdin(stdin if stdin is not None else sys.stdin)
            continue
        for found in files_under([raw]):
            yield from [found] if isinstance(found, IngestError) else read_file(found)


def files_under(paths: Iterable[str | Path]) -> Iterator[Path | IngestError]:
    """The files `read_paths` reads under `paths`, in its order: each file given, and every
    file of each folder (recursively, sorted, hidden ones skipped); a path that is not there
    or a folder that cannot be read is an error."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists() or path.is_symlink():
            yield path
        else:
            yield IngestError(str(path), "no such file or directory")


__all__ = [
    "READERS",
    "IngestError",
    "Item",
    "detect_format",
    "files_under",
    "read_file",
    "read_paths",
]
