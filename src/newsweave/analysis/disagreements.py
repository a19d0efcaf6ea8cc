"""Where outlets stating one fact conflict: figures, dates, days of the week and polarity.

Disagreements are looked for only inside facts (`newsweave.analysis.crossref.align`), where
outlets state the same thing: numbers with the same unit word ("450,000 killed" / "500,000
killed"), dates and weekdays, and polarity (one says "not"). Agreeing in other words is not a
disagreement, and a value one statement lacks is an omission, not a conflict. Each outlet's
version is shown; no winner.
"""

from __future__ import annotations

import re
from collections import defaultdict

from newsweave.analysis.crossref import Alignment, AlignSettings, Unit
from newsweave.model import Disagreement, Version
from newsweave.nlp.dates import find_time_expressions

_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(million|billion|thousand|percent|%))?\s+(?:(?:people|of|the|are|were|is|was|have|has|had|been|be|to|more|than|about|some|around|believed|thought|estimated|reported|said|feared|now|already)\s+){0,5}(\w+)",
    re.I,
)
_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|denied|denies)\b|n['’]t\b", re.I)
_CLAIM_WORDS = 3  # the content words after a negation that say what it denies
_FUNCTION_TEXT = (
    "a an the be been being is are was were am do does did have has had to of in on at for "
    "by with as it its this that these those he she they we you i his her their our your any"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())


def _stems(text: str) -> list[str]:
    return [w.lower()[:5] for w in re.findall(r"[^\W\d_]{2,}", text)]


def _denies(negated: str, other: str) -> bool:
    """Whether a negation in `negated` denies what `other` says: the content words right
    after it ("not *target civilians*") are all in `other`. A "not" among words only one
    version has ("last but not least", "had never before been deployed" against "the first
    time") changes no shared claim."""
    present = set(_stems(other))
    for match in _NEGATION.finditer(negated):
        after = [w for w in _stems(negated[match.end() :]) if w not in _FUNCTION_WORDS]
        claim = after[:_CLAIM_WORDS]
        if claim and all(w in present for w in claim):
            return True
    return False


def _numbers(text: str) -> dict[str, str]:
    """Unit word -> number as written, e.g. {"killed": "450,000"}.

    A unit a sentence gives two values ("70 minutes on phones and 48 minutes on chores", "$35,000
    to one fund, $250,000 to another") is left out: which of them another outlet's figure is
    about cannot be told. So is a "unit" that is a function word ("$33.7 million in 2013")."""
    found: dict[str, set[str]] = defaultdict(set)
    for match in _NUMBER.finditer(text):
        number, scale, unit = match.groups()
        if re.fullmatch(r"(19|20)\d\d", number):
            continue  # a year: compared as a date
        if unit.lower() in _FUNCTION_WORDS:
            continue
        found[unit.lower()].add(f"{number} {scale}".strip() if scale else number)
    return {unit: values.pop() for unit, values in found.items() if len(values) == 1}


def _dates(unit: Unit) -> dict[str, str]:
    """The date and the weekday a sentence states, where it states one of each: a sentence with
    two ("revenue in 2013 and in the first nine months of 2014", "the 2013-2016 outbreak") can
    be compared with another only clause by clause, which the alignment does not do."""
    found = {}
    dates = {e.value for e in find_time_expressions(unit.text, unit.article.published) if e.value}
    if len(dates) == 1:
        found["date"] = dates.pop()
    weekdays = {m.group(1).lower() for m in _WEEKDAY.finditer(unit.text)}
    if len(weekdays) == 1:
        found["weekday"] = weekdays.pop()
    return found


def _compatible(kind: str, a: str, b: str) -> bool:
    if kind == "date":
        return a.startswith(b) or b.startswith(a) or not (a[:1].isdigit() and b[:1].isdigit())
    if kind == "number":
        return _as_float(a) == _as_float(b)
    return a == b


def _as_float(value: str) -> float | None:
    number, _, scale = value.partition(" ")
    try:
        base = float(number.replace(",", ""))
    except ValueError:
        return None
    return base * {"million": 1e6, "billion": 1e9, "thousand": 1e3}.get(scale.lower(), 1)


def _values(unit: Unit) -> dict[tuple[str, str], str]:
    values = {("number", word): number for word, number in _numbers(unit.text).items()}
    values.update({(kind, ""): value for kind, value in _dates(unit).items()})
    return values


def find_disagreements(
    alignment: Alignment, settings: AlignSettings | None = None
) -> list[Disagreement]:
    """Conflicting values between close statements of one fact, every version side by side.

    Only statements at least `conflict_threshold` alike are compared: a fact can hold loosely
    related sentences, and a date in one of them need not be about the same thing.
    """
    settings = settings or AlignSettings()
    sims, units = alignment.sims, alignment.units
    out = []
    for indices in alignment.groups:
        values = {k: _values(units[k]) for k in indices}
        conflicts: set[tuple[str, str]] = set()
        polarity: tuple[int, int] | None = None
        for x, i in enumerate(indices):
            for j in indices[x + 1 :]:
                if sims[i, j] < settings.conflict_threshold:
                    continue
                for key in values[i].keys() & values[j].keys():
                    if not _compatible(key[0], values[i][key], values[j][key]):
                        conflicts.add(key)
                negated = (
                    bool(_NEGATION.search(units[i].text)),
                    bool(_NEGATION.search(units[j].text)),
                )
                if (
                    negated[0] != negated[1]
                    and sims[i, j] >= settings.polarity_threshold
                    and polarity is None
                ):
                    no, yes = (i, j) if negated[0] else (j, i)
                    if _denies(units[no].text, units[yes].text):
                        polarity = (yes, no)
        for kind, word in sorted(conflicts):
            about = (
                f"number ({word})"
                if kind == "number"
                else ("day of the week" if kind == "weekday" else "date")
            )
            versions = [
                Version(
                    units[k].article.outlet_label,
                    units[k].article.id,
                    units[k].text,
                    values[k][(kind, word)],
                )
                for k in indices
                if (kind, word) in values[k]
            ]
            out.append(Disagreement(about, kind, versions))
        if polarity is not None:
            affirms, negates = (units[k] for k in polarity)
            out.append(Disagreement("polarity", "polarity", [
                Version(affirms.article.outlet_label, affirms.article.id, affirms.text, "affirms"),
                Version(negates.article.outlet_label, negates.article.id, negates.text, "negates"),
            ]))  # fmt: skip
    return out
