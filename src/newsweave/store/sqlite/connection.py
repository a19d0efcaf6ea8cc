"""The connection every role of the SQLite store works over, and what the roles share: the
write transaction, batching, the article row codec, and the small-table-then-merge writes
of the index tables."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from newsweave.model import Article, Entity, Parsed, Quote, Removal, Sentence

T = TypeVar("T")
BUSY_TIMEOUT = 600.0
"""Seconds a connection waits for another's write transaction (SQLite's busy timeout) before
failing with "database is locked": longer than any one transaction takes (a clustering step,
a batch, a repair, the migration of a large file), so that writers in several processes
queue rather than fail."""
_BATCH = 500  # rows per executemany and ids per `IN (...)`: under every SQLite's variable limit
_COLUMNS = (
    "id", "source", "format", "title", "outlet", "published", "published_estimated", "author",
    "url", "external_id", "text", "credits", "removed", "sentences", "entities", "recognised",
    "copy_of", "copy_source", "language", "title_derived", "dateline", "parse",
)  # fmt: skip
_SELECT_ARTICLE = ", ".join(f"a.{c}" for c in _COLUMNS)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _chunks(items: Iterable[T], size: int = _BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _sentence(text: str, s: Sentence, position: int) -> list[Any]:
    if s.index == position and text[s.start : s.end] == s.text:
        return [s.start, s.end]
    return [s.start, s.end, s.index, s.text]


def _entity(text: str, e: Entity) -> list[Any]:
    if text[e.start : e.end] == e.text:
        return [e.label, e.start, e.end]
    return [e.label, e.start, e.end, e.text]


def _article_row(a: Article) -> tuple[Any, ...]:
    """An article as the values of `_COLUMNS`."""
    return (
        a.id, a.source, a.format, a.title, a.outlet, _iso(a.published), int(a.published_estimated),
        a.author, a.url, a.external_id, a.text, _json(a.credits),
        _json([[r.text, r.rule] for r in a.removed]),
        _json([_sentence(a.text, s, n) for n, s in enumerate(a.sentences)]),
        _json([_entity(a.text, e) for e in a.entities]), int(a.recognised), a.copy_of,
        a.copy_source, a.language, int(a.title_derived), a.dateline, _parse_json(a.parse),
    )  # fmt: skip


def _article(row: sqlite3.Row | tuple[Any, ...]) -> Article:
    """An article from the values of `_COLUMNS` (`_SELECT_ARTICLE`)."""
    (id_, source, format_, title, outlet, published, estimated, author, url, external_id, text,
     credits, removed, sentences, entities, recognised, copy_of, copy_source, language,
     title_derived, dateline, parse) = row  # fmt: skip
    return Article(
        id=id_,
        source=source,
        text=text,
        format=format_,
        title=title,
        outlet=outlet,
        published=_date(published),
        published_estimated=bool(estimated),
        author=author,
        credits=json.loads(credits),
        url=url,
        external_id=external_id,
        removed=[Removal(t, rule) for t, rule in json.loads(removed)],
        sentences=[
            Sentence(text[s[0] : s[1]], s[0], s[1], n) if len(s) == 2 else Sentence(s[3], *s[:3])
            for n, s in enumerate(json.loads(sentences))
        ],
        entities=[
            Entity(e[3] if len(e) > 3 else text[e[1] : e[2]], e[0], e[1], e[2])
            for e in json.loads(entities)
        ],
        recognised=bool(recognised),
        copy_of=copy_of,
        copy_source=copy_source,
        language=language,
        title_derived=bool(title_derived),
        dateline=dateline,
        parse=_parsed(parse),
    )


def _parse_json(parse: Parsed | None) -> str | None:
    """An article's parse as JSON: its quotes as lists of `Quote`'s fields, its sentences'
    verbs as sorted lists; None (NULL) where the article is not parsed."""
    if parse is None:
        return None
    quotes = [
        [q.text, q.speaker, q.speaker_mention, q.cue, q.start, q.end, q.direct,
         q.speaker_start, q.speaker_end, q.continues]
        for q in parse.quotes
    ]  # fmt: skip
    return _json({"quotes": quotes, "predicates": [sorted(p) for p in parse.predicates]})


def _parsed(value: str | None) -> Parsed | None:
    if value is None:
        return None
    data = json.loads(value)
    return Parsed([Quote(*q) for q in data["quotes"]], [frozenset(p) for p in data["predicates"]])


class SQLiteConnection:
    """The file and connection of `SQLiteStore`, which every role mixin uses."""

    path: Path
    _db: sqlite3.Connection

    recent_rows = 200_000
    """Rows an index table's recent part gathers before they move into it (`_merge_recent`)."""

    _depth = 0
    """How many `_transaction` blocks of this connection are open (one transaction)."""

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole, or rolled back on any exception.

        IMMEDIATE takes the write lock up front, so two writers queue (up to the connection's
        busy timeout, `BUSY_TIMEOUT`) instead of one failing when its read turns into a
        write. A block opened inside another is part of the outer transaction: a clustering
        step (`SQLiteTerms.clustering`) reads and writes under one lock, and the writes it
        calls (`update_clusters`, `add_document_frequencies`) commit with it.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self._db
            finally:
                self._depth -= 1
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:  # SQLite may have rolled back already (disk full)
                self._db.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0

    def _merge_recent(self, table: str, key: str) -> None:
        """Move `table`'s recent rows into it once there are `recent_rows` of them, inside
        the caller's transaction.

        Rows go first to a small table (`{table}_recent`), whose pages stay in the cache
        however large the store grows; moving many batches' rows at once, in key order,
        writes each page of the large table once for all the rows that land on it, where a
        batch's few thousand random keys would write about a page each. Readers look in both.
        """
        recent = f"{table}_recent"
        count = self._db.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {recent} LIMIT ?)", (self.recent_rows,)
        ).fetchone()[0]
        if count >= self.recent_rows:
            self._db.execute(
                f"INSERT OR IGNORE INTO {table} SELECT {key} FROM {recent} ORDER BY {key}"
            )
            self._db.execute(f"DELETE FROM {recent}")

    def _stored_ids(self, ids: list[str]) -> set[str]:
        return set(self._seqs(ids))

    def _seqs(self, ids: Sequence[str]) -> dict[str, int]:
        """The storage order (`articles.seq`, the key the index tables use) of the stored
        articles among `ids`."""
        found: dict[str, int] = {}
        for chunk in _chunks(ids):
            marks = ", ".join("?" * len(chunk))
            found.update(
                self._db.execute(f"SELECT id, seq FROM articles WHERE id IN ({marks})", chunk)
            )
        return found
