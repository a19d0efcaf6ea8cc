"""Readers against hostile and careless input: every bad line or field costs that line or field,
never the batch, and says where it is (file and line) once."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsweave.ingest as ingest
import newsweave.ingest.jsonl as jsonl
from newsweave.app.pipeline import ingest_documents, prepare
from newsweave.cli import app
from newsweave.ingest import IngestError, read_file, read_paths
from newsweave.ingest.decode import decode
from newsweave.model import RawDocument
from newsweave.store import Store

runner = CliRunner()

BODY = (
    "The harbour authority said on Monday that the fire in the container terminal had been put "
    "out after burning for two days, and that the port would reopen on Wednesday."
)


def docs(items: list) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def errors(items: list) -> list[IngestError]:
    return [i for i in items if isinstance(i, IngestError)]


def article(n: int, **fields: object) -> str:
    """One JSONL line: article number `n` (a text of its own) with `fields`."""
    return json.dumps({"text": f"Report {n}. {BODY}", **fields})


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# ---- encodings ----

RUSSIAN = (
    "Президент России Владимир Путин провёл в Сочи переговоры с президентом Сирии Башаром "
    "Асадом. Стороны обсудили политическое урегулирование и восстановление экономики."
)
JAPANESE = (
    "東京都は二十日、新型コロナウイルスの感染者が新たに確認されたと発表した。"
    "専門家は警戒を呼びかけている。"
)
WESTERN = [
    "Café society in Zürich — “quoted”.",
    "The mayor’s plan — which critics called “reckless” — passed on Tuesday.",
    "Naïve résumé of the fiancée's café visit cost €40.",
    "Die Bundesregierung hat am Mittwoch beschlossen, die Grenzkontrollen zu verlängern. "
    "Größere Änderungen sind nicht geplant.",
    "Le président a annoncé mercredi une réforme des retraites très contestée. « C'est une "
    "décision difficile », a-t-il déclaré.",
    "The council met on Tuesday at the café on Main Street.",
    "El Gobierno español aprobó el martes una reforma de la ley de vivienda.",
]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8_r"),
        ("Путин встретился с Асадом в Сочи.", "cp1251"),
        ("Путин встретился с Асадом в Сочи.", "koi8_r"),
        (JAPANESE, "shift_jis"),
        *((text, "cp1252") for text in WESTERN),
    ],
)
def test_legacy_encodings_are_detected(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    (doc,) = read_paths([path])
    assert isinstance(doc, RawDocument) and doc.text == text
    (message,) = doc.warnings
    assert message.startswith("not UTF-8: read as ")


def test_legacy_html_is_read_in_its_detected_or_declared_charset() -> None:
    assert decode(RUSSIAN.encode("koi8_r"), fallback=True) == RUSSIAN
    page = f'<html><head><meta charset="windows-1251"></head><body><p>{RUSSIAN}</p></body></html>'
    assert decode(page.encode("cp1251"), fallback=True, declared="windows-1251") == page
    from newsweave.ingest.decode import decode_text

    xhtml = f'<?xml version="1.0" encoding="koi8-r"?><html><body><p>{RUSSIAN}</p></body></html>'
    decoded = decode_text(xhtml.encode("koi8_r"), declared="koi8-r")
    assert decoded is not None and decoded.text == xhtml and decoded.warning is None


def test_a_legacy_html_page_without_a_declared_charset(tmp_path: Path) -> None:
    page = f"<html><head><title>Путин и Асад</title></head><body><article><p>{RUSSIAN}</p>"
    (tmp_path / "page.html").write_bytes((page + "</article></body></html>").encode("cp1251"))
    (doc,) = read_paths([tmp_path])
    assert isinstance(doc, RawDocument) and RUSSIAN in doc.text
    assert doc.warnings == ["not UTF-8: read as cp1251"]  # what was guessed is said


def test_a_short_unsure_legacy_text_is_read_as_windows_1252(tmp_path: Path) -> None:
    """Odd symbols cp1252 finds implausible, but too few non-ASCII bytes for a detector (which
    calls them cp1251) to be trusted: cp1252 decodes them, and is kept."""
    path = tmp_path / "note.txt"
    path.write_bytes("Price: ¤5 ÿ¿ ½¼ ok".encode("cp1252"))
    (doc,) = read_paths([path])
    assert isinstance(doc, RawDocument) and doc.text == "Price: ¤5 ÿ¿ ½¼ ok"
    assert doc.warnings == ["not UTF-8: read as cp1252"]


def test_utf8_with_a_stray_byte_is_utf8_with_that_byte_replaced(tmp_path: Path) -> None:
    english = "The mayor’s plan — “reckless” — passed.".encode() + b"\x9d Then the vote."
    russian = RUSSIAN[:20].encode() + b"\xff" + RUSSIAN[20:].encode()
    ascii_only = b"The council met on Tuesday \x81 and voted to approve the bridge."
    for name, data in (("en.txt", english), ("ru.txt", russian), ("ascii.txt", ascii_only)):
        (tmp_path / name).write_bytes(data)
    found = {Path(d.source).name: d for d in docs(list(read_paths([tmp_path])))}
    assert found["en.txt"].text == "The mayor’s plan — “reckless” — passed.\ufffd Then the vote."
    assert found["ru.txt"].text == f"{RUSSIAN[:20]}\ufffd{RUSSIAN[20:]}"
    assert (
        found["ascii.txt"].text
        == "The council met on Tuesday \ufffd and voted to approve the bridge."
    )
    for doc in found.values():
        assert doc.warnings == ["1 byte that is not UTF-8 replaced with U+FFFD"]


# ---- lone surrogates ----


def test_lone_surrogates_in_jsonl_are_replaced_and_the_batch_stored(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(
        "\n".join([article(1), article(2, title="Bad \ud800 title"), article(3)]),
        encoding="utf-8",
        errors="surrogatepass",
    )
    assert b"\\ud800" in path.read_bytes()  # legal JSON: an escape
    result = ingest_documents(read_paths([path]), store, cluster=False)
    assert result.added == 3 and not result.errors
    titles = sorted((a.title, a.title_derived) for a in store.articles())
    assert titles == [("Bad \ufffd title", False), ("Report 1", True), ("Report 3", True)]
    (message,) = result.warnings
    assert message.startswith(f"{path}:2: ") and "title" in message and "U+FFFD" in message


def test_no_field_with_surrogates_reaches_the_store(store: Store) -> None:
    bad = RawDocument(
        source="odd\udce9name.txt",
        text=f"Report 1. {BODY} \udc80",
        format="text",
        title="T\ud800",
        url="https://x.example/\udfff",
        outlet="Out\ud801let",
        author="A\udcffuthor",
        doc_id="id\ud800",
    )
    good = RawDocument(source="good.txt", text=f"Report 2. {BODY}", format="text")
    result = ingest_documents([bad, good], store, cluster=False)
    assert result.added == 2
    stored = {a.source: a for a in store.articles()}
    odd = stored["odd\ufffdname.txt"]
    assert odd.text.endswith("\ufffd") and odd.title == "T\ufffd"
    assert (odd.url, odd.outlet, odd.author, odd.external_id) == (
        "https://x.example/\ufffd",
        "Out\ufffdlet",
        "A\ufffduthor",
        "id\ufffd",
    )
    (message,) = result.warnings
    assert message.startswith("odd\ufffdname.txt: 7 invalid characters")
    for name in ("source", "text", "title", "url", "outlet", "author", "id"):
        assert name in message


def test_prepare_leaves_clean_documents_without_warnings() -> None:
    raw = RawDocument(source="a.txt", text=BODY, format="text", title="Fine")
    prepare(raw)
    assert raw.warnings == []


# ---- nesting depth ----


@pytest.mark.parametrize("where", [0, 1])
def test_a_deeply_nested_jsonl_line_is_an_error_for_that_line(tmp_path: Path, where: int) -> None:
    """First line (format detection parses it) or any other: one error, the rest is read."""
    lines = [article(1), article(2)]
    lines.insert(where, '{"text": ' + nested(100_000) + "}")
    path = tmp_path / "deep.jsonl"
    path.write_text("\n".join(lines))
    items = list(read_paths([path]))
    assert [d.text[:8] for d in docs(items)] == ["Report 1", "Report 2"]
    assert [(e.source, e.reason) for e in errors(items)] == [
        (f"{path}:{where + 1}", f"nested deeper than {jsonl.MAX_DEPTH} levels")
    ]


def test_nesting_up_to_the_limit_is_read_and_brackets_in_strings_do_not_count(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ok.jsonl"
    inside = jsonl.MAX_DEPTH - 2  # the object and its "extra" field are two levels
    path.write_text(
        json.dumps({"text": BODY + " [[[{{{" * 1000, "extra": json.loads(nested(inside))}) + "\n"
    )
    (doc,) = read_paths([path])
    assert isinstance(doc, RawDocument) and doc.text.endswith("[[[{{{")


def test_a_deeply_nested_json_array_is_an_error_for_the_file(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('[{"text": "Fine."}, {"text": ' + nested(100_000) + "}]")
    items = list(read_paths([path]))
    assert [(e.source, e.reason) for e in items] == [
        (str(path), f"nested deeper than {jsonl.MAX_DEPTH} levels")
    ]


def test_the_good_lines_of_a_batch_with_a_deep_line_are_stored(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([article(1), '{"text": ' + nested(100_000) + "}", article(2)]))
    result = ingest_documents(read_paths([path]), store, cluster=False)
    assert result.added == 2 and [e.source for e in result.errors] == [f"{path}:2"]


# ---- gzipped JSONL ----


def test_gzipped_jsonl_is_streamed_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 1000)
    lines = [article(n) for n in range(40)]
    path = tmp_path / "corpus.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    assert path.stat().st_size < 1000  # small compressed, large once decompressed
    items = list(read_file(path))
    assert not errors(items) and len(docs(items)) == 40
    assert docs(items)[39].source == f"{path}:40"


@pytest.mark.parametrize("count", [5, 2000])
def test_a_truncated_gzipped_jsonl_keeps_every_line_before_the_break(
    tmp_path: Path, count: int
) -> None:
    """A small file (under any buffer) and a large one (many reads) break the same way."""
    lines = [
        json.dumps({"text": f"Report {n} on the fire. {n * 7919 % 10007}"}) for n in range(count)
    ]
    data = gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    items = list(read_file(path))
    found = docs(items)
    assert found and len(found) < count
    assert [d.text for d in found] == [json.loads(line)["text"] for line in lines[: len(found)]]
    (problem,) = errors(items)
    assert problem.source == f"{path}:{len(found) + 1}"
    assert "truncated" in problem.reason and "line" not in problem.reason.split(";")[0]


def test_a_damaged_gzipped_jsonl_keeps_the_lines_before_the_damage(tmp_path: Path) -> None:
    lines = [article(n) for n in range(3000)]
    data = bytearray(gzip.compress("\n".join(lines).encode(), mtime=0))
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)  # zeroed: damaged, not truncated
    path = tmp_path / "damaged.jsonl.gz"
    path.write_bytes(bytes(data))
    items = list(read_file(path))
    assert 0 < len(docs(items)) < 3000
    (problem,) = errors(items)
    assert problem.source.startswith(f"{path}:") and "damaged" in problem.reason


def test_other_gzipped_files_keep_the_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 1000)
    (tmp_path / "page.txt.gz").write_bytes(gzip.compress(BODY.encode() * 20))
    (tmp_path / "list.json.gz").write_bytes(
        gzip.compress(json.dumps([{"text": BODY}] * 20).encode())
    )
    items = list(read_paths([tmp_path]))
    assert {Path(e.source).name: e.reason for e in items} == {
        "list.json.gz": "file larger than 1,000 bytes once decompressed",
        "page.txt.gz": "file larger than 1,000 bytes once decompressed",
    }


# ---- JSONL fields and bytes ----


def test_a_jsonl_line_with_a_stray_byte_is_read_with_it_replaced(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(article(1).encode() + b'\n{"text": "caf\xe9 ' + BODY.encode() + b'"}\n')
    items = list(read_paths([path]))
    assert not errors(items)
    second = docs(items)[1]
    assert second.text.startswith("caf\ufffd ")
    assert second.warnings == ["1 byte that is not UTF-8 replaced with U+FFFD"]


def test_a_malformed_field_costs_the_field_not_the_article(tmp_path: Path) -> None:
    lines = [
        article(1, published="1998-14-06"),
        article(2, published="10/22/1998"),
        article(3, published="Thu, 22 Oct 1998 10:00:00 +0200"),
        article(4, published="1998-10-22 10:30:00"),
        article(5, title={"main": "x"}, url=["a", 1], outlet=True, author={"n": 1}, id=[1]),
        article(6, published=19981022),
    ]
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(lines))
    items = list(read_paths([path]))
    assert not errors(items)
    found = docs(items)
    assert [d.published for d in found] == [
        None, None, date(1998, 10, 22), date(1998, 10, 22), None, None
    ]  # fmt: skip
    assert found[0].warnings == [
        "'published' dropped: '1998-14-06' is not an ISO 8601 or RFC 2822 date"
    ]
    assert found[1].warnings == [
        "'published' dropped: '10/22/1998' is not an ISO 8601 or RFC 2822 date"
    ]
    assert found[2].warnings == found[3].warnings == []
    fifth = found[4]
    assert (fifth.title, fifth.url, fifth.outlet, fifth.author, fifth.doc_id) == (None,) * 5
    assert fifth.warnings == [
        "'title' dropped: an object, not a string",
        "'url' dropped: an array, not a string",
        "'outlet' dropped: a boolean, not a string",
        "'author' dropped: an object, not a string",
        "'id' dropped: an array, not a string",
    ]
    assert found[5].warnings == ["'published' dropped: a number, not a date string"]


def test_document_warnings_reach_the_report_named_by_file_and_line(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join([article(1), article(2, published="10/22/1998")]))
    result = ingest_documents(read_paths([path]), store, cluster=False)
    assert result.added == 2
    assert result.warnings == [
        f"{path}:2: 'published' dropped: '10/22/1998' is not an ISO 8601 or RFC 2822 date"
    ]


def test_ingest_prints_warnings_without_summarising(tmp_path: Path) -> None:
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join([article(1), article(2, published="10/22/1998")]))
    result = runner.invoke(
        app, ["ingest", str(path), "--db", str(tmp_path / "n.db"), "--no-summarise"]
    )
    assert result.exit_code == 0, result.output
    assert f"warning: {path}:2: 'published' dropped" in " ".join(result.output.split())


# ---- line length ----


def test_an_over_long_jsonl_line_is_skipped_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "batch.jsonl"
    long_line = json.dumps({"text": "word " * 1000})
    path.write_text("\n".join([article(1), long_line, article(2), long_line]))
    items = list(read_paths([path]))
    assert [d.source for d in docs(items)] == [f"{path}:1", f"{path}:3"]
    assert [(e.source, e.reason) for e in errors(items)] == [
        (f"{path}:2", "line longer than 1,000 bytes: skipped unread"),
        (f"{path}:4", "line longer than 1,000 bytes: skipped unread"),
    ]


def test_a_first_line_over_the_limit_still_makes_the_file_jsonl(tmp_path: Path) -> None:
    """Detection cannot parse a line it only sees the start of; the rest of the file is read."""
    path = tmp_path / "dump"
    path.write_text(json.dumps({"text": "x" * jsonl.MAX_LINE_BYTES}) + "\n" + article(1) + "\n")
    items = list(read_paths([path]))
    assert [d.source for d in docs(items)] == [f"{path}:2"]
    assert [(e.source, e.reason) for e in errors(items)] == [
        (f"{path}:1", "line longer than 5 MB: skipped unread")
    ]


def test_no_more_than_the_line_limit_is_ever_read_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 1000)

    class Stream(io.BytesIO):
        largest = 0

        def readline(self, size: int | None = -1, /) -> bytes:
            line = super().readline(size)
            Stream.largest = max(Stream.largest, len(line))
            return line

    data = (article(1) + "\n" + "x" * 100_000 + "\n" + article(2)).encode()
    items = list(jsonl.stream_jsonl("big", Stream(data)))
    assert len(docs(items)) == 2 and len(errors(items)) == 1
    assert Stream.largest <= 1001


def test_stdin_lines_are_bounded_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 1000)
    stdin = io.StringIO("\n".join([article(1), json.dumps({"text": "w " * 2000}), article(2)]))
    items = list(read_paths(["-"], stdin=stdin))
    assert [d.source for d in docs(items)] == ["<stdin>:1", "<stdin>:3"]
    assert [e.source for e in errors(items)] == ["<stdin>:2"]


# ---- messages ----


def test_a_line_number_is_said_once(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join([article(1), article(2), "{broken"]))
    (problem,) = errors(list(read_paths([path])))
    assert problem.source == f"{path}:3"
    assert problem.reason.startswith("invalid JSON (") and "3" not in problem.reason
