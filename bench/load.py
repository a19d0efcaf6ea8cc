"""A bounded load test of `newsweave serve` with writers at work: readers, uploads and an
`ingest` at the same time, then a consistency check of what they left.

    .venv/bin/python bench/load.py ../shared/data/multinews250/sample_test.csv \\
        --seconds 60 --clients 20 --workers 2

For `--seconds`, on loopback:

- `--clients` reader threads, each with its own keep-alive httpx client, request page after
  page (stories, a story or search, picked at random; the URLs `bench/serve.py` asks for);
- an uploader posts `POST /api/articles` (JSONL, a new variant of a story's articles, with
  the server's token) every `--upload-every` seconds, on time whether the uploads before
  are answered or not (the server summarises and analyses what an upload changes before it
  answers, one upload at a time per worker), and all are waited for;
- `newsweave ingest` runs in a subprocess over `--ingest` new articles (variants of the
  corpus the store does not hold), summarising as it goes (`--no-summarise`: not), and is
  waited for after the readers stop.

The store is built as `bench/serve.py` builds it (`--size` articles, stories summarised
without spaCy; what that leaves unclustered is clustered and summarised), once into
`--work` and copied for each run. Printed: per request kind, the
requests, requests a second, p50 and p99 latency and errors (non-2xx replies by status,
connection errors, and "database is locked" anywhere: replies, the server's log, the
ingest's); then the ingest's time, and what `StoreCheck.check` finds once everything has
stopped, and whether every acknowledged upload's articles are each in exactly one story.
Exits non-zero when the check finds anything or an acknowledged article is not in a story.

The load tool runs on the same machine as the server, so on a small one the readers
compete with the server for the cores: the figures are of the whole.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from newsweave.app.pipeline import build_stories, prepare
from newsweave.model import Article
from newsweave.store import open_store
from newsweave.web.upload import read_upload
from scale import variant_suffix  # bench/ is on the path when a bench script runs
from serve import OUTLETS, build, originals, percentile, serve, urls

TOKEN = "load-test-token"
LOCKED = "database is locked"
_RENAMED = re.compile(r"\b([A-Z][a-z]{2,}|[a-z]{6,})\b")
INGEST_VARIANTS = 2000
"""Variant numbers of the ingest's articles start here, the uploads' at twice this: far
beyond those of a built store, so every article of the run is new."""


@dataclass
class Tally:
    """What one kind of request met: latencies (ms) of the answered ones, and errors."""

    ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


def rename(text: str, v: int) -> str:
    """Variant `v` of a text, as `bench/serve.py` and `bench/scale.py` make them."""
    tag = variant_suffix(v)
    return _RENAMED.sub(lambda m: m.group(1) + tag, text)


def records(story: list[Article], v: int, cluster: int) -> list[dict[str, str]]:
    """JSONL records of variant `v` of one story's articles."""
    day = f"2021-{1 + v % 12:02d}-{1 + v % 28:02d}"
    return [
        {
            "text": rename(a.text, v),
            "title": rename(a.title or "", v),
            "outlet": OUTLETS[(cluster * 7 + n + v) % len(OUTLETS)],
            "published": day,
        }
        for n, a in enumerate(story)
    ]


def reader(url: str, ids: list[str], seed: int, until: float, tally: dict[str, Tally]) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=60) as client:
        while time.monotonic() < until:
            kind = rng.choice(("stories", "story", "search"))
            start = time.perf_counter()
            try:
                reply = client.get(urls(kind, ids, rng))
            except httpx.HTTPError as exc:
                tally[kind].errors[f"connection error ({type(exc).__name__})"] += 1
                continue
            elapsed = (time.perf_counter() - start) * 1000
            if reply.is_success:
                tally[kind].ms.append(elapsed)
            else:
                locked = LOCKED in reply.text
                tally[kind].errors[LOCKED if locked else f"HTTP {reply.status_code}"] += 1


def upload(
    client: httpx.Client, body: bytes, tally: dict[str, Tally], acknowledged: list[str]
) -> None:
    """One upload, timed; its articles' ids (computed here as the server does) if accepted."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/jsonl"}
    start = time.perf_counter()
    try:
        reply = client.post("/api/articles", content=body, headers=headers)
    except httpx.HTTPError as exc:
        tally["upload"].errors[f"connection error ({type(exc).__name__})"] += 1
        return
    elapsed = (time.perf_counter() - start) * 1000
    if reply.status_code in (200, 201):
        tally["upload"].ms.append(elapsed)
        documents = read_upload(body, "jsonl").documents
        acknowledged.extend(prepare(d).id for d in documents)
    else:
        locked = LOCKED in reply.text
        tally["upload"].errors[LOCKED if locked else f"HTTP {reply.status_code}"] += 1


def uploader(
    url: str,
    stories: list[list[Article]],
    every: float,
    until: float,
    tally: dict[str, Tally],
    acknowledged: list[str],
) -> None:
    """An upload (a new variant of a story) every `every` seconds, each sent on time in a
    thread of its own whether the ones before are answered or not; returns once all are."""
    rng = random.Random(7)
    sent: list[threading.Thread] = []
    with httpx.Client(base_url=url, timeout=1800) as client:
        while (now := time.monotonic()) < until:
            cluster = rng.randrange(len(stories))
            lines = records(stories[cluster], 2 * INGEST_VARIANTS + len(sent), cluster)
            body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines).encode()
            sent.append(threading.Thread(target=upload, args=(client, body, tally, acknowledged)))
            sent[-1].start()
            time.sleep(max(0.0, now + every - time.monotonic()))
        for thread in sent:
            thread.join()


def ingest_corpus(path: Path, stories: list[list[Article]], size: int) -> int:
    """`size` new articles as JSONL (whole variants of the stories); returns how many."""
    rng = random.Random(3)
    lines: list[dict[str, str]] = []
    v = INGEST_VARIANTS
    while len(lines) < size:
        for cluster, story in enumerate(stories):
            lines += records(story, v, cluster)
        v += 1
    lines = lines[:size]
    rng.shuffle(lines)
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="Multi-News sample_test.csv")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--size", type=int, default=10_000, help="articles in the store")
    parser.add_argument("--ingest", type=int, default=1000, help="articles the ingest adds")
    parser.add_argument(
        "--no-summarise", action="store_true", help="the ingest leaves its stories waiting"
    )
    parser.add_argument("--upload-every", type=float, default=1.0, help="seconds")
    parser.add_argument("--work", type=Path, help="keep the built store here (reused)")
    parser.add_argument("--processes", type=int, default=2, help="for building the store")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="newsweave-load-"))
    work.mkdir(parents=True, exist_ok=True)
    template = work / f"load-{args.size}.db"
    if not template.exists():
        started = time.perf_counter()
        build(args.source, template, args.size, args.processes)
        with open_store(template) as store:
            # an article two stories of the corpus share is stored in the first: the
            # others' members wait to be clustered, which the first upload would do
            build_stories(store, analyse=False)
        print(f"  built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    run = Path(tempfile.mkdtemp(prefix="newsweave-load-run-"))
    db = run / "load.db"
    shutil.copyfile(template, db)  # closed stores: the WAL is checkpointed into the file
    with open_store(db) as store:
        before = store.check()
        ids = [c.id for c in store.story_cards(limit=1_000_000)]
        articles = store.article_count()
    sample = random.Random(args.size).sample(ids, min(500, len(ids)))
    stories = originals(args.source)
    corpus = run / "ingest.jsonl"
    ingest_corpus(corpus, stories, args.ingest)

    server, url = serve(db, args.workers, token=TOKEN, log=run / "server.log")
    tally = {kind: Tally() for kind in ("stories", "story", "search", "upload")}
    acknowledged: list[str] = []
    try:
        with (run / "ingest.log").open("wb") as ingest_log:
            started = time.monotonic()
            until = started + args.seconds
            command = [sys.executable, "-m", "newsweave.cli", "ingest", str(corpus)]
            ingest = subprocess.Popen(
                [*command, "--db", str(db), *(["--no-summarise"] if args.no_summarise else [])],
                stdout=ingest_log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "COLUMNS": "200"},
            )
            threads = [
                threading.Thread(target=reader, args=(url, sample, n, until, tally))
                for n in range(args.clients)
            ]
            threads.append(
                threading.Thread(
                    target=uploader,
                    args=(url, stories, args.upload_every, until, tally, acknowledged),
                )
            )
            for thread in threads:
                thread.start()
            for thread in threads[:-1]:
                thread.join()
            elapsed = time.monotonic() - started  # the readers' time
            threads[-1].join()  # until every upload sent is answered
            uploading = time.monotonic() - started
            ingest.wait(timeout=3600)
            ingest_seconds = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and its workers
        server.wait(30)

    reads = sum(len(t.ms) + sum(t.errors.values()) for k, t in tally.items() if k != "upload")
    print(f"\n{articles:,} articles, {len(ids):,} stories; {args.clients} clients, "
          f"serve --workers {args.workers}, {elapsed:.0f} s\n")  # fmt: skip
    print("| kind | requests | requests/s | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---|")
    for kind in ("stories", "story", "search", "upload"):
        t = tally[kind]
        done = len(t.ms) + sum(t.errors.values())
        p50 = f"{percentile(t.ms, 0.5):.0f}" if t.ms else "-"
        p99 = f"{percentile(t.ms, 0.99):.0f}" if t.ms else "-"
        errs = ", ".join(f"{n} {what}" for what, n in t.errors.items()) or "0"
        print(f"| {kind} | {done} | {done / elapsed:.1f} | {p50} | {p99} | {errs} |")
    every = [ms for k, t in tally.items() if k != "upload" for ms in t.ms]
    if every:
        print(f"| all reads | {reads} | {reads / elapsed:.1f} | {percentile(every, 0.5):.0f} "
              f"| {percentile(every, 0.99):.0f} | |")  # fmt: skip

    sent = len(tally["upload"].ms) + sum(tally["upload"].errors.values())
    print(f"\nuploads: {len(tally['upload'].ms)} of {sent} answered 2xx, the last "
          f"{uploading:.0f} s after the first was sent")  # fmt: skip
    ingest_output = (run / "ingest.log").read_text(encoding="utf-8", errors="replace")
    server_log = (run / "server.log").read_text(encoding="utf-8", errors="replace")
    summary = [line for line in ingest_output.splitlines() if line.startswith(("read ", "summ"))]
    print(f"ingest of {args.ingest} articles: exit {ingest.returncode} after "
          f"{ingest_seconds:.0f} s; {' / '.join(summary)}")  # fmt: skip
    locked = server_log.count(LOCKED) + ingest_output.count(LOCKED)
    print(f'"{LOCKED}" in the server log and the ingest output: {locked}')

    with open_store(db) as store:
        findings = store.check()
        owners = store.story_ids_of(acknowledged)
        total = store.article_count()
    homeless = [i for i in acknowledged if i not in owners]
    for when, found in (("before the run", before), (f"after it ({total:,} articles)", findings)):
        problems = "; ".join(f"{f.what}: {f.count}" for f in found)
        print(f"check {when}: {problems or 'consistent'}")
    print(f"acknowledged uploads: {len(acknowledged)} articles, {len(homeless)} in no story "
          "(none in two: the check counts those)")  # fmt: skip
    shutil.rmtree(run, ignore_errors=True)
    if findings or homeless or ingest.returncode:
        sys.exit(1)


if __name__ == "__main__":
    main()
