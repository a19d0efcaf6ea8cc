"""SQLite implementation of `ArticleStore`: one row per article, its annotations in JSON
columns (sentences and entities as offsets into the body), and the batch's near-duplicate
fingerprints written in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from newsweave.model import Article, Fingerprint
from newsweave.store.articles import ArticleStore
from newsweave.store.sqlite.connection import (
    _COLUMNS,
    _SELECT_ARTICLE,
    SQLiteConnection,
    _article,
    _article_row,
    _chunks,
    _entity,
    _json,
    _parse_json,
    _sentence,
)

# the same columns with the words left out (`article_heads`): empty text and annotations
_WORDS = {
    "text": "''", "removed": "'[]'", "sentences": "'[]'", "entities": "'[]'", "parse": "NULL"
}  # fmt: skip
_SELECT_HEAD = ", ".join(_WORDS.get(c, f"a.{c}") for c in _COLUMNS)
_INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
)


class SQLiteArticles(SQLiteConnection, ArticleStore):
    """The articles of `SQLiteStore`."""

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

    def all_articles(self, batch: int = 500) -> Iterator[Article]:
        last = 0
        while True:  # by storage order, one short query a batch: no read held open between
            rows = self._db.execute(
                f"SELECT a.seq, {_SELECT_ARTICLE} FROM articles AS a WHERE a.seq > ? "
                "ORDER BY a.seq LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield from (_article(r[1:]) for r in rows)

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
                "UPDATE articles SET sentences = ?, entities = ?, recognised = ?, parse = ? "
                "WHERE id = ?",
                (
                    (
                        _json([_sentence(a.text, s, n) for n, s in enumerate(a.sentences)]),
                        _json([_entity(a.text, e) for e in a.entities]),
                        int(a.recognised),
                        _parse_json(a.parse),
                        a.id,
                    )
                    for a in articles
                ),
            )
