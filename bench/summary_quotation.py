"""What the summariser's quotation bonus does on two styles of human reference.

    .venv/bin/python bench/summary_quotation.py ../shared/data/multinews250/sample_test.csv \
        ../shared/data/t17-dev

newsweave gives sentences carrying a direct quotation a score bonus (`quotation_weight`).
Multi-News's newser.com references quote often; Timeline17's daily entries never do. A bonus
that only fitted one house style would help the first and cost on the second, so both are
scored here, with the bonus, without it, and against sumy's LexRank and lead in the same run:

- Multi-News: every cluster, summaries cut at 300 words, also split into the even and odd
  clusters (by position in the CSV) to show the change is not carried by a few clusters;
- Timeline17 daily clusters: for each reference timeline date, the topic's articles published
  that day or the next (at least two, at most 12 by id), summarised to the length of that date's
  reference entry (20-100 words) and scored against it.

ROUGE is rouge-score's F1 with Porter stemming, x100, as in `newsweave eval summarize`.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rouge_score import rouge_scorer

from newsweave.analysis.summarize import SummarySettings, summarize
from newsweave.evaluate.datasets import load_dataset
from newsweave.evaluate.summarize import cluster_articles, cut, lead_system, sumy_system
from newsweave.evaluate.timeline import load_t17_topic, t17_topics
from newsweave.model import Article, Story
from newsweave.nlp.sentences import SentenceSplitter

Summariser = Callable[[list[Article], int], list[str]]
Item = tuple[list[Article], list[str], int]  # articles, reference sentences, word budget


def multinews_items(path: Path) -> list[Item]:
    splitter = SentenceSplitter()
    items = []
    for cluster in load_dataset("multinews", path):
        items.append((cluster_articles(cluster, splitter), list(cluster.references), 300))
    return items


def t17_daily_items(directory: Path) -> list[Item]:
    items = []
    for folder in t17_topics(directory):
        topic = load_t17_topic(folder)
        by_day: dict = {}
        for article in topic.articles:
            if article.published:
                by_day.setdefault(article.published, []).append(article)
        for _name, gold in topic.timelines:
            for day, sentences in sorted(gold.items()):
                articles = by_day.get(day, []) + by_day.get(day + timedelta(days=1), [])
                if len(articles) < 2:
                    continue
                articles = sorted(articles, key=lambda a: a.id)[:12]
                words = max(20, min(100, sum(len(s.split()) for s in sentences)))
                items.append((articles, sentences, words))
    return items


def newsweave(settings: SummarySettings) -> Summariser:
    def run(articles: list[Article], words: int) -> list[str]:
        story = Story(id="bench", articles=articles)
        return [s.text for s in summarize(story, replace(settings, words=words))]

    return run


def score(items: list[Item], system: Summariser) -> dict[str, list[float]]:
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    out: dict[str, list[float]] = {"rouge1": [], "rouge2": []}
    for articles, references, words in items:
        summary = cut(system(articles, words), words) if articles else []
        scores = scorer.score("\n".join(references), "\n".join(summary))
        for metric, values in out.items():
            values.append(scores[metric].fmeasure)
    return out


def mean(values: list[float]) -> str:
    return f"{100 * statistics.fmean(values):.2f}" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("multinews", type=Path, help="Multi-News CSV")
    parser.add_argument("t17", type=Path, help="Timeline17 directory")
    args = parser.parse_args()

    default = SummarySettings()
    lexrank = sumy_system("lexrank")
    systems: dict[str, Summariser] = {
        f"newsweave (quotation weight {default.quotation_weight})": newsweave(default),
        "newsweave (quotation weight 0)": newsweave(replace(default, quotation_weight=0.0)),
        "sumy LexRank": lambda articles, words: lexrank(articles, words, None, []),
        "lead": lambda articles, words: lead_system(articles, words, None, []),
    }
    datasets = {"multinews": multinews_items(args.multinews), "t17": t17_daily_items(args.t17)}
    table = Table(
        title=(
            f"{len(datasets['multinews'])} Multi-News clusters, "
            f"{len(datasets['t17'])} Timeline17 daily clusters"
        )
    )
    for column in (
        "system",
        "Multi-News R-1",
        "R-2",
        "R-2 even",
        "R-2 odd",
        "Timeline17 daily R-1",
        "R-2",
    ):
        table.add_column(column, justify="left" if column == "system" else "right")
    for name, system in systems.items():
        multinews = score(datasets["multinews"], system)
        t17 = score(datasets["t17"], system)
        table.add_row(
            name,
            mean(multinews["rouge1"]),
            mean(multinews["rouge2"]),
            mean(multinews["rouge2"][0::2]),
            mean(multinews["rouge2"][1::2]),
            mean(t17["rouge1"]),
            mean(t17["rouge2"]),
        )
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
