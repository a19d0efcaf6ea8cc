"""Readers per format, one `RawDocument` out per document.

`read_paths` walks files and directories, detects each file's format from its content and hands
the (decompressed) bytes to the reader registered for that format. Readers never raise for bad
input: they yield an `IngestError` naming the file (and line) and the problem, and the run goes
on. A new format is a module with a `(source, data) -> Iterator[Item]` function, one entry in
`READERS` and one detection rule in `detect.RULES`; readers take bytes, not text, so formats
that carry their own encoding (XML feeds) or binary records (WARC) fit the same slot.
"""

from __future__ import annotations

import codecs
import gzip
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from newsweave.ingest.decode import from_utf16
from newsweave.ingest.detect import (
    GZIP_MAGIC,
    HEAD_BYTES,
    Corrupt,
    TooLarge,
    decompress,
    detect_format,
    head_of,
)
from newsweave.ingest.errors import IngestError, Item
from newsweave.ingest.feeds import read_feed, read_opml
from newsweave.ingest.html import read_html
from newsweave.ingest.jsonl import read_json, read_jsonl, read_jsonl_lines, stream_jsonl
from newsweave.ingest.text import read_text
from newsweave.ingest.warc import read_warc, read_warc_file

MAX_FILE_BYTES = 20 * 1024 * 1024
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

STREAMED: dict[str, Callable[[Path], Iterator[Item]]] = {"warc": read_warc_file}
"""Formats read from the file itself, in constant memory and past the size limit (archives)."""


def _load(path: Path) -> bytes | IngestError:
    """The file's bytes, decompressed, or why they cannot be had."""
    source, limit = str(path), MAX_FILE_BYTES
    too_large = IngestError(source, f"file larger than {limit // (1024 * 1024)} MB")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return IngestError(source, "not a regular file")
        if info.st_size > limit:
            return too_large
        return from_utf16(decompress(path.read_bytes(), limit))
    except PermissionError:
        return IngestError(source, "permission denied")
    except TooLarge:
        return too_large
    except Corrupt as exc:
        return IngestError(source, f"corrupt compressed file ({exc})")
    except OSError as exc:
        return IngestError(source, f"cannot be read ({exc.strerror or exc})")


def _large_jsonl(path: Path) -> Iterator[Item] | None:
    """A JSONL file over the size limit (a corpus dump, gzipped or not), read line by line;
    None for anything else."""
    try:
        if not stat.S_ISREG(path.stat().st_mode) or path.stat().st_size <= MAX_FILE_BYTES:
            return None
        with path.open("rb") as probe:
            gzipped = probe.read(2) == b"\x1f\x8b"
        opener = gzip.open if gzipped else open
        with opener(path, "rb") as stream:
            head = stream.read(HEAD_BYTES)
    except (OSError, EOFError):
        return None
    if detect_format(path, head_of(head)) != "jsonl":
        return None

    def lines() -> Iterator[Item]:
        try:
            with opener(path, "rb") as stream:
                yield from stream_jsonl(str(path), stream)
        except (OSError, EOFError) as exc:
            yield IngestError(str(path), f"cannot be read to the end ({exc})")

    return lines()


def _streamed(path: Path) -> Iterator[Item] | None:
    """The reader of a streamed format (a WARC) applied to the file; None for other files.

    Only the file's first bytes are looked at (gunzipped without checks: a truncated archive
    is its reader's to report)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        with path.open("rb") as probe:
            head = probe.read(HEAD_BYTES)
        if head[:2] == GZIP_MAGIC:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, HEAD_BYTES)
    except (OSError, zlib.error):
        return None
    reader = STREAMED.get(detect_format(path, head))
    return reader(path) if reader else None


def read_file(path: Path) -> Iterator[Item]:
    """Every document in one file (one, or one per line/item for JSONL and JSON arrays)."""
    path = Path(path)
    streamed = _streamed(path)
    if streamed is not None:
        yield from streamed
        return
    large = _large_jsonl(path)
    if large is not None:
        yield from large
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
            yield from read_jsonl_lines("<stdin>", stdin if stdin is not None else sys.stdin)
            continue
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path):
                yield from [found] if isinstance(found, IngestError) else read_file(found)
        elif path.exists() or path.is_symlink():
            yield from read_file(path)
        else:
            yield IngestError(str(path), "no such file or directory")


__all__ = [
    "READERS",
    "IngestError",
    "Item",
    "detect_format",
    "read_file",
    "read_paths",
]
