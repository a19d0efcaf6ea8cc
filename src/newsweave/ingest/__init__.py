"""Readers per format, one `RawDocument` out per document.

`read_paths` walks files and directories, detects each file's format from its content and hands
it to the reader registered for that format. Readers never raise for bad input: they yield an
`IngestError` naming the file (and line) and the problem, and the run goes on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from newsweave.ingest.detect import HEAD_BYTES, decompress, detect_format
from newsweave.ingest.errors import IngestError
from newsweave.ingest.html import read_html
from newsweave.ingest.jsonl import read_json_array, read_jsonl
from newsweave.ingest.text import read_text
from newsweave.model import RawDocument

MAX_FILE_BYTES = 20 * 1024 * 1024
Item = RawDocument | IngestError

READERS: dict[str, Callable[[str, str], Iterator[Item]]] = {
    "text": read_text,
    "html": read_html,
    "jsonl": lambda source, text: read_jsonl(source, text.splitlines()),
    "json": read_json_array,
}


def _decode(data: bytes, fmt: str) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if fmt in ("jsonl", "json"):
            return None  # JSON is UTF-8 by definition
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return None


def read_file(path: Path) -> Iterator[Item]:
    source = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            yield IngestError(source, f"file larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
            return
        data = decompress(path.read_bytes())
    except PermissionError:
        yield IngestError(source, "permission denied")
        return
    except OSError as exc:
        yield IngestError(source, f"cannot be read ({exc.strerror or exc})")
        return
    except (EOFError, ValueError) as exc:  # a truncated or corrupt gzip file
        yield IngestError(source, f"corrupt compressed file ({exc})")
        return
    if not data.strip():
        yield IngestError(source, "empty file")
        return
    fmt = detect_format(path, data[:HEAD_BYTES])
    if fmt == "binary":
        yield IngestError(source, "not text (binary file?)")
        return
    text = _decode(data, fmt)
    if text is None:
        yield IngestError(source, "not UTF-8 text, and not decodable as cp1252")
        return
    yield from READERS[fmt](source, text)


def _walk(root: Path) -> Iterator[Path]:
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(directory) / name


def read_paths(paths: Iterable[str | Path], stdin: TextIO | None = None) -> Iterator[Item]:
    """Every document under `paths` (files, directories read recursively, '-' for JSONL on stdin)."""
    for raw in paths:
        if str(raw) == "-":
            yield from read_jsonl("<stdin>", stdin if stdin is not None else sys.stdin)
            continue
        path = Path(raw)
        if path.is_dir():
            for file in _walk(path):
                yield from read_file(file)
        elif path.exists():
            yield from read_file(path)
        else:
            yield IngestError(str(path), "no such file or directory")


__all__ = ["READERS", "IngestError", "detect_format", "read_file", "read_paths"]
