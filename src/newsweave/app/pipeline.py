"""The stages wired together: documents in, stories out.

`ingest` reads, cleans, identifies (exact and near-duplicate copies) and stores articles in
batches (one transaction each, so a crash loses at most the batch in flight and a re-run skips
what is stored), learns and removes each site's repeated lines (`site_boilerplate`), and adds
each batch to the stories (`incremental`); `refresh_stories` then
annotates, summarises and analyses only the stories that changed. `build_stories` does both
for whatever is pending.
Progress and timings are reported through a callback, so the CLI can draw bars and the
benchmarks can read per-stage seconds without this module knowing either.
"""

from __future__ import annotations

import gc
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TextIO

from spacy.language import Language

from newsweave.analysis.coverage import coverage
from newsweave.analysis.crossref import AlignSettings, align
from newsweave.analysis.disagreements import find_disagreements
from newsweave.analysis.quotes import group_quotes, remark_sentences, story_quotes
from newsweave.analysis.storyline import link_storylines_and_timelines
from newsweave.analysis.summarize import SummarySettings, summarize
from newsweave.analysis.timeline import first_published, infer_event_date
from newsweave.clean import clean_text, strip_datelines
from newsweave.cluster.batch import ClusterSettings
from newsweave.cluster.cache import ClusterCache
from newsweave.cluster.copies import CopyFinder, DedupSettings
from newsweave.cluster.incremental import ClusterStep, cluster_chunk, cluster_pending
from newsweave.ingest import IngestError, read_paths
from newsweave.ingest.decode import scrub_surrogates
from newsweave.ingest.titles import derived_title
from newsweave.model import (
    Article,
    Parsed,
    Quote,
    RawDocument,
    Story,
    article_id,
    story_id,
)
from newsweave.nlp.canonical import canonical_entities, unify_across_stories
from newsweave.nlp.entities import doc_entities, load_model
from newsweave.nlp.language import LanguageDetector, analysed, is_analysed, not_analysed
from newsweave.nlp.predicates import sentence_predicates
from newsweave.nlp.quotes import add_paragraph_breaks, extract_quotes
from newsweave.nlp.sentences import SentenceSplitter
from newsweave.site_boilerplate import BoilerplateSettings, LearnStep, learn_pending, learn_step
from newsweave.store import Store

log = logging.getLogger(__name__)


class Progress(Protocol):
    """Called as `progress(stage, n)` when `n` more items went through `stage`, and as
    `progress(stage, 0, total=N)` when it is known that `stage` has `N` items ahead in all.

    Stages: "read" (documents read), "stored" (articles stored and clustered), "parse"
    (articles parsed), "summarize" (stories summarised and analysed), "timeline" (changed
    stories linked into storylines)."""

    def __call__(self, stage: str, n: int, /, *, total: int | None = None) -> None: ...


def _no_progress(stage: str, n: int, /, *, total: int | None = None) -> None:
    return None


@contextmanager
def _long_lived_objects_frozen() -> Iterator[Callable[[], None]]:
    """Keep the objects alive before a run out of the cyclic collector's full passes while
    it lasts (`gc.freeze`), and hand them back after (`gc.unfreeze`), so nothing leaks.
    Yields a function that freezes what is alive now too; `ingest_documents` calls it after
    each batch, for the objects that outlive batches (the cluster cache's bags and
    vocabulary).

    Why: importing the pipeline (spaCy, scikit-learn, scipy, trafilatura) leaves about
    150,000 container objects, and without freezing every full collection walks them all,
    about 0.15 s each: 9% of ingesting 30,000 articles. Those objects live as long as the
    process and never become garbage during a run. The same holds, growing, for what a run
    keeps: each batch leaves a few thousand objects in the oldest generation that die with
    the batch, so full passes come every batch or two, and each would walk the run's
    vocabulary (a list of up to millions of terms) and its bags again: at 100k articles
    0.84 ms an article in the last fifth, against 0.10 in the first. An ingest makes next to no reference cycles (the
    collections of a 10k JSONL ingest freed nothing; of 299 HTML pages, 15 objects, all in
    young passes), so freezing keeps nothing alive that would have been freed; what
    refcounting frees, frozen or not, goes as usual. A run inside a run (or a caller that
    froze objects itself) leaves the freezing to the outermost one."""
    if gc.get_freeze_count():
        yield _no_freeze
        return
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _no_freeze() -> None:
    return None


@dataclass
class RunReport:
    """What a run did: counts, the files that could not be read and why, what was read with
    a warning ("SOURCE: WARNING"), seconds per stage."""

    read: int = 0
    added: int = 0
    duplicates: int = 0
    copies: int = 0
    learned: int = 0
    """Lines learned as a site's boilerplate in this run."""
    cleaned: int = 0
    """Stored articles whose bodies lost lines learned as their site's boilerplate."""
    changed: set[str] = field(default_factory=set)
    """Ids of the stories this run created or changed (and that still exist)."""
    empty: int = 0
    errors: list[IngestError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    languages: Counter[str] = field(default_factory=Counter)
    """Articles added that the English analysis leaves out, by language code."""

    def note(self, step: ClusterStep) -> None:
        self.changed.update(step.changed)
        self.changed.difference_update(step.removed)

    def note_learned(self, step: LearnStep) -> None:
        self.learned += step.learned
        self.cleaned += len(step.cleaned or ())

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
    read from the text, since it was stated rather than inferred. A body that is not cleaned
    (an HTML page's extracted text, an export) still has its datelines cut off, so that every
    article's lead starts with its first sentence. Every document, whatever read it, passes
    here: an export's clean body keeps the id it was exported with (see
    `RawDocument.article_id`); lone surrogates (which SQLite cannot store, failing the insert of
    a whole batch) are replaced in `raw` itself, with a warning on it.
    """
    scrub_surrogates(raw)
    if raw.needs_cleaning:
        found = clean_text(raw.text)
        removed = found.removed
    else:
        found = strip_datelines(raw.text.strip())
        removed = [*raw.removed, *found.removed]
    text = found.text
    # no title stated: the text's headline, else its first sentence (a derived title), cut to
    # a headline's length
    title, title_derived = raw.title, raw.title_derived and bool(raw.title)
    if not title:
        title, title_derived = derived_title(found.title, text), not found.title
    return Article(
        id=(raw.article_id if not raw.needs_cleaning else None) or article_id(text),
        source=raw.source,
        text=text,
        format=raw.format,
        title=title,
        outlet=raw.outlet or found.outlet,
        published=raw.published or found.published,
        author=raw.author or found.author,
        credits=list(dict.fromkeys([*raw.credits, *found.credits])),
        url=raw.url or found.url,
        external_id=raw.doc_id,
        removed=list(removed),
        published_estimated=raw.published_estimated and raw.published is not None,
        language=raw.language,
        title_derived=title_derived and bool(title),
        dateline=raw.dateline or found.dateline,
    )


class Annotator:
    """Sentences, entities, quotes and each sentence's verbs for articles, from one spaCy
    parse of each; loads spaCy once, on first use.

    The full pipeline runs once per article (the parser and tagger for quotes and verbs,
    NER for entities and speakers), and what it gives is kept on the article
    (`Article.entities`, `Article.parse`), so a story analysed again parses only the members
    it has not seen. Sentences come from pysbd (`SentenceSplitter`), which splits news text
    better than the parser does. `batch_size` articles go through spaCy together: news
    articles run to tens of thousands of characters, and a batch's parse states and vectors
    are what sets the peak memory (16 articles: 150 MB more than 4, no faster).
    """

    def __init__(self, batch_size: int = 4) -> None:
        self.splitter = SentenceSplitter()
        self.batch_size = batch_size
        self._parser: Language | None = None

    @property
    def parser(self) -> Language:
        if self._parser is None:
            self._parser = add_paragraph_breaks(load_model(ner_only=False))
        return self._parser

    def parse(self, articles: list[Article]) -> dict[str, Parsed]:
        """Quotes and each sentence's verbs of `articles`: the parse kept on each, else one
        made now (its entities found with it). An article whose quotes cannot be read raises."""
        self._parse_into([a for a in articles if a.parse is None], strict=True)
        return {a.id: a.parse for a in articles if a.parse is not None}

    def quotes(self, articles: list[Article]) -> dict[str, list[Quote]]:
        return {id: parsed.quotes for id, parsed in self.parse(articles).items()}

    def annotate(
        self,
        articles: list[Article],
        report: RunReport,
        *,
        entities: bool = True,
        progress: Progress = _no_progress,
    ) -> list[Article]:
        """Split sentences and (with `entities`) parse (entities, quotes, verbs) where not
        done yet; returns the articles that changed."""
        changed: dict[str, Article] = {}
        with report.timed("sentences"):
            for article in articles:
                if not article.sentences:
                    article.sentences = self.splitter.split(article.text)
                    changed[article.id] = article
        todo = [a for a in articles if entities and a.parse is None and is_analysed(a)]
        with report.timed("parse"):
            changed.update((a.id, a) for a in self._parse_into(todo, progress=progress))
        return list(changed.values())

    def _parse_into(
        self, articles: list[Article], *, strict: bool = False, progress: Progress = _no_progress
    ) -> list[Article]:
        """Parse `articles` in batches and keep on each its entities and `Parsed`. An
        article whose quotes cannot be read keeps its entities and no parse (unless
        `strict`, which raises): the analysis of its story parses it again, and says it
        failed, without costing the other stories theirs."""
        for article in articles:
            if not article.sentences:
                article.sentences = self.splitter.split(article.text)
        docs = self.parser.pipe((a.text for a in articles), batch_size=self.batch_size)
        for article, doc in zip(articles, docs, strict=True):
            article.entities = doc_entities(doc)
            article.recognised = True
            try:
                article.parse = Parsed(
                    extract_quotes(doc), sentence_predicates(doc, article.sentences)
                )
            except Exception:
                if strict:
                    raise
                log.debug("quotes of article %s could not be read", article.id, exc_info=True)
            progress("parse", 1)
        return articles


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    *,
    stdin: TextIO | None = None,
    **options: Any,
) -> RunReport:
    """Read every document under `paths` and add it (see `ingest_documents`)."""
    return ingest_documents(read_paths(paths, stdin=stdin), store, **options)


def ingest_documents(
    items: Iterable[RawDocument | IngestError],
    store: Store,
    *,
    batch_size: int = 256,
    cluster: bool = True,
    cluster_settings: ClusterSettings | None = None,
    dedup_settings: DedupSettings | None = None,
    learn_boilerplate: bool = True,
    boilerplate_settings: BoilerplateSettings | None = None,
    progress: Progress = _no_progress,
    report: RunReport | None = None,
    detector: LanguageDetector | None = None,
) -> RunReport:
    """Clean, deduplicate, identify the language of, store, (with `learn_boilerplate`) rid
    of each site's learned boilerplate and (with `cluster`) add to the stories every document.

    Only the cheap stages run here: sentences, entities, summaries and the cross-source
    analysis wait for `refresh_stories`, which redoes only the stories that changed. Each
    batch is stored in one transaction, its lines counted and learned in a second
    (`site_boilerplate.learn_step`), then clustered in a third; a run killed in between
    leaves whole articles, which the next run counts and clusters.
    """
    report = report or RunReport()
    detector = detector or LanguageDetector()
    learning = (boilerplate_settings or BoilerplateSettings()) if learn_boilerplate else None
    copies = CopyFinder(store, dedup_settings)
    cache = ClusterCache()
    batch: list[Article] = []
    seen: set[str] = set()
    documents = iter(items)
    with _long_lived_objects_frozen() as freeze_survivors:
        try:
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
                report.warnings.extend(f"{item.source}: {warning}" for warning in item.warnings)
                if not article.text:
                    report.errors.append(
                        IngestError(item.source, "no article text left after cleaning")
                    )
                    report.empty += 1
                    continue
                with report.timed("dedup"):
                    duplicate = article.id in seen or store.has_article(article.id)
                if duplicate:
                    report.duplicates += 1
                    continue
                seen.add(article.id)
                with report.timed("language"):
                    detector.identify([article])
                batch.append(article)
                if len(batch) >= batch_size:
                    _flush(batch, store, copies, cache, report, progress, learning, cluster,
                           cluster_settings)  # fmt: skip
                    freeze_survivors()
            _flush(batch, store, copies, cache, report, progress, learning, cluster,
                   cluster_settings)  # fmt: skip
            if learning:  # articles a killed run stored but never counted
                with report.timed("boilerplate"):
                    for learned in learn_pending(store, learning):
                        report.note_learned(learned)
            if cluster:  # articles a killed run stored but never clustered
                with report.timed("cluster"):
                    for step in cluster_pending(store, cluster_settings, cache=cache):
                        report.note(step)
        finally:  # what the cache counted for the chunks clustered so far, even on an error
            with report.timed("cluster"):
                cache.flush(store)
    return report


def _flush(
    batch: list[Article],
    store: Store,
    copies: CopyFinder,
    cache: ClusterCache,
    report: RunReport,
    progress: Progress,
    learning: BoilerplateSettings | None,
    cluster: bool,
    cluster_settings: ClusterSettings | None,
) -> None:
    if not batch:
        return
    with report.timed("dedup"):
        fingerprints = copies.link(batch)
    report.copies += sum(1 for a in batch if a.copy_of)
    with report.timed("store"):
        added = store.add_articles(batch, fingerprints)
    report.added += len(added)
    new = set(added)
    report.languages.update(not_analysed(a for a in batch if a.id in new))
    copies.stored()
    progress("stored", len(batch))
    log.info("stored %d new articles of a batch of %d", len(added), len(batch))
    if learning:
        with report.timed("boilerplate"):
            learned = learn_step(store, batch, learning)
        report.note_learned(learned)
        log.info(
            "counted the lines of %d articles: %d lines learned, %d bodies cleaned",
            learned.counted, learned.learned, len(learned.cleaned or ()),
        )  # fmt: skip
    if cluster:
        with report.timed("cluster"):
            step = cluster_chunk(store, batch, cluster_settings, cache)
        report.note(step)
        log.info(
            "clustered %d articles with %d stored ones: %d stories changed, %d removed",
            step.clustered, step.region, len(step.changed), len(step.removed),
        )  # fmt: skip
    batch.clear()


def build_stories(
    store: Store,
    *,
    cluster_settings: ClusterSettings | None = None,
    **options: Any,
) -> list[Story]:
    """Cluster whatever is unclustered, then refresh the stories that changed (see
    `refresh_stories` for the options); returns the refreshed stories."""
    report = options.setdefault("report", RunReport())
    progress: Progress = options.get("progress", _no_progress)
    with report.timed("cluster"):
        cluster_pending(store, cluster_settings)
    stories = refresh_stories(store, **options)
    progress("timeline", 0, total=len(stories))
    with report.timed("timeline"):  # storylines reach stored stories: after every batch
        link_storylines_and_timelines(store, stories)
    progress("timeline", len(stories))
    return stories


@_long_lived_objects_frozen()
def refresh_stories(
    store: Store,
    *,
    summary_settings: SummarySettings | None = None,
    annotator: Annotator | None = None,
    analyse: bool = True,
    min_outlets: int = 1,
    focus: str | None = None,
    progress: Progress = _no_progress,
    report: RunReport | None = None,
    batch_size: int = 64,
    only: Collection[str] | None = None,
) -> list[Story]:
    """Annotate, summarise and analyse every stale story (with `only`, those of these ids),
    `batch_size` at a time; store them, and return those stored.

    Sentences are split for every member that lacks them; the parse (entities, quotes,
    verbs) and the cross-source analysis run (with `analyse`) for stories with at least
    `min_outlets` outlets: a single outlet's story has nothing to compare, so a large corpus
    can skip them. The members of a batch's stories that were never parsed are parsed
    together (`Annotator.annotate`), and what the parse gives is stored with them, so a
    story that changes again parses only its new members.

    A story that another writer re-clustered while it was being summarised is not stored
    (`StoryStore.save_stories`): it stays stale and comes back in a later batch with its new
    members. Three batches in a row of which nothing could be stored end the run rather
    than redo the same stories while another writer keeps changing them: they stay stale,
    for the next refresh.
    """
    report = report or RunReport()
    annotator = annotator or Annotator()
    refreshed: list[Story] = []
    stories_ahead, unparsed = store.stale_work(only)
    progress("summarize", 0, total=stories_ahead)
    if analyse:
        progress("parse", 0, total=unparsed)
    refused = 0  # batches in a row of which nothing could be stored
    while refused < 3 and (stale := store.stale_stories(batch_size, among=only)):
        deep = {s.id for s in stale if analyse and len(s.outlets) >= min_outlets}
        changed = annotator.annotate(
            [a for s in stale if s.id in deep for a in s.articles], report, progress=progress
        )
        changed += annotator.annotate(
            [a for s in stale if s.id not in deep for a in s.articles], report, entities=False
        )
        if changed:
            with report.timed("store"):
                store.update_annotations(changed)
        done = []
        for old in stale:
            story = refresh_story(
                old, annotator, report, deep=old.id in deep, summary_settings=summary_settings,
                focus=focus, annotated=store.update_annotations,
            )  # fmt: skip
            done.append(story)
            progress("summarize", 1)
        if analyse:
            unify_across_stories(done)
        with report.timed("store"):
            saved = set(store.save_stories(done))
        done = [s for s in done if s.id in saved]
        log.info("summarised %d stories (%d so far)", len(done), len(refreshed) + len(done))
        refreshed += done
        refused = 0 if done else refused + 1
    return refreshed


def refresh_story(
    old: Story,
    annotator: Annotator,
    report: RunReport,
    *,
    deep: bool = True,
    summary_settings: SummarySettings | None = None,
    focus: str | None = None,
    annotated: Callable[[list[Article]], None] | None = None,
) -> Story:
    """`old`'s members summarised again (sentences split where missing) and, with `deep`,
    their entities found and the story analysed: the story as it is now, keeping `old`'s id
    and storyline. `annotated` is given the members whose annotations changed, to store them.
    A failed analysis costs the story its analysis (a warning on `report`), not the run."""
    changed = annotator.annotate(old.articles, report, entities=deep)
    if changed and annotated is not None:
        with report.timed("store"):
            annotated(changed)
    with report.timed("summarize"):
        story = make_story(old.articles, summary_settings, focus=focus, id=old.id)
    story.storyline = old.storyline
    if deep:
        with report.timed("analyse"):
            try:
                analyse_story(story, annotator)
            except Exception as exc:  # one story's analysis must not cost every other
                log.debug("analysis of story %s failed", story.id, exc_info=True)
                report.warnings.append(
                    f"story {story.id}: analysis failed ({type(exc).__name__}: {exc})"
                )
    return story


def make_story(
    articles: list[Article],
    summary_settings: SummarySettings | None = None,
    *,
    focus: str | None = None,
    id: str | None = None,
) -> Story:
    articles = sorted(articles, key=lambda a: (a.published is None, a.published or date.min, a.id))
    story = Story(id=id or story_id([a.id for a in articles]), articles=articles)
    story.summary = summarize(story, summary_settings, focus=focus)
    story.title = story_title(story)
    story.event_date = infer_event_date(analysed(articles)) or first_published(articles)
    return story


def analyse_story(
    story: Story, annotator: Annotator, settings: AlignSettings | None = None
) -> None:
    """Entities, facts with corroboration, disagreements and evolving figures, quotes and
    coverage of one story, from its articles the English analysis reads
    (`newsweave.nlp.language.analysed`)."""
    articles = analysed(story.articles)
    story.entities = canonical_entities(articles)
    parsed = annotator.parse(articles)
    quotes = group_quotes({k: p.quotes for k, p in parsed.items()}, story.entities, settings)
    alignment = align(
        articles,
        settings,
        remarks=remark_sentences(articles, quotes),
        predicates={k: p.predicates for k, p in parsed.items()},
    )
    # a fact is what independent sources say together: one source repeating itself is not one
    story.facts = [f for f in alignment.facts if f.sources >= 2]
    story.disagreements, story.evolutions = find_disagreements(alignment, settings)
    outlets = {a.outlet_label for a in articles}
    story.coverage = coverage(articles, alignment, settings) if len(outlets) > 1 else []
    story.quotes = story_quotes(articles, quotes)


def story_title(story: Story) -> str | None:
    """The title of the article whose own sentences the summary draws on most, else the first;
    a title an article states wins over one made from its text."""
    titled = [a for a in story.articles if a.title]
    if not titled:
        return derived_title(None, story.summary[0].text) if story.summary else None
    cited = Counter(aid for s in story.summary for aid in s.article_ids)
    return max(titled, key=lambda a: (not a.title_derived, cited.get(a.id, 0))).title
