"""The values a sentence states, read for comparison with another outlet's sentence.

A figure is read with what it counts and how exactly: "at least 20 people were killed" is
the range [20, inf) of people killed, so that it conflicts with "12 killed" but not with "25
dead". Casualty words are one unit however worded ("12 killed", "12 people died", "left 12
dead", "the death toll rose to 12"); other units are the noun after the number, singular. A
weekday is read with its preposition ("on", "since", "until"), a date only where written as
one ("May 17", "December 2017"); relative words ("yesterday") only anchor a sentence in time.

Count nouns that name the same things ("kids", "children") share a key, and a sentence that
gives its figure as a tally at a moment ("so far", "by late afternoon", "rose to") says so
(`Claim.tally`); both lists are data, in `rules/claims.toml`. What the claim is about, apart
from its values, is the sentence's content stems (`Claim.stems`), compared by
`newsweave.analysis.disagreements`.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from newsweave.nlp.dates import MONTHS as DATE_MONTHS
from newsweave.nlp.dates import WEEKDAYS as DATE_WEEKDAYS
from newsweave.nlp.dates import find_time_expressions

NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50,
}  # fmt: skip
_SCALES = {"thousand": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_FIGURE = re.compile(
    r"(?<![\w.,:/$£€#-])(?P<currency>[$£€])?(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    r"|(?i:" + "|".join(NUMBER_WORDS) + r")\b)"
    r"(?![\w:/]|[.,]\d|-|\s?(?:a\.?m\b|p\.?m\b))"
    r"(?:\s?(?P<scale>%|(?:percent|per cent|thousand|million|billion|trillion|bn|m)\b))?",
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d[\d,.]*|[^\w\s]")

# qualifier (as the words before a figure end) -> how the stated value bounds the true one
_QUALIFIERS = [
    (("at", "least"), "min"), (("more", "than"), "min"), (("over",), "min"),
    (("upwards", "of"), "min"), (("in", "excess", "of"), "min"), (("beyond",), "min"),
    (("up", "to"), "max"), (("as", "many", "as"), "max"), (("at", "most"), "max"),
    (("fewer", "than"), "max"), (("less", "than"), "max"), (("under",), "max"),
    (("no", "more", "than"), "max"), (("nearly",), "below"), (("almost",), "below"),
    (("close", "to"), "about"), (("about",), "about"), (("around",), "about"),
    (("some",), "about"), (("roughly",), "about"), (("approximately",), "about"),
    (("estimated",), "about"), (("an", "estimated"), "about"), (("nearly", "all"), "about"),
]  # fmt: skip
_ABOUT = 0.15  # "about 300": within 15%
_OPENERS = {w for phrase, _ in _QUALIFIERS for w in phrase} | {"killed", "killing", "only", "just"}
_INCREMENT = {"more", "other", "others", "additional", "further", "extra", "new", "another"}

_CASUALTIES = {
    "killed": "killed", "dead": "killed", "died": "killed", "die": "killed", "deaths":
    "killed", "death": "killed", "fatalities": "killed", "fatality": "killed", "perished":
    "killed", "killing": "killed", "kills": "killed", "kill": "killed", "lives": "killed",
    "injured": "injured", "wounded": "injured", "hurt": "injured", "injuries": "injured",
    "injuring": "injured", "wounding": "injured", "missing": "missing",
    "arrested": "arrested", "detained": "arrested", "arrests": "arrested",
}  # fmt: skip
_PERSONS = {"people", "person", "persons", "individuals", "individual"}
_AUXILIARY = {"were", "was", "are", "is", "have", "has", "had", "been", "be", "being", "reported",
              "now", "already", "confirmed", "believed", "feared", "left", "later", "also"}  # fmt: skip
GRAMMAR_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "be",
        "been",
        "being",
        "is",
        "are",
        "was",
        "were",
        "am",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "as",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "your",
        "any",
    ]
)
"""Articles, auxiliaries, prepositions and pronouns: words that say what a claim is about
only with the words around them."""
FUNCTION_WORDS = GRAMMAR_WORDS | frozenset(
    [
        "and",
        "or",
        "but",
        "from",
        "into",
        "than",
        "then",
        "so",
        "up",
        "out",
        "over",
        "about",
        "after",
        "before",
        "while",
        "who",
        "whom",
        "which",
        "what",
        "when",
        "where",
        "there",
        "here",
        "not",
        "no",
        "also",
        "just",
        "all",
        "some",
        "more",
        "most",
        "other",
        "such",
        "only",
        "very",
        "can",
        "could",
        "will",
        "would",
        "may",
        "might",
        "must",
        "shall",
        "should",
        "said",
        "says",
        "say",
        "told",
        "according",
        "reported",
        "mr",
        "mrs",
        "ms",
        "per",
        "cent",
        "percent",
        "during",
        "under",
        "within",
        "against",
        "between",
        "through",
        "across",
        "since",
        "until",
        "among",
        "around",
        "near",
        "one",
    ]
)
WEEKDAYS = tuple(DATE_WEEKDAYS)
MONTHS = tuple(DATE_MONTHS)  # full names and abbreviations
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.I)
_DAY_PREPOSITIONS = {
    "on": "on", "early": "on", "late": "on", "since": "since", "from": "since",
    "until": "until", "till": "until", "through": "until", "by": "until", "before": "before",
    "after": "after", "last": "last", "next": "next", "this": "next", "every": "every",
    "each": "every", "again": "again",
}  # fmt: skip
_TITLES = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "the", "a", "an", "in",
           "on", "but", "and", "he", "she", "it", "they", "we", "i", "this", "that"}  # fmt: skip
_SPEECH = {"said", "says", "told", "announced", "confirmed", "stated", "added", "reported",
           "statement", "tweeted", "wrote", "interview", "spokesman", "spokeswoman"}  # fmt: skip
_NAMED_DAYS = re.compile(
    r"\b(?:black|cyber|good|holy|ash|super|bloody|maundy|palm|easter|mad)\s+$", re.I
)
_EMBED = re.compile(r"pic\.twitter\.com|@\w+\)|https?://|\[\d+\]|”\d|\.\d+\s+[A-Z]")


@dataclass(frozen=True, slots=True)
class Value:
    """One value a sentence states: `key` is what it measures, comparable across sentences."""

    kind: str  # "number", "weekday" or "date"
    key: str  # "killed", "home", "percent", "$"; a weekday's preposition; "" for dates
    text: str  # as written, qualifier included: "at least 20", "Thursday"
    low: float = 0.0  # a number's range
    high: float = 0.0
    day: str = ""  # a weekday's name or a date's ISO value
    near: tuple[str, ...] = ()  # lower-case words around it: negation and direction
    head: str = ""  # the first content word after it: "25 percent of his *estate*"
    tail: tuple[str, ...] = ()  # the first two: "$35,000 to the *Trump Victory* Fund"
    start: int = 0  # where it is written in the sentence


@dataclass(slots=True)
class Claim:
    """What one sentence states: its values, its content stems and the names it gives."""

    values: list[Value]
    stems: frozenset[str]
    anchors: frozenset[str] = field(default_factory=frozenset)  # days it is about: ISO or names
    names: frozenset[str] = field(default_factory=frozenset)  # capitalised words, lower-cased
    tally: str = ""  # the cue, as written, that its figures are a running count at a moment


def names(text: str) -> frozenset[str]:
    """The capitalised words of a sentence but its first (names, mostly), lower-cased, cut
    like `stems`; weekdays, months and titles are not names of anyone."""
    words = re.findall(r"(?<![\w'’])[A-Z][\w'’-]+", text)[1:] if text else []
    return frozenset(
        w.lower()[:5] for w in words
        if w.lower() not in WEEKDAYS and w.lower() not in MONTHS and w.lower() not in _TITLES
    )  # fmt: skip


def stems(text: str) -> list[str]:
    """Content words cut to five letters ("discussed" and "discussion" share "discu")."""
    words = re.findall(r"[^\W\d_]{2,}", text.lower().replace("’", "'"))
    return [
        w[:5]
        for w in words
        if w not in FUNCTION_WORDS and w not in WEEKDAYS and w not in MONTHS
        and w not in NUMBER_WORDS and w not in _CASUALTIES
    ]  # fmt: skip


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _content(text: str) -> list[str]:
    return [w for w in _words(text) if w[:1].isalnum()]


def _amount(number: str, scale: str | None) -> tuple[float, float]:
    """The value and the half-width its writing allows: "3 million" is 2.7-3.3 million (a
    rounded figure stands for one within 10% at most), "300" for 270-330, "312" only 312."""
    word = NUMBER_WORDS.get(number.lower())
    if word is not None:
        return float(word), 0.0
    digits = number.replace(",", "")
    base = float(digits)
    factor = _SCALES.get((scale or "").lower(), 1.0)
    if "." in digits:
        step = 10.0 ** -len(digits.partition(".")[2])
    else:
        zeros = len(digits) - len(digits.rstrip("0")) if base else 0
        step = 10.0**zeros if zeros >= 2 or factor > 1 else 0.0
    value = base * factor
    return value, min(step * factor / 2, value * 0.1)


def _qualifier(before: list[str]) -> str | None:
    for phrase, bound in sorted(_QUALIFIERS, key=lambda q: -len(q[0])):
        if tuple(before[-len(phrase) :]) == phrase:
            return bound
    return None


def _range(value: float, slack: float, bound: str | None) -> tuple[float, float]:
    if bound == "min":
        return value - slack, math.inf
    if bound == "max":
        return 0.0, value + slack
    if bound == "below":
        return value * (1 - _ABOUT), value + slack
    if bound == "about":
        return value * (1 - _ABOUT), value * (1 + _ABOUT)
    return value - slack, value + slack


def _unit(before: list[str], after: list[str], scale: str | None, currency: str | None) -> str:
    """What a figure counts, "" where it cannot be told."""
    if currency:
        return currency
    if scale and scale.lower() in {"%", "percent", "per cent"}:
        return "percent"
    words = []
    for w in after:
        if not w[:1].isalpha():
            break
        words.append(w)
    if words and words[0] in _INCREMENT:
        return ""  # "12 more people": an increment, not a total
    noun = words[0] if words else ""
    if noun in _CASUALTIES:
        return _CASUALTIES[noun]
    event = ""
    for w in words[1:7]:  # "450,000 are believed to have been killed"
        if w in _CASUALTIES:
            event = _CASUALTIES[w]
            break
        if w not in _AUXILIARY and w not in _PERSONS and w not in FUNCTION_WORDS:
            break
    if not event:
        for w in reversed(before[-4:]):
            if w in _CASUALTIES:
                event = _CASUALTIES[w]
                break
            if w == "toll" and "death" in before[-6:]:
                event = "killed"
                break
    if noun in _PERSONS:
        # "12 people were arrested", "12 people attended": what happened to them is the unit
        verbs = [w for w in words[1:5] if w not in _AUXILIARY and w not in FUNCTION_WORDS]
        return event or (f"people {verbs[0][:5]}" if verbs else "")
    if not noun or noun in FUNCTION_WORDS:
        return event
    pair = f"{noun} {_singular(words[1])}" if len(words) > 1 else ""
    if pair in _SYNONYMS:  # "12 police officers"
        unit = _SYNONYMS[pair]
    else:
        single = _SPELLING.get(_singular(noun), _singular(noun))
        unit = _SYNONYMS.get(single, single)
    if unit in TIME_UNITS and len(words) > 1 and words[1] in _TIME_WORDS:
        unit = f"{unit} {words[1]}"  # "five years ago" is a date, "13 years old" an age
    return f"{unit} {event}".strip()


_SPELLING = {"metre": "meter", "kilometre": "kilometer", "litre": "liter", "feet": "foot",
             "centimetre": "centimeter", "tonne": "ton", "men": "man", "women": "woman",
             "children": "child", "km": "kilometer", "kg": "kilogram", "lb": "pound"}  # fmt: skip


def _rules() -> tuple[dict[str, str], re.Pattern[str]]:
    """`rules/claims.toml`: each unit variant with its key, and one pattern of the tally cues."""
    text = resources.files("newsweave.rules").joinpath("claims.toml").read_text("utf-8")
    rules = tomllib.loads(text)
    synonyms = {v: key for key, variants in rules["units"].items() for v in [key, *variants]}
    cues = [cue for family in rules["tally"].values() for cue in family]
    return synonyms, re.compile(r"\b(?:" + "|".join(cues) + r")\b", re.I)


_SYNONYMS, _TALLY = _rules()
TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}
_TIME_WORDS = {"ago", "old", "later", "earlier", "before", "after", "since", "into"}


def _singular(noun: str) -> str:
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("ches", "shes", "sses", "xes")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith(("ss", "us", "is")) and len(noun) > 3:
        return noun[:-1]
    return noun


def numbers(text: str) -> list[Value]:
    """Each figure of `text` with its unit and range; years, times of day, numbers in names
    ("Flight 370") and the ends of ranges ("12 to 15") are not figures of their own."""
    out: list[Value] = []
    matches = list(_FIGURE.finditer(text))
    for k, match in enumerate(matches):
        number, scale, currency = (
            match.group("number"),
            match.group("scale"),
            match.group("currency"),
        )
        if re.fullmatch(r"(1[89]|20)\d\d", number) and not scale and not currency:
            continue
        head = text[: match.start()]
        before = _words(head)[-8:]
        name = re.search(r"(?:\b[A-Z][\w.]*|#|\bnumber)\s*$", head)
        if (
            name
            and not scale
            and not currency
            and before
            and before[-1] not in _OPENERS | FUNCTION_WORDS
        ):
            continue  # "Flight 370", "No. 5", "Article 5"
        if before[-2:-1] == ["in"] or (before[-1:] == ["in"] and number.isalpha()):
            continue  # "one in five children": a ratio
        if before and before[-1] in _INCREMENT:
            continue  # "an additional $200 billion": an increment, not a total
        nxt = matches[k + 1] if k + 1 < len(matches) else None
        if nxt and re.fullmatch(r"\s*(?:to|or|and|-|–)\s*", text[match.end() : nxt.start()]):
            continue  # the low end of a range: read with the high end
        if number[:1].isalpha() and number[0].isupper() and before:
            continue  # "Three Mile Island"
        value, slack = _amount(number, scale)
        bound = _qualifier(before)
        low, high = _range(value, slack, bound)
        prev = matches[k - 1] if k else None
        if prev and re.fullmatch(r"\s*(?:to|or|and|-|–)\s*", text[prev.end() : match.start()]):
            first, first_slack = _amount(prev.group("number"), scale)
            if first >= value or prev.group("number")[:1].isalpha() != number[:1].isalpha():
                continue  # "at the age of 16 to 13 years", "one in eight or 9 million"
            low, bound = first - first_slack, "range"
        after = _words(text[match.end() :])[:8]
        unit = _unit(before, after, scale, currency)
        if not unit:
            continue
        start = prev.start() if bound == "range" and prev else match.start()
        written = text[start : match.end()]
        if bound and bound != "range":
            written = _qualified(text, match.start()) + written
        near = tuple(before[-6:] + after[:6])
        rest = after if currency or unit == "percent" else after[1:]
        tail = _heads(rest)
        head = tail[0] if tail else ""
        out.append(
            Value("number", unit, written.strip(), low, high, "", near, head, tail, match.start())
        )
    return out


def _heads(after: list[str]) -> tuple[str, ...]:
    """The first two content words (stems) of what follows a value, up to the clause's end."""
    out: list[str] = []
    for w in after:
        if not w[:1].isalpha() or w in NUMBER_WORDS or len(out) == 2:
            break
        if w not in FUNCTION_WORDS and w not in {"worth", "each", "per", "a", "an"}:
            out.append(w[:5])
    return tuple(out)


def _qualified(text: str, start: int) -> str:
    words = _words(text[:start])
    bound = _qualifier(words)
    if bound is None:
        return ""
    length = max(len(p) for p, b in _QUALIFIERS if tuple(words[-len(p) :]) == p)
    return " ".join(text[:start].split()[-length:]) + " "


def weekdays(text: str) -> list[Value]:
    """Each weekday that dates something, keyed by its preposition; not one in a name ("Black
    Friday", "Saturday Night Live") or a habit ("every Friday")."""
    out = []
    for match in _WEEKDAY.finditer(text):
        head, tail = text[: match.start()], text[match.end() :]
        if not match.group()[0].isupper() or _NAMED_DAYS.search(head) or re.match(r" [A-Z]", tail):
            continue
        before = _words(head)[-3:]
        key = next((_DAY_PREPOSITIONS[w] for w in reversed(before) if w in _DAY_PREPOSITIONS), "on")
        if key in {"every", "again"} or {"again", "every", "each"} & set(before):
            continue  # "again on Sunday": another occurrence, "every Friday": a habit
        if set(_words(head)[-4:]) & _SPEECH:
            key = "said"  # "police said Tuesday" dates the saying, not the event
        day = match.group().lower()
        near = tuple(_content(head)[-8:] + _content(tail)[:8])
        out.append(Value("weekday", key, match.group(), day=day, near=near, start=match.start()))
    return out


def dates(text: str, published: date | None) -> tuple[list[Value], frozenset[str]]:
    """The dates written as dates ("May 17", "December 2017"; not years alone, weekdays or
    relative words), and the days the sentence is about: every day-long expression it holds,
    resolved where the publication date allows ("Monday" else)."""
    out, anchors = [], set()
    for e in find_time_expressions(text, published):
        words = set(_words(e.text))
        if e.granularity == "day" or words & set(WEEKDAYS) or words & {"today", "yesterday"}:
            anchors.add(e.value if e.value and e.granularity == "day" else e.text.lower())
        if not e.value or not re.match(r"\d{4}-\d\d", e.value) or not words & set(MONTHS):
            continue
        near = tuple(_content(text[: e.start])[-8:] + _content(text[e.end :])[:8])
        out.append(Value("date", "", e.text, day=e.value, near=near, start=e.start))
    return out, frozenset(anchors)


def claim(text: str, published: date | None) -> Claim:
    """The values of one sentence. Several figures of one unit are kept, each with its `head`
    ("70 minutes on *phones* and 48 minutes on *chores*"), several weekdays or dates are not
    (which event each dates cannot be told); an embedded post or a footnoted passage states
    nothing here."""
    if _EMBED.search(text):
        return Claim([], frozenset())
    date_values, anchors = dates(text, published)
    asides = [m.span() for m in re.finditer(r"\([^()]*\)?", text)]
    found = [
        v
        for v in numbers(text) + weekdays(text) + date_values
        if not any(start <= v.start < end for start, end in asides)
    ]
    if len({v.day for v in found if v.kind == "weekday"}) > 1:
        found = [v for v in found if v.kind != "weekday"]
    if len({v.day for v in found if v.kind == "date"}) > 1:
        found = [v for v in found if v.kind != "date"]
    cue = _TALLY.search(text) if found else None
    tally = " ".join(cue.group().split()) if cue else ""
    return Claim(found, frozenset(stems(text)), anchors, names(text), tally)
