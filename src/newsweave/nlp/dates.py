"""Temporal expressions: found in text and normalised against the article's publication date.

Values follow TimeML (TIMEX3): "2018-05-17" (day), "2018-W20" (week), "2017-12" (month),
"2018-Q3" (quarter), "2018-SU" (season), "2018" (year), "201" (decade), and the references
"PRESENT_REF", "PAST_REF", "FUTURE_REF". Granularity is kept explicitly: dateparser fills a
missing day from its base ("December 2017" -> 2017-12-18), which would show a month as a day.

News conventions decide what a relative expression means: a bare weekday is the latest such
day on or before publication ("Thursday" in a Friday article is the day before) unless the
context looks ahead ("will", "next"); a bare month is the latest such month not after
publication ("in March" in May 2018 is 2018-03, "in December" is 2017-12). Our rules cover
what dateparser misses ("late Tuesday", "last December", "November last year", "earlier this
year"); dateparser with `RELATIVE_BASE` handles the rest. Without a publication date only
absolute expressions get a value: nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser

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
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "several": 3, "a few": 3, "few": 3}  # fmt: skip
PRESENT = (
    "now",
    "currently",
    "at present",
    "presently",
    "today's",
    "nowadays",
    "at the moment",
    "this time",
)
PAST = (
    "the past",
    "recently",
    "previously",
    "formerly",
    "once",
    "earlier",
    "in the past",
    "lately",
    "before",
)
FUTURE = ("the future", "future", "in the future", "soon", "someday", "eventually", "later")
LOOKING_AHEAD = re.compile(
    r"\b(will|shall|to be|going to|plans?|planned|scheduled|expected|due|set to)\b[^.]{0,40}$", re.I
)
LOOKING_BACK = re.compile(
    r"\b(said|says|was|were|had|did|met|told|announced|reported|\w{3,}ed)\b[^.]{0,40}$", re.I
)

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few|few)"


@dataclass(slots=True)
class TimeExpression:
    text: str
    start: int
    end: int
    value: str | None
    granularity: str | None
    date: date | None


# ---- normalisation rules: (pattern over the whole lower-cased expression, handler) ----

Handler = Callable[[re.Match[str], date | None], tuple[str, str] | None]


def _day(d: date) -> tuple[str, str]:
    return d.isoformat(), "day"


def _month(year: int, month: int) -> tuple[str, str]:
    return f"{year:04d}-{month:02d}", "month"


def _week(d: date) -> tuple[str, str]:
    iso = d.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}", "week"


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_number(text: str) -> int:
    key = text.strip(".").lower()
    return MONTHS.get(key) or MONTHS[key[:3]]


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBERS[text]


def _weekday(
    m: re.Match[str], base: date | None, direction: str | None = None
) -> tuple[str, str] | None:
    if base is None:
        return None
    target = WEEKDAYS[m.group("weekday").lower()]
    modifier = (m.group("mod") or "").strip().lower()
    back = (base.weekday() - target) % 7
    forward = (target - base.weekday()) % 7
    if modifier in ("last", "this past", "past"):
        return _day(base - timedelta(days=back or 7))
    if modifier == "next":
        return _day(base + timedelta(days=forward or 7))
    if direction == "past" or modifier in ("late", "early"):
        return _day(base - timedelta(days=back))
    if direction == "future":
        return _day(base + timedelta(days=forward))
    return _day(base - timedelta(days=back) if back <= forward else base + timedelta(days=forward))


def _month_only(
    m: re.Match[str], base: date | None, direction: str | None = None
) -> tuple[str, str] | None:
    if base is None:
        return None
    month = _month_number(m.group("month"))
    modifier = (m.group("mod") or "").strip().lower()
    if modifier == "this":
        return _month(base.year, month)
    if modifier == "next":
        direction = "future"
    elif modifier == "last":
        return _month(base.year if month < base.month else base.year - 1, month)
    before = base.year if month <= base.month else base.year - 1
    after = base.year if month >= base.month else base.year + 1
    if direction == "past":
        return _month(before, month)
    if direction == "future":
        return _month(after, month)
    distance_back = (base.year - before) * 12 + base.month - month
    distance_ahead = (after - base.year) * 12 + month - base.month
    return _month(before if distance_back <= distance_ahead else after, month)


def _relative_unit(unit: str, delta: int, base: date) -> tuple[str, str]:
    if unit == "day":
        return _day(base + timedelta(days=delta))
    if unit == "week":
        return _week(base + timedelta(weeks=delta))
    if unit == "month":
        return _month(*_shift_month(base.year, base.month, delta))
    if unit == "quarter":
        q = (base.month - 1) // 3 + delta
        return f"{base.year + q // 4:04d}-Q{q % 4 + 1}", "quarter"
    if unit == "decade":
        return f"{(base.year // 10 + delta):03d}", "decade"
    return f"{base.year + delta:04d}", "year"


RULES: list[tuple[re.Pattern[str], Handler]] = []


def rule(pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        RULES.append((re.compile(rf"^(?:the\s+)?{pattern}$", re.I), handler))
        return handler

    return register


@rule(
    r"(?P<word>now|currently|current|at present|presently|nowadays|at the moment|at this time|this time|the present|present|these days)"
)
def _present(m, base):
    return "PRESENT_REF", "reference"


@rule(
    r"(?P<word>the past|past|recently|recent|recent years|previously|formerly|once|in the past|lately|the time|years ago|some time ago|a while ago)"
)
def _past(m, base):
    return "PAST_REF", "reference"


@rule(
    r"(?P<word>the future|future|in the future|someday|soon|the coming years|coming years|the years ahead)"
)
def _future(m, base):
    return "FUTURE_REF", "reference"


@rule(
    r"(?P<word>today|tonight|this morning|this afternoon|this evening|yesterday|last night|tomorrow|the day before yesterday)"
)
def _deictic(m, base):
    if base is None:
        return None
    offsets = {"yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2}
    return _day(base + timedelta(days=offsets.get(m.group("word").lower(), 0)))


@rule(
    rf"(?P<mod>late|early|on|last|next|this past|past|this)?\s*(?P<weekday>{_WEEKDAY})(?:\s+(?:morning|afternoon|evening|night))?"
)
def _weekday_rule(m, base):
    return _weekday(m, base)


@rule(rf"(?P<mod>last|next|this|in|since|until|by|early|late|mid-?)?\s*(?P<month>{_MONTH})")
def _month_rule(m, base):
    return _month_only(m, base)


@rule(rf"(?P<month>{_MONTH})\s+(?:of\s+)?(?P<rel>last|next|this) year")
def _month_relative_year(m, base):
    if base is None:
        return None
    year = base.year + {"last": -1, "next": 1, "this": 0}[m.group("rel").lower()]
    return _month(year, _month_number(m.group("month")))


@rule(
    r"(?:(?:early|late|earlier|later) )?(?:in |during |for )?(?P<rel>this|last|next|past|the past|previous|the previous|coming|the coming) (?P<unit>day|week|month|quarter|year|decade)"
)
def _relative(m, base):
    if base is None:
        return None
    delta = {
        "this": 0,
        "last": -1,
        "past": -1,
        "the past": -1,
        "previous": -1,
        "the previous": -1,
        "next": 1,
        "coming": 1,
        "the coming": 1,
    }
    return _relative_unit(m.group("unit").lower(), delta[m.group("rel").lower()], base)


@rule(
    r"(?P<which>latest |most recent |)(?:quarter|period)|(?P<ago>year-ago|year-earlier|a year earlier) (?:quarter|period)"
)
def _reporting_quarter(m, base):
    """ "The quarter" in a news report is the last completed one, the one results are out for."""
    if base is None:
        return None
    year, quarter = _relative_unit("quarter", -1, base)[0].split("-Q")
    return f"{int(year) - (1 if m.group('ago') else 0):04d}-Q{quarter}", "quarter"


@rule(r"(?:this |next |last |the )?(?P<rel>)weekend")
def _weekend(m, base):
    if base is None:
        return None
    value, _ = _week(base)
    return f"{value}-WE", "week"


@rule(r"(?:the )?(?:current |same )?year")
def _the_year(m, base):
    return (f"{base.year:04d}", "year") if base else None


@rule(r"(?:earlier|later) this (?P<unit>week|month|year)")
def _earlier_this(m, base):
    return _relative_unit(m.group("unit").lower(), 0, base) if base else None


@rule(
    rf"(?:about |nearly |almost |some |more than )?(?P<n>{_NUM}) (?P<unit>day|week|month|year|decade)s? (?:ago|earlier|before)"
)
def _ago(m, base):
    if base is None:
        return None
    n, unit = _number(m.group("n").lower()), m.group("unit").lower()
    if unit == "day":
        return _day(base - timedelta(days=n))
    return _relative_unit(unit, -n, base)


@rule(r"(?P<unit>week|month|year|decade) ago|a (?P<unit2>week|month|year|decade) earlier")
def _one_ago(m, base):
    unit = (m.group("unit") or m.group("unit2")).lower()
    return _relative_unit(unit, -1, base) if base else None


@rule(
    r"(?P<mod>last|this|next|this past|past|the)?\s*(?P<season>spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(?P<year>\d{4}))?"
)
def _season(m, base):
    code = SEASONS[m.group("season").lower()]
    if m.group("year"):
        return f"{m.group('year')}-{code}", "season"
    if base is None:
        return None
    year = base.year + {"last": -1, "next": 1}.get((m.group("mod") or "").lower(), 0)
    return f"{year:04d}-{code}", "season"


@rule(
    r"(?:(?P<rel>this|last|next|the latest|the|latest|its|the fiscal|fiscal) )?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[- ]quarter(?: of (?P<year>\d{4}))?|(?P<rel2>this|last|next|the latest|the|latest) quarter"
)
def _quarter(m, base):
    year = int(m.group("year")) if m.group("year") else (base.year if base else None)
    if year is None:
        return None
    if m.group("ord"):
        q = ORDINALS[m.group("ord").lower()]
        if (m.group("rel") or "").lower() == "last":
            year -= 1
        return f"{year:04d}-Q{q}", "quarter"
    delta = {"last": -1, "next": 1}.get((m.group("rel2") or "").lower(), 0)
    return _relative_unit("quarter", delta, base) if base else None


@rule(
    r"(?:(?:early|late|mid|the early|the late|the mid)[- ])?(?P<century>1[89]|20)(?P<decade>\d)0'?s"
)
def _decade(m, base):
    return f"{m.group('century')}{m.group('decade')}", "decade"


@rule(r"(?:in |since |by |until |during |of |fiscal |calendar )?(?P<year>1[89]\d\d|20\d\d)")
def _year(m, base):
    return m.group("year"), "year"


@rule(rf"(?P<month>{_MONTH})\s+(?P<year>\d{{4}})")
def _month_year(m, base):
    return _month(int(m.group("year")), _month_number(m.group("month")))


@rule(
    rf"(?:{_WEEKDAY},?\s+)?(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?|(?:{_WEEKDAY},?\s+)?(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>{_MONTH})(?:,?\s+(?P<year2>\d{{4}}))?"
)
def _full_date(m, base):
    month = _month_number(m.group("month") or m.group("month2"))
    day = int(m.group("day") or m.group("day2"))
    year_text = m.group("year") or m.group("year2")
    if year_text:
        year = int(year_text)
    elif base is not None:  # the nearest such day, as news reports mean
        options = [y for y in (base.year - 1, base.year, base.year + 1) if _valid(y, month, day)]
        if not options:
            return None
        year = min(options, key=lambda y: abs((date(y, month, day) - base).days))
    else:
        return None
    try:
        return _day(date(year, month, day))
    except ValueError:
        return None


@rule(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")
def _iso(m, base):
    try:
        return _day(date(int(m.group("y")), int(m.group("m")), int(m.group("d"))))
    except ValueError:
        return None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _to_date(value: str | None) -> date | None:
    if not value:
        return None
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", value)
    if match:
        return date(int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1))
    match = re.match(r"^(\d{4})-W(\d{2})$", value)
    if match:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    match = re.match(r"^(\d{4})-Q(\d)$", value)
    if match:
        return date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1)
    return None


def normalise(
    expression: str, base: date | None, *, direction: str | None = None
) -> tuple[str | None, str | None]:
    """(TimeML value, granularity) of one temporal expression relative to `base`.

    `direction` is what the context says of a bare weekday or month: "past" ("met Thursday"),
    "future" ("will meet on Friday"), or None for the nearest occurrence.
    """
    text = " ".join(expression.strip().strip(".,;:").split())
    for pattern, handler in RULES:
        match = pattern.match(text)
        if match:
            if handler is _weekday_rule:
                result = _weekday(match, base, direction)
            elif handler is _month_rule:
                result = _month_only(match, base, direction)
            else:
                result = handler(match, base)
            if result:
                return result
            return None, None
    if base is None:
        return None, None
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(base.year, base.month, base.day),
            "PREFER_DATES_FROM": "past",
        },
    )
    return _day(parsed.date()) if parsed else (None, None)


# ---- recognition ----

_EXPRESSIONS = [
    rf"{_WEEKDAY},?\s+{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?",
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}",
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}",
    r"\d{4}-\d{2}-\d{2}",
    rf"{_MONTH}\s+(?:of\s+)?(?:last|next|this) year",
    rf"{_MONTH}\s+\d{{4}}",
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!,?\s*\d)",
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}",
    rf"(?:late|early|last|next|this past|this)\s+{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?",
    rf"(?:last|next|this)\s+{_MONTH}",
    rf"{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?",
    r"(?:earlier|later) this (?:week|month|year)",
    r"(?:last|this|next|past|previous|coming) (?:week|month|quarter|year|decade)",
    rf"(?:about |nearly |almost |some |more than )?{_NUM} (?:day|week|month|year|decade)s? ago",
    r"(?:yesterday|today|tonight|tomorrow|last night|this morning|this afternoon|this evening)",
    r"(?:first|second|third|fourth)[- ]quarter(?: of \d{4})?",
    r"(?:early |late |mid-?)?(?:1[89]|20)\d0'?s",
    # A bare month or year counts only after a preposition; the group `x` is the expression.
    rf"(?:in|since|until|by|from|during|before|after|early|late|mid|of) (?P<x>{_MONTH})(?! \d)",
    r"(?:in|since|until|by|from|during|before|after|early|late|mid|of|year|fiscal) (?P<x>(?:1[89]\d\d|20\d\d))(?![,.]?\d)",
]
_RECOGNIZERS = [re.compile(rf"\b(?:{p})\b", re.I) for p in _EXPRESSIONS]


def _spans(text: str) -> list[tuple[int, int]]:
    """Non-overlapping expression spans, the longest winning where candidates overlap."""
    candidates = []
    for pattern in _RECOGNIZERS:
        for match in pattern.finditer(text):
            group = "x" if "x" in pattern.groupindex and match.group("x") else 0
            candidates.append((match.start(group), match.end(group)))
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    return sorted(chosen)


def context_direction(preceding: str) -> str | None:
    """'future', 'past' or None from the words just before an expression (tense cues)."""
    if LOOKING_AHEAD.search(preceding):
        return "future"
    if LOOKING_BACK.search(preceding):
        return "past"
    return None


def find_time_expressions(text: str, published: date | None) -> list[TimeExpression]:
    """Every temporal expression in `text`, normalised against `published`."""
    found = []
    for start, end in _spans(text):
        phrase = text[start:end]
        value, granularity = normalise(
            phrase, published, direction=context_direction(text[max(0, start - 60) : start])
        )
        found.append(TimeExpression(phrase, start, end, value, granularity, _to_date(value)))
    return found


def event_date_candidates(
    text: str, published: date | None, lead_chars: int = 600
) -> list[TimeExpression]:
    """Day-granularity expressions in the lead of an article, the likeliest dates of its event.

    News leads say when the reported event happened ("met Thursday"); later paragraphs bring
    background dates. Candidates are ordered by position.
    """
    return [
        t
        for t in find_time_expressions(text[:lead_chars], published)
        if t.granularity == "day" and t.value
    ]
