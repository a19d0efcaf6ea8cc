"""Each article is parsed once: what the parse gives is stored with it, so a story analysed
again parses only the members it has not seen, and a store from before keeps working."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from factories import SEEDS, seed_path
from newsweave.app import pipeline
from newsweave.model import Article
from newsweave.store import Store


class CountingAnnotator(pipeline.Annotator):
    """The pipeline's annotator, recording the id of every article it parses."""

    def __init__(self) -> None:
        super().__init__()
        self.parsed: list[str] = []

    def _parse_into(self, articles: list[Article], **options: object) -> list[Article]:
        self.parsed += (a.id for a in articles)
        return super()._parse_into(articles, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def annotator() -> CountingAnnotator:
    return CountingAnnotator()


def quotes_and_facts(store: Store) -> list[tuple[str, int, int, int]]:
    return sorted((s.id, len(s.quotes), len(s.facts), len(s.entities)) for s in store.stories())


def test_a_story_analysed_again_parses_nothing_again(
    store: Store, annotator: CountingAnnotator
) -> None:
    annotator.parsed.clear()
    pipeline.ingest([SEEDS], store)
    pipeline.build_stories(store, annotator=annotator)
    stored = store.articles()
    assert sorted(annotator.parsed) == sorted(a.id for a in stored)  # each once
    assert all(a.parse is not None and a.recognised for a in stored)
    first = quotes_and_facts(store)
    assert sum(q for _, q, _, _ in first) and sum(f for _, _, f, _ in first)

    store.mark_stale()
    again = pipeline.build_stories(store, annotator=annotator)
    assert len(again) == len(first)
    assert len(annotator.parsed) == len(stored)  # nothing parsed the second time
    assert quotes_and_facts(store) == first


def test_a_store_without_parses_is_parsed_on_demand(
    tmp_path: Path, store: Store, annotator: CountingAnnotator
) -> None:
    """Articles a store from before holds (entities found, no parse kept) are parsed when
    their story is next analysed, and give the same analysis."""
    pipeline.ingest([seed_path("000"), seed_path("001"), seed_path("002")], store)
    pipeline.build_stories(store, annotator=annotator)
    expected = quotes_and_facts(store)
    with sqlite3.connect(store.path) as raw:  # type: ignore[attr-defined]
        raw.execute("UPDATE articles SET parse = NULL")
    store.mark_stale()
    annotator.parsed.clear()
    pipeline.build_stories(store, annotator=annotator)
    assert sorted(annotator.parsed) == sorted(a.id for a in store.articles())
    assert quotes_and_facts(store) == expected


def test_a_story_that_gains_a_member_parses_only_that_member(
    store: Store, annotator: CountingAnnotator
) -> None:
    pipeline.ingest([seed_path("000"), seed_path("001")], store)
    pipeline.build_stories(store, annotator=annotator)
    before = {a.id for a in store.articles()}
    annotator.parsed.clear()
    report = pipeline.ingest([seed_path("002")], store)
    assert report.changed
    pipeline.build_stories(store, annotator=annotator)
    assert annotator.parsed == [a.id for a in store.articles() if a.id not in before]


def test_the_run_report_times_the_parse_and_progress_knows_the_totals(
    store: Store, annotator: CountingAnnotator
) -> None:
    seen: dict[str, list[tuple[int, int | None]]] = {}

    def progress(stage: str, n: int, /, *, total: int | None = None) -> None:
        seen.setdefault(stage, []).append((n, total))

    pipeline.ingest([SEEDS], store)
    report = pipeline.RunReport()
    stories = pipeline.build_stories(store, annotator=annotator, report=report, progress=progress)
    assert report.seconds["parse"] > 0 and "entities" not in report.seconds
    assert seen["parse"][0] == (0, 5) and sum(n for n, _ in seen["parse"]) == 5
    assert seen["summarize"][0] == (0, len(stories))
    assert sum(n for n, _ in seen["summarize"]) == len(stories)
    assert seen["timeline"] == [(0, len(stories)), (len(stories), None)]
