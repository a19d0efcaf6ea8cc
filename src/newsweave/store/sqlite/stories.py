"""SQLite implementation of `StoryStore`, and the story rows it shares with the term index.

A story is a row of `stories` (listing figures as columns, the analysis as one JSON
document), its members in `story_articles`, its outlets in `story_outlets`, its summary in
`summary_sentences`, its top entities in `story_entities`, and its title, summary, entity
names, facts and quotes in the `story_search` full-text index (rowid = `stories.seq`;
`story_search.py`), written here with the story since its summary lives in another table
and triggers cannot keep it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from newsweave.contract import analysis_from_dict, analysis_to_dict
from newsweave.model import Article, Story, SummarySentence
from newsweave.store import StoreError
from newsweave.store.sqlite import story_search as search_row
from newsweave.store.sqlite.connection import (
    _SELECT_ARTICLE,
    SQLiteConnection,
    _article,
    _chunks,
    _date,
    _iso,
    _json,
)
from newsweave.store.stories import StoryStore

_STORY_COLUMNS = "id, title, event_date, analysis, storyline"


def analysis_json(analysis: dict[str, Any]) -> str:
    """A story's cross-source analysis as one JSON document: always read whole, with its story."""
    return json.dumps(analysis, ensure_ascii=False)


def analysis_from_json(story: Story, text: str | None) -> None:
    analysis_from_dict(story, json.loads(text or "{}"))


class SQLiteStoryRows(SQLiteConnection):
    """Writing and reading a story's rows inside the caller's transaction: what saving
    stories (`SQLiteStories`) and a clustering step (`SQLiteTerms.update_clusters`) share."""

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

    def _members_of(self, story_ids: Sequence[str]) -> dict[str, set[str]]:
        """The member ids of those of `story_ids` that are stored."""
        found: dict[str, set[str]] = {}
        for chunk in _chunks(list(dict.fromkeys(story_ids))):
            marks = ", ".join("?" * len(chunk))
            for sid in self._db.execute(f"SELECT id FROM stories WHERE id IN ({marks})", chunk):
                found[sid[0]] = set()
            for sid, aid in self._db.execute(
                f"SELECT story_id, article_id FROM story_articles WHERE story_id IN ({marks})",
                chunk,
            ):
                if sid in found:
                    found[sid].add(aid)
        return found

    def _owners(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The story of each of `article_ids` that is in one (any one, if in several)."""
        found: dict[str, str] = {}
        for chunk in _chunks(list(dict.fromkeys(article_ids))):
            marks = ", ".join("?" * len(chunk))
            found.update(
                self._db.execute(
                    f"SELECT article_id, story_id FROM story_articles "
                    f"WHERE article_id IN ({marks})",
                    chunk,
                )
            )
        return found

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
        analysis = {} if stale else analysis_to_dict(story)
        values = (
            story.title, _iso(story.event_date), analysis_json(analysis),
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
            search_row.INSERT,
            (seq, title or "", "\n".join(x.text for x in story.summary),
             *search_row.analysis_columns(analysis)),
        )  # fmt: skip

    def _write_members(self, story: Story, *, rewrite: bool) -> None:
        """A story's member and outlet rows, changed only where they differ from the stored
        ones (`rewrite`: the story is stored already; otherwise every row is new).

        The growing stories of a large store are touched by chunk after chunk, so rewriting
        every member row of a story that gains one article would cost what the story holds:
        each row deleted and inserted is a change to three B-trees with random keys (the
        rows, the story's key and the by-article index). Here a kept member whose position
        moved is one UPDATE of an unindexed column, and one that stayed in place costs
        nothing."""
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


class SQLiteStories(SQLiteStoryRows, StoryStore):
    """The stories of `SQLiteStore`."""

    def stale_stories(self, limit: int, among: Collection[str] | None = None) -> list[Story]:
        if among is None:
            rows = self._db.execute(
                f"SELECT {_STORY_COLUMNS} FROM stories WHERE stale = 1 ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        else:
            found: list[tuple[int, tuple[Any, ...]]] = []
            for chunk in _chunks(sorted(set(among))):
                marks = ", ".join("?" * len(chunk))
                found += (
                    (r[0], tuple(r[1:]))
                    for r in self._db.execute(
                        f"SELECT seq, {_STORY_COLUMNS} FROM stories "
                        f"WHERE id IN ({marks}) AND stale = 1",
                        chunk,
                    )
                )
            rows = [row for _, row in sorted(found)[:limit]]
        return self._assemble(rows, None if len(rows) != 1 else rows[0][0], only_rows=True)

    def stale_work(self, among: Collection[str] | None = None) -> tuple[int, int]:
        stories = articles = 0
        wanted = [None] if among is None else list(_chunks(sorted(set(among))))
        for chunk in wanted:
            where = "" if chunk is None else f" AND s.id IN ({', '.join('?' * len(chunk))})"
            found, unparsed = self._db.execute(
                "SELECT count(DISTINCT s.id), count(a.id) FROM stories AS s "
                "LEFT JOIN story_articles AS sa ON sa.story_id = s.id "
                "LEFT JOIN articles AS a ON a.id = sa.article_id AND a.parse IS NULL "
                f"WHERE s.stale = 1{where}",
                chunk or (),
            ).fetchone()
            stories, articles = stories + found, articles + unparsed
        return stories, articles

    def mark_stale(self) -> None:
        with self._transaction() as db:
            db.execute("UPDATE stories SET stale = 1")

    def save_stories(self, stories: Sequence[Story]) -> list[str]:
        saved: list[str] = []
        with self._transaction() as db:
            self._check_members(stories)
            stored = self._members_of([s.id for s in stories])
            owner = self._owners([a.id for s in stories for a in s.articles])
            for story in stories:
                members = {a.id for a in story.articles}
                if story.id in stored:
                    if stored[story.id] != members:  # re-clustered since it was read
                        continue
                elif any(i in owner for i in members):  # merged away, or taken by another
                    continue
                else:
                    owner.update(dict.fromkeys(members, story.id))
                    for chunk in _chunks(sorted(members)):
                        marks = ", ".join("?" * len(chunk))
                        db.execute(
                            f"UPDATE articles SET clustered = 1 WHERE id IN ({marks})", chunk
                        )
                self._write_story(story, stale=False)
                saved.append(story.id)
        return saved

    def replace_stories(self, stories: Iterable[Story]) -> None:
        stories = list(stories)
        with self._transaction() as db:
            self._check_members(stories)
            db.execute("DELETE FROM story_search")
            db.execute("DELETE FROM stories")  # cascades to members, summaries, outlets, entities
            for story in stories:
                self._write_story(story, stale=False)
            db.execute(
                "UPDATE articles SET clustered = 1 - clustered WHERE clustered != "
                "EXISTS (SELECT 1 FROM story_articles AS sa WHERE sa.article_id = articles.id)"
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
