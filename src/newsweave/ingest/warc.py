"""Web archives (WARC, WARC.gz; Common Crawl's CC-NEWS): every HTML response is an article.

Archives run to gigabytes, so they are streamed record by record and never loaded whole:
`read_file` hands this module the path, not the bytes. warcio parses the records; gzip is undone
here, member by member (CC-NEWS compresses each record on its own), because warcio takes a cut-off
or damaged gzip stream for the end of the archive without a word. Here such an archive yields the
articles read so far and one error naming where it breaks. An article's source is `PATH@OFFSET`,
the offset of its record (of its gzip member, in a compressed archive) as CDX indexes give it.
"""

from __future__ import annotations

import io
import zlib
from collections import deque
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord

from newsweave.ingest.detect import GZIP_MAGIC
from newsweave.ingest.errors import IngestError, Item
from newsweave.ingest.html import read_html

CHUNK = 64 * 1024
MAX_RECORD_BYTES = 5 * 1024 * 1024
"""A larger HTML payload is not an article page; it is skipped (and reported) unread."""
HTML_TYPES = ("text/html", "application/xhtml+xml")


class Broken(Exception):
    """The archive stops making sense at `offset` (of the compressed file, for WARC.gz)."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset, self.reason = offset, reason


class Gunzip:
    """A reader of a multi-member gzip stream that fails loudly where the stream breaks.

    It remembers where each member starts, in the compressed file and in the output, so a
    record's offset in the output maps back to the compressed offset of its member.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._zlib: zlib._Decompress | None = None
        self._pending = b""  # compressed bytes not yet decompressed
        self._buffer = bytearray()  # decompressed bytes not yet read
        self._consumed = 0  # compressed bytes decompressed so far
        self.produced = 0  # decompressed bytes produced so far
        self._member_start = 0
        self._members: deque[tuple[int, int]] = deque()  # (output offset, compressed offset)
        self._eof = False
        self._broken: Broken | None = None

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes; where the stream breaks, what came before it first, then Broken."""
        while (size < 0 or len(self._buffer) < size) and not self._eof:
            if self._broken is not None and not self._buffer:
                raise self._broken
            if self._broken is not None:
                break
            try:
                self._fill(max(size, CHUNK))
            except Broken as exc:
                self._broken = exc
        size = len(self._buffer) if size < 0 else size
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def _fill(self, want: int) -> None:
        if not self._pending:
            self._pending = self._raw.read(CHUNK)
            if not self._pending:
                if self._zlib is not None:
                    raise Broken(self._member_start, "truncated: it ends inside a gzip member")
                self._eof = True
                return
        if self._zlib is None:
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._member_start = self._consumed
            self._members.append((self.produced, self._consumed))
        try:
            data = self._zlib.decompress(self._pending, want)
        except zlib.error as exc:
            raise Broken(self._member_start, f"corrupt gzip data ({exc})") from None
        left = self._zlib.unused_data if self._zlib.eof else self._zlib.unconsumed_tail
        self._consumed += len(self._pending) - len(left)
        self.produced += len(data)
        self._pending = left
        self._buffer += data
        if self._zlib.eof:
            self._zlib = None

    def compressed_offset(self, offset: int) -> int:
        """The compressed offset of the member holding output offset `offset`; members before
        it are forgotten (records are read in order), so memory stays constant."""
        while len(self._members) > 1 and self._members[1][0] <= offset:
            self._members.popleft()
        return self._members[0][1] if self._members else offset


def _drain(record: ArcWarcRecord) -> bool:
    """Read the rest of the record; False if the archive ends before the record does (or its
    header, cut off, lacks the Content-Length that bounds it)."""
    while record.raw_stream.read(CHUNK):
        pass
    return isinstance(record.raw_stream, LimitReader) and record.raw_stream.limit <= 0


def _warc_date(record: ArcWarcRecord) -> date | None:
    value = record.rec_headers.get_header("WARC-Date") or ""
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _is_html_response(record: ArcWarcRecord) -> bool:
    """An HTTP 200 response whose content type is HTML: the records that hold articles."""
    if record.rec_type != "response" or record.http_headers is None:
        return False
    kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return record.http_headers.get_statuscode() == "200" and kind in HTML_TYPES


def _article(source: str, record: ArcWarcRecord) -> Iterator[Item]:
    """The page in an HTML response record, dated by the archive when the page is not."""
    payload = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if len(payload) > MAX_RECORD_BYTES:
        yield IngestError(source, f"HTML record larger than {MAX_RECORD_BYTES // 2**20} MB")
        return
    target = record.rec_headers.get_header("WARC-Target-URI") or None
    for item in read_html(source, payload, url=target):
        if not isinstance(item, IngestError):
            item.url = target or item.url
            item.published = item.published or _warc_date(record)
        yield item


def read_warc_stream(source: str, raw: BinaryIO, *, gzipped: bool) -> Iterator[Item]:
    """Every article in the archive `raw`, in order; then, if it breaks, one error saying where."""
    gunzip = Gunzip(raw) if gzipped else None
    records = ArchiveIterator(gunzip or raw)

    def offset(at: int) -> int:
        return gunzip.compressed_offset(at) if gunzip else at

    try:
        for record in records:
            at = offset(records.offset)
            wanted = _is_html_response(record)
            pending = list(_article(f"{source}@{at}", record)) if wanted else []
            if not _drain(record):
                raise Broken(at, "truncated: it ends inside a record")
            yield from pending
        if records.offset < (gunzip.produced if gunzip else raw.tell()):
            raise Broken(offset(records.offset), "truncated: it ends inside a record's header")
    except Broken as exc:
        yield IngestError(source, f"archive broken at offset {exc.offset}: {exc.reason}")
    except Exception as exc:  # warcio raises a variety of parse errors on damaged records
        where = offset(records.offset)
        reason = f"unreadable record ({type(exc).__name__}: {exc})"
        yield IngestError(source, f"archive broken at offset {where}: {reason}")


def read_warc_file(path: Path) -> Iterator[Item]:
    """Every article in a WARC or WARC.gz file, streamed in constant memory."""
    try:
        with Path(path).open("rb") as raw:
            gzipped = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            yield from read_warc_stream(str(path), raw, gzipped=gzipped)
    except OSError as exc:
        yield IngestError(str(path), f"cannot be read ({exc.strerror or exc})")


def read_warc(source: str, data: bytes) -> Iterator[Item]:
    """Every article in a WARC (or WARC.gz) held in memory."""
    yield from read_warc_stream(source, io.BytesIO(data), gzipped=data[:2] == GZIP_MAGIC)
