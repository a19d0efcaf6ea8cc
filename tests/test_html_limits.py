"""Pages built to stall the HTML reader are read in moments or refused, naming the page,
within the time budget; and the web server answers other requests meanwhile."""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave.cli import app as cli_app
from newsweave.ingest import IngestError, html
from newsweave.ingest.budget import OverBudget, WorkerDied, WorkerPool
from newsweave.ingest.html import MAX_ATTRIBUTES, HtmlTooSlow, cap_attributes, read_html
from newsweave.model import RawDocument
from newsweave.store import open_store
from newsweave.web import create_app

with warnings.catch_warnings():  # Starlette's test client would rather have httpx2
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ARTICLE = (
    "<p>" + "A fire destroyed a warehouse in the old harbour district on Sunday. " * 3 + "</p>"
)

TOKEN = "s3cret-token-for-tests"


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
TOO_SLOW = page("<p>x y z</p>" * 100_000)
"""100,000 paragraphs: trafilatura's XPath `//p//text()` is quadratic in them (20 s)."""


@pytest.fixture
def budget(monkeypatch: pytest.MonkeyPatch) -> float:
    """A half-second budget, so a page over it costs the test half a second."""
    monkeypatch.setattr(html, "MAX_HTML_SECONDS", 0.5)
    return 0.5


def read_one(source: str, data: bytes) -> RawDocument | IngestError:
    (item,) = read_html(source, data)
    return item


@pytest.mark.parametrize("shape", READABLE)
def test_hostile_shapes_are_read_in_moments(shape: str) -> None:
    start = time.monotonic()
    item = read_one(shape, READABLE[shape])
    assert time.monotonic() - start < 5  # of a 10 s budget; the attributes took 54 s
    assert isinstance(item, RawDocument), item
    assert "old harbour district" in item.text and item.title == "Harbour fire"


def test_a_page_over_the_budget_is_skipped_and_the_next_one_read(budget: float) -> None:
    start = time.monotonic()
    item = read_one("slow.html", TOO_SLOW)
    assert time.monotonic() - start < 3 * budget + 2
    assert item == HtmlTooSlow("slow.html", "HTML page took longer than 0.5 s to read: skipped")
    assert isinstance(item, IngestError)
    assert isinstance(read_one("next.html", page()), RawDocument)


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


def test_worker_pool_runs_calls_and_stops_those_over_budget() -> None:
    pool = WorkerPool(max_workers=1)
    try:
        assert pool.run(sum, [1, 2, 3], seconds=5) == 6
        with pytest.raises(ValueError, match="invalid literal"):
            pool.run(int, "x", seconds=5)
        start = time.monotonic()
        with pytest.raises(OverBudget):
            pool.run(sum, range(10**12), seconds=0.2)  # CPU-bound in C
        assert time.monotonic() - start < 3
        with pytest.raises(WorkerDied, match=r"ended \(exit code 3\)"):
            pool.run(os._exit, 3, seconds=5)
        assert pool.run(sum, [4, 5], seconds=5) == 9  # a fresh worker
    finally:
        pool.close()


def test_ingest_reports_the_slow_page_and_stores_the_others(tmp_path: Path, budget: float) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.html").write_bytes(page())
    (pages / "slow.html").write_bytes(TOO_SLOW)
    db = tmp_path / "n.db"
    result = CliRunner().invoke(cli_app, ["ingest", str(pages), "--db", str(db), "--no-summarise"])
    assert result.exit_code == 0, result.output
    assert "slow.html" in result.output and "took longer than 0.5 s to read" in result.output
    with open_store(db) as store:
        assert store.article_count() == 1


@pytest.fixture
def server(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(tmp_path / "upload.db", TOKEN, analyse=False)
    with TestClient(app) as client:
        yield client


def test_a_slow_upload_is_refused_while_other_requests_are_answered(
    server: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html, "MAX_HTML_SECONDS", 2.0)  # long enough to look in meanwhile
    upload: dict[str, object] = {}

    def post() -> None:
        headers = {"content-type": "text/html", "authorization": f"Bearer {TOKEN}"}
        response = server.post("/api/articles", content=TOO_SLOW, headers=headers)
        upload.update(status=response.status_code, body=response.json())

    poster = threading.Thread(target=post)
    poster.start()
    time.sleep(0.5)  # the page is being read
    waits = []
    while poster.is_alive():
        start = time.monotonic()
        assert server.get("/api/stories").status_code == 200
        waits.append(time.monotonic() - start)
        time.sleep(0.1)
    poster.join()
    assert waits and max(waits) < 2, waits
    assert upload["status"] == 413
    body = upload["body"]
    assert isinstance(body, dict)
    (error,) = body["errors"]
    assert error["source"].startswith("upload-")
    assert error["reason"] == "HTML page took longer than 2 s to read: skipped"
