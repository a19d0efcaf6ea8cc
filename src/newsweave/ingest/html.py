"""HTML pages: trafilatura extracts the body and metadata, htmldate the publication date.

trafilatura already drops navigation and other boilerplate, so the body skips our own line
cleaner. htmldate is given the HTML string only, never a URL, which it would try to download.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date

import trafilatura
from htmldate import find_date

from newsweave.ingest.errors import IngestError
from newsweave.model import RawDocument

logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def read_html(source: str, html: str) -> Iterator[RawDocument | IngestError]:
    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, favor_precision=True, include_comments=False, include_tables=False
    )
    doc = extracted.as_dict() if extracted is not None else {}
    body = doc.get("text") or ""
    if not body.strip():
        yield IngestError(source, "HTML page with no article text that could be extracted")
        return
    published = _date(doc.get("date"))
    try:
        found = find_date(html, original_date=True, outputformat="%Y-%m-%d", extensive_search=False)
    except Exception:  # htmldate raises a variety of parser errors on odd pages
        found = None
    published = _date(found) or published
    yield RawDocument(
        source=source,
        text="\n\n".join(p.strip() for p in body.split("\n") if p.strip()),
        format="html",
        title=doc.get("title") or None,
        url=doc.get("url") or None,
        outlet=doc.get("sitename") or None,
        published=published,
        author=doc.get("author") or None,
        needs_cleaning=False,
    )
