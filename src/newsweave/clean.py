"""Plain web text to article body plus metadata.

A page copied off the web is the article wrapped in chrome: navigation, appeals, teasers,
captions and their credits, sign-offs, footers. The cleaner works line by line with the rules
in `rules/boilerplate.toml` and the outlet table in `rules/outlets.toml` (data, not code: the
actions are described there), and keeps what the chrome tells as metadata: title, outlet,
byline, wire credits, publication date, original URL. Every dropped line is recorded with the
name of the rule that dropped it, so a wrong removal can be traced to its rule.

Order of work:
1. split glued sentences ("all the difference.President of Syria") so an appeal glued to the
   first sentence can go without the sentence (kept halves are re-joined with a space);
2. classify each line by the first rule that applies; then drop what needs context: lines
   sandwiched in an appeal, a caption repeated with a credit appended, repeated lines;
3. take the title (first heading-like line) and a short deck right after it as `subtitle`; a
   standfirst that is a longer line of reporting stays in the body, so no sentence is lost;
4. re-join paragraphs broken mid-sentence ("his new term as\\n\\npresident, after ...").

The cleaner is conservative: a body sentence wrongly dropped is worse than chrome left in, so
rules are anchored, limited to short lines, or kept away from finished sentences. Nothing is
guessed: a field with no evidence in the text stays empty. It is linear in the text and costs
well under a millisecond for a typical article.
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

from newsweave.datelines import Dateline, find_dateline
from newsweave.model import Removal

HEAD_LINES = 15  # rules with region = "head" look at this many first non-empty lines
DECK_MAX_WORDS = 12  # a deck under the title longer than this is reporting, not a subtitle
CAPTION_MAX_WORDS = 30  # a caption is short and not a finished sentence
CREDIT_MAX_WORDS = 8  # a credit line this short carries no caption of its own
BODY_MIN_WORDS = 12  # a finished sentence this long is body text: it ends a footer block
SANDWICH_GAP = 4  # promo lines at most this far apart enclose one appeal
LEAD_LINES = 3  # a dateline without a slug is looked for in this many first body lines

# Structural patterns (how text is laid out, not what boilerplate says):
_GLUED = re.compile(r"([.!?])(?<=[a-z]{2}[.!?])(?=[A-Z][a-z]{2,}\s)")  # punctuation first: fast
_INVISIBLE = ("\x00", "\u200b", "\ufeff")
_URL = re.compile(r"https?://\S+")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_TRAILING_CLOSERS = "\"'”’)]»* "
_LIST_MARKER = re.compile(r"^(\d{1,3}[.)]|[-*•►»>#–—■])\s*")
_TO_READER = re.compile(r"\b(we|our|us|you|your)\b", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&|/)\s*")
_ROLE_WORDS = re.compile(
    r"\s+(Staff|Senior|Chief|Special|Contributing|Correspondent|Reporter|Writer|Editor|"
    r"Contributor|Columnist)\b.*$"
)
_OPEN_QUOTES = ('"', "“", "‘", "'", "«", "„")
_HEADLINE_END_WORDS = frozenset(
    "a an the to of and or but in on at for with by from as that his her their its".split()  # noqa: SIM905
)
_NOT_CHROME = frozenset({"title", "subtitle", "repeated", "caption"})
_SENTENCE_WORDS = frozenset("a an the is are was were has have had will would".split())  # noqa: SIM905
_MONTH_DATE_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y")


@dataclass(slots=True)
class CleanResult:
    """The article body and what the page said about it; empty where the page did not say."""

    text: str
    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    author: str | None = None
    credits: list[str] = field(default_factory=list)
    url: str | None = None
    removed: list[Removal] = field(default_factory=list)
    subtitle: str | None = None
    dateline: str | None = None
    """The place of the lead's dateline ("Moscow"), which is cut from the text."""


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    action: str
    pattern: re.Pattern[str]
    search: bool = False
    max_words: int | None = None
    sentence: bool | None = None
    region: str | None = None
    requires: re.Pattern[str] | None = None
    body: bool = False
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rules:
    lines: tuple[Rule, ...]
    self_references: tuple[re.Pattern[str], ...]
    domains: dict[str, str]
    wires: dict[str, str]  # lower-cased spelling -> canonical credit
    longest: int  # the largest max_words of any rule
    _selected: dict[tuple[int, bool, bool, bool], tuple[Rule, ...]] = field(
        default_factory=dict, compare=False
    )

    def select(self, words: int, sentence: bool, head: bool, tail: bool) -> tuple[Rule, ...]:
        """The rules whose limits let them apply to such a line, in file order (memoised:
        filtering once per kind of line keeps the per-line loop short)."""
        key = (min(words, self.longest + 1), sentence, head, tail)
        rules = self._selected.get(key)
        if rules is None:
            rules = self._selected[key] = tuple(
                r
                for r in self.lines
                if (r.max_words is None or words <= r.max_words)
                and not (r.sentence is False and sentence)
                and (r.region != "head" or head)
                and (r.region != "tail" or tail)
            )
        return rules


def _rule(spec: dict) -> Rule:
    flags = 0 if spec.get("case_sensitive") else re.IGNORECASE
    search = "search" in spec
    requires = spec.get("requires")
    return Rule(
        name=spec["name"],
        action=spec["action"],
        pattern=re.compile(spec["search"] if search else spec["line"], flags),
        search=search,
        max_words=spec.get("max_words"),
        sentence=spec.get("sentence"),
        region=spec.get("region"),
        requires=re.compile(requires, re.IGNORECASE) if requires else None,
        body=spec.get("body", False),
        keywords=tuple(spec.get("keywords", ())),
    )


@cache
def load_rules() -> Rules:
    """The cleaning rules and outlet table, parsed and compiled once (read-only data)."""
    package = resources.files("newsweave.rules")
    boilerplate = tomllib.loads(package.joinpath("boilerplate.toml").read_text(encoding="utf-8"))
    outlets = tomllib.loads(package.joinpath("outlets.toml").read_text(encoding="utf-8"))
    wires = {w.lower(): w for w in outlets["wires"]}
    wires.update({k.lower(): v for k, v in outlets["wire_names"].items()})
    lines = tuple(_rule(spec) for spec in boilerplate["rule"])
    return Rules(
        lines=lines,
        longest=max(r.max_words or 0 for r in lines),
        self_references=tuple(
            re.compile(r["pattern"]) for r in boilerplate["outlet_self_reference"]
        ),
        domains={k.lower(): v for k, v in outlets["domains"].items()},
        wires=wires,
    )


def outlet_from_url(url: str | None, rules: Rules | None = None) -> str | None:
    """The outlet a URL's host belongs to, from the outlet table (a subdomain matches)."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return None
    domains = (rules or load_rules()).domains
    parts = host.lower().removeprefix("www.").split(".")
    for i in range(len(parts) - 1):
        name = domains.get(".".join(parts[i:]))
        if name:
            return name
    return None


def date_from_url(url: str | None) -> date | None:
    """A date written as a URL path (/2018/05/18/), if it is a real date."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """A calendar date in the forms pages print; None when unclear (03/04/2018 is either)."""
    cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text.replace(",", " ").replace(".", " "))
    cleaned = " ".join(cleaned.replace("Sept", "Sep").split())
    numeric = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2}) (\d{1,2}) (\d{4})", cleaned)
    numeric = numeric or re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text.strip())
    try:
        if numeric and numeric.group(1) and len(numeric.group(1)) == 4:
            return date(int(numeric.group(1)), int(numeric.group(2)), int(numeric.group(3)))
        if numeric:
            a, b, year = (int(g) for g in numeric.groups() if g is not None)
            if "/" in text and b > 12 >= a:
                return date(year, a, b)  # 05/18/2018: month first
            if a > 12 >= b or a == b or "/" not in text:
                return date(year, b, a)  # 18.05.2018, 18/05/2018: day first
            return None
    except ValueError:
        return None
    for fmt in _MONTH_DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def ends_sentence(line: str) -> bool:
    """Whether a line ends like a finished sentence (after closing quotes and brackets)."""
    return line.rstrip(_TRAILING_CLOSERS).endswith((".", "!", "?", "…"))


def is_heading(line: str) -> bool:
    """Headline-like: a few words, capitalised, no list marker, not a finished sentence."""
    words = line.split()
    if not 2 <= len(words) <= 25 or _LIST_MARKER.match(line):
        return False
    if not (line[0].isupper() or line[0].isdigit() or line[0] in _OPEN_QUOTES):
        return False
    return not line.rstrip(_TRAILING_CLOSERS).endswith((".", ":", ";", ",", "…"))


def _is_caption(line: str) -> bool:
    return len(line.split()) <= CAPTION_MAX_WORDS and is_heading(line) and not ends_sentence(line)


def is_deck(line: str) -> bool:
    """A deck in headlinese ("Talks center on military action, political steps"): short,
    and without the articles and auxiliaries of a sentence of reporting, unless title-cased."""
    words = line.split()
    if len(words) > DECK_MAX_WORDS or not is_heading(line) or ends_sentence(line):
        return False
    lower = [w for w in words if w[:1].islower()]
    return len(lower) * 3 <= len(words) or not any(w in _SENTENCE_WORDS for w in lower)


def _is_body(line: str) -> bool:
    return len(line.split()) >= BODY_MIN_WORDS and ends_sentence(line)


class _Found:
    """What a text says about its article (outlet, credits, author), read into a result."""

    def __init__(self, rules: Rules, result: CleanResult) -> None:
        self.rules = rules
        self.result = result
        self.dateline_date: date | None = None  # a publication date only where none is stated

    def wire(self, name: str) -> str | None:
        return self.rules.wires.get(name.strip(" .").lower())

    def set_outlet(self, name: str | None) -> None:
        name = (name or "").strip(" .:-")
        if name and not self.result.outlet and not self.wire(name):
            self.result.outlet = self.rules.domains.get(name.lower(), name)

    def add_credits(self, names: list[str]) -> None:
        for name in names:
            credit = self.wire(name) or name.strip(" .")
            if credit and credit not in self.result.credits:
                self.result.credits.append(credit)

    def take_byline(self, name: str, rest: str) -> None:
        """A byline names people (the author) or wires (credits); a wire after the person
        ("By Jane Doe, Associated Press") credits the wire too."""
        name = _ROLE_WORDS.sub("", re.sub(r"<[^>]+>", "", name)).strip(" ,;")
        people = []
        for part in (p for p in _NAME_SPLIT.split(name) if p):
            words = part.split()
            # "Reuters", or a wire and a role: "AP White House", "Associated Press Writer"
            wire = self.wire(part) or self.wire(" ".join(words[:2])) or self.wire(words[0])
            if wire:
                self.add_credits([wire])
            else:
                people.append(part)
        if people and not self.result.author:
            self.result.author = ", ".join(people)
        self.add_credits([w for w in _NAME_SPLIT.split(rest.strip(" ,|·•")) if self.wire(w)])

    def take_dateline(self, line: str, lead: bool) -> Dateline | None:
        """The dateline opening `line`, with its place, slug and byline read into the result
        (a wire's slug is a credit, another outlet's names the outlet)."""
        found = find_dateline(line, lead=lead, wires=self.rules.wires)
        if found is None:
            return None
        self.result.dateline = self.result.dateline or found.place
        if found.slug:
            if self.wire(found.slug):
                self.add_credits([found.slug])
            else:
                self.set_outlet(found.slug)
        if found.author:
            self.take_byline(found.author, found.byline_wire or "")
        self.dateline_date = self.dateline_date or found.date
        return found


class _Cleaner(_Found):
    """One pass over one text; holds the lines, which of them are kept, and the result."""

    def __init__(self, raw: str, rules: Rules) -> None:
        super().__init__(rules, CleanResult(text=""))
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        for char in _INVISIBLE:
            if char in text:
                text = text.replace(char, "")
        text = _GLUED.sub("\\1\x00", text)  # mark where sentences are glued (NUL is gone)
        self.lines: list[str] = []
        self.origin: list[int] = []  # the raw line a (split) line came from
        for k, raw_line in enumerate(text.split("\n")):
            for part in raw_line.split("\x00") if "\x00" in raw_line else (raw_line,):
                self.lines.append(" ".join(part.split()))
                self.origin.append(k)
        n = len(self.lines)
        self.keep = [bool(line) for line in self.lines]
        self.words = [line.count(" ") + 1 if line else 0 for line in self.lines]
        self.sentence = [ends_sentence(line) for line in self.lines]
        self.rank = list(itertools.accumulate(int(k) for k in self.keep))  # 1-based
        self.nonempty = self.rank[-1] if n else 0
        self.promo: list[int] = []
        self.body_line = [False] * n  # kept as body by a rule: never a title or deck
        self.removed: list[tuple[int, Removal]] = []  # with line numbers, to report in order

    # ---- bookkeeping

    def drop(self, i: int, rule: str) -> None:
        if self.keep[i]:
            self.keep[i] = False
            self.removed.append((i, Removal(self.lines[i], rule)))

    def previous(self, i: int) -> int | None:
        """The kept line just before i, unless a dropped line lies between."""
        for j in range(i - 1, -1, -1):
            if self.keep[j]:
                return j
            if self.lines[j]:
                return None
        return None

    def next_nonempty(self, i: int) -> int | None:
        for j in range(i + 1, len(self.lines)):
            if self.lines[j]:
                return j
        return None

    # ---- rules

    def apply_rules(self) -> None:
        """Each line goes to the first rule that applies (the loop is the cleaner's hot path)."""
        half = self.nonempty / 2
        for i, line in enumerate(self.lines):
            if not self.keep[i]:
                continue
            rank = self.rank[i]
            rules = self.rules.select(
                self.words[i], self.sentence[i], rank <= HEAD_LINES, rank > half
            )
            quoted = line.startswith(_OPEN_QUOTES)
            low = ""
            for rule in rules:
                if rule.search:
                    if quoted:
                        continue
                    if rule.keywords:
                        low = low or line.lower()
                        for keyword in rule.keywords:
                            if keyword in low:
                                break
                        else:
                            continue
                    match = rule.pattern.search(line)
                else:
                    match = rule.pattern.fullmatch(line)
                if match and (rule.requires is None or rule.requires.search(line)):
                    self.act(rule, match, i)
                    break

    def act(self, rule: Rule, match: re.Match[str], i: int) -> None:
        groups = {k: v for k, v in match.groupdict().items() if v}
        for key, value in groups.items():
            if key.startswith("outlet"):
                if self.wire(value):
                    self.add_credits([value])  # "WASHINGTON (AP) —": a wire copy
                else:
                    self.set_outlet(value)
            elif key == "wire" and self.wire(value):
                self.add_credits([value])
        if rule.action == "keep":
            self.body_line[i] = True
            return
        if rule.action == "strip":
            self.strip(rule, match, i)
            self.take_byline(groups.get("name", ""), "")
            return
        self.drop(i, rule.name)
        handler = getattr(self, f"on_{rule.action}", None)
        if handler:
            handler(rule, groups, i)

    def strip(self, rule: Rule, match: re.Match[str], i: int) -> None:
        start, end = match.span("strip")
        line = self.lines[i]
        self.removed.append((i, Removal(line[start:end].strip(), rule.name)))
        self.lines[i] = " ".join((line[:start] + line[end:]).split())
        self.words[i] = len(self.lines[i].split())
        self.sentence[i] = ends_sentence(self.lines[i])
        self.body_line[i] = rule.body

    def on_promo(self, rule: Rule, groups: dict[str, str], i: int) -> None:
        self.promo.append(i)

    def on_caption(self, rule: Rule, groups: dict[str, str], i: int) -> None:
        """A credit takes its caption along: the same text without the credit, or a short
        caption line above a bare credit ("Image: Reuters/Kremlin/M. Klimentyev")."""
        p = self.previous(i)
        if p is None:
            return
        caption = self.lines[p]
        if self.words[p] >= 4 and self.lines[i].startswith(caption):
            self.drop(p, "caption")
        elif self.words[i] <= CREDIT_MAX_WORDS and _is_caption(caption):
            first = not any(itertools.islice(self.keep, p))
            after = self.next_nonempty(i)
            # The page's first line above a credit, with body right after, is its title.
            if not (first and (after is None or not is_heading(self.lines[after]))):
                self.drop(p, "caption")

    def on_footer(self, rule: Rule, groups: dict[str, str], i: int) -> None:
        """A footer heading takes the teasers under it, up to the next line of body text."""
        for j in range(i + 1, len(self.lines)):
            if self.keep[j] and _is_body(self.lines[j]):
                return
            self.drop(j, rule.name)

    def on_comments(self, rule: Rule, groups: dict[str, str], i: int) -> None:
        """A reader comment's header: the comments (and whatever chrome closes the page)
        run from it to the end."""
        for j in range(i + 1, len(self.lines)):
            self.drop(j, rule.name)

    def on_signoff(self, rule: Rule, groups: dict[str, str], i: int) -> None:
        names = _NAME_SPLIT.split(groups.get("credits", ""))
        self.add_credits([n.removeprefix("with ") for n in names if n])

    def on_byline(self, rule: Rule, groups: dict[str, str], i: int) -> None:
        name = groups.get("name", "")
        line = self.lines[i]
        self.take_byline(name, line[line.find(name) + len(name) :] if name in line else "")

    def on_url(self, rule: Rule, groups: dict[str, str], i: int) -> None:
        url = groups.get("url")
        if not url:
            j = self.next_nonempty(i)
            if j is not None and _URL.fullmatch(self.lines[j]):
                url = self.lines[j]
                self.drop(j, rule.name)
        if url and not self.result.url:
            self.result.url = url

    def on_date(self, rule: Rule, groups: dict[str, str], i: int) -> None:
        if not self.result.published and groups.get("date"):
            self.result.published = parse_date(groups["date"])

    # ---- passes that need context

    def sandwiched(self) -> None:
        """Lines between two promo lines close together are the same appeal, when they too
        speak to the reader ("we know how important it is..."); quoted speech is spared."""
        for a, b in itertools.pairwise(sorted(self.promo)):
            if self.rank[b] - self.rank[a] > SANDWICH_GAP:
                continue
            for j in range(a + 1, b):
                line = self.lines[j]
                if self.keep[j] and not line.startswith(_OPEN_QUOTES) and _TO_READER.search(line):
                    self.drop(j, "appeal")

    def captions_with_credit(self) -> None:
        """A caption followed by itself with a credit appended: both go (the credit tail alone
        must be something a caption rule recognises, e.g. "ALEXEI DRUZHININ/POOL VIA ...")."""
        kept = [i for i in range(len(self.lines)) if self.keep[i]]
        for a, b in itertools.pairwise(kept):
            first, second = self.lines[a], self.lines[b]
            if self.words[a] < 4 or second == first or not second.startswith(first):
                continue
            tail = second[len(first) :].strip()
            if any(r.action == "caption" and r.pattern.fullmatch(tail) for r in self.rules.lines):
                self.drop(a, "caption")
                self.drop(b, "caption")

    def repeated(self) -> None:
        seen: set[str] = set()
        for i, line in enumerate(self.lines):
            if self.keep[i]:
                key = line.casefold()
                if key in seen:
                    self.drop(i, "repeated")
                seen.add(key)

    def title(self) -> None:
        kept = [i for i in range(len(self.lines)) if self.keep[i]][:4]
        if not kept or self.body_line[kept[0]] or not is_heading(self.lines[kept[0]]):
            return
        line = self.lines[kept[0]]
        if line.endswith(("?", "!")):
            return  # as often a lede ("What's cute and furry ...?") as a headline: keep it
        if line.split()[-1].lower() in _HEADLINE_END_WORDS:
            return  # "... coming to" is a broken line, not a headline
        if len(kept) > 1 and self.lines[kept[1]][:1].islower():
            return
        if len(kept) > 2 and is_heading(self.lines[kept[1]]) and is_heading(self.lines[kept[2]]):
            return  # a list or a column of highlights, not title and deck
        self.result.title = line
        self.drop(kept[0], "title")
        # A deck in headlinese is a headline of its own; a standfirst that reads as a sentence
        # of reporting stays in the body, so that no sentence of the article is lost.
        if len(kept) > 2 and not self.body_line[kept[1]] and is_deck(self.lines[kept[1]]):
            self.result.subtitle = self.lines[kept[1]]
            self.drop(kept[1], "subtitle")

    def datelines(self) -> None:
        """Cut the dateline off the lead (and off a paragraph opening another wire piece with
        a slug: "BEIRUT (AP) —"), recorded as a removal by the rule "dateline"."""
        rank = 0
        for i, line in enumerate(self.lines):
            if not self.keep[i]:
                continue
            rank += 1
            found = self.take_dateline(line, lead=rank <= LEAD_LINES)
            if found:
                self.removed.append((i, Removal(found.text, "dateline")))
                self.lines[i] = line[found.length :]

    def self_references(self) -> None:
        """The page's chrome names its outlet ("DW's editors"); the headline and the lines
        dropped as repeats or captions are the article's own words, not chrome."""
        for _, removal in self.removed:
            if removal.rule in _NOT_CHROME:
                continue
            for pattern in self.rules.self_references:
                match = pattern.search(removal.text)
                if match:
                    self.set_outlet(match.group("outlet"))

    def body(self) -> str:
        paragraphs: list[str] = []
        last_origin = -1
        for i, line in enumerate(self.lines):
            if not self.keep[i]:
                continue
            if paragraphs and self.origin[i] == last_origin:
                paragraphs[-1] = f"{paragraphs[-1]} {line}"  # halves of a glued line
            elif paragraphs and not _ends_paragraph(paragraphs[-1]) and line[:1].islower():
                paragraphs[-1] = f"{paragraphs[-1]} {line}"  # a paragraph broken mid-sentence
            else:
                paragraphs.append(line)
            last_origin = self.origin[i]
        return "\n\n".join(paragraphs)

    def run(self) -> CleanResult:
        self.apply_rules()
        self.sandwiched()
        self.captions_with_credit()
        self.repeated()
        self.title()
        self.datelines()
        self.self_references()
        result = self.result
        result.text = self.body()
        result.removed = [r for _, r in sorted(self.removed, key=lambda pair: pair[0])]
        # The page's own URL is better evidence of its outlet than anything in its text.
        result.outlet = outlet_from_url(result.url, self.rules) or result.outlet
        result.published = result.published or date_from_url(result.url) or self.dateline_date
        return result


def _ends_paragraph(text: str) -> bool:
    return ends_sentence(text) or text.rstrip(_TRAILING_CLOSERS).endswith((":", ";"))


def strip_datelines(text: str) -> CleanResult:
    """Cut datelines off a body that is not cleaned (an HTML page's extracted text) as
    `clean_text` does; the rest of the text is left exactly as it is. The result has the text,
    the dateline's place, the removals, and what the slug and a glued byline said (outlet,
    credits, author; the dateline's date as `published`)."""
    found = _Found(load_rules(), CleanResult(text=""))
    lines = text.split("\n")
    rank = 0
    for i, line in enumerate(lines):
        start = len(line) - len(line.lstrip())
        if start == len(line):
            continue
        rank += 1
        dateline = found.take_dateline(line[start:], lead=rank <= LEAD_LINES)
        if dateline:
            found.result.removed.append(Removal(dateline.text, "dateline"))
            lines[i] = line[:start] + line[start + dateline.length :]
    found.result.text = "\n".join(lines)
    found.result.published = found.dateline_date
    return found.result


def clean_text(raw: str) -> CleanResult:
    """Split web text into the article body and its metadata (see the module docstring)."""
    if not raw or not raw.strip():
        return CleanResult(text="")
    return _Cleaner(raw, load_rules()).run()
