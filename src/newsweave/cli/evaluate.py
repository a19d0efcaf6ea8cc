"""`newsweave eval`: newsweave against baselines on public datasets.

The harnesses (`newsweave.evaluate`) and what they compare against (sumy, rouge-score, tilse,
textacy, scikit-learn) are imported inside each command, so that only running one loads them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newsweave.cli.common import (
    JsonOption,
    console,
    error,
    errors,
    print_table,
    progress_bar,
    warning,
)

if TYPE_CHECKING:
    from newsweave.evaluate.datasets import Cluster
    from newsweave.evaluate.disagreements import Case

app = typer.Typer(
    help="Measure newsweave against baselines on public datasets.", no_args_is_help=True
)

SUMMARY_SYSTEMS = ("newsweave", "lead", "lexrank", "textrank", "lsa", "sumbasic", "oracle")
"""`newsweave.evaluate.summarize.SYSTEMS`, spelled out for the --systems default so that the
help does not import the harness (a test checks that the two agree)."""

UPDATE_SYSTEMS = ("newsweave", "newsweave-unaware", "lexrank", "lead")
"""`newsweave.evaluate.update.SYSTEMS`, spelled out for the same reason."""

DatasetArgument = Annotated[Path, typer.Argument(help="The dataset: a file, or a folder (t17).")]
DatasetOption = Annotated[
    str, typer.Option(help="Format: multinews (CSV), clusters (JSONL) or t17 (a folder).")
]


def load_clusters(dataset: str, path: Path) -> list[Cluster]:
    """The clusters of a dataset file; one that cannot be read ends the command (status 2)."""
    from newsweave.evaluate.datasets import DatasetError, load_dataset

    try:
        return load_dataset(dataset, path)
    except DatasetError as exc:
        error(str(exc))
        raise typer.Exit(2) from exc


def load_cases(dataset: str, path: Path, limit: int | None) -> list[Case]:
    """The clusters to analyse as stories: Timeline17 per-day groups, or a cluster file's
    clusters; one that cannot be read ends the command (status 2)."""
    from newsweave.evaluate.datasets import DatasetError
    from newsweave.evaluate.disagreements import multinews_cases, t17_cases

    if dataset != "t17":
        return multinews_cases(load_clusters(dataset, path)[:limit], dataset)
    try:
        return t17_cases(path)[:limit]
    except DatasetError as exc:
        error(str(exc))
        raise typer.Exit(2) from exc


def print_eval(title: str, header: list[str], rows: list[list[str]], as_json: dict | None) -> None:
    """The report as JSON when `as_json` holds it, else as a table."""
    if as_json is not None:
        console.print_json(data=as_json)
        return
    print_table(title, header, rows)


@app.command("summarize")
def eval_summarize(
    path: DatasetArgument,
    dataset: DatasetOption = "multinews",
    words: Annotated[
        int, typer.Option(min=10, help="Every summary is cut at this many words.")
    ] = 300,
    systems: Annotated[str, typer.Option(help="Comma-separated systems to run.")] = ",".join(
        SUMMARY_SYSTEMS
    ),
    save: Annotated[
        Path | None, typer.Option(help="Write every summary to DIR/<system>/<cluster>.txt.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N clusters.")] = None,
    focus: Annotated[
        str | None,
        typer.Option(help="One focus question for every cluster (default: each cluster's query)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """ROUGE of newsweave's summaries against lead, sumy's LexRank/TextRank/LSA/SumBasic and an oracle."""
    from newsweave.evaluate.summarize import SYSTEMS, evaluate_summaries

    clusters = load_clusters(dataset, path)[:limit]
    for cluster in clusters if focus else []:
        cluster.query = focus
    chosen = [s.strip() for s in systems.split(",") if s.strip()]
    unknown = set(chosen) - set(SYSTEMS)
    if unknown or "newsweave" not in chosen:
        error(f"systems must include newsweave and be among {', '.join(SYSTEMS)}")
        raise typer.Exit(2)
    with progress_bar() as bar:
        task = bar.add_task("summarising clusters", total=len(clusters))
        report = evaluate_summaries(
            clusters,
            words=words,
            systems=chosen,
            save=save,
            progress=lambda n: bar.advance(task, n),
        )
    title = f"ROUGE on {report.clusters} clusters of {path.name}, summaries cut at {words} words"
    print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)


@app.command("dates")
def eval_dates(
    directory: Annotated[Path, typer.Argument(help="A directory of TimeML (.tml) files.")],
    dataset: Annotated[str, typer.Option(help="Format: timeml.")] = "timeml",
    end_to_end: Annotated[
        bool,
        typer.Option(
            "--end-to-end",
            help="Also print the recognition + normalisation table: dates found in the raw "
            "text against the gold spans (always in the JSON).",
        ),
    ] = False,
    spacy: Annotated[
        bool,
        typer.Option(
            "--spacy",
            help="Recognise with spaCy's DATE entities too, end to end (implies --end-to-end).",
        ),
    ] = False,
    misses: Annotated[
        int,
        typer.Option(
            "--errors",
            min=0,
            help="Print N of newsweave's misses: text, gold value, prediction, creation time.",
        ),
    ] = 0,
    as_json: JsonOption = False,
) -> None:
    """Value accuracy of date normalisation (TempEval-3 TimeML) against plain dateparser."""
    if dataset != "timeml" or not directory.is_dir():
        error(f"{directory}: expected a directory of TimeML files (--dataset timeml)")
        raise typer.Exit(2)
    from newsweave.evaluate.dates import evaluate_dates

    nlp = None
    if spacy:
        from newsweave.nlp.entities import load_model

        nlp = load_model()
    report = evaluate_dates(directory, nlp=nlp)
    if report.total == 0:
        error(f"{directory}: no DATE TIMEX3 with a document creation time found")
        raise typer.Exit(2)
    wrong = [
        {"text": text, "gold": value, "predicted": predicted, "dct": dct}
        for text, value, dct, predicted in report.errors[:misses]
    ]
    if as_json:
        console.print_json(data=report.to_dict() | ({"misses": wrong} if misses else {}))
        return
    title = f"DATE value accuracy on {report.total} TIMEX3 of {directory}"
    print_table(title, report.header(), report.rows())
    if end_to_end or spacy:
        caption = "Recognition + normalisation"
        print_table(caption, report.end_to_end_header(), report.end_to_end_rows())
    for miss in wrong:
        console.print(
            f"{miss['text']!r}: gold {miss['gold']}, got {miss['predicted']} (DCT {miss['dct']})",
            markup=False,
        )


@app.command("quotes")
def eval_quotes(
    directory: Annotated[
        Path, typer.Argument(help="PolNeAR data: a folder with text/ and attributions/.")
    ],
    dataset: Annotated[str, typer.Option(help="Format: polnear.")] = "polnear",
    limit: Annotated[int | None, typer.Option(help="Only the first N texts.")] = None,
    paragraph_breaks: Annotated[
        bool,
        typer.Option(
            help="Start a sentence at each line break of the shared parse, as newsweave's quote "
            "stage runs; --no-paragraph-breaks scores spaCy's plain parse."
        ),
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Quote detection and speaker attribution (PolNeAR) against textacy's direct_quotations."""
    if dataset != "polnear" or not directory.is_dir():
        error(f"{directory}: expected PolNeAR's layout (--dataset polnear)")
        raise typer.Exit(2)
    from newsweave.evaluate.quotes import evaluate_quotes

    try:
        report = evaluate_quotes(directory, limit=limit, paragraph_breaks=paragraph_breaks)
    except (FileNotFoundError, ValueError) as exc:
        error(str(exc))
        raise typer.Exit(2) from exc
    title = f"Quotes and speakers on {report.documents} PolNeAR texts of {directory}"
    print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)


@app.command("cluster")
def eval_cluster(
    path: DatasetArgument,
    dataset: DatasetOption = "multinews",
    bare: Annotated[bool, typer.Option(help="Drop titles and dates before clustering.")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the shuffle.")] = 13,
    save: Annotated[
        Path | None,
        typer.Option(help="Write the assignment as JSONL: cluster, doc, story (and storyline)."),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            help="embedded, or spark: also the Spark job (local mode, the spark extra), "
            "scored and compared with the embedded engine's stories."
        ),
    ] = "embedded",
    master: Annotated[str, typer.Option(help="Spark master for --engine spark.")] = "local[2]",
    storylines: Annotated[
        bool,
        typer.Option(
            help="Also analyse the stories, link storylines and score them against the "
            'matters (t17: a topic; clusters JSONL: each cluster\'s "storyline"); slow.'
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """B-cubed and pairwise scores of story clustering against a set's clusters, with a tuned
    scikit-learn agglomerative baseline; with --storylines, of storylines too."""
    from newsweave.evaluate.cluster import evaluate_clustering

    if engine not in ("embedded", "spark"):
        error(f"--engine: {engine!r} is neither embedded nor spark")
        raise typer.Exit(2)
    clusters = load_clusters(dataset, path)
    report = evaluate_clustering(
        clusters, seed=seed, bare=bare, save=save, engine=engine, master=master,
        storylines=storylines,
    )  # fmt: skip
    title = f"Story clustering of {report.documents} documents from {report.clusters} clusters of {path.name}"
    if report.baseline_threshold is not None:
        title += f" (baseline threshold {report.baseline_threshold})"
    print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)


@app.command("timeline")
def eval_timeline(
    directory: Annotated[
        Path, typer.Argument(help="Timeline17 layout: topic folders with articles.json.")
    ],
    dataset: Annotated[str, typer.Option(help="Format: t17.")] = "t17",
    limit: Annotated[int | None, typer.Option(help="Only the first N topics.")] = None,
    folds: Annotated[
        bool,
        typer.Option(
            "--folds",
            help="Leave-one-topic-out cross-validation: date rankers fitted on the other topics.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Timeline summarisation (tilse alignment ROUGE, date F1) against DATEWISE, CLUST and a
    publication-count baseline, news-tls's protocol; `--folds` adds a per-fold table."""
    from newsweave.evaluate.datasets import DatasetError
    from newsweave.evaluate.timeline import evaluate_timelines

    if dataset != "t17":
        error(f"unknown timeline dataset {dataset!r}; known: t17")
        raise typer.Exit(2)
    try:
        report = evaluate_timelines(
            directory,
            limit=limit,
            folds=folds,
            progress=lambda name: errors.print(f"done {name}"),
        )
    except DatasetError as exc:
        error(str(exc))
        raise typer.Exit(2) from exc
    if report.rouge_skipped:
        warning(f"ROUGE skipped: {report.rouge_skipped}")
    title = f"Timelines of {len(report.topics)} topics of {directory}"
    if folds and not as_json:
        print_table(
            f"Held-out folders, {len(report.folds)} leave-one-topic-out folds",
            report.fold_header(),
            report.fold_rows(),
        )
        title += ", each scored by rankers fitted without its topic"
    print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)


@app.command("update")
def eval_update(
    directory: Annotated[
        Path, typer.Argument(help="Timeline17 layout: topic folders with articles.json.")
    ],
    dataset: Annotated[str, typer.Option(help="Format: t17.")] = "t17",
    systems: Annotated[str, typer.Option(help="Comma-separated systems to run.")] = ",".join(
        UPDATE_SYSTEMS
    ),
    max_articles: Annotated[
        int, typer.Option(min=1, help="At most this many of a day's articles (by id).")
    ] = 12,
    limit: Annotated[int | None, typer.Option(help="Only the first N dates.")] = None,
    as_json: JsonOption = False,
) -> None:
    """ROUGE of update summaries (each day's articles, the earlier days' as already read)
    against Timeline17's daily entries, with sumy's LexRank and lead in the same run."""
    from newsweave.evaluate.datasets import DatasetError
    from newsweave.evaluate.update import SYSTEMS, evaluate_updates, t17_update_items

    if dataset != "t17":
        error(f"unknown update dataset {dataset!r}; known: t17")
        raise typer.Exit(2)
    chosen = [s.strip() for s in systems.split(",") if s.strip()]
    if set(chosen) - set(SYSTEMS) or "newsweave" not in chosen:
        error(f"systems must include newsweave and be among {', '.join(SYSTEMS)}")
        raise typer.Exit(2)
    try:
        items = t17_update_items(directory, max_articles=max_articles)[:limit]
    except DatasetError as exc:
        error(str(exc))
        raise typer.Exit(2) from exc
    with progress_bar() as bar:
        task = bar.add_task("summarising days", total=len(items))
        report = evaluate_updates(items, systems=chosen, progress=lambda n: bar.advance(task, n))
    title = (
        f"Update summaries of {len(report.items)} dates of {len(set(report.topics))} topics "
        f"of {directory}, cut at each gold entry's length"
    )
    print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)


@app.command("disagreements")
def eval_disagreements(
    path: Annotated[
        Path, typer.Argument(help="The dataset: a file (multinews, clusters) or a folder (t17).")
    ],
    dataset: Annotated[
        str, typer.Option(help="Format: multinews (CSV), clusters (JSONL) or t17 (per-day groups).")
    ] = "multinews",
    limit: Annotated[int | None, typer.Option(help="Only the first N clusters.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the injected conflicts.")] = 13,
    per_cluster: Annotated[
        int, typer.Option(min=1, help="Conflicts injected per cluster, one at a time.")
    ] = 1,
    out: Annotated[
        Path | None,
        typer.Option(help="Write every disagreement of the untouched clusters as JSONL to label."),
    ] = None,
    labelled: Annotated[
        Path | None,
        typer.Option(help="A labelled JSONL of disagreements (judgement: real or false)."),
    ] = Path("bench/data/disagreements_labelled.jsonl"),
    as_json: JsonOption = False,
) -> None:
    """Recall of injected conflicts (a figure or weekday changed in one outlet's sentence) and
    the disagreements reported on untouched clusters, with the share judged false."""
    import json

    from newsweave.evaluate.disagreements import (
        evaluate_disagreements,
    )

    cases = load_cases(dataset, path, limit)
    if labelled is not None and not labelled.is_file():
        warning(f"{labelled}: no labelled sample; judged false not measured")
        labelled = None
    with progress_bar() as bar:
        task = bar.add_task("analysing clusters", total=len(cases))
        report = evaluate_disagreements(
            cases,
            seed=seed,
            per_cluster=per_cluster,
            labelled=labelled,
            progress=lambda n: bar.advance(task, n),
        )
    for failure in report.failed:
        warning(f"analysis failed: {failure}")
    if out is not None:
        with out.open("w", encoding="utf-8") as handle:
            for line in report.reported:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    title = f"Disagreements on {report.clusters} clusters of {path.name}"
    if limit is not None:
        title += f" (--limit {limit})"
    print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)


@app.command("facts")
def eval_facts(
    path: Annotated[
        Path, typer.Argument(help="The dataset: a file (multinews, clusters) or a folder (t17).")
    ],
    dataset: Annotated[
        str, typer.Option(help="Format: multinews (CSV), clusters (JSONL) or t17 (per-day groups).")
    ] = "multinews",
    limit: Annotated[int | None, typer.Option(help="Only the first N clusters.")] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write the supports not judged yet as JSONL, to judge."),
    ] = None,
    sample: Annotated[
        int | None,
        typer.Option(min=1, help="With --out, write only N of them, drawn across clusters."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the --sample draw.")] = 13,
    labelled: Annotated[
        Path | None,
        typer.Option(help="A JSONL of judged supports (judgement: right or wrong)."),
    ] = Path("bench/data/facts_labelled.jsonl"),
    as_json: JsonOption = False,
) -> None:
    """Fact precision: of the outlets each fact counts as its sources, the share whose
    sentence was judged to state the fact, with facts per cluster beside it."""
    import json

    from newsweave.evaluate.facts import LabelError, evaluate_facts, t17_as_sources
    from newsweave.evaluate.facts import sample as draw

    cases = load_cases(dataset, path, limit)
    if dataset == "t17":
        cases = t17_as_sources(cases)
    if labelled is not None and not labelled.is_file():
        warning(f"{labelled}: no labelled supports; precision not measured")
        labelled = None
    with progress_bar() as bar:
        task = bar.add_task("analysing clusters", total=len(cases))
        try:
            report = evaluate_facts(
                cases, labelled=labelled, progress=lambda n: bar.advance(task, n)
            )
        except LabelError as exc:
            error(str(exc))
            raise typer.Exit(2) from exc
    for failure in report.failed:
        warning(f"analysis failed: {failure}")
    if out is not None:
        unjudged = report.unjudged()
        chosen = draw(unjudged, sample, seed) if sample else unjudged
        with out.open("w", encoding="utf-8") as handle:
            for support in chosen:
                handle.write(json.dumps(support.to_line(), ensure_ascii=False) + "\n")
    title = f"Fact supports on {report.clusters} clusters of {path.name}"
    if limit is not None:
        title += f" (--limit {limit})"
    print_eval(title, report.header(), report.rows(), report.to_dict() if as_json else None)
