"""What the command groups share: the consoles, the store opened for a command, progress bars,
option types and table printing.

Only typer and rich are imported here at module level: `newsweave --help` loads every command
group, so anything heavier is imported inside the function that needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from rich.progress import Progress
    from rich.table import Table

    from newsweave.model import Story
    from newsweave.store import Store
    from newsweave.store.browse import StoryCard

console = Console()
errors = Console(stderr=True, soft_wrap=True)  # paths in messages stay whole, for grep
DEFAULT_WORDS = 120
CANDIDATES = 10
"""Stories an ambiguous id prefix lists, the most recent first."""

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


@contextmanager
def open_existing_db(db: Path) -> Iterator[Store]:
    """`open_db` for a command that reads a database: one that does not exist ends the
    command (exit status 2) naming the path, rather than being created empty, so a mistyped
    `--db` is caught."""
    if not db.exists():
        missing_db(db)
    with open_db(db) as store:
        yield store


def missing_db(db: Path) -> NoReturn:
    """End a command that reads the database `db`, which does not exist (exit status 2)."""
    error(f"{db}: no such database (ingest, digest or import creates one; is --db right?)")
    raise typer.Exit(2)


def find_story(store: Store, story_id: str, db: Path) -> Story:
    """The story of this id or unique id prefix; a prefix several ids start with ends the
    command (exit status 1) listing them, as does an id no story has."""
    story = store.story(story_id)
    if story is not None:
        return story
    ambiguous_prefix(store, story_id, db)
    error(f"no story {story_id!r} in {db}")
    raise typer.Exit(1)


def ambiguous_prefix(store: Store, prefix: str, db: Path) -> None:
    """If several story ids start with `prefix`, end the command (exit status 1) listing
    them (id, title, date) on stderr, so that the user can type more of the one meant."""
    from newsweave.store.browse import StoryFilter

    if not prefix:
        return
    where = StoryFilter(id_prefix=prefix)
    candidates = store.story_cards(where, limit=CANDIDATES)
    if len(candidates) < 2:
        return
    total = store.story_count(where)
    more = f", the {len(candidates)} most recent:" if total > len(candidates) else ":"
    error(f"{prefix!r} starts {total} story ids in {db}; type more of the one you mean{more}")
    errors.print(candidate_table(candidates))
    raise typer.Exit(1)


def candidate_table(cards: list[StoryCard]) -> Table:
    """The stories an ambiguous prefix could mean: id, date, title."""
    from rich.table import Table

    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("title")
    for card in cards:
        day = card.event_date.isoformat() if card.event_date else "undated"
        table.add_row(card.id, day, plain(card.title or "untitled"))
    return table


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
        disable=not errors.is_terminal,  # else each run leaves a blank line per bar
    )


STORIES_SHOWN = 20
"""Stories a run's closing table lists; the report and `newsweave stories` have them all."""


def story_table(stories: list[Story], shown: int = STORIES_SHOWN) -> Table:
    """The `shown` stories most outlets covered (then most articles, newest), one row each:
    id, event date, outlets, articles, title; a caption says how many more there are."""
    biggest = sorted(
        stories,
        key=lambda s: (-len(s.outlets), -len(s.articles), -(s.event_date or date.min).toordinal()),
    )[:shown]
    title = f"{len(stories)} stories" + (
        f", the {len(biggest)} most outlets covered" if len(biggest) < len(stories) else ""
    )
    more = len(stories) - len(biggest)
    caption = f"{more} more in the report and in `newsweave stories`" if more else None
    rows = [(s.id, s.event_date, len(s.outlets), len(s.articles), s.title or "") for s in biggest]
    return stories_table(title, rows, caption)


StoryRow = tuple[str, date | None, int, int, str]
"""A story as a table lists it: id, event date, outlets, articles, title."""


def stories_table(title: str, rows: list[StoryRow], caption: str | None = None) -> Table:
    """The one layout of every story table the commands print; cells are stored text, shown
    as written (`plain`)."""
    from rich.table import Table

    table = Table(title=plain(title), caption=caption, show_lines=False)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("outlets", justify="right")
    table.add_column("articles", justify="right")
    table.add_column("title")
    for id, day, outlets, articles, text in rows:
        table.add_row(id, day.isoformat() if day else "", str(outlets), str(articles), plain(text))
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
