"""Commands that look after the database itself: `check` (and `--repair`), `export`.

The clustering stage is imported inside `check --repair`, which clusters the articles the
repair left waiting, so that `newsweave --help` does not load it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newsweave.cli.common import DbOption, error, errors, open_existing_db, say

if TYPE_CHECKING:
    from newsweave.store import Finding


def _print_findings(findings: list[Finding]) -> None:
    for finding in findings:
        examples = f" (e.g. {', '.join(finding.examples)})" if finding.examples else ""
        cannot = "" if finding.repairable else " [cannot be repaired]"
        say(f"{finding.what}: {finding.count}{examples}{cannot}")


def check(
    db: DbOption = Path("newsweave.db"),
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Set right what is found (one transaction), then cluster the articles it "
            "left waiting.",
        ),
    ] = False,
) -> None:
    """Check that the database agrees with itself: every article in exactly one story (or
    waiting to be clustered), story counts, dates and outlets those of their articles, index
    rows pointing at stored articles, the search indexes in step, the file sound. Prints what
    is wrong and exits with status 1 if anything is (with --repair: anything left)."""
    with open_existing_db(db) as store:
        findings = store.check()
        if not findings:
            say(f"{db}: consistent ({store.article_count()} articles)")
            return
        _print_findings(findings)
        if not repair:
            error(f"{db}: {len(findings)} kind(s) of inconsistency; --repair sets them right")
            raise typer.Exit(1)
        from newsweave.cluster.incremental import cluster_pending

        store.repair()
        steps = cluster_pending(store)
        say(
            f"repaired; clustered {sum(s.clustered for s in steps)} waiting articles "
            "(the stories they changed are summarised by the next ingest or digest)"
        )
        left = store.check()
        if left:
            _print_findings(left)
            error(f"{db}: {len(left)} kind(s) of inconsistency left after the repair")
            raise typer.Exit(1)
        say(f"{db}: consistent ({store.article_count()} articles)")


def export(
    out: Annotated[Path, typer.Argument(help="The JSONL file to write ('-': standard output).")],
    db: DbOption = Path("newsweave.db"),
) -> None:
    """Write every stored article and its metadata as JSONL, a line per article in the
    order they were stored; `newsweave ingest OUT.jsonl` reads it back into any database."""
    from newsweave.app.export import export_articles

    with open_existing_db(db) as store:
        if str(out) == "-":
            count = export_articles(store, sys.stdout)
            sys.stdout.flush()
            errors.print(f"exported {count} articles")
            return
        # a temporary file renamed at the end: an interrupted export leaves no half file
        partial = out.with_name(out.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8") as handle:
                count = export_articles(store, handle)
            os.replace(partial, out)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            error(f"{out}: cannot write ({exc.strerror or exc})")
            raise typer.Exit(2) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    say(f"exported {count} articles to {out}")
