"""Article pages from the web: fetched by the polite client, read by the HTML reader.

Fetching and extraction stay apart: `page_document` turns a response already in hand into a
document with `newsweave.ingest.html` (the reader files go through), so a page read from the
web and the same page saved to disk give the same article. The article keeps the URL asked
for as its source and the URL it was found at (after redirects) as its `url`.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsweave.fetch.client import FetchFailure, Page, PoliteClient
from newsweave.ingest.detect import looks_html
from newsweave.ingest.errors import IngestError, Item
from newsweave.ingest.html import read_html
from newsweave.model import RawDocument

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _utf8(page: Page) -> bytes:
    """The body as UTF-8 when the HTTP header declares another charset the page may not repeat
    in a `<meta>` (the HTML reader only knows what the bytes say)."""
    charset = page.charset
    if not charset:
        return page.body
    try:
        if codecs.lookup(charset).name == "utf-8":
            return page.body
        return page.body.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError) as exc:
        log.debug("%s: charset %s from the header not used (%s)", page.url, charset, exc)
        return page.body


def page_document(page: Page) -> Iterator[Item]:
    """The article of a fetched page, or why there is none (not HTML, no article text).

    A page that declares no content type is read when it starts like HTML."""
    kind = page.content_type
    if kind not in HTML_TYPES and (kind or not looks_html(Path(page.url), page.body[:8192])):
        yield IngestError(page.url, f"not HTML ({kind or 'no content type'})")
        return
    for item in read_html(page.url, _utf8(page), url=page.final_url):
        if isinstance(item, RawDocument):
            item.url = page.final_url
        yield item


def fetch_page(url: str, client: PoliteClient) -> tuple[list[Item], FetchFailure | Page]:
    """The documents of one URL, and what the client got (for callers that keep state)."""
    got = client.get(url)
    if isinstance(got, FetchFailure):
        return [IngestError(url, got.reason)], got
    if got.status == 304:  # never asked for conditionally here, but a server may say it
        return [IngestError(url, "HTTP 304 Not Modified without a conditional request")], got
    return list(page_document(got)), got


def fetch_documents(urls: Iterable[str], client: PoliteClient) -> Iterator[Item]:
    """The article of every URL in turn; a URL that fails is reported and the rest go on."""
    for url in urls:
        yield from fetch_page(url, client)[0]
