"""Crash safety: `ingest` killed with SIGKILL in the middle of a large batch leaves a database
that opens, holds whole articles only, and that re-running the same command completes with
no duplicates."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsweave.model import article_id
from newsweave.store import open_store

WORDS = [
    "council",
    "harbour",
    "minister",
    "protest",
    "budget",
    "storm",
    "vaccine",
    "court",
    "election",
    "river",
    "bridge",
    "factory",
    "strike",
    "airline",
    "museum",
    "treaty",
    "drought",
    "festival",
    "railway",
    "hospital",
    "senate",
    "tariff",
    "wildfire",
    "satellite",
    "refinery",
    "glacier",
    "orchestra",
    "embassy",
    "stadium",
    "pipeline",
]


def corpus(path: Path, n: int) -> set[str]:
    """`n` distinct articles (a few hundred words each) as JSONL; returns their ids."""
    rng = random.Random(11)
    ids = set()
    with path.open("w", encoding="utf-8") as out:
        for k in range(n):
            topic = rng.sample(WORDS, 4)
            sentences = [
                f"The {rng.choice(topic)} report number {k}.{s} mentions the "
                f"{' and the '.join(rng.sample(topic, 3))} again on day {rng.randint(1, 28)}."
                for s in range(25)
            ]
            text = " ".join(sentences)
            ids.add(article_id(text))
            out.write(json.dumps({"text": text, "outlet": f"Outlet {k % 7}"}) + "\n")
    return ids


def ingest(jsonl: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from newsweave.cli import app; app()",
         "ingest", str(jsonl), "--db", str(db), "--no-summarise"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "120"},
    )  # fmt: skip


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_mid_batch_leaves_whole_articles_and_a_rerun_finishes(tmp_path: Path) -> None:
    jsonl, db = tmp_path / "big.jsonl", tmp_path / "n.db"
    expected = corpus(jsonl, 3000)

    process = ingest(jsonl, db)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists():
            try:
                with open_store(db) as store:
                    stored = store.article_count()
            except Exception:  # the writer may hold the file while creating it
                stored = 0
        if stored >= 300:
            break
        time.sleep(0.05)
    assert process.poll() is None, "ingest finished before it could be killed; use more data"
    process.send_signal(signal.SIGKILL)
    process.wait()

    with open_store(db) as store:
        after_crash = store.articles()
        assert 0 < len(after_crash) < len(expected)
        assert all(a.text and a.id in expected for a in after_crash)
        members = store.story_members(store.story_ids_of(a.id for a in after_crash).values())
        stored_ids = {a.id for a in after_crash}
        assert all(set(ids) <= stored_ids for ids in members.values())

    rerun = ingest(jsonl, db)
    _, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err.decode()

    with open_store(db) as store:
        articles = store.articles()
        assert len(articles) == len(expected) == len({a.id for a in articles})
        assert {a.id for a in articles} == expected
        assert store.unclustered(1) == []
        owners = store.story_ids_of(a.id for a in articles)
        assert set(owners) == expected  # every article in a story
        members = store.story_members(set(owners.values()))
        assert sum(len(ids) for ids in members.values()) == len(expected)  # and in one only
