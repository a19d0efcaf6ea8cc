"""What the `story_search` full-text index holds for a story, and how it is filled anew.

A reader searches for a story by what it says and by who is in it: "Peskov" must find the
story that quotes him even when no title or summary sentence names him. So each story's row
holds, besides its title and summary, the names of its entities (canonical and aliases),
its facts and its quotes (with their speakers), each in a column of its own so that ranking
can weigh a title hit above a quote hit. The row is made from the story's analysis as the
store keeps it (`analysis_to_dict`'s JSON), so the store writing a story and a repair
rebuilding the index from stored rows write the same text.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

COLUMNS = ("title", "summary", "entities", "facts", "quotes")
"""The index's columns, in order."""
WEIGHTS = (2.0, 1.0, 1.0, 0.5, 0.5)
"""bm25 weight of each column: a title hit counts double, a fact or quote hit half."""
INSERT = f"INSERT INTO story_search (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)"


def analysis_columns(analysis: dict[str, Any]) -> tuple[str, str, str]:
    """The entities, facts and quotes columns of a story's row, from its analysis."""
    entities = "; ".join(
        f"{e['name']} ({', '.join(e['aliases'])})" if e.get("aliases") else e["name"]
        for e in analysis.get("entities", [])
    )
    facts = "\n".join(f["text"] for f in analysis.get("facts", []))
    quotes = "\n".join(
        f"{q['speaker']}: {q['text']}" if q.get("speaker") else q["text"]
        for q in analysis.get("quotes", [])
    )
    return entities, facts, quotes


def fill_story_search(db: sqlite3.Connection) -> None:
    """Write every stored story's row of the (empty) index, from the stored rows."""
    summaries: dict[str, list[str]] = {}
    for story_id, text in db.execute(
        "SELECT story_id, text FROM summary_sentences ORDER BY story_id, position"
    ):
        summaries.setdefault(story_id, []).append(text)
    rows = db.execute("SELECT seq, id, title, analysis FROM stories").fetchall()
    db.executemany(
        INSERT,
        (
            (seq, title or "", "\n".join(summaries.get(id_, [])),
             *analysis_columns(json.loads(analysis or "{}")))
            for seq, id_, title, analysis in rows
        ),
    )  # fmt: skip
