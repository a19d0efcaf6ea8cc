"""A timeline as inline SVG: one row per event, for the static report and the web UI alike.

The drawing is plain markup (no script, no external font or image), so it passes the
report's Content-Security-Policy and can be pasted into any page. Event texts and outlet
names come from articles and are untrusted: every piece of text is escaped, and nothing from
an event ever becomes an attribute other than escaped text. Long texts are shortened on the
row and kept whole in a `<title>` (the browser's tooltip, read by screen readers).

Events that are stories of their own are filled dots, events the articles cite are hollow;
a period longer than a day ("October 2015") is drawn as a bar rather than a dot.

Every colour is the page's text colour (`currentColor`, the root's fill, which texts inherit):
the drawing reads in a dark theme as in a light one, with no colour of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from newsweave.model import TimelineEvent
from newsweave.render.dates import date_label

ROW = 46
TOP = 14
DATE_X = 8
AXIS_X = 132
TEXT_X = 150


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _e(text: str) -> str:
    return escape(text, quote=True)


def _marker(event: TimelineEvent, y: int) -> str:
    fill = "currentColor" if event.story_id else "none"
    if event.granularity == "day":
        return (
            f'<circle cx="{AXIS_X}" cy="{y}" r="5" fill="{fill}" stroke="currentColor" '
            'stroke-width="2"/>'
        )
    return (
        f'<rect x="{AXIS_X - 4}" y="{y - 9}" width="8" height="18" rx="3" fill="{fill}" '
        'stroke="currentColor" stroke-width="2"/>'
    )


def timeline_svg(events: Sequence[TimelineEvent], *, width: int = 720, text_chars: int = 72) -> str:
    """The events (already in date order) as one `<svg>` element; "" when there are none.

    `text_chars` is what fits the row at the default width (13 px text from x=150 of 720).
    """
    if not events:
        return ""
    height = TOP + ROW * len(events)
    rows = []
    for n, event in enumerate(events):
        y = TOP + ROW * n + 8
        when = date_label(event.date, event.granularity)
        outlets = ", ".join(event.outlets)
        kind = "story" if event.story_id else "cited"
        full = f"{when}: {event.text} ({outlets})"
        rows.append(
            f'<g class="event {kind}"><title>{_e(full)}</title>'
            f'<text x="{DATE_X}" y="{y + 4}" font-size="12" font-weight="600">{_e(when)}</text>'
            f"{_marker(event, y)}"
            f'<text x="{TEXT_X}" y="{y + 4}" font-size="13">{_e(_short(event.text, text_chars))}</text>'
            f'<text x="{TEXT_X}" y="{y + 21}" font-size="11" opacity="0.7">'
            f"{_e(_short(outlets, text_chars + 10))}</text></g>"
        )
    axis = (
        f'<line x1="{AXIS_X}" y1="{TOP}" x2="{AXIS_X}" y2="{height - ROW + 16}" '
        'stroke="currentColor" stroke-width="2" opacity="0.35"/>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" fill="currentColor" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" '
        f'aria-label="Timeline of {len(events)} event{"s" if len(events) != 1 else ""}">'
        f"{axis}{''.join(rows)}</svg>"
    )
