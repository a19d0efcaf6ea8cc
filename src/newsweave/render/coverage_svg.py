"""Charts as inline SVG: a story's articles over time per outlet, a storyline's stories on a
time axis. For the web UI and the static report alike.

Like the timeline (`newsweave.render.timeline_svg`), a chart is plain markup: no script, no
external font or image, every text escaped, and colours taken from the page (`currentColor`
and CSS classes), so it reads in light and dark mode and passes a strict Content-Security-
Policy. Each chart says what it shows in its `aria-label` and `<title>`, and each mark has a
`<title>` of its own; the pages list the same data as text beside it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from newsweave.model import Article, TimelineEvent
from newsweave.render.dates import date_label

WIDTH = 480
"""The drawing's width in its own units: a phone shows it at about three quarters, text
readable; a page scales it up to its column (the stylesheets cap that).
"""
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
LABEL_CHARS = 18
"""Outlet names are shortened to this on a row (whole in the row's `<title>`)."""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


@dataclass(frozen=True, slots=True)
class Axis:
    """Days mapped onto x from `left` to `right`; one day alone sits in the middle."""

    first: date
    last: date
    left: float
    right: float

    def x(self, day: date) -> float:
        span = (self.last - self.first).days
        if span == 0:
            return round((self.left + self.right) / 2, 1)
        return round(self.left + (day - self.first).days / span * (self.right - self.left), 1)

    def ticks(self) -> list[tuple[date, str]]:
        """The days the axis labels, with their labels: the first of each year over a span of
        years, of each month (every few) over months, else its ends and middle."""
        span = (self.last - self.first).days
        if span == 0:
            return [(self.first, self.first.isoformat())]
        if span > 2 * 365:
            years = range(self.first.year + 1, self.last.year + 1)
            step = max(1, -(-len(years) // MAX_TICKS))
            return [(date(y, 1, 1), str(y)) for y in years[::step]]
        if span > 90:
            months = []
            y, m = self.first.year, self.first.month
            while (y, m) < (self.last.year, self.last.month):
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
                months.append(date(y, m, 1))
            step = max(1, -(-len(months) // MAX_TICKS))
            return [(d, d.strftime("%Y-%m")) for d in months[::step]]
        if span < 4:
            return [(self.first, self.first.isoformat()), (self.last, self.last.isoformat())]
        middle = date.fromordinal(self.first.toordinal() + span // 2)
        return [(d, d.isoformat()) for d in (self.first, middle, self.last)]


MAX_TICKS = 6


def _axis_marks(axis: Axis, y: float) -> str:
    parts = [
        f'<line class="axis" x1="{axis.left}" y1="{y}" x2="{axis.right}" y2="{y}" '
        'stroke="currentColor" stroke-width="1" opacity="0.4"/>'
    ]
    ticks = axis.ticks()
    for day, text in ticks:
        x = axis.x(day)
        anchor = "middle"
        if x - len(text) * 3.5 < axis.left - 10:
            anchor = "start"
        elif x + len(text) * 3.5 > axis.right + 10:
            anchor = "end"
        parts.append(
            f'<line class="tick" x1="{x}" y1="{y}" x2="{x}" y2="{y + 5}" stroke="currentColor" '
            'opacity="0.5"/>'
            f'<text class="tick-label" x="{x}" y="{y + 19}" font-size="12" '
            f'text-anchor="{anchor}">{text}</text>'
        )
    return "".join(parts)


def _svg(kind: str, width: int, height: float, label: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" role="img" '
        f'viewBox="0 0 {width} {round(height)}" width="100%" fill="currentColor" {FONT} '
        f'aria-label="{_e(label)}"><title>{_e(label)}</title>{body}</svg>'
    )


ROW = 26
LABEL_W = 128


def _undated(axis: Axis, y: float) -> str:
    return (
        f'<text class="undated" x="{axis.left}" y="{y + 4}" font-size="12" opacity="0.7">'
        "no date given</text>"
    )


def outlet_days(articles: Sequence[Article]) -> dict[str, Counter[date]]:
    """Each outlet's articles per day of publication, outlets in article order; an outlet
    with no dated article has an empty count."""
    days: dict[str, Counter[date]] = defaultdict(Counter)
    for article in articles:
        counted = days[article.outlet_label]
        if article.published:
            counted[article.published] += 1
    return dict(days)


def articles_over_time_svg(articles: Sequence[Article], *, width: int = WIDTH) -> str:
    """A row per outlet, a dot per day it published on (bigger for several articles that
    day), on one date axis; "" when no article has a date."""
    rows = outlet_days(articles)
    dated = [day for counts in rows.values() for day in counts]
    if not dated:
        return ""
    axis = Axis(min(dated), max(dated), LABEL_W + 12, width - 14)
    parts = []
    for n, (outlet, counts) in enumerate(rows.items()):
        y = 10 + ROW * n + ROW / 2
        total = sum(counts.values())
        what = ", ".join(
            f"{day.isoformat()}{f' ({k})' if k > 1 else ''}" for day, k in sorted(counts.items())
        )
        title = f"{outlet}: {_plural(total, 'article')}" + (f", {what}" if what else ", undated")
        dots = "".join(
            f'<circle class="mark" cx="{axis.x(day)}" cy="{y}" r="{min(4 + 1.5 * (k - 1), 9)}">'
            f"<title>{_e(outlet)}: {_plural(k, 'article')} on {day.isoformat()}</title></circle>"
            for day, k in sorted(counts.items())
        )
        parts.append(
            f'<g class="row"><title>{_e(title)}</title>'
            f'<line class="lane" x1="{axis.left}" y1="{y}" x2="{axis.right}" y2="{y}" '
            'stroke="currentColor" stroke-width="1" opacity="0.15"/>'
            f'<text class="label" x="{LABEL_W}" y="{y + 4}" font-size="13" text-anchor="end">'
            f"{_e(_short(outlet, LABEL_CHARS))}</text>{dots or _undated(axis, y)}</g>"
        )
    bottom = 10 + ROW * len(rows) + 6
    parts.append(_axis_marks(axis, bottom))
    label = (
        f"Articles over time per outlet: {_plural(len(articles), 'article')} from "
        f"{_plural(len(rows), 'outlet')}, {axis.first.isoformat()} to {axis.last.isoformat()}"
    )
    return _svg("articles-over-time", width, bottom + 26, label, "".join(parts))


STORY_ROW = 24
CHAR_W = 6.8
"""About how wide a character of 13 px text is: a title is cut to the room beside its mark."""


def stories_over_time_svg(
    stories: Sequence[TimelineEvent],
    href: Callable[[str], str | None] | None = None,
    *,
    width: int = WIDTH,
) -> str:
    """Each story (an event with its `story_id`, at its event date) a mark on one time axis,
    a row each, oldest first, labelled with its title and linked (`href(story_id)`) where
    `href` is given; stories with no date are left out. "" when none has one."""
    dated = sorted((e for e in stories if e.date), key=lambda e: (e.date, e.story_id or ""))
    if not dated:
        return ""
    axis = Axis(dated[0].date, dated[-1].date, 14, width - 14)
    middle = (axis.left + axis.right) / 2
    parts = []
    for n, event in enumerate(dated):
        y = 8 + STORY_ROW * n + STORY_ROW / 2
        x = axis.x(event.date)
        when = date_label(event.date, event.granularity)
        left = x > middle
        tx = x - 10 if left else x + 10
        anchor = "end" if left else "start"
        room = (tx - axis.left) if left else (axis.right - tx)
        chars = max(12, int(room / CHAR_W))
        mark = (
            f'<circle class="mark" cx="{x}" cy="{y}" r="5"/>'
            if event.granularity == "day"
            else f'<rect class="mark" x="{x - 4}" y="{y - 7}" width="8" height="14" rx="3"/>'
        )
        text = (
            f'<text class="label" x="{tx}" y="{y + 4}" font-size="13" text-anchor="{anchor}">'
            f"{_e(_short(event.text, chars))}</text>"
        )
        row = (
            f'<line class="lane" x1="{axis.left}" y1="{y}" x2="{axis.right}" y2="{y}" '
            'stroke="currentColor" stroke-width="1" opacity="0.12"/>'
            f"<title>{_e(f'{when}: {event.text}')}</title>{mark}{text}"
        )
        target = href(event.story_id) if href and event.story_id else None
        if target:
            row = f'<a href="{_e(target)}">{row}</a>'
        parts.append(f'<g class="story">{row}</g>')
    bottom = 8 + STORY_ROW * len(dated) + 6
    parts.append(_axis_marks(axis, bottom))
    label = (
        f"The storyline's {_plural(len(dated), 'story', 'stories')} on a time axis, "
        f"{axis.first.isoformat()} to {axis.last.isoformat()}"
    )
    return _svg("stories-over-time", width, bottom + 26, label, "".join(parts))
