"""The error value readers yield instead of raising, so one bad file never stops a run."""

from __future__ import annotations

from dataclasses import dataclass

from newsweave.model import RawDocument


@dataclass(slots=True, frozen=True)
class IngestError:
    """A document that could not be read: where it is and why, in words a user can act on.

    `source` is the file path, or "path:LINE" ("<stdin>:LINE") for one line of a JSONL file.
    """

    source: str
    reason: str


Item = RawDocument | IngestError
"""What every reader yields, in input order."""


def in_words(size: int) -> str:
    """A size limit as messages give it: "5 MB", or "1,000 bytes" for one that is no whole MB."""
    megabytes, rest = divmod(size, 1024 * 1024)
    return f"{megabytes} MB" if megabytes and not rest else f"{size:,} bytes"
