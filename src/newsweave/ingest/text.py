"""Plain text as copied off a web page: the cleaner does the rest."""

from __future__ import annotations

from collections.abc import Iterator

from newsweave.ingest.errors import IngestError
from newsweave.model import RawDocument


def read_text(source: str, text: str) -> Iterator[RawDocument | IngestError]:
    yield RawDocument(source=source, text=text, format="text", needs_cleaning=True)
