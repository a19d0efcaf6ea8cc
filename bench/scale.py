"""Ingest throughput and peak memory at 1k, 10k and 100k articles, split by stage.

    .venv/bin/python bench/scale.py ../shared/data/multinews250/sample_test.csv --sizes 1000 10000 100000 --runs 3

What is measured is `newsweave ingest --no-summarise`: read (JSONL), clean, dedup (exact ids,
MinHash near-duplicates), store (SQLite, one transaction a batch) and incremental clustering,
into a fresh database. Sentences, entities, summaries and the analysis run later, per changed
story (`refresh_stories`), and are not part of this figure.

The corpus: the 666 real source documents of the Multi-News sample (250 stories of 1-7
articles), then, for volume, variants of them that keep their story structure: in variant v
every capitalised word and every word of six letters or more gets a suffix of its own for v
("Perry" becomes "Perrybk", "energy" stays, "nominee" becomes "nomineebk"), so each variant
of a story is a new story about new people, places and things, told with the same short
words, and no more a copy of its original than two outlets' reports are; every article of
variant v is dated day v of 2020 (a year of news). All documents are shuffled (fixed seed)
so stories arrive interleaved, as a day's feeds do. Each size runs in a fresh process (peak
RSS is that process's), and the figures are medians over `--runs`.

The variants of one story share all their short words, so they are each other's closest
neighbours, and the more variants fall within the clustering time window (10 days), the more
each new article finds to compare itself with: with one variant a day, a 100k corpus puts 21
variants of every story in each window where a 1k corpus puts 2, and since the whole year is
shuffled, every window keeps filling until the run ends. `--spacing DAYS` dates the variants
that many days apart instead (at 11 or more, a window holds one variant of each story), and
`--chronological` feeds the articles in date order, shuffled within a day, as news arrives:
with both, each window holds the same load at every size, so that what grows from 1k to 100k
is the store and not the window (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

STAGES = ("read", "clean", "dedup", "store", "cluster")
_RENAMED = re.compile(r"\b([A-Z][a-z]{2,}|[a-z]{6,})\b")


def variant_suffix(v: int) -> str:
    """A short tag of consonants for variant `v` (bench/serve.py names its variants the same)."""
    letters = "bcdfghjklmnpqrstvwxz"
    out = ""
    while True:
        out += letters[v % len(letters)]
        v //= len(letters)
        if not v:
            return out


def corpus(
    source: Path, size: int, seed: int = 7, spacing: int = 1, chronological: bool = False
) -> list[dict]:
    """`size` JSONL records: the real documents, then variants of whole stories, variant v
    dated `spacing` * v days into 2020 (wrapping after 366 variants); shuffled, and then, if
    `chronological`, ordered by date (shuffled within a day)."""
    from newsweave.evaluate.datasets import load_dataset

    clusters = load_dataset("multinews", source)
    records: list[dict] = []
    variant = 0
    while len(records) < size:
        day = date(2020, 1, 1) + timedelta(days=(variant % 366) * spacing)
        for cluster in clusters:
            for n, doc in enumerate(cluster.documents):
                text = doc.text
                if variant:
                    tag = variant_suffix(variant)
                    text = _RENAMED.sub(lambda m, tag=tag: m.group(1) + tag, text)
                records.append(
                    {
                        "text": text,
                        "id": f"{cluster.id}/{n}/v{variant}",
                        "published": day.isoformat(),
                    }
                )
        variant += 1
    records = records[:size]
    random.Random(seed).shuffle(records)
    if chronological:
        records.sort(key=lambda r: r["published"])  # stable: a day keeps its shuffle
    return records


def child(path: Path, db: Path) -> dict:
    """One run, in this process: ingest `path` into `db`; seconds per stage and peak memory."""
    import resource

    from newsweave.app.pipeline import RunReport, ingest
    from newsweave.store import open_store

    report = RunReport()
    start = time.perf_counter()
    with open_store(db) as store:
        ingest([path], store, report=report)
        articles = store.article_count()
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "wall": wall,
        "stages": {k: report.seconds.get(k, 0.0) for k in STAGES},
        "read": report.read,
        "stored": articles,
        "copies": report.copies,
        "stories": len(report.changed),  # a fresh database: every story is new
        "peak_mib": peak_kib / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="Multi-News sample_test.csv")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--spacing", type=int, default=1, help="days between variants (default 1: a year of news)"
    )
    parser.add_argument(
        "--chronological", action="store_true", help="articles in date order, as news arrives"
    )
    parser.add_argument("--child", nargs=2, metavar=("JSONL", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]))))
        return

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"corpus-{size}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for record in corpus(
                    args.source, size, spacing=args.spacing, chronological=args.chronological
                ):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            runs = []
            for run in range(args.runs):
                db = Path(tmp) / f"scale-{size}-{run}.db"
                done = subprocess.run(
                    [sys.executable, __file__, str(args.source), "--child", str(path), str(db)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                print(f"size {size} run {run + 1}: {runs[-1]['wall']:.1f} s", file=sys.stderr)
            rows.append((size, runs))

    print("| articles | stored | copies | stories | wall s | articles/s | ms/article | "
          + " | ".join(f"{s} s" for s in STAGES) + " | peak MiB |")  # fmt: skip
    print("|" + "---:|" * (8 + len(STAGES)))
    base = None
    for size, runs in rows:
        wall = statistics.median(r["wall"] for r in runs)
        per = 1000 * wall / size
        base = base or per
        stages = [statistics.median(r["stages"][k] for r in runs) for k in STAGES]
        last = runs[-1]
        print(
            f"| {size:,} | {last['stored']:,} | {last['copies']:,} | {last['stories']:,} | "
            f"{wall:.1f} | {size / wall:,.0f} | {per:.2f} | "
            + " | ".join(f"{s:.1f}" for s in stages)
            + f" | {statistics.median(r['peak_mib'] for r in runs):,.0f} |"
        )
    print(f"\ncost per article at the largest size / at the smallest: {per / base:.2f}x")


if __name__ == "__main__":
    main()
