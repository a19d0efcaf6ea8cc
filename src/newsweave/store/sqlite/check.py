"""SQLite implementation of `StoreCheck`: each invariant is a query for the rows that break
it, and its repair a statement over the same rows.

The checks read in one read transaction, so that a writer committing between two queries
(another process clustering) cannot make two consistent states look like an inconsistent
one. The full-text checks are FTS5 commands, written as INSERTs: they take the write lock
for as long as they run.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from newsweave.model import Article
from newsweave.store.check import Finding, StoreCheck
from newsweave.store.sqlite.connection import _chunks
from newsweave.store.sqlite.stories import SQLiteStoryRows
from newsweave.store.sqlite.story_search import fill_story_search

# membership as a few counts, each over an index (the article and story rows are large:
# their text and analysis, which a scan of the tables reads): every clustered article in a
# story and none in two, no unclustered article in one, every story with members as many
# as it counts. When they all agree, the queries below, which name the culprits, are not run.
_COUNTS = (
    "SELECT (SELECT count(*) FROM articles) - (SELECT count(*) FROM articles WHERE clustered = 0), "
    "(SELECT count(DISTINCT article_id) FROM story_articles), "
    "(SELECT count(*) FROM story_articles), "
    "(SELECT total(article_count) FROM stories), "
    "(SELECT count(*) FROM stories), "
    "(SELECT count(DISTINCT story_id) FROM story_articles), "
    "EXISTS (SELECT 1 FROM articles AS a WHERE a.clustered = 0 AND EXISTS "
    "(SELECT 1 FROM story_articles AS sa WHERE sa.article_id = a.id))"
)
_ORPHANS = (
    "SELECT a.id FROM articles AS a WHERE a.clustered = 1 AND NOT EXISTS "
    "(SELECT 1 FROM story_articles AS sa WHERE sa.article_id = a.id) ORDER BY a.seq"
)
_UNCLUSTERED_MEMBERS = (
    "SELECT a.id FROM articles AS a WHERE a.clustered = 0 AND EXISTS "
    "(SELECT 1 FROM story_articles AS sa WHERE sa.article_id = a.id) ORDER BY a.seq"
)
_SHARED = (
    "SELECT article_id FROM story_articles GROUP BY article_id HAVING count(*) > 1 "
    "ORDER BY article_id"
)
# members are the rows of stored articles: a row of an unknown one is a stray row
_MEMBER = (
    "SELECT {what} FROM story_articles AS sa JOIN articles AS a ON a.id = sa.article_id "
    "WHERE sa.story_id = s.id"
)
_EMPTY = (
    f"SELECT s.id FROM stories AS s WHERE NOT EXISTS ({_MEMBER.format(what='1')}) ORDER BY s.seq"
)
_MISCOUNTED = (
    f"SELECT s.id FROM stories AS s WHERE s.article_count != ({_MEMBER.format(what='count(*)')}) "
    "ORDER BY s.seq"
)


# rows of unknown stories or articles (foreign keys are on, but a file may have been
# written without them)
def _unknown_story(table: str) -> str:
    return f"NOT EXISTS (SELECT 1 FROM stories AS s WHERE s.id = {table}.story_id)"


def _unknown_seq(table: str) -> str:
    return f"NOT EXISTS (SELECT 1 FROM articles AS a WHERE a.seq = {table}.seq)"


_STRAY_ROWS = {
    "story_articles": f"{_unknown_story('story_articles')} OR NOT EXISTS "
    "(SELECT 1 FROM articles AS a WHERE a.id = story_articles.article_id)",
    **{t: _unknown_story(t) for t in ("summary_sentences", "story_outlets", "story_entities")},
}
_INDEX_TABLES = {
    "term postings of unknown articles": ("term_postings", "term_postings_recent"),
    "near-duplicate index rows of unknown articles": (
        "lsh_bands",
        "lsh_bands_recent",
        "signatures",
    ),
}
_SUMMARY_TEXT = (
    "coalesce((SELECT group_concat(text, char(10)) FROM (SELECT text FROM summary_sentences "
    "WHERE story_id = s.id ORDER BY position)), '')"
)
_STORY_SEARCH = (
    f"SELECT s.id FROM stories AS s LEFT JOIN story_search AS f ON f.rowid = s.seq "
    f"WHERE f.rowid IS NULL OR f.title != coalesce(s.title, '') OR f.summary != {_SUMMARY_TEXT} "
    "UNION ALL SELECT 'search row ' || f.rowid FROM story_search AS f "
    "WHERE NOT EXISTS (SELECT 1 FROM stories AS s WHERE s.seq = f.rowid)"
)

ORPHANS = "articles in no story"
SHARED = "articles in more than one story"
UNCLUSTERED_MEMBERS = "unclustered articles in a story"
EMPTY = "stories without articles"
MISCOUNTED = "stories with a wrong article count"
FIGURES = "stories with wrong outlet counts, dates or outlet rows"
STRAY = "story rows of unknown stories or articles"
ARTICLE_SEARCH = "article search index out of step with the articles"
STORY_SEARCH = "story search index out of step with the stories"
DAMAGED = "damage SQLite finds in the file (PRAGMA integrity_check)"


@dataclass(slots=True)
class _Figures:
    """A story's listing figures and outlets as its members make them."""

    article_count: int
    outlet_count: int
    first_published: str | None
    last_published: str | None
    outlets: set[str]

    @classmethod
    def of(cls, members: Sequence[Article], published: Sequence[str | None]) -> _Figures:
        outlets = {a.outlet_label for a in members}  # what `Story.outlets` holds
        dates = [d for d in published if d]
        first, last = min(dates, default=None), max(dates, default=None)
        return cls(len(members), len(outlets), first, last, outlets)

    def row(self) -> list[object]:
        """The figures as the columns of `stories` hold them."""
        return [self.article_count, self.outlet_count, self.first_published, self.last_published]


class SQLiteCheck(SQLiteStoryRows, StoreCheck):
    """The consistency check and repair of `SQLiteStore`."""

    def check(self, examples: int = 3) -> list[Finding]:
        findings = []
        try:
            damage = [str(r[0]) for r in self._db.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            damage = [str(exc)]
        if damage != ["ok"]:
            findings.append(Finding(DAMAGED, len(damage), damage[:examples], repairable=False))
        with self._snapshot():
            found = self._problems(full=True)
        with self._transaction():
            problems = _merged(found + self._search_problems())
        return findings + [
            Finding(what, len(ids), ids[:examples]) for what, ids in problems.items()
        ]

    def repair(self, *, full: bool = True) -> list[Finding]:
        if not full:
            with self._snapshot():  # nothing wrong, the usual case: no write lock taken
                if not self._problems(full=False):
                    return []
        with self._transaction():
            found = self._problems(full=full)
            problems = _merged(found + self._search_problems() if full else found)
            self._repair(problems)
        return [Finding(what, len(ids), ids[:3]) for what, ids in problems.items()]

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """One read transaction: every query inside sees the same committed state."""
        if self._depth:  # inside a write transaction, which sees one state already
            yield
            return
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def _ids(self, sql: str) -> list[str]:
        return [str(r[0]) for r in self._db.execute(sql)]

    def _membership_agrees(self) -> bool:
        """Whether the counts of `_COUNTS` say story membership is consistent."""
        clustered, members, rows, counted, stories, with_rows, misplaced = self._db.execute(
            _COUNTS
        ).fetchone()
        return clustered == members == rows == counted and stories == with_rows and not misplaced

    def _problems(self, *, full: bool) -> list[tuple[str, list[str]]]:
        """Each kind of inconsistency found, with every id (article, story or row) of it;
        story membership only (and only if `_membership_agrees` says not) unless `full`."""
        if not full and self._membership_agrees():
            return []
        found = [
            (ORPHANS, self._ids(_ORPHANS)),
            (SHARED, self._ids(_SHARED)),
            (UNCLUSTERED_MEMBERS, self._ids(_UNCLUSTERED_MEMBERS)),
            (EMPTY, self._ids(_EMPTY)),
            (MISCOUNTED, self._ids(_MISCOUNTED)),
        ]
        if full:
            stray = [
                f"{table} of story {sid}"
                for table, where in _STRAY_ROWS.items()
                for sid in self._ids(f"SELECT DISTINCT story_id FROM {table} WHERE {where}")
            ]
            found.append((STRAY, stray))
            for what, tables in _INDEX_TABLES.items():
                rows = [
                    f"{table} of article seq {seq}"
                    for table in tables
                    for seq in self._ids(
                        f"SELECT DISTINCT seq FROM {table} WHERE {_unknown_seq(table)}"
                    )
                ]
                found.append((what, rows))
            found.append((FIGURES, self._wrong_figures()))
            found.append((STORY_SEARCH, self._ids(_STORY_SEARCH)))
        return [(what, ids) for what, ids in found if ids]

    def _search_problems(self) -> list[tuple[str, list[str]]]:
        """The FTS5 indexes' own checks: the article index against its content table (the
        articles) and the story index against itself. Inside a write transaction."""
        found = []
        commands = {
            ARTICLE_SEARCH: "INSERT INTO article_search(article_search, rank) "
            "VALUES ('integrity-check', 1)",
            STORY_SEARCH: "INSERT INTO story_search(story_search) VALUES ('integrity-check')",
        }
        for what, sql in commands.items():
            try:
                self._db.execute(sql)
            except sqlite3.DatabaseError as exc:
                found.append((what, [f"FTS5 integrity-check: {exc}"]))
        return found

    def _members(
        self, story_ids: Sequence[str] | None
    ) -> Iterator[tuple[str, Article, str | None]]:
        """(story id, member, its publication date) of every membership row, or of those of
        `story_ids`, in story order; the member without its words, with what its outlet
        label needs."""
        columns = (
            "SELECT sa.story_id, a.id, a.source, a.outlet, a.credits, a.url, a.published "
            "FROM story_articles AS sa JOIN articles AS a ON a.id = sa.article_id"
        )
        order = "ORDER BY sa.story_id, sa.position"
        batches: list[tuple[str, list[str]]]
        if story_ids is None:
            batches = [(f"{columns} {order}", [])]
        else:
            batches = [
                (f"{columns} WHERE sa.story_id IN ({', '.join('?' * len(chunk))}) {order}", chunk)
                for chunk in _chunks(sorted(set(story_ids)))
            ]
        for sql, params in batches:
            for sid, aid, source, outlet, credits, url, published in self._db.execute(sql, params):
                head = Article(aid, source, "", outlet=outlet, credits=json.loads(credits), url=url)
                yield sid, head, published

    def _figures(self, story_ids: Sequence[str] | None = None) -> dict[str, _Figures]:
        """What the figures of every story (or of `story_ids`) with members should be."""
        heads: dict[str, list[Article]] = defaultdict(list)
        dates: dict[str, list[str | None]] = defaultdict(list)
        for sid, head, published in self._members(story_ids):
            heads[sid].append(head)
            dates[sid].append(published)
        return {sid: _Figures.of(heads[sid], dates[sid]) for sid in heads}

    def _wrong_figures(self) -> list[str]:
        """Stories whose stored figures or outlet rows are not what their members make."""
        expected = self._figures()
        outlets: dict[str, set[str]] = defaultdict(set)
        for sid, outlet in self._db.execute("SELECT story_id, outlet FROM story_outlets"):
            outlets[sid].add(outlet)
        wrong = []
        for sid, *stored in self._db.execute(
            "SELECT id, article_count, outlet_count, first_published, last_published "
            "FROM stories ORDER BY seq"
        ):
            want = expected.get(sid)
            if want is None:  # no members: a story without articles, reported as such
                continue
            if stored != want.row() or outlets.get(sid, set()) != want.outlets:
                wrong.append(sid)
        return wrong

    def _repair(self, problems: dict[str, list[str]]) -> None:
        """Set right `problems` (as `_problems` found them), inside the caller's transaction."""
        db = self._db
        if STRAY in problems:
            for table, where in _STRAY_ROWS.items():
                db.execute(f"DELETE FROM {table} WHERE {where}")
        for what, tables in _INDEX_TABLES.items():
            if what in problems:
                for table in tables:
                    db.execute(f"DELETE FROM {table} WHERE {_unknown_seq(table)}")
        changed: set[str] = set()  # stories whose members change
        for article_id in problems.get(SHARED, []):
            owners = self._ids_of(
                "SELECT sa.story_id FROM story_articles AS sa JOIN stories AS s "
                "ON s.id = sa.story_id WHERE sa.article_id = ? ORDER BY s.seq",
                [article_id],
            )
            for sid in owners[1:]:  # it stays in the story stored first
                db.execute(
                    "DELETE FROM story_articles WHERE story_id = ? AND article_id = ?",
                    (sid, article_id),
                )
                changed.add(sid)
        for chunk in _chunks(problems.get(UNCLUSTERED_MEMBERS, [])):
            marks = ", ".join("?" * len(chunk))
            changed.update(
                self._ids_of(f"SELECT story_id FROM story_articles WHERE article_id IN ({marks})",
                             chunk)
            )  # fmt: skip
            db.execute(f"DELETE FROM story_articles WHERE article_id IN ({marks})", chunk)
        for chunk in _chunks(problems.get(ORPHANS, [])):
            marks = ", ".join("?" * len(chunk))
            db.execute(f"UPDATE articles SET clustered = 0 WHERE id IN ({marks})", chunk)
        empty = self._ids(_EMPTY)  # those that had no members, and those left without
        self._delete_stories(empty)
        # a wrong count says the members changed after the figures (and summary) were written
        changed = (changed | set(problems.get(MISCOUNTED, []))) - set(empty)
        for chunk in _chunks(sorted(changed)):
            marks = ", ".join("?" * len(chunk))
            db.execute(f"UPDATE stories SET stale = 1 WHERE id IN ({marks})", chunk)
        self._recount((changed | set(problems.get(FIGURES, []))) - set(empty))
        if ARTICLE_SEARCH in problems:
            db.execute("INSERT INTO article_search(article_search) VALUES ('rebuild')")
        if STORY_SEARCH in problems:
            db.execute("DELETE FROM story_search")
            fill_story_search(db)

    def _ids_of(self, sql: str, params: Sequence[str]) -> list[str]:
        return [str(r[0]) for r in self._db.execute(sql, params)]

    def _recount(self, story_ids: set[str]) -> None:
        """Write the figures and outlet rows of these stories as their members make them."""
        if not story_ids:
            return
        db = self._db
        for sid, want in self._figures(sorted(story_ids)).items():
            db.execute(
                "UPDATE stories SET article_count = ?, outlet_count = ?, first_published = ?, "
                "last_published = ? WHERE id = ?",
                (*want.row(), sid),
            )
            db.execute("DELETE FROM story_outlets WHERE story_id = ?", (sid,))
            db.executemany(
                "INSERT INTO story_outlets (story_id, outlet) VALUES (?, ?)",
                ((sid, o) for o in sorted(want.outlets)),
            )


def _merged(problems: Iterable[tuple[str, list[str]]]) -> dict[str, list[str]]:
    """Problems by kind, those of one kind found twice (by a query and by FTS5) together."""
    merged: dict[str, list[str]] = {}
    for what, ids in problems:
        merged.setdefault(what, []).extend(ids)
    return merged
