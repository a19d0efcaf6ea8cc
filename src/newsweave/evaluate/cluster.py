"""Story clustering against the clusters of a multi-document set.

All documents of the set are pooled, shuffled (fixed seed) and ingested as one stream into a
fresh store, exactly as `newsweave ingest` adds articles (cleaning, exact and near-duplicate
detection, incremental clustering batch by batch); the stories are scored against the dataset's clusters
with B-cubed precision, recall and F1 (per document, averaged) and pairwise F1 (over pairs of
documents put together). With `engine="spark"` the same stream is also written as JSONL, in
the same order, and clustered by the Spark job (`newsweave spark digest`, local mode): its
stories are scored the same way, and against the embedded engine's (the agreement of the
two engines, the embedded stories taken as the truth). The baseline in the same run is scikit-learn's agglomerative
clustering (average linkage, cosine distance) over TF-IDF of the same texts, with its distance
threshold tuned on the same data: an upper bound for that method, not a fair held-out figure.

With `storylines`, every story is then analysed and linked into storylines as `digest` does,
and each document's storyline (its story's, or the story itself when it is in none) is scored
against the matter its cluster belongs to (`Cluster.storyline`: a Timeline17 topic covered by
two outlets is one matter); the stories themselves scored against the matters show what the
linking adds.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsweave.app.pipeline import build_stories, ingest_documents, prepare
from newsweave.cluster.batch import ClusterSettings
from newsweave.evaluate.datasets import Cluster
from newsweave.model import Article, RawDocument
from newsweave.store import open_store
from newsweave.tfidf import tfidf

BASELINE_THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(8, 20))


@dataclass(slots=True)
class Scores:
    bcubed_p: float
    bcubed_r: float
    bcubed_f: float
    pairwise_p: float
    pairwise_r: float
    pairwise_f: float
    stories: int


def _f(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(predicted: Sequence[int], gold: Sequence[int]) -> Scores:
    """B-cubed and pairwise scores of a labelling against the gold labels."""
    n = len(gold)
    if n == 0:
        return Scores(0, 0, 0, 0, 0, 0, 0)
    size_p, size_g = Counter(predicted), Counter(gold)
    both = Counter(zip(predicted, gold, strict=True))
    bp = sum(both[(p, g)] / size_p[p] for p, g in zip(predicted, gold, strict=True)) / n
    br = sum(both[(p, g)] / size_g[g] for p, g in zip(predicted, gold, strict=True)) / n
    pairs_both = sum(c * (c - 1) / 2 for c in both.values())
    pairs_p = sum(c * (c - 1) / 2 for c in size_p.values())
    pairs_g = sum(c * (c - 1) / 2 for c in size_g.values())
    pp = pairs_both / pairs_p if pairs_p else 1.0
    pr = pairs_both / pairs_g if pairs_g else 1.0
    return Scores(bp, br, _f(bp, br), pp, pr, _f(pp, pr), len(size_p))


@dataclass
class ClusterEvalReport:
    documents: int = 0
    clusters: int = 0
    systems: dict[str, Scores] = field(default_factory=dict)
    baseline_threshold: float | None = None

    @staticmethod
    def header() -> list[str]:
        return ["system", "B3 P", "B3 R", "B3 F1", "pair P", "pair R", "pair F1", "stories"]

    def rows(self) -> list[list[str]]:
        return [
            [
                name,
                *(
                    f"{v:.3f}"
                    for v in (
                        s.bcubed_p,
                        s.bcubed_r,
                        s.bcubed_f,
                        s.pairwise_p,
                        s.pairwise_r,
                        s.pairwise_f,
                    )
                ),
                str(s.stories),
            ]
            for name, s in self.systems.items()
        ]

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "clusters": self.clusters,
            "baseline_threshold": self.baseline_threshold,
            "systems": {
                name: {k: round(v, 4) for k, v in vars_of(s).items()}
                for name, s in self.systems.items()
            },
        }


def vars_of(scores: Scores) -> dict[str, float]:
    return {name: getattr(scores, name) for name in Scores.__slots__}


def pool_documents(
    clusters: Sequence[Cluster], seed: int = 13, bare: bool = False
) -> tuple[list[RawDocument], list[int], list[tuple[str, int]]]:
    """Every document of the clusters in one shuffled stream (fixed `seed`), as
    `evaluate_clustering` ingests them: (documents, gold label of each, (cluster id, index in
    its cluster) of each). A document's source is "<cluster id>/<index>"; `bare` drops titles
    and dates."""
    pool = [(c.id, n, d) for c in clusters for n, d in enumerate(c.documents)]
    random.Random(seed).shuffle(pool)
    documents, gold, where = [], [], []
    labels = {c.id: k for k, c in enumerate(clusters)}
    for cluster_id, n, doc in pool:
        documents.append(
            RawDocument(
                source=f"{cluster_id}/{n}",
                text=doc.text,
                format="text",
                title=None if bare else doc.title,
                published=None if bare else doc.published,
            )
        )
        gold.append(labels[cluster_id])
        where.append((cluster_id, n))
    return documents, gold, where


def _stream(
    documents: list[RawDocument],
    cleaned: list[Article],
    batch_size: int,
    settings: ClusterSettings | None,
    storylines: bool = False,
) -> tuple[list[str], list[str]]:
    """Ingest the documents in order into a temporary store; each one's story id (an
    exact duplicate shares its original's; a document left empty by cleaning is alone) and,
    with `storylines`, once every story is analysed and linked as `digest` does, its story's
    storyline id (the story id for a story in none; else empty strings).
    `cleaned` are the documents as `prepare` leaves them, for their ids."""
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "eval.db") as store:
        ingest_documents(documents, store, batch_size=batch_size, cluster_settings=settings)
        ids = [a.id for a in cleaned]
        stories = store.story_ids_of(ids)
        lines: dict[str, str] = {}
        if storylines:
            build_stories(store, cluster_settings=settings)
            total = store.story_count()
            lines = {c.id: c.storyline or c.id for c in store.story_cards(limit=total)}
    story_of = [stories.get(i, f"alone:{n}") for n, i in enumerate(ids)]
    return story_of, [lines.get(s, s) if storylines else "" for s in story_of]


def _spark(documents: list[RawDocument], cleaned: list[Article], master: str) -> list[str]:
    """The documents written as JSONL in stream order, clustered by the Spark job; each
    one's story id, as `_stream` gives them."""
    import pyarrow.parquet as pq

    from newsweave.spark.digest import spark_digest
    from newsweave.spark.session import start

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "pool.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for doc in documents:
                record = {"text": doc.text, "title": doc.title, "published": doc.published}
                out.write(json.dumps(record, default=str) + "\n")
        spark = start(master)
        try:
            spark_digest(spark, [str(source)], str(Path(tmp) / "tables"), partitions=4)
        finally:
            spark.stop()
        rows = pq.read_table(Path(tmp) / "tables" / "articles", columns=["id", "story_id"])
        stories = dict(zip(rows["id"].to_pylist(), rows["story_id"].to_pylist(), strict=True))
    return [stories.get(a.id, f"alone:{n}") for n, a in enumerate(cleaned)]


def _labels(stories: Sequence[str]) -> list[int]:
    numbers = {story: k for k, story in enumerate(dict.fromkeys(stories))}
    return [numbers[s] for s in stories]


def _baseline(cleaned: list[Article], gold: list[int]) -> tuple[Scores, float]:
    from sklearn.cluster import AgglomerativeClustering

    matrix, _ = tfidf([f"{a.title or ''}\n{a.text}" for a in cleaned])
    dense = matrix.toarray()
    empty = ~dense.any(axis=1)
    dense[empty, 0] = 1.0  # a document with no words: its own point, not NaN distances
    best: tuple[Scores, float] | None = None
    for threshold in BASELINE_THRESHOLDS:
        model = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
        )
        labels = model.fit_predict(dense)
        scores = score(list(labels), gold)
        if best is None or scores.bcubed_f > best[0].bcubed_f:
            best = (scores, threshold)
    assert best is not None
    return best


def ceiling(cleaned: list[Article], gold: list[int]) -> Scores:
    """The best any system can score on these documents as cleaned: each in its true cluster,
    except those cleaning leaves empty (share widgets, archive pages), which nothing can place."""
    labels = [
        label if article.text else len(gold) + n
        for n, (article, label) in enumerate(zip(cleaned, gold, strict=True))
    ]
    return score(labels, gold)


def evaluate_clustering(
    clusters: Sequence[Cluster],
    *,
    seed: int = 13,
    bare: bool = False,
    save: Path | None = None,
    baseline: bool = True,
    batch_size: int = 256,
    settings: ClusterSettings | None = None,
    engine: str = "embedded",
    master: str = "local[2]",
    storylines: bool = False,
) -> ClusterEvalReport:
    """Pool, shuffle, stream in and score; `bare` drops titles and dates first; `engine`
    "spark" also runs the Spark job on `master` (see the module docstring); `storylines`
    analyses every story, links storylines and scores them against the clusters' matters
    (`Cluster.storyline`, the cluster itself where it names none)."""
    documents, gold, where = pool_documents(clusters, seed, bare)
    cleaned = [prepare(d) for d in documents]
    stories, lines = _stream(documents, cleaned, batch_size, settings, storylines)
    predicted = _labels(stories)
    report = ClusterEvalReport(documents=len(documents), clusters=len(clusters))
    report.systems["newsweave"] = score(predicted, gold)
    if storylines:
        matters = {c.id: c.storyline or c.id for c in clusters}
        gold_lines = _labels([matters[cluster_id] for cluster_id, _ in where])
        report.systems["newsweave storylines (against matters)"] = score(_labels(lines), gold_lines)
        report.systems["stories as storylines (against matters)"] = score(predicted, gold_lines)
    if engine == "spark":
        on_spark = _labels(_spark(documents, cleaned, master))
        report.systems["newsweave on Spark"] = score(on_spark, gold)
        report.systems["Spark against embedded (agreement)"] = score(on_spark, predicted)
    if baseline and len(documents) > 1:
        report.systems["agglomerative (tuned)"], report.baseline_threshold = _baseline(
            cleaned, gold
        )
    report.systems["ceiling (true clusters, empty documents alone)"] = ceiling(cleaned, gold)
    if save is not None:
        with save.open("w", encoding="utf-8") as out:
            for (cluster_id, n), story, line in zip(where, predicted, lines, strict=True):
                row = {"cluster": cluster_id, "doc": n, "story": story}
                if storylines:
                    row["storyline"] = line
                out.write(json.dumps(row) + "\n")
    return report


__all__ = [
    "ClusterEvalReport",
    "Scores",
    "ceiling",
    "evaluate_clustering",
    "pool_documents",
    "score",
]
