"""Entity timelines a reader can use, measured on Timeline17 topics digested as `newsweave digest` does.

    PYTHONPATH=src .venv/bin/python bench/timeline_events.py \\
        ../shared/data/t17-dev/H1N1_bbc ../shared/data/t17-dev/H1N1_guardian \\
        ../shared/data/t17-dev/MJ_bbc

Each topic folder's articles are written to a JSONL file (the detokenised text, `dct` as the
publication date, the folder name as the outlet), ingested into a fresh database and built into
stories, storylines and timelines exactly as `newsweave digest` does. For the entities named in
the most stories, the table gives: the events of the entity's timeline in all and in the default
view (`top_events`); of all, the cited past events (rows that are not a story of their own);
how many cited rows or their variants read as reader comments or page furniture
(`timeline.chatter`: a cross-check only, since the guard that keeps them out is the same rule:
read the sample); how many cited rows word a past event nearly as an earlier row of the same
month does (three content words or more, and most of them, in common), in all and in the
default view; and the oldest event's year in each view.
`--db PATH` keeps the digested database (and reuses it when it exists: the timelines are then
rebuilt from the stored stories with the code as it is, without digesting again);
`--sample N` prints N cited events drawn from all the timelines, to read.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from newsweave.analysis.storyline import own_events
from newsweave.analysis.timeline import (
    DEFAULT_LIMIT,
    build_timeline,
    chatter,
    content_words,
    top_events,
)
from newsweave.app import queries
from newsweave.app.pipeline import RunReport, build_stories, ingest
from newsweave.evaluate.timeline_summary import detokenise
from newsweave.model import Story, TimelineEvent
from newsweave.store import Store, open_store


def write_jsonl(folders: list[Path], out: Path) -> int:
    n = 0
    with out.open("w", encoding="utf-8") as sink:
        for folder in folders:
            for item in json.loads((folder / "articles.json").read_text(encoding="utf-8")):
                record = {
                    "id": f"{folder.name}-{item['uid']}",
                    "text": detokenise(item["text"]),
                    "published": item["dct"][:10],
                    "outlet": folder.name,
                }
                sink.write(json.dumps(record) + "\n")
                n += 1
    return n


def digest(folders: list[Path], db: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "articles.jsonl"
        write_jsonl(folders, jsonl)
        with open_store(db) as store:
            report = RunReport()
            ingest([str(jsonl)], store, report=report)
            build_stories(store, report=report)


def rebuild_timelines(store: Store) -> None:
    """Every story's timeline built again from the stored stories: the events of its
    storyline's (or its own) timeline that it is or cites, as `assign_storylines` sets them."""
    lines: dict[str, list[Story]] = defaultdict(list)
    for story in store.stories():
        lines[story.storyline or story.id].append(story)
    for members in lines.values():
        timeline = build_timeline(members)
        for story in members:
            story.timeline = own_events(timeline, story)
    store.save_stories([s for members in lines.values() for s in members])


def duplicate_rows(events: list[TimelineEvent]) -> int:
    """Rows of a cited past event that another row of the same month already names: the two
    share at least three content words and most of them (Dice of the word sets at least 0.5).
    Rows of stories are left out: two stories are the clustering's call, not the timeline's."""
    extra = 0
    for k, event in enumerate(events):
        if event.story_id:
            continue
        words = set(content_words(event.text))
        for other in events[:k]:
            known = set(content_words(other.text))
            month = (other.date.year, other.date.month) == (event.date.year, event.date.month)
            shared = len(words & known)
            if month and shared >= 3 and 2 * shared / (len(words) + len(known)) >= 0.5:
                extra += 1
                break
    return extra


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--entities", type=int, default=8)
    parser.add_argument("--db", type=Path, help="keep (or reuse) the digested database here")
    parser.add_argument("--sample", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if db.exists():
            with open_store(db) as store:
                rebuild_timelines(store)
        else:
            digest(args.folders, db)
        with open_store(db) as store:
            names = [e.name for e in store.entities(limit=args.entities)]
            found = {n: queries.entity_timeline_of(store, n) for n in names}
            stories = len(store.stories())
    table = Table(title=f"Entity timelines: {stories} stories, default view {DEFAULT_LIMIT}")
    columns = ("entity", "events", "shown", "cited", "chatter", "dup rows", "dup shown", "oldest")
    for column in columns:
        table.add_column(column, justify="left" if column == "entity" else "right")
    totals = [0, 0, 0, 0, 0, 0]
    cited_all: list[TimelineEvent] = []
    for name, timeline in found.items():
        events = timeline.events if timeline else []
        shown, _ = top_events(events, DEFAULT_LIMIT)
        cited = [e for e in events if not e.story_id]
        cited_all += cited
        row = [
            len(events),
            len(shown),
            len(cited),
            sum(any(map(chatter, [e.text, *e.variants])) for e in cited),
            duplicate_rows(events),
            duplicate_rows(shown),
        ]
        totals = [t + r for t, r in zip(totals, row, strict=True)]
        oldest = (
            f"{min(e.date for e in events).year} / {min(e.date for e in shown).year}"
            if events
            else "-"
        )
        table.add_row(name, *map(str, row), oldest)
    table.add_row("all", *map(str, totals), "", style="bold")
    Console().print(table)
    if args.sample:
        unique = list({(e.date, e.text): e for e in cited_all}.values())
        for event in random.Random(0).sample(unique, min(args.sample, len(unique))):
            print(f"{event.date} {event.granularity:5} {event.salience:.2f} {event.text[:150]}")


if __name__ == "__main__":
    main()
