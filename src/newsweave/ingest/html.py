"""HTML pages: trafilatura extracts the body and metadata, htmldate the publication date.

trafilatura already drops navigation and other boilerplate, so the body skips our own line
cleaner (`needs_cleaning=False`). The page is parsed once and the tree shared by htmldate, the
`<h1>` lookup and trafilatura (which works on its own copy). htmldate is given that tree, never
a URL, which it would try to download.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlsplit

import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import load_html

from newsweave.ingest.decode import declared_charset, decode
from newsweave.ingest.errors import IngestError, Item
from newsweave.ingest.titles import clean_title, squash
from newsweave.model import RawDocument

for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

MAX_HEADINGS = 5
MIN_BODY_CHARS = 100
"""Less than this is not an article: trafilatura's fallback returns the menu of a page that has
none ("Home About"); the shortest of 258 real news bodies (Fundus) is 300 characters."""


def _parse(html: str) -> HtmlElement | None:
    """The page's tree; a bare fragment ("<p>..</p>" in a .txt) is wrapped to parse as a page."""
    tree = load_html(html)
    if tree is None:
        tree = load_html(f"<html><body><div>{html}</div></body></html>")
    return tree


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _published(tree: HtmlElement) -> date | None:
    try:
        found = find_date(tree, original_date=True, outputformat="%Y-%m-%d", extensive_search=False)
    except Exception:  # htmldate raises a variety of parser errors on odd pages
        return None
    return _date(found)


def _outlet(sitename: str | None) -> str | None:
    """The site name trafilatura found; a bare URL there (seen in the wild) becomes its host."""
    if sitename and sitename.startswith(("http://", "https://")):
        return (urlsplit(sitename).hostname or "").removeprefix("www.") or None
    return sitename or None


def read_html(source: str, data: bytes) -> Iterator[Item]:
    """One document: the article body of the page with its title, date, author, outlet, URL."""
    html = decode(data, fallback=True, declared=declared_charset(data))
    if html is None:
        yield IngestError(source, "HTML page not in UTF-8, its declared charset or Windows-1252")
        return
    tree = _parse(html)
    if tree is None:
        yield IngestError(source, "HTML page that could not be parsed")
        return
    headings = [squash(h.text_content()) for h in tree.iter("h1")][:MAX_HEADINGS]
    published = _published(tree)
    extracted = trafilatura.bare_extraction(
        tree, with_metadata=True, favor_precision=True, include_comments=False, include_tables=False
    )
    doc = extracted if isinstance(extracted, Document) else None  # a dict only if asked for one
    body = (doc.text or "").strip() if doc is not None else ""
    if doc is None or len(body) < MIN_BODY_CHARS:
        found = f" (only {len(body)} characters)" if body else ""
        yield IngestError(source, f"HTML page with no article text that could be extracted{found}")
        return
    yield RawDocument(
        source=source,
        text="\n\n".join(p.strip() for p in body.split("\n") if p.strip()),
        format="html",
        title=clean_title(
            doc.title, site=doc.sitename, url=doc.url, headings=headings, author=doc.author
        ),
        url=doc.url or None,
        outlet=_outlet(doc.sitename),
        published=published or _date(doc.date),
        author=doc.author or None,
        needs_cleaning=False,
    )
