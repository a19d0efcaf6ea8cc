"""Commands that add articles: `ingest`, `digest`, `fetch`, `watch`.

The pipeline, the fetch stack and the renderers are imported inside the commands, so that
`newsweave --help` does not load spaCy, scikit-learn, trafilatura or httpx.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newsweave.cli.common import (
    DEFAULT_WORDS,
    DbOption,
    FocusOption,
    PathsArgument,
    console,
    error,
    errors,
    labelled,
    open_db,
    say,
    skipped,
    story_table,
    warning,
)

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from newsweave.app.pipeline import RunReport
    from newsweave.fetch import PoliteClient
    from newsweave.model import Story
    from newsweave.store import Store

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
AllowPrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Fetch from loopback, private and link-local addresses too (refused by default, "
        "even after a redirect or behind a public name).",
    ),
]
UserAgentOption = Annotated[
    str | None, typer.Option(help="The User-Agent sent (default: newsweave/VERSION ...).")
]
SummariseOption = Annotated[
    bool, typer.Option(help="Summarise the changed stories now (--no-summarise: later).")
]


def stage_bars() -> Progress:
    """A transient progress display on stderr for the pipeline's stages: description, bar,
    count (of the total where known), rate, elapsed and remaining time. Drawn only on a
    terminal: piped or captured output gets the closing lines alone."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items a second, from rich's recent-speed estimate."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.1f}/s" if speed else "", style="progress.data.speed")

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,  # else each run leaves a blank line per bar
    )


class StageBars:
    """The pipeline's progress callback (`newsweave.app.pipeline.Progress`) drawn as one bar
    per stage in `labels`, made when the stage first reports, with its total where the
    pipeline knows one; counts what went through each stage, for the closing lines."""

    def __init__(self, bar: Progress, labels: dict[str, str]) -> None:
        self.bar = bar
        self.labels = labels
        self.tasks: dict[str, TaskID] = {}
        self.counts: Counter[str] = Counter()

    def __call__(self, stage: str, n: int, /, *, total: int | None = None) -> None:
        if stage not in self.labels:
            return
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(self.labels[stage], total=total)
        elif total is not None:
            self.bar.update(self.tasks[stage], total=total)
        if n:
            self.bar.advance(self.tasks[stage], n)
            self.counts[stage] += n


def took(seconds: float, count: int | None = None) -> str:
    """ "in 12.3 s (24.4/s)": a stage's time, and its rate where it handled `count` items."""
    rate = f" ({count / seconds:,.1f}/s)" if count and seconds >= 0.05 else ""
    return f"in {seconds:,.1f} s{rate}"


def add_paths(paths: list[str], store: Store, *, summarise: bool = True) -> RunReport:
    """Ingest `paths` into `store` with progress bars, and print what was read and stored,
    then what clustering did; nothing read at all ends the command (exit status 1)."""
    from newsweave.app.pipeline import ingest

    with stage_bars() as bar:
        stages = StageBars(bar, {"read": "reading", "stored": "storing + clustering"})
        report = ingest(paths, store, progress=stages)
    print_problems(report)
    cluster_seconds = report.seconds.get("cluster", 0.0)
    reading = sum(report.seconds.values()) - cluster_seconds
    say(
        f"read {report.read} articles: {report.added} new, {report.duplicates} already stored"
        + (
            f" ({report.copies} new one{' copies' if report.copies == 1 else 's copy'} an "
            "earlier article)"
            if report.copies
            else ""
        )
        + (f", {len(report.errors)} skipped" if report.errors else "")
        + (f", {len(report.warnings)} warnings" if report.warnings else "")
        + f" {took(reading, report.read)}"
    )
    say(
        f"clustered {report.added} new articles: {len(report.changed)} stories new or changed"
        + ("" if summarise or not report.changed else ", waiting to be summarised")
        + f" {took(cluster_seconds)}"
    )
    print_notes(report)
    if report.read == 0:
        error("nothing could be read")
        raise typer.Exit(1)
    return report


def build(
    store: Store, words: int, focus: str | None, changed: set[str] | None = None
) -> list[Story]:
    """Summarise and analyse every story waiting for it, with a bar per stage, and say what
    each stage did and how long it took: the articles parsed, the stories summarised (those
    this run changed, `changed`, from the run's report, and those an earlier run left
    waiting: killed, run with --no-summarise, or another process changed them), the
    storylines linked. Returns the stories."""
    from newsweave.analysis.summarize import SummarySettings
    from newsweave.app.pipeline import RunReport, build_stories

    report = RunReport()
    labels = {
        "parse": "parsing articles",
        "summarize": "summarising + analysing stories",
        "timeline": "linking storylines",
    }
    with stage_bars() as bar:
        stages = StageBars(bar, labels)
        stories = build_stories(
            store,
            summary_settings=SummarySettings(words=words),
            focus=focus,
            progress=stages,
            report=report,
        )
    for message in report.warnings:
        warning(message)
    seconds = report.seconds
    if parsed := stages.counts["parse"]:
        parsing = seconds.get("parse", 0.0) + seconds.get("sentences", 0.0)
        say(f"parsed {parsed} articles (sentences, entities, quotes) {took(parsing, parsed)}")
    new = len(stories) if changed is None else sum(1 for s in stories if s.id in changed)
    waiting = len(stories) - new
    summarising = sum(seconds.get(k, 0.0) for k in ("summarize", "analyse", "store"))
    say(
        f"{len(stories)} stories summarised and analysed"
        + (
            f" ({new} new or changed"
            + (f", {waiting} waiting from before this run" if waiting else "")
            + ")"
            if changed is not None
            else ""
        )
        + f" {took(summarising, len(stories))}"
    )
    if stories:
        say(f"linked {len(stories)} stories into storylines {took(seconds.get('timeline', 0.0))}")
    return stories


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
    with open_db(db) as store:
        report = add_paths(paths, store, summarise=summarise)
        if summarise:
            build(store, DEFAULT_WORDS, None, report.changed)


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
    from newsweave.render import write_report

    with open_db(db) as store:
        report = add_paths(paths, store)
        restyled = bool(focus or words != DEFAULT_WORDS)
        if restyled:
            store.mark_stale()
        build(store, words, focus, None if restyled else report.changed)
        stories = store.stories()
    console.print(story_table(stories))
    written = write_report(stories, out)
    say("wrote " + ", ".join(str(p) for p in written.values()))


def fetch_client(
    rate: float, timeout: float, max_size: float, user_agent: str | None, allow_private: bool
) -> PoliteClient:
    """The polite client with the command line's settings."""
    from newsweave.fetch import FetchSettings, PoliteClient

    settings = FetchSettings(
        interval=1 / rate,
        timeout=timeout,
        max_bytes=int(max_size * 2**20),
        allow_private=allow_private,
    )
    return PoliteClient(replace(settings, user_agent=user_agent) if user_agent else settings)


SKIPPED_SHOWN = 5
"""Sources named for one reason to skip; more of the same are counted (`-v` names them)."""


def print_problems(report: RunReport) -> None:
    """What a run skipped, and what it read with a warning (a field dropped, bytes replaced).

    A folder of files that are not articles (a crawler's metadata beside its pages) would
    bury the run's summary under one line each: the first `SKIPPED_SHOWN` sources of each
    reason are named, the rest counted, unless `-v` asks for every one."""
    every = logging.getLogger("newsweave").isEnabledFor(logging.INFO)
    by_reason: dict[str, list[str]] = {}
    for problem in report.errors:
        by_reason.setdefault(problem.reason, []).append(problem.source)
    for reason, sources in by_reason.items():
        named = sources if every else sources[:SKIPPED_SHOWN]
        for source in named:
            skipped(source, reason)
        if len(sources) > len(named):
            skipped(f"{len(sources) - len(named)} more sources", f"{reason} (-v names each)")
    for message in report.warnings:
        warning(message)


def print_added(report: RunReport, noun: str) -> None:
    """The skipped sources and the warnings, then one line of what was added."""
    print_problems(report)
    console.print(
        f"{noun} {report.read} articles: {report.added} new, {report.duplicates} already stored"
        + (f", {len(report.errors)} skipped" if report.errors else "")
        + (f", {len(report.warnings)} warnings" if report.warnings else "")
        + f"; {len(report.changed)} stories new or changed"
    )
    print_notes(report)


def print_notes(report: RunReport) -> None:
    """What the run left out of the analysis, so that a reader knows why: articles in a
    language the English analysis does not read (stored and listed), and lines learned as
    their site's boilerplate (shown with each article, under the rule `site_boilerplate`)."""
    if report.learned or report.cleaned:
        console.print(
            f"{report.learned} line{'s' if report.learned != 1 else ''} learned as their "
            f"site's boilerplate; removed from {report.cleaned} article"
            f"{'s' if report.cleaned != 1 else ''}"
        )
    total = sum(report.languages.values())
    if total:
        counts = ", ".join(f"{code} {n}" for code, n in report.languages.most_common())
        console.print(
            f"{total} article{'s' if total > 1 else ''} not in English ({counts}): "
            "kept, left out of summaries, quotes and dates"
        )


def fetch(
    urls: Annotated[
        list[str], typer.Argument(help="Article page URLs; '-' reads them from stdin, one a line.")
    ],
    db: DbOption = Path("newsweave.db"),
    rate: RateOption = 1.0,
    timeout: TimeoutOption = 20.0,
    max_size: MaxSizeOption = 5.0,
    user_agent: UserAgentOption = None,
    allow_private: AllowPrivateOption = False,
    summarise: SummariseOption = True,
) -> None:
    """Download article pages politely and add their articles (robots.txt obeyed, one request
    per second per host, redirects and size bounded); a URL that fails is reported, not fatal."""
    import sys

    from newsweave.app.pipeline import ingest_documents
    from newsweave.fetch import fetch_documents

    lines = (line.strip() for u in urls for line in (sys.stdin if u == "-" else [u]))
    wanted = list(dict.fromkeys(u for u in lines if u and not u.startswith("#")))
    with (
        open_db(db) as store,
        fetch_client(rate, timeout, max_size, user_agent, allow_private) as client,
    ):
        with stage_bars() as bar:
            stages = StageBars(bar, {"read": "fetching", "stored": "storing + clustering"})
            stages("read", 0, total=len(wanted))
            report = ingest_documents(fetch_documents(wanted, client), store, progress=stages)
        print_added(report, "fetched")
        if report.read == 0:
            error("no article could be fetched")
            raise typer.Exit(1)
        if summarise:
            build(store, DEFAULT_WORDS, None, report.changed)


def watch(
    feeds: Annotated[list[str], typer.Argument(help="OPML files listing feeds, or feed URLs.")],
    every: Annotated[str, typer.Option(help="Time between rounds: 30s, 15m, 2h.")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Poll once, then exit.")] = False,
    db: DbOption = Path("newsweave.db"),
    rate: RateOption = 1.0,
    timeout: TimeoutOption = 20.0,
    max_size: MaxSizeOption = 5.0,
    user_agent: UserAgentOption = None,
    allow_private: AllowPrivateOption = False,
    summarise: SummariseOption = True,
) -> None:
    """Poll feeds (conditional GET: an unchanged feed costs a 304) and add the articles of
    their new entries, downloading each page; every --every until Ctrl-C, or --once."""
    import time

    from newsweave.app.watch import feed_list, parse_every, watch_round

    try:
        pause = parse_every(every)
    except ValueError as exc:
        error(f"--every: {exc}")
        raise typer.Exit(2) from exc
    urls, problems = feed_list(feeds)
    for problem in problems:
        skipped(problem.source, problem.reason)
    if not urls:
        error("no feed to watch")
        raise typer.Exit(2)
    with (
        open_db(db) as store,
        fetch_client(rate, timeout, max_size, user_agent, allow_private) as client,
    ):
        try:
            while True:
                with errors.status(f"polling {len(urls)} feeds"):
                    round_ = watch_round(urls, store, client)
                for feed in round_.feeds:
                    if feed.error:
                        labelled("feed failed", "yellow", f"{feed.url}: {feed.error}")
                    else:
                        state = "not modified" if feed.not_modified else f"{feed.new} new entries"
                        say(f"{feed.url}: {state}")
                print_added(round_.run, "fetched")
                if summarise and round_.run.changed:
                    build(store, DEFAULT_WORDS, None, round_.run.changed)
                if once:
                    break
                console.print(f"next round in {every} (Ctrl-C stops)")
                time.sleep(pause)
        except KeyboardInterrupt:
            console.print("stopped")
            return
    if all(feed.error for feed in round_.feeds):
        raise typer.Exit(1)
