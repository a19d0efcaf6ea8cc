"""Disagreements between outlets: how many real conflicts the analysis finds, and how many it
reports that are not conflicts.

Each cluster (several articles about one event) is made a story and analysed as
`newsweave.app.pipeline` does (`make_story`, `analyse_story`). Two measures:

- Recall on injected conflicts. In the untouched story, a sentence of one article that
  states a figure (a number with its unit or the noun after it: "12 killed", "$3 billion",
  "40 percent") or a weekday is chosen (seeded) where a sentence of another article states the
  same value in other words: the same figure with the same unit word, or the same weekday, and
  at least `PARTNER_WORDS` content words in common (lower-case words of three letters or more,
  not stop words, days, months or numbers), `PARTNER_SHARE` of the shorter sentence's. The
  partner is chosen by these words alone, not by newsweave's alignment. The value is changed in
  that one sentence (a figure scaled by 1.5 or raised by 2, a weekday moved to another day) and
  the story analysed again; the injection is found when a reported conflict involves the
  changed sentence. A partner is near-verbatim when the closest one is (word-level `difflib`
  ratio at least `NEAR_VERBATIM`: a wire copy, a lightly edited reprint), else a paraphrase;
  paraphrases are preferred when choosing, and the two are counted apart.
- Reports on untouched clusters. Every conflict and every evolution the analysis reports on a
  cluster as it is goes to a JSONL file with an empty `judgement`, for a person to label `real`
  or `false`; a labelled file gives the share judged false, conflicts and evolutions apart.

Clusters: Multi-News (several outlets, no publication dates) and Timeline17 per-day groups.
A Timeline17 topic is one outlet, so a day's group is several articles of the same outlet,
updates of one report through the day. The analysis reads one outlet's differing figures as its
updates (an evolution), never as a conflict, and compares no weekday or date within one outlet;
there an injected figure is found when it is reported as an update (`found_as` "evolution").

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

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newsweave.app.pipeline import Annotator, Parsed, analyse_story, make_story
from newsweave.evaluate.datasets import Cluster
from newsweave.model import Article, Disagreement, Evolution, Sentence, article_id

NEAR_VERBATIM = 0.8
"""Word-level similarity (`difflib` ratio) from which a partner counts as near-verbatim."""
PARTNER_WORDS = 4
PARTNER_SHARE = 0.4
"""Content words a partner shares with the changed sentence, at least, in number and as a share
of the shorter one's: a sentence stating the same value about the same thing."""

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


def share(n: int, of: int) -> str:
    """ "3/10 (30%)" for a table cell; "-" where there is nothing to count."""
    return f"{n}/{of} ({n / of:.0%})" if of else "-"


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
    """A value in one sentence that a sentence of another article states too, about the same
    thing in its own words (`partners`)."""

    article: Article
    sentence: Sentence
    start: int  # offsets of the value in the sentence's text
    end: int
    kind: str  # "figure" or "weekday"
    value: str
    partner: str  # the partner sentence
    near_verbatim: bool
    shared: int  # content words the two sentences have in common


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


_CALENDAR = {d.lower() for d in WEEKDAYS} | {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
}  # fmt: skip


def content_words(text: str) -> set[str]:
    """Lower-case words of three letters or more, not stop words, days or months."""
    words = re.findall(r"[a-z]{3,}", text.lower())
    return {w for w in words if w not in ENGLISH_STOP_WORDS and w not in _CALENDAR}


def partners(text: str, other: str) -> bool:
    """Whether `other` says what `text` says: enough content words in common."""
    mine, theirs = content_words(text), content_words(other)
    shared = len(mine & theirs)
    return shared >= PARTNER_WORDS and shared >= PARTNER_SHARE * min(len(mine), len(theirs))


def candidates(articles: Sequence[Article], min_words: int = 6) -> list[Candidate]:
    """Every value of a sentence that a sentence of another article states too, the same value
    with the same unit (or the same weekday), in a sentence that `partners` it."""
    sentences = [
        (a, s, " ".join(s.text.split()))
        for a in articles
        for s in a.sentences
        if len(s.text.split()) >= min_words
    ]
    stated = [{(kind, v) for _, _, kind, v in values(text)} for _, _, text in sentences]
    out = []
    for article, sentence, text in sentences:
        for start, end, kind, value in values(sentence.text):
            found = [
                other
                for j, (b, _, other) in enumerate(sentences)
                if b.id != article.id
                and other != text
                and (kind, value) in stated[j]
                and partners(text, other)
            ]
            if not found:
                continue
            # the closest partner: a conflict with a near copy is the easiest to see
            partner = max(found, key=lambda p: word_similarity(text, p))
            out.append(
                Candidate(
                    article,
                    sentence,
                    start,
                    end,
                    kind,
                    sentence.text[start:end],
                    partner,
                    word_similarity(text, partner) >= NEAR_VERBATIM,
                    len(content_words(text) & content_words(partner)),
                )
            )
    return out


_AT_LEAST = re.compile(r"(?:at least|more than|over|upwards of|in excess of)\s*[$£€]?$", re.I)


def changed_value(kind: str, raw: str, rng: random.Random, *, lower: bool = False) -> str:
    """Another value of the same kind ("figure" or "weekday"), written the same way; a figure
    lower where `lower` (one stated as "at least" or "more than" a number is not contradicted
    by a higher one)."""
    if kind == "weekday":
        return rng.choice([d for d in WEEKDAYS if d != raw])
    decimals = len(raw.partition(".")[2])
    number = float(raw.replace(",", ""))
    if lower:
        new = round(number / 2, decimals) if number >= 4 else max(number - 2, 0)
    else:
        new = round(number * 1.5, decimals) if number >= 4 else number + 2
    if round(new, decimals) == number:
        new = number + 1
    text = f"{new:,.{decimals}f}" if "," in raw else f"{new:.{decimals}f}"
    return text


def floor_stated(candidate: Candidate) -> bool:
    """Whether the value is stated as a floor ("at least 150", "more than 150") in the
    changed sentence or its partner."""
    head = candidate.sentence.text[: candidate.start]
    at = candidate.partner.find(candidate.value)
    return bool(_AT_LEAST.search(head) or (at > 0 and _AT_LEAST.search(candidate.partner[:at])))


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


Result = Disagreement | Evolution


def _signature(d: Result, ids: dict[str, str] | None = None) -> tuple:
    ids = ids or {}
    return (
        type(d).__name__,
        d.about,
        tuple(sorted((ids.get(v.article_id, v.article_id), v.text, v.value) for v in d.versions)),
    )


def results_of(articles: list[Article], annotator: Annotator) -> list[Result]:
    """The conflicts, then the evolutions, the analysis reports on a story of `articles`."""
    story = make_story(list(articles))
    analyse_story(story, annotator)
    return [*story.disagreements, *story.evolutions]


def disagreements_of(articles: list[Article], annotator: Annotator) -> list[Disagreement]:
    return [d for d in results_of(articles, annotator) if isinstance(d, Disagreement)]


def involves(d: Result, article: Article, sentence: Sentence) -> bool:
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
    shared: int
    found: bool
    found_as: list[str]  # "conflict: day of the week", "evolution: number (people killed)"
    others: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    clusters: int = 0
    injections: list[Injection] = field(default_factory=list)
    reported: list[dict[str, Any]] = field(default_factory=list)
    clusters_with_disagreements: int = 0
    labelled: list[dict[str, Any]] = field(default_factory=list)
    labelled_here: int = 0
    failed: list[str] = field(default_factory=list)

    def _found(self, near: bool | None = None, kind: str | None = None) -> tuple[int, int]:
        chosen = [
            i
            for i in self.injections
            if (near is None or i.near_verbatim == near) and (kind is None or i.kind == kind)
        ]
        return sum(i.found for i in chosen), len(chosen)

    def _judged(self, result: str) -> tuple[int, int]:
        lines = [line for line in self.labelled if line.get("result", "conflict") == result]
        return sum(line["judgement"] == "false" for line in lines), len(lines)

    def to_dict(self) -> dict[str, Any]:
        found, made = self._found()
        para, para_made = self._found(False)
        near, near_made = self._found(True)
        fig, fig_made = self._found(kind="figure")
        day, day_made = self._found(kind="weekday")
        false_conflicts, conflicts = self._judged("conflict")
        false_evolutions, evolutions = self._judged("evolution")
        return {
            "clusters": self.clusters,
            "injections": made,
            "found": found,
            "recall": found / made if made else None,
            "found_as_update": sum(
                i.found and all(f.startswith("evolution") for f in i.found_as)
                for i in self.injections
            ),
            "paraphrase_injections": para_made,
            "paraphrase_found": para,
            "near_verbatim_injections": near_made,
            "near_verbatim_found": near,
            "figure_injections": fig_made,
            "figure_found": fig,
            "weekday_injections": day_made,
            "weekday_found": day,
            "other_results_after_injection": sum(i.others for i in self.injections),
            "untouched_conflicts": sum(r["result"] == "conflict" for r in self.reported),
            "untouched_evolutions": sum(r["result"] == "evolution" for r in self.reported),
            "clusters_with_disagreements": self.clusters_with_disagreements,
            "labelled_conflicts": conflicts,
            "judged_false_conflicts": false_conflicts,
            "labelled_evolutions": evolutions,
            "judged_false_evolutions": false_evolutions,
            "labelled_in_this_run": self.labelled_here,
            "failed": self.failed,
            "misses": [i.to_dict() for i in self.injections if not i.found],
        }

    @staticmethod
    def header() -> list[str]:
        return ["measure", "value"]

    def rows(self) -> list[list[str]]:
        d = self.to_dict()

        return [
            ["clusters", str(d["clusters"])],
            ["injections", str(d["injections"])],
            ["found (recall)", share(d["found"], d["injections"])],
            ["found as one outlet's update", str(d["found_as_update"])],
            ["found, paraphrase partner", share(d["paraphrase_found"], d["paraphrase_injections"])],
            [
                "found, near-verbatim partner",
                share(d["near_verbatim_found"], d["near_verbatim_injections"]),
            ],
            ["found, figure changed", share(d["figure_found"], d["figure_injections"])],
            ["found, weekday changed", share(d["weekday_found"], d["weekday_injections"])],
            ["other new results after injection", str(d["other_results_after_injection"])],
            ["conflicts on untouched clusters", str(d["untouched_conflicts"])],
            ["evolutions on untouched clusters", str(d["untouched_evolutions"])],
            ["labelled in this run (of the sample file)", str(d["labelled_in_this_run"])],
            [
                "conflicts judged false",
                share(d["judged_false_conflicts"], d["labelled_conflicts"]),
            ],
            [
                "evolutions judged false",
                share(d["judged_false_evolutions"], d["labelled_evolutions"]),
            ],
        ]


def record(case: Case, d: Result) -> dict[str, Any]:
    """One reported conflict or evolution as a line to label: `judgement` "real" or "false"."""
    return {
        "dataset": case.dataset,
        "cluster": case.id,
        "result": "evolution" if isinstance(d, Evolution) else "conflict",
        "about": d.about,
        "kind": d.kind,
        "versions": [
            {
                "outlet": v.outlet,
                "article_id": v.article_id,
                "value": v.value,
                "as_of": v.as_of,
                "text": v.text,
            }
            for v in d.versions
        ],
        "judgement": "",
        "note": "",
    }


def record_key(line: dict[str, Any]) -> tuple:
    """What keeps a label: the cluster, what is reported, and the sentences with their values."""
    return (
        line["dataset"],
        line["cluster"],
        line.get("result", "conflict"),
        line["about"],
        tuple(sorted((v["text"], v["value"]) for v in line["versions"])),
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
    time; the choice of sentence and new value is seeded by `seed` and the case's id. Labels
    count for the reports of this run only (`record_key`): a label of a report the analysis no
    longer makes measures nothing."""
    annotator = annotator or SentencesOnly()
    report = Report()
    for case in cases:
        articles = [a for a in case.articles if a.sentences]
        if len(articles) < 2:
            progress(1)
            continue
        report.clusters += 1
        try:
            base = results_of(articles, annotator)
        except Exception as exc:  # one cluster's failure must not cost the run
            report.failed.append(f"{case.id}: {type(exc).__name__}: {exc}")
            progress(1)
            continue
        report.reported += [record(case, d) for d in base]
        report.clusters_with_disagreements += any(isinstance(d, Disagreement) for d in base)
        rng = random.Random(f"{seed}/{case.dataset}/{case.id}")
        found = candidates(articles)
        # prefer partners worded differently; of one sentence, one value at most
        by_sentence: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
        for c in found:
            by_sentence[(c.article.id, c.sentence.index)].append(c)
        picks = [rng.choice(cs) for _, cs in sorted(by_sentence.items())]
        rng.shuffle(picks)
        picks.sort(key=lambda c: c.near_verbatim)
        for candidate in picks[:per_cluster]:
            lower = floor_stated(candidate)
            new = changed_value(candidate.kind, candidate.value, rng, lower=lower)
            report.injections.append(injected(case, articles, candidate, new, base, annotator))
        progress(1)
    if labelled is not None:
        here = {record_key(line) for line in report.reported}
        report.labelled = [line for line in read_labelled(labelled) if record_key(line) in here]
        report.labelled_here = len(report.labelled)
    return report


def injected(
    case: Case,
    articles: list[Article],
    candidate: Candidate,
    new: str,
    base: list[Result],
    annotator: Annotator,
) -> Injection:
    """Analyse the case with `new` in place of the candidate's value; `base` holds the results
    of the untouched case, so that only new ones count as others. Found: a conflict involves the
    changed sentence, or, where its partner is of the same outlet, an update (evolution)."""
    edited, sentence = inject(candidate, new)
    story = [edited if a.id == candidate.article.id else a for a in articles]
    after = results_of(story, annotator)
    partner_outlets = {
        a.outlet_label
        for a in articles
        if a.id != candidate.article.id
        and any(" ".join(s.text.split()) == candidate.partner for s in a.sentences)
    }
    one_outlet = partner_outlets == {candidate.article.outlet_label}
    hits = [
        d
        for d in after
        if involves(d, edited, sentence) and (isinstance(d, Disagreement) or one_outlet)
    ]
    before = {_signature(d) for d in base}
    ids = {edited.id: candidate.article.id}
    others = [d for d in after if d not in hits and _signature(d, ids) not in before]
    return Injection(
        case=case.id,
        kind=candidate.kind,
        old=candidate.value,
        new=new,
        sentence=" ".join(candidate.sentence.text.split()),
        partner=candidate.partner,
        near_verbatim=candidate.near_verbatim,
        shared=candidate.shared,
        found=bool(hits),
        found_as=[
            f"{'evolution' if isinstance(d, Evolution) else 'conflict'}: {d.about}" for d in hits
        ],
        others=len(others),
    )
