"""What the command groups share: the consoles, the store opened for a command, progress bars,
option types and table printing.

Only typer and rich are imported here at module level: `newsweave --help` loads every command
group, so anything heavier is imported inside the function that needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from rich.progress import Progress
    from rich.table import Table

    from newsweave.model import Story
    from newsweave.store import Store

console = Console()
errors = Console(stderr=True, soft_wrap=True)  # paths in messages stay whole, for grep
DEFAULT_WORDS = 120

DbOption = Annotated[Path, typer.Option("--db", help="The embedded database (SQLite).")]
FocusOption = Annotated[
    str | None,
    typer.Option(
        help='Aim summaries at a question or aspect ("what did Putin say about troops?").'
    ),
]
PathsArgument = Annotated[
    list[str],
    typer.Argument(help="Files or directories (read recursively); '-' reads JSONL from stdin."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def plain(value: object) -> Text:
    """`value` as text to print as it is: stored titles, outlets, paths and reasons may hold
    what rich would read as markup ("Headline [/] here")."""
    return Text(str(value))


def say(message: str) -> None:
    """A line of output, printed as it is."""
    console.print(plain(message), soft_wrap=True)


def labelled(label: str, style: str, message: str) -> None:
    """A line on stderr: LABEL (in `style`) then the message, printed as it is."""
    errors.print(Text.assemble((label, style), " ", message))


def error(message: str) -> None:
    """A line on stderr: "error: MESSAGE", the message printed as it is."""
    labelled("error:", "red", message)


def warning(message: str) -> None:
    """A line on stderr: "warning: MESSAGE", the message printed as it is."""
    labelled("warning:", "yellow", message)


def skipped(source: str, reason: str) -> None:
    """What could not be read: "skipped SOURCE: REASON" on stderr, printed as it is."""
    labelled("skipped", "yellow", f"{source}: {reason}")


@contextmanager
def open_db(db: Path) -> Iterator[Store]:
    """The store at `db`, closed afterwards; one that cannot be opened ends the command
    (exit status 2) with the reason."""
    from newsweave.store import StoreError, open_store

    try:
        store = open_store(db)
    except StoreError as exc:
        error(str(exc))
        raise typer.Exit(2) from exc
    try:
        yield store
    finally:
        store.close()


def progress_bar() -> Progress:
    """A transient progress display on stderr: spinner, description, bar, count, time."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )


def story_table(stories: list[Story]) -> Table:
    """One row per story: id, event date, number of articles, title, outlets."""
    from rich.table import Table

    table = Table(title=f"{len(stories)} stories", show_lines=False)  # cells: `plain`
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("articles", justify="right")
    table.add_column("title")
    table.add_column("outlets")
    for story in stories:
        table.add_row(
            story.id,
            story.event_date.isoformat() if story.event_date else "",
            str(len(story.articles)),
            plain(story.title or ""),
            plain(", ".join(story.outlets)),
        )
    return table


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    """A table of figures: the first column left-aligned, the others right-aligned."""
    from rich.table import Table

    table = Table(title=plain(title))
    for column in header:
        table.add_column(column, justify="left" if column == header[0] else "right")
    for row in rows:
        table.add_row(*map(plain, row))
    console.print(table)
