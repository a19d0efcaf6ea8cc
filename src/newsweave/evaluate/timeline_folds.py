"""Leave-one-topic-out folds for timeline summarisation, and the date rankers fitted on them.

Timeline17's folders are topic/outlet pairs (`bpoil_bbc`, `bpoil_guardian`): two outlets'
timelines of one topic share its events and dates, so a fold holds out every folder of a
topic, and whatever is learned (the date rankers' weights, their regularisation) is learned
from the other topics only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from newsweave.evaluate.timeline_dates import (
    DATEWISE_FEATURES,
    NEWSWEAVE_FEATURES,
    DateFeatures,
    DateRanker,
    choose_c,
    fit_date_ranker,
)


def topic_of(folder: str) -> str:
    """The topic of a Timeline17 folder name (`topic_outlet`): `bpoil_bbc` -> `bpoil`."""
    return folder.split("_", 1)[0]


def topic_folds(folders: Iterable[str]) -> dict[str, list[str]]:
    """Folders grouped by topic, topics and folders sorted."""
    folds: dict[str, list[str]] = {}
    for folder in sorted(folders):
        folds.setdefault(topic_of(folder), []).append(folder)
    return dict(sorted(folds.items()))


@dataclass(frozen=True, slots=True)
class RankerExample:
    """One gold timeline's candidate dates and its gold dates, from folder `folder`."""

    folder: str
    features: DateFeatures
    gold: frozenset[date]


def fit_rankers(examples: Sequence[RankerExample]) -> dict[str, DateRanker]:
    """The two learned date rankers from `examples`: newsweave's (its features, its
    regularisation chosen by leave-one-topic-out date F1 within `examples`) and DATEWISE's
    (news-tls's mention counts, column L2 scaling, default regularisation)."""
    grouped = [(topic_of(e.folder), e.features, set(e.gold)) for e in examples]
    pairs = [(table, gold) for _, table, gold in grouped]
    c = choose_c(grouped, features=NEWSWEAVE_FEATURES, scaling="log-max")
    return {
        "newsweave": fit_date_ranker(pairs, features=NEWSWEAVE_FEATURES, scaling="log-max", c=c),
        "datewise": fit_date_ranker(pairs, features=DATEWISE_FEATURES, scaling="l2", c=1.0),
    }
