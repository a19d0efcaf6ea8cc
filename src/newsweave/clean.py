"""Plain web text to article body plus metadata.

A page copied off the web is the article wrapped in chrome: navigation, appeals, teasers,
captions and their credits, sign-offs, footers. The cleaner works line by line with the rules
in `rules/boilerplate.toml` (data, not code: see that file for the actions), and keeps what the
chrome tells as metadata: title, outlet, byline, wire credits, publication date, original URL.

Order of work:
1. split glued sentences ("all the difference.President of Syria") onto their own lines, so
   an appeal glued to the first sentence can go without the sentence;
2. classify each line by the first matching rule; promo lines sandwiched between promo lines,
   captions before credit lines, captions repeated with a credit appended, footers and
   repeated lines go;
3. take the title (first heading-like line) and a deck right after it (a short line without
   final punctuation); a standfirst that is a full sentence stays in the body;
4. re-join paragraphs broken mid-sentence ("his new term as\\n\\npresident, after ...").

Nothing is guessed: a field with no evidence in the text stays empty.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from newsweave.model import Removal

_GLUED = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z]{2,}\s)")
_SENTENCE_END = (".", "!", "?", '"', "”", "’", "'", ")", ":", "…")
_URL_DATE = re.compile(r"/(20\d{2}|19\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_CAPTION_CREDIT = re.compile(r"^[A-Z][A-Z.'-]+(?:\s+[A-Z][A-Z.'-]+)*(?:\s*/\s*[A-Z][A-Z .'-]+)+$")
DECK_MAX_WORDS = 10
_DATE_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")


@dataclass(slots=True)
class CleanResult:
    text: str
    title: str | None = None
    subtitle: str | None = None
    outlet: str | None = None
    published: date | None = None
    author: str | None = None
    credits: list[str] = field(default_factory=list)
    url: str | None = None
    removed: list[Removal] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    action: str
    pattern: re.Pattern[str]
    min_position: float = 0.0


@dataclass(frozen=True, slots=True)
class Rules:
    lines: tuple[Rule, ...]
    self_references: tuple[re.Pattern[str], ...]
    domains: dict[str, str]
    wires: frozenset[str]
    wire_names: dict[str, str]


@cache
def load_rules() -> Rules:
    """The cleaning rules and outlet table, parsed once (they are read-only data)."""
    package = resources.files("newsweave.rules")
    boilerplate = tomllib.loads(package.joinpath("boilerplate.toml").read_text(encoding="utf-8"))
    outlets = tomllib.loads(package.joinpath("outlets.toml").read_text(encoding="utf-8"))
    lines = tuple(
        Rule(
            r["name"],
            r["action"],
            re.compile(r["pattern"], 0 if r.get("case_sensitive") else re.IGNORECASE),
            r.get("min_position", 0.0),
        )
        for r in boilerplate["rule"]
    )
    refs = tuple(re.compile(r["pattern"]) for r in boilerplate["outlet_self_reference"])
    return Rules(
        lines=lines,
        self_references=refs,
        domains=dict(outlets["domains"]),
        wires=frozenset(w.lower() for w in outlets["wires"]),
        wire_names=dict(outlets["wire_names"]),
    )


def outlet_from_url(url: str | None, rules: Rules | None = None) -> str | None:
    """The outlet a URL's host belongs to, from the outlet table (a subdomain matches)."""
    host = (urlsplit(url).hostname or "") if url else ""
    rules = rules or load_rules()
    parts = host.lower().removeprefix("www.").split(".")
    for i in range(len(parts) - 1):
        name = rules.domains.get(".".join(parts[i:]))
        if name:
            return name
    return None


def date_from_url(url: str | None) -> date | None:
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text.replace(",", " "))
    cleaned = " ".join(cleaned.replace("Sept", "Sep").split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def _is_heading(line: str) -> bool:
    words = line.split()
    bare = line.rstrip().rstrip("\"'”’»)")
    return 2 <= len(words) <= 25 and not bare.endswith((".", "!", "?", ":", ";", ","))


def _is_caption(line: str) -> bool:
    """A caption: short, and not a finished sentence (or a sentence with a credit appended)."""
    return 0 < len(line.split()) <= 30 and not line.endswith((":", ";"))


class _Cleaner:
    def __init__(self, raw: str, rules: Rules) -> None:
        self.rules = rules
        self.result = CleanResult(text="")
        text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
        lines: list[str] = []
        for line in text.split("\n"):
            line = line.strip()
            if "://" not in line:
                lines.extend(part.strip() for part in _GLUED.split(line))
            else:
                lines.append(line)
        self.lines = lines
        self.keep = [bool(line) for line in lines]

    # bookkeeping

    def drop(self, i: int, rule: str) -> None:
        if self.keep[i]:
            self.keep[i] = False
            self.result.removed.append(Removal(self.lines[i], rule))

    def set_outlet(self, name: str | None) -> None:
        name = (name or "").strip(" .:-")
        if name and not self.result.outlet and name.lower() not in self.rules.wires:
            self.result.outlet = self.rules.domains.get(name.lower(), name)

    def add_credits(self, names: list[str]) -> None:
        for name in names:
            name = self.rules.wire_names.get(name.strip(), name.strip())
            if name and name not in self.result.credits:
                self.result.credits.append(name)

    # passes

    def apply_rules(self) -> None:
        n = len(self.lines)
        promo = [False] * n
        for i, line in enumerate(self.lines):
            if not self.keep[i]:
                continue
            for rule in self.rules.lines:
                if i < rule.min_position * n:
                    continue
                match = rule.pattern.match(line)
                if match:
                    promo[i] = rule.action == "promo"
                    self.act(rule, match, i)
                    break
        self.sandwiched(promo)

    def act(self, rule: Rule, match: re.Match[str], i: int) -> None:
        groups = match.groupdict()
        for key, value in groups.items():
            if key.startswith("outlet") and value:
                if value.strip().lower() in self.rules.wires:
                    self.add_credits([value])  # "WASHINGTON (AP) —": a wire copy
                else:
                    self.set_outlet(value)
        action = rule.action
        if action == "keep":
            return
        self.drop(i, rule.name)
        if action == "footer":
            for j in range(i + 1, len(self.lines)):
                self.drop(j, rule.name)
        elif action == "caption":
            previous = self._previous_kept(i)
            if (
                previous is not None
                and _is_caption(self.lines[previous])
                and _is_heading(self.lines[previous])
            ):
                self.drop(previous, "caption")
        elif action == "signoff":
            self.add_credits(groups["credits"].split(","))
        elif action == "byline":
            name = groups["name"].strip()
            parts = [p.strip() for p in re.split(r",| and |/", name) if p.strip()]
            if parts and all(p.lower() in self.rules.wires for p in parts):
                self.add_credits(parts)
            elif not self.result.author:
                self.result.author = name
        elif action == "url":
            url = groups.get("url")
            if not url:
                following = self._next_nonempty(i)
                if following is not None and re.match(r"^https?://\S+$", self.lines[following]):
                    url = self.lines[following]
                    self.drop(following, rule.name)
            if url and not self.result.url:
                self.result.url = url
        elif action == "date" and not self.result.published:
            self.result.published = parse_date(groups["date"])

    def _previous_kept(self, i: int) -> int | None:
        for j in range(i - 1, -1, -1):
            if self.keep[j]:
                return j
            if self.lines[j]:
                return None  # a dropped line in between: not this credit's caption
        return None

    def _next_nonempty(self, i: int) -> int | None:
        for j in range(i + 1, len(self.lines)):
            if self.lines[j]:
                return j
        return None

    def sandwiched(self, promo: list[bool]) -> None:
        """Lines between two promo lines at most four lines apart are part of the same appeal."""
        indices = [i for i, p in enumerate(promo) if p]
        for a, b in itertools.pairwise(indices):
            if b - a <= 4:
                for j in range(a + 1, b):
                    self.drop(j, "appeal")

    def captions_with_credit(self) -> None:
        """A caption followed by itself with a photo credit appended: both go."""
        kept = [i for i in range(len(self.lines)) if self.keep[i]]
        for a, b in itertools.pairwise(kept):
            first, second = self.lines[a], self.lines[b]
            if second.startswith(first) and second != first:
                tail = second[len(first) :].strip()
                if _CAPTION_CREDIT.match(tail) or re.match(r"^\(?(photo|image|credit)", tail, re.I):
                    self.drop(a, "caption")
                    self.drop(b, "caption")

    def repeated(self) -> None:
        seen: set[str] = set()
        for i, line in enumerate(self.lines):
            if not self.keep[i]:
                continue
            key = " ".join(line.split()).casefold()
            if key in seen:
                self.drop(i, "repeated")
            seen.add(key)

    def title(self) -> None:
        kept = [i for i in range(len(self.lines)) if self.keep[i]]
        if not kept or not _is_heading(self.lines[kept[0]]):
            return
        self.result.title = self.lines[kept[0]]
        self.keep[kept[0]] = False
        if len(kept) > 1:
            deck = self.lines[kept[1]]
            # A short deck is a headline of its own; a long one is reporting and stays.
            if _is_heading(deck) and len(deck.split()) < DECK_MAX_WORDS and len(kept) > 2:
                self.result.subtitle = deck
                self.drop(kept[1], "subtitle")

    def self_references(self) -> None:
        for removal in self.result.removed:
            for pattern in self.rules.self_references:
                match = pattern.search(removal.text)
                if match:
                    self.set_outlet(match.group("outlet"))

    def body(self) -> str:
        paragraphs: list[str] = []
        for i, line in enumerate(self.lines):
            if not self.keep[i]:
                continue
            if paragraphs and not paragraphs[-1].endswith(_SENTENCE_END) and line[:1].islower():
                paragraphs[-1] = f"{paragraphs[-1]} {line}"  # a paragraph broken mid-sentence
            else:
                paragraphs.append(line)
        return "\n\n".join(paragraphs)

    def run(self) -> CleanResult:
        self.apply_rules()
        self.captions_with_credit()
        self.repeated()
        self.title()
        self.self_references()
        result = self.result
        result.text = self.body()
        # The page's own URL is better evidence of its outlet than anything in its text.
        result.outlet = outlet_from_url(result.url, self.rules) or result.outlet
        if not result.published:
            result.published = date_from_url(result.url)
        return result


def clean_text(raw: str) -> CleanResult:
    """Split web text into the article body and its metadata (see the module docstring)."""
    return _Cleaner(raw, load_rules()).run()
