"""Readers against hostile and careless input: every bad line or field costs that line or field,
never the batch, and says where it is (file and line) once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave.app.pipeline import ingest_documents, prepare
from newsweave.ingest import IngestError, read_paths
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
    assert sorted(a.title or "" for a in store.articles()) == ["", "", "Bad \ufffd title"]
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
