"""fetch and watch against local web servers: robots.txt, pacing, size and time limits,
redirects, private addresses, failures, conditional GET. Nothing leaves 127.0.0.1 (the other
addresses here are refused before any connection); time is faked where spacing is measured."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave.app.watch import parse_every
from newsweave.cli import app
from newsweave.fetch import (
    FetchFailure,
    FetchSettings,
    Page,
    PoliteClient,
    fetch_documents,
    network,
)
from newsweave.ingest import IngestError
from newsweave.model import RawDocument
from newsweave.store import open_store

runner = CliRunner()
Answer = tuple[int, dict[str, str], bytes]
Handler = Callable[[dict[str, str]], Answer]


def article(title: str) -> bytes:
    paragraphs = "".join(
        f"<p>{title}: the council met on Wednesday and voted, sentence {n} of the report, "
        f"after a long debate about the bridge across the river.</p>"
        for n in range(4)
    )
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


HTML = {"Content-Type": "text/html; charset=utf-8"}
LOCAL = ["--rate", "1000", "--allow-private"]
"""The command line options that let a command fetch from the local sites, fast."""


@dataclass
class Site:
    """A local web server: `routes` maps a path to an answer (or a function of the request
    headers giving one); every request is logged as (path, headers)."""

    base: str = ""
    routes: dict[str, Answer | Handler] = field(default_factory=dict)
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [path for path, _ in self.log]


def _serve(site: Site) -> Iterator[Site]:
    class Handle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            site.log.append((self.path, headers))
            route = site.routes.get(self.path, (404, {}, b"not here"))
            status, extra, body = route(headers) if callable(route) else route
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            if "Content-Length" not in extra and extra.get("X-No-Length") is None:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client hung up (size limit, timeout)
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    yield from _serve(Site())


@pytest.fixture
def other() -> Iterator[Site]:
    """A second host (another port is another host to robots.txt and the pacer)."""
    yield from _serve(Site())


@pytest.fixture
def drip() -> Iterator[str]:
    """A server that answers /robots.txt at once and everything else a line at a time, one
    every 0.2 s: /headers drips 30 header lines (6 s) before its body, /body drips 30 body
    lines after its headers. Its base URL is yielded."""

    class Handle(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            path = self.rfile.readline().split(b" ")[1]
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            page = article("Dripped")
            if path == b"/robots.txt":
                lines = [b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"]
            elif path == b"/headers":
                head = [b"HTTP/1.1 200 OK\r\n"] + [b"X-Drip: %d\r\n" % n for n in range(30)]
                tail = b"Content-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(page)
                lines = [*head, tail + page]
            else:
                body = [b"<!-- %02d -->\n" % n for n in range(30)]
                length = sum(map(len, body))
                lines = [b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % length, *body]
            with contextlib.suppress(OSError):  # the client hung up
                for line in lines:
                    self.wfile.write(line)
                    self.wfile.flush()
                    time.sleep(0.2)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class FakeTime:
    """A clock that moves only when slept on: spacing is measured, not waited for."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def client(**settings: object) -> PoliteClient:
    """A client with fake time that may fetch from the local sites (on 127.0.0.1)."""
    fake = FakeTime()
    settings = {"allow_private": True} | settings
    return PoliteClient(FetchSettings(**settings), clock=fake.clock, sleep=fake.sleep)  # type: ignore[arg-type]


# ---- the client ----


def test_redirect_followed_and_final_url_stored(site: Site, tmp_path: Path) -> None:
    site.routes["/old"] = (301, {"Location": "/mid"}, b"")
    site.routes["/mid"] = (302, {"Location": site.url("/news/bridge")}, b"")
    site.routes["/news/bridge"] = (200, HTML, article("Bridge approved"))
    db = tmp_path / "n.db"
    result = runner.invoke(
        app, ["fetch", site.url("/old"), "--db", str(db), *LOCAL, "--no-summarise"]
    )
    assert result.exit_code == 0, result.output
    assert "fetched 1 articles: 1 new" in result.output
    with open_store(db) as store:
        (stored,) = store.articles()
        assert stored.url == site.url("/news/bridge")
        assert stored.source == site.url("/old")
        assert stored.title == "Bridge approved"
        assert store.has_url(site.url("/news/bridge"))
    user_agents = {headers["user-agent"] for _, headers in site.log}
    assert len(user_agents) == 1 and user_agents.pop().startswith("newsweave/")


def test_robots_txt_is_obeyed_fetched_once_per_host(site: Site) -> None:
    site.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\n\nUser-agent: newsweave\nDisallow: /drafts/\n",
    )
    site.routes["/news/a"] = (200, HTML, article("A"))
    site.routes["/private/b"] = (200, HTML, article("B"))
    site.routes["/drafts/c"] = (200, HTML, article("C"))
    site.routes["/go"] = (302, {"Location": "/drafts/c"}, b"")
    with client(interval=0) as polite:
        assert isinstance(polite.get(site.url("/news/a")), Page)
        # our own group applies, not the * group
        assert isinstance(polite.get(site.url("/private/b")), Page)
        refused = polite.get(site.url("/drafts/c"))
        hop = polite.get(site.url("/go"))  # each redirect hop is checked again
    assert isinstance(refused, FetchFailure) and refused.reason == "disallowed by robots.txt"
    assert isinstance(hop, FetchFailure) and "disallowed by robots.txt" in hop.reason
    assert site.paths() == ["/robots.txt", "/news/a", "/private/b", "/go"]


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, False), (500, False)], ids=str)
def test_robots_txt_missing_forbidden_or_failing(site: Site, status: int, allowed: bool) -> None:
    site.routes["/robots.txt"] = (status, {}, b"")
    site.routes["/a"] = (200, HTML, article("A"))
    with client(interval=0) as polite:
        got = polite.get(site.url("/a"))
    assert isinstance(got, Page) is allowed
    if not allowed:
        assert isinstance(got, FetchFailure) and "robots.txt" in got.reason


def test_requests_to_one_host_are_spaced(site: Site, other: Site) -> None:
    for s in (site, other):
        s.routes["/a"] = s.routes["/b"] = (200, HTML, article("A"))
    fake = FakeTime()
    settings = FetchSettings(interval=2.0, allow_private=True)
    with PoliteClient(settings, clock=fake.clock, sleep=fake.sleep) as polite:
        polite.get(site.url("/a"))  # robots.txt, then /a: 2 s apart
        polite.get(site.url("/b"))  # 2 s after /a
        polite.get(other.url("/a"))  # another host: its robots.txt goes at once
        polite.get(site.url("/a"))  # the first host was left 2 s ago: no wait
    assert fake.sleeps == [2.0, 2.0, 2.0]
    assert site.paths() == ["/robots.txt", "/a", "/b", "/a"]
    assert other.paths() == ["/robots.txt", "/a"]


def test_crawl_delay_slows_a_host_down(site: Site) -> None:
    site.routes["/robots.txt"] = (200, {}, b"User-agent: *\nCrawl-delay: 5\n")
    site.routes["/a"] = (200, HTML, article("A"))
    fake = FakeTime()
    settings = FetchSettings(interval=1.0, allow_private=True)
    with PoliteClient(settings, clock=fake.clock, sleep=fake.sleep) as polite:
        polite.get(site.url("/a"))
        polite.get(site.url("/a"))
    assert fake.sleeps == [5.0, 5.0]


def test_size_limit_with_and_without_content_length(site: Site) -> None:
    big = article("Big") * 20
    site.routes["/declared"] = (200, HTML, big)
    site.routes["/streamed"] = (200, {**HTML, "X-No-Length": "1"}, big)
    site.routes["/small"] = (200, HTML, article("Small"))
    with client(interval=0, max_bytes=4000) as polite:
        declared = polite.get(site.url("/declared"))
        streamed = polite.get(site.url("/streamed"))
        small = polite.get(site.url("/small"))
    for failed in (declared, streamed):
        assert isinstance(failed, FetchFailure) and failed.reason == "larger than 4,000 bytes"
    assert isinstance(small, Page) and small.body == article("Small")


def test_only_http_and_https_even_after_a_redirect(site: Site) -> None:
    site.routes["/trap"] = (302, {"Location": "file:///etc/passwd"}, b"")
    site.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    with client(interval=0, max_redirects=3) as polite:
        for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)"):
            got = polite.get(url)
            assert isinstance(got, FetchFailure) and "only http and https" in got.reason
        trap = polite.get(site.url("/trap"))
        loop = polite.get(site.url("/loop"))
    assert isinstance(trap, FetchFailure)
    assert trap.reason == "redirect to file: refused: only http and https are fetched"
    assert isinstance(loop, FetchFailure) and loop.reason == "more than 3 redirects"
    assert site.paths().count("/loop") == 4
    assert all(not p.startswith("file") for p in site.paths())


def test_failures_are_reported_per_url_and_the_run_goes_on(site: Site) -> None:
    def slow(headers: dict[str, str]) -> Answer:
        time.sleep(1.0)
        return 200, HTML, article("Slow")

    site.routes["/slow"] = slow
    site.routes["/pdf"] = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7")
    site.routes["/menu"] = (200, HTML, b"<html><body><p>Home</p></body></html>")
    site.routes["/down"] = (503, {}, b"")
    site.routes["/ok"] = (200, HTML, article("Fine"))
    urls = [site.url(p) for p in ("/missing", "/slow", "/pdf", "/menu", "/down", "/ok")]
    with client(interval=0, timeout=0.2) as polite:
        items = list(fetch_documents(urls, polite))
    reasons = {
        i.source.removeprefix(site.base): i.reason for i in items if isinstance(i, IngestError)
    }
    assert reasons["/missing"] == "HTTP 404 Not Found"
    assert reasons["/slow"].startswith("timed out")
    assert reasons["/pdf"] == "not HTML (application/pdf)"
    assert reasons["/menu"].startswith("HTML page with no article text")
    assert reasons["/down"] == "HTTP 503 Service Unavailable"
    (doc,) = [i for i in items if isinstance(i, RawDocument)]
    assert doc.url == site.url("/ok") and doc.title == "Fine"


def test_fetch_command_reads_urls_from_stdin_and_fails_when_nothing_came(
    site: Site, tmp_path: Path
) -> None:
    site.routes["/a"] = (200, HTML, article("From stdin"))
    db = str(tmp_path / "n.db")
    lines = f"# my list\n{site.url('/a')}\n\n{site.url('/gone')}\n"
    result = runner.invoke(app, ["fetch", "-", "--db", db, *LOCAL, "--no-summarise"], input=lines)
    assert result.exit_code == 0, result.output
    assert "fetched 1 articles: 1 new" in result.output
    assert f"{site.url('/gone')}: HTTP 404 Not Found" in result.output
    nothing = runner.invoke(app, ["fetch", site.url("/gone"), "--db", db, *LOCAL, "--no-summarise"])
    assert nothing.exit_code == 1


# ---- time limits ----


@pytest.mark.parametrize("path", ["/headers", "/body"])
def test_a_server_dripping_its_answer_is_cut_off(drip: str, path: str) -> None:
    """Every line comes well within the 1 s between reads; the whole answer would take 6 s."""
    with client(interval=0, timeout=1.0, total_timeout=1.0) as polite:
        start = time.monotonic()
        got = polite.get(drip + path)
        took = time.monotonic() - start
    assert isinstance(got, FetchFailure) and got.retry
    assert got.reason == "timed out (over 1 s for the whole response)"
    assert took < 3


def test_a_slow_dns_answer_counts_against_the_whole_response(site: Site) -> None:
    def slow(host: str, port: int) -> list[str]:
        time.sleep(3)
        return ["127.0.0.1"]

    settings = FetchSettings(interval=0, timeout=5, total_timeout=0.5, allow_private=True)
    with PoliteClient(settings, resolver=slow) as polite:
        start = time.monotonic()
        got = polite.get(f"http://news.example:{site.base.rsplit(':', 1)[1]}/a")
        took = time.monotonic() - start
    assert isinstance(got, FetchFailure)
    assert "timed out (over 0.5 s for the whole response)" in got.reason
    assert took < 2 and site.log == []


# ---- private addresses ----


def port_of(site: Site) -> str:
    return site.base.rsplit(":", 1)[1]


def resolver(names: dict[str, list[str]]) -> network.Resolver:
    """DNS for made-up names; any other name does not resolve."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return names[host]

    return resolve


@pytest.mark.parametrize(
    ("address", "private"),
    [
        ("127.0.0.1", True),
        ("10.0.0.5", True),
        ("172.16.3.4", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),  # cloud metadata
        ("100.64.0.1", True),  # carrier-grade NAT
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("::1", True),
        ("fd00::1", True),
        ("fe80::1", True),
        ("::ffff:10.0.0.5", True),  # IPv4-mapped
        ("64:ff9b::a9fe:a9fe", True),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::1", True),  # 6to4 of 127.0.0.1
        ("93.184.216.34", False),
        ("2606:2800:220:1:248:1893:25c8:1946", False),
    ],
)
def test_which_addresses_are_private(address: str, private: bool) -> None:
    assert network.is_private(address) is private


def test_private_addresses_are_refused_unless_allowed(site: Site) -> None:
    site.routes["/a"] = (200, HTML, article("Internal"))
    port = port_of(site)
    with PoliteClient(FetchSettings(interval=0)) as polite:
        literal = polite.get(site.url("/a"))
        named = polite.get(f"http://localhost:{port}/a")
        mapped = polite.get("http://[::ffff:10.0.0.5]/a")
    assert isinstance(literal, FetchFailure) and not literal.retry
    assert literal.reason == "127.0.0.1 refused: a private address; --allow-private fetches it"
    assert isinstance(mapped, FetchFailure)
    assert mapped.reason == (
        "::ffff:10.0.0.5 refused: a private address; --allow-private fetches it"
    )
    assert isinstance(named, FetchFailure)
    assert named.reason.startswith("localhost refused: ")
    assert named.reason.endswith(" is a private address; --allow-private fetches it")
    assert site.log == []  # robots.txt not asked for either
    with client(interval=0) as allowed:
        assert isinstance(allowed.get(site.url("/a")), Page)


def test_a_public_name_resolving_to_a_private_address_is_refused(site: Site) -> None:
    """The connection goes to the address that was checked, never to the name: the made-up
    name reaches the local site only through the resolver, and keeps its Host header."""
    site.routes["/a"] = (200, HTML, article("Internal"))
    url = f"http://news.example:{port_of(site)}/a"
    dns = resolver({"news.example": ["127.0.0.1"]})
    with PoliteClient(FetchSettings(interval=0), resolver=dns) as polite:
        refused = polite.get(url)
    assert isinstance(refused, FetchFailure)
    assert refused.reason == (
        "news.example refused: 127.0.0.1 is a private address; --allow-private fetches it"
    )
    assert site.log == []
    with PoliteClient(FetchSettings(interval=0, allow_private=True), resolver=dns) as polite:
        assert isinstance(polite.get(url), Page)
    assert site.paths() == ["/robots.txt", "/a"]
    assert {headers["host"] for _, headers in site.log} == {f"news.example:{port_of(site)}"}


def test_a_dns_answer_changed_after_the_check_is_checked_again(site: Site) -> None:
    """DNS rebinding: the checks before the request hear a public address, the connection a
    private one; it is refused before anything is sent."""
    site.routes["/a"] = site.routes["/robots.txt"] = (200, HTML, article("Internal"))
    answers = iter([["93.184.216.34"], ["93.184.216.34"]])

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers, ["127.0.0.1"])

    with PoliteClient(FetchSettings(interval=0), resolver=rebinding) as polite:
        got = polite.get(f"http://news.example:{port_of(site)}/a")
    assert isinstance(got, FetchFailure)
    assert "news.example refused: 127.0.0.1 is a private address" in got.reason
    assert site.log == []


def test_every_redirect_hop_and_robots_txt_are_checked(
    site: Site, other: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """127.0.0.1 stands in for a public host here; the redirects lead inside the network."""
    real = network.is_private
    monkeypatch.setattr(network, "is_private", lambda a: a != "127.0.0.1" and real(a))
    site.routes["/meta"] = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    site.routes["/intranet"] = (301, {"Location": "http://intranet.example/admin"}, b"")
    site.routes["/v6"] = (307, {"Location": f"http://[::1]:{port_of(site)}/a"}, b"")
    other.routes["/robots.txt"] = (302, {"Location": "http://10.0.0.5/robots.txt"}, b"")
    other.routes["/a"] = (200, HTML, article("Behind a robots.txt"))
    dns = resolver({"intranet.example": ["10.0.0.5"]})
    with PoliteClient(FetchSettings(interval=0, timeout=1), resolver=dns) as polite:
        reasons = {
            path: getattr(polite.get(site.url(path)), "reason", "fetched")
            for path in ("/meta", "/intranet", "/v6")
        }
        behind = polite.get(other.url("/a"))
    allowed = "; --allow-private fetches it"
    assert reasons == {
        "/meta": "redirect to 169.254.169.254 refused: a private address" + allowed,
        "/intranet": "redirect to intranet.example refused: 10.0.0.5 is a private address"
        + allowed,
        "/v6": "redirect to ::1 refused: a private address" + allowed,
    }
    assert isinstance(behind, FetchFailure)
    assert behind.reason == (
        "robots.txt unreachable (redirect to 10.0.0.5 refused: a private address" + allowed + ")"
    )
    assert other.paths() == ["/robots.txt"]


def test_fetch_and_watch_refuse_private_addresses_by_default(site: Site, tmp_path: Path) -> None:
    site.routes["/a"] = (200, HTML, article("Internal"))
    site.routes["/feed.xml"] = Feed(site, ["a"])
    db = str(tmp_path / "n.db")
    fetched = runner.invoke(app, ["fetch", site.url("/a"), "--db", db, "--no-summarise"])
    assert fetched.exit_code == 1
    assert f"{site.url('/a')}: 127.0.0.1 refused: a private address" in fetched.output
    watched = runner.invoke(app, ["watch", site.url("/feed.xml"), "--once", "--db", db])
    assert watched.exit_code == 1
    assert "127.0.0.1 refused: a private address; --allow-private fetches it" in watched.output
    assert site.log == []


# ---- watch ----


def feed(items: list[str], site: Site) -> bytes:
    entries = "".join(
        f"<item><title>{name}</title><link>{site.url('/news/' + name)}</link>"
        f"<description>Teaser of {name}.</description></item>"
        for name in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local Times</title>'
        f"<link>{site.base}/</link>{entries}</channel></rss>"
    ).encode()


class Feed:
    """A feed that answers 304 to the validators of its current version."""

    def __init__(self, site: Site, items: list[str]) -> None:
        self.site, self.items, self.version = site, items, 1

    def update(self, items: list[str]) -> None:
        self.items, self.version = items, self.version + 1

    def __call__(self, headers: dict[str, str]) -> Answer:
        etag = f'"v{self.version}"'
        modified = f"Mon, 0{self.version} Jan 2024 10:00:00 GMT"
        if headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        validators = {"ETag": etag, "Last-Modified": modified}
        return (
            200,
            {"Content-Type": "application/rss+xml", **validators},
            feed(self.items, self.site),
        )


def watch_once(args: list[str], db: Path) -> str:
    result = runner.invoke(
        app, ["watch", *args, "--once", "--db", str(db), *LOCAL, "--no-summarise"]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_watch_conditional_get_then_only_new_entries(site: Site, tmp_path: Path) -> None:
    the_feed = Feed(site, ["one", "two"])
    site.routes["/feed.xml"] = the_feed
    for name in ("one", "two", "three"):
        site.routes[f"/news/{name}"] = (200, HTML, article(f"Story {name}"))
    site.routes["/news/gone"] = (404, {}, b"")
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><body><outline text="Local" '
        f'xmlUrl="{site.url("/feed.xml")}"/></body></opml>'
    )
    db = tmp_path / "n.db"

    out = watch_once([str(opml)], db)
    assert "2 new entries" in out
    assert sorted(p for p in site.paths() if p.startswith("/news/")) == ["/news/one", "/news/two"]
    first_request = site.log[site.paths().index("/feed.xml")][1]
    assert "if-none-match" not in first_request and "if-modified-since" not in first_request

    site.log.clear()
    out = watch_once([site.url("/feed.xml")], db)
    assert "not modified" in out and "fetched 0 articles" in out
    (conditional,) = [h for p, h in site.log if p == "/feed.xml"]
    assert conditional["if-none-match"] == '"v1"'
    assert conditional["if-modified-since"] == "Mon, 01 Jan 2024 10:00:00 GMT"
    assert [p for p in site.paths() if p.startswith("/news/")] == []
    with open_store(db) as store:
        assert store.article_count() == 2

    site.log.clear()
    the_feed.update(["three", "gone", "one", "two"])
    out = watch_once([site.url("/feed.xml")], db)
    assert "2 new entries" in out
    assert [p for p in site.paths() if p.startswith("/news/")] == ["/news/three", "/news/gone"]
    with open_store(db) as store:
        assert store.article_count() == 3
        assert store.has_url(site.url("/news/three"))
        assert store.fetch_state(site.url("/feed.xml")) == (
            '"v2"',
            "Mon, 02 Jan 2024 10:00:00 GMT",
        )

    site.log.clear()
    the_feed.update(["three", "gone", "one", "two"])  # changed, but nothing new: a 404 stays gone
    out = watch_once([site.url("/feed.xml")], db)
    assert "0 new entries" in out
    assert [p for p in site.paths() if p.startswith("/news/")] == []


def test_watch_retries_an_entry_that_failed_for_now(site: Site, tmp_path: Path) -> None:
    the_feed = Feed(site, ["late"])
    site.routes["/feed.xml"] = the_feed
    site.routes["/news/late"] = (503, {}, b"")
    db = tmp_path / "n.db"
    watch_once([site.url("/feed.xml")], db)
    site.routes["/news/late"] = (200, HTML, article("Late story"))
    the_feed.update(["late"])
    watch_once([site.url("/feed.xml")], db)
    assert site.paths().count("/news/late") == 2
    with open_store(db) as store:
        assert store.has_url(site.url("/news/late"))


def test_watch_arguments(tmp_path: Path) -> None:
    assert parse_every("15m") == 900 and parse_every("1h30m") == 5400 and parse_every("45") == 45
    for bad in ("", "soon", "0m", "15 minutes"):
        with pytest.raises(ValueError):
            parse_every(bad)
    db = str(tmp_path / "n.db")
    bad_every = runner.invoke(app, ["watch", "https://x.example/feed", "--every", "x", "--db", db])
    assert bad_every.exit_code == 2
    no_feed = runner.invoke(app, ["watch", "file:///etc/passwd", "--once", "--db", db])
    assert no_feed.exit_code == 2 and "only http and https" in no_feed.output


def test_watch_falls_back_to_a_whole_article_in_the_feed(site: Site, tmp_path: Path) -> None:
    """A page gone for good (404) is replaced by the entry's own text when the feed carries
    the whole article; a teaser is not enough, and a page that fails for now is retried."""
    body = " ".join(
        f"The council met on Wednesday and voted on the bridge, paragraph {n} of the report."
        for n in range(8)
    )
    entries = {
        "whole": f"<description>Teaser.</description><content:encoded><![CDATA[<p>{body}</p>]]>"
        "</content:encoded>",
        "teaser": "<description>Only a teaser of the story.</description>",
        "later": f"<content:encoded><![CDATA[<p>{body} Later.</p>]]></content:encoded>",
    }
    items = "".join(
        f"<item><title>{name}</title><link>{site.url('/news/' + name)}</link>{extra}</item>"
        for name, extra in entries.items()
    )
    site.routes["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        (
            '<?xml version="1.0"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Local Times</title><link>{site.base}/</link>{items}</channel></rss>"
        ).encode(),
    )
    site.routes["/news/later"] = (503, {}, b"")  # /news/whole and /news/teaser: 404
    db = tmp_path / "n.db"
    watch_once([site.url("/feed.xml")], db)
    with open_store(db) as store:
        assert store.has_url(site.url("/news/whole"))
        assert not store.has_url(site.url("/news/teaser"))
        assert not store.has_url(site.url("/news/later"))  # retried next round, not replaced
        assert store.article_count() == 1


def test_watch_retries_a_failed_entry_while_the_feed_is_unchanged(
    site: Site, tmp_path: Path
) -> None:
    """The feed's validators wait until no new entry is left to try again: with them saved,
    the unchanged feed would answer 304 and its failed entry would never be retried."""
    site.routes["/feed.xml"] = Feed(site, ["late", "early"])
    site.routes["/news/late"] = (503, {}, b"")
    site.routes["/news/early"] = (200, HTML, article("Early story"))
    db = tmp_path / "n.db"
    watch_once([site.url("/feed.xml")], db)
    with open_store(db) as store:
        assert store.has_url(site.url("/news/early"))

    site.log.clear()
    site.routes["/news/late"] = (200, HTML, article("Late story"))
    out = watch_once([site.url("/feed.xml")], db)  # the feed has not changed
    assert "1 new entries" in out
    assert [p for p in site.paths() if p.startswith("/news/")] == ["/news/late"]
    with open_store(db) as store:
        assert store.has_url(site.url("/news/late")) and store.article_count() == 2
        assert store.fetch_state(site.url("/feed.xml")) == (
            '"v1"',
            "Mon, 01 Jan 2024 10:00:00 GMT",
        )

    site.log.clear()
    out = watch_once([site.url("/feed.xml")], db)  # nothing pending: a conditional GET
    assert "not modified" in out
    assert [p for p in site.paths() if p != "/robots.txt"] == ["/feed.xml"]


def test_watch_retries_entries_of_a_site_whose_robots_txt_failed_for_now(
    site: Site, other: Site, tmp_path: Path
) -> None:
    """robots.txt answering 503 forbids the site for now, not for good: its entries stay to
    be tried again, like an entry whose page answered 503."""
    other.routes["/feed.xml"] = Feed(site, ["story"])  # the feed's links lead to `site`
    site.routes["/robots.txt"] = (503, {}, b"")
    site.routes["/news/story"] = (200, HTML, article("A story"))
    db = tmp_path / "n.db"
    first = watch_once([other.url("/feed.xml")], db)
    assert "robots.txt unreachable" in first
    site.routes["/robots.txt"] = (404, {}, b"")
    watch_once([other.url("/feed.xml")], db)
    with open_store(db) as store:
        assert store.has_url(site.url("/news/story"))


def test_an_unreachable_robots_txt_is_asked_again_later(site: Site) -> None:
    site.routes["/robots.txt"] = (503, {}, b"")
    site.routes["/a"] = (200, HTML, article("A"))
    fake = FakeTime()
    settings = FetchSettings(interval=0, allow_private=True)
    with PoliteClient(settings, clock=fake.clock, sleep=fake.sleep) as polite:
        refused = polite.get(site.url("/a"))
        site.routes["/robots.txt"] = (404, {}, b"")
        again = polite.get(site.url("/a"))  # too soon: the site is still forbidden
        fake.now += 600
        later = polite.get(site.url("/a"))
    assert isinstance(refused, FetchFailure) and refused.retry
    assert refused.reason.startswith("robots.txt unreachable (HTTP 503")
    assert isinstance(again, FetchFailure) and again.retry
    assert isinstance(later, Page)
    assert site.paths() == ["/robots.txt", "/robots.txt", "/a"]
