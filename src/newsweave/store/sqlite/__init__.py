"""The embedded back end: one SQLite file, standard library only.

- WAL journal with `synchronous=NORMAL`: readers never block the writer, and a crash loses at
  most the transaction in flight, never the file;
- one `BEGIN IMMEDIATE` transaction per `add_articles` batch and per `replace_stories` call,
  so the file only ever holds whole articles and a whole set of stories;
- batches go in with `executemany`, after one indexed lookup of which ids are already stored;
- sentences and entities are stored as offsets into the body (with their text only where it
  differs from that slice), which halves what a 100k-article file holds;
- the FTS5 index over title and body is kept in step by triggers, inside the same transactions.
The schema and its migrations live in `schema`.
"""

from __future__ import annotations

import html
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from newsweave.contract import analysis_from_dict, analysis_to_dict
from newsweave.model import (
    Article,
    Entity,
    Fingerprint,
    IndexedTerms,
    Removal,
    Sentence,
    Story,
    SummarySentence,
)
from newsweave.store import Store, StoreError
from newsweave.store.sqlite.browse import SQLiteBrowse
from newsweave.store.sqlite.schema import SCHEMA_VERSION, migrate

__all__ = ["SCHEMA_VERSION", "SQLiteStore"]

T = TypeVar("T")
_BATCH = 500  # rows per executemany and ids per `IN (...)`: under every SQLite's variable limit
_COLUMNS = (
    "id", "source", "format", "title", "outlet", "published", "published_estimated", "author",
    "url", "external_id", "text", "credits", "removed", "sentences", "entities", "recognised",
    "copy_of", "copy_source",
)  # fmt: skip
_SELECT_ARTICLE = ", ".join(f"a.{c}" for c in _COLUMNS)
# the same columns with the words left out (`article_heads`): empty text and annotations
_WORDS = {"text": "''", "removed": "'[]'", "sentences": "'[]'", "entities": "'[]'"}
_SELECT_HEAD = ", ".join(_WORDS.get(c, f"a.{c}") for c in _COLUMNS)
_INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
)
_STORY_COLUMNS = "id, title, event_date, analysis, storyline"
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
        _json([_entity(a.text, e) for e in a.entities]), int(a.recognised), a.copy_of,
        a.copy_source,
    )  # fmt: skip


def _article(row: sqlite3.Row | tuple[Any, ...]) -> Article:
    (id_, source, format_, title, outlet, published, estimated, author, url, external_id, text,
     credits, removed, sentences, entities, recognised, copy_of, copy_source) = row  # fmt: skip
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
    )


_TERMS_PER_STATEMENT = 200  # two SELECTs a term; SQLite allows 500 in a compound


def _newest_postings(terms: int) -> str:
    """The newest postings of each of `terms` terms, bound as (term, limit) pairs: each part
    of the index (the large table and its recent rows, `_merge_recent`) gives its newest.
    Keeping only the newest `limit` of both parts together is exact, but cost twice as much
    and was not worth it: the limit only bounds the work a common term brings."""
    return " UNION ALL ".join(
        f"SELECT * FROM (SELECT seq FROM {table} WHERE term = ?{2 * k + 1} "
        f"ORDER BY seq DESC LIMIT ?{2 * k + 2})"
        for k in range(terms)
        for table in ("term_postings", "term_postings_recent")
    )


def _chunks(items: Iterable[T], size: int = _BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SQLiteStore(SQLiteBrowse, Store):
    """The embedded `Store`: one SQLite file, opened by `newsweave.store.open_store`."""

    recent_rows = 200_000
    """Rows an index table's recent part gathers before they move into it (`_merge_recent`)."""

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

    def add_articles(
        self, articles: Iterable[Article], fingerprints: Mapping[str, Fingerprint] | None = None
    ) -> list[str]:
        added: list[str] = []
        fingerprints = fingerprints or {}
        with self._transaction() as db:
            for chunk in _chunks(articles):
                fresh: dict[str, Article] = {}
                for article in chunk:
                    fresh.setdefault(article.id, article)
                stored = self._stored_ids(list(fresh))
                new = [a for i, a in fresh.items() if i not in stored]
                db.executemany(_INSERT_ARTICLE, map(_article_row, new))
                added += (a.id for a in new)
                printed = [a.id for a in new if a.id in fingerprints]
                seqs = self._seqs(printed)
                # the whole chunk's band rows in key order: random keys, one statement per
                # article, revisited each leaf page of a large index many times per batch
                db.executemany(
                    "INSERT OR IGNORE INTO lsh_bands_recent (band, key, seq) VALUES (?, ?, ?)",
                    sorted(
                        (band, key, seq)
                        for article_id, seq in seqs.items()
                        for band, key in enumerate(fingerprints[article_id].bands)
                    ),
                )
                db.executemany(
                    "INSERT OR REPLACE INTO signatures (seq, minhash) VALUES (?, ?)",
                    sorted((seq, fingerprints[i].signature) for i, seq in seqs.items()),
                )
            self._merge_recent("lsh_bands", "band, key, seq")
        return added

    def _merge_recent(self, table: str, key: str) -> None:
        """Move `table`'s recent rows into it once there are `recent_rows` of them, inside
        the caller's transaction.

        Rows go first to a small table (`{table}_recent`), whose pages stay in the cache
        however large the store grows; moving many batches' rows at once, in key order,
        writes each page of the large table once for all the rows that land on it, where a
        batch's few thousand random keys wrote about a page each. Readers look in both.
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
        found: dict[str, int] = {}
        for chunk in _chunks(ids):
            marks = ", ".join("?" * len(chunk))
            found.update(
                self._db.execute(f"SELECT id, seq FROM articles WHERE id IN ({marks})", chunk)
            )
        return found

    def has_article(self, article_id: str) -> bool:
        return bool(self._stored_ids([article_id]))

    def has_url(self, url: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM articles WHERE url = ?", (url,)).fetchone() is not None
        )

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        if ids is None:
            rows = self._db.execute(f"SELECT {_SELECT_ARTICLE} FROM articles AS a ORDER BY a.seq")
            return [_article(r) for r in rows]
        return self._articles_by_id(ids, _SELECT_ARTICLE)

    def article_heads(self, ids: Iterable[str]) -> list[Article]:
        return self._articles_by_id(ids, _SELECT_HEAD)

    def _articles_by_id(self, ids: Iterable[str], columns: str) -> list[Article]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Article] = {}
        for chunk in _chunks(wanted):
            marks = ", ".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT {columns} FROM articles AS a WHERE a.id IN ({marks})", chunk
            )
            found.update((r[0], _article(r)) for r in rows)
        return [found[i] for i in wanted if i in found]

    def article_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def update_annotations(self, articles: Sequence[Article]) -> None:
        with self._transaction() as db:
            db.executemany(
                "UPDATE articles SET sentences = ?, entities = ?, recognised = ? WHERE id = ?",
                (
                    (
                        _json([_sentence(a.text, s, n) for n, s in enumerate(a.sentences)]),
                        _json([_entity(a.text, e) for e in a.entities]),
                        int(a.recognised),
                        a.id,
                    )
                    for a in articles
                ),
            )

    # near-duplicates and feeds

    def near_duplicates(self, bands: Sequence[int]) -> list[tuple[Article, bytes]]:
        return self.near_duplicates_of_each([bands])[0]

    def near_duplicates_of_each(
        self, bands: Sequence[Sequence[int]]
    ) -> list[list[tuple[Article, bytes]]]:
        """All the batch's band keys in a few statements, in key order (a list of keys joined
        to each band table, one primary-key search a key; a row-value IN would scan the
        table), and each candidate read once: a statement per article cost more than its 64
        searches once the tables were large. Each list's candidates come in storage order."""
        keys = sorted({(band, key) for one in bands for band, key in enumerate(one)})
        seqs: dict[tuple[int, int], list[int]] = defaultdict(list)
        for chunk in _chunks(keys, _BATCH // 2):  # two variables a key
            flat = [v for band_key in chunk for v in band_key]
            values = ", ".join("(?, ?)" for _ in chunk)
            for table in ("lsh_bands", "lsh_bands_recent"):
                for band, key, seq in self._db.execute(
                    f"WITH k(band, key) AS (VALUES {values}) SELECT k.band, k.key, t.seq "
                    f"FROM k JOIN {table} AS t ON t.band = k.band AND t.key = k.key",
                    flat,
                ):
                    seqs[band, key].append(seq)
        wanted = [
            sorted({seq for band, key in enumerate(one) for seq in seqs.get((band, key), ())})
            for one in bands
        ]
        found: dict[int, tuple[Article, bytes]] = {}
        for chunk in _chunks(sorted(set().union(*wanted))):
            marks = ", ".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT a.seq, {_SELECT_ARTICLE}, s.minhash FROM articles AS a "
                f"JOIN signatures AS s ON s.seq = a.seq WHERE a.seq IN ({marks})",
                chunk,
            ):
                found[row[0]] = (_article(row[1:-1]), row[-1])
        return [[found[seq] for seq in one if seq in found] for one in wanted]

    def fetch_state(self, url: str) -> tuple[str | None, str | None] | None:
        row = self._db.execute(
            "SELECT etag, last_modified FROM fetch_state WHERE url = ?", (url,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def set_fetch_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO fetch_state (url, etag, last_modified, checked) "
                "VALUES (?, ?, ?, datetime('now')) ON CONFLICT(url) DO UPDATE SET "
                "etag = excluded.etag, last_modified = excluded.last_modified, "
                "checked = excluded.checked",
                (url, etag, last_modified),
            )

    # the story index

    def unclustered(self, limit: int) -> list[Article]:
        rows = self._db.execute(
            f"SELECT {_SELECT_ARTICLE} FROM articles AS a WHERE a.clustered = 0 "
            "ORDER BY a.seq LIMIT ?",
            (limit,),
        )
        return [_article(r) for r in rows]

    def document_frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'indexed_articles'").fetchone()
        df: dict[str, int] = {}
        for chunk in _chunks(list(dict.fromkeys(terms))):
            marks = ", ".join("?" * len(chunk))
            df.update(
                self._db.execute(f"SELECT term, df FROM term_df WHERE term IN ({marks})", chunk)
            )
        return (int(row[0]) if row else 0), df

    def articles_sharing_terms(
        self,
        terms: Iterable[str],
        per_term: int,
        min_shared: int = 1,
        published_between: tuple[date, date] | None = None,
    ) -> dict[str, int]:
        terms = list(dict.fromkeys(terms))
        if not terms:
            return {}
        within, bounds = "1", []
        if published_between:
            within = "(a.published IS NULL OR a.published BETWEEN ? AND ?)"
            bounds = [_iso(day) for day in published_between]
        if len(terms) > _TERMS_PER_STATEMENT:  # beyond SQLite's compound SELECT limit
            return self._articles_sharing_many_terms(terms, per_term, min_shared, within, bounds)
        # one statement: the newest postings of each term, counted per article; only the
        # articles that share enough are joined to their ids (an article row per posting was
        # a random page read each, once the articles outgrew the page cache)
        return dict(
            self._db.execute(
                f"SELECT a.id, p.n FROM (SELECT seq, count(*) AS n FROM "
                f"({_newest_postings(len(terms))}) GROUP BY seq HAVING n >= ?) AS p "
                f"JOIN articles AS a ON a.seq = p.seq WHERE {within}",
                [*(v for term in terms for v in (term, per_term)), min_shared, *bounds],
            )
        )

    def _articles_sharing_many_terms(
        self, terms: list[str], per_term: int, min_shared: int, within: str, bounds: list[Any]
    ) -> dict[str, int]:
        """`articles_sharing_terms` in several statements, counted here."""
        counts: Counter[int] = Counter()
        for group in _chunks(terms, _TERMS_PER_STATEMENT):
            counts.update(
                dict(
                    self._db.execute(
                        f"SELECT seq, count(*) FROM ({_newest_postings(len(group))}) GROUP BY seq",
                        [v for term in group for v in (term, per_term)],
                    )
                )
            )
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(seq for seq, n in counts.items() if n >= min_shared)):
            marks = ", ".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT a.id, a.seq FROM articles AS a WHERE a.seq IN ({marks}) AND {within}",
                [*chunk, *bounds],
            )
            found.update((aid, counts[seq]) for aid, seq in rows)
        return found

    def story_ids_of(self, article_ids: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in _chunks(list(dict.fromkeys(article_ids))):
            marks = ", ".join("?" * len(chunk))
            found.update(
                self._db.execute(
                    f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})",
                    chunk,
                )
            )
        return found

    def story_members(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for chunk in _chunks(list(dict.fromkeys(story_ids))):
            marks = ", ".join("?" * len(chunk))
            for sid, aid in self._db.execute(
                f"SELECT story_id, article_id FROM story_articles WHERE story_id IN ({marks}) "
                "ORDER BY story_id, position",
                chunk,
            ):
                members[sid].append(aid)
        return dict(members)

    def add_document_frequencies(self, documents: int, counts: Mapping[str, int]) -> None:
        with self._transaction() as db:
            # in key order: each B-tree page is then visited once, not once per row
            db.executemany(
                "INSERT INTO term_df (term, df) VALUES (?, ?) "
                "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
                sorted(counts.items()),
            )
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('indexed_articles', ?) ON CONFLICT(key) "
                "DO UPDATE SET value = CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER)",
                (str(documents),),
            )

    def update_clusters(
        self, indexed: Sequence[IndexedTerms], stories: Sequence[Story], removed: Sequence[str]
    ) -> None:
        with self._transaction() as db:
            self._check_members(stories)
            seqs = self._seqs([x.article_id for x in indexed])
            fresh = [x for x in indexed if x.article_id in seqs]
            # rows in key order: each B-tree page is then visited once, not once per row
            db.executemany(
                "INSERT OR IGNORE INTO term_postings_recent (term, seq) VALUES (?, ?)",
                sorted({(term, seqs[x.article_id]) for x in fresh for term in x.salient}),
            )
            self._merge_recent("term_postings", "term, seq")
            self._delete_stories(removed)
            for story in stories:
                self._write_story(story, stale=True)
            members = [a.id for s in stories for a in s.articles]
            for chunk in _chunks(members):
                marks = ", ".join("?" * len(chunk))
                db.execute(f"UPDATE articles SET clustered = 1 WHERE id IN ({marks})", chunk)

    def stale_stories(self, limit: int) -> list[Story]:
        rows = self._db.execute(
            f"SELECT {_STORY_COLUMNS} FROM stories WHERE stale = 1 ORDER BY seq LIMIT ?", (limit,)
        ).fetchall()
        return self._assemble(rows, None if len(rows) != 1 else rows[0][0], only_rows=True)

    def mark_stale(self) -> None:
        with self._transaction() as db:
            db.execute("UPDATE stories SET stale = 1")

    def save_stories(self, stories: Sequence[Story]) -> None:
        with self._transaction():
            self._check_members(stories)
            for story in stories:
                self._write_story(story, stale=False)

    # stories

    def replace_stories(self, stories: Iterable[Story]) -> None:
        stories = list(stories)
        with self._transaction() as db:
            self._check_members(stories)
            db.execute("DELETE FROM story_search")
            db.execute("DELETE FROM stories")  # cascades to members, summaries, outlets, entities
            for story in stories:
                self._write_story(story, stale=False)

    def _check_members(self, stories: Sequence[Story]) -> None:
        ids = [s.id for s in stories]
        if len(set(ids)) != len(ids):
            raise StoreError(f"{self.path}: two stories share an id")
        members = {a.id for s in stories for a in s.articles}
        missing = members - self._stored_ids(list(members))
        if missing:
            raise StoreError(
                f"{self.path}: stories cite {len(missing)} article(s) that are not stored "
                f"(e.g. {min(missing)}); add the articles first"
            )

    def _delete_stories(self, story_ids: Sequence[str]) -> None:
        for chunk in _chunks(list(story_ids)):
            marks = ", ".join("?" * len(chunk))
            self._db.execute(
                f"DELETE FROM story_search WHERE rowid IN "
                f"(SELECT seq FROM stories WHERE id IN ({marks}))",
                chunk,
            )
            self._db.execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)

    def _write_story(self, story: Story, *, stale: bool) -> None:
        """Insert or rewrite one story inside the caller's transaction.

        A stale story keeps its members, listing figures and outlets; its summary and analysis
        wait for `save_stories` (its old title stays until then, if it has none of its own).
        """
        db = self._db
        dates = [a.published for a in story.articles if a.published]
        values = (
            story.title, _iso(story.event_date), "{}" if stale else analysis_to_json(story),
            len(story.articles), len(story.outlets), _iso(min(dates, default=None)),
            _iso(max(dates, default=None)), story.storyline, int(stale),
        )  # fmt: skip
        row = db.execute("SELECT seq, title FROM stories WHERE id = ?", (story.id,)).fetchone()
        if row:
            seq = row[0]
            db.execute("DELETE FROM story_search WHERE rowid = ?", (seq,))
            db.execute(
                "UPDATE stories SET title = coalesce(?, title), event_date = ?, analysis = ?, "
                "article_count = ?, outlet_count = ?, first_published = ?, last_published = ?, "
                "storyline = ?, stale = ? WHERE seq = ?",
                (*values, seq),
            )
            for table in ("summary_sentences", "story_entities"):
                db.execute(f"DELETE FROM {table} WHERE story_id = ?", (story.id,))
        else:
            seq = db.execute(
                "INSERT INTO stories (id, title, event_date, analysis, article_count, "
                "outlet_count, first_published, last_published, storyline, stale) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (story.id, *values),
            ).lastrowid
        self._write_members(story, rewrite=row is not None)
        db.executemany(
            "INSERT INTO summary_sentences (story_id, position, text, article_id, "
            "sentence_index, article_ids, outlets) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (story.id, n, x.text, x.article_id, x.sentence_index, _json(x.article_ids),
                 _json(x.outlets))
                for n, x in enumerate(story.summary)
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT OR IGNORE INTO story_entities (story_id, name, type, salience) "
            "VALUES (?, ?, ?, ?)",
            ((story.id, e.name, e.type, e.salience) for e in story.entities),
        )
        title = story.title if story.title is not None else (row[1] if row else None)
        db.execute(
            "INSERT INTO story_search (rowid, title, summary) VALUES (?, ?, ?)",
            (seq, title or "", "\n".join(x.text for x in story.summary)),
        )

    def _write_members(self, story: Story, *, rewrite: bool) -> None:
        """A story's member and outlet rows, changed only where they differ from the stored
        ones (`rewrite`: the story is stored already; otherwise every row is new).

        A story that gains one article used to have every member row deleted and inserted
        again, each a change to three B-trees with random keys (the rows, the story's key and
        the by-article index): the growing stories of a large store are touched by chunk
        after chunk, and that rewrite grew with them. Now a kept member whose position moved
        is one UPDATE of an unindexed column, and one that stayed in place costs nothing."""
        db, sid = self._db, story.id
        positions: dict[str, int] = {}
        for n, article in enumerate(story.articles):
            positions.setdefault(article.id, n)  # an article listed twice keeps its first place
        outlets = set(story.outlets)
        old_positions: dict[str, int] = {}
        old_outlets: set[str] = set()
        if rewrite:
            old_positions = dict(
                db.execute(
                    "SELECT article_id, position FROM story_articles WHERE story_id = ?", (sid,)
                )
            )
            old_outlets = {
                r[0]
                for r in db.execute("SELECT outlet FROM story_outlets WHERE story_id = ?", (sid,))
            }
        db.executemany(
            "DELETE FROM story_articles WHERE story_id = ? AND article_id = ?",
            ((sid, i) for i in old_positions if i not in positions),
        )
        db.executemany(
            "UPDATE story_articles SET position = ? WHERE story_id = ? AND article_id = ?",
            ((n, sid, i) for i, n in positions.items() if old_positions.get(i, n) != n),
        )
        db.executemany(
            "INSERT INTO story_articles (story_id, article_id, position) VALUES (?, ?, ?)",
            ((sid, i, n) for i, n in positions.items() if i not in old_positions),
        )
        db.executemany(
            "DELETE FROM story_outlets WHERE story_id = ? AND outlet = ?",
            ((sid, o) for o in sorted(old_outlets - outlets)),
        )
        db.executemany(
            "INSERT INTO story_outlets (story_id, outlet) VALUES (?, ?)",
            ((sid, o) for o in sorted(outlets - old_outlets)),
        )

    def stories(self) -> list[Story]:
        rows = self._db.execute(f"SELECT {_STORY_COLUMNS} FROM stories ORDER BY seq")
        return self._assemble(rows.fetchall(), None)

    def story(self, story_id: str) -> Story | None:
        if not story_id:
            return None
        rows = self._db.execute(
            f"SELECT {_STORY_COLUMNS} FROM stories WHERE id = ?", (story_id,)
        ).fetchall()
        if not rows:  # a prefix: the range scan uses the id index, unlike LIKE
            rows = self._db.execute(
                f"SELECT {_STORY_COLUMNS} FROM stories WHERE id >= ? AND id < ? LIMIT 2",
                (story_id, story_id + "\U0010ffff"),
            ).fetchall()
        return self._assemble(rows, rows[0][0])[0] if len(rows) == 1 else None

    def _assemble(
        self, rows: list[tuple[Any, ...]], only: str | None, *, only_rows: bool = False
    ) -> list[Story]:
        """Stories from their rows, with members and summaries read in one query each.

        With `only_rows`, members and summaries are read for exactly the stories of `rows`
        (one query per story) rather than for all stories at once.
        """
        if only_rows and only is None:
            return [s for r in rows for s in self._assemble([r], r[0])]
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
        for i, t, d, analysis, storyline in rows:
            story = Story(
                id=i,
                articles=articles[i],
                title=t,
                event_date=_date(d),
                summary=summaries[i],
                storyline=storyline,
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
    return json.dumps(analysis_to_dict(story), ensure_ascii=False)


def analysis_from_json(story: Story, text: str | None) -> None:
    analysis_from_dict(story, json.loads(text or "{}"))


def _highlight(snippet: str) -> str:
    return html.escape(snippet, quote=False).replace(_MARK, "<mark>").replace(_UNMARK, "</mark>")
