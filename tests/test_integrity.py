"""Writers that cannot corrupt each other: two connections (processes, server workers)
clustering and summarising one store at the same time leave every article in exactly one
story, and a summary is saved only for the members it was made from."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from factories import make_article, make_story, seed_articles
from newsweave.app import pipeline
from newsweave.cluster.incremental import cluster_chunk, cluster_pending
from newsweave.store import Store, open_store


def owners(store: Store) -> Counter[str]:
    """How many stories each stored article is in (0 for none)."""
    count: Counter[str] = Counter({a.id: 0 for a in store.articles()})
    for story in store.stories():
        count.update(a.id for a in story.articles)
    return count


def during(store: Store, method: str, other: Callable[[], Any], wait: float = 1.0) -> None:
    """Make `store.method` run `other` in a thread the first time it is called, after the
    call itself, and wait up to `wait` seconds for it: another process writing while this
    connection is half-way through a step. A store that serialises the step makes `other`
    wait for the lock instead; it finishes once the step commits (joined by the caller)."""
    real = getattr(store, method)
    threads: list[threading.Thread] = []

    def hooked(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        if not threads:
            threads.append(threading.Thread(target=other))
            threads[0].start()
            threads[0].join(wait)
        return found

    setattr(store, method, hooked)
    store.others = threads  # type: ignore[attr-defined]


def join(store: Store) -> None:
    for thread in store.others:  # type: ignore[attr-defined]
        thread.join(30)
        assert not thread.is_alive()


def test_two_connections_never_cluster_one_article_twice(tmp_path: Path) -> None:
    """A second writer clustering the same pending article while the first is between
    reading its candidates and writing: the article ends up in one story."""
    db = tmp_path / "n.db"
    seeds = seed_articles()
    with open_store(db) as first:
        first.add_articles([seeds["000"]])

        def second() -> None:
            with open_store(db) as other:
                cluster_pending(other)

        during(first, "articles_sharing_terms", second)
        cluster_pending(first)
        join(first)
        assert owners(first) == {seeds["000"].id: 1}


def test_a_chunk_another_writer_clustered_first_names_its_story(tmp_path: Path) -> None:
    """A batch stored by one run and clustered by another (whose run ended first): the
    first run's step clusters nothing again, and reports the story its articles are in."""
    db = tmp_path / "n.db"
    seeds = seed_articles()
    with open_store(db) as first, open_store(db) as other:
        first.add_articles([seeds["000"], seeds["001"]])
        (theirs,) = cluster_pending(other)
        step = cluster_chunk(first, [seeds["000"], seeds["001"]])
        assert step.clustered == 0 and step.changed == theirs.changed
        assert set(owners(first).values()) == {1}


def test_a_merge_and_a_join_at_the_same_time_lose_no_article(tmp_path: Path) -> None:
    """One writer adds an article to a story while another is about to merge stories: both
    steps take effect, one after the other, and every article is in one story."""
    db = tmp_path / "n.db"
    seeds = seed_articles()
    with open_store(db) as first:
        for number in ("000", "004"):
            first.add_articles([seeds[number]])
            cluster_pending(first)
        first.add_articles([seeds["001"], seeds["002"]])

        def second() -> None:
            with open_store(db) as other:
                other.add_articles([seeds["003"]])
                cluster_pending(other)

        during(first, "story_members", second)
        cluster_pending(first)
        join(first)
        assert set(owners(first).values()) == {1}


def test_a_summary_of_old_members_is_not_saved(store: Store) -> None:
    """A story re-clustered while its summary was being made stays stale, with its new
    members; the summary made from the old ones is not saved."""
    seeds = seed_articles()
    store.add_articles([seeds["000"], seeds["001"]])
    cluster_pending(store)
    (old,) = store.stale_stories(10)
    summarised = pipeline.make_story(old.articles, id=old.id)
    store.add_articles([seeds["002"]])
    cluster_pending(store)  # 002 joins the story
    assert store.save_stories([summarised]) == []
    (stale,) = store.stale_stories(10)
    assert stale.id == old.id and len(stale.articles) == 3 and stale.summary == []
    assert set(owners(store).values()) == {1}
    # redone from its members, it is saved
    assert store.save_stories([pipeline.make_story(stale.articles, id=stale.id)]) == [old.id]
    assert store.stale_stories(10) == []


def test_a_story_merged_away_is_not_saved_again(store: Store) -> None:
    a, b = make_article("One report of the meeting."), make_article("Another report of it.")
    store.add_articles([a, b])
    store.update_clusters([], [make_story(a, id="s1"), make_story(b, id="s2")], [])
    old = {s.id: s for s in store.stale_stories(10)}
    store.update_clusters([], [make_story(a, b, id="s1")], ["s2"])  # merged into s1
    assert store.save_stories([old["s2"], old["s1"]]) == []
    assert store.story("s2") is None
    assert store.story_members(["s1", "s2"]) == {"s1": [a.id, b.id]}


def test_refresh_leaves_a_story_changed_under_it_stale(tmp_path: Path, monkeypatch: Any) -> None:
    """`refresh_stories` racing with clustering: the story clustering changed while it was
    being summarised ends up stale with its new members, never with the old summary."""
    db = tmp_path / "n.db"
    seeds = seed_articles()
    with open_store(db) as store:
        store.add_articles([seeds["000"], seeds["001"]])
        cluster_pending(store)
        made = pipeline.make_story
        calls: list[int] = []

        def make_and_race(*args: Any, **kwargs: Any) -> Any:
            story = made(*args, **kwargs)
            if not calls:
                calls.append(1)
                with open_store(db) as other:
                    other.add_articles([seeds["002"]])
                    cluster_pending(other)
            return story

        monkeypatch.setattr(pipeline, "make_story", make_and_race)
        refreshed = pipeline.refresh_stories(store, analyse=False)
        assert set(owners(store).values()) == {1}
        for story in store.stories():
            assert len(story.articles) == 3
        # the second pass of the loop summarised the story with its three members
        assert [len(s.articles) for s in refreshed] == [3]
        assert store.stale_stories(10) == []


# ---- many writers at once: two `ingest` processes and server workers taking uploads ----

SYLLABLES = ["ka", "lo", "mi", "ren", "tus", "vor", "zel", "qua", "bri", "dan", "fex", "gor"]
COMMON = [
    "officials", "said", "on", "the", "day", "that", "plan", "would", "go", "ahead", "after",
    "talks", "with", "local", "leaders", "and", "residents", "who", "gathered", "near",
    "square", "while", "police", "kept", "watch", "over", "crowd",
]  # fmt: skip


def event_words(event: int) -> tuple[list[str], str]:
    """The names an event's articles share, and its day: events are what stories form around."""
    rng = random.Random(event)
    names = [
        "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + str(event) for _ in range(6)
    ]
    return names, (date(2024, 1, 1) + timedelta(days=(event * 5) % 300)).isoformat()


def news(corpus: str, n: int, events: int, seed: int, first: int = 0) -> list[dict[str, str]]:
    """`n` JSONL records about `events` events from event `first` on (each article one
    event's names among common words), all different, and different from those of every
    other `corpus`."""
    rng = random.Random(seed)
    records = []
    for k in range(n):
        event = first + rng.randrange(events)
        names, day = event_words(event)
        sentences = [
            f"{rng.choice(names)} {' '.join(rng.sample(COMMON, 7))} {rng.choice(names)} "
            f"{corpus} {k} {s}."
            for s in range(12)
        ]
        text = "\n\n".join(" ".join(sentences[p : p + 4]) for p in range(0, 12, 4))
        title = f"{names[0]} {corpus} {k}"
        records.append(
            {"text": text, "title": title, "outlet": f"Outlet {k % 5}", "published": day}
        )
    return records


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_two_ingests_and_uploads_at_once_leave_every_article_in_one_story(
    tmp_path: Path,
) -> None:
    """Two `newsweave ingest` processes over different corpora about the same events (so
    their stories merge across processes), while three server workers (app instances of
    their own, each with its own upload lock and connection, as `serve --workers` runs
    them) take uploads about the same events and summarise what they change: afterwards the
    check finds nothing wrong, nothing waits to be clustered, and every article, uploads
    acknowledged included, is in exactly one story."""
    with warnings.catch_warnings():  # Starlette's test client would rather have httpx2
        warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    from newsweave.web import create_app
    from newsweave.web.upload import read_upload

    db = tmp_path / "n.db"
    events = 10
    corpora = [
        write_jsonl(tmp_path / f"{name}.jsonl", news(name, 100, events, seed))
        for name, seed in (("alpha", 1), ("beta", 2))
    ]
    command = [sys.executable, "-c", "from newsweave.cli import app; app()", "ingest"]
    processes = [
        subprocess.Popen(
            [*command, str(path), "--db", str(db), "--no-summarise"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "COLUMNS": "120"},
        )
        for path in corpora
    ]
    acknowledged: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        app = create_app(db, "secret", analyse=False)
        with TestClient(app) as client:
            for upload in range(3):
                records = news(f"upload{number}x{upload}", 4, events, 100 * number + upload)
                body = "".join(json.dumps(r) + "\n" for r in records).encode()
                headers = {"Authorization": "Bearer secret", "Content-Type": "application/jsonl"}
                reply = client.post("/api/articles", content=body, headers=headers)
                with lock:
                    if reply.status_code in (200, 201):
                        documents = read_upload(body, "jsonl").documents
                        acknowledged.extend(pipeline.prepare(d).id for d in documents)
                    else:
                        failures.append(f"{reply.status_code}: {reply.text}")

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and all(p.poll() is None for p in processes):
        with open_store(db) as store:  # start the uploads once the ingests are storing
            if store.article_count():
                break
        time.sleep(0.05)
    workers = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(300)
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()

    assert failures == [] and len(acknowledged) == 3 * 3 * 4
    with open_store(db) as store:
        assert store.check() == []
        assert store.unclustered(1) == []
        stories_of = owners(store)
        assert len(stories_of) == 200 + len(acknowledged)
        assert set(stories_of.values()) == {1}
        assert all(stories_of[i] == 1 for i in acknowledged)
        # stories merged across the writers: far fewer stories than articles
        assert store.story_count() <= 3 * events


def test_an_upload_summarises_its_own_stories_not_every_waiting_one(tmp_path: Path) -> None:
    """The reply to an upload waits for the stories the upload changed, not for stories
    other writers left waiting (an `ingest --no-summarise` of thousands, a concurrent
    ingest that summarises its own): those stay for their writer or the next ingest."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    from newsweave.web import create_app

    db = tmp_path / "n.db"
    with open_store(db) as store:  # a bulk load, not summarised
        pipeline.ingest([write_jsonl(tmp_path / "bulk.jsonl", news("bulk", 20, 3, 1))], store)
        waiting = {s.id for s in store.stale_stories(100)}
    assert waiting
    body = "".join(json.dumps(r) + "\n" for r in news("upload", 3, 1, 2, first=50)).encode()
    headers = {"Authorization": "Bearer secret", "Content-Type": "application/jsonl"}
    with TestClient(create_app(db, "secret", analyse=False)) as client:
        reply = client.post("/api/articles", content=body, headers=headers)
    assert reply.status_code == 201, reply.text
    assert reply.json()["stories"] and not waiting & set(reply.json()["stories"])
    with open_store(db) as store:
        assert {s.id for s in store.stale_stories(100)} == waiting
        for story_id in reply.json()["stories"]:
            story = store.story(story_id)
            assert story is not None and story.summary
