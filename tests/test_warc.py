"""WARC and WARC.gz: HTML responses become articles, streamed; a broken archive keeps what it
read and says where it breaks."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import newsweave.ingest as ingest
from newsweave.cli import app
from newsweave.ingest import IngestError, detect_format, read_file
from newsweave.model import RawDocument
from newsweave.store import open_store

PARAGRAPHS = [
    "The city council voted on Wednesday to approve a new bridge across the Riverton river, "
    "ending a decade of debate over the crossing.",
    "The bridge will cost 40 million dollars and is expected to open next spring, the mayor said "
    "after the vote in the council chamber.",
]


def page(title: str, dated: bool = False) -> bytes:
    meta = '<meta property="article:published_time" content="2021-06-03">' if dated else ""
    body = "".join(f"<p>{title}: {p}</p>" for p in PARAGRAPHS)
    return (
        f"<!doctype html><html><head><title>{title}</title>{meta}</head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def response(writer: WARCWriter, url: str, payload: bytes, status: str, kind: str) -> None:
    http = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(payload),
        http_headers=http,
        warc_headers_dict={"WARC-Date": "2023-04-05T06:07:08Z"},
    )
    writer.write_record(record)


def archive(gzipped: bool, pages: int = 1) -> bytes:
    """An archive as a crawler writes it: warcinfo, a request, the HTML response(s), then a
    non-HTML response, a failed HTML response and a metadata record."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "paper.example")], is_http_request=True)
    writer.write_record(
        writer.create_warc_record(
            "https://paper.example/a", "request", payload=io.BytesIO(b""), http_headers=request
        )
    )
    for n in range(pages):
        html = page(f"Story {n}", dated=n == 0)
        response(writer, f"https://paper.example/{n}", html, "200 OK", "text/html; charset=utf-8")
    response(writer, "https://paper.example/logo.png", b"\x89PNG\r\n", "200 OK", "image/png")
    response(writer, "https://paper.example/gone", page("Gone"), "404 Not Found", "text/html")
    writer.write_record(
        writer.create_warc_record(
            "https://paper.example/0", "metadata", payload=io.BytesIO(b"fetchTimeMs: 12")
        )
    )
    return out.getvalue()


def docs(items: list) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


@pytest.mark.parametrize("gzipped", [False, True])
def test_html_responses_are_articles_other_records_skipped(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl")  # found by content, not name
    path.write_bytes(archive(gzipped, pages=2))
    items = list(read_file(path))
    assert [i for i in items if isinstance(i, IngestError)] == []
    first, second = docs(items)
    assert (first.url, second.url) == ("https://paper.example/0", "https://paper.example/1")
    assert first.published == date(2021, 6, 3)  # the page's own date
    assert second.published == date(2023, 4, 5)  # none on the page: WARC-Date
    assert first.title == "Story 0" and PARAGRAPHS[1] in first.text
    offset = int(first.source.rpartition("@")[2])
    assert first.source == f"{path}@{offset}" and offset > 0  # after warcinfo and request
    raw = path.read_bytes()
    if gzipped:  # a compressed archive names the member: a gzip stream starts there
        assert raw[offset : offset + 2] == b"\x1f\x8b"
    else:
        assert raw[offset : offset + 7] == b"WARC/1."


def test_detection_and_streaming_past_the_file_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert detect_format(tmp_path / "x.txt", archive(False)[:64]) == "warc"
    path = tmp_path / "big.warc.gz"
    path.write_bytes(archive(True, pages=3))
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 100)  # any other file this size is refused
    assert len(docs(list(read_file(path)))) == 3


@pytest.mark.parametrize("gzipped", [False, True])
def test_truncated_archive_keeps_records_read_and_reports_offset(
    tmp_path: Path, gzipped: bool
) -> None:
    full = tmp_path / "full"
    full.write_bytes(archive(gzipped, pages=3))
    complete = docs(list(read_file(full)))
    third = int(complete[2].source.rpartition("@")[2])
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(full.read_bytes()[: third + 300])  # cut inside the third page's record
    items = list(read_file(path))
    assert [d.url for d in docs(items)] == ["https://paper.example/0", "https://paper.example/1"]
    (error,) = [i for i in items if isinstance(i, IngestError)]
    assert error.source == str(path)
    assert f"offset {third}" in error.reason and "truncated" in error.reason
    assert items[-1] == error


def test_corrupt_gzip_member_is_reported(tmp_path: Path) -> None:
    raw = bytearray(archive(True, pages=2))
    path = tmp_path / "full.warc.gz"
    path.write_bytes(raw)
    second = int(docs(list(read_file(path)))[1].source.rpartition("@")[2])
    raw[second + 40 : second + 60] = b"\x00" * 20  # inside the deflate data
    path.write_bytes(raw)
    items = list(read_file(path))
    assert [d.url for d in docs(items)] == ["https://paper.example/0"]
    (error,) = [i for i in items if isinstance(i, IngestError)]
    assert f"offset {second}" in error.reason


def test_ingest_command_stores_warc_articles(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(archive(True, pages=2))
    db = tmp_path / "n.db"
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(db), "--no-summarise"])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        assert sorted(a.url or "" for a in store.articles()) == [
            "https://paper.example/0",
            "https://paper.example/1",
        ]
