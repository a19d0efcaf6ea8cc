"""Commands that read the stored stories: `stories`, `show`, `timeline`, `serve`.

Each refuses a database that does not exist rather than create an empty one, and a story id
prefix that several ids start with lists them. The store, the summariser, the analysis, the
terminal layout of a story (`story_view`) and the web stack (FastAPI, uvicorn) are imported
inside the commands that use them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newsweave.cli.common import (
    DbOption,
    FocusOption,
    JsonOption,
    ambiguous_prefix,
    console,
    error,
    find_story,
    missing_db,
    open_existing_db,
    plain,
    say,
    warning,
)

if TYPE_CHECKING:
    from newsweave.model import Article, Story

HEX = re.compile(r"[0-9a-f]+")
"""What a story id (or a prefix of one) is made of."""
DEFAULT_STORIES = 50
"""Stories `stories` lists unless asked for more: the newest."""
DEFAULT_TIMELINE_EVENTS = 20
"""Events `timeline` shows unless asked for more (`analysis.timeline.DEFAULT_LIMIT`; the
analysis is imported inside the command)."""


class ShowFormat(StrEnum):
    """How `show` prints a story."""

    terminal = "terminal"
    markdown = "markdown"
    json = "json"


def stories(
    db: DbOption = Path("newsweave.db"),
    since: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="Only stories whose event is on or after this day."
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="Only stories whose event is on or before this day."
        ),
    ] = None,
    entity: Annotated[
        str | None, typer.Option(help="Only stories naming this entity (its name, any case).")
    ] = None,
    outlet: Annotated[
        str | None, typer.Option(help="Only stories this outlet covers (its label as listed).")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=0, help="Show the N newest stories; 0: every one.")
    ] = DEFAULT_STORIES,
    as_json: JsonOption = False,
) -> None:
    """List the stored stories, newest event first, then biggest (undated last).

    The filters are the web list's: event date range, entity, outlet. JSON has the fields
    of the JSON API's list (GET /api/stories), with `limit` in place of its pages.
    """
    from newsweave.cli.listing import card_table, card_to_dict, listing_title, story_cards
    from newsweave.store.browse import StoryFilter

    where = StoryFilter(
        since=since and since.date(),
        until=until and until.date(),
        entity=(entity or "").strip() or None,
        outlet=(outlet or "").strip() or None,
    )
    with open_existing_db(db) as store:
        total = store.story_count(where)
        cards = story_cards(store, where, min(limit, total) if limit else total)
    if as_json:
        console.print_json(
            data={
                "stories": [card_to_dict(c) for c in cards],
                "total": total,
                "limit": limit,
                "since": where.since and where.since.isoformat(),
                "until": where.until and where.until.isoformat(),
                "entity": where.entity,
                "outlet": where.outlet,
            }
        )
        return
    if not cards:
        say(listing_title(0, total, where))
        return
    console.print(card_table(cards, total, where))


def show(
    story_id: Annotated[str, typer.Argument(help="A story id, or a unique prefix of one.")],
    db: DbOption = Path("newsweave.db"),
    focus: FocusOption = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="Summarise only what articles after this date add."
        ),
    ] = None,
    words: Annotated[int, typer.Option(min=10, help="Summary length in words.")] = 120,
    output: Annotated[
        ShowFormat,
        typer.Option(
            "--format",
            help="terminal: laid out with tables; markdown: the report's Markdown; "
            "json: the story in the JSON of stories.json.",
        ),
    ] = ShowFormat.terminal,
) -> None:
    """Show one story: summary with citations, facts, disagreements, quotes, entities,
    timeline, then its articles.

    With --focus the summary is aimed at a question; with --since it is an update summary of
    the articles published after that date, leaving out what the others already said
    (articles without a date count as already read), and says which articles it took as read.
    A prefix several story ids start with lists them.
    """
    with open_existing_db(db) as store:
        story = find_story(store, story_id, db)
    if focus or since:
        from newsweave.app.queries import focused_summary

        story.summary = focused_summary(
            story, words=words, focus=focus, since=since and since.date()
        )
        if since and output is not ShowFormat.json:
            console.print(update_note(story, since.date()), markup=False, highlight=False)
    if output is ShowFormat.json:
        from newsweave.contract import story_to_dict

        console.print_json(data=story_to_dict(story))
    elif output is ShowFormat.markdown:
        from newsweave.render.markdown import render_markdown

        console.print(render_markdown([story]), markup=False, highlight=False)
    else:
        from newsweave.cli.story_view import story_view

        console.print(story_view(story))


def update_note(story: Story, since: date) -> str:
    """What an update summary since `since` summarises, and what it took as already read."""
    from newsweave.app.queries import taken_as_read

    day = since.isoformat()
    read = taken_as_read(story, since)
    read_ids = {a.id for a in read}
    new = [a for a in story.articles if a.id not in read_ids]
    if not new:
        lines = [f"Nothing new since {day}: no article was published after it."]
    else:
        one = len(new) == 1
        add, repeat = ("adds", "it repeats") if one else ("add", "they repeat")
        lines = [
            f"Update since {day}: what {_count(new)} published after it {add} ({_outlets(new)})."
        ]
        if not story.summary:
            lines.append(f"Nothing new since {day}: {repeat} what was already read.")
    dated = [a for a in read if a.published]
    undated = [a for a in read if not a.published]
    if dated:
        lines.append(
            f"Taken as read: {_count(dated)} published on or before it ({_outlets(dated)})."
        )
    if undated:
        lines.append(
            f"Taken as read: {_count(undated)} with no date ({_outlets(undated)}), "
            "as nothing shows them to be newer."
        )
    return "\n".join(lines)


def _outlets(articles: list[Article]) -> str:
    return ", ".join(dict.fromkeys(a.outlet_label for a in articles))


def _count(articles: list[Article]) -> str:
    return f"{len(articles)} article{'s' if len(articles) != 1 else ''}"


def timeline(
    query: Annotated[
        str, typer.Argument(help="An entity (name or alias, any case) or a story id prefix.")
    ],
    db: DbOption = Path("newsweave.db"),
    since: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="Only events from this date on."),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Only events up to this date."),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            min=0, help="Show the N most salient events (sources, articles, centrality); 0: all."
        ),
    ] = DEFAULT_TIMELINE_EVENTS,
    show_all: Annotated[bool, typer.Option("--all", help="Show every event.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Dated events of an entity's stories, or of a story's storyline, with their outlets.

    Events are the stories themselves and the earlier events their articles cite ("visited
    Moscow in October 2015"), each dated as finely as the text allows (day, month, year).
    The most salient are shown, oldest first: those most independent sources and articles
    report, central to the stories and near them in time. JSON gives `total`, the events in
    all, beside those shown.
    """
    from rich.table import Table

    from newsweave.app import queries
    from newsweave.contract import timeline_event_to_dict
    from newsweave.render.dates import date_label

    with open_existing_db(db) as store:
        found = queries.timeline(
            store,
            query,
            since=since and since.date(),
            until=until and until.date(),
            limit=None if show_all else limit,
        )
        if found is None and HEX.fullmatch(query):
            ambiguous_prefix(store, query, db)
    if found is None:
        error(f"no story or entity {query!r} in {db}")
        raise typer.Exit(1)
    name, events = found.match, found.events
    if as_json:
        console.print_json(
            data={
                "query": query,
                "match": name,
                "total": found.total,
                "shown": len(events),
                "timeline": [timeline_event_to_dict(e) for e in events],
            }
        )
        return
    shown = (
        f"the {len(events)} most salient of {found.total} events (--all: every one)"
        if found.total > len(events)
        else f"{len(events)} events"
    )
    table = Table(title=plain(f"Timeline of {name}: {shown}"))
    for column in ("date", "event", "sources", "outlets", "story"):
        table.add_column(column, no_wrap=column in ("date", "story"))
    for event in events:
        table.add_row(
            date_label(event.date, event.granularity),
            plain(event.text),
            str(event.sources or len(event.outlets)),
            plain(", ".join(event.outlets)),
            event.story_id or "",
        )
    console.print(table)


def serve(
    db: DbOption = Path("newsweave.db"),
    host: Annotated[
        str, typer.Option(help="Address to bind; loopback unless you mean to share it.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="NEWSWEAVE_TOKEN",
            help="Accept POST /api/articles carrying 'Authorization: Bearer TOKEN'; "
            "without it the server is read-only.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (one per core serves the most).")
    ] = 1,
) -> None:
    """Browse, search and add to the stories in a web UI and JSON API (FastAPI)."""
    import os

    from newsweave.store import StoreError
    from newsweave.web import create_app, server  # the web stack loads only for this command
    from newsweave.web.app import LOOPBACK_HOSTS, worker_environment

    if not db.exists():
        missing_db(db)
    loopback = host in ("127.0.0.1", "localhost")  # Host checks: against DNS rebinding
    allowed_hosts = LOOPBACK_HOSTS if loopback else None
    try:
        web = create_app(db, token, allowed_hosts=allowed_hosts)
    except StoreError as exc:
        error(str(exc))
        raise typer.Exit(2) from exc
    if host not in ("127.0.0.1", "localhost", "::1"):
        warning(f"serving on {host}: reachable beyond this machine")
    say(f"serving {db} on http://{host}:{port}/ (Ctrl-C stops)")
    if workers > 1:  # each worker process builds its own app from the environment
        os.environ.update(worker_environment(db, token, allowed_hosts))
    try:
        server.run(web, host=host, port=port, workers=workers)
    except OSError as exc:
        error(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
        raise typer.Exit(2) from exc
