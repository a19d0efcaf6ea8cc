"""The web UI in a real browser (Chromium through Playwright) over the seed articles: open the
stories, a story, a citation chip, search, an entity; and a hostile article runs nothing.

The server is uvicorn in a background thread on a free loopback port; the browser is the
system's `/usr/bin/chromium` (never downloaded). Skipped when it is missing; marked `browser`,
so `pytest -m "not browser"` leaves these tests out.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"no browser: {CHROMIUM} is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
uvicorn = pytest.importorskip("uvicorn")

from factories import SEEDS  # noqa: E402
from newsweave.app.pipeline import build_stories, ingest  # noqa: E402
from newsweave.store import open_store  # noqa: E402
from newsweave.web import create_app  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE = {
    "title": '<script>window.__pwned = "title"</script> Hostile <img src=x onerror="window.__pwned=1">',
    "text": (
        'An attacker wrote <script>window.__pwned = "body"; alert(1)</script> into this article. '
        '<img src="x" onerror="window.__pwned = \'img\'; alert(2)"> '
        "<a href=\"javascript:window.__pwned='link'\">click here</a> "
        "The page must show all of this as text and run none of it, whatever the outlet says."
    ),
    "outlet": '<svg onload="window.__pwned=3">Evil Outlet</svg>',
    "url": "javascript:window.__pwned='url'",
    "published": "2019-01-02",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("browser")
    hostile = work / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    with open_store(work / "seeds.db") as store:
        ingest([SEEDS, hostile], store)
        build_stories(store)
    port = free_port()
    config = uvicorn.Config(
        create_app(work / "seeds.db"), host="127.0.0.1", port=port, log_level="warning"
    )
    serving = uvicorn.Server(config)
    thread = threading.Thread(target=serving.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not serving.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    serving.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server: str) -> Iterator[object]:
    context = browser.new_context(base_url=server, viewport={"width": 1100, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    dialogs: list[str] = []
    opened.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    opened.dialogs = dialogs
    yield opened
    context.close()


def test_stories_story_citation_search_entity(page, tmp_path: Path) -> None:
    page.goto("/")
    assert page.locator("h1").inner_text() == "Stories"
    cards = page.locator("ol.cards > li")
    assert cards.count() == 3
    sochi = page.get_by_role("link", name="Syria's Assad Flies to Russia for Talks With Putin")
    assert "4 outlets" in cards.filter(has=sochi).inner_text()
    page.screenshot(path=tmp_path / "stories.png", full_page=True)

    sochi.click()
    page.wait_for_url("**/stories/*")
    first = page.locator("ol.summary > li").first
    chip = first.locator("details.cite > summary").first
    passage = first.locator("details.cite").first.locator(".support")
    assert not passage.is_visible()  # collapsed until clicked
    chip.click()
    assert passage.is_visible()
    assert len(passage.inner_text()) > 40  # the outlet's own sentence, or where it is from
    page.screenshot(path=tmp_path / "story.png")

    page.get_by_role("link", name="Dmitry Peskov").first.click()
    page.wait_for_url("**/entities/**")
    assert page.locator("h1").inner_text() == "Dmitry Peskov"
    assert page.locator("ol.cards > li").count() >= 1

    page.get_by_role("searchbox", name="Search").fill("Peskov")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=Peskov")
    marks = page.locator("mark")
    assert marks.count() >= 3 and marks.first.inner_text() == "Peskov"
    page.locator("ol.cards a", has_text="Assad meets Putin in Sochi").first.click()
    page.wait_for_url("**/stories/*#article-*")
    assert page.locator("details.article:target").get_attribute("open") is not None  # app.js
    assert not page.dialogs


def test_hostile_article_runs_nothing(page) -> None:
    page.goto("/search?q=attacker")
    assert page.locator("mark").first.inner_text() == "attacker"
    page.locator("ol.cards a", has_text="Hostile").first.click()
    page.wait_for_url("**/stories/*")
    for details in page.locator("details").all():  # open everything: chips, articles, removals
        details.evaluate("d => d.open = true")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not page.dialogs
    assert "<script>" in page.locator("h1").inner_text()  # shown as text
    body = page.locator("details.article").first.inner_text()
    assert "onerror=" in body or "alert(1)" in body
    assert page.locator("img, svg, iframe, object, embed").count() == 0
    assert page.locator('a[href^="javascript:" i]').count() == 0
    page.goto("/outlets")
    page.get_by_role("link", name="Evil Outlet").first.click()
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not page.dialogs


def test_readable_on_a_phone(browser, server: str) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 375, "height": 740})
    phone = context.new_page()
    phone.goto("/")
    phone.locator("ol.cards a").first.click()
    phone.wait_for_url("**/stories/*")  # measured on the story page, not while leaving
    width = phone.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 375  # nothing forces sideways scrolling


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two computed colours ("rgb(r, g, b)")."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in colour[colour.index("(") + 1 : -1].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def svg_text_contrast(page, selector: str) -> float:
    fill = page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).fill")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    return contrast(fill, background)


def places(elements) -> list[list[float]]:
    """Where the elements are on the page (not in the viewport, which scrolls to a focus)."""
    return elements.evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [r.x + scrollX, r.y + scrollY, r.width, r.height]; })"
    )


def _luminance(css_color: str) -> float:
    """Relative luminance (0 black .. 1 white) of an "rgb(r, g, b)" computed colour."""
    r, g, b = (int(v) / 255 for v in css_color[css_color.index("(") + 1 : -1].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1100, 390])
def test_story_and_storyline_pages_fit_and_read(
    browser, server: str, width: int, scheme: str
) -> None:
    """Desktop and phone, light and dark: nothing scrolls sideways, opening a citation chip
    (by keyboard) leaves its sentence's other chips where they were, and the drawings' text
    stands out from the page."""
    context = browser.new_context(
        base_url=server, viewport={"width": width, "height": 800}, color_scheme=scheme
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/")
    page.get_by_role("link", name="Syria's Assad Flies to Russia for Talks With Putin").click()
    page.wait_for_url("**/stories/*")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    sentence = page.locator("ol.summary > li").filter(has=page.locator("details.cite >> nth=2"))
    sentence = sentence.first
    chips = sentence.locator("details.cite > summary")
    before = places(chips)
    assert len(before) >= 3
    chips.nth(1).focus()
    page.keyboard.press("Enter")
    panel = sentence.locator("details.cite").nth(1).locator(".support")
    assert panel.is_visible() and len(panel.inner_text()) > 40
    assert places(chips) == before
    chips.nth(2).click()  # one panel of a sentence open at a time
    assert not panel.is_visible() and sentence.locator(".support").nth(2).is_visible()
    assert places(chips) == before
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert svg_text_contrast(page, ".timeline-graphic svg text") >= 4.5
    assert svg_text_contrast(page, "svg.chart text.label") >= 4.5
    assert page.locator("ul.headlines > li").count() == 4

    page.locator(".storyline-link a").click()
    page.wait_for_url("**/storylines/*")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("svg.stories-over-time a").count() == 2
    assert svg_text_contrast(page, "svg.stories-over-time text.tick-label") >= 4.5
    assert svg_text_contrast(page, ".timeline-graphic svg text") >= 4.5
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1100, 390])
def test_story_list_and_search_layout(browser, server: str, scheme: str, width: int) -> None:
    """The story list and the search page on a desktop and a phone, light and dark: nothing
    forces sideways scrolling, a long title stops at three lines, the coverage bar shows a
    segment per outlet, and the colours follow the scheme."""
    context = browser.new_context(
        base_url=server, viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    page = context.new_page()
    page.goto("/")
    sochi = page.locator("ol.cards > li").filter(has_text="4 outlets")
    segments = sochi.locator(".coverage-bar .seg")
    assert segments.count() == 4
    for n in range(4):
        box = segments.nth(n).bounding_box()
        assert box and box["width"] >= 3 and box["height"] >= 5
    title = sochi.locator("h2.card-title a")
    full = title.inner_text()
    assert title.get_attribute("title") == full
    line = float(title.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)"))
    title.evaluate("a => { a.textContent = (a.textContent + ' ').repeat(12); }")
    assert title.bounding_box()["height"] <= 3 * line + 2  # clamped, however long
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    text = page.evaluate("getComputedStyle(document.body).color")
    if scheme == "dark":
        assert _luminance(background) < 0.2 < _luminance(text)
    else:
        assert _luminance(background) > 0.8 > _luminance(text)
    bar = segments.first.evaluate("s => getComputedStyle(s).backgroundColor")
    assert abs(_luminance(bar) - _luminance(background)) > 0.2  # the bar stands out

    page.goto("/search?q=Peskov&sort=date")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    hits = page.locator("ol.cards > li ul.hits")
    assert hits.count() >= 1 and hits.first.is_visible()
    assert page.locator("ol.cards mark").first.is_visible()
    assert page.locator("select[name=sort]").input_value() == "date"
    context.close()


def test_favicon_loads(page) -> None:
    page.goto("/")
    icon = page.request.get("/favicon.ico")
    assert icon.ok and icon.headers["content-type"] == "image/svg+xml"
    loaded = page.evaluate(
        """() => new Promise(done => { const i = new Image(); i.onload = () => done(i.width > 0);
        i.onerror = () => done(false); i.src = document.querySelector("link[rel=icon]").href; })"""
    )
    assert loaded
