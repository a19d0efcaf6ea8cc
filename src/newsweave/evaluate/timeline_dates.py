"""Which dates a timeline should hold: per-date counts and a ranker learned from gold timelines.

After DATEWISE (Gholipour Ghalandari & Ifrim 2020): a date's features are how often the
collection refers to it (sentences and articles, split by whether the referring article was
published before or after it) and how many articles were published on it or the next day.
Counts are scaled within the collection (`log1p`, then divided by the collection's largest
value), so that a small and a large collection give comparable rows, and a logistic regression
trained on other topics' gold dates turns a row into a score. Nothing in the features names a
topic; the learned weights are the only thing fitted, and cross-validation
(`timeline_folds.py`) fits them on the other topics only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

import numpy as np

from newsweave.model import Article

FEATURES = (
    "docs_total",
    "docs_before",
    "docs_after",
    "sents_total",
    "sents_before",
    "sents_after",
    "published",
    "published_next",
    "all_sents_total",
    "all_sents_before",
    "all_sents_after",
)
"""`before`/`after`: mentions by articles published before/after the date (a date referred
to from later days is an event remembered, from earlier days one announced). `sents_*` count
at most `per_article` sentences of an article, `all_sents_*` every one."""
NEWSWEAVE_FEATURES = FEATURES[:8]
DATEWISE_FEATURES = FEATURES[:3] + FEATURES[8:]
"""news-tls's supervised ranker: mention counts only (its publication count is never set)."""


@dataclass(slots=True)
class DateFeatures:
    """Raw counts per candidate date (rows follow `dates`, columns `FEATURES`)."""

    dates: list[date]
    counts: np.ndarray


class MentioningSentence(Protocol):
    """A sentence as date features read it (`timeline_summary.DatedSentence`)."""

    article: int
    mentions: frozenset[date]


def date_features(
    articles: Sequence[Article],
    sentences: Iterable[MentioningSentence],
    start: date | None = None,
    end: date | None = None,
    *,
    per_article: int = 2,
) -> DateFeatures:
    """Counts for every date within `start`..`end` that is mentioned or published on.
    `sentences` carry `article` (an index into `articles`) and `mentions` (days). An article
    adds at most `per_article` sentences to a date's sentence counts: a radio listing that
    says "today" thirty times is one article, not thirty reports."""
    stats: dict[date, Counter[str]] = defaultdict(Counter)
    per_pair: Counter[tuple[date, int]] = Counter()
    for s in sentences:
        published = articles[s.article].published
        for d in s.mentions:
            side = "before" if published and published < d else "after"
            if published == d:
                side = ""
            per_pair[d, s.article] += 1
            stats[d]["all_sents_total"] += 1
            if side:
                stats[d][f"all_sents_{side}"] += 1
            if per_pair[d, s.article] == 1:
                stats[d]["docs_total"] += 1
                if side:
                    stats[d][f"docs_{side}"] += 1
            if per_pair[d, s.article] <= per_article:
                stats[d]["sents_total"] += 1
                if side:
                    stats[d][f"sents_{side}"] += 1
    for a in articles:
        if a.published:
            stats[a.published]["published"] += 1
            stats[a.published - timedelta(days=1)]["published_next"] += 1
    dates = sorted(d for d in stats if (start is None or d >= start) and (end is None or d <= end))
    counts = np.array([[stats[d][f] for f in FEATURES] for d in dates], dtype=float)
    return DateFeatures(dates, counts.reshape(len(dates), len(FEATURES)))


def scale(counts: np.ndarray, how: str = "log-max") -> np.ndarray:
    """Counts made comparable across collections: `log-max` (log1p, then divided by each
    column's largest value), `l2` (each column to unit length, as news-tls) or `raw`."""
    if how == "raw":
        return counts
    if how == "l2":
        norms = np.linalg.norm(counts, axis=0)
        return counts / np.where(norms > 0, norms, 1.0)
    logged = np.log1p(counts)
    peaks = logged.max(axis=0) if len(logged) else np.ones(counts.shape[1])
    return logged / np.where(peaks > 0, peaks, 1.0)


@dataclass(frozen=True, slots=True)
class DateRanker:
    """A linear score over scaled date features (a fitted logistic regression)."""

    weights: tuple[float, ...]
    bias: float = 0.0
    features: tuple[str, ...] = NEWSWEAVE_FEATURES
    scaling: str = "log-max"

    def scores(self, table: DateFeatures) -> np.ndarray:
        columns = [FEATURES.index(f) for f in self.features]
        x = scale(table.counts, self.scaling)[:, columns] if len(table.dates) else table.counts
        return x @ np.asarray(self.weights) + self.bias if len(table.dates) else np.zeros(0)

    def rank(self, table: DateFeatures) -> list[date]:
        """Dates best first (ties: earlier first)."""
        scores = self.scores(table)
        order = sorted(range(len(table.dates)), key=lambda i: (-scores[i], table.dates[i]))
        return [table.dates[i] for i in order]


def fit_date_ranker(
    examples: Sequence[tuple[DateFeatures, set[date]]],
    *,
    features: tuple[str, ...] = NEWSWEAVE_FEATURES,
    scaling: str = "log-max",
    c: float = 1.0,
) -> DateRanker:
    """A logistic regression telling gold dates from the other candidates of each example
    (one per gold timeline: its collection's features and its dates)."""
    from sklearn.linear_model import LogisticRegression

    columns = [FEATURES.index(f) for f in features]
    xs: list[Any] = []
    ys: list[int] = []
    for table, gold in examples:
        if table.dates:
            xs.append(scale(table.counts, scaling)[:, columns])
            ys.extend(d in gold for d in table.dates)
    if not xs or len(set(ys)) < 2:
        raise ValueError("a date ranker needs gold and non-gold dates to learn from")
    model = LogisticRegression(C=c, max_iter=1000).fit(np.vstack(xs), np.array(ys))
    return DateRanker(
        tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]), features, scaling
    )


def date_f1(predicted: Sequence[date], gold: set[date]) -> tuple[float, float]:
    """Precision and recall of predicted dates (exact days)."""
    shared = len(set(predicted) & gold)
    return (shared / len(predicted) if predicted else 0.0), (shared / len(gold) if gold else 0.0)


def choose_c(
    examples: Sequence[tuple[str, DateFeatures, set[date]]],
    *,
    features: tuple[str, ...] = NEWSWEAVE_FEATURES,
    scaling: str = "log-max",
    grid: Sequence[float] = (0.1, 1.0, 10.0),
) -> float:
    """The regularisation that ranks dates best when each group of `examples` (group, table,
    gold dates) is held out in turn, by date F1 of the top `len(gold)` dates: chosen without
    ROUGE, on whatever examples it is given (the training folds only, in cross-validation)."""
    groups = sorted({g for g, _, _ in examples})
    if len(groups) < 2:
        return grid[len(grid) // 2]
    best, best_f1 = grid[0], -1.0
    for c in grid:
        precisions, recalls = [], []
        for held in groups:
            train = [(t, gold) for g, t, gold in examples if g != held]
            try:
                ranker = fit_date_ranker(train, features=features, scaling=scaling, c=c)
            except ValueError:
                continue
            for g, table, gold in examples:
                if g == held:
                    p, r = date_f1(ranker.rank(table)[: len(gold)], gold)
                    precisions.append(p)
                    recalls.append(r)
        if precisions:
            p, r = float(np.mean(precisions)), float(np.mean(recalls))
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            if f1 > best_f1 + 1e-9:
                best, best_f1 = c, f1
    return best


DEFAULT_RANKER = DateRanker(
    weights=(0.563, -0.016, 0.379, 0.486, -0.03, 0.23, 1.365, 0.493), bias=-1.894
)
"""newsweave's ranker fitted on all eight Timeline17 dev folders (C=0.1, chosen by
leave-one-topic-out date F1): `newsweave eval timeline --folds --json` prints it under
`rankers.all`, and each fold's own fit, learned without the fold's topic, beside it."""
DATEWISE_RANKER = DateRanker(
    weights=(2.899, 1.525, 2.045, 1.869, 0.71, 1.594),
    bias=-1.226,
    features=DATEWISE_FEATURES,
    scaling="l2",
)
"""The DATEWISE reimplementation's ranker, fitted the same way (C=1)."""
DEFAULT_RANKERS = {"newsweave": DEFAULT_RANKER, "datewise": DATEWISE_RANKER}
