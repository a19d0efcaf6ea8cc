"""Dates as readers see them, at the precision the text gave them."""

from __future__ import annotations

from datetime import date

_SPANS_OF_MONTHS = ("quarter", "season", "half")


def date_label(day: date, granularity: str) -> str:
    """How a date reads at its granularity: "2015-10" for October 2015, "2018-05-17" a day."""
    if granularity == "month":
        return day.strftime("%Y-%m")
    if granularity == "year":
        return str(day.year)
    if granularity == "week":
        return f"week of {day.isoformat()}"
    if granularity in _SPANS_OF_MONTHS:
        return f"{granularity} from {day.strftime('%Y-%m')}"
    return day.isoformat()


INFERRED = "inferred from other articles' mentions"
"""What a story's date says when it comes from other stories' mentions of its event."""


def event_date_label(day: date | None, granularity: str = "day", inferred: bool = False) -> str:
    """A story's event date as a reader sees it: "2018-05-17", "2015-10 (inferred from other
    articles' mentions)" for an undated story placed by what other stories' articles say,
    "unknown" without one."""
    if day is None:
        return "unknown"
    label = date_label(day, granularity)
    return f"{label} ({INFERRED})" if inferred else label
