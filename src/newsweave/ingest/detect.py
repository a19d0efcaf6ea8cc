"""Format detection from a file's content, not only its name.

Rules are data: an ordered list of (format, test over the first bytes). A `.txt` holding HTML is
HTML; JSONL is recognised by its first non-blank line being a JSON object.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 4096
_HTML = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<!--)|<(?:html|head|body|article|div|p)\b[^>]*>",
    re.I,
)
_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32))


def is_binary(head: bytes) -> bool:
    """NUL bytes, or many control characters, mean this is not text."""
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = sum(1 for b in head if b in _CONTROL)
    return control / len(head) > 0.05


def _looks_jsonl(head: bytes) -> bool:
    for line in head.splitlines():
        if line.strip():
            try:
                return isinstance(json.loads(line.decode("utf-8-sig")), dict)
            except (ValueError, UnicodeDecodeError):
                return False
    return False


def _looks_json_array(head: bytes) -> bool:
    return head.lstrip().startswith(b"[") and b"{" in head[:200]


def _looks_html(head: bytes) -> bool:
    return bool(_HTML.search(head[:HEAD_BYTES]))


RULES: list[tuple[str, Callable[[bytes], bool]]] = [
    ("binary", is_binary),
    ("jsonl", _looks_jsonl),
    ("json", _looks_json_array),
    ("html", _looks_html),
]


def decompress(data: bytes) -> bytes:
    """Transparently gunzip gzip data (a `.html.gz` page); other data is returned as is."""
    return gzip.decompress(data) if data[:2] == GZIP_MAGIC else data


def detect_format(path: Path, head: bytes) -> str:
    """'binary' | 'jsonl' | 'json' | 'html' | 'text' for a file whose (decompressed) start is `head`."""
    for fmt, test in RULES:
        if test(head):
            return fmt
    if path.suffix.lower() in (".html", ".htm", ".xhtml") and head.strip():
        return "html"
    return "text"
