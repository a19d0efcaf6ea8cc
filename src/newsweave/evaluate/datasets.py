"""Readers for multi-document evaluation sets, all into one `Cluster` shape.

Formats:
- `multinews`: the Multi-News CSV (`documents` is a Python list literal of article strings,
  `summary` the human reference).
- `clusters`: JSONL, one cluster a line:
  `{"id", "documents": [{"text", "title"?, "published"?, "source"?}], "references": ["..."],
  "query"?, "update"?: {"known": [documents]}}`. `query` asks for a focused summary; `update`
  lists documents the reader has already seen, and the references summarise only what is new;
  `storyline` names the ongoing matter a cluster belongs to.
  Any multi-document set converts to it.
- `t17`: a Timeline17 directory, each topic folder one cluster (its articles, published on
  their `dct`); folders of one topic from several outlets (`bpoil_bbc`, `bpoil_guardian`) are one
  storyline, the topic named before the last underscore.
"""

from __future__ import annotations

import ast
import csv
import json
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


class DatasetError(ValueError):
    """A dataset file that cannot be read, with the file and the problem in the message."""


@dataclass(slots=True)
class ClusterDocument:
    text: str
    title: str | None = None
    published: date | None = None
    source: str | None = None


@dataclass(slots=True)
class Cluster:
    id: str
    documents: list[ClusterDocument]
    references: list[str] = field(default_factory=list)
    query: str | None = None
    known: list[ClusterDocument] = field(default_factory=list)  # update task: already read
    storyline: str | None = None
    """The ongoing matter the cluster belongs to (clusters of one matter share it); None:
    the cluster is a matter of its own."""


def load_multinews(path: Path) -> list[Cluster]:
    csv.field_size_limit(sys.maxsize)
    clusters = []
    with path.open(newline="", encoding="utf-8") as handle:
        for n, row in enumerate(csv.DictReader(handle)):
            try:
                texts = ast.literal_eval(row["documents"])
            except (KeyError, ValueError, SyntaxError) as exc:
                raise DatasetError(
                    f"{path}: row {n + 1}: unreadable 'documents' column ({exc})"
                ) from exc
            docs = [ClusterDocument(text=t) for t in texts if t.strip()]
            summary = row.get("summary", "").strip().removeprefix("–").strip()
            clusters.append(Cluster(id=str(n), documents=docs, references=[summary]))
    return clusters


def _document(d: dict) -> ClusterDocument:
    published = d.get("published")
    return ClusterDocument(
        text=d["text"],
        title=d.get("title"),
        published=date.fromisoformat(published[:10]) if published else None,
        source=d.get("source"),
    )


def load_clusters_jsonl(path: Path) -> list[Cluster]:
    clusters = []
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                docs = [_document(d) for d in raw["documents"]]
                known = [_document(d) for d in (raw.get("update") or {}).get("known", [])]
                references = [str(r) for r in raw.get("references", [])]
            except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
                raise DatasetError(f"{path}: line {n}: not a valid cluster ({exc})") from exc
            clusters.append(
                Cluster(
                    str(raw.get("id", n)),
                    docs,
                    references,
                    raw.get("query"),
                    known,
                    raw.get("storyline"),
                )
            )
    return clusters


def load_t17_clusters(directory: Path) -> list[Cluster]:
    """Each topic folder of a Timeline17 directory as one cluster of its articles."""
    from newsweave.evaluate.timeline import load_t17_topic, t17_topics

    clusters = []
    for folder in t17_topics(directory):
        topic = load_t17_topic(folder)
        documents = [
            ClusterDocument(text=a.text, published=a.published, source=a.source)
            for a in topic.articles
        ]
        storyline = folder.name.rsplit("_", 1)[0]
        clusters.append(Cluster(folder.name, documents, storyline=storyline))
    return clusters


LOADERS = {
    "multinews": load_multinews,
    "clusters": load_clusters_jsonl,
    "t17": load_t17_clusters,
}


def load_dataset(fmt: str, path: Path) -> list[Cluster]:
    if fmt not in LOADERS:
        raise DatasetError(f"unknown dataset format {fmt!r}; known: {', '.join(LOADERS)}")
    if fmt == "t17" and not path.is_dir():
        raise DatasetError(f"{path}: not a directory")
    if fmt != "t17" and not path.is_file():
        raise DatasetError(f"{path}: no such file")
    return LOADERS[fmt](path)
