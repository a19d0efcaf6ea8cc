"""The embedded back end: one SQLite file, standard library only.

- WAL journal with `synchronous=NORMAL`: readers never block the writer, and a crash loses at
  most the transaction in flight, never the file;
- one `BEGIN IMMEDIATE` transaction per `add_articles` batch and per `replace_stories` call,
  so the file only ever holds whole articles and a whole set of stories;
- batches go in with `executemany`, after one indexed lookup of which ids are already stored;
- sentences and entities are stored as offsets into the body (with their text only where it
  differs from that slice), which halves what a 100k-article file holds;
- the FTS5 index over title and body is kept in step by triggers, inside the same transactions.
The schema and its migrations live in `sqlite_schema`.
"""

from __future__ import annotations

import html
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from newsweave.model import (
    Article,
    Disagreement,
    Entity,
    Fact,
    OutletCoverage,
    QuoteVariant,
    Removal,
    Sentence,
    Statement,
    Story,
    StoryEntity,
    StoryQuote,
    SummarySentence,
    Version,
)
from newsweave.store import Store, StoreError
from newsweave.store.sqlite_schema import SCHEMA_VERSION, migrate

__all__ = ["SCHEMA_VERSION", "SQLiteStore"]

T = TypeVar("T")
_BATCH = 500  # rows per executemany and ids per `IN (...)`: under every SQLite's variable limit
_COLUMNS = (
    "id", "source", "format", "title", "outlet", "published", "published_estimated", "author",
    "url", "external_id", "text", "credits", "removed", "sentences", "entities",
)  # fmt: skip
_SELECT_ARTICLE = ", ".join(f"a.{c}" for c in _COLUMNS)
_INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
)
# Private-use characters mark matches in snippets until the text around them is escaped.
_MARK, _UNMARK = "\ue000", "\ue001"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sentence(text: str, s: Sentence, position: int) -> list[Any]:
    if s.index == position and text[s.start : s.end] == s.text:
        return [s.start, s.end]
    return [s.start, s.end, s.index, s.text]


def _entity(text: str, e: Entity) -> list[Any]:
    if text[e.start : e.end] == e.text:
        return [e.label, e.start, e.end]
    return [e.label, e.start, e.end, e.text]


def _article_row(a: Article) -> tuple[Any, ...]:
    return (
        a.id, a.source, a.format, a.title, a.outlet, _iso(a.published), int(a.published_estimated),
        a.author, a.url, a.external_id, a.text, _json(a.credits),
        _json([[r.text, r.rule] for r in a.removed]),
        _json([_sentence(a.text, s, n) for n, s in enumerate(a.sentences)]),
        _json([_entity(a.text, e) for e in a.entities]),
    )  # fmt: skip


def _article(row: sqlite3.Row | tuple[Any, ...]) -> Article:
    (id_, source, format_, title, outlet, published, estimated, author, url, external_id, text,
     credits, removed, sentences, entities) = row  # fmt: skip
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
    )


def _chunks(items: Iterable[T], size: int = _BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SQLiteStore(Store):
    """The embedded `Store`: one SQLite file, opened by `newsweave.store.open_store`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a database file")
        try:
            # Autocommit mode: transactions are explicit (`_transaction`), so a batch is one.
            self._db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open ({exc})") from exc
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            migrate(self._db, self.path)
            self._db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.path}: not a usable newsweave database ({exc})") from exc
        except BaseException:
            self._db.close()
            raise

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole, or rolled back on any exception.

        IMMEDIATE takes the write lock up front, so two writers queue (up to the connection's
        busy timeout) instead of one failing when its read turns into a write.
        """
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:  # SQLite may have rolled back already (disk full)
                self._db.execute("ROLLBACK")
            raise

    # articles

    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        added: list[str] = []
        with self._transaction() as db:
            for chunk in _chunks(articles):
                fresh: dict[str, Article] = {}
                for article in chunk:
                    fresh.setdefault(article.id, article)
                stored = self._stored_ids(list(fresh))
                new = [a for i, a in fresh.items() if i not in stored]
                db.executemany(_INSERT_ARTICLE, map(_article_row, new))
                added += (a.id for a in new)
        return added

    def _stored_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(ids):
            marks = ", ".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self._db.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
            )
        return found

    def has_article(self, article_id: str) -> bool:
        return bool(self._stored_ids([article_id]))

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        if ids is None:
            rows = self._db.execute(f"SELECT {_SELECT_ARTICLE} FROM articles AS a ORDER BY a.seq")
            return [_article(r) for r in rows]
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Article] = {}
        for chunk in _chunks(wanted):
            marks = ", ".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT {_SELECT_ARTICLE} FROM articles AS a WHERE a.id IN ({marks})", chunk
            )
            found.update((r[0], _article(r)) for r in rows)
        return [found[i] for i in wanted if i in found]

    def article_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    # stories

    def replace_stories(self, stories: Iterable[Story]) -> None:
        stories = list(stories)
        members = {a.id for s in stories for a in s.articles}
        with self._transaction() as db:
            missing = members - self._stored_ids(list(members))
            if missing:
                raise StoreError(
                    f"{self.path}: stories cite {len(missing)} article(s) that are not stored "
                    f"(e.g. {min(missing)}); add the articles first"
                )
            db.execute("DELETE FROM summary_sentences")
            db.execute("DELETE FROM story_articles")
            db.execute("DELETE FROM stories")
            try:
                db.executemany(
                    "INSERT INTO stories (id, title, event_date, analysis) VALUES (?, ?, ?, ?)",
                    ((s.id, s.title, _iso(s.event_date), analysis_to_json(s)) for s in stories),
                )
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"{self.path}: two stories share an id ({exc})") from exc
            db.executemany(
                "INSERT OR IGNORE INTO story_articles (story_id, article_id, position) "
                "VALUES (?, ?, ?)",
                ((s.id, a.id, n) for s in stories for n, a in enumerate(s.articles)),
            )
            db.executemany(
                "INSERT INTO summary_sentences (story_id, position, text, article_id, "
                "sentence_index, article_ids, outlets) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (s.id, n, x.text, x.article_id, x.sentence_index, _json(x.article_ids),
                     _json(x.outlets))
                    for s in stories
                    for n, x in enumerate(s.summary)
                ),
            )  # fmt: skip

    def stories(self) -> list[Story]:
        rows = self._db.execute("SELECT id, title, event_date, analysis FROM stories ORDER BY seq")
        return self._assemble(rows.fetchall(), None)

    def story(self, story_id: str) -> Story | None:
        if not story_id:
            return None
        rows = self._db.execute(
            "SELECT id, title, event_date, analysis FROM stories WHERE id = ?", (story_id,)
        ).fetchall()
        if not rows:  # a prefix: the range scan uses the id index, unlike LIKE
            rows = self._db.execute(
                "SELECT id, title, event_date, analysis FROM stories WHERE id >= ? AND id < ? LIMIT 2",
                (story_id, story_id + "\U0010ffff"),
            ).fetchall()
        return self._assemble(rows, rows[0][0])[0] if len(rows) == 1 else None

    def _assemble(self, rows: list[tuple[Any, ...]], only: str | None) -> list[Story]:
        """Stories from their rows, with members and summaries read in one query each."""
        where, params = ("WHERE story_id = ?", (only,)) if only else ("", ())
        articles: dict[str, list[Article]] = defaultdict(list)
        for story_id, *article in self._db.execute(
            f"SELECT sa.story_id, {_SELECT_ARTICLE} FROM story_articles AS sa "
            f"JOIN articles AS a ON a.id = sa.article_id {where} "
            "ORDER BY story_id, position",
            params,
        ):
            articles[story_id].append(_article(article))
        summaries: dict[str, list[SummarySentence]] = defaultdict(list)
        for story_id, text, article_id, index, article_ids, outlets in self._db.execute(
            "SELECT story_id, text, article_id, sentence_index, article_ids, outlets "
            f"FROM summary_sentences {where} ORDER BY story_id, position",
            params,
        ):
            summaries[story_id].append(
                SummarySentence(
                    text, article_id, index, json.loads(article_ids), json.loads(outlets)
                )
            )
        stories = []
        for i, t, d, analysis in rows:
            story = Story(
                id=i, articles=articles[i], title=t, event_date=_date(d), summary=summaries[i]
            )
            analysis_from_json(story, analysis)
            stories.append(story)
        return stories

    # search

    def search(self, query: str, limit: int = 20) -> list[tuple[str, str]]:
        """Every word of `query` must occur (FTS5 operators are taken as plain words); titles
        weigh double in the ranking."""
        terms = " ".join(f'"{w}"' for w in query.replace('"', " ").split())
        if not terms:
            return []
        rows = self._db.execute(
            "SELECT a.id, snippet(article_search, -1, ?, ?, '…', 16) "
            "FROM article_search JOIN articles AS a ON a.seq = article_search.rowid "
            "WHERE article_search MATCH ? ORDER BY bm25(article_search, 2.0, 1.0) LIMIT ?",
            (_MARK, _UNMARK, terms, limit),
        )
        return [(i, _highlight(snippet)) for i, snippet in rows]

    def close(self) -> None:
        self._db.close()


def analysis_to_json(story: Story) -> str:
    """A story's cross-source analysis as one JSON document: always read whole, with its story."""
    return json.dumps(
        {name: [asdict(x) for x in getattr(story, name)] for name in _ANALYSIS}, ensure_ascii=False
    )


def analysis_from_json(story: Story, text: str | None) -> None:
    data = json.loads(text or "{}")
    story.entities = [StoryEntity(**e) for e in data.get("entities", [])]
    story.facts = [
        Fact(**{**f, "statements": [Statement(**x) for x in f["statements"]]})
        for f in data.get("facts", [])
    ]
    story.disagreements = [
        Disagreement(d["about"], d["kind"], [Version(**v) for v in d["versions"]])
        for d in data.get("disagreements", [])
    ]
    story.quotes = [
        StoryQuote(**{**q, "variants": [QuoteVariant(**v) for v in q["variants"]]})
        for q in data.get("quotes", [])
    ]
    story.coverage = [OutletCoverage(**c) for c in data.get("coverage", [])]


_ANALYSIS = ("entities", "facts", "disagreements", "quotes", "coverage")


def _highlight(snippet: str) -> str:
    return html.escape(snippet, quote=False).replace(_MARK, "<mark>").replace(_UNMARK, "</mark>")
