"""Commands that read a database whole without adding articles to it: `report` (the static
report of every story) and `import` (a corpus of Parquet tables loaded into a database).

The renderers, the pipeline and pyarrow are imported inside the commands, so that
`newsweave --help` does not load them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsweave.cli.common import (
    DEFAULT_WORDS,
    DbOption,
    console,
    error,
    open_db,
    open_existing_db,
    progress_bar,
    say,
    skipped,
    story_table,
)


def report(
    db: DbOption = Path("newsweave.db"),
    out: Annotated[
        Path, typer.Option(help="Where to write index.html, stories.md, stories.json.")
    ] = Path("report"),
    refresh: Annotated[
        bool,
        typer.Option(
            help="First cluster the articles waiting for it and summarise the stale stories, "
            "as digest does (--no-refresh: write the stories as stored)."
        ),
    ] = True,
) -> None:
    """Write the report of every stored story (what digest writes), adding no article.

    Stories waiting to be summarised (an ingest --no-summarise, an import that left members
    out) are summarised first, as digest does, unless --no-refresh.
    """
    from newsweave.render import write_report

    with open_existing_db(db) as store:
        if refresh and (store.unclustered(1) or store.stale_stories(1)):
            from newsweave.cli.ingest import build

            build(store, DEFAULT_WORDS, None)
        stories = store.stories()
    console.print(story_table(stories))
    written = write_report(stories, out)
    say("wrote " + ", ".join(str(p) for p in written.values()))


def import_command(
    directory: Annotated[
        Path, typer.Argument(help="The folder of tables a Spark run wrote (with run.json).")
    ],
    db: DbOption = Path("newsweave.db"),
) -> None:
    """Load a corpus of Parquet tables (`newsweave spark digest`'s) into the database, so that
    stories, show, timeline, serve and report read it; importing again adds nothing.

    An imported article already in another story of the database stays there; the imported
    story is stored without it and summarised again by the next digest or report.
    """
    from newsweave.app.imports import TablesError, check_tables, import_tables

    try:
        check_tables(directory)
    except TablesError as exc:
        error(str(exc))
        raise typer.Exit(2) from exc
    with open_db(db) as store:
        try:
            with progress_bar() as bar:
                tasks = {
                    "articles": bar.add_task("importing articles", total=None),
                    "stories": bar.add_task("importing stories", total=None),
                }
                result = import_tables(
                    directory, store, progress=lambda stage, n: bar.advance(tasks[stage], n)
                )
        except TablesError as exc:
            error(str(exc))
            raise typer.Exit(2) from exc
    if result.input_errors:
        for source, reason in result.first_errors:
            skipped(source, reason)
        more = result.input_errors - len(result.first_errors)
        say(
            f"the run could not read {result.input_errors} inputs"
            + (f" ({more} more not shown)" if more > 0 else "")
        )
    if result.trimmed:
        say(
            f"{len(result.trimmed)} stories had articles already in other stories: stored "
            f"without them, to be summarised again (e.g. {result.trimmed[0]})"
        )
    if result.conflicts:
        say(
            f"{len(result.conflicts)} stories not imported: stored already with other "
            f"articles, or left with none (e.g. {result.conflicts[0]})"
        )
    say(
        f"imported {result.added} articles, {result.stories} stories from {directory} "
        f"({result.already} already stored)"
    )
