"""Readers: format detection by content, every format, and errors that name file and problem."""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest

import newsweave.ingest as ingest
from factories import SEEDS, cite, make_article, make_story
from newsweave.app.pipeline import prepare, story_title
from newsweave.ingest import IngestError, detect_format, read_file, read_paths
from newsweave.ingest.detect import RULES, head_of
from newsweave.ingest.titles import MAX_DERIVED_TITLE, clean_title, derived_title
from newsweave.model import RawDocument

PARAGRAPHS = [
    "The city council voted on Wednesday to approve a new bridge across the Riverton river, "
    "ending a decade of debate over the crossing.",
    "The bridge will cost 40 million dollars and is expected to open in 2024, the mayor said "
    "after the vote in the council chamber.",
    "Opponents said the money would be better spent on repairing existing roads, but the motion "
    "passed by seven votes to two.",
]

PAGE = f"""<!doctype html><html lang="en"><head>
<meta charset="utf-8">
<title>Council approves new bridge | Riverton Gazette</title>
<meta property="og:site_name" content="Riverton Gazette">
<meta property="og:title" content="Council approves new bridge - Riverton Gazette">
<link rel="canonical" href="https://gazette.example/2021/06/03/bridge">
<meta name="author" content="Ana Lopez">
<meta property="article:published_time" content="2021-06-03T09:00:00Z">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article><h1>Council approves new bridge</h1>
<p class="byline">By Ana Lopez</p>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Cat stuck in tree rescued</a></li>
<li><a href="/b">Local bakery wins award</a></li></ul></aside></main>
<footer><p>Copyright 2021 Riverton Gazette. All rights reserved.</p>
<a href="/subscribe">Subscribe to our newsletter</a></footer>
</body></html>"""


def docs(items: list) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def errors(items: list) -> list[IngestError]:
    return [i for i in items if isinstance(i, IngestError)]


def reasons(items: list) -> dict[str, str]:
    """File name (or name:LINE) -> reason, for every error."""
    return {Path(e.source).name: e.reason for e in errors(items)}


# ---- detection ----


def test_detection_by_content_not_name(tmp_path: Path) -> None:
    assert detect_format(tmp_path / "page.txt", PAGE.encode()) == "html"
    assert detect_format(tmp_path / "noext", b'\n\n{"text": "x"}\n{"text": "y"}\n') == "jsonl"
    assert detect_format(tmp_path / "a.jsonl", b"Just words, no markup.") == "text"
    assert detect_format(tmp_path / "a.txt", b"Just words.\nA <b>bold</b> claim.") == "text"
    assert detect_format(tmp_path / "a.html", b"Just words, no markup.") == "html"
    assert detect_format(tmp_path / "list", b' [ {"text": "x"} ]') == "json"
    crawl_metadata = b'{\n  "NZZ_2024_07_18.html.gz": {\n    "url": "https://www.nzz.ch/a"'
    assert detect_format(tmp_path / "meta.info", crawl_metadata) == "json"
    assert detect_format(tmp_path / "a.txt", b"{Braces} open this plain text.") == "text"
    assert detect_format(tmp_path / "a.txt", b"abc\x00def") == "binary"
    assert detect_format(tmp_path / "a.txt", b"%PDF-1.7\nsome text") == "binary"
    assert detect_format(tmp_path / "a.txt", b"{not json at all}") == "text"


def test_a_long_first_jsonl_line_is_still_jsonl(tmp_path: Path) -> None:
    """A JSONL line longer than any fixed head must not turn the file into one text document."""
    lines = [json.dumps({"text": "word " * 5000, "title": f"t{i}"}) for i in range(3)]
    data = "\n".join(lines).encode()
    assert detect_format(tmp_path / "dump", head_of(data)) == "jsonl"
    path = tmp_path / "dump"
    path.write_bytes(data)
    assert [d.title for d in docs(list(read_file(path)))] == ["t0", "t1", "t2"]


def test_a_new_format_is_one_rule_and_one_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_feed(source: str, data: bytes):
        yield RawDocument(source=source, text=data.decode()[6:], format="feed")

    monkeypatch.setitem(ingest.READERS, "feed", read_feed)
    monkeypatch.setattr(
        "newsweave.ingest.detect.RULES",
        [("feed", lambda path, head: head.startswith(b"FEED: ")), *RULES],
    )
    (tmp_path / "x.dat").write_bytes(b"FEED: hello")
    (doc,) = read_paths([tmp_path])
    assert isinstance(doc, RawDocument) and (doc.format, doc.text) == ("feed", "hello")


# ---- plain text and directories ----


def test_seeds_read_as_five_text_documents() -> None:
    items = list(read_paths([SEEDS]))
    assert not errors(items)
    found = docs(items)
    assert len(found) == 5
    assert all(d.format == "text" and d.needs_cleaning for d in found)
    assert [Path(d.source).name[:3] for d in found] == ["000", "001", "002", "003", "004"]
    assert all(len(d.text) > 200 for d in found)


def test_directories_are_read_recursively_sorted_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "deep" / "3.txt").write_text("Third article.")
    (tmp_path / "b" / "2.txt").write_text("Second article.")
    (tmp_path / "a.txt").write_text("First article.")
    (tmp_path / ".hidden.txt").write_text("Hidden file.")
    (tmp_path / ".git" / "config.txt").write_text("Hidden folder.")
    items = list(read_paths([tmp_path]))
    assert [d.text for d in docs(items)] == ["First article.", "Second article.", "Third article."]
    assert not errors(items)


def test_windows_1252_and_utf16_text_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("Café society in Zürich — “quoted”.".encode("cp1252"))
    (tmp_path / "b.txt").write_bytes("\ufeffUTF-8 with a BOM.".encode())
    (tmp_path / "c.txt").write_text("Notepad saved this as UTF-16.", encoding="utf-16")
    texts = [d.text for d in docs(list(read_paths([tmp_path])))]
    assert texts == [
        "Café society in Zürich — “quoted”.",
        "UTF-8 with a BOM.",
        "Notepad saved this as UTF-16.",
    ]


# ---- HTML ----


def test_html_page_body_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"  # HTML in a .txt: detected by content
    path.write_text(PAGE)
    (page,) = read_paths([path])
    assert isinstance(page, RawDocument)
    assert page.format == "html" and not page.needs_cleaning
    assert page.title == "Council approves new bridge"  # "| Riverton Gazette" dropped
    assert page.outlet == "Riverton Gazette"
    assert page.author == "Ana Lopez"
    assert page.published == date(2021, 6, 3)
    assert page.url == "https://gazette.example/2021/06/03/bridge"
    assert f"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}\n\n{PARAGRAPHS[2]}" in page.text
    for boilerplate in ("Weather", "Sport", "Most read", "bakery", "Subscribe", "Copyright"):
        assert boilerplate not in page.text


def test_gzipped_html_is_decompressed(tmp_path: Path) -> None:
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(PAGE.replace("seven", "eight").encode()))
    (page,) = read_paths([tmp_path])
    assert isinstance(page, RawDocument) and page.format == "html"
    assert "passed by eight votes to two" in page.text


def test_a_bare_html_fragment_is_html(tmp_path: Path) -> None:
    (tmp_path / "clip.txt").write_text("".join(f"<p>{p}</p>" for p in PARAGRAPHS))
    (doc,) = read_paths([tmp_path])
    assert isinstance(doc, RawDocument) and doc.format == "html"
    assert doc.text == "\n\n".join(PARAGRAPHS)


def test_html_in_its_declared_legacy_encoding(tmp_path: Path) -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="iso-8859-15"').replace("mayor", "maire €")
    (tmp_path / "page.html").write_bytes(page.encode("iso-8859-15"))
    (doc,) = read_paths([tmp_path])
    assert isinstance(doc, RawDocument) and "the maire € said" in doc.text


def test_html_without_an_article_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "nav.html").write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/b'>About</a></nav></body></html>"
    )
    items = list(read_paths([tmp_path]))
    assert not docs(items)
    assert reasons(items)["nav.html"].startswith("HTML page with no article text")


@pytest.mark.parametrize(
    ("title", "site", "url", "headings", "expected"),
    [
        ("Mining blasts shatter homes - Lesotho Times", "Lesotho Times", None, [],
         "Mining blasts shatter homes"),
        ("Steigende Zinsen setzen Dax zu | Börsen-Zeitung", "boersen-zeitung.de", None, [],
         "Steigende Zinsen setzen Dax zu"),
        ("Post-Vac-Syndrom: Was wissen wir? – DW – 13.06.2023", "Deutsche Welle",
         "https://www.dw.com/de/x", [], "Post-Vac-Syndrom: Was wissen wir?"),
        ("南海トラフ、一時調査：中日新聞Web", "中日新聞Web", None, [], "南海トラフ、一時調査"),
        ("Vierschanzentournee | Skisprung-Zoff ums Material", None, None,
         ["Skisprung-Zoff ums Material"], "Skisprung-Zoff ums Material"),
        ("Russia hits Kyiv with missiles - National | Globalnews.ca", "Global News",
         "https://globalnews.ca/news/1", ["Russia hits Kyiv with missiles"],
         "Russia hits Kyiv with missiles"),
        # kept whole: a hyphenated headline, a kicker, a word that merely contains the site name
        ("Aktivistin getötet - Irans Justiz dementiert", "Mitteldeutsche Zeitung", None, [],
         "Aktivistin getötet - Irans Justiz dementiert"),
        ("Kenia: Nairobi von unten", "Junge Welt", None, ["Nairobi von unten"],
         "Kenia: Nairobi von unten"),
        ("Merkel trifft Macron - Weltpolitik", "DIE WELT", "https://www.welt.de/a", [],
         "Merkel trifft Macron - Weltpolitik"),
        ("Fed holds rates steady - AP", None, "https://apnews.com/article/x", [],
         "Fed holds rates steady"),
        ("Ministers resign over the bill - The", None, "https://www.theguardian.com/a", [],
         "Ministers resign over the bill - The"),
    ],
)  # fmt: skip
def test_site_names_leave_titles(
    title: str, site: str | None, url: str | None, headings: list[str], expected: str
) -> None:
    assert clean_title(title, site=site, url=url, headings=headings) == expected


# ---- JSONL and JSON ----


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "First body.", "title": "One", "published": "2020-01-02", "id": "a1"}),
        "",
        json.dumps({"title": "no text"}),
        "{not json",
        json.dumps({"text": "Dated badly.", "published": "yesterday"}),
        json.dumps(["a", "list"]),
        json.dumps(
            {
                "text": "Second body.",
                "published": "2020-01-03T23:30:00-05:00",
                "outlet": "Wire",
                "url": "https://wire.example/2",
                "author": ["A. Writer", "B. Writer"],
                "id": 7,
            }
        ),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    items = list(read_paths([path]))
    good, bad = docs(items), errors(items)
    assert [d.title for d in good] == ["One", None, None]
    assert [d.source for d in good] == [f"{path}:1", f"{path}:5", f"{path}:7"]
    assert good[0].published == date(2020, 1, 2) and good[0].doc_id == "a1"
    assert good[0].format == "jsonl" and good[0].needs_cleaning
    undated = good[1]
    assert undated.published is None and undated.warnings == [
        "'published' dropped: 'yesterday' is not an ISO 8601 or RFC 2822 date"
    ]
    second = good[2]
    assert second.published == date(2020, 1, 3)  # the date as written, not moved to UTC
    assert (second.outlet, second.url, second.doc_id) == ("Wire", "https://wire.example/2", "7")
    assert second.author == "A. Writer; B. Writer"
    assert [(e.source, e.reason) for e in bad] == [
        (f"{path}:3", "missing required field 'text'"),
        (
            f"{path}:4",
            "invalid JSON (Expecting property name enclosed in double quotes at column 2)",
        ),
        (f"{path}:6", "not a JSON object but an array"),
    ]


def test_jsonl_without_extension_and_a_line_with_a_stray_byte(tmp_path: Path) -> None:
    path = tmp_path / "export"
    path.write_bytes(
        json.dumps({"text": "Fine."}).encode()
        + b'\n{"text": "caf\xe9"}\n'
        + json.dumps({"text": "Also fine."}).encode()
    )
    items = list(read_paths([path]))
    assert [d.text for d in docs(items)] == ["Fine.", "caf\ufffd", "Also fine."]
    assert [d.warnings for d in docs(items)] == [
        [],
        ["1 byte that is not UTF-8 replaced with U+FFFD"],
        [],
    ]
    assert not errors(items)


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "articles.json"
    path.write_text(
        json.dumps([{"text": "One.", "outlet": "A"}, {"title": "none"}, {"text": "Two."}], indent=2)
    )
    items = list(read_paths([path]))
    assert [(d.text, d.format) for d in docs(items)] == [("One.", "json"), ("Two.", "json")]
    assert [e.source for e in errors(items)] == [f"{path}[1]"]
    assert "missing required field 'text'" in errors(items)[0].reason


def test_stdin() -> None:
    stdin = io.StringIO(json.dumps({"text": "From a pipe.", "outlet": "Pipe"}) + "\n\n{broken\n")
    items = list(read_paths(["-"], stdin=stdin))
    (doc,) = docs(items)
    assert (doc.text, doc.outlet, doc.source) == ("From a pipe.", "Pipe", "<stdin>:1")
    assert [e.source for e in errors(items)] == ["<stdin>:3"]


# ---- files that are not articles ----


def test_bad_files_are_errors_not_exceptions(tmp_path: Path) -> None:
    (tmp_path / "binary.dat").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "blank.txt").write_text("  \n\t\n")
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf\n")
    (tmp_path / "broken.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (tmp_path / "undecodable.txt").write_bytes(b"Text with bytes \x81\x8d\x8f\x90 in no encoding")
    (tmp_path / "zero.gz").write_bytes(gzip.compress(b"   "))
    (tmp_path / "good.txt").write_text("The one good article.")
    items = list(read_paths([tmp_path, tmp_path / "missing.txt"]))
    assert [d.text for d in docs(items)] == ["The one good article."]
    assert reasons(items) == {
        "binary.dat": "not text (binary file?)",
        "blank.txt": "empty file",
        "bom.txt": "empty file",
        "broken.gz": reasons(items)["broken.gz"],
        "empty.txt": "empty file",
        "image.txt": "not text (binary file?)",
        "undecodable.txt": "not text in UTF-8 or any encoding that could be detected (binary file?)",
        "zero.gz": "empty file",
        "missing.txt": "no such file or directory",
    }
    assert reasons(items)["broken.gz"].startswith("corrupt compressed file")


def test_too_large_files_and_gzip_bombs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.txt").write_text("x" * 2000)
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"y" * 5000))
    (tmp_path / "small.txt").write_text("Small enough.")
    items = list(read_paths([tmp_path]))
    assert [d.text for d in docs(items)] == ["Small enough."]
    assert sorted(reasons(items)) == ["big.txt", "bomb.txt.gz"]
    assert all(r.startswith("file larger than") for r in reasons(items).values())


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("Secret.")
    (tmp_path / "open.txt").write_text("Public.")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    items = list(read_paths([tmp_path]))
    assert [d.text for d in docs(items)] == ["Public."]
    assert [(e.source, e.reason) for e in errors(items)] == [(str(locked), "permission denied")]


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes")
def test_a_named_pipe_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert reasons(list(read_paths([tmp_path]))) == {"pipe": "not a regular file"}


# ---- titles made from the text ----


LONG_LEAD = (
    "The city council of Riverton approved on Tuesday evening a new bridge over the river that "
    "divides the old town from the harbour, after a debate that lasted four hours. The vote "
    "passed by seven votes to two."
)


def test_jsonl_without_a_title_gets_its_first_sentence_cut_as_a_headline(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": LONG_LEAD}) + "\n")
    (raw,) = read_paths([path])
    assert isinstance(raw, RawDocument) and raw.title is None
    article = prepare(raw)
    assert article.title_derived and article.title is not None
    assert len(article.title) <= MAX_DERIVED_TITLE and article.title.endswith("…")
    cut = article.title.removesuffix("…")
    assert LONG_LEAD.startswith(cut) and LONG_LEAD[len(cut)] == " "  # at a word boundary


def test_a_headline_the_text_opens_with_is_its_stated_title(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    text = f"Council approves new bridge\n\n{LONG_LEAD}"
    path.write_text(json.dumps({"text": text}) + "\n" + json.dumps({"text": text, "title": "T"}))
    first, stated = (prepare(r) for r in read_paths([path]) if isinstance(r, RawDocument))
    assert (first.title, first.title_derived) == ("Council approves new bridge", False)
    assert (stated.title, stated.title_derived) == ("T", False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Short news. More follows.", "Short news"),
        ("Mr. Smith met Gen. Jones in the U.S. capital. Then he left.",
         "Mr. Smith met Gen. Jones in the U.S. capital"),
        ("Was it worth it? Some say no.", "Was it worth it?"),
        ("東京都は12日、新たな感染者を発表した。詳細は後日。", "東京都は12日、新たな感染者を発表した"),
        ("x" * 200, "x" * 89 + "…"),
    ],
)  # fmt: skip
def test_derived_titles(text: str, expected: str) -> None:
    assert derived_title(None, text) == expected


def test_a_stated_title_names_the_story_before_a_derived_one() -> None:
    derived = make_article("Cited first. Cited again.", title="Cited first", title_derived=True)
    stated = make_article("Other report of it.", title="Council approves bridge")
    story = make_story(derived, stated, summary=[cite(derived, 0), cite(derived, 0)])
    assert story_title(story) == "Council approves bridge"


# ---- article text trafilatura misses ----


STORY = [
    f"Paragraph {n} of the report on the council's bridge vote, with enough words to count."
    for n in range(1, 13)
]


def test_a_body_cut_short_is_read_from_the_pages_json_ld(tmp_path: Path) -> None:
    ld = {"@type": "NewsArticle", "headline": "Bridge", "articleBody": "\n".join(STORY)}
    (tmp_path / "p.html").write_text(
        f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head>'
        f"<body><article><h1>Bridge</h1><p>{STORY[0]}</p><p>{STORY[1]}</p>"
        "<p>Subscribe to read the rest.</p></article></body></html>"
    )
    (doc,) = read_paths([tmp_path])
    assert isinstance(doc, RawDocument) and doc.text == "\n\n".join(STORY)


def test_a_body_rendered_by_a_script_is_read_from_it(tmp_path: Path) -> None:
    markup = "".join(f"<p>{p}</p>" for p in STORY)
    payload = json.dumps({"article": {"contentHtml": markup}})  # a JSON string in a JS string
    (tmp_path / "p.html").write_text(
        "<html><head><title>Bridge</title></head><body><div id='root'></div>"
        f"<script>self.__next_f.push([1, {json.dumps(payload)}])</script></body></html>"
    )
    (doc,) = read_paths([tmp_path])
    assert isinstance(doc, RawDocument) and doc.text == "\n\n".join(STORY)
