"""Incremental stories and near-duplicates: articles join the stored stories as they arrive,
story ids stay put, only changed stories are redone, and syndicated copies count once."""

from __future__ import annotations

import gc
import json
from datetime import date
from pathlib import Path

import pytest

from factories import SEEDS, make_article, seed_articles, seed_path
from newsweave.app import pipeline
from newsweave.cluster.batch import ClusterSettings
from newsweave.cluster.copies import fingerprints, similarity
from newsweave.cluster.incremental import _assign_ids
from newsweave.model import RawDocument, article_id
from newsweave.store import Store, open_store
from newsweave.tfidf import tokens


def groups(store: Store) -> set[frozenset[str]]:
    """Stories as sets of seed numbers (file name prefixes)."""
    return {frozenset(Path(a.source).name[:3] for a in story.articles) for story in store.stories()}


def test_seeds_one_at_a_time_make_the_two_stories(store: Store) -> None:
    for number in ("004", "000", "001", "002", "003"):
        pipeline.ingest([seed_path(number)], store)
    assert groups(store) == {frozenset({"000", "001", "002", "003"}), frozenset({"004"})}
    assert store.unclustered(10) == []


def test_one_run_reads_its_cached_stories_without_their_words(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One article a chunk, in one run: each chunk's region is made of articles the run has
    bagged already, read without their text; the stories are the same as article by article."""
    read: dict[str, int] = {"articles": 0, "article_heads": 0}
    for name in read:
        method = getattr(type(store), name)

        def counted(self, ids, method=method, name=name):
            found = method(self, ids)
            read[name] += len(found)
            return found

        monkeypatch.setattr(type(store), name, counted)
    numbers = ("004", "000", "001", "002", "003")
    pipeline.ingest([seed_path(n) for n in numbers], store, batch_size=1)
    assert groups(store) == {frozenset({"000", "001", "002", "003"}), frozenset({"004"})}
    assert read["article_heads"] > 0 and read["articles"] == 0


def test_story_ids_stay_and_only_changed_stories_are_redone(store: Store) -> None:
    pipeline.ingest([seed_path("000"), seed_path("001"), seed_path("002")], store)
    pipeline.ingest([seed_path("004")], store)
    pipeline.refresh_stories(store, analyse=False)
    before = {s.id: s for s in store.stories()}
    (sochi,) = [s for s in before.values() if len(s.articles) == 3]
    assert store.stale_stories(10) == []

    report = pipeline.ingest([seed_path("003")], store)
    assert report.changed == {sochi.id}  # joined the Sochi story, kept its id
    (stale,) = store.stale_stories(10)
    assert stale.id == sochi.id and len(stale.articles) == 4
    assert stale.summary == []  # waits for the refresh

    refreshed = pipeline.refresh_stories(store, analyse=False)
    assert [s.id for s in refreshed] == [sochi.id]
    assert refreshed[0].summary
    assert {s.id for s in store.stories()} == set(before)


def test_nothing_changes_when_the_same_files_come_again(store: Store) -> None:
    pipeline.ingest([SEEDS], store)
    again = pipeline.ingest([SEEDS], store)
    assert again.added == 0 and again.changed == set()
    assert store.article_count() == 5 and len(store.stories()) == 2


def test_ids_follow_the_largest_overlap_when_stories_merge_or_split(store: Store) -> None:
    a, b, c, d = (make_article(f"text {n}", id=f"a{n}") for n in range(4))
    stored = {"left": ["a0", "a1"], "right": ["a2"]}
    # a bridging article joins both stories: the bigger keeps its id, the other is gone
    stories, removed = _assign_ids([[a, b, c, d]], stored, store)
    assert [s.id for s in stories] == ["left"] and removed == ["right"]
    # a story splits: the bigger part keeps the id, the other part gets a new one
    stories, removed = _assign_ids([[a], [b, c]], {"left": ["a0", "a1", "a2"]}, store)
    ids = {s.id: [x.id for x in s.articles] for s in stories}
    assert ids["left"] == ["a1", "a2"] and removed == []
    assert len(ids) == 2
    # a group that is exactly a stored story is not rewritten
    stories, removed = _assign_ids([[a, b], [c]], stored, store)
    assert stories == [] and removed == []


def test_a_bridging_article_merges_two_stories(store: Store) -> None:
    """Two stories until an article reports both. (The event split, which would keep an
    eruption and the flights it grounds apart as two events, is off here: this is about how
    the stored stories merge.)"""
    settings = ClusterSettings(separation=0.0)
    volcano = (
        "The Fagradalsfjall volcano on the Reykjanes peninsula erupted again on Monday, "
        "sending lava fountains into the night sky. Geologists at the Icelandic Met Office "
        "said the fissure was about two kilometres long. Residents of Grindavik were evacuated."
    )
    flights = (
        "Icelandair cancelled dozens of flights at Keflavik airport on Monday. Passengers "
        "queued at the terminal for rebooking while the airline waited for advice from air "
        "traffic control. Airport managers said the runways themselves were open."
    )
    docs = [
        (volcano, "Lava fountains lit the sky as the Fagradalsfjall volcano erupted on the "
                  "Reykjanes peninsula; Grindavik residents were evacuated, the Icelandic Met "
                  "Office said, describing a fissure two kilometres long."),
        (flights, "Keflavik airport passengers queued for rebooking after Icelandair "
                  "cancelled dozens of flights on Monday, awaiting advice from air traffic "
                  "control, though the runways were open, airport managers said."),
    ]  # fmt: skip
    lines = [
        json.dumps({"text": text, "published": "2024-03-18", "outlet": f"Outlet {n}"})
        for n, pair in enumerate(docs)
        for text in pair
    ]
    store_path = Path(store.path).with_name("first.jsonl")  # type: ignore[attr-defined]
    store_path.write_text("\n".join(lines), encoding="utf-8")
    pipeline.ingest([store_path], store, cluster_settings=settings)
    assert len(store.stories()) == 2
    kept = {s.id for s in store.stories()}
    bridge = Path(store.path).with_name("bridge.jsonl")  # type: ignore[attr-defined]
    bridge.write_text(
        json.dumps(
            {"text": f"{volcano} {flights}", "published": "2024-03-18", "outlet": "Outlet 9"}
        ),
        encoding="utf-8",
    )
    report = pipeline.ingest([bridge], store, cluster_settings=settings)
    (story,) = store.stories()
    assert len(story.articles) == 5
    assert report.changed == {story.id} and story.id in kept


def test_candidates_are_looked_for_within_the_time_window(store: Store) -> None:
    """An article can only join a story published within `max_span_days` of it, so the
    stored articles outside that window are no candidates (undated ones always are)."""
    text = (
        "The Fagradalsfjall volcano on the Reykjanes peninsula erupted again, sending lava "
        "fountains into the night sky. Geologists at the Icelandic Met Office said the "
        "fissure was about two kilometres long. Residents of Grindavik were evacuated."
    )
    days = {"march": "2024-03-18", "undated": None, "june": "2024-06-01"}
    for n, (name, day) in enumerate(days.items()):
        path = Path(store.path).with_name(f"{name}.jsonl")  # type: ignore[attr-defined]
        record = {"text": f"{text} Report {name}.", "outlet": f"Outlet {n}", "published": day}
        path.write_text(json.dumps(record), encoding="utf-8")
        pipeline.ingest([path], store)
    source = {a.id: Path(a.source).stem for a in store.articles()}
    march = (date(2024, 3, 10), date(2024, 3, 28))
    found = store.articles_sharing_terms(tokens(text), 100, 3, march)
    assert {source[i] for i in found} == {"march", "undated"}
    assert {source[i] for i in store.articles_sharing_terms(tokens(text), 100, 3)} == set(days)
    # the June report may take the undated one's story only if that stays within the span
    assert {frozenset(source[a.id] for a in s.articles) for s in store.stories()} == {
        frozenset({"march", "undated"}),
        frozenset({"june"}),
    }


def edited(text: str) -> str:
    """A light edit, as a site reprinting a wire story makes."""
    return text.replace("Thursday", "on Thursday").replace("said", "told reporters", 1)


def test_syndicated_copies_are_linked_and_count_once(store: Store, tmp_path: Path) -> None:
    seeds = seed_articles()
    moscow_times, dw = seeds["003"], seeds["000"]
    pipeline.ingest([seed_path("000"), seed_path("001"), seed_path("003")], store)
    feed = tmp_path / "copies.jsonl"
    feed.write_text(
        "\n".join(
            json.dumps({"text": edited(original.text), "outlet": outlet})
            for original, outlet in ((moscow_times, "Yahoo News"), (dw, "MSN"))
        ),
        encoding="utf-8",
    )
    report = pipeline.ingest([feed], store)
    assert report.added == 2 and report.copies == 2
    by_outlet = {a.outlet: a for a in store.articles()}
    assert by_outlet["Yahoo News"].copy_of == moscow_times.id
    assert by_outlet["Yahoo News"].independent_source == "Reuters"  # the wire, once
    assert by_outlet["MSN"].copy_of == article_id(dw.text)
    assert by_outlet["MSN"].independent_source == by_outlet["DW"].independent_source
    assert by_outlet["The Independent"].copy_of is None  # a rewrite, not a copy
    (sochi,) = [s for s in store.stories() if len(s.articles) > 1]
    assert {a.outlet for a in sochi.articles} >= {"Yahoo News", "MSN"}


def test_the_index_reads_the_same_across_its_recent_and_large_parts(
    tmp_path: Path, monkeypatch
) -> None:
    """Band and posting rows gather in small tables and move to the large ones every
    `recent_rows` (200,000 in use; 50 here, so that moves happen between the batches):
    stories, copies and candidates are what one table gave."""
    from newsweave.store.sqlite import SQLiteStore

    def run(name: str) -> tuple[set, dict, dict]:
        with open_store(tmp_path / f"{name}.db") as opened:
            for number in ("000", "004", "001", "003", "002"):
                pipeline.ingest([seed_path(number)], opened)
            copies = tmp_path / name / "copies.jsonl"
            copies.parent.mkdir()
            copies.write_text(json.dumps({"text": edited(seed_articles()["000"].text)}))
            assert pipeline.ingest([copies], opened).copies == 1
            terms = tokens(" ".join(a.text for a in opened.articles()))
            candidates = opened.articles_sharing_terms(terms, 100, 3)
            links = {a.id: a.copy_of for a in opened.articles()}
            # a batch's band lookups together find what each article's alone does
            stored = opened.articles()
            bands = [p.bands for p in fingerprints([a.text for a in stored])]
            each = opened.near_duplicates_of_each(bands)
            assert each == [opened.near_duplicates(one) for one in bands]
            assert all(
                a in [found for found, _ in got] for a, got in zip(stored, each, strict=True)
            )
            return groups(opened), links, candidates

    whole = run("whole")
    monkeypatch.setattr(SQLiteStore, "recent_rows", 50)
    split = run("split")
    assert split == whole
    with open_store(tmp_path / "split.db") as opened:
        raw = opened._db  # type: ignore[attr-defined]
        for table in ("lsh_bands", "term_postings"):
            moved = raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            waiting = raw.execute(f"SELECT count(*) FROM {table}_recent").fetchone()[0]
            assert moved > 0 and waiting < 50 + 32 * 2  # moved at least once; a batch since


def test_signatures_estimate_similarity() -> None:
    seeds = seed_articles()
    text = seeds["002"].text
    same, light, other = fingerprints([text, edited(text), seeds["004"].text])
    assert similarity(same.signature, same.signature) == 1.0
    assert similarity(same.signature, light.signature) > 0.8
    assert similarity(same.signature, other.signature) < 0.2
    assert len(same.bands) == 32 and all(0 <= key < 2**63 for key in same.bands)


def test_a_large_jsonl_corpus_is_streamed(tmp_path: Path, monkeypatch) -> None:
    import newsweave.ingest as ingest

    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"text": f"Article number {n} about the harbour fire. " * 5}) for n in range(50)
    ]
    path.write_text("\n".join([*lines[:10], "{broken", *lines[10:]]), encoding="utf-8")
    assert path.stat().st_size > 1000
    items = list(ingest.read_file(path))
    documents = [i for i in items if isinstance(i, RawDocument)]
    errors = [i for i in items if not isinstance(i, RawDocument)]
    assert len(documents) == 50
    assert [e.source for e in errors] == [f"{path}:11"]
    assert documents[10].source == f"{path}:12"


def test_weighing_in_numbers_matches_weighing_by_hand() -> None:
    """`vectorize` gathers columns by vocabulary number; the weights and each row's top terms
    must be what TF-IDF over the bags' own frequencies gives, ties in column order."""
    import numpy as np

    from newsweave.cluster.batch import Bag, Vocabulary, top_terms_per_row, vectorize

    vocabulary = Vocabulary()
    vocabulary.numbers(["unused", "volcano"])  # numbers need not start at the bags' terms
    docs = [["volcano", "lava", "lava"], ["lava", "flight"], ["flight", "airport", "runway"]]
    bags = [Bag.of(doc, vocabulary) for doc in docs]
    matrix, columns = vectorize(bags)
    terms = np.array(vocabulary.terms, dtype=object)[columns]
    df = {"volcano": 1, "lava": 2, "flight": 2, "airport": 1, "runway": 1}
    for row, doc in enumerate(docs):
        weights = {t: (1 + np.log(doc.count(t))) * (np.log(4 / (1 + df[t])) + 1) for t in doc}
        norm = np.sqrt(sum(w * w for w in weights.values()))
        got = dict(zip(terms[matrix[row].indices], matrix[row].data, strict=True))
        assert got == pytest.approx({t: w / norm for t, w in weights.items()})
    top = top_terms_per_row(bags, matrix, columns, 2)
    assert top[0] == ["lava", "volcano"]  # sublinear tf of two "lava" beats volcano's idf
    assert top[2] == ["airport", "runway"]  # a three-way tie keeps the column order
    with pytest.raises(ValueError, match="vocabulary"):
        vectorize([bags[0], Bag.of(["lava"], Vocabulary())])


def test_the_cluster_cache_starts_a_new_vocabulary_when_full(store: Store) -> None:
    """A long-running process (watch) must not grow its vocabulary without bound."""
    from newsweave.cluster.cache import ClusterCache

    cache = ClusterCache(max_terms=5)
    article = make_article("Lava fountains lit the night sky over Reykjanes today.")
    first = cache.bag(article)
    assert len(cache.vocabulary) > 5
    cache.start_chunk(store)
    assert len(cache.vocabulary) == 0
    second = cache.bag(article)
    assert second is not first and second.vocabulary is cache.vocabulary
    assert cache.stats(store, [second]).df.shape[0] >= len(cache.vocabulary)


def test_a_full_vocabulary_keeps_the_bags_used_last(store: Store) -> None:
    """Starting a new vocabulary keeps the bags used last (renumbered, with the frequencies
    known for their terms), as many as fit in half of `max_terms`: a full vocabulary must not
    send every stored story in the next chunks' regions back to the tokeniser."""
    from newsweave.cluster.cache import ClusterCache

    old = make_article("Lava fountains lit the night sky over Reykjanes again.")
    recent = make_article("Icelandair cancelled flights at Keflavik airport.")
    cache = ClusterCache(max_terms=10)
    stale, kept = cache.bag(old), cache.bag(recent)
    before = cache.stats(store, [stale, kept])
    counts = dict(zip(kept.terms, kept.counts.tolist(), strict=True))
    assert len(cache.vocabulary) > 10 and len(kept.numbers) <= 10 // 2
    cache.start_chunk(store)
    assert cache.vocabulary.terms == kept.terms  # the old article's terms are gone
    again = cache.bag(recent)
    assert again is not kept and again.vocabulary is cache.vocabulary
    assert dict(zip(again.terms, again.counts.tolist(), strict=True)) == counts
    assert cache.bag(old) is not stale  # tokenised again, into the new vocabulary
    assert cache._known[again.numbers].all()  # frequencies carried over, not read again
    assert before.documents == cache.stats(store, [again]).documents


def _corpus_articles(n: int) -> list[RawDocument]:
    topics = ["harbour fire", "council budget", "glacier melt", "railway strike"]
    return [
        RawDocument(
            source=f"doc{k}.txt",
            text=f"The {topics[k % 4]} report {k} names witness{k} and district{k % 7}. "
            f"Officials discussed the {topics[k % 4]} again on day {k % 28}.",
            format="text",
            needs_cleaning=False,
        )
        for k in range(n)
    ]


def test_document_frequencies_written_every_few_chunks_match_writing_each(tmp_path: Path) -> None:
    """The run's cache writes document frequencies every `flush_every` chunks and at the end:
    the store ends up with exactly what writing them with every chunk gave."""
    from newsweave.cluster.cache import ClusterCache
    from newsweave.cluster.incremental import cluster_chunk

    documents = _corpus_articles(40)
    found = {}
    for every in (1, 3, 100):
        with open_store(tmp_path / f"every{every}.db") as store:
            pipeline.ingest_documents(documents, store, cluster=False)
            cache = ClusterCache(flush_every=every)
            while batch := store.unclustered(7):
                cluster_chunk(store, batch, cache=cache)
            cache.flush(store)
            terms = [t for a in store.articles() for t in cache.bag(a).terms]
            found[every] = (store.document_frequencies(terms), groups(store))
    assert found[1] == found[3] == found[100]
    (documents_counted, df), _ = found[1]
    assert documents_counted == 40 and df["harbour"] == 10 and df["witness0"] == 1


def test_a_run_killed_before_a_flush_leaves_a_consistent_store(tmp_path: Path) -> None:
    """Chunks clustered since the last flush lose their document frequencies, not their
    articles or stories: the store counts only what its frequencies were counted over, and
    the next run clusters nothing twice."""
    from newsweave.cluster.cache import ClusterCache
    from newsweave.cluster.incremental import cluster_chunk

    path = tmp_path / "n.db"
    with open_store(path) as store:
        pipeline.ingest_documents(_corpus_articles(30), store, cluster=False)
        cache = ClusterCache(flush_every=2)
        for _ in range(3):  # the third chunk is never flushed: the process "dies"
            cluster_chunk(store, store.unclustered(5), cache=cache)
    with open_store(path) as store:
        documents, df = store.document_frequencies(["harbour", "report"])
        assert documents == 10 and df["report"] == 10  # the two flushed chunks
        report = pipeline.ingest_documents(_corpus_articles(30), store)
        assert report.added == 0 and store.unclustered(1) == []
        documents, df = store.document_frequencies(["report"])
        assert documents == 25 and df["report"] == 25  # every chunk but the lost one
        members = [i for ids in store.story_members(s.id for s in store.stories()).values()
                   for i in ids]  # fmt: skip
        assert sorted(members) == sorted(a.id for a in store.articles())


def test_a_new_vocabulary_writes_what_the_old_one_counted(store: Store) -> None:
    from newsweave.cluster.cache import ClusterCache
    from newsweave.cluster.incremental import cluster_chunk

    pipeline.ingest_documents(_corpus_articles(10), store, cluster=False)
    cache = ClusterCache(max_terms=5, flush_every=100)
    cluster_chunk(store, store.unclustered(5), cache=cache)
    assert store.document_frequencies([])[0] == 0  # counted, not written yet
    cluster_chunk(store, store.unclustered(5), cache=cache)  # starts a new vocabulary first
    documents, df = store.document_frequencies(["report"])
    assert documents == 5 and df["report"] == 5


def test_a_run_keeps_startup_objects_out_of_full_collections(store: Store) -> None:
    """During an ingest the objects alive before it are frozen (full garbage collections
    skip them); after it they are handed back, and a run inside a run leaves them frozen."""
    frozen_during: list[int] = []

    def progress(stage: str, n: int) -> None:
        frozen_during.append(gc.get_freeze_count())

    assert gc.get_freeze_count() == 0
    pipeline.ingest([seed_path("000")], store, progress=progress)
    assert frozen_during and min(frozen_during) > 0
    assert gc.get_freeze_count() == 0

    gc.freeze()  # a caller that froze its own objects keeps them frozen
    try:
        pipeline.ingest([seed_path("001")], store)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_what_outlives_a_batch_is_frozen_too(store: Store) -> None:
    """After each batch, what is still alive (the run's cluster cache above all) joins the
    frozen objects, so full collections do not walk it again and again; after the run it is
    all handed back to the collector."""
    frozen_before_batch: list[int] = []

    def progress(stage: str, n: int) -> None:
        if stage == "stored":  # each batch, once stored, before it is clustered
            frozen_before_batch.append(gc.get_freeze_count())

    pipeline.ingest([SEEDS], store, batch_size=1, progress=progress)
    assert len(frozen_before_batch) == 5
    assert frozen_before_batch[-1] > frozen_before_batch[0]  # later batches froze more
    assert gc.get_freeze_count() == 0
