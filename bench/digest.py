"""Throughput of `newsweave digest`, by stage, on every article of a Multi-News CSV.

    .venv/bin/python bench/digest.py ../shared/data/multinews250/sample_test.csv --runs 3

Each run writes the articles to a JSONL file, then ingests them into a fresh database and builds
the stories exactly as `newsweave digest` does; the table gives the median seconds of each
stage over the runs and the articles per second it corresponds to.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from newsweave.app.pipeline import Annotator, RunReport, build_stories, ingest
from newsweave.evaluate.datasets import load_multinews
from newsweave.store import open_store


def one_run(jsonl: Path, annotator: Annotator) -> tuple[RunReport, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        report = RunReport()
        start = time.perf_counter()
        with open_store(Path(tmp) / "bench.db") as store:
            ingest([str(jsonl)], store, report=report)
            stories = build_stories(store, report=report)
        return report, time.perf_counter() - start, len(stories)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("csv", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    clusters = load_multinews(args.csv)
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "articles.jsonl"
        with jsonl.open("w", encoding="utf-8") as out:
            for cluster in clusters:
                for doc in cluster.documents:
                    out.write(json.dumps({"text": doc.text}) + "\n")
        annotator = Annotator()
        annotator.recognizer  # load spaCy outside the timed runs  # noqa: B018
        runs = [one_run(jsonl, annotator) for _ in range(args.runs)]

    articles = runs[0][0].read
    stages = list(runs[0][0].seconds)
    table = Table(title=f"digest on {articles} articles, median of {args.runs} runs")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("articles/s", justify="right")
    for stage in stages:
        seconds = statistics.median(r.seconds[stage] for r, _, _ in runs)
        table.add_row(stage, f"{seconds:.2f}", f"{articles / seconds:,.0f}" if seconds else "-")
    total = statistics.median(t for _, t, _ in runs)
    table.add_row("total (wall)", f"{total:.2f}", f"{articles / total:,.1f}", style="bold")
    Console().print(table)
    print(f"stored {runs[0][0].added} distinct articles, {runs[0][2]} stories")


if __name__ == "__main__":
    main()
