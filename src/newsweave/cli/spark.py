"""`newsweave spark digest`: the digest of `newsweave digest` run on Apache Spark.

PySpark (the `spark` extra) is imported when the command runs, so that `newsweave --help`
works without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsweave.cli.common import DEFAULT_WORDS, error, errors, print_table, say, warning

app = typer.Typer(
    help="Run the pipeline on Apache Spark, for corpora one machine cannot hold.",
    no_args_is_help=True,
)


@app.command("digest")
def digest(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders to read: local paths (on a cluster, on a file system every "
            "executor mounts) or any URI Spark's Hadoop reads (hdfs://, s3a://).",
            show_default=False,
        ),
    ],
    out: Annotated[
        str,
        typer.Option(help="Folder (local path or URI) to write the Parquet tables to."),
    ],
    master: Annotated[
        str | None,
        typer.Option(
            help="Spark master URL (default local[*]; under spark-submit, the one it set)."
        ),
    ] = None,
    partitions: Annotated[
        int | None,
        typer.Option(
            min=1, help="Partitions of every shuffle (default: twice the cores, at least 2)."
        ),
    ] = None,
    incremental: Annotated[
        bool,
        typer.Option(
            "--incremental",
            help="Add to the tables already under --out, as ingest adds to a database.",
        ),
    ] = False,
    words: Annotated[int, typer.Option(min=10, help="Summary length in words.")] = DEFAULT_WORDS,
    analyse: Annotated[
        bool,
        typer.Option(
            "--analyse/--no-analyse",
            help="Summarise and analyse the stories; --no-analyse stops after clustering and "
            "writes them bare, to measure what the steps up to clustering cost.",
        ),
    ] = True,
) -> None:
    """Read INPUTs, build and analyse the stories on Spark and write them as Parquet tables
    under --out (articles, stories, errors, terms, and run.json). `newsweave import OUT --db
    FILE` loads them into a database for show, serve, timeline and report.

    Inputs that cannot be read are counted and written to the errors table; the run goes on.
    Without --incremental, the tables under --out are replaced.
    """
    from newsweave.analysis.summarize import SummarySettings
    from newsweave.spark.digest import spark_digest
    from newsweave.spark.output import OutputError
    from newsweave.spark.session import start, under_spark_submit

    if incremental and not analyse:
        error(
            "--no-analyse writes stories a later run would keep unanalysed: not with --incremental"
        )
        raise typer.Exit(2)
    try:
        spark = start(master or (None if under_spark_submit() else "local[*]"))
    except RuntimeError as exc:
        error(str(exc))
        raise typer.Exit(2) from exc
    target = str(Path(out).resolve()) if "://" not in out and not out.startswith("file:") else out
    try:
        report = spark_digest(
            spark,
            inputs,
            target,
            partitions=partitions,
            incremental=incremental,
            summary_settings=SummarySettings(words=words),
            analyse=analyse,
        )
    except OutputError as exc:
        error(str(exc))
        raise typer.Exit(2) from exc
    finally:
        spark.stop()
    for message in report.messages:
        warning(message)
    print_table(
        "seconds per step",
        ["step", "seconds"],
        [[step, f"{seconds:.1f}"] for step, seconds in report.seconds.items()],
    )
    if report.errors:
        errors.print(f"{report.errors} inputs could not be read: see the errors table")
    say(
        f"read {report.read} documents from {report.files} files: {report.added} articles "
        f"added ({report.duplicates} duplicates, {report.copies} near-copies), "
        f"{report.articles} in all, in {report.stories} stories ({report.analysed} analysed "
        f"in this run); tables in {target}"
    )
    if not report.articles and not report.read:
        error("nothing was read: check the input paths")
        raise typer.Exit(1)
