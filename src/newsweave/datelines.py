"""Datelines and wire slugs parsed off the start of a lead.

A wire story opens with where (and sometimes when) it was filed and who filed it: "MOSCOW —",
"LONDON, June 3 (Reuters) -", "ERBIL (Kurdistan 24) –", "Washington, DC, United States:",
"WASHINGTON | Tue Jun 29, 2010 7:45 pm EDT WASHINGTON (Reuters) -". Left in the text, the
dateline opens facts and summary sentences, makes "MOSCOW" an entity apart from Moscow, and
its date reads as a claim. It is metadata: the place (title-cased, "Moscow"), the date when it
has a year, and the outlet or wire of the slug.

A dateline is recognised by shape alone, so the shape is strict: a place in capitals, or a
"City, Region" place, or a bracketed slug; then a dash (a colon only after "City, Region", since
"TRUMP: Well" is a transcript), then a sentence in sentence case with a few words. A paragraph
further down the page is only taken when it carries a slug ("BEIRUT (AP) —": a compiled page
opening the next wire piece). Words that take the shape without naming a place ("FILE - In
this photo", "NATO — The alliance") are listed in `rules/datelines.toml`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?"
_CAPS = r"[A-Z][A-Z.'’]*(?:-[A-Z][A-Z.'’]*)*"  # ERBIL, ST., AL-ARISH (not "DALLAS--")
_TITLE = r"[A-Z][a-z'’]+(?:-[A-Za-z][a-z'’]*)*"  # Cairo, Port-au-Prince
_REGION = rf"(?:,\s*(?!{_MONTH}\s)[A-Z][A-Za-z.'’-]*(?:\s+[A-Z][A-Za-z.'’-]*){{0,2}}){{0,2}}"
_DATE = (
    rf",?\s+(?:{_WEEKDAY}\s+)?(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
)
_SLUG = r"\((?P<slug>[A-Z][\w&.'’-]*(?:\s+[A-Z0-9&][\w&.'’-]*){0,3})\)"
# A Reuters page header before its dateline: "WASHINGTON | Tue Jun 29, 2010 7:45 pm EDT".
_HEADER = (
    rf"{_CAPS}(?:\s+{_CAPS}){{0,3}}\s*\|\s*(?:{_WEEKDAY}\s+)?(?P<hmonth>{_MONTH})\s+"
    r"(?P<hday>\d{1,2}),?\s+(?P<hyear>(?:19|20)\d\d)(?:\s+\d{1,2}:\d\d\s*[ap]\.?m\.?)?"
    r"(?:\s+[A-Z]{2,4})?\s+"
)
# A byline glued before the dateline: "By Jane Doe, Associated Press BEIRUT —".
_BYLINE = (
    r"By\s+(?P<author>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3}?)"
    r"(?:,\s*(?P<byline_wire>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3}?))?\s+(?=[A-Z]{2})"
)
_DATELINE = re.compile(
    rf"(?:{_HEADER}|{_BYLINE})?"
    rf"(?:(?P<caps>{_CAPS}(?:\s+{_CAPS}){{0,3}}{_REGION})|(?P<title>{_TITLE}(?:\s+{_TITLE})?{_REGION}))?"
    rf"(?:{_DATE})?"
    rf"(?:\s*{_SLUG})?"
    r"(?:\s*(?P<sep>—|–|--|\||:|-(?=\s))|(?=\s*[A-Z“\"‘]))\s*"
)
_DASHES = frozenset({"—", "–", "--", "-"})
_SENTENCE_START = re.compile(r"[A-Z0-9“\"‘'«]")
_LOWER = re.compile(r"[a-z]")
_LETTERS = re.compile(r"[A-Za-z]")
_ACRONYM = re.compile(r"[A-Z]{2}")  # a slug that names no wire, alone: "(CNN)", "(CBS13)"
_MONTHS = {m: n for n, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}  # noqa: SIM905


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline found at the start of a paragraph; `length` characters of it are the dateline
    (its separator and the space after included)."""

    text: str
    length: int
    place: str | None
    date: date | None
    slug: str | None
    author: str | None
    byline_wire: str | None


@dataclass(frozen=True, slots=True)
class DatelineRules:
    labels: frozenset[str]
    not_slugs: frozenset[str]
    max_chars: int
    max_place_words: int
    min_rest_words: int


@cache
def load_dateline_rules() -> DatelineRules:
    """The words that are not places and the length limits, from `rules/datelines.toml`."""
    text = resources.files("newsweave.rules").joinpath("datelines.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return DatelineRules(
        labels=frozenset(w.upper() for w in data["labels"]),
        not_slugs=frozenset(w.upper() for w in data["not_slugs"]),
        max_chars=data["max_chars"],
        max_place_words=data["max_place_words"],
        min_rest_words=data["min_rest_words"],
    )


def find_dateline(
    paragraph: str, *, lead: bool, wires: dict[str, str], rules: DatelineRules | None = None
) -> Dateline | None:
    """The dateline opening `paragraph`, or None. `lead`: the paragraph opens the article, so
    a dateline without a slug ("MOSCOW —") may be taken too; `wires` (lower-cased spelling to
    credit) tells a wire slug from an outlet's."""
    rules = rules or load_dateline_rules()
    match = _DATELINE.match(paragraph)
    if not match or match.end() == 0 or match.end() > rules.max_chars:
        return None
    caps, title, slug, sep = match.group("caps", "title", "slug", "sep")
    place = caps or title
    rest = paragraph[match.end() :]
    if not _reads_as_sentence(rest, rules.min_rest_words):
        return None
    if place and (
        place.split()[0].strip(",").upper() in rules.labels
        or len(place.replace(",", " ").split()) > rules.max_place_words
        or len(_LETTERS.findall(place)) < 3
    ):
        return None
    if slug and slug.upper() in rules.not_slugs:
        return None
    if not _plausible(match, place, slug, sep, lead=lead, wires=wires):
        return None
    return Dateline(
        text=paragraph[: match.end()].strip(),
        length=match.end(),
        place=_normalise_place(place) if place else None,
        date=_date(match),
        slug=slug,
        author=match.group("author"),
        byline_wire=match.group("byline_wire"),
    )


def _plausible(
    match: re.Match[str],
    place: str | None,
    slug: str | None,
    sep: str | None,
    *,
    lead: bool,
    wires: dict[str, str],
) -> bool:
    """Whether the matched opening is a dateline by the shape rules (module docstring)."""
    caps, title = match.group("caps", "title")
    comma = bool(place and "," in place)
    prefix = match.group("author") or match.group("hmonth")
    if prefix and not (caps and lead):
        return False  # a byline or page header glued on: only before "BEIRUT —" in a lead
    if slug:
        wire = slug.lower() in wires
        if sep == ":" or not (place or wire or _ACRONYM.search(slug)):
            return False  # "LIU (TRANSLATED):" is a transcript; "(Earlier) --" names no one
        if not lead and (sep not in _DASHES or not (place or wire)):
            return False  # further down, only "BEIRUT (AP) —" opens another wire piece
        if title and not comma and not sep and not wire and _initials(title) == slug.upper():
            return False  # "Kurdistan Democratic Party (KDP) Leader": a name and its acronym
        return lead or not title or comma or wire
    if not lead or not place or sep is None:
        return False
    if caps:
        return sep in _DASHES  # "TRUMP: Well" is a speaker in a transcript
    return comma and sep in (":", "—", "–", "--")  # "Washington, DC, United States:"


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split()).upper()


def _reads_as_sentence(rest: str, min_words: int) -> bool:
    """The text after a dateline: a sentence in sentence case (of its first four words, two
    have lower case), not a heading in capitals ("FIRST CONFIRMED CASE Edgar Hernandez")."""
    if not _SENTENCE_START.match(rest):
        return False
    words = rest.split()
    return len(words) >= min_words and sum(bool(_LOWER.search(w)) for w in words[:4]) >= 2


def _normalise_place(place: str) -> str:
    """ "NEW YORK" -> "New York"; a short region in capitals stays ("WASHINGTON, DC")."""
    parts = [p.strip() for p in place.split(",")]
    out = []
    for k, part in enumerate(parts):
        words = []
        for word in part.split():
            letters = word.replace(".", "")
            if word.isupper() and not (k and len(letters) <= 3):
                word = word.title()
            words.append(word)
        out.append(" ".join(words))
    return ", ".join(p for p in out if p)


def _date(match: re.Match[str]) -> date | None:
    """The dateline's date, when it states a year (a bare "June 3" does not say which)."""
    month, day, year = match.group("month", "day", "year")
    if not year:
        month, day, year = match.group("hmonth", "hday", "hyear")
    if not (month and day and year):
        return None
    try:
        return date(int(year), _MONTHS[month[:3].lower()], int(day))
    except ValueError:
        return None
