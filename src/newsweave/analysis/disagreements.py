"""Where outlets conflict (figures, dates, days of the week, polarity) and how figures evolved.

Two statements of different articles are compared where they make the same claim, whatever
their wording: a value of the same kind and unit (`newsweave.analysis.claims`: "at least 20
people were killed" and "12 dead" both count people killed), a TF-IDF cosine without the values
and content words in common (`same_claim`), a name in common where both name someone, and each
the other's closest statement of that unit in its article (`_pairs`); neither negated nor
moving the other way ("rose" against "fell") where the other is not. The alignment of facts
plays no part: paraphrases share few words, and a changed figure is a new word.

Two such statements with values that cannot both hold (ranges: "at least 20" against "12", not
against "25") are a conflict only where they speak of the same time. A figure stated for
different days (anchored in the sentence: "on Monday" against "by Tuesday", else by the
articles' publication dates) or twice by one outlet (its updates) is an evolution, shown as of
each day, not a conflict; an age or a duration does not evolve. So is a figure given as a tally
at a moment (`Claim.tally`: "so far", "by late afternoon", "rose to"): a running count read at
two moments of one day differs without either outlet being wrong. A weekday or date is compared
only where the words around both share what they date, between articles of different outlets
published at most a day apart, and not where the two statements also differ in a figure: then
they tell of different days' events. Every version is shown; no winner is picked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from newsweave.analysis.claims import (
    NUMBER_WORDS,
    TIME_UNITS,
    WEEKDAYS,
    Claim,
    Value,
    claim,
    stems,
)
from newsweave.analysis.crossref import Alignment, AlignSettings, Unit
from newsweave.analysis.polarity import polarity_conflicts
from newsweave.components import union_find
from newsweave.model import Disagreement, Evolution, Version
from newsweave.tfidf import tfidf

MIN_SIMILARITY = 0.2
"""TF-IDF cosine (the story's statements, values left out) two statements of one claim reach."""
MIN_SHARED = 3
"""Content stems (`claims.stems`) two statements of one claim share at the least..."""
MIN_OVERLAP = 0.35
"""...and as a share of the shorter statement's: a long sentence shares a few words with
anything about the story; what one claim's two wordings share is a good part of either."""
_NEGATIVE = re.compile(
    r"^(?:not|no|never|neither|nor|none|nobody|nothing|without|cannot|impossible|unable|"
    r"unclear|unconfirmed|unverified|denied|denies|deny|refused|failed|declined|.*n['’]t)$"
)
_UP = {"rose", "rise", "rises", "risen", "up", "gained", "gain", "gains", "increased", "climbed",
       "jumped", "higher", "surged", "grew", "added", "raised", "soared"}  # fmt: skip
_DOWN = {"fell", "fall", "falls", "fallen", "down", "lost", "dropped", "declined", "lower",
         "slid", "slumped", "decreased", "shed", "cut", "plunged", "tumbled", "sank"}  # fmt: skip
_VALUE_WORDS = re.compile(
    r"[$£€]?\d[\d,.]*|\b(?:" + "|".join([*WEEKDAYS, *NUMBER_WORDS]) + r")\b", re.I
)
_TIMES_OF_DAY = {"morni", "after", "eveni", "night", "late", "early", "earli", "today", "toda"}
_DAY_CONTEXT = 2  # content stems the words around two weekdays or dates share
_CLOSE = 0.3
_DAYS_APART = 1  # a weekday or date is compared between articles published this close


@dataclass(slots=True)
class _Statement:
    unit: Unit
    claim: Claim
    order: int  # the unit's position: versions are listed in story order

    @property
    def as_of(self) -> str | None:
        """The day the statement speaks for: the one day it names, else its article's
        publication date; with the moment its figure was counted by, where it names one ("by late
        afternoon")."""
        day = self._day()
        tally = self.claim.tally
        if not tally.lower().startswith("by "):
            return day  # "so far", "rose to": the text says it, no moment is named
        moment = tally[3:]
        if day is None or day.lower() in moment.lower():
            return moment  # "Tuesday evening"
        return f"{day}, {moment}"  # "2024-03-01, late afternoon"

    def _day(self) -> str | None:
        if len(self.claim.anchors) == 1:
            (anchor,) = self.claim.anchors
            return anchor if anchor[:1].isdigit() else anchor.capitalize()
        published = self.unit.article.published
        return published.isoformat() if published else None


def same_claim(a: Claim, b: Claim, similarity: float) -> bool:
    """Whether two statements say the same thing apart from their values: TF-IDF cosine at
    least `MIN_SIMILARITY` without the values, at least `MIN_SHARED` content stems in common,
    and `MIN_OVERLAP` of the shorter one's; a name in common where both name someone."""
    shared = len(a.stems & b.stems)
    shorter = min(len(a.stems), len(b.stems))
    if similarity < MIN_SIMILARITY or shared < MIN_SHARED or not shorter:
        return False
    if a.names and b.names and not a.names & b.names:
        return False  # "Tolstedt will forfeit $19 million", "Stumpf will forfeit $41 million"
    return shared / shorter >= MIN_OVERLAP


def _negated(v: Value) -> bool:
    return any(_NEGATIVE.match(w) for w in v.near)


def _direction(v: Value) -> str:
    words = set(v.near)
    return "up" if words & _UP and not words & _DOWN else "down" if words & _DOWN - _UP else ""


def _comparable(a: Value, b: Value) -> bool:
    """Two values of one kind and key read in the same sense: both negated or neither, not
    one rising and the other falling; about the same thing where both say what follows them
    ("$500,000 *went* into the account" is not "$130,000 *to* Daniels"); and a day or date
    only where the words around it share a content word (the event it dates: "*indicted* on
    Monday", "was *indicted* Tuesday"), as a story tells of many days' events."""
    if _negated(a) != _negated(b):
        return False
    if _direction(a) and _direction(b) and _direction(a) != _direction(b):
        return False
    if a.kind == "number":
        if a.key.split()[0] in TIME_UNITS:  # "nine months" of what: said by what follows
            return bool(a.head) and a.head == b.head
        if a.key in {"$", "£", "€", "percent"}:  # what the money is for, a share of what
            return not (a.head and b.head and a.head != b.head)
        return True
    return True


def _same_day_event(a: Value, b: Value, similarity: float) -> bool:
    """Whether two weekdays or dates date the same event: the words around them share
    `_DAY_CONTEXT` content stems, or one where the statements are close
    (`_CLOSE`)."""
    shared = set(stems(" ".join(a.near))) & set(stems(" ".join(b.near))) - _TIMES_OF_DAY
    return len(shared) >= _DAY_CONTEXT or (bool(shared) and similarity >= _CLOSE)


def _differ(a: Value, b: Value) -> bool:
    if a.kind == "number":
        return a.high < b.low or b.high < a.low
    if a.kind == "date":
        if a.day.startswith(b.day) or b.day.startswith(a.day):
            return False
        return abs(int(a.day[:4]) - int(b.day[:4])) <= 1  # "1841" and "2015": two events
    return a.day != b.day


def _days_apart(a: _Statement, b: _Statement) -> int:
    first, second = a.unit.article.published, b.unit.article.published
    return abs((first - second).days) if first and second else 0


def _same_time(a: _Statement, b: _Statement) -> bool:
    """Whether two figures speak for the same time: not anchored in different days, not
    published on different days, and not one outlet's two reports (its updates)."""
    if a.unit.article.outlet_label == b.unit.article.outlet_label:
        return False
    if a.claim.anchors and b.claim.anchors and not a.claim.anchors & b.claim.anchors:
        return False
    return _days_apart(a, b) == 0


def _figure_differs(a: _Statement, b: _Statement) -> bool:
    mine = {v.key: v for v in a.claim.values if v.kind == "number"}
    return any(
        v.key in mine and _differ(mine[v.key], v) for v in b.claim.values if v.kind == "number"
    )


def _similarities(statements: list[_Statement]) -> np.ndarray:
    """TF-IDF cosine of the statements with their values taken out: a changed figure or day
    must not make two wordings of one claim look less alike."""
    texts = [_VALUE_WORDS.sub(" ", s.unit.text) for s in statements]
    matrix, _ = tfidf(texts)
    if matrix.shape[1] == 0:
        return np.zeros((len(texts), len(texts)))
    return (matrix @ matrix.T).toarray()


def _pairs(
    statements: list[_Statement], sims: np.ndarray
) -> Iterable[tuple[Value, _Statement, Value, _Statement]]:
    """Two values of one kind and key in statements of different articles that are each
    other's closest version: of the statements of that key in the other article, the most
    alike (`_similarities`) both ways. An article that states a figure twice, or two events'
    figures, is compared through the statement that matches best. Where a statement holds
    several values of the key, only those about the same thing (`Value.head`) are paired."""
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, s in enumerate(statements):
        for key in {(v.kind, v.key) for v in s.claim.values}:
            by_key[key].append(k)
    for key, members in by_key.items():
        best: dict[tuple[int, str], int] = {}
        for i in members:
            for j in members:
                other = statements[j].unit.article.id
                if other == statements[i].unit.article.id:
                    continue
                if (i, other) not in best or sims[i, j] > sims[i, best[(i, other)]]:
                    best[(i, other)] = j
        for (i, _), j in best.items():
            mine = statements[i].unit.article.id
            if i < j and best.get((j, mine)) == i:
                yield from _matched(key, statements[i], statements[j])


def _matched(
    key: tuple[str, str], first: _Statement, second: _Statement
) -> Iterable[tuple[Value, _Statement, Value, _Statement]]:
    mine = [v for v in first.claim.values if (v.kind, v.key) == key]
    theirs = [v for v in second.claim.values if (v.kind, v.key) == key]
    for a in mine:
        for b in theirs:
            if len(mine) == len(theirs) == 1 or (a.tail and a.tail == b.tail):
                yield a, first, b, second


def _components(edges: list[tuple[int, int]]) -> list[list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for node, label in union_find(edges).items():
        groups[label].append(node)
    return [sorted(g) for g in groups.values()]


def _about(kind: str, key: str) -> str:
    if kind == "weekday":
        return "day of the week"
    if kind == "date":
        return "date"
    names = {"killed": "people killed", "injured": "people injured", "missing": "people missing",
             "arrested": "people arrested", "percent": "percent"}  # fmt: skip
    return f"number ({names.get(key, key)})"


def _versions(
    members: list[int], statements: list[_Statement], values: dict[int, Value], as_of: bool
) -> list[Version] | None:
    """One version a statement; None where one wording would show two values (a guard: the
    same words must read the same)."""
    read: dict[str, str] = {}
    out = []
    for k in members:
        s, v = statements[k], values[k]
        if read.setdefault(s.unit.text, v.text) != v.text:
            return None
        out.append(
            Version(
                s.unit.article.outlet_label,
                s.unit.article.id,
                s.unit.text,
                v.text,
                s.as_of if as_of else None,
            )
        )
    return out


def find_disagreements(
    alignment: Alignment, settings: AlignSettings | None = None
) -> tuple[list[Disagreement], list[Evolution]]:
    """The conflicts between outlets, and the figures that changed as the story developed."""
    statements = [
        _Statement(u, claim(u.text, u.article.published), k) for k, u in enumerate(alignment.units)
    ]
    statements = [s for s in statements if s.claim.values]
    sims = _similarities(statements)
    index = {id(s): k for k, s in enumerate(statements)}
    conflicts: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    changes: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    values: dict[tuple[str, str], dict[int, Value]] = defaultdict(dict)
    for a, first, b, second in _pairs(statements, sims):
        key, i, j = (a.kind, a.key), index[id(first)], index[id(second)]
        if first.unit.text == second.unit.text or not _differ(a, b):
            continue
        if not _comparable(a, b) or not same_claim(first.claim, second.claim, sims[i, j]):
            continue
        values[key].update({i: a, j: b})
        same_outlet = first.unit.article.outlet_label == second.unit.article.outlet_label
        tally = first.claim.tally or second.claim.tally
        if a.kind == "number" and _same_time(first, second) and not tally:
            conflicts[key].append((i, j))
        elif a.kind == "number" and a.key.split()[0] not in TIME_UNITS:
            changes[key].append((i, j))  # an age or a duration does not develop
        elif a.kind == "number" or same_outlet:
            continue  # one outlet's reports of different days' events
        elif not _same_day_event(a, b, sims[i, j]) or _figure_differs(first, second):
            continue
        elif _days_apart(first, second) <= _DAYS_APART:
            conflicts[key].append((i, j))
    found = []
    for key, edges in sorted(conflicts.items()):
        for members in _components(edges):
            versions = _versions(members, statements, values[key], as_of=False)
            if versions:
                found.append(Disagreement(_about(*key), key[0], versions))
    evolutions = []
    for key, edges in sorted(changes.items()):
        for members in _components(edges):
            versions = _versions(members, statements, values[key], as_of=True)
            if versions:
                versions.sort(key=lambda v: (v.as_of is None, v.as_of or ""))
                evolutions.append(Evolution(_about(*key), key[0], versions))
    found += polarity_conflicts(alignment, settings or AlignSettings())
    return found, evolutions
