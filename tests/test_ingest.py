"""Readers: format detection by content, every format, and errors that name file and problem."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date
from pathlib import Path

from newsweave.ingest import IngestError, detect_format, read_paths
from newsweave.model import RawDocument

SEEDS = Path(__file__).parents[1] / "examples" / "assad-putin"

PAGE = """<!doctype html><html><head>
<title>Council approves new bridge | Riverton Gazette</title>
<meta property="og:site_name" content="Riverton Gazette">
<meta property="og:title" content="Council approves new bridge">
<meta property="og:url" content="https://gazette.example/2021/06/03/bridge">
<meta name="author" content="Ana Lopez">
<meta property="article:published_time" content="2021-06-03T09:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Council approves new bridge</h1>
<p>The city council voted on Wednesday to approve a new bridge across the Riverton river, ending a decade of debate over the crossing.</p>
<p>The bridge will cost 40 million dollars and is expected to open in 2024, the mayor said after the vote.</p>
<p>Opponents said the money would be better spent on repairing existing roads, but the motion passed by seven votes to two.</p>
</article>
<footer>Copyright Riverton Gazette. Subscribe to our newsletter.</footer>
</body></html>"""


def docs(items: list) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def errors(items: list) -> list[IngestError]:
    return [i for i in items if isinstance(i, IngestError)]


def test_detection_by_content(tmp_path: Path) -> None:
    assert detect_format(tmp_path / "a.txt", PAGE.encode()) == "html"
    assert detect_format(tmp_path / "noext", b'\n{"text": "x"}\n') == "jsonl"
    assert detect_format(tmp_path / "a.html", b"Just words, no markup.") == "html"
    assert detect_format(tmp_path / "a.txt", b"Just words, no markup.") == "text"
    assert detect_format(tmp_path / "a.txt", b"abc\x00def") == "binary"


def test_seeds_read_as_text() -> None:
    items = list(read_paths([SEEDS]))
    assert not errors(items)
    assert [d.format for d in docs(items)] == ["text"] * 5
    assert all(d.needs_cleaning for d in docs(items))


def test_html_page_in_a_txt_file_and_gzipped(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text(PAGE)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "page.html.gz").write_bytes(
        gzip.compress(PAGE.replace("seven", "eight").encode())
    )
    (tmp_path / ".hidden").write_text("should be skipped")
    items = list(read_paths([tmp_path]))
    assert not errors(items)
    found = docs(items)
    assert len(found) == 2
    page = next(d for d in found if d.source.endswith("page.txt"))
    assert page.format == "html" and not page.needs_cleaning
    assert page.title == "Council approves new bridge"
    assert page.outlet == "Riverton Gazette"
    assert page.author == "Ana Lopez"
    assert page.published == date(2021, 6, 3)
    assert "approve a new bridge across the Riverton river" in page.text
    assert "Sport" not in page.text and "Subscribe" not in page.text


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"text": "First article body.", "title": "One", "published": "2020-01-02", "id": "a1"}
        ),
        "",
        json.dumps({"title": "no text"}),
        "{not json",
        json.dumps({"text": "Dated badly.", "published": "yesterday"}),
        json.dumps(
            {"text": "Second article body.", "published": "2020-01-03T10:00:00Z", "outlet": "Wire"}
        ),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines))
    items = list(read_paths([path]))
    good, bad = docs(items), errors(items)
    assert [d.title for d in good] == ["One", None]
    assert good[0].published == date(2020, 1, 2) and good[0].doc_id == "a1"
    assert good[1].published == date(2020, 1, 3) and good[1].outlet == "Wire"
    assert [e.source for e in bad] == [f"{path}:3", f"{path}:4", f"{path}:5"]
    assert "missing required field 'text'" in bad[0].reason
    assert "invalid JSON" in bad[1].reason
    assert "'published'" in bad[2].reason


def test_stdin() -> None:
    stdin = io.StringIO(json.dumps({"text": "From a pipe."}) + "\n")
    (doc,) = read_paths(["-"], stdin=stdin)
    assert isinstance(doc, RawDocument) and doc.text == "From a pipe."


def test_bad_files_are_errors_not_exceptions(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "binary.dat").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin.txt").write_bytes(
        "Caf\xe9 society article about Z\xfcrich.".encode("latin-1")
    )
    (tmp_path / "broken.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    items = list(read_paths([tmp_path, tmp_path / "missing.txt"]))
    reasons = {Path(e.source).name: e.reason for e in errors(items)}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.dat"]
    assert "compressed" in reasons["broken.gz"]
    assert "no such file" in reasons["missing.txt"]
    (latin,) = docs(items)
    assert "Café" in latin.text
