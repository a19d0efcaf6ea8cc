"""`newsweave digest` on Spark: input files in, corpus tables out (see the package docstring).

An incremental run (`incremental=True` over an output folder that holds a run) adds to what
is there the way `ingest` adds to a database: the stored articles come first (their
ordinals are lower than any new one's), so a document read again is a duplicate and a new
copy of a stored article links to it; lines learned as a site's boilerplate stay learned;
the stories are clustered again over everything, each keeping the id of the stored story it
shares most members with, and a story whose members are the same as stored (and none of
whose bodies changed) keeps its summary and analysis rather than being analysed again.

A cluster-only run (`analyse=False`, `--no-analyse`) stops after clustering: the stories are
written with their members and no title, summary, analysis or storyline. It is a mode for
measuring what the steps up to clustering cost on a corpus too large to analyse in the time
at hand (bench/spark_scale.py), not a digest to read; `newsweave import` loads its tables.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import add
from typing import TYPE_CHECKING, Any

from newsweave.analysis.summarize import SummarySettings
from newsweave.cluster.batch import ClusterSettings
from newsweave.cluster.copies import DedupSettings
from newsweave.model import Article, Story
from newsweave.site_boilerplate import BoilerplateSettings
from newsweave.spark import documents as docs
from newsweave.spark.analysis import analyse_partition, link_storylines, unify_names
from newsweave.spark.inputs import FILE_SPAN, list_inputs, read_documents
from newsweave.spark.output import (
    OutputError,
    article_row,
    exists,
    read_articles,
    read_run,
    read_stories,
    write_tables,
)
from newsweave.spark.stories import cluster_stories
from newsweave.tables import story_from_row, story_row

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession


@dataclass(slots=True)
class SparkRunReport:
    """What a run did, as `RunReport` counts it for `ingest`, and seconds per step."""

    files: int = 0
    read: int = 0
    added: int = 0
    duplicates: int = 0
    copies: int = 0
    empty: int = 0
    errors: int = 0
    warnings: int = 0
    articles: int = 0
    stories: int = 0
    analysed: int = 0
    """Stories summarised and analysed in this run (the rest kept their analysis)."""
    learned: int = 0
    size: int = 0
    """Input bytes of the corpus so far (this run's and the earlier runs')."""
    seconds: dict[str, float] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    """The first analysis warnings, for the user to read."""

    def counts(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if k != "messages"}


class _Clock:
    def __init__(self, report: SparkRunReport) -> None:
        self.report, self.start = report, time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.report.seconds[step] = round(now - self.start, 2)
        self.start = now


def spark_digest(
    spark: SparkSession,
    inputs: Sequence[str],
    out: str,
    *,
    partitions: int | None = None,
    incremental: bool = False,
    cluster_settings: ClusterSettings | None = None,
    summary_settings: SummarySettings | None = None,
    analyse: bool = True,
) -> SparkRunReport:
    """Read `inputs`, build and analyse the stories, write the tables under `out`; with
    `analyse` False, build them and write them unsummarised and unanalysed (see above)."""
    from pyspark import StorageLevel

    sc = spark.sparkContext
    cluster_settings = cluster_settings or ClusterSettings()
    dedup, learning = DedupSettings(), BoilerplateSettings()
    keep = StorageLevel.MEMORY_AND_DISK
    report = SparkRunReport()
    clock = _Clock(report)

    previous = read_run(spark, out) if incremental else None
    if incremental and previous is None and exists(spark, f"{out}/articles"):
        raise OutputError(
            f"{out}: tables without run.json (a run died while writing them): run again "
            "without --incremental, over every input"
        )
    stored = read_articles(spark, out).persist(keep) if previous else sc.emptyRDD()
    first_rank = (stored.map(lambda r: r[0]).max() // FILE_SPAN + 1) if previous else 0

    listed = list_inputs(spark, inputs, first_rank)
    report.files = listed.files
    report.size = listed.size + (previous or {}).get("size", 0)
    partitions = partitions or default_partitions(sc.defaultParallelism, report.size)
    cleaned = (
        read_documents(spark, listed, partitions).mapPartitions(docs.clean_partition).persist(keep)
    )
    tally = cleaned.map(_tally).fold(Counter(), add)
    report.errors, report.warnings = tally["error"], tally["warnings"]
    report.empty = tally["empty"]
    report.read = tally["article"] + report.empty
    errors = cleaned.flatMap(lambda c: [(c.error.source, c.error.reason)] if c.error else [])
    clock.lap("read and clean")

    fresh = cleaned.filter(lambda c: c.article is not None).map(lambda c: (c.ordinal, c.article))
    old = stored.map(lambda r: (r[0], r[1]))
    kept = docs.first_of_each(old.union(fresh), partitions)
    new = kept.filter(lambda oa: oa[0] >= first_rank * FILE_SPAN).persist(keep)
    report.added = new.count()
    report.duplicates = tally["article"] - report.added
    printed = (
        new.mapPartitions(lambda rows: docs.fingerprint_partition(rows, dedup))
        .union(stored.map(lambda r: (r[0], r[1], r[2])))
        .persist(keep)
    )
    linked = docs.link_copies(printed, dedup, partitions)
    clock.lap("duplicates")

    learned_before = {s: set(k) for s, k in (previous or {}).get("boilerplate", {}).items()}
    lines = docs.learn_boilerplate(sc, linked, learning, partitions)
    for site, keys in learned_before.items():
        lines.setdefault(site, set()).update(keys)
    report.learned = sum(len(k) for k in lines.values()) - sum(
        len(k) for k in learned_before.values()
    )
    shared_lines = sc.broadcast(lines)
    articles = linked.map(lambda oa: (oa[0], _stripped(oa[1], shared_lines.value))).persist(keep)
    report.articles, report.copies = articles.map(
        lambda oa: (1, int(oa[0] >= first_rank * FILE_SPAN and oa[1][0].copy_of is not None))
    ).reduce(lambda a, b: (a[0] + b[0], a[1] + b[1]))
    clock.lap("boilerplate")

    plain = articles.map(lambda oa: (oa[0], oa[1][0]))
    clustered = cluster_stories(sc, plain, cluster_settings, partitions)
    changed = articles.filter(lambda oa: oa[1][1]).map(lambda oa: (oa[1][0].id, True))
    if previous:
        stories = _named(clustered.stories, stored, changed, partitions)
    else:  # nothing stored: every story is new, named by its members
        stories = clustered.stories.mapValues(lambda members: (members, False))
    stories.persist(keep)
    report.stories = stories.count()
    clock.lap("cluster")

    if analyse:
        old_rows = read_stories(spark, out) if previous else sc.emptyRDD()
        reused, todo = _reusable(stories, old_rows, partitions)
        analysed = (
            todo.map(lambda kv: (kv[0], [a for _, a in kv[1]]))
            .mapPartitions(lambda part: analyse_partition(part, summary_settings))
            .persist(keep)
        )
        report.analysed = analysed.count()
        report.messages = analysed.flatMap(lambda sw: sw[1]).take(20)
        fresh_stories = analysed.map(lambda sw: (sw[0].id, sw[0]))
        every = unify_names(sc, fresh_stories.union(reused), partitions).persist(keep)
        clock.lap("summarise and analyse")

        final = link_storylines(every, partitions).persist(keep)
        final.count()
        clock.lap("storylines")
    else:
        analysed = every = sc.emptyRDD()
        final = stories.map(
            lambda kv: (kv[0], Story(id=kv[0], articles=[a for _, a in kv[1][0]]))
        ).persist(keep)

    extras = (
        printed.map(lambda r: (r[1].id, (r[0], r[2])))
        .join(clustered.salient, partitions)
        .map(lambda kv: (kv[0], (*kv[1][0], kv[1][1])))
    )
    article_rows = (
        final.flatMap(lambda kv: [(a.id, (kv[0], a)) for a in kv[1].articles])
        .join(extras, partitions)
        .map(lambda kv: article_row(kv[1][1][0], kv[1][0][0], kv[1][0][1], *kv[1][1][1:]))
    )
    previous_errors = (
        spark.read.parquet(f"{out}/errors").rdd.map(tuple) if previous else sc.emptyRDD()
    )
    run = {
        "runs": [*(previous or {}).get("runs", []), report.counts()],
        "articles": report.articles,
        "stories": report.stories,
        "documents": clustered.documents,
        "size": report.size,
        "boilerplate": {site: sorted(keys) for site, keys in sorted(lines.items())},
    }
    write_tables(
        spark,
        out,
        {
            "articles": article_rows,
            "stories": final.values().map(story_row),
            "errors": previous_errors.union(errors).distinct(partitions),
            "terms": clustered.frequencies,
        },
        run,
    )
    clock.lap("write")
    clustered.release()
    for rdd in (cleaned, new, printed, articles, stories, analysed, every, final, stored):
        rdd.unpersist()
    return report


PARTITION_BYTES = 16 * 1024 * 1024
"""Input bytes a partition is given at most: Spark holds a persisted partition whole in the
JVM's memory when it reads it back, and the articles of 16 MB of news, pickled with their
annotations, fit in a local run's default heap (1 GB) several times over."""


def default_partitions(cores: int, size: int) -> int:
    """Two tasks a core (a slow task, a large story, then leaves its core less idle), and
    more for a large input, so that no partition outgrows `PARTITION_BYTES`."""
    return max(2, 2 * cores, -(-size // PARTITION_BYTES))


def _tally(cleaned: docs.Cleaned) -> Counter[str]:
    """What one document counts for: an article, an error (an empty one too), warnings."""
    empty = cleaned.error is not None and cleaned.error.reason == docs.EMPTY
    return Counter(
        article=cleaned.article is not None,
        error=cleaned.error is not None,
        empty=empty,
        warnings=len(cleaned.warnings),
    )


def _stripped(article: Article, lines: dict[str, set[int]]) -> tuple[Article, bool]:
    """The article without its site's learned lines, and whether its body changed."""
    before = article.text
    docs.strip_boilerplate(article, lines)
    return article, article.text != before


def _named(stories: RDD, stored: RDD, changed: RDD, partitions: int) -> RDD:
    """(story id, (members, fresh)) rows: each story named as the stored story it shares
    most members with (as `incremental._assign_ids` names them; each stored id goes to one
    story), else by its members; `fresh` when one of its members' bodies changed."""
    owner = stored.map(lambda r: (r[1].id, r[3]))  # (article id, stored story id)
    membership = stories.flatMap(lambda kv: [(a.id, kv[0]) for _, a in kv[1]])
    overlaps = (
        membership.join(owner, partitions)
        .map(lambda kv: ((kv[1][1], kv[1][0]), 1))
        .reduceByKey(add, partitions)
    )  # ((stored id, story id), shared members)
    best_story = overlaps.map(lambda kv: (kv[0][0], (kv[1], kv[0][1]))).reduceByKey(
        lambda a, b: a if (a[0], b[1]) > (b[0], a[1]) else b, partitions
    )  # stored id -> (n, the story sharing most)
    renamed = (
        best_story.map(lambda kv: (kv[1][1], (kv[1][0], kv[0])))
        .reduceByKey(lambda a, b: a if (a[0], b[1]) > (b[0], a[1]) else b, partitions)
        .mapValues(lambda nv: nv[1])
    )  # story id -> stored id
    touched = membership.join(changed, partitions).map(lambda kv: (kv[1][0], True)).distinct()
    return (
        stories.leftOuterJoin(renamed, partitions)
        .map(lambda kv: (kv[0], (kv[1][1] or kv[0], kv[1][0])))
        .leftOuterJoin(touched, partitions)
        .map(lambda kv: (kv[1][0][0], (kv[1][0][1], bool(kv[1][1]))))
    )


def _reusable(stories: RDD, old_rows: RDD, partitions: int) -> tuple[RDD, RDD]:
    """((id, Story) rows kept from the stored analysis, (id, members) rows to analyse): a
    story is kept when its stored row was analysed, has the same members and none of them
    changed."""
    joined = stories.leftOuterJoin(old_rows, partitions)

    def same(kv: tuple[str, tuple[tuple[list, bool], dict | None]]) -> bool:
        (members, touched), row = kv[1]
        return (
            row is not None
            and not touched
            and row.get("summary") not in (None, "", "[]")  # a cluster-only run's: never analysed
            and sorted(row["article_ids"]) == sorted(a.id for _, a in members)
        )

    kept = joined.filter(same).map(lambda kv: (kv[0], _restored(kv[1][1] or {}, kv[1][0][0])))
    todo = joined.filter(lambda kv: not same(kv)).map(lambda kv: (kv[0], kv[1][0][0]))
    return kept, todo


def _restored(row: dict[str, Any], members: list[tuple[int, Article]]) -> Story:
    return story_from_row(row, {a.id: a for _, a in members})
