"""Temporal expressions: found in text and normalised against the article's publication date.

Values follow TimeML (TIMEX3): "2018-05-17" (day), "2018-W20" (week), "2018-W20-WE"
(weekend), "2017-12" (month), "2018-Q3" (quarter), "2018-H1" (half), "2018-SU" (season),
"2018" (year), "201" (decade), "20" (century), and "PRESENT_REF", "PAST_REF", "FUTURE_REF".
Granularity is kept explicitly: dateparser fills a missing day from its base ("December 2017"
-> 2017-12-18), which would show a month as a day.

News conventions decide what a relative expression means. A bare weekday is the latest such
day on or before publication ("Thursday" in a Friday article is the day before) unless the
words before it look ahead ("will", "next", "due"). A bare month or calendar day is the latest
one too ("in March" in May 2018 is 2018-03, "in December" 2017-12), except within the coming
quarter, where news announce dates ("payable Dec. 7" in October); a holiday is the nearest one.
In an earnings report "a year ago" is the same quarter a year before, the one being reported. Our rules cover what dateparser misses ("late Tuesday",
"last December", "November last year", "earlier this year"); dateparser with `RELATIVE_BASE`
handles the rest. Without a publication date only absolute expressions get a value.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import dateparser

from newsweave.model import Entity

if TYPE_CHECKING:
    from spacy.tokens import Doc

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")]
    )
    for m in names
}  # fmt: skip
WEEKDAYS = {
    d: i
    for i, d in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
            "4th": 4}  # fmt: skip
SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]  # fmt: skip
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}  # fmt: skip
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
           "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50, "a hundred": 100}  # fmt: skip
# A bare month or day up to this many days ahead is meant as coming: news report the past but
# announce dates and deadlines of the coming weeks ("payable Dec. 7" in late October).
AHEAD_DAYS = 92

# Words before an expression, in its sentence, that say it looks ahead or back; ahead wins.
TENSE_CUES = re.compile(
    r"\b(?:(?P<future>will|shall|'ll|would|could|might|may|must|can|(?<!had )to be|going to|is to|are to"
    r"|plans? to|planned to|planning|scheduled|expects?|expected|due|set to|supposed to|until|till|next"
    r"|upcoming|deadline|ahead of|as soon as|as early as|hopes? to|wants? to|intends? to|aims? to)"
    r"|(?P<past>said|says|was|were|had|did|met|told|announced|reported|last|since|ago|\w{3,}ed))\b"
    r"(?=[^.;]{0,40}$)",
    re.I,
)
# Words that put an expression in the small hours of its day: "early Wednesday", "2 a.m.
# Wednesday", "shortly after midnight on Wednesday", "in the early hours of Wednesday".
SMALL_HOURS = re.compile(
    r"\b(?:early|overnight|(?:after|past) midnight|before dawn|pre-?dawn|(?:small|wee) hours"
    r"|(?:[1-5]|12)(?:[:.][0-5]\d)?\s*a\.?m\b)",
    re.I,
)
# Cues that the text compares quarterly results, where "a year ago" is a quarter.
EARNINGS = re.compile(r"\bquarter|\b(?:a|per) share\b|\bcents a share", re.I)
NAMED_QUARTER = re.compile(
    r"\b(first|second|third|fourth|1st|2nd|3rd|4th)[- ](?:fiscal[- ])?quarter|\bQ([1-4])\b", re.I
)
COMPARISON = re.compile(r"\b(from|with|than|versus|vs\.?)\b[^.;]{0,40}$", re.I)

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")  # fmt: skip
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|a hundred)"
_VAGUE = r"(?:several|a few|few|some|many|a couple of|a number of)"
_APPROX = r"(?:about |nearly |almost |some |more than |less than |over |roughly |just )"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_SMALL_RE = "|".join(SMALL[1:10])
_SPELLED_YEAR = (
    rf"(?:eighteen|nineteen|twenty)[- ](?:hundred|oh[- ](?:{_SMALL_RE})"
    rf"|(?:{'|'.join(TENS)})(?:[- ](?:{_SMALL_RE}))?|{'|'.join(SMALL[10:])})"
    rf"|two thousand(?: and)?(?: (?:{'|'.join(SMALL[1:])}))?"
)
_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}  # fmt: skip
_HOLIDAY = (
    r"(?:christmas(?: day| eve)?|new year's(?: day| eve)?|thanksgiving(?: day)?|easter(?: sunday"
    r"| monday| week)?|good friday|independence day|election day|memorial day|labor day"
    r"|valentine's day|halloween|veterans day|boxing day|(?:the )?fourth of july|july fourth)"
)


@dataclass(slots=True)
class TimeExpression:
    text: str  # as written: "Thursday", "last December", "October 2015"
    start: int  # character offsets in the text
    end: int
    value: str | None  # TimeML value ("2018-05-17", "2017-12", "2015", "PAST_REF"), None if unknown
    granularity: str | None  # "day", "week", "month", "quarter", "half", "season", "year", ...
    date: date | None  # first day of the period, for sorting; None for references


@dataclass(slots=True, frozen=True)
class _Cues:
    direction: str | None = None  # "past" or "future" from the tense around the expression
    preceding: str = ""  # text before the expression, for earnings-report cues
    small_hours: bool = False  # the expression is the small hours of its day ("2 a.m. Wednesday")


Value = tuple[str, str | None]
Handler = Callable[[re.Match[str], date | None, _Cues], Value | None]


# ---- values ----


def _day(d: date) -> Value:
    return d.isoformat(), "day"


def _month(year: int, month: int) -> Value:
    return f"{year:04d}-{month:02d}", "month"


def _week(d: date) -> Value:
    iso = d.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}", "week"


def _quarter(year: int, quarter: int) -> Value:
    index = year * 4 + quarter - 1
    return f"{index // 4:04d}-Q{index % 4 + 1}", "quarter"


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_number(text: str) -> int:
    key = text.strip(".").lower()
    return MONTHS.get(key) or MONTHS[key[:3]]


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBERS[text]


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _choose(options: list[date], base: date, direction: str | None, ahead: int = 0) -> date:
    """The occurrence a bare expression means: the latest on or before `base`, the first on or
    after it when the context looks ahead or, without a cue, when it is at most `ahead` days
    away (news report the past, but announce dates and deadlines in the coming weeks)."""
    before = [d for d in options if d <= base]
    after = [d for d in options if d >= base]
    if after and (direction == "future" or not before):
        return min(after)
    if after and direction is None and (min(after) - base).days <= ahead:
        return min(after)
    return max(before)


def _relative_unit(unit: str, delta: int, base: date) -> Value:
    if unit == "day":
        return _day(base + timedelta(days=delta))
    if unit == "week":
        return _week(base + timedelta(weeks=delta))
    if unit == "month":
        return _month(*_shift_month(base.year, base.month, delta))
    if unit == "quarter":
        return _quarter(base.year, (base.month - 1) // 3 + 1 + delta)
    if unit == "decade":
        return f"{(base.year // 10 + delta):03d}", "decade"
    if unit == "century":
        return f"{(base.year // 100 + delta):02d}", "century"
    return f"{base.year + delta:04d}", "year"


def _reported_quarter(
    base: date, cues: _Cues, years_back: int = 0, year: int | None = None
) -> Value:
    """The quarter an earnings report is about: the last one named before the expression, or
    else the last completed one; `years_back` years earlier, or in `year`."""
    named = list(NAMED_QUARTER.finditer(cues.preceding[-400:]))
    if named:
        word, digit = named[-1].groups()
        reported, quarter = base.year, int(digit) if digit else ORDINALS[word.lower()]
    else:
        reported, quarter = (int(x) for x in _relative_unit("quarter", -1, base)[0].split("-Q"))
    return _quarter(reported - years_back if year is None else year, quarter)


def _spelled_below_100(words: list[str]) -> int | None:
    if len(words) == 1 and words[0] in SMALL:
        return SMALL.index(words[0])
    if words and words[0] in TENS and len(words) <= 2:
        unit = SMALL.index(words[1]) if len(words) == 2 and words[1] in SMALL[1:10] else 0
        return None if len(words) == 2 and not unit else TENS[words[0]] + unit
    return None


def _spelled_year(text: str) -> int | None:
    """'nineteen ninety-six' -> 1996, 'two thousand' -> 2000: how transcripts write years."""
    words = [w for w in text.lower().replace("-", " ").split() if w != "and"]
    if words[:2] == ["two", "thousand"]:
        rest = _spelled_below_100(words[2:]) if words[2:] else 0
        return None if rest is None else 2000 + rest
    if not words or (words[0] not in SMALL[10:] and words[0] not in TENS):
        return None
    century = _spelled_below_100(words[:1])
    if century is None:
        return None
    if words[1:] == ["hundred"]:
        return century * 100
    if words[1:2] == ["oh"] and len(words) == 3 and words[2] in SMALL[1:10]:
        return century * 100 + SMALL.index(words[2])
    rest = _spelled_below_100(words[1:])
    return None if rest is None or rest < 10 else century * 100 + rest


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month (n = -1: the last)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    return date(year, month, (h + l_ - 7 * m + 114) % 31 + 1)


HOLIDAYS: dict[str, Callable[[int], date]] = {
    "christmas": lambda y: date(y, 12, 25),
    "christmas day": lambda y: date(y, 12, 25),
    "christmas eve": lambda y: date(y, 12, 24),
    "boxing day": lambda y: date(y, 12, 26),
    "new year's": lambda y: date(y, 1, 1),
    "new year's day": lambda y: date(y, 1, 1),
    "new year's eve": lambda y: date(y, 12, 31),
    "valentine's day": lambda y: date(y, 2, 14),
    "independence day": lambda y: date(y, 7, 4),
    "halloween": lambda y: date(y, 10, 31),
    "fourth of july": lambda y: date(y, 7, 4),
    "the fourth of july": lambda y: date(y, 7, 4),
    "july fourth": lambda y: date(y, 7, 4),
    "veterans day": lambda y: date(y, 11, 11),
    "thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "thanksgiving day": lambda y: _nth_weekday(y, 11, 3, 4),
    "election day": lambda y: _nth_weekday(y, 11, 0, 1) + timedelta(days=1),
    "memorial day": lambda y: _nth_weekday(y, 5, 0, -1),
    "labor day": lambda y: _nth_weekday(y, 9, 0, 1),
    "easter": _easter,
    "easter sunday": _easter,
    "easter week": _easter,
    "easter monday": lambda y: _easter(y) + timedelta(days=1),
    "good friday": lambda y: _easter(y) - timedelta(days=2),
}


# ---- normalisation rules: (pattern over the whole lower-cased expression, handler) ----

RULES: list[tuple[re.Pattern[str], Handler]] = []


def rule(pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        RULES.append((re.compile(rf"^(?:the\s+)?(?:{pattern})$", re.I), handler))
        return handler

    return register


@rule(
    r"now|right now|currently|current|at present|presently|nowadays|at the moment|at this time"
    r"|this time|the present|present|these days|so far|for now|at this point|this (?:\w+ )?moment"
)
def _present(m, base, cues):
    return "PRESENT_REF", None


@rule(
    rf"past|recently|more recently|recent|previously|formerly|once|in the past|lately|earlier"
    rf"|the time|years ago|some time ago|a while ago|recent (?:days|weeks|months|years|decades"
    rf"|quarters)(?: and (?:days|weeks|months|years))?|(?:past|last) {_VAGUE} (?:days|weeks|months"
    rf"|years|decades|quarters)|past (?:days|weeks|months|years|decades|quarters)"
    rf"|{_VAGUE} (?:days|weeks|months|years|decades) ago"
)
def _past(m, base, cues):
    return "PAST_REF", None


@rule(
    r"future|(?:the )?(?:near|distant|foreseeable) future|in the future|someday|some day|soon"
    r"|(?:the )?(?:near|short|long|medium)[- ]term|(?:the )?(?:coming|next few|years ahead"
    r"|months ahead|weeks ahead|future) ?(?:days|weeks|months|years|quarters)?|a later date"
    r"|later|eventually|as soon as possible"
)
def _future(m, base, cues):
    return "FUTURE_REF", None


@rule(
    r"(?P<word>today|tonight|this morning|this afternoon|this evening|yesterday|last night"
    r"|tomorrow|the day before yesterday|the day after tomorrow)" + _PART
)
def _deictic(m, base, cues):
    if base is None:
        return None
    offsets = {"yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2,
               "the day after tomorrow": 2}  # fmt: skip
    return _day(base + timedelta(days=offsets.get(m.group("word").lower(), 0)))


@rule(
    rf"(?P<mod>on|last|next|this past|past|this coming|coming|this)?\s*(?P<weekday>{_WEEKDAY})"
    + _PART
)
def _weekday(m, base, cues):
    if base is None:
        return None
    target = WEEKDAYS[m.group("weekday").lower()]
    modifier = (m.group("mod") or "").lower()
    back = (base.weekday() - target) % 7
    forward = (target - base.weekday()) % 7
    if modifier in ("last", "this past", "past"):
        return _day(base - timedelta(days=back or 7))
    if modifier in ("next", "this coming", "coming"):
        return _day(base + timedelta(days=forward or 7))
    if cues.direction == "future" or (forward == 1 and cues.small_hours and not modifier):
        # "early Wednesday" in a Tuesday article: a night that ran past midnight, or a late
        # edition dated in a time zone behind the event's, not the Wednesday before
        return _day(base + timedelta(days=forward))
    return _day(base - timedelta(days=back))


@rule(rf"(?P<mod>last|next|this|this past|past|this coming|coming)?\s*(?P<month>{_MONTH})")
def _month_only(m, base, cues):
    if base is None:
        return None
    month = _month_number(m.group("month"))
    modifier = (m.group("mod") or "").lower()
    if modifier == "this":
        return _month(base.year, month)
    if modifier in ("last", "this past", "past"):
        return _month(base.year if month < base.month else base.year - 1, month)
    direction = "future" if modifier in ("next", "coming", "this coming") else cues.direction
    options = [date(base.year + d, month, 1) for d in (-1, 0, 1)]
    chosen = _choose(options, base.replace(day=1), direction, AHEAD_DAYS)
    return _month(chosen.year, month)


@rule(rf"(?P<month>{_MONTH})\s+(?:of\s+)?(?P<rel>last|next|this) year")
def _month_relative_year(m, base, cues):
    if base is None:
        return None
    year = base.year + {"last": -1, "next": 1, "this": 0}[m.group("rel").lower()]
    return _month(year, _month_number(m.group("month")))


@rule(
    r"(?:in |during |for |over )?(?:the )?(?P<rel>this|last|next|past|previous|coming|current)"
    r" (?P<unit>day|week|month|quarter|year|decade|century)"
)
def _relative(m, base, cues):
    if base is None:
        return None
    delta = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "next": 1,
             "coming": 1}  # fmt: skip
    return _relative_unit(m.group("unit").lower(), delta[m.group("rel").lower()], base)


@rule(r"(?P<unit>year|month)|(?P<end>year|month)(?:[- ]end|'s end)")
def _the_unit(m, base, cues):
    """'The year', 'year-end' (also 'the full year', 'the end of the year': modifiers dropped)."""
    return _relative_unit(m.group("unit") or m.group("end"), 0, base) if base else None


@rule(
    rf"(?:{_APPROX})?(?P<n>{_NUM}) (?P<unit>day|week|month|year|decade)s? (?:ago|earlier|before)"
    r"|(?P<unit2>year)[- ](?:ago|earlier)"
)
def _ago(m, base, cues):
    if base is None:
        return None
    unit = (m.group("unit") or m.group("unit2")).lower()
    n = _number(m.group("n").lower()) if m.group("n") else 1
    if unit == "year" and n == 1 and EARNINGS.search(cues.preceding[-300:]):
        return _reported_quarter(base, cues, years_back=1)
    if unit == "day":
        return _day(base - timedelta(days=n))
    return _relative_unit(unit, -n, base)


@rule(r"last year|the previous year|the prior year")
def _last_year(m, base, cues):
    """A year ago, or in an earnings comparison ("from $3 million last year") that quarter."""
    if base is None:
        return None
    if EARNINGS.search(cues.preceding[-300:]) and COMPARISON.search(cues.preceding):
        return _reported_quarter(base, cues, years_back=1)
    return _relative_unit("year", -1, base)


@rule(
    r"(?P<which>latest |most recent |current |reporting |)(?:quarter|period)"
    r"|(?:comparable |corresponding |same )?(?:year-ago|year-earlier|prior-year|last year's)"
    r" (?:(?!first|second|third|fourth)\w+ )?(?:quarter|period)"
    r"|(?:(?:comparable|corresponding|same) )?(?:quarter|period) (?:a year (?:ago|earlier)|last year)"
)
def _reporting_period(m, base, cues):
    """'The quarter' of an earnings report is the one being reported, named shortly before
    or else the last completed one; 'the year-ago quarter' is that quarter a year before."""
    if base is None:
        return None
    if "current" in (m.group("which") or ""):
        return _relative_unit("quarter", 0, base)
    years_back = 1 if re.search(r"year|last", m.group(0), re.I) else 0
    return _reported_quarter(base, cues, years_back)


@rule(r"(?:this|next|last|the|this past|this coming|that)?\s*weekend")
def _weekend(m, base, cues):
    """The weekend just past, or the coming one when the context looks ahead."""
    if base is None:
        return None
    word = m.group(0).lower()
    if "next" in word or "coming" in word or (cues.direction == "future" and "last" not in word):
        day = base + timedelta(days=(5 - base.weekday()) % 7)
    elif base.weekday() >= 5 and "last" not in word:
        day = base
    else:
        day = base - timedelta(days=base.weekday() + 1)
    return f"{_week(day)[0]}-WE", "week"


@rule(
    rf"(?P<mod>last|this|next|this past|past|the)?\s*(?P<season>spring|summer|fall|autumn|winter)"
    rf"(?:\s+(?:of\s+)?(?P<year>{_YEAR}|{_SPELLED_YEAR}))?"
)
def _season(m, base, cues):
    code = SEASONS[m.group("season").lower()]
    if m.group("year"):
        year = _year_number(m.group("year"))
        return (f"{year:04d}-{code}", "season") if year else None
    if base is None:
        return None
    year = base.year + {"last": -1, "next": 1}.get((m.group("mod") or "").lower(), 0)
    return f"{year:04d}-{code}", "season"


@rule(
    rf"(?:(?P<rel>this|last|next|the latest|latest|its|fiscal|this year's|last year's"
    rf"|next year's|year-ago|year-earlier|the year-ago|the year-earlier|(?P<y1>{_YEAR}))[- ])?"
    rf"(?:fiscal[- ])?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[- ](?:fiscal[- ])?"
    rf"quarter(?: of (?:fiscal )?(?P<y2>{_YEAR}))?"
    rf"|(?P<ord2>first|second|third|fourth) quarters? of (?:fiscal )?(?P<y3>{_YEAR})"
    rf"|(?P<y4>{_YEAR}) (?:quarter|period)"
)
def _quarter_rule(m, base, cues):
    year_text = m.group("y1") or m.group("y2") or m.group("y3") or m.group("y4")
    year = int(year_text) if year_text else (base.year if base else None)
    if year is None:
        return None
    if m.group("y4"):
        return _reported_quarter(base, cues, year=year) if base else None
    q = ORDINALS[(m.group("ord") or m.group("ord2")).lower()]
    rel = (m.group("rel") or "").lower()
    if not year_text and ("last" in rel or "ago" in rel or "earlier" in rel):
        year -= 1
    elif not year_text and "next" in rel:
        year += 1
    return _quarter(year, q)


@rule(
    rf"(?P<ord>first|second|last|1st|2nd) half(?: of (?:(?:the|this) year|(?:fiscal )?"
    rf"(?P<year>{_YEAR})|(?P<rel>last|next|this) year))?|first (?:two|2) quarters of (?P<y2>{_YEAR})"
)
def _half(m, base, cues):
    half = 1 if m.group("y2") else (1 if (m.group("ord") or "").lower() in ("first", "1st") else 2)
    year_text = m.group("year") or m.group("y2")
    if year_text:
        return f"{year_text}-H{half}", "half"
    if base is None:
        return None
    year = base.year + {"last": -1, "next": 1}.get((m.group("rel") or "").lower(), 0)
    return f"{year:04d}-H{half}", "half"


@rule(
    rf"(?P<century>1[89]|20)(?P<decade>\d)0'?s|'?(?P<short>[1-9])0'?s"
    rf"|(?P<word>{'|'.join(_DECADE_WORDS)})"
)
def _decade(m, base, cues):
    if m.group("century"):
        return f"{m.group('century')}{m.group('decade')}", "decade"
    digit = int(m.group("short") or _DECADE_WORDS.get((m.group("word") or "").lower(), 0))
    if not digit:
        return None
    year = base.year if base else 1999
    century = year // 100 if digit <= (year // 10) % 10 else year // 100 - 1
    return f"{century:02d}{digit}", "decade"


@rule(r"(?P<n>\d{1,2})(?:st|nd|rd|th) century|(?P<word>\w+) century")
def _century(m, base, cues):
    words = {"first": 1, "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "eighteenth": 18}
    n = int(m.group("n")) if m.group("n") else words.get((m.group("word") or "").lower())
    return (f"{n - 1:02d}", "century") if n else None


def _year_number(text: str) -> int | None:
    return int(text) if text.isdigit() else _spelled_year(text)


@rule(
    rf"(?:(?:fiscal|calendar|the year|model year|post|pre)[- ]?)?(?P<year>{_YEAR}|{_SPELLED_YEAR})"
    r"(?:'s)?"
)
def _year(m, base, cues):
    year = _year_number(m.group("year"))
    return (f"{year:04d}", "year") if year else None


@rule(rf"(?P<month>{_MONTH}),?\s+(?:of\s+)?(?P<year>{_YEAR}|{_SPELLED_YEAR})")
def _month_year(m, base, cues):
    year = _year_number(m.group("year"))
    return _month(year, _month_number(m.group("month"))) if year else None


@rule(
    rf"(?:{_WEEKDAY},?\s+)?(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,?\s+(?P<year>\d{{4}}))?|(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<day2>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>{_MONTH}),?(?:\s+(?P<year2>\d{{4}}))?"
    rf"|(?P<m3>\d{{1,2}})/(?P<d3>\d{{1,2}})/(?P<y3>\d{{4}}|\d{{2}})"
)
def _full_date(m, base, cues):
    if m.group("m3"):
        month, day, year_text = int(m.group("m3")), int(m.group("d3")), m.group("y3")
        if len(year_text) == 2:
            year_text = ("19" if int(year_text) > 30 else "20") + year_text
    else:
        month = _month_number(m.group("month") or m.group("month2"))
        day = int(m.group("day") or m.group("day2"))
        year_text = m.group("year") or m.group("year2")
    if year_text:
        return (
            _day(date(int(year_text), month, day)) if _valid(int(year_text), month, day) else None
        )
    if base is None:
        return None
    options = [
        date(y, month, day) for y in range(base.year - 1, base.year + 2) if _valid(y, month, day)
    ]
    # A calendar day lacks only its year, which tense says little about: "was extended to
    # Nov. 16" is a coming day. The nearest occurrence decides, unless the text looks ahead.
    direction = "future" if cues.direction == "future" else None
    return _day(_choose(options, base, direction, AHEAD_DAYS)) if options else None


@rule(r"(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?")
def _iso(m, base, cues):
    year, month = int(m.group("y")), int(m.group("m"))
    if not m.group("d"):
        return _month(year, month) if 1 <= month <= 12 else None
    day = int(m.group("d"))
    return _day(date(year, month, day)) if _valid(year, month, day) else None


@rule(rf"(?P<mod>last|next|this|this past|this coming)?\s*(?P<name>{_HOLIDAY})")
def _holiday(m, base, cues):
    name = m.group("name").lower()
    if base is None:
        return None
    days = [HOLIDAYS[name](y) for y in (base.year - 1, base.year, base.year + 1)]
    modifier = (m.group("mod") or "").lower()
    if modifier == "this":
        day = days[1]
    elif modifier in ("last", "this past"):
        day = max(d for d in days if d < base)
    elif modifier in ("next", "this coming"):
        day = min(d for d in days if d > base)
    else:
        day = _choose(days, base, cues.direction, 182)
    return _week(day) if name.endswith("week") else _day(day)


@rule(r"week of (?P<rest>.+)")
def _week_of(m, base, cues):
    value, granularity = normalise(m.group("rest"), base, direction=cues.direction)
    return _week(date.fromisoformat(value)) if granularity == "day" and value else None


# Words around an expression that qualify it without changing its TimeML value.
_MODIFIER = re.compile(
    r"^(?:(?:the|its|their|this year's|a (?:good|large|big) part of) "
    r"|(?:as early as|as late as|as of|some time|sometime|earlier|early|later|late|mid|middle"
    r"|end|beginning|start|turn|rest|remainder|first part|last part|good part|much|most|all|part"
    r"|around|about|approximately|roughly|until|till|by|since|in|on|at|over|during|through"
    r"|throughout|from|before|after|for|of|post|pre|full|fiscal|calendar|financial|latest|current"
    r"|comparable|entire|whole|same)(?: of(?: the)? |[- ]))+",
    re.I,
)
_TRAILER = re.compile(
    r"(?:'s| and beyond| or later| or earlier| or so| at the latest| alone)$", re.I
)
# A length of time, not a date: no value ("three years", "the past two weeks").
_DURATION = re.compile(
    rf"^(?:the )?(?:(?:past|last|next|coming|first|final|previous|following) )?(?:{_APPROX})?"
    rf"(?:{_NUM} |{_VAGUE} )?(?:[\w-]+ )?(?:day|week|month|year|decade|quarter|hour|minute)s?$",
    re.I,
)
_DATE_WORD = re.compile(rf"\d|day|week|month|year|\b{_MONTH}\b", re.I)


def _apply_rules(text: str, base: date | None, cues: _Cues) -> Value | bool | None:
    """The value from the first matching rule, None if it matched without a value, False if no
    rule matched."""
    for pattern, handler in RULES:
        match = pattern.match(text)
        if match:
            return handler(match, base, cues)
    return False


def normalise(
    expression: str,
    base: date | None,
    *,
    context: str = "",
    direction: str | None = None,
    following: str = "",
) -> tuple[str | None, str | None]:
    """(TimeML value, granularity) of one temporal expression relative to `base`.

    `context` is the text just before the expression: its tense decides whether a bare
    weekday or month looks back ("met Thursday") or ahead ("will meet on Friday"), and in an
    earnings report it names the quarter being compared. `direction` ("past"/"future")
    overrides the tense read from the context. `following` is the text just after it: "at 2
    a.m." there, or "early" before it, puts a weekday in its small hours, so the day after
    publication is that day (a match that ended after midnight), not the week before.
    """
    before, after = context[-50:].rsplit("\n", 1)[-1], following[:25].split("\n", 1)[0]
    small_hours = bool(SMALL_HOURS.search(f"{before} {expression} {after}"))
    cues = _Cues(direction or context_direction(context[-120:]), context, small_hours)
    text = " ".join(expression.strip().strip(".,;:\"'()").split())
    candidates = [text]
    stripped = _TRAILER.sub("", _MODIFIER.sub("", text))
    if stripped and stripped != text:
        candidates.append(stripped)
    for candidate in candidates:
        result = _apply_rules(candidate, base, cues)
        if result is None:
            return None, None
        if isinstance(result, tuple):
            return result
    if _DURATION.match(text) or not _DATE_WORD.search(text):
        return None, None
    # dateparser for the rest; without a base only a complete date is absolute enough.
    settings = (
        {"RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": "past"}
        if base
        else {"REQUIRE_PARTS": ["day", "month", "year"]}
    )
    parsed = dateparser.parse(stripped or text, languages=["en"], settings=settings)
    return _day(parsed.date()) if parsed else (None, None)


def _to_date(value: str | None) -> date | None:
    """First day of the period a TimeML value names."""
    if not value or not value[:1].isdigit():
        return None
    if match := re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value):
        return date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    if match := re.fullmatch(r"(\d{4})-W(\d{2})(-WE)?", value):
        return date.fromisocalendar(int(match[1]), int(match[2]), 6 if match[3] else 1)
    if match := re.fullmatch(r"(\d{4})-([QH])(\d)", value):
        return date(int(match[1]), (3 if match[2] == "Q" else 6) * (int(match[3]) - 1) + 1, 1)
    if match := re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", value):
        return date(int(match[1]), {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[match[2]], 1)
    if re.fullmatch(r"\d{2,3}", value):
        return date(int(value.ljust(4, "0")), 1, 1)
    return None


# ---- recognition ----

_LEAD = r"(?:(?:early|earlier|late|later|mid)[- ]|(?:the )?(?:end|beginning|start|middle) of )?"
# In running text a month is capitalised ("may" and "march" are verbs), and a bare one is
# written out or abbreviated with a dot ("Jan" alone is a name).
_CAP_MONTH = (r"(?-i:(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?"
              r"|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?)")  # fmt: skip
_BARE_MONTH = (r"(?-i:(?:January|February|March|April|May|June|July|August|September|October"
               r"|November|December|(?:Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.))")  # fmt: skip
# A number in the years' range that counts something is not a year ("2000 people").
_NOT_COUNT = (r"(?![,.]?\d| (?:percent|people|troops|km|miles|feet|meters|tons|votes|members"
              r"|workers|soldiers|cases|times))")  # fmt: skip
_EXPRESSIONS = [
    rf"(?:{_WEEKDAY},?\s+)?{_CAP_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}",
    rf"(?:{_WEEKDAY},?\s+)?{_CAP_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!,?\s*\d|:)",
    rf"(?:{_WEEKDAY},?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_CAP_MONTH}(?:,?\s+{_YEAR})?",
    rf"{_YEAR}-\d{{2}}-\d{{2}}",
    rf"{_LEAD}{_CAP_MONTH}\s+(?:of\s+)?(?:last|next|this) year",
    rf"{_LEAD}{_CAP_MONTH},?\s+(?:of\s+)?(?:{_YEAR}|{_SPELLED_YEAR})",
    rf"(?:late|early|earlier|later|last|next|this past|this coming|this)\s+{_WEEKDAY}{_PART}",
    rf"{_LEAD}(?:last|next|this|this past|this coming)\s+{_BARE_MONTH}",
    rf"{_WEEKDAY}{_PART}",
    rf"{_LEAD}(?:this|last|next|past|previous|coming|current) (?:week|month|quarter|year|decade"
    r"|century)(?:'s)?",
    r"(?:the )?(?:coming|next few|past few|last few|recent) (?:days|weeks|months|years)",
    rf"(?:{_APPROX})?(?:{_NUM}|{_VAGUE}) (?:day|week|month|year|decade)s? (?:ago|earlier)",
    r"(?:(?:early|earlier|late|later) )?(?:yesterday|today|tonight|tomorrow|last night"
    r"|this morning|this afternoon|this evening)",
    rf"(?:the )?(?:(?:this|last|next|its|year-ago|year-earlier|{_YEAR}|(?:this|last|next) year's) )?(?:fiscal )?"
    rf"(?:first|second|third|fourth)[- ]quarter(?: of (?:fiscal )?{_YEAR})?",
    rf"(?:the )?(?:first|second) half(?: of (?:{_YEAR}|(?:this|last|next) year|the year))?",
    rf"(?:the )?(?:latest|most recent|current|year-ago|year-earlier|comparable|corresponding"
    rf"|{_YEAR}) (?:quarter|period)(?: a year (?:ago|earlier)| last year)?|(?-i:the quarter)"
    r"|year-(?:ago|earlier)",
    r"the (?:full|fiscal|current fiscal|calendar) year|year[- ]end|year's end",
    r"(?:the )?(?:early |late |mid-?)?(?:(?:1[89]|20)\d0|'[1-9]0)'?s",
    rf"the (?:early |late |mid-)?(?:{'|'.join(_DECADE_WORDS)})",
    r"the (?:\d{1,2}(?:st|nd|rd|th)|nineteenth|twentieth|twenty-first) century",
    rf"(?:(?:last|this|next|this past|this coming) )?{_HOLIDAY}",
    rf"(?:last|this|next|this past) (?:spring|summer|fall|autumn|winter)"
    rf"|(?:spring|summer|fall|autumn|winter) (?:of )?{_YEAR}|the (?:early )?(?:summer|winter)",
    r"(?:this|last|next|the) weekend",
    rf"(?:early|late|mid)[- ]{_YEAR}|(?:the )?(?:end|beginning|start|middle) of {_YEAR}",
    r"(?:(?:right )?now|currently|nowadays|recently|the (?:near )?future)",
    # A bare month or year counts only where a date can stand; the group `x` is the expression.
    rf"(?:(?:in|since|until|till|by|from|during|before|after|of|through|for|to|the|a|an|that"
    rf"|early|late|mid)\s+|(?:early|late|mid)-)(?P<x>{_BARE_MONTH})(?! \d)",
    rf"(?:in|since|until|by|from|during|before|after|of|year|fiscal|through|between|for|into|due"
    rf"|the|a|an|his|her|its|their|our|that|this|both|'s) (?P<x>{_YEAR}|{_SPELLED_YEAR}){_NOT_COUNT}",
]
_RECOGNIZERS = [re.compile(rf"\b(?:{p})\b", re.I) for p in _EXPRESSIONS]
_LIST_YEAR = re.compile(rf"^(?:,| and| or| to|-|–)\s?(?:and )?({_YEAR})\b{_NOT_COUNT}")


def _spans(text: str, extra: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Non-overlapping expression spans, the longest winning where candidates overlap; `extra`
    spans (spaCy's) only where none of ours is."""
    candidates = []
    for pattern in _RECOGNIZERS:
        for match in pattern.finditer(text):
            group = "x" if "x" in pattern.groupindex and match.group("x") else 0
            candidates.append((match.start(group), match.end(group)))
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    for start, end in sorted(chosen):  # years listed after a year: "in 1994, 1995 and 1997"
        while re.fullmatch(_YEAR, text[end - 4 : end]) and (m := _LIST_YEAR.match(text[end:])):
            start, end = end + m.start(1), end + m.end(1)
            if any(s < end and start < e for s, e in chosen):
                break
            chosen.append((start, end))
    for start, end in sorted(extra or [], key=lambda c: (-(c[1] - c[0]), c[0])):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    return sorted(chosen)


def context_direction(preceding: str) -> str | None:
    """'future', 'past' or None from tense cues in the words just before an expression."""
    cues = list(TENSE_CUES.finditer(preceding[-120:]))
    if not cues:
        return None
    return "future" if any(c.group("future") for c in cues) else "past"


def _entity_spans(doc: Doc | None) -> list[tuple[int, int]]:
    """spaCy DATE entities, which find what our patterns miss ("the year-earlier period")."""
    if doc is None:
        return []
    return [
        (ent.start_char, ent.end_char)
        for ent in doc.ents
        if ent.label_ == "DATE"
        and not re.search(r"\d-year-old|\bage\b|\bold\b", ent.text, re.I)
        and not _DURATION.match(ent.text)
    ]


# ---- names that hold a date ("the March 14 alliance") ----

NAME_LABELS = frozenset({"ORG", "FAC", "GPE", "NORP", "LOC"})
"""spaCy labels of names that may hold a date: a span of one of these around an expression
makes it part of a name."""


@dataclass(frozen=True, slots=True)
class NameRules:
    """Patterns of `rules/dates.toml`: words around an expression that make it part of a name."""

    after: re.Pattern[str]  # "... Alliance", "... Youth Movement"
    before: re.Pattern[str]  # "Movement of ..."
    date_word: re.Pattern[str]  # "on ...": a date, whatever follows


@cache
def load_name_rules() -> NameRules:
    text = resources.files("newsweave.rules").joinpath("dates.toml").read_text("utf-8")
    data = tomllib.loads(text)
    groups = "|".join(re.escape(w) for w in data["group_heads"])
    places = "|".join(re.escape(w) for w in data["place_heads"])
    heads = rf"(?:(?i:{groups})|{places})\b"
    words = "|".join(re.escape(w) for w in data["date_prepositions"])
    return NameRules(
        after=re.compile(rf"^(?:'s)?\s+(?:[A-Z][\w'’-]*\s+){{0,2}}?{heads}"),
        before=re.compile(rf"\b(?:{groups}|{places})\s+of\s+(?:the\s+)?$"),  # capitalised
        date_word=re.compile(rf"\b(?i:{words})\s+$"),
    )


_HOLIDAY_ONLY = re.compile(rf"^(?:(?:last|this|next|this past) )?{_HOLIDAY}$", re.I)


def is_name(text: str, start: int, end: int, names: Iterable[tuple[int, int]] = ()) -> bool:
    """Whether `text[start:end]` is part of a name rather than a date: a bloc, movement or
    place named after a day ("Lebanon's March 14 alliance", "the 26th of July Movement",
    "6th of October Bridge"), by the words around it or by a named entity (`names`: spans of
    organisations, places, nationalities) that holds it and more. A holiday is a date, and so
    is an expression with its year ("the 1956 uprising" names the year it happened)."""
    if _HOLIDAY_ONLY.match(text[start:end]):
        return False
    if any(s <= start and end <= e and e - s > end - start for s, e in names):
        return True
    rules = load_name_rules()
    before = text[max(0, start - 40) : start]
    if rules.date_word.search(before) or re.search(_YEAR, text[start:end]):
        return False  # "on Tuesday forces ...", "the 1956 uprising" (a year is its own)
    return bool(rules.after.match(text[end : end + 60]) or rules.before.search(before))


def name_spans(doc: Doc | None, entities: Iterable[Entity] = ()) -> list[tuple[int, int]]:
    """Character spans of the names (`NAME_LABELS`) among a spaCy `doc`'s entities and an
    article's stored `entities`."""
    ents = doc.ents if doc is not None else ()
    spans = [(e.start_char, e.end_char) for e in ents if e.label_ in NAME_LABELS]
    return spans + [(e.start, e.end) for e in entities if e.label in NAME_LABELS]


def find_time_expressions(
    text: str,
    published: date | None,
    doc: Doc | None = None,
    *,
    names: Iterable[tuple[int, int]] = (),
) -> list[TimeExpression]:
    """Every temporal expression in `text`, normalised against `published`.

    With a spaCy `doc` of the same text its DATE entities are candidates too; ours win where
    they overlap, and an entity we cannot give a value is dropped. An expression that is part
    of a name (`is_name`; `names`: spans of named entities, the doc's own are added) is not a
    date and is left out.
    """
    found = []
    entities = set(_entity_spans(doc))
    named = [*names, *name_spans(doc)]
    for start, end in _spans(text, list(entities)):
        if is_name(text, start, end, named):
            continue
        phrase = text[start:end]
        value, granularity = normalise(
            phrase,
            published,
            context=text[max(0, start - 400) : start],
            following=text[end : end + 40],
        )
        if value is None and (start, end) in entities:
            continue
        found.append(TimeExpression(phrase, start, end, value, granularity, _to_date(value)))
    return found
