"""Date normalisation against TempEval-3 TimeML: value accuracy relative to the document
creation time (DCT), newsweave against plain dateparser in the same run.

Every gold TIMEX3 of type DATE, except the DCT itself, is normalised from its own text with the
DCT as base; a prediction is right when it equals the gold `value` string exactly ("1998-02-13",
"1998-W07", "1998-Q1", "PAST_REF", ...). dateparser only knows days, so it is scored at day
granularity, which is how a user of it would get a value. Groups: day, month, year, other.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from html import unescape
from pathlib import Path

import dateparser

from newsweave.nlp.dates import context_direction, normalise

_TIMEX = re.compile(r"<TIMEX3([^>]*)>(.*?)</TIMEX3>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass(slots=True)
class GoldDate:
    file: str
    text: str
    value: str
    dct: date
    context: str = ""  # the words just before the expression, for tense cues


def read_timeml(directory: Path) -> list[GoldDate]:
    gold = []
    for path in sorted(directory.rglob("*.tml")):
        content = path.read_text(encoding="utf-8", errors="replace")
        dct = None
        items = []
        body = content[content.find("<TEXT>") :] if "<TEXT>" in content else content
        for match in _TIMEX.finditer(content):
            attrs = dict(_ATTR.findall(match.group(1)))
            text = unescape(re.sub(r"<[^>]+>", "", match.group(2))).strip()
            if attrs.get("functionInDocument") == "CREATION_TIME":
                try:
                    dct = date.fromisoformat(attrs.get("value", "")[:10])
                except ValueError:
                    dct = None
            elif attrs.get("type") == "DATE" and "value" in attrs:
                before = content[max(0, match.start() - 400) : match.start()]
                context = unescape(re.sub(r"<[^>]*>?", "", before))[-80:] if body else ""
                items.append((text, attrs["value"], context))
        if dct is not None:
            gold.extend(
                GoldDate(path.name, text, value, dct, context) for text, value, context in items
            )
    return gold


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
    "newsweave": lambda g: normalise(g.text, g.dct, direction=context_direction(g.context))[0],
    "dateparser": lambda g: dateparser_value(g.text, g.dct),
}


@dataclass
class DateEvalReport:
    total: int = 0
    correct: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ms: dict[str, float] = field(default_factory=dict)
    errors: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # newsweave misses

    def accuracy(self, system: str, grp: str = "all") -> float:
        n = self.total if grp == "all" else self.counts[grp]
        return self.correct[system][grp] / n if n else 0.0

    @staticmethod
    def header() -> list[str]:
        return ["system", "all", "day", "month", "year", "other", "ms/expr"]

    def rows(self) -> list[list[str]]:
        return [
            [
                system,
                *(
                    f"{self.accuracy(system, g):.3f}"
                    for g in ("all", "day", "month", "year", "other")
                ),
                f"{self.ms[system]:.2f}",
            ]
            for system in SYSTEMS
        ]

    def to_dict(self) -> dict:
        return {
            "expressions": self.total,
            "by_group": dict(self.counts),
            "systems": {
                s: {
                    g: round(self.accuracy(s, g), 4)
                    for g in ("all", "day", "month", "year", "other")
                }
                | {"ms_per_expression": round(self.ms[s], 3)}
                for s in SYSTEMS
            },
        }


def evaluate_dates(directory: Path) -> DateEvalReport:
    gold = read_timeml(directory)
    report = DateEvalReport(total=len(gold))
    for item in gold:
        report.counts[group(item.value)] += 1
    for system, predict in SYSTEMS.items():
        start = time.perf_counter()
        predictions = [predict(g) for g in gold]
        report.ms[system] = 1000 * (time.perf_counter() - start) / max(len(gold), 1)
        for item, predicted in zip(gold, predictions, strict=True):
            if predicted == item.value:
                report.correct[system]["all"] += 1
                report.correct[system][group(item.value)] += 1
            elif system == "newsweave":
                report.errors.append((item.text, item.value, item.dct.isoformat(), predicted))
    return report
