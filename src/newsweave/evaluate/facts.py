"""Fact precision: of the outlets a fact counts as its sources, how many really state it.

Each cluster (several articles about one event) is made a story and analysed as
`newsweave.app.pipeline.refresh_stories` does: languages identified, sentences and entities
annotated by a real `Annotator`, `make_story`, then `analyse_story` (quotes parsed too), so
that whatever the alignment reads is there. Every fact the story shows (two or more
independent sources) makes one SUPPORT per statement other than its representative one
(`Fact.text`): the claim "this outlet's sentence states the same fact". A person judges each
support `right` (the same event or claim about the same actors, figures compatible) or
`wrong`; the share judged right is the precision of the "N sources" a reader sees.

A support is keyed by its pair of texts, whitespace and Unicode forms normalised
(`support_key`): a label holds for as long as the alignment pairs the same two sentences, and a
pair it changes comes back unjudged. Facts per cluster and the share of clusters with any fact
are reported beside the precision, so that it cannot be bought by showing nothing. A labelled
file is JSONL, a support a line (`Support.to_line`: dataset, cluster, fact, sources, outlet,
text) with `judgement` ("right", "wrong", or "" while unjudged), `reason`, and for a wrong one
a `kind` of mistake, which only people read.

Clusters: Multi-News (outlets unknown: each article is its own source, as the pipeline counts
an unnamed one) and Timeline17 per-day groups (`disagreements.t17_cases`). A Timeline17 topic
is one outlet, whose articles would all be one source and show no fact: their outlet is left
unnamed, so that each article counts as a source as a Multi-News one does. What is measured is
whether the aligned sentences state the same thing; copied passages still count once.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsweave.app.pipeline import Annotator, RunReport, analyse_story, make_story
from newsweave.evaluate.disagreements import Case, share
from newsweave.model import Article, Fact
from newsweave.nlp.language import LanguageDetector

JUDGEMENTS = ("right", "wrong")

Key = tuple[str, str]


def normalised(text: str) -> str:
    """A text as keys compare it: NFKC, spacing collapsed (case and punctuation kept: they can
    change what a sentence says)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def support_key(fact: str, text: str) -> Key:
    """The key of a label: the fact's representative text and the supporting statement's."""
    return normalised(fact), normalised(text)


@dataclass(frozen=True, slots=True)
class Support:
    """One statement counted for a fact: its outlet's sentence said to state `fact`."""

    dataset: str
    cluster: str
    fact: str
    sources: int
    outlet: str
    text: str

    @property
    def key(self) -> Key:
        return support_key(self.fact, self.text)

    def to_line(self) -> dict[str, Any]:
        """The support as a JSONL line to judge."""
        return asdict(self) | {"judgement": "", "reason": ""}


def supports(fact: Fact, dataset: str = "", cluster: str = "") -> list[Support]:
    """The fact's statements other than its representative one (the first whose text is the
    fact's), each as a support of the fact."""
    out, skipped = [], False
    for statement in fact.statements:
        if not skipped and statement.text == fact.text:
            skipped = True
            continue
        out.append(
            Support(dataset, cluster, fact.text, fact.sources, statement.outlet, statement.text)
        )
    return out


class LabelError(ValueError):
    """A labelled file that cannot be read, with the file and line in the message."""


def read_labelled(path: Path) -> dict[Key, str]:
    """The judgements of a labelled JSONL file by support key; lines not judged yet (an empty
    `judgement`) are left out. A judgement other than right or wrong is an error, not a line
    silently skipped; two lines judging one pair differently are one too."""
    labels: dict[Key, str] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            judgement, key = line["judgement"], support_key(line["fact"], line["text"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise LabelError(f"{path}: line {n}: not a judged support ({exc})") from exc
        if not judgement:
            continue
        if judgement not in JUDGEMENTS:
            raise LabelError(f"{path}: line {n}: judgement {judgement!r} is not right or wrong")
        if labels.get(key, judgement) != judgement:
            raise LabelError(f"{path}: line {n}: the pair is judged both right and wrong")
        labels[key] = judgement
    return labels


def story_facts(
    articles: list[Article], annotator: Annotator, detector: LanguageDetector
) -> list[Fact]:
    """The facts a story of these articles shows, analysed as the pipeline analyses it."""
    detector.identify(articles)
    annotator.annotate(articles, RunReport(), entities=True)
    story = make_story(list(articles))
    analyse_story(story, annotator)
    return story.facts


def t17_as_sources(cases: Iterable[Case]) -> list[Case]:
    """Timeline17 cases with each article's outlet unnamed, so that each is its own source."""
    out = list(cases)
    for case in out:
        for article in case.articles:
            article.outlet = None
    return out


@dataclass
class Report:
    clusters: int = 0
    clusters_with_facts: int = 0
    facts: int = 0
    supports: list[Support] = field(default_factory=list)
    fact_keys: list[list[Key]] = field(default_factory=list)
    """Per fact shown, the keys of its supports."""
    labels: dict[Key, str] | None = None
    failed: list[str] = field(default_factory=list)

    def pairs(self) -> list[Support]:
        """The supports of this run, one per pair of texts: a pair met again (a passage that
        one outlet's updates repeat day after day) holds one judgement, counted once; each
        pair as first met."""
        first: dict[Key, Support] = {}
        for support in self.supports:
            first.setdefault(support.key, support)
        return list(first.values())

    def judged(self) -> list[str]:
        """The judgement of each pair of this run that has one."""
        labels = self.labels or {}
        return [labels[s.key] for s in self.pairs() if s.key in labels]

    def unjudged(self) -> list[Support]:
        """The pairs of this run that have no judgement."""
        labels = self.labels or {}
        return [s for s in self.pairs() if s.key not in labels]

    def to_dict(self) -> dict[str, Any]:
        judged = self.judged()
        right = judged.count("right")
        labels = self.labels or {}
        facts = {tuple(sorted(keys)) for keys in self.fact_keys}
        whole = [keys for keys in facts if all(k in labels for k in keys)]
        facts_right = sum(all(labels[k] == "right" for k in keys) for keys in whole)
        return {
            "clusters": self.clusters,
            "clusters_with_facts": self.clusters_with_facts,
            "facts": self.facts,
            "facts_per_cluster": self.facts / self.clusters if self.clusters else None,
            "supports": len(self.supports),
            "pairs": len(self.pairs()),
            "labelled": self.labels is not None,
            "pairs_labelled": len(judged),
            "judged_right": right,
            "judged_wrong": len(judged) - right,
            "right_share": right / len(judged) if judged else None,
            "unjudged": len(self.unjudged()),
            "facts_judged": len(whole),
            "facts_right": facts_right,
            "facts_right_share": facts_right / len(whole) if whole else None,
            "failed": self.failed,
        }

    @staticmethod
    def header() -> list[str]:
        return ["measure", "value"]

    def rows(self) -> list[list[str]]:
        d = self.to_dict()

        per_cluster = f"{d['facts_per_cluster']:.2f}" if d["clusters"] else "-"
        rows = [
            ["clusters", str(d["clusters"])],
            ["clusters with a fact", share(d["clusters_with_facts"], d["clusters"])],
            ["facts shown (2+ sources)", str(d["facts"])],
            ["facts per cluster", per_cluster],
            ["supports", str(d["supports"])],
            ["distinct pairs (fact, support)", str(d["pairs"])],
        ]
        if not d["labelled"]:
            return rows
        return [
            *rows,
            ["pairs labelled", str(d["pairs_labelled"])],
            ["judged right (share)", share(d["judged_right"], d["pairs_labelled"])],
            ["judged wrong", str(d["judged_wrong"])],
            ["unjudged pairs in this run", str(d["unjudged"])],
            [
                "facts with every support judged: all right",
                share(d["facts_right"], d["facts_judged"]),
            ],
        ]


def evaluate_facts(
    cases: Sequence[Case],
    *,
    labelled: Path | None = None,
    annotator: Annotator | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> Report:
    """Analyse every case with two or more articles and list the supports of its facts; with
    `labelled`, count the judgements of the supports met."""
    annotator = annotator or Annotator()
    detector = LanguageDetector()
    report = Report(labels=read_labelled(labelled) if labelled is not None else None)
    for case in cases:
        articles = [a for a in case.articles if a.sentences]
        if len(articles) < 2:
            progress(1)
            continue
        report.clusters += 1
        try:
            facts = story_facts(articles, annotator, detector)
        except Exception as exc:  # one cluster's failure must not cost the run
            report.failed.append(f"{case.id}: {type(exc).__name__}: {exc}")
            progress(1)
            continue
        report.facts += len(facts)
        report.clusters_with_facts += bool(facts)
        for fact in facts:
            found = supports(fact, case.dataset, case.id)
            report.supports += found
            report.fact_keys.append([s.key for s in found])
        progress(1)
    return report


def sample(found: Sequence[Support], n: int, seed: int = 13) -> list[Support]:
    """`n` supports drawn across clusters: the clusters in a seeded order, one support of each
    in turn (each cluster's in a seeded order too), so that no large cluster fills the sample;
    a pair met twice is drawn once."""
    rng = random.Random(seed)
    by_cluster: dict[tuple[str, str], list[Support]] = defaultdict(list)
    seen: set[Key] = set()
    for support in found:
        if support.key not in seen:
            seen.add(support.key)
            by_cluster[(support.dataset, support.cluster)].append(support)
    queues = [by_cluster[c] for c in sorted(by_cluster)]
    rng.shuffle(queues)
    for queue in queues:
        rng.shuffle(queue)
    out: list[Support] = []
    while len(out) < n and any(queues):
        for queue in queues:
            if queue and len(out) < n:
                out.append(queue.pop())
    return out
