"""Articles posted to the API: checked whole before anything is stored.

An upload is one JSONL body (one article a line), one JSON array of articles, or one HTML
page, read by the same `newsweave.ingest` readers as files. It is refused whole, storing
nothing, when its content type is not one of those (415), when it is larger than the limit
(413, checked by the caller while reading), when an HTML page takes longer than
`MAX_HTML_SECONDS` to read (413 too: the reader stops it in its worker process, so other
requests are served meanwhile), when any document in it cannot be read (400, naming the line
and the reason), or when a document has no article text left once cleaned (422). Only then
does `pipeline.ingest_documents` store and cluster it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from newsweave.app.pipeline import prepare
from newsweave.ingest import READERS, IngestError
from newsweave.ingest.html import HtmlTooSlow
from newsweave.model import RawDocument

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
CONTENT_TYPES = {
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/x-ndjson": "jsonl",
    "application/json": "json",
    "text/html": "html",
    "application/xhtml+xml": "html",
}
"""Media type -> the reader (`newsweave.ingest.READERS`) of that format."""


class UploadRefused(Exception):
    """Why an upload is refused: HTTP `status` and a message, with per-document `errors`."""

    def __init__(self, status: int, message: str, errors: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []


def upload_format(content_type: str | None) -> str:
    """The reader for a Content-Type header (parameters such as charset ignored), else 415."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media not in CONTENT_TYPES:
        accepted = ", ".join(CONTENT_TYPES)
        raise UploadRefused(415, f"unsupported content type {media or '(none)'}; use {accepted}")
    return CONTENT_TYPES[media]


@dataclass(frozen=True, slots=True)
class Upload:
    """A checked upload: its documents, every one readable and with text once cleaned."""

    documents: list[RawDocument]


def read_upload(data: bytes, fmt: str) -> Upload:
    """Parse and check an upload's bytes (see the module docstring for what is refused).

    Documents are named `upload-<digest>` (with `:LINE` for JSONL lines), so an article can
    be traced to the upload it came in.
    """
    if not data.strip():
        raise UploadRefused(400, "empty upload")
    source = f"upload-{hashlib.sha256(data).hexdigest()[:12]}"
    documents, failed = [], []
    for item in READERS[fmt](source, data):
        if isinstance(item, IngestError):
            failed.append(item)
        else:
            documents.append(item)
    if failed:
        errors = [{"source": e.source, "reason": e.reason} for e in failed]
        if all(isinstance(e, HtmlTooSlow) for e in failed):
            raise UploadRefused(413, f"{len(errors)} document(s) too costly to read", errors)
        raise UploadRefused(400, f"{len(errors)} document(s) could not be read", errors)
    if not documents:
        raise UploadRefused(400, "no document in the upload")
    empty = [
        {"source": d.source, "reason": "no article text left after cleaning"}
        for d in documents
        if not prepare(d).text
    ]
    if empty:
        raise UploadRefused(422, f"{len(empty)} document(s) hold no article text", empty)
    return Upload(documents)
