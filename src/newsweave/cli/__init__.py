"""The `newsweave` command line: a thin layer over `app`, `store` and `render`.

One module per command group: `ingest` (ingest, digest, fetch, watch), `browse` (stories,
show, timeline, serve), `maintain` (check, export), `report` (report, import), `evaluate`
(the `eval` sub-commands), `spark` (spark digest); `common` holds what they share and `logs` the logging switch. Every group is loaded for
`--help`, so each command imports the store, the pipeline, the web stack or the evaluation
harnesses it needs when it runs, as `stories` and `show` import their layouts (`listing`,
`story_view`).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from newsweave import __version__
from newsweave.cli import browse, evaluate, ingest, maintain, report, spark
from newsweave.cli.common import console, errors, warning
from newsweave.cli.logs import ENVIRONMENT, configure_logging, log_level

app = typer.Typer(
    help="Turn a pile of news articles from many outlets into sourced stories.",
    no_args_is_help=True,
    add_completion=False,
)


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
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            show_default=False,
            help=f"Log to stderr what newsweave does: -v for INFO, -vv for DEBUG (or set "
            f"{ENVIRONMENT}=debug, info, warning, error; the default is warning).",
        ),
    ] = 0,
) -> None:
    """newsweave: sourced stories from many outlets."""
    setting = os.environ.get(ENVIRONMENT)
    try:
        level = log_level(verbose, setting)
    except ValueError as exc:
        warning(f"{exc}; logging warnings only")
        level = log_level(0, None)
    configure_logging(level, errors)


app.command("ingest")(ingest.ingest_command)
app.command("digest")(ingest.digest)
app.command("stories")(browse.stories)
app.command("show")(browse.show)
app.command("timeline")(browse.timeline)
app.command("serve")(browse.serve)
app.command("fetch")(ingest.fetch)
app.command("watch")(ingest.watch)
app.command("check")(maintain.check)
app.command("export")(maintain.export)
app.command("report")(report.report)
app.command("import")(report.import_command)
app.add_typer(evaluate.app, name="eval")
app.add_typer(spark.app, name="spark")

__all__ = ["app"]
