"""What ingest's per-article work costs with no store at all: the floor under its throughput.

    .venv/bin/python bench/article_costs.py ../shared/data/multinews250/sample_test.csv --size 5000 --runs 5

`bench/scale.py` times whole ingests, where the store's writes and lookups and the
re-clustering of stored stories take their share, and grow with the store. This times the
steps every article pays for whatever the store holds, each on its own, in this process, over
the same corpus as `bench/scale.py` (real Multi-News documents, then variants of whole stories),
in batches of 256 as ingest takes them:

- `clean`: `app.pipeline.prepare`, line rules, title, dates, the article id (which normalises the
  body once: `normalise_body`, memoised for the batch);
- `fingerprint`: MinHash signatures and LSH bands of the batch (`cluster.copies.fingerprints`, which
  normalises the bodies again, from the memo);
- `bag`: the words clustering weighs (`cluster.batch.document_bag`: tokenising, counting, numbering);
- `store`: `Store.add_articles` of the batch, without fingerprints, into a store made fresh
  for the pass (so one that never outgrows 5,000 articles): the article rows and their
  entries in the full-text search index (SQLite FTS5, written by a trigger), which are
  nearly all of it (in an ingest of 30k articles, inserting the rows takes about 0.76 ms an
  article, and 0.05 without the index's trigger);
- `normalise_body`: on its own, memo cleared, for what it costs inside `clean`.

Each figure is the median over `--runs` passes of milliseconds per article; "alone" is the
articles per second ingest would reach if that step were all it did.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from newsweave.app.pipeline import prepare
from newsweave.cluster.batch import Vocabulary, document_bag
from newsweave.cluster.copies import fingerprints
from newsweave.ingest.jsonl import from_object
from newsweave.model import RawDocument, normalise_body
from newsweave.store import Store, open_store

BATCH = 256
STEPS = ("clean", "fingerprint", "bag", "store")


def one_pass(documents: list[RawDocument]) -> dict[str, float]:
    """Seconds per step over all documents, batch by batch as ingest runs them."""
    seconds = dict.fromkeys((*STEPS, "normalise_body"), 0.0)
    vocabulary = Vocabulary()
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "s.db") as store:
        for start in range(0, len(documents), BATCH):
            _one_batch(documents[start : start + BATCH], vocabulary, store, seconds)
    return seconds


def _one_batch(
    batch: list[RawDocument], vocabulary: Vocabulary, store: Store, seconds: dict[str, float]
) -> None:
    """One batch's steps, each timed on its own (adds to `seconds`)."""
    normalise_body.cache_clear()
    t = time.perf_counter()
    for document in batch:
        normalise_body(document.text)
    seconds["normalise_body"] += time.perf_counter() - t
    normalise_body.cache_clear()
    t = time.perf_counter()
    articles = [a for a in map(prepare, batch) if a.text]
    seconds["clean"] += time.perf_counter() - t
    t = time.perf_counter()
    fingerprints([a.text for a in articles])
    seconds["fingerprint"] += time.perf_counter() - t
    t = time.perf_counter()
    for article in articles:
        document_bag(article, vocabulary)
    seconds["bag"] += time.perf_counter() - t
    t = time.perf_counter()
    store.add_articles(articles)
    seconds["store"] += time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="Multi-News sample_test.csv")
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from scale import corpus  # bench/scale.py, beside this file

    # the documents exactly as `ingest` reads the corpus's JSONL lines
    documents = [from_object(r["id"], r, "jsonl") for r in corpus(args.source, args.size)]
    passes = [one_pass(documents) for _ in range(args.runs)]
    per = {k: 1000 * statistics.median(p[k] for p in passes) / len(documents) for k in passes[0]}
    print(f"{len(documents):,} documents, median of {args.runs} passes\n")
    print("| step | ms/article | articles/s alone |")
    print("|---|---:|---:|")
    for step in (*STEPS, "normalise_body"):
        print(f"| `{step}` | {per[step]:.3f} | {1000 / per[step]:,.0f} |")
    total = sum(per[k] for k in STEPS)
    print(f"| {' + '.join(STEPS)} | {total:.3f} | {1000 / total:,.0f} |")


if __name__ == "__main__":
    main()
