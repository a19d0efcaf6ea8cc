"""Storylines and the report a reader opens: storyline sizes, timeline lengths, report size
and the time Chromium takes to open it.

    .venv/bin/python bench/storylines.py DIR [DIR ...] [--db PATH] [--runs 3]

Each DIR is a Timeline17 topic folder (`articles.json`, each article published on its
`dct`, the folder name as its outlet). The folders are ingested together into a temporary
store (or `--db PATH`, reused as it is when it exists) with the full analysis (`ingest` +
`build_stories`, as `newsweave digest` does), the report is written (`newsweave report`), and
the system Chromium (`/usr/bin/chromium`, through Playwright) opens `index.html` from disk
`--runs` times: the median time to the load event.
Prints one table: articles, stories, storylines and their sizes, the timeline events of the
stories (all and shown) and of the storylines, the report's size and open time.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from rich.console import Console
from rich.table import Table

from newsweave.analysis.storyline import gather_storylines
from newsweave.app.pipeline import build_stories, ingest_documents
from newsweave.evaluate.timeline import load_t17_topic
from newsweave.model import RawDocument
from newsweave.render import write_report
from newsweave.render.html import TIMELINE_EVENTS
from newsweave.store import open_store

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def documents(folders: list[Path]) -> list[RawDocument]:
    out = []
    for folder in folders:
        for article in load_t17_topic(folder).articles:
            out.append(
                RawDocument(
                    source=article.source,
                    text=article.text,
                    format="text",
                    published=article.published,
                    outlet=folder.name,
                )
            )
    return out


def open_time(page_path: Path, runs: int) -> float:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        times = []
        for _ in range(runs):
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(page_path.as_uri(), wait_until="load", timeout=120_000)
            times.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--db", type=Path, help="Keep the database here; reuse it if it exists.")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    docs = documents(args.folders)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        fresh = not db.exists()
        with open_store(db) as store:
            if fresh:
                ingest_documents(docs, store)
                build_stories(store)
            stories = store.stories()
        paths = write_report(stories, Path(tmp) / "report")
        html = paths["html"]
        size = html.stat().st_size
        seconds = open_time(html, args.runs)
    lines = gather_storylines(stories)
    sizes = sorted((len(line.stories) for line in lines), reverse=True)
    own = sorted(len(s.timeline) for s in stories)
    table = Table(title=f"Storylines and report: {', '.join(f.name for f in args.folders)}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("articles", f"{len(docs):,}"),
        ("stories", f"{len(stories):,}"),
        ("storylines (2 stories or more)", f"{len(lines):,}"),
        ("stories in a storyline", f"{sum(sizes):,}"),
        ("largest storylines (stories)", ", ".join(map(str, sizes[:5])) or "-"),
        ("timeline events per story: median / max", f"{statistics.median(own or [0]):g} / {max(own or [0])}"),
        ("events per storyline timeline: max (shown)", f"{max((len(line.timeline) for line in lines), default=0)} ({TIMELINE_EVENTS})"),
        ("report size", f"{size / 1e6:.2f} MB"),
        (f"report open time, median of {args.runs}", f"{seconds:.2f} s"),
    ]  # fmt: skip
    for row in rows:
        table.add_row(*row)
    Console().print(table)


if __name__ == "__main__":
    main()
