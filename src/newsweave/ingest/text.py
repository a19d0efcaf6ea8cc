"""Plain text as copied off a web page: kept whole, since the cleaner does the rest."""

from __future__ import annotations

from collections.abc import Iterator

from newsweave.ingest.decode import decode_text
from newsweave.ingest.errors import IngestError, Item
from newsweave.model import RawDocument


def read_text(source: str, data: bytes) -> Iterator[Item]:
    """One document: the whole file, in the encoding `decode_text` finds."""
    decoded = decode_text(data)
    if decoded is None:
        yield IngestError(
            source, "not text in UTF-8 or any encoding that could be detected (binary file?)"
        )
        return
    warnings = [decoded.warning] if decoded.warning else []
    yield RawDocument(
        source=source, text=decoded.text, format="text", needs_cleaning=True, warnings=warnings
    )
