"""Every stored article as JSONL that `newsweave ingest` reads back, so that nothing a user
stored is locked in one database file.

A line per article, in the order they were stored (a re-import then finds the same copies:
copy detection links an article to an earlier one), with the fields `ingest` reads from
JSONL (`text`, `title`, `url`, `outlet`, `published`, `author`, and `id`: the id the input
declared, `Article.external_id`), every one written, null where unknown; then what the
store adds:

- `cleaned`: true. The text is the cleaned body, which the cleaner must not clean again:
  cleaning is not idempotent (a cleaned body whose first line reads like a headline loses it
  as the title), and the article's id derives from the body.
- `article_id`: that id, for checking a re-import.
- `source`, `format`: where the article came from and what it was read as.
- `credits`: the wire agencies the cleaner found in the text it removed.
- `removed`: what the cleaner removed, and by which rule (`{"text", "rule"}`).
- `published_estimated`, `language`, `title_derived`, `dateline`.

Sentences, entities and copy links are not written: they are found again from the text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from newsweave.model import Article
from newsweave.store import ArticleStore


def export_record(article: Article) -> dict[str, Any]:
    """One article as an export line's object (see the module docstring)."""
    return {
        "text": article.text,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published.isoformat() if article.published else None,
        "author": article.author,
        "id": article.external_id,
        "cleaned": True,
        "article_id": article.id,
        "source": article.source,
        "format": article.format,
        "credits": list(article.credits),
        "removed": [{"text": r.text, "rule": r.rule} for r in article.removed],
        "published_estimated": article.published_estimated,
        "language": article.language,
        "title_derived": article.title_derived,
        "dateline": article.dateline,
    }


def export_lines(store: ArticleStore) -> Iterator[str]:
    """Every stored article as a JSONL line (newline included), in storage order."""
    for article in store.all_articles():
        yield json.dumps(export_record(article), ensure_ascii=False) + "\n"


def export_articles(store: ArticleStore, out: TextIO) -> int:
    """Write every stored article to `out` as JSONL; returns how many."""
    count = 0
    for line in export_lines(store):
        out.write(line)
        count += 1
    return count
