"""Throughput of a full `newsweave digest` by stage, against spaCy's parse alone.

    .venv/bin/python bench/digest.py --size 300 --runs 3
    .venv/bin/python bench/digest.py --size 3000 --runs 1

Articles: a deterministic sample of real news, half the Multi-News documents of
`multinews250/sample_test.csv` in file order, the rest Timeline17 dev articles
(`t17-dev/*/articles.json`) taken in turn from each topic folder, oldest first (the two
hold 2,554 together: a larger `--size` takes them all). Each run ingests them into a fresh
database and does what `newsweave digest` does (read, clean, dedup, store, cluster; sentences,
the parse, summaries and analysis of every story; storylines; the report written), then,
in the same process, times spaCy's `nlp.pipe` alone over the texts the digest parsed: the
model's full default pipeline, the same batch size, nothing read from the docs. The table
gives the median seconds of each stage over the runs, articles per second, the ratio of
the whole digest to the parse alone in wall time and in CPU time (this process's: steadier
than wall time on a machine that other work shares), and the process's peak memory (RSS high-water mark)
when the first digest ends, before any parse alone.
The spaCy model is loaded once, before the runs, for both.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from newsweave.app.pipeline import Annotator, RunReport, build_stories, ingest
from newsweave.evaluate.datasets import load_multinews
from newsweave.evaluate.timeline import load_t17_topic, t17_topics
from newsweave.nlp.language import is_analysed
from newsweave.nlp.quotes import PARAGRAPHS
from newsweave.render import write_report
from newsweave.store import open_store

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def sample(data: Path, size: int) -> list[dict[str, str | None]]:
    """`size` articles as JSONL records: half Multi-News in file order, the rest T17 topics
    in turn (each topic's articles in their file order, with date and outlet)."""
    news = [
        {"text": d.text}
        for c in load_multinews(data / "multinews250" / "sample_test.csv")
        for d in c.documents
    ]
    topics = [
        [
            {
                "text": a.text,
                "published": a.published.isoformat() if a.published else None,
                "outlet": folder.name.rsplit("_", 1)[-1],
            }
            for a in load_t17_topic(folder).articles
        ]
        for folder in t17_topics(data / "t17-dev")
    ]
    in_turn = [t[k] for k in range(max(map(len, topics))) for t in topics if k < len(t)]
    rows = news[: size // 2]
    rows += in_turn[: size - len(rows)]
    rows += news[size // 2 :][: size - len(rows)]
    return rows


@dataclass
class Run:
    report: RunReport
    wall: float
    cpu: float
    stories: int
    texts: list[str]
    alone: float = 0.0
    alone_cpu: float = 0.0


def digest(jsonl: Path, annotator: Annotator, out: Path) -> Run:
    """One digest into a fresh database; the texts it parsed, for the parse alone."""
    with tempfile.TemporaryDirectory() as tmp:
        report = RunReport()
        start, cpu = time.perf_counter(), time.process_time()
        with open_store(Path(tmp) / "bench.db") as store:
            ingest([str(jsonl)], store, report=report)
            build_stories(store, report=report, annotator=annotator)
            with report.timed("report"):
                stories = store.stories()
                write_report(stories, out)
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            texts = [a.text for a in store.articles() if a.parse is not None and is_analysed(a)]
        return Run(report, wall, cpu, len(stories), texts)


def parse_alone(annotator: Annotator, texts: list[str]) -> tuple[float, float]:
    """spaCy's full default pipeline of the same model over `texts`, docs discarded: wall
    and CPU seconds."""
    nlp = annotator.parser
    start, cpu = time.perf_counter(), time.process_time()
    with nlp.select_pipes(disable=[PARAGRAPHS]):
        for _ in nlp.pipe(texts, batch_size=annotator.batch_size):
            pass
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the first run")
    args = parser.parse_args()

    rows = sample(args.data, args.size)
    annotator = Annotator()
    annotator.parser  # load spaCy outside the timed runs  # noqa: B018
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "articles.jsonl"
        jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        for n in range(args.runs):
            profile = cProfile.Profile() if args.profile and n == 0 else None
            if profile:
                profile.enable()
            run = digest(jsonl, annotator, Path(tmp) / "report")
            if profile:
                profile.disable()
                profile.dump_stats(args.profile)
            if n == 0:
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB
            run.alone, run.alone_cpu = parse_alone(annotator, run.texts)
            runs.append(run)
            print(
                f"run {n + 1}: digest {run.wall:.1f} s ({run.cpu:.1f} CPU), "
                f"alone {run.alone:.1f} s ({run.alone_cpu:.1f} CPU)",
                file=sys.stderr,
            )

    first = runs[0].report
    articles = first.read
    table = Table(
        title=f"digest of {articles} articles ({first.added} stored, {len(runs[0].texts)} "
        f"parsed, {runs[0].stories} stories), median of {args.runs} run(s)"
    )
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("articles/s", justify="right")
    for stage in first.seconds:
        seconds = statistics.median(r.report.seconds.get(stage, 0.0) for r in runs)
        table.add_row(stage, f"{seconds:.2f}", f"{articles / seconds:,.1f}" if seconds else "-")
    total = statistics.median(r.wall for r in runs)
    alone = statistics.median(r.alone for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    alone_cpu = statistics.median(r.alone_cpu for r in runs)
    table.add_row("digest total (wall)", f"{total:.2f}", f"{articles / total:,.1f}", style="bold")
    table.add_row("digest total (CPU)", f"{cpu:.2f}", f"{articles / cpu:,.1f}")
    parsed = len(runs[0].texts)
    table.add_row("spaCy nlp.pipe alone (wall)", f"{alone:.2f}", f"{parsed / alone:,.1f}")
    table.add_row("spaCy nlp.pipe alone (CPU)", f"{alone_cpu:.2f}", f"{parsed / alone_cpu:,.1f}")
    table.add_row("digest / parse alone, wall", f"{total / alone:.2f}x", "", style="bold")
    table.add_row("digest / parse alone, CPU", f"{cpu / alone_cpu:.2f}x", "", style="bold")
    table.add_row("peak RSS of the first digest (MiB)", f"{peak:,.0f}", "")
    Console().print(table)


if __name__ == "__main__":
    main()
