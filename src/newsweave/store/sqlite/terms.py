"""SQLite implementation of `TermIndex`: salient-term postings by article storage order
(`term_postings` and its recent part `term_postings_recent`), document frequencies
(`term_df`, with the indexed-article count in `meta`), the `clustered` flag of articles, and
story membership, which a clustering step writes with `SQLiteStoryRows`."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from newsweave.model import Article, IndexedTerms, Story
from newsweave.store.sqlite.connection import _SELECT_ARTICLE, _article, _chunks, _iso
from newsweave.store.sqlite.stories import SQLiteStoryRows
from newsweave.store.terms import TermIndex

_TERMS_PER_STATEMENT = 200  # two SELECTs a term; SQLite allows 500 in a compound


def _newest_postings(terms: int) -> str:
    """The newest postings of each of `terms` terms, bound as (term, limit) pairs: each part
    of the index (the large table and its recent rows, `_merge_recent`) gives its newest.
    Keeping only the newest `limit` of both parts together would be exact, but costs twice
    as much and is not worth it: the limit only bounds the work a common term brings."""
    return " UNION ALL ".join(
        f"SELECT * FROM (SELECT seq FROM {table} WHERE term = ?{2 * k + 1} "
        f"ORDER BY seq DESC LIMIT ?{2 * k + 2})"
        for k in range(terms)
        for table in ("term_postings", "term_postings_recent")
    )


class SQLiteTerms(SQLiteStoryRows, TermIndex):
    """The story index of `SQLiteStore`."""

    @contextmanager
    def clustering(self) -> Iterator[None]:
        with self._transaction():
            yield

    def unclustered(self, limit: int, among: Sequence[str] | None = None) -> list[Article]:
        if among is None:
            rows = self._db.execute(
                f"SELECT {_SELECT_ARTICLE} FROM articles AS a WHERE a.clustered = 0 "
                "ORDER BY a.seq LIMIT ?",
                (limit,),
            )
            return [_article(r) for r in rows]
        wanted = list(dict.fromkeys(among))
        found: dict[str, Article] = {}
        for chunk in _chunks(wanted):
            marks = ", ".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT {_SELECT_ARTICLE} FROM articles AS a "
                f"WHERE a.id IN ({marks}) AND a.clustered = 0",
                chunk,
            )
            found.update((r[0], _article(r)) for r in rows)
        return [found[i] for i in wanted if i in found][:limit]

    def document_frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'indexed_articles'").fetchone()
        df: dict[str, int] = {}
        for chunk in _chunks(list(dict.fromkeys(terms))):
            marks = ", ".join("?" * len(chunk))
            df.update(
                self._db.execute(f"SELECT term, df FROM term_df WHERE term IN ({marks})", chunk)
            )
        return (int(row[0]) if row else 0), df

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
        # articles that share enough are joined to their ids (an article row per posting is
        # a random page read each, once the articles outgrow the page cache)
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
