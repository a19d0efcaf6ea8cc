"""The SQLite store: round trips, no duplicates, whole batches only, clear errors, search,
one mixin per role."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from factories import cite, make_article, make_story
from newsweave.model import (
    Article,
    Entity,
    Parsed,
    Quote,
    Removal,
    Sentence,
    Story,
    StoryEntity,
    SummarySentence,
    article_id,
)
from newsweave.store import Store, StoreError, open_store
from newsweave.store.sqlite.schema import MIGRATIONS, SCHEMA_VERSION


def full_article() -> Article:
    """An article with every field the store keeps filled in."""
    text = "Assad met Putin in Sochi. Peskov spoke later."
    return make_article(
        text,
        format="jsonl",
        title="Assad meets Putin",
        outlet="The Moscow Times",
        published=date(2018, 5, 18),
        published_estimated=True,
        author="A. Writer",
        credits=["Reuters"],
        url="https://www.themoscowtimes.com/x",
        external_id="ext-1",
        removed=[Removal("Read more: x", "teaser"), Removal("Ünïcode © ad", "ad")],
        sentences=[
            Sentence("Assad met Putin in Sochi.", 0, 25, 0),
            Sentence("Peskov spoke later.", 26, 45, 1),
        ],
        entities=[Entity("Assad", "PERSON", 0, 5), Entity("Sochi", "GPE", 19, 24)],
        language="en",
        title_derived=True,
        dateline="Moscow",
    )


def story_of(*articles: Article, id: str = "abc123def456") -> Story:
    """A story with a title, an event date and one summary sentence citing every article."""
    first, *others = articles
    return make_story(
        *articles,
        id=id,
        title="T",
        event_date=date(2018, 5, 17),
        summary=[cite(first, 0, *others)],
    )


def test_round_trip_and_no_duplicates(store: Store) -> None:
    article = full_article()
    assert store.add_articles([article]) == [article.id]
    assert store.add_articles([article, article]) == []
    assert store.article_count() == 1
    assert store.article(article.id) == article
    assert store.articles() == [article]
    assert store.has_article(article.id) and not store.has_article("nope")
    assert store.article("nope") is None


def test_article_ids_stay_what_earlier_versions_stored() -> None:
    """An id hashes the normalised body, so re-ingesting a file into a store made by an
    earlier version finds its articles only while normalising gives the same text: these
    ids, over every kind of space, must never change."""
    text = "  Assad\u00a0met\tPutin \u2028in\x1cSochi\u3000— “Thursday”, 17 May 2018.\n\n\u0085İ  "
    assert article_id(text) == "6b739ecfcea8328e"
    assert article_id("Assad met Putin in Sochi thursday 17 MAY 2018 i") == "6b739ecfcea8328e"


def test_article_heads_leave_the_words_out(store: Store) -> None:
    article, other = full_article(), make_article("Another article, plainly.")
    store.add_articles([article, other])
    heads = store.article_heads([other.id, "unknown", article.id])
    assert heads == [
        dataclasses.replace(x, text="", sentences=[], entities=[], removed=[])
        for x in (other, article)
    ]
    assert heads[1].outlet_label == article.outlet_label


def test_annotations_that_are_not_slices_survive(store: Store) -> None:
    """Offsets are stored compactly, but an annotation whose text is not its slice is kept."""
    article = make_article(
        "Mr.  Assad   met Putin.",
        sentences=[Sentence("Mr. Assad met Putin.", 0, 23, 3)],
        entities=[Entity("Assad", "PERSON", 5, 10), Entity("Mr Assad", "PERSON", 0, 10)],
    )
    store.add_articles([article])
    assert store.article(article.id) == article


def test_the_parse_round_trips_with_the_article_and_its_annotations(store: Store) -> None:
    """Quotes and verbs by sentence are kept with the article, added with it or stored later
    with its annotations; the heads leave them out, and a changed body drops them."""
    parse = Parsed(
        [
            Quote("We agreed", "Dmitry Peskov", "Peskov", "said", 3, 12, True, 30, 36),
            Quote("talks went on", None, None, None, 40, 53, False, continues=True),
        ],
        [frozenset({"meet"}), frozenset()],
    )
    parsed = dataclasses.replace(full_article(), parse=parse)
    plain = make_article("Another article, plainly.")
    store.add_articles([parsed, plain])
    assert store.article(parsed.id) == parsed
    assert store.article(plain.id).parse is None  # type: ignore[union-attr]
    plain.recognised, plain.parse = True, Parsed([], [frozenset({"read", "write"})])
    store.update_annotations([plain])
    assert store.article(plain.id) == plain
    assert store.article_heads([parsed.id])[0].parse is None
    shorter = dataclasses.replace(parsed, text=parsed.text[:25], parse=None, recognised=False)
    store.replace_bodies([dataclasses.replace(shorter, sentences=[], entities=[])])
    assert store.article(parsed.id).parse is None  # type: ignore[union-attr]


def test_batches_dedupe_and_keep_order(store: Store) -> None:
    many = [make_article(f"Article number {n} of a long batch.") for n in range(1234)]
    first = many[0]
    added = store.add_articles([first, *many, first])
    assert added == [a.id for a in many]
    assert store.article_count() == len(many)
    assert store.articles() == many
    wanted = [many[7].id, "unknown", many[3].id, many[7].id]
    assert store.articles(wanted) == [many[7], many[3]]


def test_stories_round_trip_and_prefix_lookup(store: Store) -> None:
    a, b = full_article(), make_article("A second article about the same meeting.", outlet="DW")
    c = make_article("Weather in Sochi was fine.")
    one, two = story_of(a, b), story_of(c, id="abd000000000")
    store.add_articles([a, b, c])
    store.replace_stories([one, two])
    assert store.stories() == [one, two]
    assert store.story("abc1") == one
    assert store.story("abc123def456") == one
    assert store.story("ab") is None  # ambiguous
    assert store.story("zzz") is None and store.story("") is None
    store.replace_stories([two])
    assert store.stories() == [two]
    store.replace_stories([])
    assert store.stories() == []
    assert store.article_count() == 3


def test_a_story_rewritten_in_place_has_exactly_its_new_members(store: Store) -> None:
    """Member and outlet rows are changed only where they differ (`_write_members`): a story
    that grows, loses members, reorders them and changes outlets reads back as written."""
    a, b, c, d = (
        make_article(f"Report number {n} on the meeting.", outlet=outlet)
        for n, outlet in enumerate(["TASS", "DW", "RT", "DW"])
    )
    store.add_articles([a, b, c, d])
    store.update_clusters([], [make_story(a, b, id="s1")], [])
    assert store.story_members(["s1"]) == {"s1": [a.id, b.id]}
    grown = make_story(c, a, b, id="s1")  # a new first member moves the others down
    store.update_clusters([], [grown], [])
    assert store.story_members(["s1"]) == {"s1": [c.id, a.id, b.id]}
    reordered = make_story(d, b, c, id="s1")  # a leaves, d arrives, b and c swap
    store.update_clusters([], [reordered], [])
    assert store.story_members(["s1"]) == {"s1": [d.id, b.id, c.id]}
    story = store.story("s1")
    assert story is not None and [x.id for x in story.articles] == [d.id, b.id, c.id]
    # the listing rows follow: TASS left with a, DW has one story however many articles
    assert {(o.outlet, o.stories) for o in store.outlets()} == {("DW", 1), ("RT", 1)}
    store.save_stories([story])  # unchanged members: nothing to write, nothing lost
    assert store.story_members(["s1"]) == {"s1": [d.id, b.id, c.id]}


def test_stories_need_stored_articles(store: Store) -> None:
    a = full_article()
    store.add_articles([a])
    store.replace_stories([story_of(a)])
    with pytest.raises(StoreError, match="not stored"):
        store.replace_stories([story_of(make_article("Never added."), id="fff")])
    assert store.stories() == [story_of(a)]  # the failed replacement changed nothing


def test_crash_mid_batch_stores_nothing_of_it(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    before = make_article("An article stored before the crash.")

    def batch() -> Iterator[Article]:
        for n in range(800):  # past one executemany chunk, so rows were already written
            yield make_article(f"Article {n} of a batch that dies halfway.")
        raise RuntimeError("killed")

    with open_store(db) as store:
        store.add_articles([before])
        with pytest.raises(RuntimeError):
            store.add_articles(batch())
        assert store.article_count() == 1
        after = make_article("An article stored after the crash.")
        assert store.add_articles([after]) == [after.id]  # the connection is still usable
    with open_store(db) as store:
        assert store.articles() == [before, after]
        assert store.search_articles("halfway") == []


def test_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError, match=r"notes\.db"):
        open_store(bogus)
    with pytest.raises(StoreError, match="directory"):
        open_store(tmp_path)
    with pytest.raises(StoreError, match=r"missing"):
        open_store(tmp_path / "missing" / "n.db")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE accounts (id INTEGER)")
    with pytest.raises(StoreError, match=r"other\.db.*not a newsweave"):
        open_store(other)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    open_store(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
        )
    with pytest.raises(StoreError, match=r"n\.db.*newer"):
        open_store(db)


def test_version_1_file_is_migrated(tmp_path: Path) -> None:
    """A file from schema 1 (summary as a JSON column) opens with its stories intact."""
    db = tmp_path / "v1.db"
    a = full_article()
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    for statement in MIGRATIONS[1]:
        assert isinstance(statement, str)
        raw.execute(statement)
    raw.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    raw.execute(
        "INSERT INTO articles (id, source, format, text, credits, removed, sentences, entities) "
        "VALUES (?, ?, 'text', ?, '[]', '[]', '[[0,25]]', '[]')",
        (a.id, a.source, a.text),
    )
    summary = [
        {"text": "Assad met Putin in Sochi.", "article_id": a.id, "sentence_index": 0,
         "article_ids": [a.id], "outlets": ["x.txt"]}
    ]  # fmt: skip
    raw.execute(
        "INSERT INTO stories (id, title, summary) VALUES ('s1', 'T', ?)", (json.dumps(summary),)
    )
    raw.execute("INSERT INTO story_articles VALUES ('s1', ?, 0)", (a.id,))
    raw.commit()
    raw.close()
    with open_store(db) as store:
        (story,) = store.stories()
        assert [x.id for x in story.articles] == [a.id]
        assert story.summary == [
            SummarySentence("Assad met Putin in Sochi.", a.id, 0, [a.id], ["x.txt"])
        ]
        assert [h.id for h in store.search_articles("Peskov")] == [a.id]
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT value FROM meta").fetchone()[0] == str(SCHEMA_VERSION)
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []


def test_version_7_file_searches_stories_by_entities(tmp_path: Path) -> None:
    """A file whose story index holds titles and summaries only (schema 7) opens with every
    stored story indexed by its entity names, facts and quotes too."""
    db = tmp_path / "v7.db"
    a = full_article()
    with open_store(db) as store:
        store.add_articles([a])
        story = make_story(a, id="s7", title="Talks")
        story.entities = [StoryEntity("Dmitry Peskov", "PERSON", ["Peskov"], [a.id], 1, 1.0)]
        store.replace_stories([story])
    with sqlite3.connect(db) as raw:  # the index and the articles as version 7 made them
        raw.execute("ALTER TABLE articles DROP COLUMN parse")
        raw.execute("DROP TABLE story_search")
        raw.execute("CREATE VIRTUAL TABLE story_search USING fts5(title, summary)")
        raw.execute(
            "INSERT INTO story_search (rowid, title, summary) SELECT seq, title, '' FROM stories"
        )
        raw.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    with open_store(db) as store:
        assert [s.id for s in store.search_stories("Peskov")] == ["s7"]
        assert store.check() == []
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT value FROM meta").fetchone()[0] == str(SCHEMA_VERSION)


def test_each_role_is_one_mixin_of_the_sqlite_store(store: Store) -> None:
    """Every role interface is implemented whole by the SQLite mixin of the same module,
    and the store is all of them."""
    from newsweave.store import (
        ArticleStore,
        BrowseStore,
        FetchStateStore,
        NearDuplicateIndex,
        StoreCheck,
        StoryStore,
        TermIndex,
    )
    from newsweave.store.sqlite import SQLiteStore
    from newsweave.store.sqlite.articles import SQLiteArticles
    from newsweave.store.sqlite.browse import SQLiteBrowse
    from newsweave.store.sqlite.check import SQLiteCheck
    from newsweave.store.sqlite.fetch_state import SQLiteFetchState
    from newsweave.store.sqlite.near_duplicates import SQLiteNearDuplicates
    from newsweave.store.sqlite.stories import SQLiteStories
    from newsweave.store.sqlite.terms import SQLiteTerms

    roles = {
        ArticleStore: SQLiteArticles,
        NearDuplicateIndex: SQLiteNearDuplicates,
        TermIndex: SQLiteTerms,
        StoryStore: SQLiteStories,
        FetchStateStore: SQLiteFetchState,
        BrowseStore: SQLiteBrowse,
        StoreCheck: SQLiteCheck,
    }
    for role, mixin in roles.items():
        assert issubclass(mixin, role) and not mixin.__abstractmethods__, mixin
        assert issubclass(SQLiteStore, mixin) and isinstance(store, role)
    # the roles share no method: each is what one kind of caller needs
    methods = [set(role.__abstractmethods__) for role in roles]
    assert sum(map(len, methods)) == len(set().union(*methods))


def test_pragmas(store: Store) -> None:
    db = store._db  # type: ignore[attr-defined]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # a writer waits for another's transaction (a clustering step of another process)
    # rather than failing with "database is locked"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 600_000


def test_search(store: Store) -> None:
    store.add_articles(
        [
            full_article(),
            make_article("Nothing about the Kremlin here, only weather. <b>Peskov</b> & co."),
            make_article("Peskov is mentioned once in this body.", title="Peskov in the title"),
        ]
    )
    hits = store.search_articles("Peskov")
    assert len(hits) == 3
    assert hits[0].snippet[0] == ("Peskov", True)  # the title match ranks first
    assert {h.id for h in store.search_articles("peskov spoke")} == {full_article().id}
    # the snippet is data: the article's text as it is, never escaped or marked up here
    (raw,) = [h.snippet for h in hits if any("Kremlin" in text for text, _ in h.snippet)]
    assert "<b>Peskov</b> & co." in "".join(text for text, _ in raw)
    assert ("Peskov", True) in raw and not any("<mark>" in text for text, _ in raw)
    assert store.search_articles('"') == [] and store.search_articles("   ") == []
    # operators are words, not syntax errors
    assert store.search_articles('Peskov OR NEAR( "x') == []
    assert len(store.search_articles("Peskov", limit=1)) == 1


def test_story_analysis_round_trip(tmp_path: Path) -> None:
    from newsweave.model import (
        Disagreement,
        Fact,
        OutletCoverage,
        QuoteVariant,
        Statement,
        StoryEntity,
        StoryQuote,
        Version,
    )

    a = make_article("Assad met Putin in Sochi on Thursday, the Kremlin said.")
    story = make_story(a, id="s1", title="T")
    story.entities = [StoryEntity("Bashar al-Assad", "PERSON", ["Assad"], [a.id], 3, 1.2)]
    story.facts = [
        Fact(
            "Assad met Putin.",
            ["DW"],
            [a.id],
            1,
            ["DW"],
            [Statement(a.id, "DW", 0, "Assad met Putin.")],
        )
    ]
    story.disagreements = [
        Disagreement(
            "day of the week", "weekday", [Version("DW", a.id, "met Thursday", "thursday")]
        )
    ]
    story.quotes = [
        StoryQuote(
            "Stability",
            "Bashar al-Assad",
            "tell",
            ["DW"],
            [a.id],
            [QuoteVariant("Stability", ["DW"], [a.id])],
        )
    ]
    story.coverage = [OutletCoverage("DW", ["only DW"], [])]
    with open_store(tmp_path / "n.db") as store:
        store.add_articles([a])
        store.replace_stories([story])
        assert store.story("s1") == story
