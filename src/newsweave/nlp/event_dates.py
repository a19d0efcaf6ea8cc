"""The day an article's lead reports: its event date, told apart from the background it cites.

A lead says when its event happened ("met Thursday" in a Friday article) and often also when
earlier events did: "an investigation into the May 3 crash", "the crash, which happened on May
3", "since the March 11 disaster", "Tuesday's earthquake", a photo caption ("pictured March
8"). Those are *background*: the date belongs to a noun or a subordinate clause, not to the
sentence's own verb. The lead's event is the day of a date that is not background, the nearest
to publication first (news report the latest development; a lead's older dates are context).

A background date never dates the article. Age decides how much more a date needs: a day in
the week before publication (or the day after, in its small hours: "2 a.m. Wednesday" in a
Tuesday edition) needs nothing more; one over a month old counts only when a parse attaches it
to the main clause of a lead sentence, since a story is not dated weeks before its first report
by a date its lead may merely cite. With none, the caller falls back to the publication date.

Without a parse, background is read from the words around the date; with a spaCy parse of the
text (tagger and parser), from the path from the date to its sentence's root.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from newsweave.nlp.dates import TimeExpression, context_direction, find_time_expressions

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

LEAD_CHARS = 600
"""How much of an article is its lead: the headline matter and first sentence or two."""
RECENT_DAYS = 7
"""A lead's own event is at most this many days before publication."""
MAX_CITED_DAYS = 31
"""Older lead dates date the article only when the parse ties them to a main clause."""

_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+(?=[A-Z\"“‘(])|\n")
_CLAUSE_END = re.compile(r"[,;:—–(]")
_CAPTION = re.compile(
    r"\b(?:pictured|picture shows|photo(?:graph)?s?|file (?:photo|picture)|seen here"
    r"|image shows|this image)\b",
    re.I,
)
# Words that open a clause citing an earlier event: "the crash, which happened on May 3",
# "since the March 11 disaster", "a day after the vote on Sunday".
_BACKGROUND_OPENER = re.compile(
    r"\b(?:which|who|whose|where|when|since|following|after|anniversary of|compared with|than"
    r"|ago)\b",
    re.I,
)
_THE = re.compile(r"\bthe\s+$", re.I)  # "a Tuesday news conference" is the event's
_POSSESSIVE = re.compile(r"^['’]s\s+[a-z]")
_NOUN = re.compile(r"^\s+[a-z]")
# A date used as a noun's modifier: "the 20 April rig explosion".
_MODIFIED_NOUN = re.compile(
    r"^(?:\s+(?!(?:and|or|to|in|on|at|of|by|for|from|with|as|when|that|was|were|is"
    r"|are|has|had|will|would|but|after|before)\b)[a-z][a-z-]+)"
)
# Dependencies under which a date belongs to a noun or a subordinate clause.
_BACKGROUND_DEPS = frozenset({"relcl", "acl", "advcl", "appos", "compound", "poss", "amod", "nmod"})


@dataclass(frozen=True, slots=True)
class LeadDate:
    """A day named in a lead, and how it relates to the lead's event."""

    expression: TimeExpression
    background: bool
    """Cited as background: in a caption, a parenthesis, a relative or "since" clause, or as
    a noun's modifier ("the May 3 crash")."""
    main_clause: bool
    """The parse attaches it to the main verb of a lead sentence (False without a parse)."""
    ahead: bool
    """The context looks ahead ("will meet on Wednesday")."""


def _sentence_start(text: str, position: int) -> int:
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, position)]
    return starts[-1] if starts else 0


def worded_as_background(text: str, start: int, end: int) -> bool:
    """Whether the words around `text[start:end]` cite it as background (no parse needed)."""
    sentence = _sentence_start(text, start)
    before = text[sentence:start]
    if before.count("(") > before.count(")"):
        return True
    sentence_end = _SENTENCE_END.search(text, end)
    if _CAPTION.search(text[sentence : sentence_end.start() if sentence_end else len(text)]):
        return True
    clause = _CLAUSE_END.split(before)[-1]
    if _BACKGROUND_OPENER.search(clause):
        return True  # "since the March 11 disaster", "the crash, which happened on May 3"
    after = text[end : end + 30]
    if _POSSESSIVE.match(after) or (text[end - 2 : end] in ("'s", "’s") and _NOUN.match(after)):
        return True  # "Tuesday's earthquake"
    return bool(_THE.search(before) and _MODIFIED_NOUN.match(after))


def _parse_attachment(doc: Doc, start: int, end: int) -> str | None:
    """'main' when the parse ties the date to its sentence's root (through prepositions,
    temporal modifiers, complement and coordinated clauses), 'background' when a noun or a
    subordinate clause holds it, None when the parse has no such span."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    token: Token = span.root
    while token.head.i != token.i:  # spaCy makes a new Token object on each access
        if token.dep_ in _BACKGROUND_DEPS:
            return "background"
        head = token.head
        if token.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("NOUN", "PROPN"):
            return "background"  # "the crash on May 3"
        token = head
    return "main"


def lead_dates(
    text: str,
    published: date | None,
    doc: Doc | None = None,
    *,
    names: Iterable[tuple[int, int]] = (),
    lead_chars: int = LEAD_CHARS,
) -> list[LeadDate]:
    """The days named in the lead of `text`, each with its relation to the lead's event.

    `doc`: a spaCy parse of `text` (or of its start); `names`: spans of named entities, so
    that a bloc named after a day is no date (`newsweave.nlp.dates.is_name`).
    """
    lead = text[:lead_chars]
    sentences = [0, *(m.end() for m in _SENTENCE_END.finditer(lead))]
    found = []
    for expr in find_time_expressions(lead, published, names=names):
        if expr.granularity != "day" or expr.date is None:
            continue
        background = worded_as_background(lead, expr.start, expr.end)
        attached = None
        if doc is not None and expr.end <= len(doc.text):
            attached = _parse_attachment(doc, expr.start, expr.end)
            background = background or attached == "background"
        early = sum(s <= expr.start for s in sentences) <= 2  # in the first two sentences
        ahead = context_direction(lead[max(0, expr.start - 120) : expr.start]) == "future"
        found.append(LeadDate(expr, background, attached == "main" and early, ahead))
    return found


def _age(item: LeadDate, published: date | None) -> int | None:
    date_ = item.expression.date
    return None if published is None or date_ is None else (published - date_).days


def ranked(found: Iterable[LeadDate], published: date | None) -> list[LeadDate]:
    """Lead dates, the likeliest event date first. Dates worded as background come last. Then
    a day of the week before publication (or the next day's small hours), the nearest first,
    then older days, then coming ones; ties go by position in the text."""

    def rank(item: LeadDate) -> tuple[bool, int, int, int]:
        age = _age(item, published)
        if age is None:
            return item.background, 1, 0, item.expression.start
        if -1 <= age <= RECENT_DAYS and not (age < 0 and item.ahead):
            return item.background, 0, max(age, 1 if age < 0 else 0), item.expression.start
        return item.background, 1 if age > 0 else 2, abs(age), item.expression.start

    return sorted(found, key=rank)


def event_date_candidates(
    text: str,
    published: date | None,
    doc: Doc | None = None,
    *,
    names: Iterable[tuple[int, int]] = (),
    lead_chars: int = LEAD_CHARS,
) -> list[TimeExpression]:
    """Day-granularity dates in an article's lead, the likeliest event date first (`ranked`)."""
    found = lead_dates(text, published, doc, names=names, lead_chars=lead_chars)
    return [item.expression for item in ranked(found, published)]


def lead_event_date(
    text: str,
    published: date | None,
    doc: Doc | None = None,
    *,
    names: Iterable[tuple[int, int]] = (),
) -> date | None:
    """The day the article's lead reports, or None when the lead dates no event of its own
    (the caller then takes the publication date). Needs the publication date: relative days
    resolve against it, and age decides what a date must show to count."""
    if published is None:
        return None
    for item in ranked(lead_dates(text, published, doc, names=names), published):
        age = _age(item, published)
        if age is None or age < -1 or (age == -1 and item.ahead):
            continue  # a coming day is announced, not reported
        if item.background:
            continue
        if age > MAX_CITED_DAYS and not item.main_clause:
            continue
        return item.expression.date
    return None
