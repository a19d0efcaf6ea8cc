"""Disagreements between outlets: how many real conflicts the analysis finds, and how many it
reports that are not conflicts.

Each cluster (several articles about one event) is made a story and analysed as
`newsweave.app.pipeline` does (`make_story`, `analyse_story`). Two measures:

- Recall on injected conflicts. In the untouched story, a sentence of one article that
  states a figure (a number with its unit or the noun after it: "12 killed", "$3 billion",
  "40 percent") or a weekday is chosen (seeded) among those aligned, in one of the analysis's
  facts, with a sentence of another article that states the same figure with the same unit,
  or the same weekday: both say the same thing with the same value. The value is changed in
  that one sentence only (a figure scaled by 1.5 or raised by 2, a weekday moved to another
  day) and the story analysed again; the injection is found when a reported disagreement
  involves the changed sentence. A partner is near-verbatim when the closest one is (word-level
  `difflib` ratio at least `NEAR_VERBATIM`: a wire copy, a lightly edited reprint), else a
  paraphrase; paraphrases are preferred when choosing, and the two are counted apart.
  Candidates come from the analysis's own alignment, so a conflict between sentences it never
  aligned is not counted as missed, and one worded with another unit ("12 died" against "12
  people were killed") is not made: recall here is of the comparison inside facts.
- Disagreements on untouched clusters. Every disagreement the analysis reports on a cluster
  as it is goes to a JSONL file with an empty `judgement`, for a person to label `real` or
  `false`; a labelled file gives the share judged false (the precision of what a reader sees).

Clusters: Multi-News (several outlets, no publication dates) and Timeline17 per-day groups.
A Timeline17 topic is one outlet, so a day's group is several articles of the same outlet,
often updates of one report through the day: they are labelled with that outlet (the analysis
compares them all the same, as it would two of one outlet's articles in a story), and running
totals that grow between updates show up there as disagreements.

Entities and quotes play no part in disagreements, so the stories are analysed with an
annotator that splits sentences only (`SentencesOnly`): parsing every article twice for quotes
would cost most of the run and change no figure here.
"""

from __future__ import annotations

import difflib
import json
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from newsweave.analysis.crossref import Alignment, AlignSettings, align
from newsweave.app.pipeline import Annotator, Parsed, analyse_story, make_story
from newsweave.evaluate.datasets import Cluster
from newsweave.model import Article, Disagreement, Sentence, article_id
from newsweave.nlp.language import analysed

NEAR_VERBATIM = 0.8
"""Word-level similarity (`difflib` ratio) from which a partner counts as near-verbatim."""

FIGURE = re.compile(
    r"(?<![\w.,:/$£€-])(?P<currency>[$£€])?(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?![\d:/])(?:(?P<scale>\s*(?:%|percent\b|per cent\b|million\b|billion\b|thousand\b))"
    r"|(?=\s+(?P<word>[a-z][a-z-]+)\b))"
)
"""A number stated with a unit or a noun: "$3 billion", "40 percent", "12 killed"."""

WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_YEAR = re.compile(r"(1[89]|20)\d\d")
_NOT_UNITS = {"a", "an", "and", "or", "to", "in", "on", "at", "of", "by", "for", "the", "am", "pm"}


class SentencesOnly(Annotator):
    """The pipeline's annotator without the quote parse: disagreements read neither."""

    def parse(self, articles: list[Article]) -> dict[str, Parsed]:
        return {}


@dataclass(slots=True)
class Case:
    """A cluster to analyse: its articles, prepared and split into sentences."""

    dataset: str
    id: str
    articles: list[Article]


def multinews_cases(clusters: Iterable[Cluster], dataset: str = "multinews") -> list[Case]:
    """Each cluster's documents as ingest prepares them (`summarize.cluster_articles`)."""
    from newsweave.evaluate.summarize import cluster_articles
    from newsweave.nlp.sentences import SentenceSplitter

    splitter = SentenceSplitter()
    return [Case(dataset, c.id, cluster_articles(c, splitter)) for c in clusters]


def t17_cases(directory: Path) -> list[Case]:
    """Per Timeline17 topic, each day on which two or more articles were published; every
    article labelled with the topic's outlet (the folder name's last part)."""
    from newsweave.evaluate.timeline import load_t17_topic, t17_topics

    cases = []
    for folder in t17_topics(directory):
        topic = load_t17_topic(folder)
        outlet = folder.name.rsplit("_", 1)[-1]
        days: dict[str, list[Article]] = defaultdict(list)
        for article in topic.articles:
            if article.published:
                article.outlet = outlet
                days[article.published.isoformat()].append(article)
        for day, articles in sorted(days.items()):
            if len(articles) >= 2:
                cases.append(Case("t17", f"{topic.name}/{day}", articles))
    return cases


# ---- injection ----


@dataclass(slots=True)
class Candidate:
    """A value in one sentence that a sentence of another article, aligned with it, repeats."""

    article: Article
    sentence: Sentence
    start: int  # offsets of the value in the sentence's text
    end: int
    kind: str  # "figure" or "weekday"
    value: str
    partner: str  # the partner sentence
    near_verbatim: bool
    similarity: float  # the analysis's TF-IDF cosine of the two sentences


def figures(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, number, unit) of each figure in `text`; the unit is the scale ("million",
    "percent") or the word after the number, with any currency sign. Years and times of day
    are not figures."""
    out = []
    for match in FIGURE.finditer(text):
        number, word = match.group("number"), match.group("word")
        scale = " ".join((match.group("scale") or "").split()).replace("%", "percent")
        bare = not match.group("currency") and not scale
        if bare and (_YEAR.fullmatch(number) or word in _NOT_UNITS):
            continue
        unit = (match.group("currency") or "") + (scale or word or "")
        out.append((match.start("number"), match.end("number"), number, unit))
    return out


_DAY_WORDS = {"On", "By", "Until", "Since", "Last", "Next", "This", "From", "Before", "After"}


def weekdays(text: str) -> list[tuple[int, int, str]]:
    """(start, end, day) of each weekday of `text` that dates something: not one in a name
    ("Black Friday", "Saturday Night Live")."""
    out = []
    for match in WEEKDAY.finditer(text):
        before = text[: match.start()].split()
        after = text[match.end() :]
        named = before and before[-1][:1].isupper() and before[-1][-1:].isalpha()
        if named and before[-1] not in _DAY_WORDS:
            continue
        if re.match(r" [A-Z]", after):
            continue
        out.append((match.start(), match.end(), match.group()))
    return out


def values(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) of each figure and weekday of `text`; a figure's value is
    compared with its unit ("12 boys"), so that "25 agencies" is not "25 percent"."""
    found = [(s, e, "figure", f"{v} {u}") for s, e, v, u in figures(text)]
    found += [(s, e, "weekday", v) for s, e, v in weekdays(text)]
    return sorted(found)


def word_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower().split(), b.lower().split()).ratio()


def candidates(articles: Sequence[Article], alignment: Alignment) -> list[Candidate]:
    """Every value of an aligned sentence that another article's sentence in its fact states
    too (the same number, or the same weekday)."""
    units = alignment.units
    sentences = {(a.id, s.index): s for a in articles for s in a.sentences}
    out = []
    for group in alignment.groups:
        for k in group:
            unit = units[k]
            sentence = sentences[(unit.article.id, unit.index)]
            for start, end, kind, value in values(sentence.text):
                partners = [
                    j
                    for j in group
                    if units[j].article.id != unit.article.id
                    and value in {v for _, _, kd, v in values(units[j].text) if kd == kind}
                ]
                if not partners:
                    continue
                # the closest partner: a conflict with a near copy is the easiest to see
                j = max(partners, key=lambda p: word_similarity(unit.text, units[p].text))
                near = word_similarity(unit.text, units[j].text) >= NEAR_VERBATIM
                similarity = round(float(alignment.sims[k, j]), 3)
                out.append(
                    Candidate(
                        unit.article,
                        sentence,
                        start,
                        end,
                        kind,
                        sentence.text[start:end],
                        units[j].text,
                        near,
                        similarity,
                    )
                )
    return out


def changed_value(kind: str, raw: str, rng: random.Random) -> str:
    """Another value of the same kind ("figure" or "weekday"), written the same way."""
    if kind == "weekday":
        return rng.choice([d for d in WEEKDAYS if d != raw])
    decimals = len(raw.partition(".")[2])
    number = float(raw.replace(",", ""))
    new = round(number * 1.5, decimals) if number >= 4 else number + 2
    if round(new, decimals) == number:
        new = number + 1
    text = f"{new:,.{decimals}f}" if "," in raw else f"{new:.{decimals}f}"
    return text


def inject(candidate: Candidate, new: str) -> tuple[Article, Sentence]:
    """A copy of the candidate's article with the value changed in that sentence only; its
    sentences keep their boundaries (later ones shifted), and its id is that of the new text."""
    article, sentence = candidate.article, candidate.sentence
    at = sentence.start + candidate.start
    if article.text[at : sentence.start + candidate.end] != candidate.value:
        raise ValueError(f"sentence offsets do not match the text of {article.id}")
    text = article.text[:at] + new + article.text[sentence.start + candidate.end :]
    delta = len(new) - len(candidate.value)
    sentences = []
    for s in article.sentences:
        if s.index == sentence.index:
            edited = s.text[: candidate.start] + new + s.text[candidate.end :]
            sentences.append(Sentence(edited, s.start, s.end + delta, s.index))
        elif s.start > sentence.start:
            sentences.append(Sentence(s.text, s.start + delta, s.end + delta, s.index))
        else:
            sentences.append(s)
    edited_article = replace(article, id=article_id(text), text=text, sentences=sentences)
    return edited_article, sentences[[s.index for s in sentences].index(sentence.index)]


# ---- running ----


def _signature(d: Disagreement, ids: dict[str, str] | None = None) -> tuple:
    ids = ids or {}
    return (
        d.about,
        tuple(sorted((ids.get(v.article_id, v.article_id), v.text, v.value) for v in d.versions)),
    )


def disagreements_of(articles: list[Article], annotator: Annotator) -> list[Disagreement]:
    story = make_story(list(articles))
    analyse_story(story, annotator)
    return story.disagreements


def involves(d: Disagreement, article: Article, sentence: Sentence) -> bool:
    text = " ".join(sentence.text.split())
    return any(v.article_id == article.id and v.text == text for v in d.versions)


@dataclass(slots=True)
class Injection:
    case: str
    kind: str
    old: str
    new: str
    sentence: str
    partner: str
    near_verbatim: bool
    similarity: float
    similarity_after: float | None
    """The cosine of the changed sentence and its partner, and whether they still share a
    fact, after the change: a changed number is a new word to TF-IDF."""
    same_fact_after: bool
    found: bool
    found_as: list[str]
    others: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    clusters: int = 0
    injections: list[Injection] = field(default_factory=list)
    reported: list[dict[str, Any]] = field(default_factory=list)
    clusters_with_disagreements: int = 0
    labelled: int = 0
    judged_false: int = 0
    labelled_here: int = 0
    failed: list[str] = field(default_factory=list)

    def _found(self, near: bool | None = None) -> tuple[int, int]:
        chosen = [i for i in self.injections if near is None or i.near_verbatim == near]
        return sum(i.found for i in chosen), len(chosen)

    def to_dict(self) -> dict[str, Any]:
        found, made = self._found()
        para, para_made = self._found(False)
        near, near_made = self._found(True)
        missed = [i for i in self.injections if not i.found]
        threshold = AlignSettings().conflict_threshold
        return {
            "clusters": self.clusters,
            "injections": made,
            "found": found,
            "recall": found / made if made else None,
            "paraphrase_injections": para_made,
            "paraphrase_found": para,
            "near_verbatim_injections": near_made,
            "near_verbatim_found": near,
            "other_disagreements_after_injection": sum(i.others for i in self.injections),
            "untouched_disagreements": len(self.reported),
            "clusters_with_disagreements": self.clusters_with_disagreements,
            "labelled": self.labelled,
            "labelled_in_this_run": self.labelled_here,
            "judged_false": self.judged_false,
            "false_share": self.judged_false / self.labelled if self.labelled else None,
            "failed": self.failed,
            "misses_not_in_one_fact_after": sum(not i.same_fact_after for i in missed),
            "misses_below_conflict_threshold_after": sum(
                (i.similarity_after or 0.0) < threshold for i in missed
            ),
            "misses_below_conflict_threshold_before": sum(i.similarity < threshold for i in missed),
            "misses": [i.to_dict() for i in self.injections if not i.found],
        }

    @staticmethod
    def header() -> list[str]:
        return ["measure", "value"]

    def rows(self) -> list[list[str]]:
        d = self.to_dict()

        def share(n: int, of: int) -> str:
            return f"{n}/{of} ({n / of:.0%})" if of else "-"

        return [
            ["clusters", str(d["clusters"])],
            ["injections", str(d["injections"])],
            ["found (recall)", share(d["found"], d["injections"])],
            ["found, paraphrase partner", share(d["paraphrase_found"], d["paraphrase_injections"])],
            [
                "found, near-verbatim partner",
                share(d["near_verbatim_found"], d["near_verbatim_injections"]),
            ],
            [
                "other new disagreements after injection",
                str(d["other_disagreements_after_injection"]),
            ],
            ["disagreements on untouched clusters", str(d["untouched_disagreements"])],
            ["untouched clusters with a disagreement", str(d["clusters_with_disagreements"])],
            ["labelled (sample file)", str(d["labelled"])],
            ["judged false (share)", share(d["judged_false"], d["labelled"])],
        ]


def record(case: Case, d: Disagreement) -> dict[str, Any]:
    """One reported disagreement as a line to label: `judgement` is "real" or "false"."""
    return {
        "dataset": case.dataset,
        "cluster": case.id,
        "about": d.about,
        "kind": d.kind,
        "versions": [
            {"outlet": v.outlet, "article_id": v.article_id, "value": v.value, "text": v.text}
            for v in d.versions
        ],
        "judgement": "",
        "note": "",
    }


def record_key(line: dict[str, Any]) -> tuple:
    return (
        line["dataset"],
        line["cluster"],
        line["about"],
        tuple(sorted(v["text"] for v in line["versions"])),
    )


def read_labelled(path: Path) -> list[dict[str, Any]]:
    """The labelled lines of a JSONL file of disagreements (those with a judgement)."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [line for line in lines if line.get("judgement") in ("real", "false")]


def evaluate_disagreements(
    cases: Sequence[Case],
    *,
    seed: int = 13,
    per_cluster: int = 1,
    labelled: Path | None = None,
    annotator: Annotator | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> Report:
    """Analyse every case untouched, then with `per_cluster` injected conflicts, one at a
    time; the choice of sentence and new value is seeded by `seed` and the case's id."""
    annotator = annotator or SentencesOnly()
    report = Report()
    for case in cases:
        articles = [a for a in case.articles if a.sentences]
        if len(articles) < 2:
            progress(1)
            continue
        report.clusters += 1
        try:
            base = disagreements_of(articles, annotator)
        except Exception as exc:  # one cluster's failure must not cost the run
            report.failed.append(f"{case.id}: {type(exc).__name__}: {exc}")
            progress(1)
            continue
        report.reported += [record(case, d) for d in base]
        report.clusters_with_disagreements += bool(base)
        rng = random.Random(f"{seed}/{case.dataset}/{case.id}")
        found = candidates(articles, align(analysed(articles)))
        # prefer partners worded differently; of one sentence, one value at most
        by_sentence: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
        for c in found:
            by_sentence[(c.article.id, c.sentence.index)].append(c)
        picks = [rng.choice(cs) for _, cs in sorted(by_sentence.items())]
        rng.shuffle(picks)
        picks.sort(key=lambda c: c.near_verbatim)
        for candidate in picks[:per_cluster]:
            new = changed_value(candidate.kind, candidate.value, rng)
            report.injections.append(injected(case, articles, candidate, new, base, annotator))
        progress(1)
    if labelled is not None:
        judged = read_labelled(labelled)
        report.labelled = len(judged)
        report.judged_false = sum(line["judgement"] == "false" for line in judged)
        here = {record_key(line) for line in report.reported}
        report.labelled_here = sum(record_key(line) in here for line in judged)
    return report


def injected(
    case: Case,
    articles: list[Article],
    candidate: Candidate,
    new: str,
    base: list[Disagreement],
    annotator: Annotator,
) -> Injection:
    """Analyse the case with `new` in place of the candidate's value; `base` holds the
    disagreements of the untouched case, so that only new ones count as others."""
    edited, sentence = inject(candidate, new)
    story = [edited if a.id == candidate.article.id else a for a in articles]
    after = disagreements_of(story, annotator)
    hits = [d for d in after if involves(d, edited, sentence)]
    before = {_signature(d) for d in base}
    ids = {edited.id: candidate.article.id}
    others = [d for d in after if d not in hits and _signature(d, ids) not in before]
    similarity_after, same_fact = _after(story, edited, sentence, candidate.partner)
    return Injection(
        case=case.id,
        kind=candidate.kind,
        old=candidate.value,
        new=new,
        sentence=" ".join(candidate.sentence.text.split()),
        partner=candidate.partner,
        near_verbatim=candidate.near_verbatim,
        similarity=candidate.similarity,
        similarity_after=similarity_after,
        same_fact_after=same_fact,
        found=bool(hits),
        found_as=[d.about for d in hits],
        others=len(others),
    )


def _after(
    articles: list[Article], edited: Article, sentence: Sentence, partner: str
) -> tuple[float | None, bool]:
    alignment = align(analysed(articles))
    text = " ".join(sentence.text.split())
    mine = [k for k, u in enumerate(alignment.units) if u.article is edited and u.text == text]
    theirs = [
        k for k, u in enumerate(alignment.units) if u.article is not edited and u.text == partner
    ]
    if not mine or not theirs:
        return None, False
    i, j = mine[0], theirs[0]
    same = any(i in group and j in group for group in alignment.groups)
    return round(float(alignment.sims[i, j]), 3), same
