"""Renderers: the JSON contract, Markdown citations, and HTML that is self-contained and safe."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from factories import make_article, make_story
from newsweave.model import Removal, Story, StoryEntity, SummarySentence
from newsweave.render import write_report
from newsweave.render.html import render_html, safe_url, speaker_entity
from newsweave.render.json import stories_to_json
from newsweave.render.markdown import escape, heading, render_markdown

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def story() -> Story:
    a = make_article(
        "Putin and Assad met in Sochi on Thursday.\nThey talked.", id="a" * 16, source="a.txt",
        title="Assad in Sochi", outlet="DW", published=date(2018, 5, 18), credits=["AFP", "AP"],
        url="https://www.dw.com/en/a", removed=[Removal("Read more: x", "teaser")],
    )  # fmt: skip
    b = make_article(
        "Assad flew to Sochi on Thursday. " + EVIL, id="b" * 16, source="b.txt",
        title=EVIL, outlet="The Moscow Times", credits=["Reuters"], url="javascript:alert(3)",
        removed=[Removal(EVIL, "ad")],
    )  # fmt: skip
    c = make_article("Putin met Assad.", id="c" * 16, source="c.txt", outlet="DW")
    summary = [
        SummarySentence(
            "Putin and Assad met in Sochi on Thursday.",
            a.id,
            0,
            [a.id, b.id, c.id],
            ["DW", "The Moscow Times (Reuters)"],
        ),
        SummarySentence("They talked *a lot*.", a.id, 1, [a.id], ["DW"]),
    ]
    return make_story(
        a, b, c, id="s1", title="Assad in Sochi", event_date=date(2018, 5, 17), summary=summary
    )


def test_json_contract() -> None:
    text = stories_to_json([story(), make_story(id="s2")])
    data = json.loads(text)
    s, empty = data["stories"]
    assert list(s)[:6] == ["id", "title", "event_date", "outlets", "articles", "summary"]
    assert s["event_date"] == "2018-05-17" and empty["event_date"] is None
    assert s["outlets"] == ["DW", "The Moscow Times (Reuters)"]  # AFP, AP: compiled from
    a, b, _ = s["articles"]
    contract = ["id", "source", "title", "outlet", "published", "published_estimated"]
    contract += ["credits", "author", "url", "text"]
    assert list(a)[: len(contract)] == contract
    assert a["published"] == "2018-05-18" and b["published"] is None and b["author"] is None
    assert b["credits"] == ["Reuters"] and b["published_estimated"] is False
    first = s["summary"][0]
    assert list(first)[:3] == ["text", "outlets", "article_ids"]
    assert first["outlets"] == ["DW", "The Moscow Times (Reuters)"]
    assert first["article_ids"] == ["a" * 16, "b" * 16, "c" * 16]
    assert b["title"] == EVIL  # JSON is data: kept verbatim, not escaped for any page
    assert text == stories_to_json([story(), make_story(id="s2")])  # stable


def test_json_keeps_unicode() -> None:
    s = story()
    s.title = "Путин и Асад"
    assert "Путин и Асад" in stories_to_json([s])


def test_markdown_citations() -> None:
    md = render_markdown([story()])
    assert "## Assad in Sochi" in md
    assert "Event date: 2018-05-17" in md and "DW, The Moscow Times (Reuters)" in md
    assert "- Putin and Assad met in Sochi on Thursday. [DW, The Moscow Times (Reuters)]\n" in md
    assert "- They talked \\*a lot\\*. [DW]\n" in md
    assert "<https://www.dw.com/en/a>" in md  # http(s) URLs are autolinks
    assert "· DW · 2018-05-18 · credits AFP, AP ·" in md  # the wires DW's article credits
    assert "`javascript:alert(3)`" in md  # anything else is code, never a link
    assert "<script>" not in md.replace("\\<script>", "")  # every "<" of the title escaped


NASTY = [
    EVIL, "a*b* _c_ __d__ snake_case x_ ~~s~~ `c` C:\\Users \\* end\\", "[x](javascript:y)",
    "![i](y)", "<http://x.y>", "[a]: http://evil", "&amp; & AT&T &#x3C;", "> quote", "- item",
    "-- x", "---", "***", "___", "+ x", "# h", "#tag", "1. one", "2018) x", "1.5 million",
    "    indented", "```", "a | b", "<!-- c -->", "www.example.com", "**bold**", "[^1]", "C ##",
]  # fmt: skip


@pytest.mark.parametrize("text", NASTY)
def test_markdown_escaping_renders_the_text_itself(text: str) -> None:
    """Whatever untrusted text holds, a CommonMark (+ GFM tables, strikethrough) parser shows it
    as that text: no markup, no links, no HTML."""
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark").enable(["strikethrough", "table"])
    want = html.escape(" ".join(text.split()), quote=False).replace('"', "&quot;")
    assert md.render(f"- {escape(text)} [DW]") == f"<ul>\n<li>{want} [DW]</li>\n</ul>\n"
    assert md.render(f"## {heading(text + ' #')}") == f"<h2>{want} #</h2>\n"


def test_markdown_escaping_is_minimal() -> None:
    plain = "Assad's visit (the first since 2015) cost $1.5m, 20% more - said snake_case.com"
    assert escape(plain) == plain


class Tags(HTMLParser):
    """Collects the tags and attribute names a browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        self.attributes.update(name for name, _ in attrs)


def test_html_is_safe_and_self_contained() -> None:
    page = render_html([story()])
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    tags = Tags()
    tags.feed(page)
    assert not {"script", "img", "iframe", "object", "embed", "link"} & tags.names
    assert not [a for a in tags.attributes if a.startswith("on")]  # no event handler anywhere
    assert 'href="javascript:' not in page and "href='javascript:" not in page
    assert not re.search(r"(<link|<script[^>]*src|@import|url\()", page)
    assert not re.search(r"(src|href)=\"(https?:)?//", page.replace(
        'href="https://www.dw.com/en/a"', ""
    ))  # fmt: skip
    assert "Content-Security-Policy" in page
    assert "prefers-color-scheme: dark" in page and 'name="viewport"' in page


def test_html_shows_stories_citations_and_articles() -> None:
    page = render_html([story()], generated_at=datetime(2024, 1, 2, 3, 4, tzinfo=UTC))
    assert 'href="#story-s1"' in page and "3 articles, 2 outlets" in page  # table of contents
    assert '<time datetime="2018-05-17">' in page
    # one chip per cited outlet, as on the web UI's page: what each of its articles wrote
    chips = re.findall(r'<summary class="chip"[^>]*>([^<]+)</summary>', page)
    assert chips[:2] == ["DW", "The Moscow Times (Reuters)"]
    dw = page.split(">DW</summary>")[1].split("</details>")[0]
    assert 'href="#article-s1-' + "a" * 16 + '"' in dw and "Putin met Assad." in dw
    assert 'href="#article-s1-' + "c" * 16 + '"' in dw  # DW's second article
    assert 'href="#article-s1-' + "b" * 16 + '"' in page
    assert page.count('<details class="article"') == 3
    assert 'href="https://www.dw.com/en/a"' in page and "URL (not linked)" in page
    assert "Credits: AFP, AP" in page
    assert "<p>Putin and Assad met in Sochi on Thursday.</p>" in page  # text as paragraphs
    assert "What the cleaner removed (1)" in page and "teaser" in page
    assert "2024-01-02 03:04 UTC" in page


def test_generated_at_is_written_in_utc() -> None:
    moment = datetime(2024, 1, 2, 5, 4, tzinfo=timezone(timedelta(hours=2)))
    assert "2024-01-02 03:04 UTC" in render_html([], generated_at=moment)


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.com/a?b=1", True),
        ("HTTP://example.com", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,x", False),
        ("//example.com/a", False),
        ("http:///nohost", False),
        (None, False),
    ],
)
def test_safe_url(url: str | None, linked: bool) -> None:
    assert (safe_url(url) is not None) is linked


def test_write_report(tmp_path: Path) -> None:
    files = write_report([story()], tmp_path / "out" / "deeper")
    assert {k: p.name for k, p in files.items()} == {
        "html": "index.html",
        "markdown": "stories.md",
        "json": "stories.json",
    }
    assert all(p.parent == tmp_path / "out" / "deeper" for p in files.values())
    assert json.loads(files["json"].read_text(encoding="utf-8"))["stories"][0]["id"] == "s1"
    assert files["html"].read_text(encoding="utf-8").startswith("<!doctype html>")
    assert files["markdown"].read_text(encoding="utf-8").startswith("# newsweave")


def test_reports_show_the_most_salient_events_and_each_storyline_once() -> None:
    """A long timeline shows its 20 most salient events; a storyline's timeline is drawn once,
    in its own section, and each of its stories links there instead of repeating it."""
    from newsweave.model import TimelineEvent

    articles = [make_article(f"Story {n} text.", outlet="A") for n in range(3)]
    events = [
        TimelineEvent(
            date(2000 + n, 1, 1), "year", f"Event {n}", ["A"], [articles[0].id], salience=n / 30
        )
        for n in range(25)
    ]
    stories = [
        make_story(a, id=f"s{n}", title=f"Story {n}", event_date=date(2024, 1, 1 + n))
        for n, a in enumerate(articles)
    ]
    stories[0].timeline = events
    for story in stories[:2]:
        story.storyline = "line0000"
    page = render_html(stories)
    assert "Showing 20 of 25 events, those most outlets refer to." in page
    assert "Event 24" in page and "Event 4<" not in page  # the least salient left out
    assert page.count('id="storyline-line0000"') == 1
    # each of its stories names it, and the one with a timeline points there for the rest
    assert page.count('href="#storyline-line0000"') == 3
    markdown = render_markdown(stories)
    assert "The 20 events most outlets refer to, of 25." in markdown


def test_html_report_has_the_story_page_s_sections_and_charts() -> None:
    """Headlines with wire copies marked, citation chips with each outlet's own sentences, the
    articles over time, and a storyline named on its stories and drawn on a time axis."""
    first = story()
    later = make_story(
        make_article("Assad met Putin again.", outlet="DW", published=date(2019, 1, 2)),
        id="s2",
        title="Assad and Putin meet again",
        event_date=date(2019, 1, 2),
    )
    undated = make_story(make_article("Nobody says when.", outlet="DW"), id="s3", title="When?")
    first.storyline = later.storyline = "line0000"
    page = render_html([first, later, undated])
    headlines = page.split('id="s1-headlines">Headlines</h3>')[1].split("</section>")[0]
    assert headlines.count("<li>") == 3 and "wire: Reuters" in headlines
    assert 'href="#article-s1-' + "a" * 16 + '"' in headlines
    assert 'href="https://www.dw.com/en/a"' in headlines and "javascript:" not in headlines
    assert page.count('class="chart articles-over-time"') == 1  # s1: dated articles of 2 outlets
    line = page.split('id="storyline-line0000"')[1].split("</details>")[0]
    assert 'class="chart stories-over-time"' in line
    assert '<a href="#story-s1">' in line and '<a href="#story-s2">' in line
    assert 'Part of the storyline <a href="#storyline-line0000">' in page
    assert "Event date not known" in page and "date date" not in page


def test_a_speaker_links_to_the_entity_it_names_and_no_other() -> None:
    """ "Putin" links to Vladimir Putin's page; "the spokesman" is no entity and links nowhere."""
    story = make_story(make_article("Putin spoke.", outlet="A"), id="s")
    story.entities = [StoryEntity("Vladimir Putin", "PERSON", ["Putin"], [], 2, 1.0)]
    assert speaker_entity("putin", story) == "Vladimir Putin"
    assert speaker_entity("the spokesman", story) is None
