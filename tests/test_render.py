"""Renderers: the JSON contract, Markdown citations, and HTML that is self-contained and safe."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from newsweave.model import Article, Removal, Story, SummarySentence
from newsweave.render import write_report
from newsweave.render.html import render_html
from newsweave.render.json import stories_to_json
from newsweave.render.markdown import render_markdown

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def story() -> Story:
    a = Article(
        id="a" * 16, source="a.txt", text="Putin and Assad met in Sochi on Thursday.\nThey talked.",
        title="Assad in Sochi", outlet="DW", published=date(2018, 5, 18), credits=["AFP", "AP"],
        removed=[Removal("Read more: x", "teaser")],
    )  # fmt: skip
    b = Article(
        id="b" * 16, source="b.txt", text="Assad flew to Sochi on Thursday. " + EVIL,
        title=EVIL, outlet="The Moscow Times", credits=["Reuters"], url="javascript:alert(3)",
    )  # fmt: skip
    summary = [
        SummarySentence(
            "Putin and Assad met in Sochi on Thursday.",
            a.id,
            0,
            [a.id, b.id],
            ["DW", "The Moscow Times (Reuters)"],
        )
    ]
    return Story(
        id="s1",
        articles=[a, b],
        title="Assad in Sochi",
        event_date=date(2018, 5, 17),
        summary=summary,
    )


def test_json_contract() -> None:
    data = json.loads(stories_to_json([story()]))
    (s,) = data["stories"]
    assert {"id", "title", "event_date", "articles", "summary"} <= set(s)
    assert s["event_date"] == "2018-05-17"
    a, b = s["articles"]
    assert {"id", "source", "title", "outlet", "published", "credits", "text"} <= set(a)
    assert a["published"] == "2018-05-18" and b["published"] is None
    assert s["summary"][0]["outlets"] == ["DW", "The Moscow Times (Reuters)"]
    assert s["summary"][0]["article_ids"] == ["a" * 16, "b" * 16]


def test_markdown_citations_and_escaping() -> None:
    md = render_markdown([story()])
    assert "Putin and Assad met in Sochi on Thursday. \\[DW, The Moscow Times (Reuters)\\]" in md
    assert "<script>" not in md


def test_html_is_safe_and_self_contained() -> None:
    html = render_html([story()])
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"<img[^>]*onerror", html)
    assert 'href="javascript:' not in html
    assert not re.search(r"(<link|<script[^>]*src|@import|url\()", html)
    assert "Content-Security-Policy" in html
    assert 'href="#article-s1-' + "a" * 16 in html  # citation chip links to the cited article
    assert "teaser" in html  # what the cleaner removed is shown


def test_write_report(tmp_path: Path) -> None:
    files = write_report([story()], tmp_path / "out")
    assert sorted(p.name for p in files.values()) == ["index.html", "stories.json", "stories.md"]
    assert all(p.stat().st_size > 0 for p in files.values())
