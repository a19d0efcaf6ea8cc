"""Date normalisation against TempEval-3 TimeML: value accuracy relative to the document
creation time (DCT), newsweave against plain dateparser in the same run.

Normalisation: every gold TIMEX3 of type DATE, except the DCT itself, is normalised from its
own text with the DCT as base (newsweave also reads the text before it, as the pipeline does);
a prediction is right when it equals the gold `value` ("1998-02-13", "1998-W07", "1998-Q1",
"PAST_REF", ...), week numbers compared zero-padded ("2000-W7" is "2000-W07" in ISO 8601).
dateparser only knows days, so it is scored at day granularity, which is how a user of it would
get a value. Groups by gold value: day, month, year, other.

End to end: `find_time_expressions` over each document's raw text against the gold DATE spans,
TempEval-3 style relaxed matching (spans overlap). A prediction with a value counts; one that
overlaps only a TIME, DURATION or SET annotation is left out, as those are not scored here.

`newsweave eval dates DIR` prints the value accuracy; `--end-to-end` adds the end-to-end table
and `--spacy` lets a spaCy pipeline's DATE entities help recognition.

Event dates: the day an article's lead reports (`nlp.event_dates.lead_event_date`, the
publication date where it gives none) against leads labelled by hand
(`bench/data/event_dates_labelled.jsonl`; `bench/event_dates.py` prints the table).
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from html import unescape
from pathlib import Path
from typing import Any

import dateparser

from newsweave.nlp.dates import find_time_expressions, normalise
from newsweave.nlp.event_dates import lead_event_date

GROUPS = ("all", "day", "month", "year", "other")
_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass(slots=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(slots=True)
class TimeMLDocument:
    file: str
    dct: date
    text: str  # the raw text inside <TEXT>, tags removed
    timexes: list[GoldTimex]


@dataclass(slots=True)
class GoldDate:
    file: str
    text: str
    value: str
    dct: date
    context: str = ""  # the text just before the expression, for tense and earnings cues


def _parse(path: Path) -> TimeMLDocument | None:
    content = path.read_text(encoding="utf-8", errors="replace")
    dct_match = re.search(r'<TIMEX3[^>]*functionInDocument="CREATION_TIME"[^>]*>', content)
    value = dict(_ATTR.findall(dct_match.group(0))).get("value", "") if dct_match else ""
    body = re.search(r"<TEXT>(.*?)</TEXT>", content, re.S)
    if not re.match(r"\d{4}-\d{2}-\d{2}", value) or body is None:
        return None
    raw = body.group(1)
    parts: list[str] = []
    length, position, open_timex = 0, 0, None
    timexes = []
    for tag in _TAG.finditer(raw):
        chunk = unescape(raw[position : tag.start()])
        parts.append(chunk)
        length += len(chunk)
        position = tag.end()
        closing, name, attrs = tag.groups()
        if name != "TIMEX3":
            continue
        if not closing:
            open_timex = (length, dict(_ATTR.findall(attrs)))
        elif open_timex:
            start, attributes = open_timex
            text = "".join(parts)[start:length]
            timexes.append(
                GoldTimex(
                    start, length, text, attributes.get("type", ""), attributes.get("value", "")
                )
            )
            open_timex = None
    parts.append(unescape(raw[position:]))
    return TimeMLDocument(path.name, date.fromisoformat(value[:10]), "".join(parts), timexes)


def read_documents(directory: Path) -> list[TimeMLDocument]:
    """Every .tml file under `directory` with a DCT, each document once (by file name)."""
    documents, seen = [], set()
    for path in sorted(directory.rglob("*.tml")):
        if path.name in seen:  # the same document in two folders counts once
            continue
        seen.add(path.name)
        if document := _parse(path):
            documents.append(document)
    return documents


def read_timeml(directory: Path) -> list[GoldDate]:
    return [
        GoldDate(
            doc.file, t.text.strip(), t.value, doc.dct, doc.text[max(0, t.start - 400) : t.start]
        )
        for doc in read_documents(directory)
        for t in doc.timexes
        if t.type == "DATE" and t.value
    ]


def canonical(value: str | None) -> str | None:
    """A TimeML value with ISO week numbers zero-padded."""
    return re.sub(r"-W(\d)(?=$|-)", r"-W0\1", value) if value else value


def group(value: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "day"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return "month"
    if re.fullmatch(r"\d{4}", value):
        return "year"
    return "other"


def dateparser_value(text: str, dct: date) -> str | None:
    parsed = dateparser.parse(
        text, languages=["en"], settings={"RELATIVE_BASE": datetime(dct.year, dct.month, dct.day)}
    )
    return parsed.date().isoformat() if parsed else None


SYSTEMS = {
    "newsweave": lambda g: normalise(g.text, g.dct, context=g.context)[0],
    "dateparser": lambda g: dateparser_value(g.text, g.dct),
}


@dataclass
class EndToEnd:
    """Recognition + normalisation counts over raw documents."""

    gold: int = 0
    predicted: int = 0
    span_hits: int = 0  # predictions overlapping a gold DATE
    value_hits: int = 0  # ... with the gold value
    gold_found: int = 0  # gold DATEs overlapped by a prediction
    gold_right: int = 0  # ... by one with the gold value
    seconds: float = 0.0

    def scores(self, right: bool) -> tuple[float, float, float]:
        p = (
            (self.value_hits if right else self.span_hits) / self.predicted
            if self.predicted
            else 0.0
        )
        r = (self.gold_right if right else self.gold_found) / self.gold if self.gold else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DateEvalReport:
    total: int = 0
    correct: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ms: dict[str, float] = field(default_factory=dict)
    errors: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # newsweave misses
    end_to_end: EndToEnd | None = None

    def accuracy(self, system: str, grp: str = "all") -> float:
        n = self.total if grp == "all" else self.counts[grp]
        return self.correct[system][grp] / n if n else 0.0

    @staticmethod
    def header() -> list[str]:
        return ["system", *GROUPS, "ms/expr"]

    def rows(self) -> list[list[str]]:
        return [
            [system, *(f"{self.accuracy(system, g):.3f}" for g in GROUPS), f"{self.ms[system]:.2f}"]
            for system in SYSTEMS
        ]

    @staticmethod
    def end_to_end_header() -> list[str]:
        return ["newsweave end to end", "P", "R", "F1", "gold", "predicted"]

    def end_to_end_rows(self) -> list[list[str]]:
        e = self.end_to_end
        if e is None:
            return []
        return [
            [name, *(f"{x:.3f}" for x in e.scores(right)), str(e.gold), str(e.predicted)]
            for name, right in (("span (relaxed)", False), ("span + value", True))
        ]

    def to_dict(self) -> dict:
        result = {
            "expressions": self.total,
            "by_group": dict(self.counts),
            "systems": {
                s: {g: round(self.accuracy(s, g), 4) for g in GROUPS}
                | {"ms_per_expression": round(self.ms[s], 3)}
                for s in SYSTEMS
            },
        }
        if e := self.end_to_end:
            result["end_to_end"] = {
                "gold": e.gold,
                "predicted": e.predicted,
                "seconds": round(e.seconds, 2),
            } | {
                name: dict(
                    zip(("p", "r", "f1"), (round(x, 4) for x in e.scores(right)), strict=True)
                )
                for name, right in (("span", False), ("span_value", True))
            }
        return result


def _end_to_end(documents: list[TimeMLDocument], nlp=None) -> EndToEnd:
    counts = EndToEnd()
    start = time.perf_counter()
    for document in documents:
        doc = nlp(document.text) if nlp is not None else None
        gold = [t for t in document.timexes if t.type == "DATE" and t.value]
        other = [t for t in document.timexes if t.type != "DATE"]
        counts.gold += len(gold)
        found = [
            e
            for e in find_time_expressions(document.text, document.dct, doc)
            if e.value is not None
        ]
        right_gold: set[int] = set()
        found_gold: set[int] = set()
        for expr in found:
            hits = [i for i, t in enumerate(gold) if t.start < expr.end and expr.start < t.end]
            if not hits:
                if not any(t.start < expr.end and expr.start < t.end for t in other):
                    counts.predicted += 1
                continue
            counts.predicted += 1
            counts.span_hits += 1
            found_gold.update(hits)
            right = [i for i in hits if canonical(gold[i].value) == expr.value]
            counts.value_hits += bool(right)
            right_gold.update(right)
        counts.gold_found += len(found_gold)
        counts.gold_right += len(right_gold)
    counts.seconds = time.perf_counter() - start
    return counts


def evaluate_dates(directory: Path, *, end_to_end: bool = True, nlp=None) -> DateEvalReport:
    """Value accuracy per system and, with `end_to_end`, recognition + normalisation scores
    (`nlp`: a spaCy pipeline whose DATE entities help recognition)."""
    documents = read_documents(directory)
    gold = read_timeml(directory)
    report = DateEvalReport(total=len(gold))
    for item in gold:
        report.counts[group(item.value)] += 1
    for system, predict in SYSTEMS.items():
        start = time.perf_counter()
        predictions = [predict(g) for g in gold]
        report.ms[system] = 1000 * (time.perf_counter() - start) / max(len(gold), 1)
        for item, predicted in zip(gold, predictions, strict=True):
            if canonical(predicted) == canonical(item.value):
                report.correct[system]["all"] += 1
                report.correct[system][group(item.value)] += 1
            elif system == "newsweave":
                report.errors.append((item.text, item.value, item.dct.isoformat(), predicted))
    if end_to_end:
        report.end_to_end = _end_to_end(documents, nlp)
    return report


# ---- event dates: the day an article's lead reports ----


@dataclass(slots=True)
class LabelledLead:
    """An article's lead with its publication date and the event date judged by hand."""

    topic: str
    uid: str
    published: date
    lead: str
    event_date: date
    reason: str


def read_labelled_leads(path: Path) -> list[LabelledLead]:
    """`bench/data/event_dates_labelled.jsonl`: one JSON object a line."""
    leads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            leads.append(
                LabelledLead(
                    item["topic"],
                    item["uid"],
                    date.fromisoformat(item["published"]),
                    item["lead"],
                    date.fromisoformat(item["event_date"]),
                    item.get("reason", ""),
                )
            )
    return leads


def first_lead_day(lead: str, published: date) -> date:
    """The baseline: the first day the lead names, up to publication, else publication."""
    days = [
        t.date
        for t in find_time_expressions(lead, published)
        if t.granularity == "day" and t.date and t.date <= published
    ]
    return days[0] if days else published


EVENT_SYSTEMS: dict[str, Callable[[LabelledLead, Any], date]] = {
    "publication date": lambda x, doc: x.published,
    "first day in the lead": lambda x, doc: first_lead_day(x.lead, x.published),
    "newsweave (wording)": lambda x, doc: lead_event_date(x.lead, x.published) or x.published,
    "newsweave (wording + parse)": lambda x, doc: (
        lead_event_date(x.lead, x.published, doc) or x.published
    ),
}


@dataclass
class EventDateReport:
    """Accuracy of each system's event date against the labels; `dated`: the leads whose
    event is not on the publication day (where a system must read the lead)."""

    total: int = 0
    dated: int = 0
    right: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    right_dated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))

    @staticmethod
    def header() -> list[str]:
        return ["system", "accuracy", "event before/after publication"]

    def rows(self) -> list[list[str]]:
        return [
            [
                system,
                f"{self.right[system] / self.total:.3f} ({self.right[system]}/{self.total})",
                f"{self.right_dated[system]}/{self.dated}",
            ]
            for system in self.right
        ]


def evaluate_event_dates(path: Path, nlp: Any = None) -> EventDateReport:
    """Each system's event date for each labelled lead; `nlp`, a spaCy pipeline with a parser,
    for the parse system (left out without one)."""
    leads = read_labelled_leads(path)
    report = EventDateReport(total=len(leads))
    systems = {k: f for k, f in EVENT_SYSTEMS.items() if nlp is not None or "parse" not in k}
    docs = list(nlp.pipe(x.lead for x in leads)) if nlp is not None else [None] * len(leads)
    for lead, doc in zip(leads, docs, strict=True):
        moved = lead.event_date != lead.published
        report.dated += moved
        for system, predict in systems.items():
            got = predict(lead, doc)
            report.right[system] += got == lead.event_date
            report.right_dated[system] += moved and got == lead.event_date
            if got != lead.event_date:
                report.misses[system].append(
                    (lead.uid, lead.event_date.isoformat(), got.isoformat())
                )
    return report
