"""Plain text as copied off a web page: kept whole, since the cleaner does the rest."""

from __future__ import annotations

from collections.abc import Iterator

from newsweave.ingest.decode import decode
from newsweave.ingest.errors import IngestError, Item
from newsweave.model import RawDocument


def read_text(source: str, data: bytes) -> Iterator[Item]:
    """One document: the whole file, UTF-8 or else cp1252."""
    text = decode(data, fallback=True)
    if text is None:
        yield IngestError(source, "not UTF-8 text, nor Windows-1252 (binary file?)")
        return
    yield RawDocument(source=source, text=text, format="text", needs_cleaning=True)
