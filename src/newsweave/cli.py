"""The `newsweave` command line: a thin layer over `pipeline`, `store` and `render`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from newsweave import __version__
from newsweave.analysis.summarize import SummarySettings, summarize
from newsweave.app.pipeline import RunReport, build_stories, ingest
from newsweave.app.watch import feed_list, parse_every, watch_round
from newsweave.evaluate.cluster import evaluate_clustering
from newsweave.evaluate.datasets import Cluster, DatasetError, load_dataset
from newsweave.evaluate.dates import evaluate_dates
from newsweave.evaluate.quotes import evaluate_quotes
from newsweave.evaluate.summarize import SYSTEMS, evaluate_summaries
from newsweave.fetch import FetchSettings, PoliteClient, fetch_documents
from newsweave.model import Story
from newsweave.render import write_report
from newsweave.render.markdown import render_markdown
from newsweave.store import Store, StoreError, open_store

app = typer.Typer(
    help="Turn a pile of news articles from many outlets into sourced stories.",
    no_args_is_help=True,
    add_completion=False,
)
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


def _version(value: bool) -> None:
    if value:
        console.print(f"newsweave {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """newsweave: sourced stories from many outlets."""


@contextmanager
def _open(db: Path) -> Iterator[Store]:
    try:
        store = open_store(db)
    except StoreError as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    try:
        yield store
    finally:
        store.close()


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )


def _ingest(paths: list[str], store: Store) -> RunReport:
    with _progress() as bar:
        tasks = {
            "read": bar.add_task("reading", total=None),
            "stored": bar.add_task("storing + clustering", total=None),
        }

        def advance(stage: str, n: int) -> None:
            if stage in tasks:
                bar.advance(tasks[stage], n)

        report = ingest(paths, store, progress=advance)
    for error in report.errors:
        errors.print(f"[yellow]skipped[/] {error.source}: {error.reason}")
    console.print(
        f"read {report.read} articles: {report.added} new, {report.duplicates} already stored"
        + (f" ({report.copies} new ones copy an earlier article)" if report.copies else "")
        + (f", {len(report.errors)} skipped" if report.errors else "")
        + f"; {len(report.changed)} stories new or changed"
    )
    if report.read == 0:
        errors.print("[red]error:[/] nothing could be read")
        raise typer.Exit(1)
    return report


def _build(store: Store, words: int, focus: str | None) -> list[Story]:
    """Summarise and analyse the stories that changed; returns them."""
    report = RunReport()
    with _progress() as bar:
        task = bar.add_task("summarising changed stories", total=None)
        stories = build_stories(
            store,
            summary_settings=SummarySettings(words=words),
            focus=focus,
            progress=lambda stage, n: bar.advance(task, n),
            report=report,
        )
    for warning in report.warnings:
        errors.print(f"[yellow]warning:[/] {warning}")
    return stories


def _story_table(stories: list[Story]) -> Table:
    table = Table(title=f"{len(stories)} stories", show_lines=False)
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
            story.title or "",
            ", ".join(story.outlets),
        )
    return table


@app.command("ingest")
def ingest_command(
    paths: PathsArgument,
    db: DbOption = Path("newsweave.db"),
    summarise: Annotated[
        bool,
        typer.Option(
            help="Summarise and analyse the changed stories now; with --no-summarise they wait "
            "for the next ingest or digest (fast bulk loading)."
        ),
    ] = True,
) -> None:
    """Add articles to the database and to its stories; re-ingesting stores nothing twice.

    Only the stories the new articles join, found or merge are summarised and analysed again.
    """
    with _open(db) as store:
        _ingest(paths, store)
        if summarise:
            _build(store, DEFAULT_WORDS, None)


@app.command()
def digest(
    paths: PathsArgument,
    db: DbOption = Path("newsweave.db"),
    out: Annotated[
        Path, typer.Option(help="Where to write index.html, stories.md, stories.json.")
    ] = Path("report"),
    words: Annotated[int, typer.Option(min=10, help="Summary length in words.")] = DEFAULT_WORDS,
    focus: FocusOption = None,
) -> None:
    """Ingest PATHs, add them to the stories, and write the report of every stored story.

    Stories the new articles changed are summarised again; with --focus or a --words other
    than the default, every story is.
    """
    with _open(db) as store:
        _ingest(paths, store)
        if focus or words != DEFAULT_WORDS:
            store.mark_stale()
        _build(store, words, focus)
        stories = store.stories()
    console.print(_story_table(stories))
    written = write_report(stories, out)
    console.print("wrote " + ", ".join(str(p) for p in written.values()))


@app.command()
def stories(db: DbOption = Path("newsweave.db")) -> None:
    """List the stored stories."""
    with _open(db) as store:
        console.print(_story_table(store.stories()))


@app.command()
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
) -> None:
    """Show one story: summary with citations, analysis, then its articles.

    With --focus the summary is aimed at a question; with --since it is an update summary of
    the articles published after that date, leaving out what earlier ones already said
    (articles without a date count as already read).
    """
    with _open(db) as store:
        story = store.story(story_id)
    if story is None:
        errors.print(f"[red]error:[/] no story {story_id!r} in {db}")
        raise typer.Exit(1)
    if focus or since:
        known = [
            a for a in story.articles if since and not (a.published and a.published > since.date())
        ]
        story.summary = summarize(story, SummarySettings(words=words), focus=focus, known=known)
        if since and not story.summary:
            console.print(f"Nothing new since {since.date().isoformat()}.")
    console.print(render_markdown([story]), markup=False, highlight=False)


@app.command()
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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Dated events of an entity's stories, or of a story's storyline, with their outlets.

    Events are the stories themselves and the earlier events their articles cite ("visited
    Moscow in October 2015"), each dated as finely as the text allows (day, month, year).
    """
    from newsweave.analysis.storyline import find_timeline
    from newsweave.analysis.timeline import within
    from newsweave.contract import timeline_event_to_dict
    from newsweave.render.dates import date_label

    with _open(db) as store:
        found = find_timeline(store, query)
    if found is None:
        errors.print(f"[red]error:[/] no story or entity {query!r} in {db}")
        raise typer.Exit(1)
    name, events = found
    events = within(events, since and since.date(), until and until.date())
    if as_json:
        timeline_json = [timeline_event_to_dict(e) for e in events]
        console.print_json(data={"query": query, "match": name, "timeline": timeline_json})
        return
    table = Table(title=f"Timeline of {name}: {len(events)} events")
    for column in ("date", "event", "outlets", "story"):
        table.add_column(column, no_wrap=column in ("date", "story"))
    for event in events:
        table.add_row(
            date_label(event.date, event.granularity),
            event.text,
            ", ".join(event.outlets),
            event.story_id or "",
        )
    console.print(table)


@app.command()
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

    from newsweave.web import create_app, server  # the web stack loads only for this command
    from newsweave.web.app import LOOPBACK_HOSTS, worker_environment

    loopback = host in ("127.0.0.1", "localhost")  # Host checks: against DNS rebinding
    allowed_hosts = LOOPBACK_HOSTS if loopback else None
    try:
        web = create_app(db, token, allowed_hosts=allowed_hosts)
    except StoreError as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    if host not in ("127.0.0.1", "localhost", "::1"):
        errors.print(f"[yellow]warning:[/] serving on {host}: reachable beyond this machine")
    console.print(f"serving {db} on http://{host}:{port}/ (Ctrl-C stops)")
    if workers > 1:  # each worker process builds its own app from the environment
        os.environ.update(worker_environment(db, token, allowed_hosts))
    try:
        server.run(web, host=host, port=port, workers=workers)
    except OSError as exc:
        errors.print(f"[red]error:[/] cannot listen on {host}:{port}: {exc.strerror or exc}")
        raise typer.Exit(2) from exc


RateOption = Annotated[
    float,
    typer.Option(
        "--rate", min=0.001, help="Requests per second to any one host (Crawl-delay may slow it)."
    ),
]
TimeoutOption = Annotated[
    float, typer.Option(min=0.1, help="Seconds to connect, and between reads of a response.")
]
MaxSizeOption = Annotated[
    float, typer.Option("--max-size", min=0.01, help="Largest page downloaded, in MB.")
]
UserAgentOption = Annotated[
    str | None, typer.Option(help="The User-Agent sent (default: newsweave/VERSION ...).")
]
SummariseOption = Annotated[
    bool, typer.Option(help="Summarise the changed stories now (--no-summarise: later).")
]


def _fetch_client(
    rate: float, timeout: float, max_size: float, user_agent: str | None
) -> PoliteClient:
    """The polite client with the command line's settings."""
    agent = {"user_agent": user_agent} if user_agent else {}
    max_bytes = int(max_size * 2**20)
    return PoliteClient(
        FetchSettings(interval=1 / rate, timeout=timeout, max_bytes=max_bytes, **agent)
    )


def _print_added(report: RunReport, noun: str) -> None:
    for error in report.errors:
        errors.print(f"[yellow]skipped[/] {error.source}: {error.reason}")
    console.print(
        f"{noun} {report.read} articles: {report.added} new, {report.duplicates} already stored"
        + (f", {len(report.errors)} skipped" if report.errors else "")
        + f"; {len(report.changed)} stories new or changed"
    )


@app.command()
def fetch(
    urls: Annotated[
        list[str], typer.Argument(help="Article page URLs; '-' reads them from stdin, one a line.")
    ],
    db: DbOption = Path("newsweave.db"),
    rate: RateOption = 1.0,
    timeout: TimeoutOption = 20.0,
    max_size: MaxSizeOption = 5.0,
    user_agent: UserAgentOption = None,
    summarise: SummariseOption = True,
) -> None:
    """Download article pages politely and add their articles (robots.txt obeyed, one request
    per second per host, redirects and size bounded); a URL that fails is reported, not fatal."""
    import sys

    from newsweave.app.pipeline import ingest_documents

    lines = (line.strip() for u in urls for line in (sys.stdin if u == "-" else [u]))
    wanted = list(dict.fromkeys(u for u in lines if u and not u.startswith("#")))
    with _open(db) as store, _fetch_client(rate, timeout, max_size, user_agent) as client:
        with _progress() as bar:
            task = bar.add_task("fetching", total=len(wanted))
            report = ingest_documents(
                fetch_documents(wanted, client),
                store,
                progress=lambda stage, n: bar.advance(task, n) if stage == "read" else None,
            )
        _print_added(report, "fetched")
        if report.read == 0:
            errors.print("[red]error:[/] no article could be fetched")
            raise typer.Exit(1)
        if summarise:
            _build(store, DEFAULT_WORDS, None)


@app.command()
def watch(
    feeds: Annotated[list[str], typer.Argument(help="OPML files listing feeds, or feed URLs.")],
    every: Annotated[str, typer.Option(help="Time between rounds: 30s, 15m, 2h.")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Poll once, then exit.")] = False,
    db: DbOption = Path("newsweave.db"),
    rate: RateOption = 1.0,
    timeout: TimeoutOption = 20.0,
    max_size: MaxSizeOption = 5.0,
    user_agent: UserAgentOption = None,
    summarise: SummariseOption = True,
) -> None:
    """Poll feeds (conditional GET: an unchanged feed costs a 304) and add the articles of
    their new entries, downloading each page; every --every until Ctrl-C, or --once."""
    import time

    try:
        pause = parse_every(every)
    except ValueError as exc:
        errors.print(f"[red]error:[/] --every: {exc}")
        raise typer.Exit(2) from exc
    urls, problems = feed_list(feeds)
    for problem in problems:
        errors.print(f"[yellow]skipped[/] {problem.source}: {problem.reason}")
    if not urls:
        errors.print("[red]error:[/] no feed to watch")
        raise typer.Exit(2)
    with _open(db) as store, _fetch_client(rate, timeout, max_size, user_agent) as client:
        try:
            while True:
                with errors.status(f"polling {len(urls)} feeds"):
                    round_ = watch_round(urls, store, client)
                for feed in round_.feeds:
                    if feed.error:
                        errors.print(f"[yellow]feed failed[/] {feed.url}: {feed.error}")
                    else:
                        state = "not modified" if feed.not_modified else f"{feed.new} new entries"
                        console.print(f"{feed.url}: {state}")
                _print_added(round_.run, "fetched")
                if summarise and round_.run.changed:
                    _build(store, DEFAULT_WORDS, None)
                if once:
                    break
                console.print(f"next round in {every} (Ctrl-C stops)")
                time.sleep(pause)
        except KeyboardInterrupt:
            console.print("stopped")
            return
    if all(feed.error for feed in round_.feeds):
        raise typer.Exit(1)


eval_app = typer.Typer(
    help="Measure newsweave against baselines on public datasets.", no_args_is_help=True
)
app.add_typer(eval_app, name="eval")


DatasetArgument = Annotated[Path, typer.Argument(help="The dataset file.")]
DatasetOption = Annotated[str, typer.Option(help="Format: multinews (CSV) or clusters (JSONL).")]


def _load_clusters(dataset: str, path: Path) -> list[Cluster]:
    try:
        return load_dataset(dataset, path)
    except DatasetError as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc


def _print_eval(title: str, header: list[str], rows: list[list[str]], as_json: dict | None) -> None:
    if as_json is not None:
        console.print_json(data=as_json)
        return
    table = Table(title=title)
    for column in header:
        table.add_column(column, justify="left" if column == header[0] else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@eval_app.command("summarize")
def eval_summarize(
    path: DatasetArgument,
    dataset: DatasetOption = "multinews",
    words: Annotated[
        int, typer.Option(min=10, help="Every summary is cut at this many words.")
    ] = 300,
    systems: Annotated[str, typer.Option(help="Comma-separated systems to run.")] = ",".join(
        SYSTEMS
    ),
    save: Annotated[
        Path | None, typer.Option(help="Write every summary to DIR/<system>/<cluster>.txt.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N clusters.")] = None,
    focus: Annotated[
        str | None,
        typer.Option(help="One focus question for every cluster (default: each cluster's query)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """ROUGE of newsweave's summaries against lead, sumy's LexRank/TextRank/LSA/SumBasic and an oracle."""
    clusters = _load_clusters(dataset, path)[:limit]
    for cluster in clusters if focus else []:
        cluster.query = focus
    chosen = [s.strip() for s in systems.split(",") if s.strip()]
    unknown = set(chosen) - set(SYSTEMS)
    if unknown or "newsweave" not in chosen:
        errors.print(
            f"[red]error:[/] systems must include newsweave and be among {', '.join(SYSTEMS)}"
        )
        raise typer.Exit(2)
    with _progress() as bar:
        task = bar.add_task("summarising clusters", total=len(clusters))
        report = evaluate_summaries(
            clusters,
            words=words,
            systems=chosen,
            save=save,
            progress=lambda n: bar.advance(task, n),
        )
    title = f"ROUGE on {report.clusters} clusters of {path.name}, summaries cut at {words} words"
    _print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)


@eval_app.command("dates")
def eval_dates(
    directory: Annotated[Path, typer.Argument(help="A directory of TimeML (.tml) files.")],
    dataset: Annotated[str, typer.Option(help="Format: timeml.")] = "timeml",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Value accuracy of date normalisation (TempEval-3 TimeML) against plain dateparser."""
    if dataset != "timeml" or not directory.is_dir():
        errors.print(
            f"[red]error:[/] {directory}: expected a directory of TimeML files (--dataset timeml)"
        )
        raise typer.Exit(2)
    report = evaluate_dates(directory)
    if report.total == 0:
        errors.print(
            f"[red]error:[/] {directory}: no DATE TIMEX3 with a document creation time found"
        )
        raise typer.Exit(2)
    title = f"DATE value accuracy on {report.total} TIMEX3 of {directory}"
    _print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)


@eval_app.command("quotes")
def eval_quotes(
    directory: Annotated[
        Path, typer.Argument(help="PolNeAR data: a folder with text/ and attributions/.")
    ],
    dataset: Annotated[str, typer.Option(help="Format: polnear.")] = "polnear",
    limit: Annotated[int | None, typer.Option(help="Only the first N texts.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Quote detection and speaker attribution (PolNeAR) against textacy's direct_quotations."""
    if dataset != "polnear" or not directory.is_dir():
        errors.print(f"[red]error:[/] {directory}: expected PolNeAR's layout (--dataset polnear)")
        raise typer.Exit(2)
    try:
        report = evaluate_quotes(directory, limit=limit)
    except (FileNotFoundError, ValueError) as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    title = f"Quotes and speakers on {report.documents} PolNeAR texts of {directory}"
    _print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)


@eval_app.command("cluster")
def eval_cluster(
    path: DatasetArgument,
    dataset: DatasetOption = "multinews",
    bare: Annotated[bool, typer.Option(help="Drop titles and dates before clustering.")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the shuffle.")] = 13,
    save: Annotated[
        Path | None, typer.Option(help="Write the assignment as JSONL: cluster, doc, story.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """B-cubed and pairwise scores of story clustering against a set's clusters, with a tuned
    scikit-learn agglomerative baseline."""
    clusters = _load_clusters(dataset, path)
    report = evaluate_clustering(clusters, seed=seed, bare=bare, save=save)
    title = f"Story clustering of {report.documents} documents from {report.clusters} clusters of {path.name}"
    if report.baseline_threshold is not None:
        title += f" (baseline threshold {report.baseline_threshold})"
    _print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)


@eval_app.command("timeline")
def eval_timeline(
    directory: Annotated[
        Path, typer.Argument(help="Timeline17 layout: topic folders with articles.json.")
    ],
    dataset: Annotated[str, typer.Option(help="Format: t17.")] = "t17",
    limit: Annotated[int | None, typer.Option(help="Only the first N topics.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Timeline summarisation (tilse alignment ROUGE, date F1) against a publication-count
    baseline, news-tls's protocol."""
    from newsweave.evaluate.timeline import evaluate_timelines

    if dataset != "t17":
        errors.print(f"[red]error:[/] unknown timeline dataset {dataset!r}; known: t17")
        raise typer.Exit(2)
    try:
        report = evaluate_timelines(
            directory, limit=limit, progress=lambda name: errors.print(f"done {name}")
        )
    except DatasetError as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    if report.rouge_skipped:
        errors.print(f"[yellow]warning:[/] ROUGE skipped: {report.rouge_skipped}")
    title = f"Timelines of {len(report.topics)} topics of {directory}"
    _print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)


if __name__ == "__main__":  # pragma: no cover
    app()
