"""Timeline summarisation against gold timelines (Timeline17), news-tls's protocol.

Per gold timeline: its length `l` is the number of gold dates, `k` the gold average of
sentences per date, and only articles published within the gold timeline's first..last date
are read. Systems: `newsweave` (`timeline_summary.summarise_timeline`) and a `baseline`,
the `l` days with the most articles published, each summarised by the `k` sentences closest
to that day's centroid. Scores: tilse's alignment ROUGE-1 and ROUGE-2 with
`align_date_content_costs_many_to_one` (Perl ROUGE-1.5.5), and date F1 (exact days). As in
news-tls, precision and recall are averaged over timelines and F1 taken from the averages.

The Timeline17 layout: one folder per topic with `articles.json` (`[{"uid", "dct",
"text"}]`, PTB-tokenised text) and one or more `*.timeline.json` (`[{"date", "text"}]`).
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from newsweave.evaluate.datasets import DatasetError
from newsweave.evaluate.timeline_summary import (
    Timeline,
    detokenise,
    publication_baseline,
    summarise_timeline,
)
from newsweave.model import Article, Sentence

SYSTEMS = ("newsweave", "baseline")
PUBLISHED = {  # news-tls (ACL 2020) Table 4, whole T17
    "DATEWISE (published)": {"ar1_f": 0.120, "ar2_f": 0.035, "date_f1": 0.544},
    "CLUST (published)": {"ar1_f": 0.082, "ar2_f": 0.020, "date_f1": 0.407},
}
# Sentence ends in (detokenised) PTB text: the tokeniser already split the punctuation off.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?P<close>[\"')\]]?)\s+(?=[\"'(\[]?[A-Z0-9])")


@dataclass(slots=True)
class Topic:
    name: str
    articles: list[Article]
    timelines: list[tuple[str, Timeline]]


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of detokenised PTB text: its tokeniser left clean boundaries, and pysbd is
    too slow for a corpus this size (about 50 k characters a second)."""
    sentences: list[Sentence] = []
    start = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.end("close") if match else len(text)
        piece = text[start:end].strip()
        if piece:
            offset = text.index(piece, start)
            sentences.append(Sentence(piece, offset, offset + len(piece), len(sentences)))
        start = match.end() if match else len(text)
    return sentences


def load_t17_topic(folder: Path) -> Topic:
    try:
        raw = json.loads((folder / "articles.json").read_text(encoding="utf-8"))
        articles: list[Article] = []
        for item in raw:
            text = detokenise(item["text"])
            articles.append(
                Article(
                    id=str(item.get("uid", len(articles))),
                    source=f"{folder.name}/{item.get('uid')}",
                    text=text,
                    published=date.fromisoformat(item["dct"][:10]) if item.get("dct") else None,
                    sentences=split_sentences(text),
                )
            )
        timelines = []
        for path in sorted(folder.glob("*.timeline.json")):
            gold: Timeline = {}
            for entry in json.loads(path.read_text(encoding="utf-8")):
                day = date.fromisoformat(entry["date"][:10])
                gold.setdefault(day, []).extend(
                    " ".join(s.text.split()) for s in split_sentences(entry["text"].strip())
                )
            timelines.append((path.name, gold))
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise DatasetError(f"{folder}: not a Timeline17 topic ({exc})") from exc
    if not timelines:
        raise DatasetError(f"{folder}: no *.timeline.json")
    return Topic(folder.name, articles, timelines)


def t17_topics(directory: Path) -> list[Path]:
    """Topic folders (those with an articles.json) of a Timeline17 directory, sorted."""
    if not directory.is_dir():
        raise DatasetError(f"{directory}: not a directory")
    folders = sorted(p.parent for p in directory.glob("*/articles.json"))
    if not folders:
        raise DatasetError(f"{directory}: no topic folder with an articles.json")
    return folders


def rouge_unavailable() -> str | None:
    """Why tilse's ROUGE cannot run here, or None when it can."""
    try:
        from tilse.evaluation import rouge
    except Exception as exc:  # tilse or its pyrouge/nltk imports missing
        return f"tilse is not importable ({type(exc).__name__}: {exc})"
    try:
        from tilse.data.timelines import GroundTruth
        from tilse.data.timelines import Timeline as TilseTimeline

        one = TilseTimeline({date(2000, 1, 1): ["a test sentence"]})
        rouge.TimelineRougeEvaluator(
            measures=["rouge_1"]
        ).evaluate_align_date_content_costs_many_to_one(one, GroundTruth([one]))
    except Exception as exc:  # Perl, XML::DOM or the WordNet db missing
        return f"tilse's Perl ROUGE does not run ({type(exc).__name__}: {exc})"
    return None


def date_scores(predicted: Timeline, gold: Timeline) -> dict[str, float]:
    shared = len(set(predicted) & set(gold))
    precision = shared / len(predicted) if predicted else 0.0
    recall = shared / len(gold) if gold else 0.0
    return {"precision": precision, "recall": recall}


class Scorer:
    """tilse's alignment ROUGE (loaded once), or date scores only with `rouge=False`."""

    def __init__(self, rouge: bool = True) -> None:
        self.evaluator = None
        if rouge:
            from tilse.evaluation import rouge as tilse_rouge

            self.evaluator = tilse_rouge.TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"])

    def score(self, predicted: Timeline, gold: Timeline) -> dict[str, dict[str, float]]:
        scores = {"date": date_scores(predicted, gold)}
        if self.evaluator is not None:
            from tilse.data.timelines import GroundTruth
            from tilse.data.timelines import Timeline as TilseTimeline

            if predicted:
                result = self.evaluator.evaluate_align_date_content_costs_many_to_one(
                    TilseTimeline(predicted), GroundTruth([TilseTimeline(gold)])
                )
            else:
                result = {m: {"precision": 0.0, "recall": 0.0} for m in ("rouge_1", "rouge_2")}
            for metric in ("rouge_1", "rouge_2"):
                scores[metric] = {k: result[metric][k] for k in ("precision", "recall")}
        return scores


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


_NAMES = {"rouge_1": "ar1_f", "rouge_2": "ar2_f", "date": "date_f1"}


def summarise_scores(runs: Sequence[dict[str, dict[str, float]]]) -> dict[str, float]:
    """F1 of the mean precision and mean recall over timelines, per metric (news-tls)."""
    out = {}
    for metric, name in _NAMES.items():
        if runs and metric in runs[0]:
            p = statistics.fmean(r[metric]["precision"] for r in runs)
            r = statistics.fmean(r[metric]["recall"] for r in runs)
            out[name] = round(_f1(p, r), 4)
    return out


@dataclass
class TimelineEvalReport:
    topics: dict[str, dict[str, list[dict[str, dict[str, float]]]]] = field(default_factory=dict)
    """topic -> system -> one score dict per gold timeline."""
    seconds: dict[str, float] = field(default_factory=dict)
    rouge_skipped: str | None = None

    def overall(self, system: str) -> dict[str, float]:
        return summarise_scores([r for t in self.topics.values() for r in t[system]])

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {s: self.overall(s) for s in SYSTEMS}
        data["topics"] = {
            name: {s: summarise_scores(runs[s]) for s in SYSTEMS}
            | {"seconds": round(self.seconds.get(name, 0.0), 1)}
            for name, runs in self.topics.items()
        }
        data["published"] = PUBLISHED
        if self.rouge_skipped:
            data["rouge_skipped"] = self.rouge_skipped
        return data

    @staticmethod
    def header() -> list[str]:
        return ["system", "AR1-F", "AR2-F", "date F1"]

    def rows(self) -> list[list[str]]:
        rows = []
        for name, scores in [(s, self.overall(s)) for s in SYSTEMS] + list(PUBLISHED.items()):
            rows.append(
                [name] + [f"{scores[k]:.3f}" if k in scores else "-" for k in _NAMES.values()]
            )
        return rows


def evaluate_topic(topic: Topic, scorer: Scorer) -> dict[str, list[dict[str, dict[str, float]]]]:
    runs: dict[str, list[dict[str, dict[str, float]]]] = {s: [] for s in SYSTEMS}
    for _, gold in topic.timelines:
        start, end = min(gold), max(gold)
        articles = [a for a in topic.articles if a.published and start <= a.published <= end]
        per_date = max(1, round(statistics.fmean(len(v) for v in gold.values())))
        systems: dict[str, Callable[..., Timeline]] = {
            "newsweave": summarise_timeline,
            "baseline": publication_baseline,
        }
        for system, run in systems.items():
            predicted = run(articles, len(gold), per_date, start=start, end=end)
            runs[system].append(scorer.score(predicted, gold))
    return runs


def evaluate_timelines(
    directory: Path,
    *,
    limit: int | None = None,
    rouge: bool = True,
    progress: Callable[[str], None] = lambda name: None,
) -> TimelineEvalReport:
    """Both systems on every topic folder of `directory` (the first `limit`)."""
    import time

    report = TimelineEvalReport()
    if rouge:
        report.rouge_skipped = rouge_unavailable()
    scorer = Scorer(rouge=rouge and report.rouge_skipped is None)
    for folder in t17_topics(directory)[:limit]:
        started = time.perf_counter()
        topic = load_t17_topic(folder)
        report.topics[topic.name] = evaluate_topic(topic, scorer)
        report.seconds[topic.name] = time.perf_counter() - started
        progress(topic.name)
    return report


__all__ = ["TimelineEvalReport", "evaluate_timelines", "load_t17_topic", "rouge_unavailable"]
