"""Bytes to text: UTF-8 first, and a fallback only where the format allows one.

JSON is UTF-8 by definition, so JSONL gets no fallback; plain text and HTML copied off old sites
are often Windows-1252 (or what the page's `<meta charset>` declares), and a readable article in
the wrong encoding is worth more than an error. A UTF-16 file (a BOM, then NUL-laden text) would
look binary to detection, so it is re-encoded as UTF-8 before anything looks at it.
"""

from __future__ import annotations

import codecs
import re

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.I)
FALLBACK = "cp1252"


def from_utf16(data: bytes) -> bytes:
    """UTF-8 bytes for data that starts with a UTF-16 byte-order mark; other data as it is."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB (`<meta charset=...>`), if any."""
    match = _DECLARED.search(data[:4096])
    return match.group(1).decode("ascii", "replace").lower() if match else None


def decode(data: bytes, *, fallback: bool, declared: str | None = None) -> str | None:
    """UTF-8 text (a BOM tolerated); else, when `fallback`, the declared charset or cp1252.

    None when nothing fits. cp1252 leaves five byte values undefined, so truly foreign bytes
    still fail rather than turn silently into noise.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if not fallback:
            return None
    for encoding in (declared, FALLBACK):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return None
