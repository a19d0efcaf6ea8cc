"""Outlet names from page metadata: kept only where the page's host agrees, one name per site,
wires as credits; and how citations name an article whose outlet is unknown."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest

from factories import cite, make_article, make_story
from newsweave.ingest.html import read_page
from newsweave.ingest.outlets import choose_outlet, wire_credits
from newsweave.model import Article, RawDocument, Story
from newsweave.store import open_store
from newsweave.web import create_app

with warnings.catch_warnings():  # Starlette's test client would rather have httpx2
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

BODY = "".join(
    f"<p>{s}</p>"
    for s in (
        "The city council approved the new bridge over the river on Tuesday evening.",
        "The vote passed by seven votes to two after a debate that lasted four hours.",
        "Construction is expected to begin next spring and to take about two years.",
    )
)


def page(head: str, url: str = "https://www.riverton-gazette.com/2021/bridge") -> bytes:
    """A news page with `head` in its <head> and a canonical URL on `url`."""
    return (
        f'<html><head><meta charset="utf-8"><title>Council approves bridge</title>'
        f'<link rel="canonical" href="{url}">{head}</head>'
        f"<body><article><h1>Council approves bridge</h1>{BODY}</article></body></html>"
    ).encode()


def read(data: bytes, url: str | None = None) -> RawDocument:
    (doc,) = read_page("page.html", data, url)
    assert isinstance(doc, RawDocument)
    return doc


def og(name: str) -> str:
    return f'<meta property="og:site_name" content="{name}">'


def publisher(name: str, *, author: str | None = None) -> str:
    article = {"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": name}}
    if author:
        article["author"] = {"@type": "Organization", "name": author}
    return f'<script type="application/ld+json">{json.dumps(article)}</script>'


def test_a_name_that_spells_the_host_is_the_outlet() -> None:
    assert read(page(og("Riverton Gazette"))).outlet == "Riverton Gazette"


@pytest.mark.parametrize(
    "name",
    [
        "© 2024 Riverton Gazette",  # a copyright line
        "Riverton Gazette Publishing Ltd",  # the company that owns it
        "Blogger",  # the platform the site runs on
        "@rivertongazette",  # a social handle
        "riverton-gazette-news",  # a URL slug
        "https://www.riverton-gazette.com",  # an address
        "Security",  # a section of the site
    ],
)
def test_names_that_are_not_the_sites_are_rejected(name: str) -> None:
    assert read(page(og(name))).outlet is None


def test_a_tagline_gives_the_part_that_names_the_site() -> None:
    tagline = "Breaking news, sport and weather from the valley"
    assert read(page(og(f"{tagline} - Riverton Gazette"))).outlet == "Riverton Gazette"
    assert read(page(og(tagline))).outlet is None


def test_a_name_of_another_host_is_rejected() -> None:
    """A wire feed hosted on a platform: the page names the platform, the host is another."""
    data = page(og("Newsroom Cloud"), url="https://feeds.newsroomcloud.net/story/1")
    assert read(data, url="https://www.riverton-gazette.com/wire/1").outlet is None
    assert read(data).outlet == "Newsroom Cloud"  # where the page itself says it lives


def test_the_url_the_page_was_found_at_decides() -> None:
    """A page that claims another site's address is checked against where it was found."""
    data = page(og("Riverton Gazette"))
    assert read(data, url="https://copycat.example/bridge").outlet is None


@pytest.mark.parametrize(
    ("names", "url", "expected"),
    [
        (["the Guardian"], "https://www.guardian.co.uk/x", "The Guardian"),  # the table
        (["FOCUS online"], "https://www.focus.de/x", "Focus"),
        (["DER STANDARD"], "https://www.derstandard.at/x", "Der Standard"),
        (["ELMUNDO", "El Mundo"], "https://www.elmundo.es/x", "El Mundo"),
        (["inews.co.uk", "iNews"], "https://inews.co.uk/x", "iNews"),
        (["Le Monde.fr"], "https://www.lemonde.fr/x", "Le Monde"),
        (
            ["Frankfurter Allgemeine Zeitung"],
            "https://www.faz.net/x",
            "Frankfurter Allgemeine Zeitung",
        ),
        (["Коммерсантъ"], "https://www.kommersant.ru/doc/1", "Коммерсантъ"),
    ],
)
def test_one_site_one_name(names: list[str], url: str, expected: str) -> None:
    assert choose_outlet(names, url) == expected


def test_spellings_of_one_site_agree() -> None:
    url = "https://www.riverton-gazette.com/a"
    spellings = ["RIVERTON GAZETTE", "Riverton Gazette Online", "riverton gazette"]
    assert {choose_outlet([s], url) for s in spellings} == {"Riverton Gazette"}


def test_no_url_no_outlet() -> None:
    """Without a host there is nothing to check a stated name against."""
    assert choose_outlet(["Riverton Gazette"], None) is None


def test_a_wire_named_as_publisher_is_a_credit_on_the_papers_page() -> None:
    doc = read(page(og("Riverton Gazette") + publisher("Associated Press")))
    assert (doc.outlet, doc.credits) == ("Riverton Gazette", ["AP"])
    article = Article(id="a" * 16, source="page.html", text="", outlet=doc.outlet)
    article.credits = doc.credits
    assert article.outlet_label == "Riverton Gazette (AP)"


def test_a_wire_as_author_is_a_credit_not_an_author() -> None:
    doc = read(
        page(og("Riverton Gazette") + publisher("Riverton Gazette", author="The Associated Press"))
    )
    assert doc.outlet == "Riverton Gazette" and doc.credits == ["AP"]
    assert doc.author is None


def test_a_wires_own_site_credits_nothing() -> None:
    assert wire_credits(["AP", "Associated Press"], "AP") == []


# ---- labels of articles whose outlet is unknown


def label(**fields: object) -> str:
    article = Article(id="0123456789abcdef", source=str(fields.pop("source", "in.txt")), text="")
    for name, value in fields.items():
        setattr(article, name, value)
    return article.outlet_label


def test_unknown_outlet_is_named_by_host_or_file() -> None:
    assert label(url="https://www.example.com/a/b") == "unknown outlet (example.com)"
    assert label(source="/data/pages/bridge.html") == "unknown outlet (file bridge.html)"
    assert (
        label(source="feed.jsonl:12") == "unknown outlet (file feed.jsonl)"
    )  # one file, one source
    assert label(source="dump/articles.json[3]") == "unknown outlet (file articles.json)"
    assert label(url="https://example.com/a", credits=["AP"]) == "unknown outlet (example.com) (AP)"
    assert label(credits=["AP"]) == "AP"  # a text crediting a wire, from no site


def test_a_hash_file_name_is_shortened() -> None:
    name = "3f9a0c2d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef.html"
    assert label(source=f"/cache/{name}") == "unknown outlet (file …9abcdef.html)"
    assert label(source=name, url="https://paper.example/x") == "unknown outlet (paper.example)"
    readable = "council-approves-new-bridge-in-riverton.html"
    assert label(source=readable) == f"unknown outlet (file {readable})"


def test_unknown_outlet_pages_in_the_web_app(tmp_path: Path) -> None:
    """An article of no known outlet is listed under its label, and a derived title is marked."""
    text = "Rivers rose across the valley after three days of rain. Roads were closed."
    name = "3f9a0c2d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef.html"
    article = make_article(
        text, source=f"/cache/{name}", title="Rivers rose across the valley", title_derived=True
    )
    path = tmp_path / "web.db"
    with open_store(path) as store:
        store.add_articles([article])
        store.replace_stories(
            [make_story(article, title=article.title, summary=[cite(article, 0)])]
        )
    with TestClient(create_app(path)) as client:
        label = "unknown outlet (file …9abcdef.html)"
        assert label in client.get("/outlets").text
        listed = client.get("/outlets/" + quote(label, safe=""))
        assert listed.status_code == 200 and "Rivers rose across the valley" in listed.text
        page = client.get(f"/articles/{article.id}").text
        assert "(title from the text)" in page and quote(label, safe="") in page


def test_a_site_s_unnamed_page_takes_the_name_its_other_page_states() -> None:
    named = make_article("The council met.", outlet="Taz", url="https://taz.de/a/!1/")
    unnamed = make_article("The council met again.", url="https://taz.de/b/!2/")
    elsewhere = make_article("The council met once more.", url="https://other.example/c")
    story = Story(id="s", articles=[unnamed, named, elsewhere])
    assert story.outlets == ["Taz", "unknown outlet (other.example)"]
