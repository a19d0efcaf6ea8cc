"""Timeline summarisation against gold timelines (Timeline17), news-tls's protocol.

Per gold timeline: its length `l` is the number of gold dates, `k` the gold average of
sentences per date, and only articles published within the gold timeline's first..last date
are read; a topic with several gold timelines is scored on each. Systems: `newsweave`
(`timeline_summary`, its learned date ranker), `datewise` (news-tls's supervised date ranker
reimplemented, with newsweave's sentence choice), `clust` (`timeline_clust`), a `baseline`
(the `l` days with the most articles published, each summarised by the `k` sentences closest
to that day's centroid) and `oracle dates` (the gold dates with newsweave's sentence choice:
what better dates alone could reach). With `folds`, the learned rankers are refitted per
leave-one-topic-out fold (`timeline_folds`). Scores: tilse's alignment ROUGE-1 and ROUGE-2 with
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
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from newsweave.evaluate.datasets import DatasetError
from newsweave.evaluate.timeline_clust import clust_timeline
from newsweave.evaluate.timeline_dates import (
    DEFAULT_RANKERS,
    DateFeatures,
    DateRanker,
    date_features,
)
from newsweave.evaluate.timeline_folds import RankerExample, fit_rankers, topic_folds
from newsweave.evaluate.timeline_summary import (
    DatedSentence,
    SentenceSpace,
    Timeline,
    dated_sentences,
    detokenise,
    publication_baseline,
    sentence_space,
    summarise_dates,
)
from newsweave.model import Article, Sentence

SYSTEMS = ("newsweave", "datewise", "clust", "baseline", "oracle dates")
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
    """topic folder -> system -> one score dict per gold timeline."""
    seconds: dict[str, float] = field(default_factory=dict)
    rouge_skipped: str | None = None
    folds: dict[str, list[str]] = field(default_factory=dict)
    """With cross-validation: topic -> its folders, each scored by rankers fitted without it."""
    rankers: dict[str, dict[str, DateRanker]] = field(default_factory=dict)
    """The rankers used: per fold, or `all` (every topic of the run) / `default` (shipped)."""

    def overall(self, system: str) -> dict[str, float]:
        return summarise_scores([r for t in self.topics.values() for r in t[system]])

    def fold_scores(self, fold: str, system: str) -> dict[str, float]:
        return summarise_scores([r for t in self.folds[fold] for r in self.topics[t][system]])

    def folds_above(self, system: str, reference: str = "DATEWISE (published)") -> int:
        """Folds where the system beats the reference on all three measures."""
        bar = PUBLISHED[reference]
        return sum(
            all(self.fold_scores(fold, system).get(k, 0.0) > v for k, v in bar.items())
            for fold in self.folds
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {s: self.overall(s) for s in SYSTEMS}
        data["topics"] = {
            name: {s: summarise_scores(runs[s]) for s in SYSTEMS}
            | {"seconds": round(self.seconds.get(name, 0.0), 1)}
            for name, runs in self.topics.items()
        }
        if self.folds:
            data["folds"] = {
                fold: {"folders": folders} | {s: self.fold_scores(fold, s) for s in SYSTEMS}
                for fold, folders in self.folds.items()
            }
            data["folds_above_datewise_published"] = {s: self.folds_above(s) for s in SYSTEMS}
        data["rankers"] = {
            key: {name: asdict(r) for name, r in rankers.items()}
            for key, rankers in self.rankers.items()
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
            if self.folds and name in SYSTEMS and "ar1_f" in scores:
                name += f" ({self.folds_above(name)}/{len(self.folds)} folds above DATEWISE)"
            rows.append([name, *_cells(scores)])
        return rows

    @staticmethod
    def fold_header() -> list[str]:
        return ["held out", "system", "AR1-F", "AR2-F", "date F1"]

    def fold_rows(self) -> list[list[str]]:
        """Each held-out folder, and each fold of several folders, per system."""
        rows = []
        for fold, folders in self.folds.items():
            for folder in folders + ([f"{fold} (fold)"] if len(folders) > 1 else []):
                for system in SYSTEMS:
                    scores = (
                        summarise_scores(self.topics[folder][system])
                        if folder in self.topics
                        else self.fold_scores(fold, system)
                    )
                    rows.append([folder, system, *_cells(scores)])
        return rows


def _cells(scores: dict[str, float]) -> list[str]:
    return [f"{scores[k]:.3f}" if k in scores else "-" for k in _NAMES.values()]


@dataclass(slots=True)
class PreparedTimeline:
    """One gold timeline with its collection read once (the articles within its range, their
    dated sentences, date features and sentence space): every system and fold reuses it."""

    folder: str
    gold: Timeline
    articles: list[Article]
    sentences: list[DatedSentence]
    features: DateFeatures
    space: SentenceSpace | None

    @property
    def start(self) -> date:
        return min(self.gold)

    @property
    def end(self) -> date:
        return max(self.gold)

    @property
    def per_date(self) -> int:
        """news-tls's `k`: the gold's average sentences per date, rounded."""
        return max(1, round(statistics.fmean(len(v) for v in self.gold.values())))


def prepare(topic: Topic) -> list[PreparedTimeline]:
    """news-tls's protocol per gold timeline: only articles published within its range."""
    out = []
    for _, gold in topic.timelines:
        start, end = min(gold), max(gold)
        articles = [a for a in topic.articles if a.published and start <= a.published <= end]
        sentences = dated_sentences(articles)
        out.append(
            PreparedTimeline(
                topic.name,
                gold,
                articles,
                sentences,
                date_features(articles, sentences, start, end),
                sentence_space(articles, sentences),
            )
        )
    return out


def run_systems(p: PreparedTimeline, rankers: dict[str, DateRanker]) -> dict[str, Timeline]:
    """Every system's timeline, `len(gold)` dates of `per_date` sentences."""
    size, k = len(p.gold), p.per_date
    return {
        "newsweave": summarise_dates(p.space, rankers["newsweave"].rank(p.features), size, k),
        "datewise": summarise_dates(p.space, rankers["datewise"].rank(p.features), size, k),
        "clust": clust_timeline(p.articles, p.space, size, k, start=p.start, end=p.end),
        "baseline": publication_baseline(p.articles, size, k, start=p.start, end=p.end),
        "oracle dates": summarise_dates(p.space, sorted(p.gold), size, k),
    }


def evaluate_topic(
    prepared: Sequence[PreparedTimeline], rankers: dict[str, DateRanker], scorer: Scorer
) -> dict[str, list[dict[str, dict[str, float]]]]:
    runs: dict[str, list[dict[str, dict[str, float]]]] = {s: [] for s in SYSTEMS}
    for p in prepared:
        for system, predicted in run_systems(p, rankers).items():
            runs[system].append(scorer.score(predicted, p.gold))
    return runs


def evaluate_timelines(
    directory: Path,
    *,
    limit: int | None = None,
    rouge: bool = True,
    folds: bool = False,
    progress: Callable[[str], None] = lambda name: None,
) -> TimelineEvalReport:
    """Every system on every topic folder of `directory` (the first `limit`). With `folds`,
    leave-one-topic-out: each topic's folders are scored with date rankers fitted on the
    other topics; without, with the shipped rankers (`DEFAULT_RANKERS`)."""
    import time

    report = TimelineEvalReport()
    if rouge:
        report.rouge_skipped = rouge_unavailable()
    scorer = Scorer(rouge=rouge and report.rouge_skipped is None)
    prepared: dict[str, list[PreparedTimeline]] = {}
    for folder in t17_topics(directory)[:limit]:
        started = time.perf_counter()
        topic = load_t17_topic(folder)
        prepared[topic.name] = prepare(topic)
        report.seconds[topic.name] = time.perf_counter() - started
        if not folds:
            report.topics[topic.name] = evaluate_topic(
                prepared[topic.name], DEFAULT_RANKERS, scorer
            )
            report.seconds[topic.name] = time.perf_counter() - started
            progress(topic.name)
    if not folds:
        report.rankers["default"] = dict(DEFAULT_RANKERS)
        return report

    def examples(names: Sequence[str]) -> list[RankerExample]:
        return [
            RankerExample(p.folder, p.features, frozenset(p.gold))
            for name in names
            for p in prepared[name]
        ]

    report.folds = topic_folds(prepared)
    if len(report.folds) < 2:
        raise DatasetError(f"{directory}: cross-validation needs two topics or more")
    try:
        report.rankers["all"] = fit_rankers(examples(list(prepared)))
        for fold in report.folds:
            training = [n for n in prepared if n not in report.folds[fold]]
            report.rankers[fold] = fit_rankers(examples(training))
    except ValueError as exc:  # a fold whose other topics hold no non-gold date
        raise DatasetError(f"{directory}: {exc}") from exc
    for fold, held_out in report.folds.items():
        rankers = report.rankers[fold]
        for name in held_out:
            started = time.perf_counter()
            report.topics[name] = evaluate_topic(prepared[name], rankers, scorer)
            report.seconds[name] += time.perf_counter() - started
            progress(name)
    return report


__all__ = ["TimelineEvalReport", "evaluate_timelines", "load_t17_topic", "rouge_unavailable"]
