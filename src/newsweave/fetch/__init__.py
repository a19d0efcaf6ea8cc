"""Getting articles from the web: a polite HTTP client, article pages, feed polling.

Fetching is kept apart from extraction: this package only gets bytes (`client`, over the
connections `network` opens: to checked addresses, for a bounded time) and decides what to
get; pages and feeds are read by the same readers as files (`newsweave.ingest.html`,
`newsweave.ingest.feeds`). `watch` is imported on its own
(`newsweave.app.watch`), since it adds to the store through the pipeline.
"""

from newsweave.fetch.client import FetchFailure, FetchSettings, Page, PoliteClient
from newsweave.fetch.pages import fetch_documents, page_document

__all__ = [
    "FetchFailure",
    "FetchSettings",
    "Page",
    "PoliteClient",
    "fetch_documents",
    "page_document",
]
