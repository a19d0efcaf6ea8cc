"""Bytes to text, and text that can be stored.

`decode_text` finds a file's encoding in this order: a byte-order mark; UTF-8; UTF-8 with a
few stray bytes (replaced with U+FFFD, with a warning) when the rest is unmistakably UTF-8; the
charset the document declares (`<meta charset>`, `<?xml encoding?>`); then detection
(charset_normalizer), preferring Windows-1252 whenever it reads plausibly, since detectors
guess poorly on short, mostly ASCII Western text (they call French cp1250 or cp775). A guessed
encoding is said in a warning. JSON is UTF-8 by definition and gets no guessing: `decode_utf8`
replaces what is not UTF-8 and says how much.

A UTF-16 file (a BOM, then NUL-laden text) would look binary to format detection, so it is
re-encoded as UTF-8 (`from_utf16`) before anything looks at it.

`scrub_surrogates` keeps lone surrogates (a legal JSON escape, "\\ud800", that no UTF-8
encoder accepts) out of a document's fields, so that one such article cannot fail the store's
insert of its whole batch.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, fields

import charset_normalizer

from newsweave.model import RawDocument

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = (
    re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.I),
    re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([\w:.-]+)""", re.I),
)
_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as surrogateescape keeps it
_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII = bytes(range(128))
FALLBACK = "cp1252"
_LATIN1 = frozenset({"latin-1", "iso8859-1", "ascii"})
"""Declared as these, a page is read as Windows-1252, as browsers do (WHATWG Encoding)."""
MIN_EVIDENCE = 8
"""Non-ASCII bytes a detected legacy encoding needs (unless they are most of the text): on a
handful in English text, detectors name any code page at all."""
MAX_STRAY = 0.05
"""The share of bytes that may be replaced, in text no encoding fits, before it is refused."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text, the codec it was read with, and what the reader should be warned of, if anything."""

    text: str
    encoding: str
    warning: str | None = None


def from_utf16(data: bytes) -> bytes:
    """UTF-8 bytes for data that starts with a UTF-16 byte-order mark; other data as it is."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (`<meta charset=...>`, or an XML
    declaration's `encoding`), if any."""
    for pattern in _DECLARED:
        match = pattern.search(data[:4096])
        if match:
            return match.group(1).decode("ascii", "replace").lower()
    return None


def _stray(count: int) -> str:
    return f"{count} {'byte that is' if count == 1 else 'bytes that are'} not UTF-8"


def _replace_stray(data: bytes) -> tuple[str, int]:
    """UTF-8 text with each byte that is not UTF-8 replaced with U+FFFD, and how many were."""
    return _ESCAPED.subn("\ufffd", data.decode("utf-8", "surrogateescape"))


def decode_utf8(data: bytes) -> Decoded:
    """UTF-8 text, each byte that is not UTF-8 replaced with U+FFFD (and counted in a warning).

    A leading BOM is dropped."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        text, count = _replace_stray(data)
    return Decoded(text, "utf-8", f"{_stray(count)} replaced with U+FFFD")


def _codec(name: str | None) -> str | None:
    """Python's name for a declared charset; None for one it does not know."""
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def _from_bom(data: bytes) -> Decoded | None:
    if data.startswith(codecs.BOM_UTF8):
        return decode_utf8(data)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return Decoded(body.decode(encoding), encoding)
            except UnicodeDecodeError:
                text = body.decode(encoding, "replace")
                return Decoded(text, encoding, f"text not valid {encoding}: replaced with U+FFFD")
    return None


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with its stray bytes replaced, when valid multi-byte characters far outnumber them.

    Legacy encodings almost never form valid UTF-8 sequences: Cyrillic code pages none, CJK
    ones about one for every four invalid bytes.
    """
    text, stray = _replace_stray(data)
    valid = len(text) - len(text.encode("ascii", "ignore")) - stray
    if valid < 2 * stray:
        return None
    return Decoded(text, "utf-8", f"{_stray(stray)} replaced with U+FFFD")


def _declared(data: bytes, declared: str | None) -> Decoded | None:
    encoding = _codec(declared)
    if encoding is None or encoding.startswith("utf"):  # UTF-8 was tried; UTF-16/32 need a BOM
        return None
    for candidate in [FALLBACK, encoding] if encoding in _LATIN1 else [encoding]:
        try:
            return Decoded(data.decode(candidate), candidate)
        except UnicodeDecodeError:
            continue
    return None


def _detected(data: bytes) -> Decoded | None:
    """Windows-1252 if the text reads plausibly in it; else what charset_normalizer finds, given
    enough evidence; else Windows-1252 still, if it decodes at all."""
    try:
        western: str | None = data.decode(FALLBACK)
    except UnicodeDecodeError:
        western = None
    found = None
    plausible = western is not None and (
        charset_normalizer.from_bytes(data, cp_isolation=[FALLBACK]).best() is not None
    )
    if western is not None and plausible:
        found = Decoded(western, FALLBACK)
    else:
        high = len(data.translate(None, _ASCII))
        best = charset_normalizer.from_bytes(data).best()
        if best is not None and (high >= MIN_EVIDENCE or 2 * high >= len(data)):
            found = Decoded(str(best), _codec(best.encoding) or best.encoding)
        elif western is not None:
            found = Decoded(western, FALLBACK)
    if found is None:
        return None
    return Decoded(found.text, found.encoding, f"not UTF-8: read as {found.encoding}")


def decode_text(data: bytes, *, declared: str | None = None) -> Decoded | None:
    """The text of a document in whatever encoding it is in (see the module docstring); None
    when no encoding fits and more than a few bytes would have to be replaced."""
    found = _from_bom(data)
    if found is not None:
        return found
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    found = _mostly_utf8(data) or _declared(data, declared) or _detected(data)
    if found is not None:
        return found
    text, stray = _replace_stray(data)
    if stray > MAX_STRAY * len(data):
        return None
    return Decoded(text, "utf-8", f"{_stray(stray)} replaced with U+FFFD")


def decode(data: bytes, *, fallback: bool, declared: str | None = None) -> str | None:
    """`decode_text`'s text without its warning; with `fallback` False, UTF-8 or nothing.

    None when nothing fits."""
    if not fallback:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    found = decode_text(data, declared=declared)
    return found.text if found is not None else None


def scrub_surrogates(raw: RawDocument) -> RawDocument:
    """`raw` with every lone surrogate in its text fields replaced with U+FFFD, in place, and a
    warning naming the fields; documents without any (nearly all) are only looked at."""
    count, where = 0, []
    for spec in fields(raw):
        value = getattr(raw, spec.name)
        if isinstance(value, str) and not value.isascii():
            clean, n = _SURROGATE.subn("\ufffd", value)
            if n:
                setattr(raw, spec.name, clean)
                count += n
                where.append("id" if spec.name == "doc_id" else spec.name)
    if count:
        what = "character (a lone surrogate)" if count == 1 else "characters (lone surrogates)"
        raw.warnings.append(f"{count} invalid {what} in {', '.join(where)} replaced with U+FFFD")
    return raw
