"""The error value readers yield instead of raising, so one bad file never stops a run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class IngestError:
    """A document that could not be read: where it is and why, in words a user can act on."""

    source: str
    reason: str
