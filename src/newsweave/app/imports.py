"""Load a corpus built on Spark (its Parquet tables, `newsweave.tables`) into a store, so that
every command that reads a database works on it as on one built by `ingest`.

The folder is checked first: `run.json` (written last: the tables belong together) and each
table folder with its `_SUCCESS` mark; anything missing is refused (`TablesError`) before
the store is touched. Then, reading every table a Parquet batch at a time (memory stays
flat whatever the corpus holds):

1. `articles`: each batch is stored through `ArticleStore.add_articles` with its
   near-duplicate fingerprints, and the articles it newly stores are posted under their
   salient terms, in one transaction a batch. An article already stored (by id) is skipped.
   A run killed here leaves whole articles waiting to be clustered, which the next `import`
   (or `ingest`) puts in their stories.
2. `stories` and `terms`, in one transaction: the stories are written whole (members,
   summary, analysis, storyline, timeline) and the document frequencies counted, so a run
   killed here leaves no story of the import. A story already stored under the same id with
   the same members is written again (re-importing adds nothing); one stored with other
   members is left as it is (counted in `ImportReport.conflicts`) and the imported articles
   it holds that are in no story wait for the next clustering run.

An imported article that is already in another story of the database stays there: it is left
out of the imported story, which is then stored stale (its summary cited it), to be
summarised again by the next `digest`, `ingest` or `report`. So every article is in at most
one story and `newsweave check` passes.

Document frequencies: `terms` counts the whole corpus; the import adds them scaled by the
share of the corpus's articles it puts in a story for the first time (all of them into a
fresh database, none on a second import of the same folder).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsweave.model import Article, Fingerprint, IndexedTerms, Story
from newsweave.store import Store
from newsweave.tables import RUN_FILE, TABLES, article_from_record, story_from_row

Progress = Callable[[str, int], None]
BATCH_ROWS = 2048
"""Rows read from a table at a time."""
STORY_BATCH_ROWS = 256
"""Stories written at a time (their members are read from the store with them)."""


def _no_progress(stage: str, n: int) -> None:
    pass


class TablesError(ValueError):
    """The folder is not a complete corpus of tables; the message names it and the problem."""


@dataclass
class ImportReport:
    """What an import read and stored."""

    run: dict[str, Any] = field(default_factory=dict)
    """`run.json` as read."""
    articles: int = 0
    """Rows of `articles` read."""
    added: int = 0
    """Articles newly stored."""
    stories: int = 0
    """Stories written (whole, or stale where members were left out)."""
    trimmed: list[str] = field(default_factory=list)
    """Stories written without members that are in another story of the database (stale)."""
    conflicts: list[str] = field(default_factory=list)
    """Stories not written: stored already under the same id with other members, or left
    with no member."""
    input_errors: int = 0
    """Rows of `errors`: inputs the Spark run could not read."""
    first_errors: list[tuple[str, str]] = field(default_factory=list)
    """The first few of them, (source, reason)."""

    @property
    def already(self) -> int:
        """Articles of the corpus that were stored already."""
        return self.articles - self.added


def check_tables(directory: Path) -> dict[str, Any]:
    """`run.json` read, once the folder is known to hold it and every table whole (and
    pyarrow, which reads them, is installed); `TablesError` naming the folder and what is
    missing otherwise."""
    if not directory.is_dir():
        raise TablesError(f"{directory}: no such folder")
    run_file = directory / RUN_FILE
    if not run_file.is_file():
        raise TablesError(
            f"{directory}: no {RUN_FILE} (the run that wrote the tables did not finish)"
        )
    for table in TABLES:
        folder = directory / table
        if not folder.is_dir():
            raise TablesError(f"{directory}: no table folder {table}/")
        if not (folder / "_SUCCESS").exists():
            raise TablesError(f"{folder}: no _SUCCESS (the table was not written whole)")
    try:
        run = json.loads(run_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TablesError(f"{run_file}: cannot be read ({exc})") from exc
    _parquet()
    return run if isinstance(run, dict) else {}


def _parquet() -> Any:
    try:
        import pyarrow.parquet
    except ImportError as exc:  # the base install has no pyarrow
        raise TablesError("reading Parquet tables needs pyarrow: install newsweave[spark]") from exc
    return pyarrow.parquet


def _rows(directory: Path, table: str, columns: Sequence[str]) -> Iterator[list[dict[str, Any]]]:
    """The rows of one table, a batch of dicts at a time, part file by part file in name
    order (Spark's part files are numbered in its output order)."""
    parquet: Any = _parquet()
    parts = sorted(
        p
        for p in (directory / table).iterdir()
        if p.is_file() and p.suffix == ".parquet" and not p.name.startswith(("_", "."))
    )
    for part in parts:
        try:
            handle = parquet.ParquetFile(part)
            names = set(handle.schema_arrow.names)
            missing = [c for c in columns if c not in names]
            if missing:
                raise TablesError(f"{part}: no column {', '.join(missing)}")
            for batch in handle.iter_batches(batch_size=BATCH_ROWS, columns=list(columns)):
                yield batch.to_pylist()
        except TablesError:
            raise
        except Exception as exc:  # pyarrow's errors: a damaged or foreign file
            raise TablesError(f"{part}: cannot be read as Parquet ({exc})") from exc


def import_tables(
    directory: str | Path,
    store: Store,
    *,
    progress: Progress = _no_progress,
    examples: int = 5,
) -> ImportReport:
    """Load the corpus of tables in `directory` into `store` (see the module docstring);
    `TablesError` before anything is written if the folder is incomplete."""
    directory = Path(directory)
    report = ImportReport(run=check_tables(directory))
    for rows in _rows(directory, "errors", ("source", "reason")):
        if len(report.first_errors) < examples:
            report.first_errors += [(r["source"], r["reason"]) for r in rows][
                : examples - len(report.first_errors)
            ]
        report.input_errors += len(rows)
    _import_articles(directory, store, report, progress)
    _import_stories(directory, store, report, progress)
    return report


def _import_articles(
    directory: Path, store: Store, report: ImportReport, progress: Progress
) -> None:
    columns = ("id", "ordinal", "record", "bands", "signature", "salient")
    for rows in _rows(directory, "articles", columns):
        rows.sort(key=lambda r: r["ordinal"])
        articles: list[Article] = []
        fingerprints: dict[str, Fingerprint] = {}
        salient: dict[str, list[str]] = {}
        for row in rows:
            article = article_from_record(row["record"])
            if article.id != row["id"]:
                raise TablesError(
                    f"{directory / 'articles'}: row {row['id']} holds article {article.id}"
                )
            articles.append(article)
            if row["bands"] is not None and row["signature"] is not None:
                fingerprints[article.id] = Fingerprint(
                    bands=tuple(row["bands"]), signature=bytes(row["signature"])
                )
            salient[article.id] = list(row["salient"] or [])
        with store.clustering():  # the batch and its postings: one transaction
            added = store.add_articles(articles, fingerprints)
            store.update_clusters([IndexedTerms(i, salient[i]) for i in added], [], [])
        report.articles += len(rows)
        report.added += len(added)
        progress("articles", len(rows))


def _import_stories(
    directory: Path, store: Store, report: ImportReport, progress: Progress
) -> None:
    columns = ("id", "title", "event_date", "storyline", "article_ids", "summary", "analysis")
    newly_clustered = 0
    with store.clustering():  # every story and the frequencies: one transaction
        for rows in _rows(directory, "stories", columns):
            newly_clustered += _write_stories(rows, store, report)
            progress("stories", len(rows))
        if report.articles and newly_clustered:
            share = newly_clustered / report.articles
            first = True
            for rows in _rows(directory, "terms", ("term", "df")):
                counts = {r["term"]: max(1, round(r["df"] * share)) for r in rows if r["df"]}
                store.add_document_frequencies(newly_clustered if first else 0, counts)
                first = False
            if first:  # no term rows: the articles are counted all the same
                store.add_document_frequencies(newly_clustered, {})


def _write_stories(rows: list[dict[str, Any]], store: Store, report: ImportReport) -> int:
    """Write one batch of stories inside the import's transaction; returns how many of
    their members were in no story before."""
    member_ids = list(dict.fromkeys(i for r in rows for i in r["article_ids"] or ()))
    heads = {a.id: a for a in store.article_heads(member_ids)}
    owners = store.story_ids_of(member_ids)  # sees this transaction's earlier batches
    stored = store.story_members([r["id"] for r in rows])
    whole: list[Story] = []
    stale: list[Story] = []
    newly = 0
    for row in rows:
        story = story_from_row(row, heads)
        if story.id in stored and set(stored[story.id]) != {a.id for a in story.articles}:
            report.conflicts.append(story.id)
            continue
        kept = [a for a in story.articles if owners.get(a.id, story.id) == story.id]
        if not kept:
            report.conflicts.append(story.id)
            continue
        newly += sum(1 for a in kept if a.id not in owners)
        owners.update(dict.fromkeys((a.id for a in kept), story.id))
        if len(kept) < len(story.articles):
            story.articles = kept
            stale.append(story)
            report.trimmed.append(story.id)
        else:
            whole.append(story)
    if stale:
        store.update_clusters([], stale, [])
    saved = set(store.save_stories(whole)) if whole else set()
    report.conflicts += [s.id for s in whole if s.id not in saved]  # none: checked above
    report.stories += len(saved) + len(stale)
    return newly


__all__ = ["ImportReport", "TablesError", "check_tables", "import_tables"]
