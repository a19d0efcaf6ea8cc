"""Update summaries: what a day's articles add to what the reader has already read, scored
against Timeline17's daily entries.

Items: for every date of a gold timeline, the day's articles are those published on it or on
the day after (a day's events are often first reported under the next day's date), at most
`max_articles` of them (by id, so the set is fixed); the articles already read are every
article of the topic published before that date. A date counts when it has both. The
reference is the gold entry for the date, written by the outlet about that day alone; every
summary is cut at the entry's length in words (at least `min_words`).

Systems, same items, same sentences, same cut:
- `newsweave`: the update summary, the earlier articles passed as `known`;
- `newsweave-unaware`: the same summariser on the day's articles, not told what was read
  (what the update machinery adds over a plain summary);
- `lexrank` (sumy) and `lead` (the first sentences of the day's first article), which summarise
  the day's articles alone, as a reader without an update summariser would.

Scores: rouge-score ROUGE-1/2 (Porter stemming, x100), means over all items and over topics
(each topic weighs the same, whatever its number of dates).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from newsweave.evaluate.summarize import (
    Summariser,
    cut,
    lead_system,
    newsweave_system,
    sumy_system,
)
from newsweave.evaluate.timeline import load_t17_topic, t17_topics
from newsweave.model import Article

SYSTEMS = ("newsweave", "newsweave-unaware", "lexrank", "lead")
METRICS = ("rouge1_f", "rouge2_f", "rouge2_r")


@dataclass(slots=True)
class UpdateItem:
    id: str  # topic/date
    topic: str
    articles: list[Article]
    known: list[Article]
    references: list[str]
    words: int


def t17_update_items(
    directory: Path, *, max_articles: int = 12, min_words: int = 20
) -> list[UpdateItem]:
    """The update items of every topic folder of a Timeline17 directory."""
    items = []
    for folder in t17_topics(directory):
        topic = load_t17_topic(folder)
        by_day: dict[date, list[Article]] = {}
        for article in topic.articles:
            if article.published:
                by_day.setdefault(article.published, []).append(article)
        for _name, gold in topic.timelines:
            for day, reference in sorted(gold.items()):
                new = by_day.get(day, []) + by_day.get(day + timedelta(days=1), [])
                new = sorted(new, key=lambda a: a.id)[:max_articles]
                known = [a for d, group in sorted(by_day.items()) if d < day for a in group]
                if not new or not known:
                    continue
                words = max(min_words, sum(len(s.split()) for s in reference))
                items.append(
                    UpdateItem(f"{topic.name}/{day}", topic.name, new, known, reference, words)
                )
    return items


def _unaware(
    articles: list[Article], words: int, query: str | None, known: list[Article]
) -> list[str]:
    return newsweave_system(articles, words, query, [])


@dataclass
class UpdateEvalReport:
    items: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)  # each item's topic
    scores: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def mean(self, system: str, metric: str) -> float:
        values = self.scores[system][metric]
        return 100 * statistics.fmean(values) if values else 0.0

    def topic_mean(self, system: str, metric: str) -> float:
        """The mean over topics of each topic's mean: a topic with many dates counts once."""
        values = self.scores[system][metric]
        per_topic = [
            statistics.fmean(v for v, t in zip(values, self.topics, strict=True) if t == topic)
            for topic in dict.fromkeys(self.topics)
        ]
        return 100 * statistics.fmean(per_topic) if per_topic else 0.0

    @staticmethod
    def header() -> list[str]:
        return ["system", "R-1 F", "R-2 F", "R-2 R", "R-2 F by topic", "newsweave/system R-2 F"]

    def rows(self) -> list[list[str]]:
        rows = []
        ours = self.mean("newsweave", "rouge2_f")
        for system in self.scores:
            theirs = self.mean(system, "rouge2_f")
            rows.append(
                [system]
                + [f"{self.mean(system, m):.2f}" for m in METRICS]
                + [f"{self.topic_mean(system, 'rouge2_f'):.2f}"]
                + [f"{ours / theirs:.3f}" if theirs else "-"]
            )
        return rows

    def to_dict(self) -> dict:
        return {
            "items": len(self.items),
            "topics": len(set(self.topics)),
            "systems": {
                system: {m: round(self.mean(system, m), 3) for m in METRICS}
                | {"rouge2_f_by_topic": round(self.topic_mean(system, "rouge2_f"), 3)}
                for system in self.scores
            },
        }


def evaluate_updates(
    items: Sequence[UpdateItem],
    *,
    systems: Sequence[str] = SYSTEMS,
    progress: Callable[[int], None] = lambda n: None,
) -> UpdateEvalReport:
    """Every system on every item, scored against the item's gold entry."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    runners: dict[str, Summariser] = {
        "newsweave": newsweave_system,
        "newsweave-unaware": _unaware,
        "lead": lead_system,
    }
    if "lexrank" in systems:
        runners["lexrank"] = sumy_system("lexrank")
    report = UpdateEvalReport()
    report.scores = {s: {m: [] for m in METRICS} for s in systems}
    for item in items:
        report.items.append(item.id)
        report.topics.append(item.topic)
        reference = "\n".join(item.references)
        for system in systems:
            summary = cut(runners[system](item.articles, item.words, None, item.known), item.words)
            scores = scorer.score(reference, "\n".join(summary))
            report.scores[system]["rouge1_f"].append(scores["rouge1"].fmeasure)
            report.scores[system]["rouge2_f"].append(scores["rouge2"].fmeasure)
            report.scores[system]["rouge2_r"].append(scores["rouge2"].recall)
        progress(1)
    return report


__all__ = ["SYSTEMS", "UpdateEvalReport", "UpdateItem", "evaluate_updates", "t17_update_items"]
