"""Serving latency of the web UI: p50/p95 of the stories page, a story page and search at 10k
and 100k articles, under concurrent requests.

    .venv/bin/python bench/serve.py ../shared/data/multinews250/sample_test.csv \\
        --sizes 10000 100000 --runs 3 --concurrency 1 4

The stores are built directly, not through `newsweave ingest` (whose throughput
`bench/scale.py` measures): 1.5 minutes for 10k articles, 28 for 100k on the 2-core
development machine (`--work DIR` keeps them for the next run). How:

- articles: the 666 real source documents of the Multi-News sample (250 stories), cleaned by
  `app.pipeline.prepare`, then variants of whole stories made as `bench/scale.py` makes them: in
  variant v every capitalised word and every word of six letters or more gets a suffix of its
  own ("Perry" -> "Perrybk"), so each variant is a new story about new people and places told
  with the same short words. Variant v is dated day v of 2020; each article gets one of 60
  outlet names (so outlets take part in many stories). Sentences are split by a regular
  expression (pysbd would take an hour at 100k). Stored with `store.add_articles`.
- stories: each variant of a story is one story, made by `app.pipeline.make_story` (summary,
  title, event date) in `--processes` worker processes, and stored with `save_stories`.
  Entities, for cards and the entity filter, are each story's eight most frequent
  capitalised words (spaCy would take hours); facts, quotes and the rest of the analysis are
  left empty, so a story page here costs its summary, citation evidence and articles.

The server is `newsweave serve` in a subprocess (one worker by default, `--workers N` for more); the load
generator is, for each `--concurrency` value, that many threads, each with its own keep-alive
httpx client, sending `--requests` requests per page kind between them after a warm-up, and
timing each one end to end (so with 4 clients a request also waits for the others). Pages:
stories (a random page of the first 50, a quarter of them filtered by a date range or an
outlet), a story (a random one of 500), search (a random query of 12: common short words,
two-word queries and rare names). Figures are medians over `--runs` runs.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from multiprocessing import Pool
from pathlib import Path

import httpx

from newsweave.app.pipeline import make_story, prepare
from newsweave.evaluate.datasets import load_dataset
from newsweave.model import Article, RawDocument, Sentence, Story, StoryEntity
from newsweave.model import article_id as make_article_id
from newsweave.store import open_store
from scale import variant_suffix  # bench/ is on the path when a bench script runs

_RENAMED = re.compile(r"\b([A-Z][a-z]{2,}|[a-z]{6,})\b")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)")
_CAPITAL = re.compile(r"\b[A-Z][a-z]{2,}\b")
OUTLETS = [f"{city} {kind}" for city in ("Northport", "Eastvale", "Southbay", "Westford",
           "Lakeside", "Hillcrest") for kind in ("Herald", "Times", "Post", "Daily", "Wire",
           "Gazette", "Courier", "Tribune", "Observer", "Chronicle")]  # fmt: skip
QUERIES = ["fire", "court", "water", "police", "said the", "school board", "president",
           "Trump", "Obamabk", "Kilaueab", "climate change", "election"]  # fmt: skip
BATCH = 5000


def _rename(text: str, v: int) -> str:
    if not v:
        return text
    tag = variant_suffix(v)
    return _RENAMED.sub(lambda m: m.group(1) + tag, text)


def _sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for m in _SENTENCE.finditer(text):
        piece = m.group().strip()
        if piece:
            start = text.index(piece, m.start())
            out.append(Sentence(piece, start, start + len(piece), len(out)))
    return out


def _entities(articles: list[Article]) -> list[StoryEntity]:
    counts = Counter(w for a in articles for w in _CAPITAL.findall(a.text))
    return [
        StoryEntity(name, "ENT", [], [a.id for a in articles], n, float(n))
        for name, n in counts.most_common(8)
    ]


def _variant(base: list[Article], v: int, cluster: int) -> list[Article]:
    """Variant v of a story's articles: renamed (new ids), another outlet each, day v."""
    day = date(2020, 1, 1) + timedelta(days=v % 366)
    articles = []
    for n, a in enumerate(base):
        text = _rename(a.text, v)
        articles.append(
            replace(
                a,
                id=make_article_id(text),
                text=text,
                title=_rename(a.title, v) if a.title else None,
                outlet=OUTLETS[(cluster * 7 + n + v) % len(OUTLETS)],
                published=day,
                sentences=_sentences(text),
                source=f"multinews/{cluster}/{n}/v{v}",
            )
        )
    return articles


def _story(articles: list[Article]) -> Story:
    story = make_story(articles)
    story.entities = _entities(story.articles)
    return story


def originals(source: Path) -> list[list[Article]]:
    """The Multi-News stories' articles, cleaned by `app.pipeline.prepare` and split."""
    stories = []
    for n, cluster in enumerate(load_dataset("multinews", source)):
        articles: dict[str, Article] = {}
        for doc in cluster.documents:
            a = prepare(RawDocument(f"multinews/{n}", doc.text, "text"))
            if a.text and a.id not in articles:
                articles[a.id] = a
        if articles:
            stories.append(list(articles.values()))
    return stories


def build(source: Path, db: Path, size: int, processes: int) -> list[str]:
    """A store of about `size` articles; returns its story ids."""
    base = originals(source)
    per_variant = sum(len(s) for s in base)
    seen: set[str] = set()
    with open_store(db) as store, Pool(processes) as pool:
        v = 0
        while v * per_variant < size:
            groups = [_variant(s, v, n) for n, s in enumerate(base)]
            groups = [g for g in groups if g[0].id not in seen]
            seen.update(g[0].id for g in groups)
            store.add_articles(a for g in groups for a in g)
            store.save_stories(pool.map(_story, groups, chunksize=16))
            v += 1
        count = store.article_count()
        ids = [c.id for c in store.story_cards(limit=1_000_000)]
    print(f"  built {db.name}: {count} articles, {len(ids)} stories", file=sys.stderr)
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(
    db: Path, workers: int = 1, *, token: str | None = None, log: Path | None = None
) -> tuple[subprocess.Popen, str]:
    """`newsweave serve` in a subprocess on a free port (with `token`, taking uploads), its
    stderr into `log` when given; returns it with its base URL once it answers."""
    port = free_port()
    args = ["--db", str(db), "--port", str(port), "--workers", str(workers)]
    with log.open("wb") if log else open(os.devnull, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsweave.cli", "serve", *args,
             *(["--token", token] if token else [])],
            stdout=subprocess.DEVNULL,
            stderr=sink,
            start_new_session=True,  # so that stopping it stops its worker processes too
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/static/style.css", timeout=1).raise_for_status()
            return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    said = log.read_text(errors="replace")[-2000:] if log else ""
    raise RuntimeError(f"the server did not start {said}".strip())


def urls(kind: str, ids: list[str], rng: random.Random) -> str:
    if kind == "story":
        return f"/stories/{rng.choice(ids)}"
    if kind == "search":
        return f"/search?q={rng.choice(QUERIES)}"
    page, pick = rng.randint(1, 50), rng.random()
    if pick < 0.125:
        start = date(2020, 1, 1) + timedelta(days=rng.randint(0, 150))
        return f"/?since={start}&until={start + timedelta(days=30)}&page={rng.randint(1, 3)}"
    if pick < 0.25:
        return f"/?outlet={rng.choice(OUTLETS)}&page={rng.randint(1, 5)}"
    return f"/?page={page}"


def load(url: str, kind: str, ids: list[str], requests: int, concurrency: int) -> list[float]:
    """Latencies (ms) of `requests` requests of one kind from `concurrency` threads."""
    latencies: list[float] = []
    lock = threading.Lock()
    todo = iter(range(requests))

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=url, timeout=30) as client:
            for _ in range(3):  # warm-up: connection, caches
                client.get(urls(kind, ids, rng)).raise_for_status()
            while True:
                with lock:
                    if next(todo, None) is None:
                        return
                path = urls(kind, ids, rng)
                start = time.perf_counter()
                client.get(path).raise_for_status()
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="Multi-News sample_test.csv")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--work", type=Path, help="keep the stores here (reused if present)")
    parser.add_argument("--processes", type=int, default=2, help="for make_story while building")
    parser.add_argument("--workers", type=int, default=1, help="server processes (serve --workers)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="newsweave-serve-"))
    work.mkdir(parents=True, exist_ok=True)
    print("| articles | stories | page | clients | p50 ms | p95 ms | requests/s |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    for size in args.sizes:
        db = work / f"serve-{size}.db"
        if db.exists():
            with open_store(db) as store:
                ids = [c.id for c in store.story_cards(limit=1_000_000)]
        else:
            started = time.perf_counter()
            ids = build(args.source, db, size, args.processes)
            print(f"  in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        with open_store(db) as store:
            articles = store.article_count()
        sample = random.Random(size).sample(ids, min(500, len(ids)))
        results: dict[tuple[str, int], list[tuple[float, float, float]]] = {}
        for _ in range(args.runs):
            process, url = serve(db, args.workers)
            try:
                for kind in ("stories", "story", "search"):
                    for clients in args.concurrency:
                        started = time.perf_counter()
                        ms = load(url, kind, sample, args.requests, clients)
                        rate = len(ms) / (time.perf_counter() - started)
                        results.setdefault((kind, clients), []).append(
                            (percentile(ms, 0.5), percentile(ms, 0.95), rate)
                        )
            finally:
                os.killpg(process.pid, signal.SIGTERM)  # the server and its workers
                process.wait(10)
        for (kind, clients), runs in results.items():
            p50, p95, rate = (statistics.median(r[i] for r in runs) for i in range(3))
            print(
                f"| {articles:,} | {len(ids):,} | {kind} | {clients} | {p50:.1f} | {p95:.1f} "
                f"| {rate:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
