"""Format detection from a file's content, not only its name.

Rules are data: an ordered list of (format, test over the path and the first bytes); the first
test that holds names the format. A `.txt` holding HTML is HTML; JSONL is recognised by its first
non-blank line parsing as a JSON object, whatever the file is called. A new format (RSS, WARC)
is one more rule here and one more reader in the registry of `newsweave.ingest`.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Callable
from pathlib import Path

from newsweave.ingest.jsonl import too_deep

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 8192
MAX_HEAD_LINE = 5 * 1024 * 1024
"""How much of a long first line detection reads: a JSONL line as long as its reader takes."""
_BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"PK\x03\x04",  # zip, docx, epub
    b"\x7fELF",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
)
_CONTROL = frozenset(range(9)) | {11} | frozenset(range(14, 27)) | frozenset(range(28, 32))
_HTML = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<!--)"
    rb"|<(?:html|head|body|article|main|div|p|h1|meta)\b[^>]*>",
    re.I,
)
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})


class TooLarge(ValueError):
    """Decompressed content over the size limit (a gzip bomb, or just a huge file)."""


class Corrupt(ValueError):
    """A compressed stream that is truncated or damaged."""


def decompress(data: bytes, limit: int) -> bytes:
    """Gunzip gzip data (a `.html.gz` page), reading at most `limit` bytes; other data as is.

    Raises TooLarge past the limit and Corrupt for a damaged stream.
    """
    if data[:2] != GZIP_MAGIC:
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(limit + 1)
    except EOFError:
        raise Corrupt("truncated") from None
    except (OSError, zlib.error) as exc:
        raise Corrupt(str(exc)) from None
    if len(out) > limit:
        raise TooLarge(f"more than {limit} bytes once decompressed")
    return out


def head_of(data: bytes) -> bytes:
    """The bytes detection needs: the first `HEAD_BYTES`, or through the first non-blank line.

    A JSONL line is often longer than any fixed head, and a cut-off line does not parse.
    """
    head = data[:HEAD_BYTES]
    start = len(head) - len(head.lstrip())
    end = data.find(b"\n", start)
    if end < 0:
        end = len(data)
    return data[: max(len(head), min(end, MAX_HEAD_LINE))]


def _first_line(head: bytes) -> bytes:
    for line in head.splitlines():
        if line.strip():
            return line
    return b""


def is_binary(path: Path, head: bytes) -> bool:
    """A known binary signature, NUL bytes, or many control characters: not text."""
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return True
    sample = head[:HEAD_BYTES]
    return bool(sample) and sum(b in _CONTROL for b in sample) / len(sample) > 0.05


def looks_jsonl(path: Path, head: bytes) -> bool:
    """The first non-blank line is a JSON object (stray bytes that are not UTF-8 and all).

    A first line that cannot be parsed here and still looks like an object (longer than the
    head, or nested too deep) counts: the reader reports it, and reads the lines after it.
    """
    line = _first_line(head)
    if not line.lstrip().startswith((b"{", b"\xef\xbb\xbf{")):
        return False
    if len(head) >= MAX_HEAD_LINE and b"\n" not in head.lstrip():
        return True
    text = line.decode("utf-8", "replace").removeprefix("\ufeff")
    if too_deep(text):
        return True
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):
        return False


_OBJECT_KEY = re.compile(rb'\{\s*"')


def looks_json(path: Path, head: bytes) -> bool:
    """A JSON array of objects, or one (pretty-printed) object: in a `.json` file, or opening
    with a quoted key whatever the file is called (a crawler's `meta.info`), which no article
    text does."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"["):
        return text[1:].lstrip().startswith((b"{", b"]"))
    return text.startswith(b"{") and (
        path.suffix.lower() == ".json" or bool(_OBJECT_KEY.match(text))
    )


def looks_html(path: Path, head: bytes) -> bool:
    """HTML markup near the start, or an HTML file name on a non-empty file."""
    return bool(_HTML.search(head[:HEAD_BYTES])) or (
        path.suffix.lower() in _HTML_SUFFIXES and bool(head.strip())
    )


_XML_PROLOG = rb"(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*"
_FEED_ROOT = re.compile(_XML_PROLOG + rb"<(?:[\w-]+:)?(?:rss|feed|RDF)\b", re.S | re.I)
_OPML_ROOT = re.compile(_XML_PROLOG + rb"<opml\b", re.S | re.I)


def looks_warc(path: Path, head: bytes) -> bool:
    """A WARC record header first ("WARC/1.0", "WARC/1.1"): a web archive (CC-NEWS)."""
    return head.startswith(b"WARC/1.")


def looks_feed(path: Path, head: bytes) -> bool:
    """An XML document whose root is RSS (`<rss>`, RSS 1.0's `<rdf:RDF>`) or Atom (`<feed>`).

    Tested before HTML: a feed's entries carry HTML, which would otherwise win.
    """
    return bool(_FEED_ROOT.match(head.removeprefix(b"\xef\xbb\xbf")))


def looks_opml(path: Path, head: bytes) -> bool:
    """An XML document whose root is `<opml>`: a list of feeds."""
    return bool(_OPML_ROOT.match(head.removeprefix(b"\xef\xbb\xbf")))


Rule = tuple[str, Callable[[Path, bytes], bool]]
RULES: list[Rule] = [
    ("warc", looks_warc),  # before binary: a record's payload may be anything
    ("binary", is_binary),
    ("feed", looks_feed),
    ("opml", looks_opml),
    ("jsonl", looks_jsonl),
    ("json", looks_json),
    ("html", looks_html),
]
"""First match wins; whatever matches nothing is plain text."""


def detect_format(path: Path, head: bytes) -> str:
    """'warc' | 'binary' | 'feed' | 'opml' | 'jsonl' | 'json' | 'html' | 'text' for a file whose
    decompressed start is `head`.

    `head` should run at least through the first non-blank line (see `head_of`) for JSONL with
    long lines to be recognised; `path` only breaks ties (a `.html` page with no markup up front).
    """
    for fmt, test in RULES:
        if test(path, head):
            return fmt
    return "text"
