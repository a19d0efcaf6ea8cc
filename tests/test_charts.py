"""Inline SVG charts: articles over time per outlet, a storyline's stories on a time axis, and
the timeline's colours. Each is plain, escaped markup that takes its colours from the page."""

from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree

from factories import make_article
from newsweave.model import TimelineEvent
from newsweave.render.coverage_svg import (
    WIDTH,
    Axis,
    articles_over_time_svg,
    outlet_days,
    stories_over_time_svg,
)
from newsweave.render.timeline_svg import timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # well-formed XML, or this raises


def hard_coded_colours(svg: str) -> list[str]:
    """Colours the drawing sets itself: anything but the page's (`currentColor`) or none."""
    found = re.findall(r'(?:fill|stroke|color)="([^"]+)"', svg)
    return [c for c in found if c not in ("currentColor", "none")]


def articles() -> list:
    return [
        make_article("One.", outlet="DW", published=date(2018, 5, 18)),
        make_article("Two.", outlet="DW", published=date(2018, 5, 18)),
        make_article("Three.", outlet="DW", published=date(2018, 5, 20)),
        make_article(
            "Four.", outlet="The Moscow Times", credits=["Reuters"], published=date(2018, 5, 17)
        ),
        make_article("Five.", outlet="Kurdistan 24"),  # no date
    ]


def test_articles_over_time_draws_a_row_per_outlet_and_a_dot_per_day() -> None:
    svg = articles_over_time_svg(articles())
    root = parse(svg)
    assert root.get("role") == "img" and "5 articles from 3 outlets" in root.get("aria-label")
    assert root.find(f"{SVG}title") is not None  # named for screen readers and as a tooltip
    rows = root.findall(f"{SVG}g[@class='row']")
    assert [r.find(f"{SVG}text").text for r in rows] == [
        "DW", "The Moscow Times…", "Kurdistan 24"
    ]  # fmt: skip
    dw_dots = rows[0].findall(f"{SVG}circle")
    assert len(dw_dots) == 2  # two days; the day of two articles is the bigger dot
    assert float(dw_dots[0].get("r")) > float(dw_dots[1].get("r"))
    assert "2 articles on 2018-05-18" in dw_dots[0].find(f"{SVG}title").text
    # one date axis: the Moscow Times' earlier day is left of DW's
    assert float(rows[1].find(f"{SVG}circle").get("cx")) < float(dw_dots[0].get("cx"))
    assert rows[2].find(f"{SVG}circle") is None and "no date given" in svg
    assert hard_coded_colours(svg) == [] and 'fill="currentColor"' in svg


def test_outlet_days_counts_articles_per_day() -> None:
    days = outlet_days(articles())
    assert days["DW"] == {date(2018, 5, 18): 2, date(2018, 5, 20): 1}
    assert days["Kurdistan 24"] == {}


def test_charts_escape_what_articles_say() -> None:
    hostile = [make_article("x.", outlet=EVIL, published=date(2020, 1, 1)) for _ in range(2)]
    svg = articles_over_time_svg(hostile)
    parse(svg)
    assert "<script" not in svg and "<img" not in svg
    story = TimelineEvent(date(2020, 1, 1), "day", EVIL, [EVIL], story_id='x"><b>')
    svg = stories_over_time_svg([story], lambda story_id: f"/stories/{story_id}")
    parse(svg)
    assert "<script" not in svg and "<b>" not in svg and 'href="/stories/x&quot;&gt;' in svg


def test_no_chart_without_a_date() -> None:
    assert articles_over_time_svg([make_article("x.", outlet="DW")]) == ""
    assert articles_over_time_svg([]) == ""
    assert stories_over_time_svg([]) == ""


def test_stories_over_time_marks_each_story_and_links_it() -> None:
    stories = [
        TimelineEvent(
            date(2018, 5, 17), "day", "Assad meets Putin in Sochi " * 4, [], story_id="b"
        ),
        TimelineEvent(date(2015, 10, 1), "month", "Assad meets Putin in Moscow", [], story_id="a"),
    ]
    svg = stories_over_time_svg(stories, lambda story_id: f"/stories/{story_id}")
    root = parse(svg)
    assert root.get("role") == "img" and "2 stories" in root.get("aria-label")
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == ["/stories/a", "/stories/b"]  # oldest first
    marks = list(root.iter(f"{SVG}rect")) + list(root.iter(f"{SVG}circle"))
    assert len(marks) == 2  # the month a bar, the day a dot
    labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "label"]
    assert labels[1].get("text-anchor") == "end" and labels[1].text.endswith("…")  # cut to fit
    assert len(labels[1].text) * 6.8 <= float(labels[1].get("x"))  # fits left of its mark
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tick-label"] == [
        "2016", "2017", "2018"
    ]  # fmt: skip
    assert hard_coded_colours(svg) == []
    unlinked = stories_over_time_svg(stories)  # the report links only stories it holds
    assert "<a " not in unlinked


def test_axis_ticks_follow_the_span() -> None:
    def ticks(first: date, last: date) -> list[str]:
        return [label for _, label in Axis(first, last, 0, WIDTH).ticks()]

    assert ticks(date(2018, 5, 17), date(2018, 5, 17)) == ["2018-05-17"]
    assert ticks(date(2018, 5, 17), date(2018, 5, 19)) == ["2018-05-17", "2018-05-19"]
    assert ticks(date(2018, 5, 1), date(2018, 5, 21)) == ["2018-05-01", "2018-05-11", "2018-05-21"]
    assert ticks(date(2018, 1, 15), date(2018, 6, 2)) == [
        "2018-02", "2018-03", "2018-04", "2018-05", "2018-06"
    ]  # fmt: skip
    assert len(ticks(date(1990, 1, 1), date(2020, 1, 1))) <= 6
    axis = Axis(date(2018, 1, 1), date(2018, 1, 11), 10, 110)
    assert axis.x(date(2018, 1, 1)) == 10 and axis.x(date(2018, 1, 6)) == 60


def test_timeline_takes_its_colours_from_the_page() -> None:
    """Texts inherit the root's fill: the page's text colour, light or dark, never black."""
    events = [
        TimelineEvent(date(2015, 10, 1), "month", "Assad in Moscow", ["DW"]),
        TimelineEvent(date(2018, 5, 17), "day", "Assad in Sochi", ["DW"], story_id="s"),
    ]
    svg = timeline_svg(events)
    root = parse(svg)
    assert root.get("fill") == "currentColor"
    assert all(t.get("fill") in (None, "currentColor") for t in root.iter(f"{SVG}text"))
    assert hard_coded_colours(svg) == []


def test_a_long_storyline_draws_its_most_covered_stories_in_date_order() -> None:
    from newsweave.render.html import most_covered

    events = [
        TimelineEvent(date(2020, 1, n), "day", f"story {n}", ["A"] * (n % 3 + 1), [], f"s{n}")
        for n in range(1, 11)
    ]
    assert most_covered(events, limit=20) == events
    chosen = most_covered(events, limit=4)
    assert [e.story_id for e in chosen] == ["s1", "s2", "s5", "s8"]  # 3 outlets, then earliest
    assert [e.date for e in chosen] == sorted(e.date for e in chosen)
