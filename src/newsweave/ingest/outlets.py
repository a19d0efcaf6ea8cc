"""Outlet names a reader can trust: what a page says it is, kept only when its host agrees.

A page names itself in several places (og:site_name, JSON-LD publisher, application-name,
publisher markup), and each is wrong often enough to matter: a copyright holder ("TAZ Verlags-
und Vertriebs GmbH"), the platform a site runs on ("Blogger"), a tagline ("Breaking Australian
and World News Headlines - 9News"), a social handle, a section name ("Security"), or the wire
whose story the page carries. A wrong outlet name is worse than none (it adds a source that is
not there, or hides one that is), so a stated name is used only when it can be checked against
the host the page lives on:

- the outlet table (`rules/outlets.toml`) names the host: its name wins, whatever the page says;
- else a stated name whose words spell one of the host's labels: the whole name or a run of its
  words ("Kurdistan 24" ~ kurdistan24.net, "Hamburger Abendblatt" ~ abendblatt.de), or the first
  letters of each of its words ("Frankfurter Allgemeine Zeitung" ~ faz.net, "Los Angeles Times" ~
  latimes.com, "20 Minuten" ~ 20min.ch). Names in other scripts are compared transliterated
  ("Коммерсантъ" ~ kommersant.ru).

Names are normalised so that one site keeps one name: taglines after a separator, a trailing
"Online" and a domain ending (".com", ".co.uk") go, shouting capitals are set in title case
("DER STANDARD" -> "Der Standard"), and the best-written of several spellings is kept
("ELMUNDO" and "El Mundo" -> "El Mundo"). With no name that passes, the outlet stays unknown,
and citations name the article by its host (`Article.outlet_label`).

A stated name that is a wire agency ("Associated Press" as publisher or author on a local
paper's page) is a wire credit, so the page is cited "Paper (AP)", never "AP".
"""

from __future__ import annotations

import html
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from anyascii import anyascii
from lxml.html import HtmlElement
from tld import get_tld

from newsweave.clean import load_rules, outlet_from_url
from newsweave.ingest import jsonld
from newsweave.ingest.titles import squash
from newsweave.model import url_host

MAX_NAME_CHARS = 80
"""A site name is a few words; longer "names" are descriptions or whole titles."""
MAX_RUN_WORDS = 4
"""A name matched by one run of its words (not all of them) has at most this many words: a
tagline that happens to hold the host's word ("Die besten Nachrichten aus Köln") is longer."""

_SEGMENT = re.compile(r"\s+[|\-–—·•:/]\s+|\s*[|｜：]\s*|,\s+")
_PARENTHETICAL = re.compile(r"\s*\(([^()]*)\)\s*")
_COPYRIGHT = re.compile(r"©|\(c\)|copyright|all rights reserved", re.I)
_DOMAIN_TOKEN = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}\.?", re.I)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"[^\W_]+")
_ORGANIZATION_TYPES = re.compile(r"organization|corporation|newsmedia", re.I)


@dataclass(frozen=True, slots=True)
class NameRules:
    """The word lists of `[names]` in rules/outlets.toml, folded for lookup."""

    articles: frozenset[str]
    company_words: frozenset[str]
    company_prefixes: tuple[str, ...]
    suffixes: frozenset[str]
    generic_labels: frozenset[str]
    wires: dict[str, str] = field(default_factory=dict)


@cache
def name_rules() -> NameRules:
    """The `[names]` lists of the outlet table, and its wires (read once)."""
    table = resources.files("newsweave.rules").joinpath("outlets.toml").read_text("utf-8")
    names = tomllib.loads(table)["names"]
    return NameRules(
        articles=frozenset(w.casefold() for w in names["articles"]),
        company_words=frozenset(w.casefold() for w in names["company_words"]),
        company_prefixes=tuple(w.casefold() for w in names["company_prefixes"]),
        suffixes=frozenset(w.casefold() for w in names["suffixes"]),
        generic_labels=frozenset(w.casefold() for w in names["generic_host_labels"]),
        wires=load_rules().wires,
    )


def host_labels(host: str) -> list[str]:
    """The labels of a host that can carry a site's name, as keys: the registrable label
    ("guardian" of theguardian.co.uk, "yomiuri" of japannews.yomiuri.co.jp) and any longer
    subdomain ("japannews"), but not "www", "m", "news" or a language code."""
    parsed = get_tld(f"http://{host}", as_object=True, fail_silently=True)
    if parsed is not None and not isinstance(parsed, str) and parsed.domain:
        domain, subdomains = parsed.domain, parsed.subdomain.split(".")
    else:  # a made-up or reserved top-level domain ("paper.example"): its last label is one
        parts = host.split(".")
        if len(parts) < 2 or parts[-1].isdigit():
            return []
        domain, subdomains = parts[-2], parts[:-2]
    generic = name_rules().generic_labels
    labels = [domain] + [
        s for s in subdomains if len(s) > 2 and s.casefold() not in generic and not s[-1].isdigit()
    ]
    keys = [_fold(label) for label in labels]
    return list(dict.fromkeys(k for k in keys if len(k) >= 2))


def _fold(text: str) -> str:
    """Letters and digits only, case and accents folded: 'Börsen-Zeitung' -> 'boersenzeitung'."""
    return "".join(_WORD.findall(_ascii(text.casefold().translate(_UMLAUTS))))


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped if stripped.isascii() else anyascii(stripped)


def _words(name: str) -> list[list[str]]:
    """The name's words as keys, in its spellings: umlauts spelled out ("sueddeutsche") and
    dropped ("suddeutsche"), as hosts write either."""
    spellings = {_ascii(name.casefold().translate(_UMLAUTS)), _ascii(name.casefold())}
    return [[w for w in _WORD.findall(s)] for s in sorted(spellings)]


def _initials(label: str, words: list[str]) -> bool:
    """The label is made of a non-empty beginning of each word, in order: "faz" of
    Frankfurter Allgemeine Zeitung, "latimes" of Los Angeles Times, "20min" of 20 Minuten."""
    if not words:
        return not label
    word, rest = words[0], words[1:]
    return any(
        label.startswith(word[:n]) and _initials(label[n:], rest)
        for n in range(min(len(word), len(label) - len(rest)), 0, -1)
    )


def spells_host(name: str, labels: list[str]) -> bool:
    """Whether the name's words spell one of the host's labels (see the module docstring)."""
    articles = name_rules().articles
    for words in _words(name):
        if not words:
            continue
        bare = words[1:] if len(words) > 1 and words[0] in articles else words
        for label in labels:
            if label in ("".join(words), "".join(bare)):
                return True
            initials = len(label) >= 2 and (_initials(label, words) or _initials(label, bare))
            if initials and (len(bare) > 1 or 3 * len(label) >= len(bare[0])):
                return True
            if len(words) <= MAX_RUN_WORDS and any(
                "".join(words[i:j]) == label
                for i in range(len(words))
                for j in range(i + 1, len(words) + 1)
            ):
                return True
    return False


def _is_company(name: str) -> bool:
    """A company rather than a publication: "Chemnitzer Verlag und Druck GmbH & Co. KG"."""
    rules = name_rules()
    for word in name.casefold().split():
        word = word.strip(",;&")
        if word in rules.company_words or word.rstrip("-") in rules.company_words:
            return True
        if word.startswith(rules.company_prefixes):
            return True
    return False


def _without_domain(name: str) -> tuple[str, bool]:
    """The name with a domain written into it reduced to its site label, and whether it had
    one: "Le Monde.fr" -> "Le Monde", "news.ORF.at" -> "ORF", "Express.co.uk" -> "Express"."""
    words = name.split()
    if not words or not _DOMAIN_TOKEN.fullmatch(words[-1]):
        return name, False
    token = words[-1].rstrip(".")
    parsed = get_tld(f"http://{token}", as_object=True, fail_silently=True, fix_protocol=True)
    if parsed is None or isinstance(parsed, str) or not parsed.domain:
        return name, False
    start = token.casefold().rfind(parsed.domain.casefold() + ".")
    label = token[start : start + len(parsed.domain)] if start >= 0 else parsed.domain
    return " ".join([*words[:-1], label]), True


def _recase(name: str, from_domain: bool) -> str:
    """One spelling per name: "DER STANDARD" and "der standard" -> "Der Standard", "euronews" ->
    "Euronews", a short lower-case host label -> capitals ("ndr" -> "NDR"); a name written in
    mixed case ("iNews", "der Freitag") keeps it, its first word capitalised if all lower."""
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return name
    if from_domain and name.islower() and len(letters) <= 4 and " " not in name:
        return name.upper()
    words = name.split()
    if name.islower() or (name.isupper() and max(len(w) for w in words) >= 5):
        articles = name_rules().articles
        name = " ".join(
            w.capitalize() if len(w) >= 4 or (i == 0 and w.casefold() in articles) else w
            for i, w in enumerate(words)
        )
    return name[0].upper() + name[1:] if name.split()[0].islower() else name


def _spelling(name: str) -> tuple[bool, bool, int]:
    """How well a name is written, for choosing among spellings with the same letters."""
    return (not name.isupper(), not name.islower(), name.count(" "))


@dataclass(frozen=True, slots=True)
class Named:
    """A stated name that passed the host check: its display form, and how it was written."""

    name: str
    from_domain: bool

    @property
    def key(self) -> str:
        return _fold(self.name)


def _segments(raw: str) -> list[str]:
    """The parts of a stated name between separators ("9News" of "Breaking News - 9News",
    "Berliner Morgenpost" of "Berliner Morgenpost, Berlin, Germany"), else the name."""
    return [p for p in (p.strip() for p in _SEGMENT.split(raw)) if p]


def _checked(raw: str, labels: list[str]) -> Named | None:
    """The stated name in its display form if it passes the host check, else None."""
    raw = squash(html.unescape(raw))
    if (
        not raw
        or len(raw) > MAX_NAME_CHARS
        or raw.startswith("@")
        or "://" in raw
        or "_" in raw
        or _COPYRIGHT.search(raw)
        or not any(c.isalpha() for c in raw)
    ):
        return None
    suffixes = name_rules().suffixes
    for segment in _segments(raw):
        # "Deutsche Welle (www.dw.com)": a parenthetical domain is an address, not the name
        inner = _PARENTHETICAL.search(segment)
        if inner and _DOMAIN_TOKEN.fullmatch(inner.group(1).strip()):
            segment = _PARENTHETICAL.sub(" ", segment).strip()
        if not segment or _is_company(segment) or "/" in segment:
            continue
        name, from_domain = _without_domain(segment)
        if _is_slug(name):
            continue
        shortened = name.rsplit(" ", 1)
        suffixed = len(shortened) == 2 and shortened[1].casefold() in suffixes
        if suffixed and spells_host(shortened[0], labels):  # "FOCUS online" on focus.de
            return Named(_recase(shortened[0], from_domain), from_domain)
        alias = _PARENTHETICAL.search(name)
        if spells_host(name, labels) or (alias and spells_host(alias.group(1), labels)):
            return Named(_recase(name, from_domain), from_domain)
    return None


def _is_slug(name: str) -> bool:
    """A URL slug or handle written as a name: "new-york-times" (lower case, hyphens, no
    spaces, several words of three letters or more)."""
    if " " in name or not name.islower() or "-" not in name:
        return False
    return sum(len(p) >= 3 for p in name.split("-")) >= 2


def choose_outlet(names: Iterable[str], url: str | None) -> str | None:
    """The outlet of a page at `url` that states `names` (most authoritative first): the outlet
    table's name for the host, else the first stated name that passes the host check, written
    as names are rather than as a domain ("El Mundo", not "elmundo.es")."""
    host = url_host(url)
    if not host:
        return None
    if known := outlet_from_url(url):
        return known
    labels = host_labels(host)
    if not labels:
        return None
    found = [n for n in (_checked(raw, labels) for raw in names) if n is not None]
    if not found:
        return None
    best = min(found, key=lambda n: n.from_domain)  # the first written as a name, if any
    same = [n for n in found if n.key == best.key]
    # stable: the first of equally well written spellings; a name as written ("iNews") beats
    # one recased from a domain ("Inews" of inews.co.uk)
    return max(same, key=lambda n: (not n.from_domain, *_spelling(n.name))).name


def wire_of(name: str | None) -> str | None:
    """The wire agency a stated name is ("The Associated Press" -> "AP"), if it is one."""
    if not name:
        return None
    return name_rules().wires.get(squash(name).strip(" .").casefold())


def wire_credits(names: Iterable[str | None], outlet: str | None) -> list[str]:
    """Wire agencies among a page's stated publisher names and authors: credits, not the
    outlet (a wire's own site, in the outlet table, stays the outlet and credits nothing)."""
    credits: list[str] = []
    for name in names:
        wire = wire_of(name)
        if wire and wire != outlet and wire not in credits:
            credits.append(wire)
    return credits


# ---- what a page states


def _meta(tree: HtmlElement, attribute: str, names: tuple[str, ...]) -> list[str]:
    found = []
    for element in tree.iter("meta"):
        if (element.get(attribute) or "").strip().casefold() in names:
            content = element.get("content")
            if content and content.strip():
                found.append(content.strip())
    return found


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def json_ld_names(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """The publisher names of the page's JSON-LD (an article's `publisher` first, then a
    `WebSite`'s name, then an organisation's), and the article's author names."""
    publishers: list[str] = []
    sites: list[str] = []
    organizations: list[str] = []
    authors: list[str] = []
    for obj in jsonld.objects(tree):
        kind = jsonld.types(obj)
        if jsonld.ARTICLE_TYPES.search(kind):
            if publisher := _name(obj.get("publisher")):
                publishers.append(publisher)
            author = obj.get("author")
            for one in author if isinstance(author, list) else [author]:
                if name := _name(one):
                    authors.append(name)
        elif kind == "WebSite" and (name := _name(obj.get("name"))):
            sites.append(name)
        elif _ORGANIZATION_TYPES.search(kind) and (name := _name(obj.get("name"))):
            organizations.append(name)
    return publishers + sites + organizations, authors


def _itemprop_publisher(tree: HtmlElement) -> list[str]:
    found = []
    for element in tree.iterfind(".//*[@itemprop='publisher']"):
        for named in element.iterfind(".//*[@itemprop='name']"):
            value = named.get("content") or named.text_content()
            if value and value.strip():
                found.append(value.strip())
    return found


def stated_names(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """What the page says its site is called, most authoritative first (og:site_name, the
    JSON-LD publisher, application-name, publisher markup), and the authors JSON-LD names."""
    publishers, authors = json_ld_names(tree)
    names = [
        *_meta(tree, "property", ("og:site_name",)),
        *publishers,
        *_meta(tree, "name", ("application-name",)),
        *_meta(tree, "name", ("publisher", "dc.publisher")),
        *_itemprop_publisher(tree),
    ]
    return list(dict.fromkeys(names)), authors
