"""Pages built to stall the HTML reader are read in moments."""

from __future__ import annotations

import time

import pytest

from newsweave.ingest import IngestError
from newsweave.ingest.html import MAX_ATTRIBUTES, cap_attributes, read_html
from newsweave.model import RawDocument

ARTICLE = (
    "<p>" + "A fire destroyed a warehouse in the old harbour district on Sunday. " * 3 + "</p>"
)


def page(inner: str = "") -> bytes:
    return (
        "<html><head><title>Harbour fire</title></head><body><article>"
        f"{ARTICLE}{inner}</article></body></html>"
    ).encode()


def attributes(count: int) -> str:
    return " ".join(f'data-a{i}="v"' for i in range(count))


READABLE = {
    "100,000 attributes on one element": page(f"<div {attributes(100_000)}>x</div>"),
    "100,000 nested elements": page("<div>" * 100_000 + "x" + "</div>" * 100_000),
    "a 1 MB text node": page("<p>" + "word " * 200_000 + "</p>"),
    "20,000 tiny elements": page("<b>x</b>" * 20_000),
}


def read_one(source: str, data: bytes) -> RawDocument | IngestError:
    (item,) = read_html(source, data)
    return item


@pytest.mark.parametrize("shape", READABLE)
def test_hostile_shapes_are_read_in_moments(shape: str) -> None:
    start = time.monotonic()
    item = read_one(shape, READABLE[shape])
    assert time.monotonic() - start < 5  # the attributes took 54 s
    assert isinstance(item, RawDocument), item
    assert "old harbour district" in item.text and item.title == "Harbour fire"


def test_attributes_past_the_limit_are_dropped() -> None:
    kept = cap_attributes(f"<p><div {attributes(MAX_ATTRIBUTES + 500)} >x</div></p>")
    assert kept == f"<p><div {attributes(MAX_ATTRIBUTES)} >x</div></p>"
    quoted = " ".join(f'a{i}=">"' for i in range(MAX_ATTRIBUTES + 1))  # '>' inside quotes
    assert cap_attributes(f"<div {quoted}>x</div>").count("=") == MAX_ATTRIBUTES
    script = f"<SCRIPT {attributes(MAX_ATTRIBUTES + 1)}>if(a<b " + "c " * 300 + ")</script>"
    assert cap_attributes(script) == (
        f"<SCRIPT {attributes(MAX_ATTRIBUTES)}>if(a<b " + "c " * 300 + ")</script>"
    )


@pytest.mark.parametrize(
    "text",
    [
        f"<p title='x'>a</p><img {attributes(MAX_ATTRIBUTES)}>",  # at the limit
        "<script>for(i=0;i<n " + "x " * 400 + ";i++){}</script><p>t</p>",  # `a<b` in code
        "<style>a<b " + "x " * 400 + "</style>",
        "<!-- <div " + "x " * 400 + "--> <p>t</p>",
        "<textarea><b " + "x " * 400 + "</textarea>",
        "<br/><a href=x/ b='>' c=\"<\">t</a> 1 < 2 <3 <!doctype html> <?php x ?>",
        "<p>t</p><div a='b' c",  # cut off in a tag
    ],
)
def test_pages_within_the_limit_are_left_as_they_are(text: str) -> None:
    assert cap_attributes(text) == text
