"""The web UI and JSON API (`newsweave serve`) over a small hand-built store: listings,
filters, search, the story page's citations and analysis, entity and outlet pages, the API,
uploads, and the security rules (headers, escaping, no traversal, tokens, size limits)."""

from __future__ import annotations

import importlib.util
import json
import re
import warnings
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from factories import cite, make_article, make_story, split_sentences
from newsweave.app.evidence import supports
from newsweave.cli import app as cli_app
from newsweave.model import (
    Article,
    Disagreement,
    Fact,
    OutletCoverage,
    QuoteVariant,
    Removal,
    Statement,
    StoryEntity,
    StoryQuote,
    TimelineEvent,
    Version,
)
from newsweave.render.html import render_html
from newsweave.store import Store, open_store
from newsweave.store.browse import StoryFilter
from newsweave.web import create_app
from newsweave.web.app import LOOPBACK_HOSTS
from newsweave.web.security import CSP, token_matches
from newsweave.web.upload import UploadRefused, read_upload

with warnings.catch_warnings():  # Starlette's test client would rather have httpx2
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

TOKEN = "s3cret-token-for-tests"
SOCHI, MOSCOW, EVIL = "a0000000sochi", "b000000moscow", "c0000000evil0"
LINE = "d0000000line0"  # the storyline of the Sochi and Moscow stories
XSS_TITLE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def build(store: Store) -> dict[str, Article]:
    dw = make_article(
        "Syrian President Bashar al-Assad met Vladimir Putin in Sochi on Thursday. "
        "Kremlin spokesman Dmitry Peskov said the talks lasted three hours. "
        "Assad thanked Russia for its military support.",
        source="dw.txt",
        split=split_sentences,
        title="Assad meets Putin in Sochi",
        outlet="DW",
        published=date(2018, 5, 18),
        url="https://www.dw.com/en/assad-sochi/a-1",
        removed=[Removal("Share this article on Facebook", "share-prompt")],
    )
    k24 = make_article(
        "President Assad met Russian President Vladimir Putin in the resort of Sochi on Thursday. "
        "Kremlin spokesman Dmitry Peskov said the talks lasted four hours. "
        "A Kurdish delegation was not invited.",
        source="k24.txt",
        split=split_sentences,
        title="Assad meets Putin in Sochi to discuss Syria",
        outlet="Kurdistan 24",
        published=date(2018, 5, 18),
        url="javascript:alert(document.cookie)",
    )
    mt = make_article(
        "Putin welcomed Assad to Sochi for unannounced talks on Thursday. "
        "The two leaders discussed the withdrawal of foreign troops.",
        source="mt.txt",
        split=split_sentences,
        title="Syria's Assad flies to Russia",
        outlet="The Moscow Times",
        credits=["Reuters"],
        published=date(2018, 5, 18),
    )
    moscow = make_article(
        "Putin received Assad in Moscow in October 2015 to discuss the Russian air campaign.",
        source="moscow.txt",
        split=split_sentences,
        title="Assad meets with Putin in Moscow",
        outlet="The Moscow Times",
        published=date(2015, 10, 21),
    )
    evil = make_article(
        f'{XSS_TITLE} Click <a href="javascript:window.__pwned=1">here</a> for more. '
        "The attacker wrote javascript:window.__pwned=1 into the body.",
        source="evil.txt",
        split=split_sentences,
        title=XSS_TITLE,
        outlet='<b onmouseover="window.__pwned=1">Evil Outlet</b>',
        url="javascript:window.__pwned=1",
    )
    filler = [
        make_article(
            f"Filler number {n} reports on the harbour regatta number {n}. Boats sailed.",
            source=f"filler-{n}.txt",
            split=split_sentences,
            title=f"Regatta {n}",
            outlet="Harbour Post",
            published=date(2020, 1, min(n, 24)),  # 24 and 25 share a day
        )
        for n in range(1, 26)
    ]
    extra = make_article(  # a second article for filler 25: of two stories of a day, bigger first
        "The harbour regatta drew a record crowd, organisers said. Boats sailed again.",
        source="filler-25b.txt",
        split=split_sentences,
        title="Regatta crowd",
        outlet="Coast Daily",
        published=date(2020, 1, 24),
    )
    store.add_articles([dw, k24, mt, moscow, evil, *filler, extra])
    sochi = make_story(
        dw,
        k24,
        mt,
        id=SOCHI,
        title="Assad meets Putin in Sochi",
        event_date=date(2018, 5, 17),
        summary=[cite(dw, 0, k24, mt), cite(k24, 1, dw)],
        entities=[
            StoryEntity("Bashar al-Assad", "PERSON", ["Assad"], [dw.id], 9, 5.0),
            StoryEntity("Vladimir Putin", "PERSON", ["Putin"], [dw.id], 7, 4.0),
            StoryEntity("Dmitry Peskov", "PERSON", ["Peskov"], [dw.id], 2, 1.5),
            StoryEntity("Sochi", "GPE", [], [dw.id], 3, 1.0),
        ],
        facts=[
            Fact(
                "Assad met Putin in Sochi on Thursday.",
                ["DW", "Kurdistan 24", "The Moscow Times (Reuters)"],
                [dw.id, k24.id, mt.id],
                3,
                ["DW", "Kurdistan 24", "Reuters"],
                [Statement(dw.id, "DW", 0, dw.sentences[0].text)],
            )
        ],
        disagreements=[
            Disagreement(
                "number (hours)",
                "number",
                [
                    Version("DW", dw.id, dw.sentences[1].text, "three"),
                    Version("Kurdistan 24", k24.id, k24.sentences[1].text, "four"),
                ],
            )
        ],
        quotes=[
            StoryQuote(
                "the talks lasted three hours",
                "Dmitry Peskov",
                "say",
                ["DW", "Kurdistan 24"],
                [dw.id, k24.id],
                [QuoteVariant("the talks lasted three hours", ["DW"], [dw.id])],
            ),
            StoryQuote("the talks went well", "the spokesman", "say", ["DW"], [dw.id]),
        ],
        coverage=[
            OutletCoverage("DW", ["Assad thanked Russia for its military support."], []),
            OutletCoverage("Kurdistan 24", ["A Kurdish delegation was not invited."], []),
        ],
        storyline=LINE,
        timeline=[
            TimelineEvent(date(2015, 10, 1), "month", "Assad's visit to Moscow", ["DW"], [dw.id]),
            TimelineEvent(
                date(2018, 5, 17), "day", "Assad meets Putin in Sochi", ["DW"], [dw.id], SOCHI
            ),
        ],
    )
    stories = [
        sochi,
        make_story(
            moscow,
            id=MOSCOW,
            title="Assad meets with Putin in Moscow",
            storyline=LINE,
            event_date=date(2015, 10, 20),
            summary=[cite(moscow, 0)],
            entities=[
                StoryEntity("Vladimir Putin", "PERSON", [], [moscow.id], 2, 2.0),
                StoryEntity("AC/DC", "ORG", [], [moscow.id], 1, 0.5),  # a "/" in a name
            ],
        ),
        make_story(
            evil,
            id=EVIL,
            title=XSS_TITLE,
            summary=[cite(evil, 0)],
            entities=[StoryEntity('<svg onload="window.__pwned=1">', "ORG", [], [evil.id], 1, 1.0)],
        ),
    ]
    for n, a in enumerate(filler, 1):
        members = [a, extra] if n == 25 else [a]
        stories.append(
            make_story(
                *members,
                id=f"f{n:011d}",
                title=a.title,
                event_date=a.published,
                summary=[cite(a, 0)],
            )
        )
    store.replace_stories(stories)
    return {"dw": dw, "k24": k24, "mt": mt, "moscow": moscow, "evil": evil}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Article]]:
    path = tmp_path_factory.mktemp("web") / "web.db"
    with open_store(path) as store:
        articles = build(store)
    return path, articles


@pytest.fixture(scope="module")
def client(db: tuple[Path, dict[str, Article]]) -> Iterator[TestClient]:
    with TestClient(create_app(db[0])) as c:
        yield c


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    """A fresh store behind a server started with a token (stories not analysed: no spaCy)."""
    path = tmp_path / "upload.db"
    with TestClient(create_app(path, TOKEN, analyse=False, max_upload=64 * 1024)) as c:
        yield c, path


def count(path: Path) -> int:
    with open_store(path) as store:
        return store.article_count()


# ---- the store's listings ----


def test_story_cards_newest_then_biggest(db: tuple[Path, dict[str, Article]]) -> None:
    with open_store(db[0]) as store:
        cards = store.story_cards(limit=100)
        assert store.story_count() == len(cards) == 28
        dated = [c.event_date for c in cards if c.event_date]
        assert dated == sorted(dated, reverse=True)
        assert cards[-1].id == EVIL  # undated stories last
        assert [c.id for c in cards[:3]] == ["f00000000025", "f00000000024", "f00000000023"]
        first = cards[0]
        assert first.article_count == 2 and first.outlet_count == 2
        assert first.outlets == ["Coast Daily", "Harbour Post"]
        sochi = next(c for c in cards if c.id == SOCHI)
        assert [e.name for e in sochi.entities][:2] == ["Bashar al-Assad", "Vladimir Putin"]


def test_story_filters(db: tuple[Path, dict[str, Article]]) -> None:
    with open_store(db[0]) as store:

        def ids(**where) -> set[str]:
            return {c.id for c in store.story_cards(StoryFilter(**where), limit=100)}

        assert ids(entity="vladimir putin") == {SOCHI, MOSCOW}
        assert ids(entity="Vladimir Putin", since=date(2016, 1, 1)) == {SOCHI}
        assert ids(until=date(2017, 1, 1)) == {MOSCOW}
        assert ids(outlet="The Moscow Times (Reuters)") == {SOCHI}
        assert ids(outlet="The Moscow Times") == {MOSCOW}
        assert ids(since=date(2020, 1, 5), until=date(2020, 1, 6)) == {
            "f00000000005",
            "f00000000006",
        }
        assert store.story_count(StoryFilter(outlet="Harbour Post")) == 25
        assert ids(entity="nobody") == set()


def test_outlet_articles_follow_citation_labels(db: tuple[Path, dict[str, Article]]) -> None:
    """`The Moscow Times` and its Reuters copy are different labels: each page has its own."""
    _, articles = db
    with open_store(db[0]) as store:
        assert [a.id for a in store.outlet_articles("The Moscow Times")] == [articles["moscow"].id]
        assert [a.id for a in store.outlet_articles("The Moscow Times (Reuters)")] == [
            articles["mt"].id
        ]
        page1 = store.outlet_articles("Harbour Post", limit=10)
        page3 = store.outlet_articles("Harbour Post", offset=20, limit=10)
        assert len(page1) == 10 and len(page3) == 5
        assert not {a.id for a in page1} & {a.id for a in page3}
        assert page1[0].published == date(2020, 1, 24)
        exclusives = store.outlet_exclusives("Kurdistan 24")
        assert [(x.story_id, x.statements) for x in exclusives] == [
            (SOCHI, ["A Kurdish delegation was not invited."])
        ]


def test_entities_by_prefix(db: tuple[Path, dict[str, Article]]) -> None:
    with open_store(db[0]) as store:
        assert [(e.name, e.stories) for e in store.entities("vla")] == [("Vladimir Putin", 2)]
        assert store.entities()[0].name == "Vladimir Putin"
        assert store.entity("DMITRY PESKOV").name == "Dmitry Peskov"
        assert store.entity("nobody") is None


def test_search_snippets_are_segments(db: tuple[Path, dict[str, Article]]) -> None:
    with open_store(db[0]) as store:
        stories = store.search_stories("sochi")
        assert [s.id for s in stories] == [SOCHI]
        assert ("Sochi", True) in stories[0].snippet
        hits = store.search_articles("Peskov")
        assert {h.outlet for h in hits} == {"DW", "Kurdistan 24"}
        assert all(h.story_id == SOCHI for h in hits)
        assert store.search_articles('" OR NEAR(') == []  # operators are words, not syntax
        assert store.search_stories("   ") == []


def test_common_words_rank_recent_rows_first(
    db: tuple[Path, dict[str, Article]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ranking every match of a common word is slow on a large store: the most recent rows
    are ranked first, and older ones searched only when those hold too few matches."""
    from newsweave.store.sqlite import browse as sqlite_browse

    monkeypatch.setitem(sqlite_browse.SEARCH_WINDOWS, "article_search", ("articles", (3, 5)))
    monkeypatch.setitem(sqlite_browse.SEARCH_WINDOWS, "story_search", ("stories", (2,)))
    with open_store(db[0]) as store:
        newest = {a.id for a in store.articles()[-3:]}
        recent = store.search_articles("regatta", limit=2)
        assert len(recent) == 2 and {a.id for a in recent} <= newest
        fewer = store.search_articles("regatta", limit=4)  # the next window: the last five
        assert {a.id for a in fewer} <= {a.id for a in store.articles()[-5:]}
        assert len(store.search_articles("regatta", limit=10)) == 10  # too few: all searched
        assert {a.outlet for a in store.search_articles("Peskov")} == {"DW", "Kurdistan 24"}
        assert [s.id for s in store.search_stories("sochi")] == [SOCHI]


# ---- pages ----


def test_stories_page_lists_and_paginates(client: TestClient) -> None:
    first = client.get("/")
    assert first.status_code == 200
    assert "28 stories" in first.text
    assert first.text.count('class="card"') == 20
    assert 'href="?page=2"' in first.text
    second = client.get("/?page=2")
    assert second.text.count('class="card"') == 8
    assert "Assad meets with Putin in Moscow" in second.text
    assert 'href="?page=1"' in second.text and "page=3" not in second.text


def test_stories_page_filters_keep_their_values(client: TestClient) -> None:
    page = client.get("/", params={"entity": "Vladimir Putin", "since": "2016-01-01", "until": ""})
    assert page.status_code == 200
    assert "1 story" in page.text
    assert "Assad meets Putin in Sochi" in page.text
    assert "Assad meets with Putin in Moscow" not in page.text
    assert 'value="Vladimir Putin"' in page.text and 'value="2016-01-01"' in page.text
    by_outlet = client.get("/", params={"outlet": "Harbour Post", "page": 2})
    assert "25 stories" in by_outlet.text and "outlet=Harbour+Post" in by_outlet.text
    assert client.get("/", params={"since": "May 2018"}).status_code == 422


def test_story_page_citations_reveal_supporting_sentences(
    client: TestClient, db: tuple[Path, dict[str, Article]]
) -> None:
    _, articles = db
    page = client.get(f"/stories/{SOCHI}").text
    summary = page.split('<ol class="summary">')[1].split("</ol>")[0]
    items = summary.split("<li>")[1:]
    assert len(items) == 2
    first_chips = re.findall(r'<summary class="chip"[^>]*>([^<]+)</summary>', items[0])
    assert first_chips == ["DW", "Kurdistan 24", "The Moscow Times (Reuters)"]
    # each chip holds its outlet's own sentence, not the summary sentence again
    k24_chip = items[0].split(">Kurdistan 24</summary>")[1].split("</details>")[0]
    assert "President Assad met Russian President Vladimir Putin in the resort of Sochi" in k24_chip
    assert f'href="#article-{articles["k24"].id}"' in k24_chip
    dw_chip = items[1].split(">DW</summary>")[1].split("</details>")[0]
    assert "Kremlin spokesman Dmitry Peskov said the talks lasted three hours." in dw_chip
    assert "four hours" not in dw_chip  # DW's own words, not Kurdistan 24's


def test_story_page_analysis(client: TestClient, db: tuple[Path, dict[str, Article]]) -> None:
    _, articles = db
    page = client.get(f"/stories/{SOCHI}").text
    assert '<meter min="0" max="3" value="3"' in page  # facts: corroboration meter
    assert "Where outlets disagree" in page and ">three<" in page and ">four<" in page
    assert "Dmitry Peskov" in page and "the talks lasted three hours" in page  # quotes
    assert 'href="/entities/Bashar%20al-Assad"' in page  # entities link to their pages
    assert "Coverage by outlet" in page and "A Kurdish delegation was not invited." in page
    timeline = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert '<time datetime="2015-10-01">2015-10</time>' in timeline  # as precise as known
    assert "Assad meets Putin in Sochi" in timeline
    # articles: cleaned text, removals collapsed, only http(s) URLs linked
    assert "What the cleaner removed (1)" in page and "share-prompt" in page
    assert 'href="https://www.dw.com/en/assad-sochi/a-1"' in page
    assert 'href="javascript:' not in page
    assert "URL (not linked): <code>javascript:alert(document.cookie)</code>" in page
    assert f'id="article-{articles["mt"].id}"' in page
    assert client.get(f"/stories/{SOCHI[:6]}").status_code == 200  # unique prefix
    assert client.get("/stories/zzzz").status_code == 404


def section(page: str, heading: str) -> str:
    """The page's text from the `<h3>` named `heading` to the next `<h3>`."""
    return page.split(f">{heading}</h3>")[1].split("<h3")[0]


def test_story_page_headlines_show_every_outlet_s_title(
    client: TestClient, db: tuple[Path, dict[str, Article]]
) -> None:
    _, articles = db
    page = client.get(f"/stories/{SOCHI}").text
    headlines = section(page, "Headlines")
    for key in ("dw", "k24", "mt"):
        article = articles[key]
        assert str(escape(article.title)) in headlines
        assert f'href="#article-{article.id}"' in headlines
    assert 'href="https://www.dw.com/en/assad-sochi/a-1"' in headlines  # the original
    assert "javascript:" not in headlines  # an unsafe URL is never a link
    assert headlines.count("wire: Reuters") == 1  # The Moscow Times carries Reuters' story
    assert '<time datetime="2018-05-18">' in headlines
    assert page.index(">Headlines</h3>") < page.index(">Summary</h3>")


def test_story_page_reads_in_a_reader_s_order(client: TestClient) -> None:
    page = client.get(f"/stories/{SOCHI}").text
    headings = re.findall(r"<h3[^>]*>([^<]+)</h3>", page)
    assert headings == [
        "Headlines", "Summary", "Key facts", "Where outlets disagree", "Quotes",
        "Coverage by outlet", "Articles over time", "Entities", "Timeline", "3 articles",
    ]  # fmt: skip


def test_story_page_names_facts_quotes_and_dates_plainly(client: TestClient) -> None:
    page = client.get(f"/stories/{SOCHI}").text
    facts = section(page, "Key facts")
    assert "<strong>3 of 3</strong> independent sources" in facts
    quotes = section(page, "Quotes")
    assert "the talks lasted three hours" in quotes and "(say)" not in quotes  # no cue lemma
    assert '<a href="/entities/Dmitry%20Peskov">Dmitry Peskov</a>' in quotes
    assert "<strong>the spokesman</strong>" in quotes  # no entity, no entity page
    assert "Event date <time" in page
    undated = client.get(f"/stories/{EVIL}").text
    assert "Event date not known" in undated
    for text in (page, undated):
        assert "date date" not in text and "Event date: " not in text


def test_story_page_coverage_names_the_facts(client: TestClient) -> None:
    coverage = section(client.get(f"/stories/{SOCHI}").text, "Coverage by outlet")
    assert "Assad met Putin in Sochi on Thursday." in coverage  # named, not numbered
    assert "Reported by DW, Kurdistan 24, The Moscow Times (Reuters)" in coverage
    assert ">F1<" not in coverage and "<table" not in coverage
    assert (
        "Only one outlet reports" in coverage
        and "A Kurdish delegation was not invited." in coverage
    )


def test_story_page_names_its_storyline(client: TestClient) -> None:
    page = client.get(f"/stories/{SOCHI}").text
    named = page.split('<p class="storyline-link">')[1].split("</p>")[0]
    assert f'href="/storylines/{LINE}"' in named and "Vladimir Putin" in named
    assert "2 stories" in named
    assert "storyline-link" not in client.get(f"/stories/{EVIL}").text  # in none


def test_story_and_storyline_charts(client: TestClient) -> None:
    chart = section(client.get(f"/stories/{SOCHI}").text, "Articles over time")
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart articles-over-time" role="img"'
        in chart
    )
    assert "The articles by outlet and day" in chart  # the same as text
    line = client.get(f"/storylines/{LINE}").text
    drawn = section(line, "Its stories over time")
    assert 'class="chart stories-over-time"' in drawn
    assert f'<a href="/stories/{SOCHI}">' in drawn and f'<a href="/stories/{MOSCOW}">' in drawn


def test_the_report_shows_a_story_as_its_page_does(
    client: TestClient, db: tuple[Path, dict[str, Article]]
) -> None:
    """The static report's story has the page's sections, in its order, with its chips."""
    with open_store(db[0]) as store:
        story = store.story(SOCHI)
    report = render_html([story])
    shown = report.split(f'id="story-{SOCHI}"')[1]
    page = client.get(f"/stories/{SOCHI}").text
    headings = re.compile(r"<h3[^>]*>([^<]+)</h3>")
    assert headings.findall(shown) == headings.findall(page)
    chips = re.compile(r'<summary class="chip"[^>]*>([^<]+)</summary>')
    assert chips.findall(shown) == chips.findall(page) != []
    supported = "President Assad met Russian President Vladimir Putin in the resort of Sochi"
    assert supported in shown.split('<ol class="summary">')[1].split("</ol>")[0]


def test_timeline_drawn_when_the_renderer_exists(client: TestClient) -> None:
    page = client.get(f"/stories/{SOCHI}").text
    if importlib.util.find_spec("newsweave.render.timeline_svg") is None:
        assert "<svg" not in page
    else:  # drawn, and the list (with links) kept under it
        assert '<div class="timeline-graphic"><svg' in page
        assert "The events as a list, with links" in page


def test_supports_follow_the_story(db: tuple[Path, dict[str, Article]]) -> None:
    """Supporting sentences are cached by story content: a re-summarised story gets its own."""
    with open_store(db[0]) as store:
        story = store.story(SOCHI)
    first = supports(story)
    assert supports(story) == first
    k24 = next(a for a in story.articles if a.outlet == "Kurdistan 24")
    story.summary = [cite(k24, 2)]
    (chips,) = supports(story)
    assert [c.outlet for c in chips] == ["Kurdistan 24"]
    assert chips[0].passages[0].text == "A Kurdish delegation was not invited."


def test_storyline_page(client: TestClient) -> None:
    page = client.get(f"/storylines/{LINE}").text
    assert "2 stories" in page and "Vladimir Putin" in page
    # its stories oldest first, and one timeline of all of them
    assert page.index(f'href="/stories/{MOSCOW}"') < page.index(f'href="/stories/{SOCHI}"')
    # the month DW cites is the Moscow story's event: one row
    assert "2 events" in page and "Assad&#39;s visit" not in page and "show all" not in page
    everything = client.get(f"/storylines/{LINE}", params={"events": "all"}).text
    assert "2 events" in everything
    assert client.get(f"/storylines/{SOCHI}").text == page  # a story's storyline
    assert client.get(f"/storylines/{EVIL}").status_code == 404  # in no storyline
    assert client.get("/storylines/nothing").status_code == 404
    api = client.get(f"/api/storylines/{LINE}").json()
    assert api["total"] == 2 and [c["id"] for c in api["stories"]] == [MOSCOW, SOCHI]
    assert len(api["timeline"]) == 2 and api["entities"][0] == "Vladimir Putin"
    listing = client.get("/", params={"entity": "Vladimir Putin"}).text
    assert listing.count(f'href="/storylines/{LINE}"') == 2  # both stories' cards
    story = client.get(f"/stories/{SOCHI}").text
    assert f'href="/storylines/{LINE}"' in story
    assert story.index("<h3>Key facts</h3>") < story.index("<h3>Timeline</h3>")


def test_story_without_timeline_shows_none(client: TestClient) -> None:
    page = client.get(f"/stories/{MOSCOW}").text
    assert "Timeline" not in page and 'class="timeline' not in page


def test_search_page_highlights(client: TestClient) -> None:
    page = client.get("/search", params={"q": "Peskov"}).text
    assert "<mark>Peskov</mark>" in page
    assert f"/stories/{SOCHI}#article-" in page
    assert "1 story and 2 articles match" in page
    hostile = client.get("/search", params={"q": '<script>alert(1)</script> " NEAR('})
    assert hostile.status_code == 200
    assert "<script>alert(1)" not in hostile.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile.text


@pytest.mark.parametrize("query", ["\x00", "Peskov\x00", "a\x00b", "\x1b[31m", "\x7f"])
def test_search_with_control_characters_is_a_search(client: TestClient, query: str) -> None:
    """NUL ends an SQLite string: a query holding one is searched without it, not a 500."""
    for path in ("/search", "/api/search"):
        answer = client.get(path, params={"q": query})
        assert answer.status_code == 200, (path, query)
    found = client.get("/api/search", params={"q": "Peskov\x00"}).json()
    assert found["articles"], "the word before the NUL is still searched"


def test_entity_and_outlet_pages(client: TestClient) -> None:
    entity = client.get("/entities/vladimir%20putin")
    assert entity.status_code == 200
    assert "<h1>Vladimir Putin</h1>" in entity.text and "named in 2 stories" in entity.text
    assert entity.text.index("2015-10-20") < entity.text.index(
        "2018-05-17"
    )  # timeline, oldest first
    assert client.get("/entities/nobody").status_code == 404
    listing = client.get("/entities", params={"prefix": "dm"}).text
    assert "Dmitry Peskov" in listing and "Vladimir Putin" not in listing
    outlet = client.get("/outlets/Kurdistan%2024").text
    assert "What only Kurdistan 24 reported" in outlet
    assert "A Kurdish delegation was not invited." in outlet
    assert "Assad meets Putin in Sochi to discuss Syria" in outlet
    assert client.get("/outlets/Harbour%20Post?page=2").text.count('class="card"') == 5
    assert client.get("/outlets/Nobody%20Times").status_code == 404
    assert "Harbour Post" in client.get("/outlets").text


def test_names_with_a_slash_round_trip(client: TestClient) -> None:
    page = client.get(f"/stories/{MOSCOW}").text
    assert 'href="/entities/AC%2FDC"' in page
    assert "<h1>AC/DC</h1>" in client.get("/entities/AC%2FDC").text
    assert client.get("/api/entities/AC%2FDC").json()["entity"]["name"] == "AC/DC"


def test_article_page(client: TestClient, db: tuple[Path, dict[str, Article]]) -> None:
    _, articles = db
    page = client.get(f"/articles/{articles['moscow'].id}").text
    assert "Putin received Assad in Moscow" in page and f"/stories/{MOSCOW}" in page
    assert client.get("/articles/0000").status_code == 404


# ---- untrusted text ----


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's tokenizer sees them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_hostile_article_is_shown_as_text(
    client: TestClient, db: tuple[Path, dict[str, Article]]
) -> None:
    _, articles = db
    pages = [
        client.get(f"/stories/{EVIL}").text,
        client.get(f"/articles/{articles['evil'].id}").text,
        client.get("/?page=2").text,
        client.get("/search", params={"q": "attacker"}).text,
        client.get("/entities").text,
        client.get("/outlets").text,
        client.get(
            "/outlets/" + quote('<b onmouseover="window.__pwned=1">Evil Outlet</b>', safe="")
        ).text,
    ]
    for page in pages:
        tags = Tags(page).tags
        assert {t for t, _ in tags} <= SAFE_TAGS, {t for t, _ in tags} - SAFE_TAGS
        for tag, attrs in tags:
            assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
            assert not (attrs.get("href") or "").lower().startswith("javascript"), attrs
            assert "style" not in attrs
        assert [a for t, a in tags if t == "script"] == [{"src": "/static/app.js", "defer": None}]
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in pages[0]
    assert "<mark>attacker</mark> wrote" in pages[3]


SAFE_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "header", "div", "a", "nav",
    "form", "input", "button", "main", "h1", "h2", "h3", "p", "ol", "ul", "li", "span",
    "details", "summary", "blockquote", "code", "time", "strong", "mark", "table", "thead",
    "tbody", "tr", "th", "td", "meter", "label", "footer", "article", "section", "h4",
    "select", "option",
}  # fmt: skip


# ---- the API ----


def test_api_stories_mirror_the_page(client: TestClient) -> None:
    data = client.get("/api/stories", params={"entity": "Vladimir Putin"}).json()
    assert data["total"] == 2 and data["page"] == 1
    assert [s["id"] for s in data["stories"]] == [SOCHI, MOSCOW]
    sochi = data["stories"][0]
    assert sochi["event_date"] == "2018-05-17" and sochi["outlet_count"] == 3
    assert sochi["entities"][0] == {"name": "Bashar al-Assad", "type": "PERSON"}
    paged = client.get("/api/stories", params={"per_page": 5, "page": 6}).json()
    assert len(paged["stories"]) == 3 and paged["total"] == 28
    assert client.get("/api/stories", params={"per_page": 1000}).status_code == 422
    assert client.get("/api/stories", params={"until": "tomorrow"}).status_code == 422


def test_api_story_has_support_and_contract_keys(client: TestClient) -> None:
    data = client.get(f"/api/stories/{SOCHI}").json()
    for key in ("id", "title", "event_date", "outlets", "articles", "summary", "facts",
                "disagreements", "quotes", "entities", "coverage", "timeline"):  # fmt: skip
        assert key in data
    support = data["summary"][0]["support"]
    assert [s["outlet"] for s in support] == ["DW", "Kurdistan 24", "The Moscow Times (Reuters)"]
    assert support[2]["sentences"][0]["text"].startswith("Putin welcomed Assad to Sochi")
    first = {k: v for k, v in data["timeline"][0].items() if v is not None}
    assert first == {
        "date": "2015-10-01", "granularity": "month", "text": "Assad's visit to Moscow",
        "outlets": ["DW"], "article_ids": [data["articles"][0]["id"]],
        "sources": 0, "source_names": [], "variants": [], "salience": 0.0,
    }  # fmt: skip
    assert data["articles"][0]["removed"] == [
        {"text": "Share this article on Facebook", "rule": "share-prompt"}
    ]
    missing = client.get("/api/stories/nope")
    assert missing.status_code == 404 and missing.json() == {"detail": "no story 'nope'"}


def test_api_search_entities_outlets_articles(
    client: TestClient, db: tuple[Path, dict[str, Article]]
) -> None:
    _, articles = db
    found = client.get("/api/search", params={"q": "sochi thursday"}).json()
    assert found["stories"][0]["id"] == SOCHI
    assert ["Sochi", True] in found["stories"][0]["snippet"]
    assert len(found["articles"]) == 3
    entity = client.get("/api/entities/Vladimir%20Putin").json()
    assert entity["entity"] == {"name": "Vladimir Putin", "type": "PERSON", "stories": 2}
    assert {e["story_id"] for e in entity["timeline"]} >= {MOSCOW, SOCHI}
    days = [e["date"] for e in entity["timeline"]]
    assert days == sorted(days) and "2018-05-17" in days
    assert client.get("/api/entities", params={"prefix": "bash"}).json()[0]["name"] == (
        "Bashar al-Assad"
    )
    assert {"outlet": "Harbour Post", "stories": 25} in client.get("/api/outlets").json()
    outlet = client.get("/api/outlets/The%20Moscow%20Times%20(Reuters)").json()
    assert [a["id"] for a in outlet["articles"]] == [articles["mt"].id]
    article = client.get(f"/api/articles/{articles['dw'].id}").json()
    assert article["story_id"] == SOCHI and article["outlet_label"] == "DW"


def test_openapi_is_local_and_describes_the_api(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/search", "/api/articles"} <= set(
        spec["paths"]
    )
    assert "post" in spec["paths"]["/api/articles"]
    assert not any(p.startswith("/stories") for p in spec["paths"])  # pages are not API
    for path in ("/docs", "/redoc"):  # they load scripts from a CDN
        assert client.get(path).status_code == 404
    index = client.get("/api").text
    assert "/api/stories/{story_id}" in index and "https://" not in index


# ---- security ----


@pytest.mark.parametrize(
    "path",
    ["/", f"/stories/{SOCHI}", "/search?q=x", "/api/stories", "/api/openapi.json",
     "/static/style.css", "/static/app.js", "/nope", "/api/nope", "/?page=0"],
)  # fmt: skip
def test_every_response_carries_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-security-policy"] == CSP
    assert "default-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", ["/", f"/stories/{SOCHI}", "/api/stories", "/static/style.css"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    """Uptime and link checkers ask with HEAD: same status and headers as GET, no body."""
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["content-security-policy"] == CSP
    assert client.head("/nope").status_code == 404
    assert client.head("/api/articles").status_code == 405  # POST only


def test_server_errors_carry_the_headers_too(
    db: tuple[Path, dict[str, Article]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsweave.web import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "story_list", broken)
    with TestClient(create_app(db[0]), raise_server_exceptions=False) as c:
        response = c.get("/api/stories")
    assert response.status_code == 500 and "boom" not in response.text
    assert response.headers["content-security-policy"] == CSP


@pytest.mark.parametrize(
    "path",
    ["/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/..%2F..%2Fcli.py",
     "/static/%2e%2e%2f%2e%2e%2f__init__.py", "/static/", "/static/style.css%00.py",
     "/static/templates/base.html.j2", "/static//etc/passwd", "/static/%2fetc%2fpasswd"],
)  # fmt: skip
def test_no_path_traversal(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (404, 405)
    assert "def create_app" not in response.text and "root:" not in response.text
    assert "{% " not in response.text


def test_static_files_are_the_package_ones(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.headers["content-type"].startswith("text/css") and ":root" in css.text
    js = client.get("/static/app.js")
    assert js.headers["content-type"].startswith("text/javascript")


def test_host_header_checked_on_loopback(db: tuple[Path, dict[str, Article]]) -> None:
    with TestClient(
        create_app(db[0], allowed_hosts=LOOPBACK_HOSTS), base_url="http://127.0.0.1:8000"
    ) as c:
        assert c.get("/").status_code == 200
        refused = c.get("/", headers={"host": "evil.example"})
        assert refused.status_code == 400
        assert refused.headers["content-security-policy"] == CSP  # every reply carries them
        assert refused.headers["x-frame-options"] == "DENY"


def test_token_comparison() -> None:
    assert token_matches(TOKEN, f"Bearer {TOKEN}")
    assert token_matches(TOKEN, f"bearer {TOKEN}")
    assert not token_matches(TOKEN, f"Bearer {TOKEN}x")
    assert not token_matches(TOKEN, TOKEN)
    assert not token_matches(TOKEN, f"Basic {TOKEN}")
    assert not token_matches(TOKEN, None)
    assert not token_matches(TOKEN, "Bearer ")


# ---- uploads ----

JSONL = "\n".join(
    json.dumps(x)
    for x in [
        {"text": "Volcano erupts on the island of Ruapehu. Ash fell on three towns. "
                 "Flights were cancelled across the region.",
         "title": "Ruapehu volcano erupts", "outlet": "Island News", "published": "2024-03-02"},
        {"text": "The Ruapehu volcano erupted on Saturday, covering three towns in ash. "
                 "Airlines cancelled flights.",
         "title": "Ash covers towns after Ruapehu eruption", "outlet": "Pacific Wire",
         "published": "2024-03-02"},
    ]
)  # fmt: skip
HTML = """<!doctype html><html><head><title>Harbour fire destroys warehouse | Coast Daily</title>
<meta property="og:site_name" content="Coast Daily"></head><body><article>
<h1>Harbour fire destroys warehouse</h1>
<p>A fire destroyed a warehouse in the old harbour district on Sunday night, the fire brigade said.</p>
<p>Nobody was hurt, but the blaze closed the harbour road for several hours while crews worked.</p>
<p>The cause of the fire is not yet known and an investigation has been opened by the police.</p>
</article></body></html>"""


def post(c: TestClient, body: bytes | str, content_type: str, token: str | None = TOKEN, **kw):
    headers = {"content-type": content_type}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return c.post("/api/articles", content=body, headers=headers, **kw)


def test_post_refused_without_server_token(client: TestClient, db: tuple[Path, dict]) -> None:
    before = count(db[0])
    response = post(client, JSONL, "application/jsonl")
    assert response.status_code == 403
    assert count(db[0]) == before


def test_post_needs_the_right_token(writable: tuple[TestClient, Path]) -> None:
    c, path = writable
    assert post(c, JSONL, "application/jsonl", token=None).status_code == 401
    wrong = post(c, JSONL, "application/jsonl", token="s3cret-token-for-test")
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert count(path) == 0


def test_jsonl_upload_builds_stories(writable: tuple[TestClient, Path]) -> None:
    c, path = writable
    response = post(c, JSONL, "application/x-ndjson; charset=utf-8")
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["added"] == 2 and len(result["stories"]) >= 1
    assert result["not_english"] == {}  # both in English: every article is analysed
    assert count(path) == 2
    stories = c.get("/api/stories").json()["stories"]
    assert {o for s in stories for o in s["outlets"]} == {"Island News", "Pacific Wire"}
    story = c.get(f"/api/stories/{result['stories'][0]}").json()
    assert story["summary"]  # summarised, so the page has something to show
    assert c.get("/search", params={"q": "Ruapehu"}).text.count("<mark>Ruapehu</mark>") >= 1
    again = post(c, JSONL, "application/jsonl")
    assert again.status_code == 200 and again.json()["duplicates"] == 2
    assert count(path) == 2


def test_html_upload(writable: tuple[TestClient, Path]) -> None:
    c, path = writable
    response = post(c, HTML, "text/html; charset=utf-8")
    assert response.status_code == 201, response.text
    with open_store(path) as store:
        (stored,) = store.articles()
    assert stored.title == "Harbour fire destroys warehouse"
    assert "warehouse in the old harbour district" in stored.text


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (JSONL, "text/plain", 415),
        (JSONL, "multipart/form-data; boundary=x", 415),
        (JSONL, "", 415),
        (JSONL + '\n{"title": "no text"}', "application/jsonl", 400),
        (JSONL + "\n{not json", "application/jsonl", 400),
        (b"\xff\xfe\x00garbage\x00", "application/jsonl", 400),
        ("", "application/jsonl", 400),
        ('[{"title": "no text"}]', "application/json", 400),
        ("<html><body><p>Too short.</p></body></html>", "text/html", 400),
        ('{"text": "Advertisement"}', "application/jsonl", 422),
    ],
)
def test_malformed_uploads_store_nothing(
    writable: tuple[TestClient, Path], body: str | bytes, content_type: str, status: int
) -> None:
    c, path = writable
    response = post(c, body, content_type)
    assert response.status_code == status, response.text
    assert "detail" in response.json()
    assert count(path) == 0


def test_oversized_uploads_refused(writable: tuple[TestClient, Path]) -> None:
    c, path = writable
    big = json.dumps({"text": "word " * 20_000, "title": "Big"})  # ~100 kB > 64 kB limit
    assert post(c, big, "application/jsonl").status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        for _ in range(100):
            yield b"x" * 1024

    streamed = post(c, chunks(), "application/jsonl")
    assert streamed.status_code == 413
    assert count(path) == 0


def test_read_upload_names_each_bad_line() -> None:
    with pytest.raises(UploadRefused) as refused:
        read_upload((JSONL + '\n{"text": 5}').encode(), "jsonl")
    assert refused.value.status == 400
    assert refused.value.errors[0]["source"].endswith(":3")
    assert "'text' must be a string" in refused.value.errors[0]["reason"]


def test_serve_refuses_an_unusable_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(tmp_path)])
    assert result.exit_code == 2 and "directory" in result.output


def test_worker_processes_build_the_same_app_from_the_environment(
    db: tuple[Path, dict[str, Article]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve --workers N` starts each worker by import string: its settings travel in the
    environment, Host checks and the write token included."""
    from newsweave.web.app import app_from_environment, worker_environment

    for name, value in worker_environment(db[0], None, LOOPBACK_HOSTS).items():
        monkeypatch.setenv(name, value)
    with TestClient(app_from_environment(), base_url="http://127.0.0.1") as worker:
        assert worker.get("/").status_code == 200
        assert worker.get("/", headers={"Host": "evil.example"}).status_code == 400
        refused = worker.post(
            "/api/articles", content=b"{}", headers={"Content-Type": "application/jsonl"}
        )
        assert refused.status_code == 403  # no token: read-only


def test_the_socket_workers_share_turns_nagle_off_for_keep_alive_connections() -> None:
    """With `serve --workers N` the workers share a socket bound beforehand; asyncio sets
    TCP_NODELAY on its connections only if it is a TCP socket (with uvicorn's own, every
    keep-alive request after the first waited ~40 ms for a delayed ACK)."""
    import asyncio
    import socket

    from newsweave.web.server import listening_socket

    async def accepted_nodelay() -> int:
        loop = asyncio.get_running_loop()
        seen: asyncio.Future[int] = loop.create_future()

        class Report(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        sock = listening_socket("127.0.0.1", 0)
        server = await loop.create_server(Report, sock=sock)
        _, writer = await asyncio.open_connection(*sock.getsockname())
        try:
            return await asyncio.wait_for(seen, 5)
        finally:
            writer.close()
            server.close()
            await server.wait_closed()

    assert asyncio.run(accepted_nodelay()) != 0


# ---- the story list and search a reader sees ----


def test_story_cards_carry_their_lead(db: tuple[Path, dict[str, Article]]) -> None:
    _, articles = db
    with open_store(db[0]) as store:
        (sochi,) = store.story_cards_of([SOCHI, "no-such-story"])
        assert sochi.lead == articles["dw"].sentences[0].text
        assert [c.id for c in store.story_cards_of([MOSCOW, SOCHI])] == [MOSCOW, SOCHI]


def test_story_list_card_lead_coverage_and_chips(client: TestClient) -> None:
    """A card shows the summary's first sentence, a bar with a segment per outlet (the
    Moscow Times' Reuters copy as a wire copy), the full title for the clamped one, and
    entity chips apart from the outlets."""
    page = client.get("/", params={"entity": "Vladimir Putin", "since": "2016-01-01"}).text
    card = page[page.index('<li class="card">') :]
    assert '<p class="lead">Syrian President Bashar al-Assad met Vladimir Putin' in card
    assert 'title="Assad meets Putin in Sochi">Assad meets Putin in Sochi</a>' in card
    assert card.count('class="seg own"') == 2 and card.count('class="seg copy"') == 1
    assert "2 own reporting" in card and "1 wire copy" in card
    assert 'aria-label="Coverage: 3 outlets (2 own reporting, 1 wire copy), 3 articles"' in card
    chips = re.findall(r'class="chip entity"[^>]*>([^<]*)<', card)
    assert chips == ["Bashar al-Assad", "Vladimir Putin", "Dmitry Peskov", "Sochi"]
    outlets = re.findall(r'class="outlet (\w+)"[^>]*>([^<]*)<', card)
    assert outlets == [
        ("own", "DW"),
        ("own", "Kurdistan 24"),
        ("copy", "The Moscow Times (Reuters)"),
    ]


def test_api_story_cards_carry_the_lead_and_the_chips(client: TestClient) -> None:
    sochi = client.get("/api/stories", params={"entity": "Dmitry Peskov"}).json()["stories"][0]
    assert sochi["lead"].startswith("Syrian President Bashar al-Assad met Vladimir Putin")
    assert [e["name"] for e in sochi["entities"]] == [
        "Bashar al-Assad", "Vladimir Putin", "Dmitry Peskov", "Sochi"
    ]  # fmt: skip


def _peskov_store(path: Path) -> dict[str, Article]:
    """A story naming Peskov only in its entities, facts and quotes (not its title or summary),
    and an article in no story."""
    said = make_article(
        "The Kremlin said the talks in Sochi went well. Dmitry Peskov spoke to reporters.",
        source="said.txt", split=split_sentences, title="Talks went well", outlet="DW",
        published=date(2018, 5, 18),
    )  # fmt: skip
    lone = make_article(
        "Peskov declined to comment on the harbour regatta.",
        source="lone.txt", split=split_sentences, title="No comment", outlet="Coast Daily",
        published=date(2018, 6, 1),
    )  # fmt: skip
    story = make_story(
        said,
        id="e0000000talks",
        title="Talks in Sochi",
        event_date=date(2018, 5, 17),
        summary=[cite(said, 0)],
        entities=[StoryEntity("Dmitry Peskov", "PERSON", ["Peskov"], [said.id], 1, 1.0)],
        facts=[Fact("The Kremlin spokesman briefed reporters.", ["DW"], [said.id], 1, ["DW"])],
        quotes=[StoryQuote("the talks went well", "Dmitry Peskov", "say", ["DW"], [said.id])],
    )
    with open_store(path) as store:
        store.add_articles([said, lone])
        store.replace_stories([story])
    return {"said": said, "lone": lone}


def test_stories_found_by_entities_facts_and_quotes(tmp_path: Path) -> None:
    _peskov_store(tmp_path / "s.db")
    with open_store(tmp_path / "s.db") as store:
        (hit,) = store.search_stories("Peskov")
        assert hit.id == "e0000000talks"
        assert hit.snippet[0] == ("Quote: ", False) and ("Peskov", True) in hit.snippet
        (fact,) = store.search_stories("spokesman briefed")
        assert fact.snippet[0] == ("Fact: ", False)
        assert [s.id for s in store.search_stories("Peskov Sochi")] == [hit.id]  # across columns
        story = store.story(hit.id)
        assert story is not None
        story.quotes, story.entities = [], []
        store.save_stories([story])  # the index follows the story
        assert store.search_stories("Peskov") == []
        assert store.search_stories("spokesman")
        assert store.check() == []
        store.replace_stories([])
        assert store.search_stories("spokesman") == []


def test_search_page_groups_articles_under_their_story(tmp_path: Path) -> None:
    articles = _peskov_store(tmp_path / "s.db")
    with TestClient(create_app(tmp_path / "s.db")) as c:
        page = c.get("/search", params={"q": "Peskov"}).text
        found = c.get("/api/search", params={"q": "Peskov"}).json()
    cards = page.split('<li class="card">')[1:]
    assert len(cards) == 2, "the story with its article, and the article in no story"
    story = next(c for c in cards if "Talks in Sochi" in c)
    assert '<ul class="hits"' in story and f"#article-{articles['said'].id}" in story
    assert "Quote: " in story and "<mark>Peskov</mark>" in story
    lone = next(c for c in cards if "No comment" in c)
    assert f"/articles/{articles['lone'].id}" in lone and 'class="hits"' not in lone
    groups = [
        ((h["story"] or {}).get("id"), [a["id"] for a in h["articles"]]) for h in found["hits"]
    ]
    assert sorted(groups, key=str) == sorted(
        [("e0000000talks", [articles["said"].id]), (None, [articles["lone"].id])], key=str
    )


def test_search_sorts_by_date_and_filters_dates(client: TestClient) -> None:
    best = client.get("/api/search", params={"q": "regatta"}).json()
    newest = client.get("/api/search", params={"q": "regatta", "sort": "date"}).json()
    assert newest["sort"] == "date" and best["sort"] == "relevance"
    days = [h["story"]["event_date"] for h in newest["hits"]]
    assert days == sorted(days, reverse=True) and days[0] == "2020-01-24"
    window = {"q": "regatta", "since": "2020-01-05", "until": "2020-01-06"}
    dated = client.get("/api/search", params=window).json()
    assert {s["id"] for s in dated["stories"]} == {"f00000000005", "f00000000006"}
    assert {a["published"] for a in dated["articles"]} == {"2020-01-05", "2020-01-06"}
    page = client.get("/search", params={**window, "sort": "date"}).text
    assert page.count('<li class="card">') == 2
    assert 'value="2020-01-05"' in page and '<option value="date" selected>' in page
    assert client.get("/search", params={"q": "x", "sort": "sideways"}).status_code == 422
    assert client.get("/search", params={"q": "x", "since": "soon"}).status_code == 422


def test_favicon_is_served(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert icon.text.startswith("<svg") and "<script" not in icon.text
    assert client.get("/static/favicon.svg").content == icon.content
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/").text
    assert icon.headers["Content-Security-Policy"] == CSP


def test_search_date_facet(client: TestClient) -> None:
    """Results are counted by year when they span several, by month otherwise (a story and
    its matching articles as one); each period links to the results dated in it."""
    putin = client.get("/api/search", params={"q": "Putin"}).json()
    assert [(d["label"], d["results"]) for d in putin["dates"]] == [("2018", 1), ("2015", 1)]
    page = client.get("/search", params={"q": "Putin"}).text
    assert 'href="?q=Putin&amp;since=2015-01-01&amp;until=2015-12-31">2015</a>' in page
    regatta = client.get("/api/search", params={"q": "regatta"}).json()
    assert regatta["dates"] == [
        {"label": "2020-01", "since": "2020-01-01", "until": "2020-01-31", "results": 25}
    ]
    one_year = client.get(
        "/search", params={"q": "Putin", "since": "2015-01-01", "until": "2015-12-31"}
    )
    assert "<strong>2015</strong>" in one_year.text and "any date</a>" in one_year.text


def test_date_facet_counts_lone_articles(tmp_path: Path) -> None:
    _peskov_store(tmp_path / "s.db")
    with open_store(tmp_path / "s.db") as store:
        assert store.search_months("Peskov") == [("2018-06", 1), ("2018-05", 1)]
