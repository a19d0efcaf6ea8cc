"""Corpus tables (`newsweave.tables`) written with pyarrow alone, as the Spark job lays them
out: a folder per table with its part file and `_SUCCESS`, and `run.json` last. For the tests
of `newsweave import`, which must not need Spark; the real writer is the Spark job.

`write_tables(directory, articles, stories, errors=(), terms=())` writes a store's articles
(fingerprinted as ingest does, posted under `salient(article)`) and stories; `store_tables`
does it for every article and story of a store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsweave.cluster.copies import fingerprints
from newsweave.model import Article, Story
from newsweave.store import Store
from newsweave.tables import (
    ARTICLE_COLUMNS,
    ERROR_COLUMNS,
    RUN_FILE,
    STORY_COLUMNS,
    TERM_COLUMNS,
    article_record,
    story_row,
)

_SCHEMAS = {
    "articles": pa.schema(
        [
            ("id", pa.string()),
            ("ordinal", pa.int64()),
            ("story_id", pa.string()),
            ("record", pa.string()),
            ("bands", pa.list_(pa.int64())),
            ("signature", pa.binary()),
            ("salient", pa.list_(pa.string())),
        ]
    ),
    "stories": pa.schema(
        [
            ("id", pa.string()),
            ("title", pa.string()),
            ("event_date", pa.string()),
            ("storyline", pa.string()),
            ("article_ids", pa.list_(pa.string())),
            ("summary", pa.string()),
            ("analysis", pa.string()),
        ]
    ),
    "errors": pa.schema([("source", pa.string()), ("reason", pa.string())]),
    "terms": pa.schema([("term", pa.string()), ("df", pa.int64())]),
}
_COLUMNS = {
    "articles": ARTICLE_COLUMNS,
    "stories": STORY_COLUMNS,
    "errors": ERROR_COLUMNS,
    "terms": TERM_COLUMNS,
}


def _first_words(article: Article) -> list[str]:
    return sorted({w.lower() for w in article.text.split()[:8] if w.isalpha()})


def _write(directory: Path, table: str, rows: Sequence[tuple[object, ...]]) -> None:
    folder = directory / table
    folder.mkdir(parents=True, exist_ok=True)
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in _COLUMNS[table]]
    data = pa.Table.from_arrays(
        [pa.array(list(c), type=f.type) for c, f in zip(columns, _SCHEMAS[table], strict=True)],
        schema=_SCHEMAS[table],
    )
    pq.write_table(data, folder / "part-00000.snappy.parquet")
    (folder / "_SUCCESS").write_text("")


def write_tables(
    directory: Path,
    articles: Sequence[Article],
    stories: Sequence[Story],
    errors: Iterable[tuple[str, str]] = (),
    terms: Iterable[tuple[str, int]] = (),
    salient: Callable[[Article], list[str]] = _first_words,
) -> Path:
    """The tables of `articles` and `stories` in `directory`, `run.json` last; returns it."""
    owner = {a.id: s.id for s in stories for a in s.articles}
    prints = fingerprints([a.text for a in articles])
    _write(
        directory,
        "articles",
        [
            (a.id, n, owner.get(a.id), article_record(a), list(f.bands), f.signature, salient(a))
            for n, (a, f) in enumerate(zip(articles, prints, strict=True))
        ],
    )
    _write(directory, "stories", [story_row(s) for s in stories])
    _write(directory, "errors", list(errors))
    _write(directory, "terms", list(terms))
    run = {"articles": len(articles), "stories": len(stories)}
    (directory / RUN_FILE).write_text(json.dumps(run))
    return directory


def store_tables(
    directory: Path, store: Store, salient: Callable[[Article], list[str]] = _first_words
) -> Path:
    """`write_tables` of every article and story of `store`, with a term table counting the
    salient terms of more than one article."""
    articles = store.articles()
    counts: dict[str, int] = {}
    for article in articles:
        for term in salient(article):
            counts[term] = counts.get(term, 0) + 1
    terms = sorted((t, n) for t, n in counts.items() if n > 1)
    return write_tables(directory, articles, store.stories(), terms=terms, salient=salient)
