"""Property tests of every reader and of the upload API: whatever the input, no exception
escapes, every bad input is an error naming its file (and line or record), and the store
stays consistent.

`make test` runs each property on a fixed, derandomised budget (the `ci` profile, in
conftest.py). For a longer hunt: `pytest -m fuzz --hypothesis-profile=fuzz
--hypothesis-show-statistics` (a thousand inputs per property, random seeds); the statistics
give the count tried.
"""

from __future__ import annotations

import gzip
import io
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from newsweave.app.pipeline import ingest_documents
from newsweave.ingest import IngestError, read_file
from newsweave.model import RawDocument
from newsweave.store import open_store
from newsweave.web import create_app

with warnings.catch_warnings():  # Starlette's test client would rather have httpx2
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.fuzz

# ---- inputs ----

WORDS = st.sampled_from(
    ["Putin", "Assad", "met", "in", "Sochi", "on", "Thursday", "the", "said", "Kremlin", "talks",
     "Syria", "war", "президент", "会談", "\u200b", "[/]", "<b>", "&amp;", "\ud800", "\x00",
     "\ufeff", "\r\n", "\n\n", "  "]
)  # fmt: skip
TEXT = st.lists(WORDS, max_size=60).map(" ".join) | st.text(max_size=400)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)
FIELDS = ("text", "title", "url", "outlet", "published", "author", "id")
DATES = st.sampled_from(
    ["2018-05-18", "2018-05-18T09:30:00+03:00", "1998-14-06", "10/22/1998", "[/]", "", "2018"]
)


@st.composite
def article_objects(draw: st.DrawFn) -> object:
    """Mostly article-shaped JSON objects, each field sometimes of the wrong type."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON_VALUES)
    obj: dict[str, object] = {}
    for field in FIELDS:
        if draw(st.booleans()):
            continue
        if field == "published":
            obj[field] = draw(DATES | JSON_VALUES)
        elif field == "text":
            obj[field] = draw(TEXT.map(lambda t: t * 3) | JSON_VALUES)
        else:
            obj[field] = draw(TEXT | JSON_VALUES)
    return obj


def jsonl_lines(objects: list[object], garbage: list[bytes]) -> bytes:
    lines = [json.dumps(o).encode() for o in objects]
    for n, junk in enumerate(garbage):
        lines.insert(n * 2 % (len(lines) + 1), junk)
    return b"\n".join(lines)


TAGS = st.sampled_from(["p", "div", "h1", "title", "article", "meta", "script", "a", "span", "x"])


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    """Pages from a small grammar: nested tags with attributes and text, sometimes unclosed."""
    parts = ["<html><head>"]
    if draw(st.booleans()):
        parts.append(f"<title>{draw(TEXT)}</title>")
    if draw(st.booleans()):
        parts.append(f'<meta property="og:title" content="{draw(TEXT)}">')
    parts.append("<body>")
    for _ in range(draw(st.integers(0, 30))):
        tag = draw(TAGS)
        attrs = " ".join(
            f'{draw(st.sampled_from(["class", "id", "href", "data-x", "content"]))}="{draw(TEXT)}"'
            for _ in range(draw(st.integers(0, 3)))
        )
        parts.append(f"<{tag} {attrs}>{draw(TEXT)}")
        if draw(st.booleans()):
            parts.append(f"</{tag}>")
    parts.append("</body></html>")
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "utf-16", "latin-1"]))
    return "".join(parts).encode(encoding, "replace")


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    items = "".join(
        f"<item><title>{draw(TEXT)}</title><link>{draw(TEXT)}</link>"
        f"<description>{draw(TEXT)}</description><pubDate>{draw(TEXT)}</pubDate></item>"
        for _ in range(draw(st.integers(0, 4)))
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{draw(TEXT)}</title>{items}</channel></rss>'.encode(
        "utf-8", "surrogatepass"
    )


@st.composite
def warc_archives(draw: st.DrawFn) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=draw(st.booleans()))
    for _ in range(draw(st.integers(1, 3))):
        body = draw(html_pages() | st.binary(max_size=300))
        status = draw(st.sampled_from(["200 OK", "404 Not Found", "301 Moved"]))
        ctype = draw(st.sampled_from(["text/html; charset=utf-8", "application/pdf", "text/html"]))
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            draw(st.sampled_from(["https://example.org/a", "not a uri", ""])),
            draw(st.sampled_from(["response", "request", "metadata"])),
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict={  # fixed, so that one draw always makes the same bytes
                "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000000>",
                "WARC-Date": "2018-05-18T09:30:00Z",
            },
        )
        writer.write_record(record)
    return out.getvalue()


def damaged(data: bytes, draw: st.DrawFn) -> bytes:
    """The data, sometimes cut short or with a byte flipped."""
    how = draw(st.sampled_from(["whole", "cut", "flip"]))
    at = int(draw(st.floats(0, 1, exclude_max=True)) * len(data))
    if how == "cut":
        return data[:at]
    if how == "flip" and data:
        return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    return data


@st.composite
def files(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """What a file holds ("jsonl", "html", ... "bytes", and "+gz" when gzipped), its name and
    its bytes: any of the formats, sometimes gzipped, sometimes damaged."""
    kind = draw(st.sampled_from(["jsonl", "json", "html", "feed", "warc", "text", "bytes"]))
    if kind == "jsonl":
        objects = draw(st.lists(article_objects(), max_size=8))
        data = jsonl_lines(objects, draw(st.lists(st.binary(max_size=40), max_size=3)))
    elif kind == "json":
        data = json.dumps(draw(st.lists(article_objects(), max_size=4))).encode()
    elif kind == "html":
        data = draw(html_pages())
    elif kind == "feed":
        data = draw(feeds())
    elif kind == "warc":
        data = draw(warc_archives())
    elif kind == "text":
        data = draw(TEXT).encode("utf-8", "surrogatepass")
    else:
        data = draw(st.binary(max_size=600))
    name = draw(st.sampled_from(["a.txt", "a.html", "a.jsonl", "a.json", "a.xml", "a.warc", "a"]))
    if draw(st.integers(0, 3)) == 0:
        data, name, kind = gzip.compress(data, mtime=0), name + ".gz", kind + "+gz"
    return kind, name, damaged(data, draw)


# ---- properties ----


@given(files())
def test_any_file_reads_to_documents_and_named_errors(
    tmp_path: Path, file: tuple[str, str, bytes]
) -> None:
    kind, name, data = file
    event(f"holds {kind}")
    path = tmp_path / name
    path.write_bytes(data)
    items = list(read_file(path))  # nothing escapes
    for item in items:
        assert isinstance(item, RawDocument | IngestError)
        where = item.source
        assert where.startswith(str(path)), where
        if isinstance(item, IngestError):
            assert item.reason.strip()


@given(st.lists(article_objects(), max_size=10))
def test_every_jsonl_line_is_a_document_or_an_error_naming_it(
    tmp_path: Path, objects: list[object]
) -> None:
    """A file whose first line is an article object is JSONL; then each line of it is a
    document or an error that names the line."""
    objects = [{"text": "Putin met Assad in Sochi on Thursday."}, *objects]
    path = tmp_path / "lines.jsonl"
    path.write_bytes(jsonl_lines(objects, []))
    items = list(read_file(path))
    assert len(items) == len(objects)
    for number, item in enumerate(items, 1):
        assert item.source == f"{path}:{number}"


@given(st.lists(files(), min_size=1, max_size=4))
def test_whatever_is_read_is_stored_whole(
    tmp_path: Path, batch: list[tuple[str, str, bytes]]
) -> None:
    """Everything the readers yield goes through ingest without an exception, and the store
    holds exactly the distinct articles it reports as new."""
    paths = []
    for n, (_, name, data) in enumerate(batch):
        path = tmp_path / f"{n}-{name}"
        path.write_bytes(data)
        paths.append(path)
    items = [item for p in paths for item in read_file(p)]
    with open_store(tmp_path / f"fuzz-{len(list(tmp_path.iterdir()))}.db") as store:
        report = ingest_documents(items, store)
        assert store.article_count() == report.added
        stored = store.articles()
        assert len({a.id for a in stored}) == len(stored)
        members = [a for s in store.stories() for a in s.articles]
        assert len(members) == len({a.id for a in members}) == len(stored)


TOKEN = "fuzz-token"
UPLOADS = st.one_of(
    st.tuples(
        st.just("application/jsonl"),
        st.lists(article_objects(), max_size=5).map(lambda objects: jsonl_lines(objects, [])),
    ),
    st.tuples(
        st.just("application/json"),
        st.lists(article_objects(), max_size=4).map(lambda objects: json.dumps(objects).encode()),
    ),
    st.tuples(st.just("text/html; charset=utf-8"), html_pages()),
    st.tuples(
        st.sampled_from(["application/jsonl", "text/html", "text/plain", "application/pdf", ""]),
        st.binary(max_size=400),
    ),
)


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    """The web app over a store of its own, accepting uploads (no spaCy analysis: what is
    fuzzed here is reading and storing, and the analysis is the same for every article)."""
    db = tmp_path_factory.mktemp("uploads") / "fuzz.db"
    app = create_app(db, TOKEN, analyse=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, db


@given(UPLOADS)
def test_an_upload_is_taken_or_refused_never_a_server_error(
    uploads: tuple[TestClient, Path], upload: tuple[str, bytes]
) -> None:
    client, db = uploads
    content_type, body = upload
    event(f"sent as {content_type or 'no content type'}")
    reply = client.post(
        "/api/articles",
        content=body,
        headers={"content-type": content_type, "authorization": f"Bearer {TOKEN}"},
    )
    assert reply.status_code in (200, 201, 400, 413, 415, 422), reply.text
    if reply.status_code >= 400:
        assert reply.json()["detail"]
    with open_store(db) as store:
        members = [a.id for s in store.stories() for a in s.articles]
        assert sorted(members) == sorted({*members}) == sorted(a.id for a in store.articles())
