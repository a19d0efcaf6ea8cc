"""The stages wired together: documents in, stories out.

`ingest` reads, cleans, identifies, annotates and stores articles in batches (one transaction
each, so a crash loses at most the batch in flight and a re-run skips what is stored);
`build_stories` clusters the stored articles, summarises each story and stores the result.
Progress and timings are reported through a callback, so the CLI can draw bars and the
benchmarks can read per-stage seconds without this module knowing either.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from spacy.language import Language

from newsweave.align import AlignSettings, align, coverage, find_disagreements, match_quotes
from newsweave.clean import clean_text
from newsweave.cluster import ClusterSettings, cluster_articles
from newsweave.ingest import IngestError, read_paths
from newsweave.model import Article, RawDocument, Story, article_id, story_id
from newsweave.nlp.canonical import canonical_entities, unify_across_stories
from newsweave.nlp.entities import EntityRecognizer, load_model
from newsweave.nlp.quotes import Quote, add_paragraph_breaks, extract_quotes
from newsweave.nlp.sentences import SentenceSplitter
from newsweave.store import Store
from newsweave.summarize import SummarySettings, summarize
from newsweave.timeline import infer_event_date

Progress = Callable[[str, int], None]
"""Called as `progress(stage, n)` when `n` more items went through `stage`."""


def _no_progress(stage: str, n: int) -> None:
    return None


@dataclass
class RunReport:
    """What a run did: counts, the files that could not be read and why, seconds per stage."""

    read: int = 0
    added: int = 0
    duplicates: int = 0
    empty: int = 0
    errors: list[IngestError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - start


def prepare(raw: RawDocument) -> Article:
    """Clean a raw document into an `Article` with its id and metadata.

    Metadata the container declared (JSONL fields, HTML meta tags) wins over what the cleaner
    read from the text, since it was stated rather than inferred.
    """
    if raw.needs_cleaning:
        cleaned = clean_text(raw.text)
        text, removed = cleaned.text, cleaned.removed
        found_title, found_outlet, found_date = cleaned.title, cleaned.outlet, cleaned.published
        found_author, found_url, credits = cleaned.author, cleaned.url, cleaned.credits
    else:
        text, removed, credits = raw.text.strip(), [], []
        found_title = found_outlet = found_date = found_author = found_url = None
    return Article(
        id=article_id(text),
        source=raw.source,
        text=text,
        format=raw.format,
        title=raw.title or found_title,
        outlet=raw.outlet or found_outlet,
        published=raw.published or found_date,
        author=raw.author or found_author,
        credits=list(credits),
        url=raw.url or found_url,
        external_id=raw.doc_id,
        removed=list(removed),
    )


class Annotator:
    """Sentences and entities for articles; loads spaCy once, on first use.

    The full parse (for quotes) is a second, heavier pipeline, loaded only when a story is
    analysed.
    """

    def __init__(self) -> None:
        self.splitter = SentenceSplitter()
        self._recognizer: EntityRecognizer | None = None
        self._parser: Language | None = None

    @property
    def recognizer(self) -> EntityRecognizer:
        if self._recognizer is None:
            self._recognizer = EntityRecognizer()
        return self._recognizer

    @property
    def parser(self) -> Language:
        if self._parser is None:
            self._parser = add_paragraph_breaks(load_model(ner_only=False))
        return self._parser

    def quotes(self, articles: list[Article]) -> dict[str, list[Quote]]:
        docs = self.parser.pipe((a.text for a in articles), batch_size=8)
        return {a.id: extract_quotes(doc) for a, doc in zip(articles, docs, strict=True)}

    def annotate(self, articles: list[Article], report: RunReport) -> None:
        with report.timed("sentences"):
            for article in articles:
                article.sentences = self.splitter.split(article.text)
        with report.timed("entities"):
            for article, entities in zip(
                articles, self.recognizer.entities(a.text for a in articles), strict=True
            ):
                article.entities = entities


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    *,
    annotator: Annotator | None = None,
    stdin: TextIO | None = None,
    batch_size: int = 64,
    progress: Progress = _no_progress,
    report: RunReport | None = None,
) -> RunReport:
    """Read, clean, annotate and store every document under `paths`; returns what happened."""
    report = report or RunReport()
    annotator = annotator or Annotator()
    batch: list[Article] = []
    seen: set[str] = set()
    documents = read_paths(paths, stdin=stdin)
    while True:
        with report.timed("read"):
            item = next(documents, None)
        if item is None:
            break
        progress("read", 1)
        if isinstance(item, IngestError):
            report.errors.append(item)
            continue
        report.read += 1
        with report.timed("clean"):
            article = prepare(item)
        if not article.text:
            report.errors.append(IngestError(item.source, "no article text left after cleaning"))
            report.empty += 1
            continue
        with report.timed("dedup"):
            duplicate = article.id in seen or store.has_article(article.id)
        if duplicate:
            report.duplicates += 1
            continue
        seen.add(article.id)
        batch.append(article)
        if len(batch) >= batch_size:
            _flush(batch, store, annotator, report, progress)
    _flush(batch, store, annotator, report, progress)
    return report


def _flush(
    batch: list[Article], store: Store, annotator: Annotator, report: RunReport, progress: Progress
) -> None:
    if not batch:
        return
    annotator.annotate(batch, report)
    with report.timed("store"):
        report.added += len(store.add_articles(batch))
    progress("stored", len(batch))
    batch.clear()


def build_stories(
    store: Store,
    *,
    cluster_settings: ClusterSettings | None = None,
    summary_settings: SummarySettings | None = None,
    annotator: Annotator | None = None,
    analyse: bool = True,
    focus: str | None = None,
    progress: Progress = _no_progress,
    report: RunReport | None = None,
) -> list[Story]:
    """Cluster every stored article into stories, summarise and analyse them, store the result."""
    report = report or RunReport()
    annotator = annotator or Annotator()
    with report.timed("load"):
        articles = store.articles()
    with report.timed("cluster"):
        groups = cluster_articles(articles, cluster_settings)
    stories = []
    for members in groups:
        with report.timed("summarize"):
            story = make_story([articles[i] for i in members], summary_settings, focus=focus)
        if analyse:
            with report.timed("analyse"):
                try:
                    analyse_story(story, annotator)
                except Exception as exc:  # one story's analysis must not cost every other story
                    report.warnings.append(
                        f"story {story.id}: analysis failed ({type(exc).__name__}: {exc})"
                    )
        stories.append(story)
        progress("summarize", 1)
    if analyse:
        unify_across_stories(stories)
    with report.timed("store"):
        store.replace_stories(stories)
    return stories


def make_story(
    articles: list[Article],
    summary_settings: SummarySettings | None = None,
    *,
    focus: str | None = None,
) -> Story:
    articles = sorted(articles, key=lambda a: (a.published is None, a.published or date.min, a.id))
    story = Story(id=story_id([a.id for a in articles]), articles=articles)
    story.summary = summarize(story, summary_settings, focus=focus)
    story.title = story_title(story)
    story.event_date = infer_event_date(articles)
    return story


def analyse_story(
    story: Story, annotator: Annotator, settings: AlignSettings | None = None
) -> None:
    """Entities, facts with corroboration, disagreements, quotes and coverage of one story."""
    story.entities = canonical_entities(story.articles)
    alignment = align(story.articles, settings)
    story.facts = alignment.facts
    story.disagreements = find_disagreements(alignment, settings)
    story.coverage = coverage(story.articles, alignment, settings) if len(story.outlets) > 1 else []
    story.quotes = match_quotes(
        story.articles, annotator.quotes(story.articles), story.entities, settings
    )


def story_title(story: Story) -> str | None:
    """The title of the article whose own sentences the summary draws on most, else the first."""
    titled = [a for a in story.articles if a.title]
    if not titled:
        return story.summary[0].text if story.summary else None
    cited = Counter(aid for s in story.summary for aid in s.article_ids)
    return max(titled, key=lambda a: cited.get(a.id, 0)).title
