"""SQLite implementation of `BoilerplateIndex`: a row per (line key, site, article) in
`site_lines` (keyed by line first: the step looks a batch's keys up across every site), the
sites with their counted independent articles in `sites`, the learned lines in
`site_boilerplate`, and `articles.lines_counted`."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from newsweave.model import Article
from newsweave.store.boilerplate import BoilerplateIndex
from newsweave.store.sqlite.connection import (
    _SELECT_ARTICLE,
    SQLiteConnection,
    _article,
    _chunks,
    _entity,
    _json,
    _sentence,
)


class SQLiteBoilerplate(SQLiteConnection, BoilerplateIndex):
    """The line counts of `SQLiteStore`."""

    @contextmanager
    def learning(self) -> Iterator[None]:
        with self._transaction():
            yield

    def uncounted(self, limit: int, among: Sequence[str] | None = None) -> list[Article]:
        if among is None:
            rows = self._db.execute(
                f"SELECT {_SELECT_ARTICLE} FROM articles AS a WHERE a.lines_counted = 0 "
                "ORDER BY a.seq LIMIT ?",
                (limit,),
            )
            return [_article(r) for r in rows]
        found: dict[str, Article] = {}
        wanted = list(dict.fromkeys(among))
        for chunk in _chunks(wanted):
            marks = ", ".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT {_SELECT_ARTICLE} FROM articles AS a "
                f"WHERE a.id IN ({marks}) AND a.lines_counted = 0",
                chunk,
            )
            found.update((r[0], _article(r)) for r in rows)
        return [found[i] for i in wanted if i in found][:limit]

    def count_lines(self, lines: Mapping[str, tuple[str | None, bool, Collection[int]]]) -> None:
        with self._transaction() as db:
            for chunk in _chunks(list(lines)):
                marks = ", ".join("?" * len(chunk))
                pending = dict(
                    db.execute(
                        f"SELECT id, seq FROM articles WHERE id IN ({marks}) AND lines_counted = 0",
                        chunk,
                    )
                )
                rows: list[tuple[int, int, int, int]] = []
                for article_id, seq in pending.items():
                    site, independent, keys = lines[article_id]
                    if site is None:
                        continue
                    site_id = self._site_id(site)
                    rows += ((key, site_id, seq, int(independent)) for key in keys)
                    if independent:
                        db.execute(
                            "UPDATE sites SET articles = articles + 1 WHERE id = ?", (site_id,)
                        )
                db.executemany(
                    "INSERT OR IGNORE INTO site_lines (line, site, seq, independent) "
                    "VALUES (?, ?, ?, ?)",
                    sorted(rows),
                )
                db.executemany(
                    "UPDATE articles SET lines_counted = 1 WHERE seq = ?",
                    ((seq,) for seq in pending.values()),
                )

    def _site_id(self, name: str) -> int:
        self._db.execute("INSERT OR IGNORE INTO sites (name) VALUES (?)", (name,))
        return self._db.execute("SELECT id FROM sites WHERE name = ?", (name,)).fetchone()[0]

    def site_sizes(self, sites: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(set(sites))):
            marks = ", ".join("?" * len(chunk))
            found.update(
                self._db.execute(f"SELECT name, articles FROM sites WHERE name IN ({marks})", chunk)
            )
        return found

    def line_counts(self, keys: Iterable[int]) -> dict[int, dict[str, int]]:
        counts: dict[int, dict[str, int]] = {}
        for chunk in _chunks(sorted(set(keys))):
            marks = ", ".join("?" * len(chunk))
            for key, site, n in self._db.execute(
                "SELECT l.line, s.name, sum(l.independent) FROM site_lines AS l "
                f"JOIN sites AS s ON s.id = l.site WHERE l.line IN ({marks}) "
                "GROUP BY l.line, l.site",
                chunk,
            ):
                counts.setdefault(key, {})[site] = n
        return counts

    def site_line_keys(self, site: str) -> set[int]:
        return {
            key
            for (key,) in self._db.execute(
                "SELECT DISTINCT l.line FROM site_lines AS l JOIN sites AS s ON s.id = l.site "
                "WHERE s.name = ?",
                (site,),
            )
        }

    def learned_lines(self, sites: Iterable[str]) -> dict[str, set[int]]:
        learned: dict[str, set[int]] = {}
        for chunk in _chunks(sorted(set(sites))):
            marks = ", ".join("?" * len(chunk))
            for site, key in self._db.execute(
                "SELECT s.name, b.line FROM site_boilerplate AS b "
                f"JOIN sites AS s ON s.id = b.site WHERE s.name IN ({marks})",
                chunk,
            ):
                learned.setdefault(site, set()).add(key)
        return learned

    def learn_lines(self, lines: Iterable[tuple[str, int]]) -> list[str]:
        carriers: list[str] = []
        with self._transaction() as db:
            for site, key in sorted(set(lines)):
                site_id = self._site_id(site)
                db.execute(
                    "INSERT OR IGNORE INTO site_boilerplate (site, line) VALUES (?, ?)",
                    (site_id, key),
                )
                carriers += (
                    article_id
                    for (article_id,) in db.execute(
                        "SELECT a.id FROM site_lines AS l JOIN articles AS a ON a.seq = l.seq "
                        "WHERE l.line = ? AND l.site = ?",
                        (key, site_id),
                    )
                )
        return list(dict.fromkeys(carriers))

    def replace_bodies(self, articles: Sequence[Article]) -> None:
        with self._transaction() as db:
            db.executemany(
                "UPDATE articles SET text = ?, removed = ?, sentences = ?, entities = ?, "
                "recognised = ?, parse = NULL WHERE id = ?",
                (
                    (
                        a.text,
                        _json([[r.text, r.rule] for r in a.removed]),
                        _json([_sentence(a.text, s, n) for n, s in enumerate(a.sentences)]),
                        _json([_entity(a.text, e) for e in a.entities]),
                        int(a.recognised),
                        a.id,
                    )
                    for a in articles
                ),
            )
            for chunk in _chunks([a.id for a in articles]):
                marks = ", ".join("?" * len(chunk))
                db.execute(
                    "UPDATE stories SET stale = 1 WHERE id IN (SELECT story_id FROM "
                    f"story_articles WHERE article_id IN ({marks}))",
                    chunk,
                )
