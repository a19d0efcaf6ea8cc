"""Where ingest time goes as the store grows: milliseconds per article, per step, per fifth of a run.

    .venv/bin/python bench/ingest_profile.py ../shared/data/multinews250/sample_test.csv --size 100000

`bench/scale.py` says how fast ingest is at each size; this says which step grows. It ingests
the same corpus as `bench/scale.py` (real Multi-News documents, then variants of whole stories)
into a fresh database in this process, with a timer around each store method and clustering
step (wrapped here, so the code measured is the code shipped), and prints, for each fifth of the
run, the milliseconds per stored article each step took in it, and the size of the region (the
stored articles each chunk is re-clustered with) over the last 20 chunks. A step whose figure
rises from one fifth to the next is one whose cost grows with the store. Timers nest (`cluster`
holds `cluster_articles`, which holds `vectorize`), so the rows do not add up to the wall time.
Three rows are the SQLite store's own steps inside its methods: `_write_story` and
`_write_members` (a changed story's rows, inside `update_clusters`) and `_merge_recent` (moving
the recent band and posting rows into their large tables, inside `add_articles` and
`update_clusters`).
The `gc` rows are the time the cyclic garbage collector ran (`gc.callbacks`), full passes apart
from young ones: it runs inside whichever step allocated, so it is also inside the other rows.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import newsweave.app.pipeline as pipeline
import newsweave.cluster.batch as cluster
import newsweave.cluster.cache as cache
import newsweave.cluster.copies as dedup
import newsweave.cluster.incremental as incremental
from newsweave.store import open_store
from newsweave.store.sqlite import SQLiteStore

STORE_METHODS = (
    "add_articles", "near_duplicates_of_each", "document_frequencies", "articles_sharing_terms",
    "story_ids_of", "story_members", "articles", "article_heads", "add_document_frequencies",
    "update_clusters", "_write_story", "_write_members", "_merge_recent",
)  # fmt: skip
STEPS = (
    (incremental, "cluster_articles"), (incremental, "salient_terms"),
    (cache.ClusterCache, "bag"), (cache.ClusterCache, "stats"),
    (dedup, "fingerprints"), (cluster, "vectorize"), (cluster, "top_columns_per_row"),
    (cluster, "candidate_pairs"), (cluster, "_split_events"), (cluster, "_similarities"),
    (cluster, "_average_link"),
)  # fmt: skip


class Timers:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, owner: Any, name: str) -> None:
        inner: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(inner)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start

        setattr(owner, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="Multi-News sample_test.csv")
    parser.add_argument("--size", type=int, default=30000)
    parser.add_argument(
        "--spacing", type=int, default=1, help="days between variants, as in bench/scale.py"
    )
    parser.add_argument("--chronological", action="store_true", help="as in bench/scale.py")
    args = parser.parse_args()
    from scale import corpus  # bench/scale.py, beside this file

    timers = Timers()
    for name in STORE_METHODS:
        timers.wrap(SQLiteStore, name)
    for owner, name in STEPS:
        timers.wrap(owner, name)
    collecting_since = [0.0]

    def collection(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting_since[0] = time.perf_counter()
        else:
            key = "gc (full passes)" if info["generation"] == 2 else "gc (young passes)"
            timers.seconds[key] += time.perf_counter() - collecting_since[0]

    gc.callbacks.append(collection)
    regions: list[int] = []
    chunk = pipeline.cluster_chunk

    def counted_chunk(*args: Any, **kwargs: Any) -> incremental.ClusterStep:
        step = chunk(*args, **kwargs)
        regions.append(step.region)
        return step

    pipeline.cluster_chunk = counted_chunk

    report = pipeline.RunReport()
    snapshots: list[tuple[int, float, dict[str, float], float]] = []
    stored = 0
    start = time.perf_counter()

    def snapshot() -> None:
        seconds = {**timers.seconds, **report.seconds}
        recent = regions[-20:] or [0]
        snapshots.append((stored, time.perf_counter() - start, seconds, sum(recent) / len(recent)))

    def progress(stage: str, n: int) -> None:
        nonlocal stored
        if stage == "stored":  # after each batch is stored, before it is clustered
            snapshot()
            stored += n

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in corpus(
                args.source, args.size, spacing=args.spacing, chronological=args.chronological
            ):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        start = time.perf_counter()
        with open_store(Path(tmp) / "profile.db") as store:
            pipeline.ingest([path], store, report=report, progress=progress)
        snapshot()
    # the batch boundaries nearest each fifth of what was stored (the last one: the end)
    fifths = [
        min(snapshots, key=lambda s, k=k: abs(s[0] - k * stored / 5)) for k in range(1, 5)
    ] + [snapshots[-1]]

    keys = ["wall", *sorted({k for _, _, seconds, _ in fifths for k in seconds})]
    print("| ms/article | " + " | ".join(f"to {n:,}" for n, *_ in fifths) + " |")
    print("|---|" + "---:|" * len(fifths))
    for key in keys:
        row, before = [], (0, 0.0, {}, 0.0)
        for now in fifths:
            if key == "wall":
                spent = now[1] - before[1]
            else:
                spent = now[2].get(key, 0.0) - before[2].get(key, 0.0)
            row.append(1000 * spent / max(1, now[0] - before[0]))
            before = now
        print(f"| {key} | " + " | ".join(f"{ms:.2f}" for ms in row) + " |")
    print("| region (articles) | " + " | ".join(f"{r:,.0f}" for *_, r in fifths) + " |")


if __name__ == "__main__":
    main()
