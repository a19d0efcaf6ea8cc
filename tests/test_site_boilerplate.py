"""Boilerplate learned per site: what is learned, what is kept, and that learning is
incremental, idempotent and leaves stored articles and stories consistent."""

from __future__ import annotations

from pathlib import Path
from random import Random

from newsweave.app.export import export_articles
from newsweave.app.pipeline import ingest_documents, refresh_stories
from newsweave.ingest import read_paths
from newsweave.model import Article, RawDocument, Removal
from newsweave.site_boilerplate import (
    BoilerplateSettings,
    decide,
    line_key,
    normalise_line,
    site_of,
    strip,
    units,
)
from newsweave.store import Store, open_store

TEMPLATE = "Comments on this blog are checked by our editors before they appear."
QUOTE = '"We will not give up on the ceasefire," the envoy told reporters in Geneva.'
_NAMES = [
    "Alder",
    "Birch",
    "Cedar",
    "Dogwood",
    "Elm",
    "Fir",
    "Ginkgo",
    "Hazel",
    "Ivy",
    "Juniper",
    "Larch",
    "Maple",
    "Oak",
    "Pine",
]
_WORDS = [
    "council",
    "harbour",
    "bridge",
    "school",
    "library",
    "tramway",
    "hospital",
    "stadium",
    "market",
    "museum",
    "canal",
    "budget",
    "vote",
    "mayor",
    "river",
    "street",
    "plan",
    "station",
    "park",
    "tower",
    "ferry",
    "garden",
    "square",
    "road",
    "tunnel",
    "clinic",
    "court",
    "theatre",
    "airport",
    "farm",
    "mill",
    "quay",
    "dock",
    "barracks",
    "chapel",
    "pier",
    "lighthouse",
]


def body(n: int) -> str:
    """Two paragraphs of words no other body strings together the same way (no digits:
    they are masked in line keys), so that no two bodies are near-copies."""
    rng = Random(n)
    first = " ".join(rng.choice(_WORDS) for _ in range(20))
    second = " ".join(rng.choice(_WORDS) for _ in range(20))
    return f"The {first} ended.\n\nThen {second} began."


def doc(n: int, outlet: str | None, *extra: str, url: str | None = None) -> RawDocument:
    text = "\n\n".join([body(n), *extra])
    return RawDocument(
        source=f"{outlet}/{n}.txt", text=text, format="text", outlet=outlet, url=url,
        needs_cleaning=False,
    )  # fmt: skip


def site_docs(outlet: str, start: int, count: int, carrying: dict[int, list[str]]) -> list:
    """`count` articles of `outlet`; the k-th carries the lines `carrying[k]`."""
    return [doc(start + k, outlet, *carrying.get(k, [])) for k in range(count)]


def ingest(store: Store, documents: list[RawDocument], **options: object) -> None:
    ingest_documents(documents, store, cluster=False, **options)  # type: ignore[arg-type]


def texts(store: Store) -> list[str]:
    return [a.text for a in store.articles()]


# ---- normalising and splitting


def test_numbers_dates_and_times_are_masked_case_and_punctuation_ignored() -> None:
    assert normalise_line("At 13:46 20th Jan 2012, Sam wrote:") == normalise_line(
        "at 9:05 3rd March 2011 Sam WROTE"
    )
    assert line_key("Comments (12)") == line_key("comments (3)")
    assert line_key("Comments (12)") != line_key("Comments closed")


def test_units_are_paragraphs_and_their_longer_sentences() -> None:
    found = units("One short line\n\nThe U.S. envoy left. He said nothing more today. Ok.")
    assert [(u.text, u.whole) for u in found] == [
        ("One short line", True),
        ("The U.S. envoy left. He said nothing more today. Ok.", True),
        ("The U.S. envoy left.", False),  # no sentence ends at "U.S."
        ("He said nothing more today.", False),
    ]


def test_site_is_the_outlet_else_the_url_host() -> None:
    article = Article(id="a", source="s", text="t", url="https://www.example.org/x")
    assert site_of(article) == "example.org"
    article.outlet = "Example News"
    assert site_of(article) == "Example News"
    assert site_of(Article(id="b", source="s", text="t")) is None


def test_a_line_is_learned_only_where_every_site_carrying_it_passes() -> None:
    settings = BoilerplateSettings()
    counts = {1: {"A": 5, "B": 4}, 2: {"A": 5, "B": 1}, 3: {"A": 2}}
    assert decide(counts, {"A": 20, "B": 20}, settings) == {("A", 1), ("B", 1)}


def test_strip_never_empties_a_body_and_resets_annotations() -> None:
    article = Article(id="a", source="s", text=TEMPLATE, recognised=True)
    assert not strip(article, {line_key(TEMPLATE)}, "A")
    article.text = f"Body line here.\n\n{TEMPLATE}"
    assert strip(article, {line_key(TEMPLATE)}, "A")
    assert article.text == "Body line here."
    assert article.removed == [Removal(TEMPLATE, "site_boilerplate:A")]
    assert not article.recognised


# ---- learning through ingest


def test_a_line_in_four_articles_of_a_site_is_removed_and_one_carried_once_kept(
    store: Store,
) -> None:
    once = "The mayor thanked the volunteers who cleared the river banks."
    carrying = {0: [TEMPLATE], 3: [TEMPLATE], 5: [TEMPLATE], 8: [TEMPLATE], 9: [once]}
    ingest(store, site_docs("Daily Post", 0, 12, carrying))
    assert not any(TEMPLATE in t for t in texts(store))
    assert any(once in t for t in texts(store))
    cleaned = [a for a in store.articles() if a.removed]
    assert len(cleaned) == 4
    assert all(a.removed == [Removal(TEMPLATE, "site_boilerplate:Daily Post")] for a in cleaned)


def test_a_sentence_repeated_inside_paragraphs_is_removed_alone(store: Store) -> None:
    carrying = {k: [f"Lead paragraph {_NAMES[k]} moved on. {TEMPLATE}"] for k in range(4)}
    ingest(store, site_docs("Daily Post", 0, 10, carrying))
    first = store.articles()[0]
    assert first.text.endswith(f"Lead paragraph {_NAMES[0]} moved on.")
    assert first.removed == [Removal(TEMPLATE, "site_boilerplate:Daily Post")]


def test_a_quote_carried_by_five_outlets_is_kept(store: Store) -> None:
    documents = site_docs("Wire One", 0, 10, {k: [QUOTE] for k in range(4)})
    for n, outlet in enumerate(["Two", "Three", "Four", "Five"]):
        documents += site_docs(outlet, 20 + 10 * n, 10, {0: [QUOTE]})
    ingest(store, documents)
    assert sum(QUOTE in t for t in texts(store)) == 8
    assert not any(a.removed for a in store.articles())


def test_the_same_repeats_in_one_outlet_alone_are_learned(store: Store) -> None:
    ingest(store, site_docs("Wire One", 0, 10, {k: [QUOTE] for k in range(4)}))
    assert not any(QUOTE in t for t in texts(store))


def test_a_template_two_sites_each_repeat_is_learned_in_both(store: Store) -> None:
    documents = site_docs("Site A", 0, 10, {k: [TEMPLATE] for k in range(5)})
    documents += site_docs("Site B", 20, 10, {k: [TEMPLATE] for k in range(3)})
    ingest(store, documents)
    assert not any(TEMPLATE in t for t in texts(store))


def test_a_site_under_its_minimum_learns_nothing_until_it_reaches_it(store: Store) -> None:
    ingest(store, site_docs("Small", 0, 5, {k: [TEMPLATE] for k in range(4)}))
    assert sum(TEMPLATE in t for t in texts(store)) == 4
    ingest(store, site_docs("Small", 5, 5, {}))  # ten articles: the earlier lines count now
    assert not any(TEMPLATE in t for t in texts(store))


def test_unkeyed_articles_are_neither_counted_nor_cleaned(store: Store) -> None:
    ingest(store, site_docs(None, 0, 12, {k: [TEMPLATE] for k in range(6)}))  # type: ignore[arg-type]
    assert sum(TEMPLATE in t for t in texts(store)) == 6


def test_counting_is_incremental_and_cleans_articles_stored_earlier(store: Store) -> None:
    ingest_documents(site_docs("Daily Post", 0, 10, {0: [TEMPLATE], 1: [TEMPLATE]}), store)
    assert sum(TEMPLATE in t for t in texts(store)) == 2
    assert store.line_counts([line_key(TEMPLATE)]) == {line_key(TEMPLATE): {"Daily Post": 2}}
    refresh_stories(store, analyse=False)  # every story summarised, none stale
    assert store.stale_stories(100) == []
    first_ids = [a.id for a in store.articles()]
    carrier_stories = set(store.story_ids_of(first_ids[:2]).values())

    report = ingest_documents(site_docs("Daily Post", 10, 2, {0: [TEMPLATE], 1: [TEMPLATE]}), store)
    assert not any(TEMPLATE in t for t in texts(store))
    assert report.cleaned == 4
    assert [a.id for a in store.articles()][:10] == first_ids  # ids stay what they were
    assert carrier_stories <= {s.id for s in store.stale_stories(100)}
    assert store.article(first_ids[0]).sentences == []  # type: ignore[union-attr]


def test_reingesting_counts_nothing_twice_and_finds_the_articles_stored(store: Store) -> None:
    documents = site_docs("Daily Post", 0, 10, {k: [TEMPLATE] for k in range(4)})
    ingest(store, documents)
    sizes, counts = store.site_sizes(["Daily Post"]), store.line_counts([line_key(TEMPLATE)])
    report = ingest_documents(
        site_docs("Daily Post", 0, 10, {k: [TEMPLATE] for k in range(4)}), store, cluster=False
    )
    assert report.duplicates == 10 and report.added == 0
    assert store.site_sizes(["Daily Post"]) == sizes == {"Daily Post": 10}
    assert (
        store.line_counts([line_key(TEMPLATE)]) == counts == {line_key(TEMPLATE): {"Daily Post": 4}}
    )


def test_near_copies_do_not_make_their_lines_a_template(store: Store) -> None:
    story = (
        body(40) + "\n\nThe vote was close and the opposition asked for a recount of the ballots."
    )
    versions = [
        RawDocument(source=f"v{k}", text=f"{story}\n\n{tail}", format="text", outlet="Daily Post",
                    needs_cleaning=False)
        for k, tail in enumerate(["Update one follows.", "Update two follows.", "A third note."])
    ]  # fmt: skip
    ingest(store, site_docs("Daily Post", 0, 8, {}) + versions)
    assert sum(story in t for t in texts(store)) == 3


def test_articles_stored_without_learning_are_counted_by_the_next_run(store: Store) -> None:
    ingest(store, site_docs("Daily Post", 0, 10, {k: [TEMPLATE] for k in range(4)}),
           learn_boilerplate=False)  # fmt: skip
    assert sum(TEMPLATE in t for t in texts(store)) == 4
    assert store.site_sizes(["Daily Post"]) == {}
    ingest(store, [])
    assert not any(TEMPLATE in t for t in texts(store))
    assert store.site_sizes(["Daily Post"]) == {"Daily Post": 10}


def test_an_export_of_cleaned_articles_reads_back_as_the_same_articles(
    store: Store, tmp_path: Path
) -> None:
    ingest(store, site_docs("Daily Post", 0, 10, {k: [TEMPLATE] for k in range(4)}))
    exported = tmp_path / "out.jsonl"
    with exported.open("w", encoding="utf-8") as out:
        export_articles(store, out)
    report = ingest_documents(read_paths([exported]), store, cluster=False)
    assert report.duplicates == 10 and report.added == 0
    with open_store(tmp_path / "fresh.db") as fresh:
        ingest(fresh, list(read_paths([exported])))  # type: ignore[arg-type]
        assert [(a.id, a.text, a.removed) for a in fresh.articles()] == [
            (a.id, a.text, a.removed) for a in store.articles()
        ]


def test_the_run_report_counts_lines_learned_and_bodies_cleaned(store: Store) -> None:
    carrying = {k: [TEMPLATE] for k in (0, 3, 5, 8)}
    report = ingest_documents(site_docs("Daily Post", 0, 12, carrying), store, cluster=False)
    assert (report.learned, report.cleaned) == (1, 4)
