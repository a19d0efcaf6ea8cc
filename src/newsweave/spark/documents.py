"""Documents to stored articles: cleaning, exact and near-duplicate copies, site boilerplate.

Each function takes and returns RDDs of plain values and model dataclasses; the work inside
is the embedded engine's own (`prepare`, `LanguageDetector`, `fingerprints`, `similarity`,
`site_boilerplate`). Articles travel as (ordinal, Article).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import add
from typing import TYPE_CHECKING

from newsweave.app.pipeline import prepare
from newsweave.cluster.copies import DedupSettings, fingerprints, similarity
from newsweave.ingest import IngestError
from newsweave.model import Article, Fingerprint
from newsweave.nlp.language import LanguageDetector
from newsweave.site_boilerplate import BoilerplateSettings, decide, site_of, strip, units
from newsweave.spark.graph import LOCAL_EDGES

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext

EMPTY = "no article text left after cleaning"
_BATCH = 256


@dataclass(frozen=True, slots=True)
class Cleaned:
    """One document after `prepare`: its article (None when it could not be read or left
    nothing), the error that cost it, and the reader's warnings."""

    ordinal: int
    article: Article | None
    error: IngestError | None
    warnings: tuple[str, ...] = ()


def clean_partition(items: Iterable[tuple[int, object]]) -> Iterator[Cleaned]:
    """`prepare` and language identification of one partition's documents (the language
    model loaded once per partition)."""
    detector: LanguageDetector | None = None
    for ordinal, item in items:
        if isinstance(item, IngestError):
            yield Cleaned(ordinal, None, item)
            continue
        article = prepare(item)  # type: ignore[arg-type]
        warnings = tuple(f"{item.source}: {w}" for w in item.warnings)  # type: ignore[attr-defined]
        if not article.text:
            yield Cleaned(ordinal, None, IngestError(article.source, EMPTY), warnings)
            continue
        detector = detector or LanguageDetector()
        detector.identify([article])
        yield Cleaned(ordinal, article, None, warnings)


def first_of_each(articles: RDD, partitions: int) -> RDD:
    """One (ordinal, Article) per article id: the first read, as `ingest` keeps the first
    and counts the rest as duplicates."""
    return (
        articles.map(lambda oa: (oa[1].id, oa))
        .reduceByKey(lambda a, b: a if a[0] <= b[0] else b, partitions)
        .values()
    )


def fingerprint_partition(
    articles: Iterable[tuple[int, Article]], settings: DedupSettings
) -> Iterator[tuple[int, Article, Fingerprint]]:
    batch: list[tuple[int, Article]] = []
    for item in articles:
        batch.append(item)
        if len(batch) >= _BATCH:
            yield from _fingerprinted(batch, settings)
            batch = []
    yield from _fingerprinted(batch, settings)


def _fingerprinted(
    batch: list[tuple[int, Article]], settings: DedupSettings
) -> Iterator[tuple[int, Article, Fingerprint]]:
    if not batch:
        return
    prints = fingerprints([a.text for _, a in batch], settings)
    for (ordinal, article), fingerprint in zip(batch, prints, strict=True):
        yield ordinal, article, fingerprint


def link_copies(printed: RDD, settings: DedupSettings, partitions: int) -> RDD:
    """(ordinal, Article) with `copy_of` and `copy_source` set on every near-copy of an
    earlier article, from (ordinal, Article, Fingerprint) rows (those already linked, read
    from an earlier run, keep their links).

    Articles sharing a band key are compared; each takes the most similar earlier one at
    `threshold` or above as its original (`CopyFinder`'s rule), and a chain of copies
    points at its first article, whose independent source every copy counts as."""
    bands = printed.flatMap(
        lambda row: [
            ((band, key), (row[0], row[1].id, row[2].signature))
            for band, key in enumerate(row[2].bands)
        ]
    )
    threshold = settings.threshold
    best = (
        bands.groupByKey(partitions)
        .flatMap(lambda kv: _matches(list(kv[1]), threshold))
        .reduceByKey(lambda a, b: a if (a[0], -a[1]) >= (b[0], -b[1]) else b, partitions)
        .map(lambda kv: (kv[0], kv[1][2]))
    )  # (copy id, original id)
    known = printed.filter(lambda row: row[1].copy_of is not None).map(
        lambda row: (row[1].id, row[1].copy_of)
    )
    # an article linked in an earlier run keeps its link
    parents = best.subtractByKey(known).union(known)
    roots = _roots(parents, partitions)  # (copy id, first article's id)
    by_id = printed.map(lambda row: (row[1].id, (row[0], row[1])))
    sources = (
        roots.map(lambda kv: (kv[1], kv[0]))
        .join(by_id, partitions)
        .map(lambda kv: (kv[1][0], (kv[0], kv[1][1][1].independent_source)))
    )  # (copy id, (root id, root's source))
    return by_id.leftOuterJoin(sources, partitions).map(lambda kv: _linked(*kv[1]))


def _matches(
    members: list[tuple[int, str, bytes]], threshold: float
) -> Iterator[tuple[str, tuple[float, int, str]]]:
    """For each member of one band bucket, the earlier members it copies: (copy id,
    (similarity, original's ordinal, original id))."""
    members.sort()
    for k, (_, article_id, signature) in enumerate(members):
        for ordinal, other_id, other in members[:k]:
            if other_id == article_id:
                continue
            score = similarity(other, signature)
            if score >= threshold:
                yield article_id, (score, ordinal, other_id)


def _roots(parents: RDD, partitions: int) -> RDD:
    """(copy id, root id): each copy's original followed back to an article that copies
    nothing. Up to `LOCAL_EDGES` links are followed on the driver; more, by halving the
    chains each round (a chain of copies is short)."""
    parents = parents.persist()
    if parents.count() <= LOCAL_EDGES:
        links = dict(parents.collect())
        parents.unpersist()
        return parents.context.parallelize(
            sorted((copy, _root_of(copy, links)) for copy in links), partitions
        )
    for _ in range(64):
        jumped = (
            parents.map(lambda kv: (kv[1], kv[0]))
            .leftOuterJoin(parents, partitions)
            .map(lambda kv: (kv[1][0], kv[1][1] or kv[0]))
            .persist()
        )
        moved = jumped.join(parents, partitions).filter(lambda kv: kv[1][0] != kv[1][1]).count()
        parents.unpersist()
        parents = jumped
        if not moved:
            break
    return parents


def _root_of(node: str, links: dict[str, str]) -> str:
    seen = {node}
    while node in links and links[node] not in seen:
        node = links[node]
        seen.add(node)
    return node


def _linked(own: tuple[int, Article], source: tuple[str, str] | None) -> tuple[int, Article]:
    ordinal, article = own
    if source is not None and source[0] != article.id:
        article.copy_of, article.copy_source = source
    return ordinal, article


def learn_boilerplate(
    sc: SparkContext, articles: RDD, settings: BoilerplateSettings, partitions: int
) -> dict[str, set[int]]:
    """Each site's boilerplate lines (`site_boilerplate.decide` over the whole corpus): the
    lines of its articles counted once per article, copies not counted."""
    counted = articles.flatMap(
        lambda oa: (
            [(site, {u.key for u in units(oa[1].text, settings)})]
            if (site := site_of(oa[1])) is not None and oa[1].copy_of is None
            else []
        )
    )
    counted = counted.persist()
    sizes = dict(counted.map(lambda sk: (sk[0], 1)).reduceByKey(add, partitions).collect())
    if not any(n >= settings.min_site_articles for n in sizes.values()):
        counted.unpersist()
        return {}
    shared_sizes = sc.broadcast(sizes)
    learned = (
        counted.flatMap(lambda sk: [((key, sk[0]), 1) for key in sk[1]])
        .reduceByKey(add, partitions)
        .map(lambda kv: (kv[0][0], (kv[0][1], kv[1])))
        .aggregateByKey(Counter[str](), _counted, add, partitions)
        .filter(lambda kv: any(n >= settings.min_articles for n in kv[1].values()))
        .flatMap(lambda kv: decide({kv[0]: kv[1]}, shared_sizes.value, settings))
        .collect()
    )
    counted.unpersist()
    lines: dict[str, set[int]] = {}
    for site, key in learned:
        lines.setdefault(site, set()).add(key)
    return lines


def _counted(counts: Counter[str], site_count: tuple[str, int]) -> Counter[str]:
    counts[site_count[0]] += site_count[1]
    return counts


def strip_boilerplate(article: Article, lines: dict[str, set[int]]) -> Article:
    """The article without its site's learned lines (see `site_boilerplate.strip`)."""
    site = site_of(article)
    if site and site in lines:
        strip(article, lines[site], site)
    return article
