"""SQLite implementation of `BrowseStore`.

Listings read the columns and tables the schema keeps for them: `stories` has its counts and
dates as columns (indexed by event date), `story_outlets` and `story_entities` are indexed by
outlet and by name (case-insensitive), and `story_search` is the FTS5 index of stories
(titles, summaries, entity names, facts, quotes: `story_search.py`), `article_search` that of
articles. A page of cards is four small queries (the stories, then their outlets, leads and
entities by story id), whatever the store holds.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from newsweave.model import Article
from newsweave.store.browse import (
    ArticleCard,
    BrowseStore,
    EntityCount,
    EntityRef,
    Exclusive,
    OutletCount,
    SearchFilter,
    Snippet,
    StoryCard,
    StoryFilter,
)
from newsweave.store.sqlite import story_search
from newsweave.store.sqlite.connection import SQLiteConnection, _chunks, _date

TOP_ENTITIES = 12
"""Entities a story card carries, most salient first: enough for a front end to pick the few
worth showing (`app.entity_chips`) when the first are duplicates or noise."""
RECENT_ENTITY_STORIES = 1000
"""Stories whose entities `entities()` lists when given no prefix."""
_ORDER = "ORDER BY s.event_date DESC, s.article_count DESC, s.seq DESC"
_CARD = (
    "s.id, s.title, s.event_date, s.first_published, s.last_published, s.article_count, "
    "s.outlet_count, s.storyline"
)
_ARTICLE_CARD = "a.id, a.title, a.outlet, a.credits, a.url, a.source, a.published"
_MARK, _UNMARK = "\ue000", "\ue001"  # private-use: cannot clash with article text
_SNIPPET_TOKENS = 16
# Titles weigh double. Given as FTS5's `rank` (not `ORDER BY bm25(...)`), the index sorts
# the matches itself and the snippets are made for the page of hits only, not for every match.
_RANK = {
    "article_search": "bm25(2.0, 1.0)",
    "story_search": f"bm25({', '.join(map(str, story_search.WEIGHTS))})",
}
_DATED = {"article_search": "a.published", "story_search": "s.event_date"}
"""The date a search filters and sorts each index's hits by."""
SEARCH_WINDOWS = {
    "article_search": ("articles", (2_000, 20_000)),
    "story_search": ("stories", (1_000, 10_000)),
}
"""FTS5 index -> its table, and how many of its most recent rows a search ranks, in turn,
before it ranks them all."""
_LAST = "\U0010ffff"  # sorts after every character: `prefix + _LAST` bounds a prefix range


_NOT_A_WORD = re.compile(r'["\x00-\x1f\x7f]')
"""Quotes end an FTS5 string, and SQLite ends a string at NUL: neither can be in a term."""


def fts_query(query: str) -> str:
    """Every word of `query` as a quoted FTS5 term (all must occur): operators, column
    filters, quotes and control characters a user types are plain words or spaces, never
    syntax."""
    return " ".join(f'"{w}"' for w in _NOT_A_WORD.sub(" ", query).split())


def parse_snippet(marked: str) -> Snippet:
    """FTS5 snippet text with match markers as `(text, matched)` segments."""
    segments: Snippet = []
    rest = marked
    while rest:
        start = rest.find(_MARK)
        if start < 0:
            segments.append((rest, False))
            break
        if start:
            segments.append((rest[:start], False))
        end = rest.find(_UNMARK, start)
        end = len(rest) if end < 0 else end
        segments.append((rest[start + 1 : end], True))
        rest = rest[end + 1 :]
    return [(text, matched) for text, matched in segments if text]


_STORY_SNIPPETS = ((1, ""), (3, "Fact: "), (4, "Quote: "), (2, "Names: "))
"""The `story_search` columns a story hit's snippet is taken from, in order of preference
(the first that holds a match: summary, facts, quotes, entity names), each with the word
that tells the reader where the match is."""


def _column_snippet(column: int) -> str:
    marks = f"char({ord(_MARK)}), char({ord(_UNMARK)})"
    return f"snippet(story_search, {column}, {marks}, '…', {_SNIPPET_TOKENS})"


def _story_snippet(best: str, columns: Sequence[str], title: str | None) -> Snippet:
    """The snippet of the first column in `_STORY_SNIPPETS` order that holds a match, named;
    for a match in the title alone, the start of the summary (else FTS5's own pick, `best`),
    unless it only repeats the title, which is shown anyway."""
    for (_, label), text in zip(_STORY_SNIPPETS, columns, strict=True):
        if text and _MARK in text:
            return ([(label, False)] if label else []) + parse_snippet(text)
    if columns[0] and columns[0].strip() == (title or "").strip():
        return []
    return parse_snippet(columns[0] or best)


def _where(where: StoryFilter | None) -> tuple[str, list[Any]]:
    """SQL conditions on stories `s` for a filter, with their parameters."""
    if where is None:
        return "", []
    terms, params = [], []
    if where.since:
        terms.append("s.event_date >= ?")
        params.append(where.since.isoformat())
    if where.until:
        terms.append("s.event_date <= ?")
        params.append(where.until.isoformat())
    if where.entity:
        terms.append("s.id IN (SELECT story_id FROM story_entities WHERE name = ? COLLATE NOCASE)")
        params.append(where.entity)
    if where.outlet:
        terms.append("s.id IN (SELECT story_id FROM story_outlets WHERE outlet = ?)")
        params.append(where.outlet)
    if where.storyline:
        terms.append("s.storyline = ?")
        params.append(where.storyline)
    if where.id_prefix:  # a range, which uses the id index (LIKE would not)
        terms.append("s.id >= ? AND s.id < ?")
        params += [where.id_prefix, where.id_prefix + _LAST]
    return ("WHERE " + " AND ".join(terms), params) if terms else ("", [])


def _label(outlet: str | None, credits: str, url: str | None, source: str, id_: str) -> str:
    """How citations name an article (`Article.outlet_label`), from its listing columns."""
    stub = Article(
        id=id_, source=source, text="", outlet=outlet, credits=json.loads(credits), url=url
    )
    return stub.outlet_label


def _article_card(row: Sequence[Any], story_id: str | None, snippet: Snippet) -> ArticleCard:
    id_, title, outlet, credits, url, source, published = row
    return ArticleCard(
        id=id_,
        title=title,
        outlet=_label(outlet, credits, url, source, id_),
        published=_date(published),
        url=url,
        source=source,
        story_id=story_id,
        snippet=snippet,
    )


class SQLiteBrowse(SQLiteConnection, BrowseStore):
    """The listings and search of `SQLiteStore`."""

    # stories

    def story_cards(
        self, where: StoryFilter | None = None, *, offset: int = 0, limit: int = 20
    ) -> list[StoryCard]:
        conditions, params = _where(where)
        rows = self._db.execute(
            f"SELECT {_CARD} FROM stories AS s {conditions} {_ORDER} LIMIT ? OFFSET ?",
            (*params, max(limit, 0), max(offset, 0)),
        ).fetchall()
        return self._cards(rows)

    def story_ids(self, where: StoryFilter | None = None, *, limit: int = 20) -> list[str]:
        conditions, params = _where(where)
        rows = self._db.execute(
            f"SELECT s.id FROM stories AS s {conditions} {_ORDER} LIMIT ?", (*params, max(limit, 0))
        )
        return [row[0] for row in rows]

    def story_count(self, where: StoryFilter | None = None) -> int:
        conditions, params = _where(where)
        return self._db.execute(
            f"SELECT count(*) FROM stories AS s {conditions}", params
        ).fetchone()[0]

    def search_stories(
        self, query: str, *, limit: int = 20, where: SearchFilter | None = None
    ) -> list[StoryCard]:
        snippets = ", ".join(_column_snippet(c) for c, _ in _STORY_SNIPPETS)
        rows = self._ranked(
            f"SELECT {_CARD}, snippet(story_search, -1, ?, ?, '…', ?), {snippets} "
            "FROM story_search JOIN stories AS s ON s.seq = story_search.rowid "
            "WHERE story_search MATCH ? {filter} {window} {order} LIMIT ?",
            "story_search",
            query,
            limit,
            where or SearchFilter(),
        )
        width = len(_STORY_SNIPPETS)
        cards = self._cards([r[: -width - 1] for r in rows])
        for card, row in zip(cards, rows, strict=True):
            card.snippet = _story_snippet(row[-width - 1], row[-width:], card.title)
        return cards

    def search_months(self, query: str, *, limit: int = 300) -> list[tuple[str, int]]:
        terms = fts_query(query)
        if not terms or limit <= 0:
            return []
        rows = self._db.execute(
            "SELECT month, count(*) FROM ("
            "SELECT * FROM (SELECT 's' || s.id AS result, substr(s.event_date, 1, 7) AS month "
            "FROM story_search JOIN stories AS s ON s.seq = story_search.rowid "
            "WHERE story_search MATCH ? ORDER BY story_search.rowid DESC LIMIT ?) "
            "UNION SELECT * FROM (SELECT coalesce('s' || sa.story_id, 'a' || a.id), "
            "substr(coalesce(s.event_date, a.published), 1, 7) FROM article_search "
            "JOIN articles AS a ON a.seq = article_search.rowid "
            "LEFT JOIN story_articles AS sa ON sa.article_id = a.id "
            "LEFT JOIN stories AS s ON s.id = sa.story_id "
            "WHERE article_search MATCH ? ORDER BY article_search.rowid DESC LIMIT ?)"
            ") WHERE month IS NOT NULL GROUP BY month ORDER BY month DESC",
            (terms, limit, terms, limit),
        )
        return [(month, n) for month, n in rows]

    def story_cards_of(self, story_ids: Sequence[str]) -> list[StoryCard]:
        rows: dict[str, Any] = {}
        for chunk in _chunks(list(dict.fromkeys(story_ids))):
            marks = ", ".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT {_CARD} FROM stories AS s WHERE s.id IN ({marks})", chunk
            ):
                rows[row[0]] = row
        return self._cards([rows[i] for i in dict.fromkeys(story_ids) if i in rows])

    def _ranked(
        self, sql: str, index: str, query: str, limit: int, where: SearchFilter
    ) -> list[Any]:
        """The best `limit` matches of `query` in the FTS5 `index` within `where`'s dates,
        by relevance or newest first, by `sql` (which holds `{filter}`, `{window}` and
        `{order}` slots: the date conditions, a rowid bound and the ORDER BY).

        Ranking costs a score per matching row, so a query of common words ("said the") over
        100k articles takes a third of a second. News search wants the recent first anyway:
        the most recent rows are ranked first (`SEARCH_WINDOWS[index]`, smallest window
        first), and more only while they hold fewer than `limit` matches: a common word is
        ranked among the last two thousand articles, a rare one (cheap either way) among all.
        Newest first, the same holds: the newest of the most recently stored matches.
        """
        terms = fts_query(query)
        if not terms or limit <= 0:
            return []
        dated = _DATED[index]
        conditions, bounds = [f"AND rank MATCH '{_RANK[index]}'"], []
        if where.since:
            conditions.append(f"AND {dated} >= ?")
            bounds.append(where.since.isoformat())
        if where.until:
            conditions.append(f"AND {dated} <= ?")
            bounds.append(where.until.isoformat())
        order = (
            f"ORDER BY {dated} IS NULL, {dated} DESC, rank"
            if where.newest_first
            else ("ORDER BY rank")
        )
        sql = sql.replace("{filter}", " ".join(conditions)).replace("{order}", order)
        table, windows = SEARCH_WINDOWS[index]
        params = (_MARK, _UNMARK, _SNIPPET_TOKENS, terms, *bounds)
        newest = self._db.execute(f"SELECT max(seq) FROM {table}").fetchone()[0] or 0
        for window in windows:
            if newest <= window:
                break
            rows = self._db.execute(
                sql.replace("{window}", f"AND {index}.rowid > ?"),
                (*params, newest - window, limit),
            ).fetchall()
            if len(rows) >= limit:
                return rows
        return self._db.execute(sql.replace("{window}", ""), (*params, limit)).fetchall()

    def _cards(self, rows: list[Any]) -> list[StoryCard]:
        """Cards for story rows (`_CARD` columns), with outlets and top entities."""
        ids = [r[0] for r in rows]
        outlets: dict[str, list[str]] = defaultdict(list)
        entities: dict[str, list[EntityRef]] = defaultdict(list)
        leads: dict[str, str] = {}
        if ids:
            marks = ", ".join("?" * len(ids))
            for story_id, outlet in self._db.execute(
                f"SELECT story_id, outlet FROM story_outlets WHERE story_id IN ({marks})", ids
            ):
                outlets[story_id].append(outlet)
            leads = dict(
                self._db.execute(
                    "SELECT story_id, text FROM summary_sentences "
                    f"WHERE story_id IN ({marks}) AND position = 0",
                    ids,
                )
            )
            for story_id, name, type_ in self._db.execute(
                "SELECT story_id, name, type FROM story_entities "
                f"WHERE story_id IN ({marks}) ORDER BY story_id, salience DESC, name",
                ids,
            ):
                if len(entities[story_id]) < TOP_ENTITIES:
                    entities[story_id].append(EntityRef(name, type_))
        return [
            StoryCard(
                id=id_,
                title=title,
                event_date=_date(event),
                first_published=_date(first),
                last_published=_date(last),
                article_count=articles,
                outlet_count=outlet_count,
                outlets=outlets[id_],
                entities=entities[id_],
                storyline=storyline,
                lead=leads.get(id_),
            )
            for id_, title, event, first, last, articles, outlet_count, storyline in rows
        ]

    # articles

    def search_articles(
        self, query: str, *, limit: int = 20, where: SearchFilter | None = None
    ) -> list[ArticleCard]:
        rows = self._ranked(
            f"SELECT {_ARTICLE_CARD}, sa.story_id, "
            "snippet(article_search, -1, ?, ?, '…', ?) FROM article_search "
            "JOIN articles AS a ON a.seq = article_search.rowid "
            "LEFT JOIN story_articles AS sa ON sa.article_id = a.id "
            "WHERE article_search MATCH ? {filter} {window} {order} LIMIT ?",
            "article_search",
            query,
            limit,
            where or SearchFilter(),
        )
        return [_article_card(r[:7], r[7], parse_snippet(r[8])) for r in rows]

    # entities

    def entities(self, prefix: str = "", *, limit: int = 50) -> list[EntityCount]:
        if prefix:  # a range on the case-insensitive name index, unlike LIKE
            conditions = "WHERE name >= ? COLLATE NOCASE AND name < ? COLLATE NOCASE"
            params: list[Any] = [prefix, prefix + _LAST]
        else:  # counting every entity of a large store is a full scan and sort: recent ones
            conditions = (
                "WHERE story_id IN (SELECT s.id FROM stories AS s "
                f"ORDER BY s.event_date DESC, s.seq DESC LIMIT {RECENT_ENTITY_STORIES})"
            )
            params = []
        rows = self._db.execute(
            f"SELECT min(name), min(type), count(*) FROM story_entities {conditions} "
            "GROUP BY name COLLATE NOCASE ORDER BY 3 DESC, 1 LIMIT ?",
            (*params, max(limit, 0)),
        )
        return [EntityCount(name, type_, n) for name, type_, n in rows]

    def entity(self, name: str) -> EntityCount | None:
        rows = self._db.execute(
            "SELECT name, type, count(*) FROM story_entities WHERE name = ? COLLATE NOCASE "
            "GROUP BY name, type ORDER BY 3 DESC, 1, 2",
            (name,),
        ).fetchall()
        if not rows:
            return None
        return EntityCount(rows[0][0], rows[0][1], sum(r[2] for r in rows))

    # outlets

    def outlets(self, *, limit: int = 200) -> list[OutletCount]:
        rows = self._db.execute(
            "SELECT outlet, count(*) FROM story_outlets GROUP BY outlet ORDER BY 2 DESC, 1 LIMIT ?",
            (max(limit, 0),),
        )
        return [OutletCount(outlet, n) for outlet, n in rows]

    def outlet_articles(
        self, outlet: str, *, offset: int = 0, limit: int = 20
    ) -> list[ArticleCard]:
        found: list[ArticleCard] = []
        for card in self._outlet_articles(outlet):
            if offset > 0:
                offset -= 1
                continue
            if len(found) >= limit:
                break
            found.append(card)
        return found

    def _outlet_articles(self, outlet: str) -> Iterator[ArticleCard]:
        """Articles of the stories `outlet` covers, newest first, whose label is `outlet`.

        The label is computed (`Article.outlet_label`), so SQL narrows to the articles that
        could carry it (their outlet is the label or its "Outlet (" start, or is unknown) and
        Python keeps those that do, lazily: a page reads about a page of rows.
        """
        rows = self._db.execute(
            f"SELECT {_ARTICLE_CARD}, sa.story_id FROM story_outlets AS so "
            "JOIN story_articles AS sa ON sa.story_id = so.story_id "
            "JOIN articles AS a ON a.id = sa.article_id "
            "WHERE so.outlet = ? AND (a.outlet IS NULL OR a.outlet = ? "
            "OR substr(?, 1, length(a.outlet) + 2) = a.outlet || ' (') "
            "ORDER BY a.published IS NULL, a.published DESC, a.seq DESC",
            (outlet, outlet, outlet),
        )
        for row in rows:
            card = _article_card(row[:7], row[7], [])
            if card.outlet == outlet:
                yield card

    def outlet_exclusives(self, outlet: str, *, limit: int = 20) -> list[Exclusive]:
        rows = self._db.execute(
            "SELECT s.id, s.title, s.event_date, s.analysis FROM story_outlets AS so "
            "JOIN stories AS s ON s.id = so.story_id "
            f"WHERE so.outlet = ? AND s.outlet_count > 1 {_ORDER} LIMIT ?",
            (outlet, max(limit, 0) * 5),  # bounded: not every story has exclusives
        )
        found = []
        for story_id, title, event_date, analysis in rows:
            for coverage in json.loads(analysis or "{}").get("coverage", []):
                if coverage.get("outlet") == outlet and coverage.get("exclusive"):
                    found.append(
                        Exclusive(story_id, title, _date(event_date), list(coverage["exclusive"]))
                    )
            if len(found) >= limit:
                break
        return found
