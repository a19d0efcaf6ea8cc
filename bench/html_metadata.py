"""How well the HTML reader recovers title, date, authors, outlet and body from real news pages.

    .venv/bin/python bench/html_metadata.py ../shared/data/fundus

Runs `newsweave.ingest.read_file` on every `<country>/<Publisher>_<date>.html.gz` of the Fundus
parser test data and compares with the publisher-specific parsers' expected output in
`<country>/<Publisher>.json` (a publisher's pages and parser versions pair up in sorted order).
Title is an exact match after whitespace is collapsed; the date counts when it is the expected
calendar day as the page states it (and, in a second row, within a day: expected dates are often
in UTC). Author recall is the share of expected names found among the extracted ones (word for
word, punctuation ignored), precision the share of extracted names that are expected ones, on
pages with expected authors; an expected author that is a wire agency counts as found where it
is among the wire credits. Body recall/precision are rough bag-of-words overlaps (CJK counted
per character), averaged over pages. `--misses` lists what went wrong, page by page.

Outlets: the expected outlet is the Fundus publisher (its class name, "TheGuardian"), or one of
the names it goes by in `OTHER_NAMES` (reviewed by hand: "LATimes" is "Los Angeles Times").
Names compare by their letters and digits, case, accents, a leading article and a domain ending
(".de", ".co.uk") ignored. A name
is right, wrong, or unknown (None, which newsweave gives rather than guess); trafilatura's
`sitename` alone is scored the same way in the same run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import trafilatura
from anyascii import anyascii

from newsweave.ingest import IngestError, read_file
from newsweave.ingest.outlets import wire_of
from newsweave.model import RawDocument

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_PAGE = re.compile(r"(?P<publisher>.+)_\d{4}_\d{2}_\d{2}(?:_\d+)?\.html\.gz")
_ARTICLES = ("the", "der", "die", "das", "le", "la", "les", "el", "il", "het", "de")
_DOMAIN_END = re.compile(r"\.(?:com|net|org|co|[a-z]{2})(?:\.[a-z]{2})?$", re.I)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
OTHER_NAMES = {
    "NineNews": ("9News", "Nine"),
    "PoliticoEu": ("Politico",),
    "CBCNews": ("CBC",),
    "NZZ": ("Neue Zürcher Zeitung",),
    "SRF": ("Schweizer Radio und Fernsehen (SRF)", "Schweizer Radio und Fernsehen"),
    "ZwanzigMinuten": ("20 Minuten",),
    "AFPFaktencheck": ("AFP", "AFP Faktencheck"),
    "BR": ("BR24",),
    "BSZ": ("Braunschweiger Zeitung",),
    "BusinessInsiderDE": ("Business Insider",),
    "DieZeit": ("Zeit", "Zeit Online"),
    "EuronewsDE": ("Euronews",),
    "EuronewsFR": ("Euronews",),
    "EuronewsEN": ("Euronews",),
    "FAZ": ("Frankfurter Allgemeine Zeitung",),
    "LTO": ("Legal Tribune Online",),
    "MitteldeutscheZeitung": ("MZ",),
    "NTV": ("n-tv", "n-tv Nachrichten", "ntv Nachrichten"),
    "NetzpolitikOrg": ("Netzpolitik",),
    "RBB24": ("rbb24",),
    "RheinischePost": ("RP Online",),
    "SZ": ("Süddeutsche Zeitung",),
    "SpiegelOnline": ("Der Spiegel", "Spiegel"),
    "VogueDE": ("Vogue Germany", "Vogue"),
    "WAZ": ("Westdeutsche Allgemeine Zeitung",),
    "WDR": ("WDR Aktuell",),
    "ZDF": ("ZDFheute",),
    "ABC": ("Diario ABC",),
    "Publico": ("Diario Público",),
    "Bhaskar": ("Dainik Bhaskar",),
    "Morgunbladid": ("MBL", "Morgunblaðið"),
    "VerdensGang": ("VG",),
    "AnadoluAjansi": ("Anadolu", "Anadolu Ajansı"),
    "NTVTR": ("NTV",),
    "DailyNewsTZ": ("Daily News",),
    "Pravda": ("Украинская правда", "Ukrainska Pravda"),
    "EveningStandard": ("The Standard",),
    "TheMirror": ("Daily Mirror",),
    "APNews": ("AP", "Associated Press"),
    "FreeBeacon": ("Washington Free Beacon",),
    "LATimes": ("Los Angeles Times",),
    "VoiceOfAmerica": ("VOA", "Voice of America"),
    "VnExpress": ("Báo VnExpress",),
    "Ilanga": ("Ilanga News",),
    "LBCGroup": ("LBCI",),
}
"""Names a Fundus publisher goes by that its class name does not spell."""


def outlet_keys(name: str) -> set[str]:
    """A name as comparable keys: letters and digits, case and accents folded (umlauts spelled
    out or not), with and without a leading article."""
    keys = set()
    name = _DOMAIN_END.sub("", name)  # "bild.de" is Bild
    for spelling in (name.casefold().translate(_UMLAUTS), name.casefold()):
        words = re.findall(r"[a-z0-9]+", anyascii(spelling).casefold())
        keys.add("".join(words))
        if len(words) > 1 and words[0] in _ARTICLES:
            keys.add("".join(words[1:]))
    return keys - {""}


def outlet_right(name: str, publisher: str) -> bool:
    """Whether `name` is the Fundus `publisher` (class name split at capitals, or another name)."""
    spelled = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", publisher)
    wanted = set().union(*(outlet_keys(n) for n in (spelled, *OTHER_NAMES.get(publisher, ()))))
    return bool(outlet_keys(name) & wanted)


def tokens(text: str) -> Counter[str]:
    return Counter(t.casefold() for t in _TOKEN.findall(text))


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


def name_words(text: str) -> str:
    """A name as its words only: "Miguel A. Herguedas" and "Miguel A Herguedas" are one."""
    kept = (" " if unicodedata.category(c)[0] in "PSZ" else c for c in text.casefold())
    return " " + " ".join("".join(kept).split()) + " "


def version_key(name: str) -> list[int]:
    """'V1_1' -> [1, 1], so V2 sorts before V10."""
    return [int(n) for n in re.findall(r"\d+", name)]


def expected_body(body: dict) -> str:
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += section.get("headline") or []
        parts += section.get("paragraphs") or []
    return "\n".join(parts)


def pairs(root: Path) -> list[tuple[Path, dict]]:
    """(page, expected) for every page of the data set."""
    found = []
    for spec in sorted(root.glob("*/*.json")):
        pages = sorted(
            p
            for p in spec.parent.glob(f"{spec.stem}_*.html.gz")
            if (m := _PAGE.fullmatch(p.name)) and m["publisher"] == spec.stem
        )
        versions = json.loads(spec.read_text(encoding="utf-8"))
        ordered = [versions[k] for k in sorted(versions, key=version_key)]
        found += zip(pages, ordered, strict=True)
    return found


@dataclass
class Scores:
    pages: int = 0
    errors: int = 0
    titles: list[bool] = field(default_factory=list)
    dates: list[bool] = field(default_factory=list)
    dates_near: list[bool] = field(default_factory=list)
    authors_expected: int = 0
    authors_found: int = 0
    authors_given: int = 0
    authors_right: int = 0
    outlets: list[bool] = field(default_factory=list)
    outlet_counts: Counter[str] = field(default_factory=Counter)
    recall: list[float] = field(default_factory=list)
    precision: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def score(page: Path, expected: dict, doc: RawDocument, s: Scores) -> None:
    page_name = f"{page.parent.name}/{page.name}"
    if title := squash(expected.get("title")):
        s.titles.append(squash(doc.title) == title)
        if not s.titles[-1]:
            s.misses.append(f"{page_name} title: {doc.title!r} != {title!r}")
    if stamp := expected.get("publishing_date"):
        want = date.fromisoformat(stamp[:10])
        s.dates.append(doc.published == want)
        s.dates_near.append(doc.published is not None and abs((doc.published - want).days) <= 1)
        if not s.dates[-1]:
            s.misses.append(f"{page_name} date: {doc.published} != {want}")
    want_authors = [name_words(a) for a in expected.get("authors") or []]
    got_authors = [name_words(a) for a in (doc.author or "").split(";") if a.strip()]
    credits = {name_words(c) for c in doc.credits}
    for author, name in zip(want_authors, expected.get("authors") or [], strict=True):
        s.authors_expected += 1
        wire = wire_of(name)
        found = any(author in got for got in got_authors) or bool(
            wire and name_words(wire) in credits
        )
        s.authors_found += found
        if not found:
            s.misses.append(f"{page_name} author: {author.strip()!r} not in {doc.author!r}")
    if want_authors:
        s.authors_given += len(got_authors)
        s.authors_right += sum(any(w in got for w in want_authors) for got in got_authors)
    s.outlets.append(bool(doc.outlet))
    publisher = _PAGE.fullmatch(page.name)["publisher"]  # type: ignore[index]
    html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
    metadata = trafilatura.extract_metadata(html)
    for who, name in (("newsweave", doc.outlet), ("trafilatura", metadata.sitename)):
        verdict = "unknown" if not name else "right" if outlet_right(name, publisher) else "wrong"
        s.outlet_counts[f"{who} {verdict}"] += 1
        if verdict == "wrong" and who == "newsweave":
            s.misses.append(f"{page_name} outlet: {name!r} is not {publisher}")
    want_tokens, got_tokens = tokens(expected_body(expected.get("body") or {})), tokens(doc.text)
    if want_tokens and got_tokens:
        common = sum((want_tokens & got_tokens).values())
        s.recall.append(common / sum(want_tokens.values()))
        s.precision.append(common / sum(got_tokens.values()))
        if s.recall[-1] < 0.8 or s.precision[-1] < 0.8:
            s.misses.append(
                f"{page_name} body: recall {s.recall[-1]:.2f} precision {s.precision[-1]:.2f}"
            )


def run(root: Path) -> Scores:
    s = Scores()
    for page, expected in pairs(root):
        s.pages += 1
        start = time.perf_counter()
        items = list(read_file(page))
        s.seconds.append(time.perf_counter() - start)
        docs = [i for i in items if isinstance(i, RawDocument)]
        if not docs:
            s.errors += 1
            reasons = "; ".join(i.reason for i in items if isinstance(i, IngestError))
            s.misses.append(f"{page.parent.name}/{page.name} error: {reasons}")
            continue
        score(page, expected, docs[0], s)
    return s


def rate(values: list[bool] | list[float]) -> str:
    return f"{statistics.fmean(values):.3f} (n={len(values)})" if values else "-"


def share(part: int, whole: int) -> str:
    return f"{part / whole:.3f} (n={whole})" if whole else "-"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path, help="the fundus data folder")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()

    s = run(args.root)
    if args.misses:
        print("\n".join(s.misses), end="\n\n")
    rows = [
        ("pages (read errors)", f"{s.pages} ({s.errors})"),
        ("title exact match", rate(s.titles)),
        ("date: same calendar day", rate(s.dates)),
        ("date: within a day (time zones)", rate(s.dates_near)),
        ("author recall", share(s.authors_found, s.authors_expected)),
        ("author precision (pages with authors)", share(s.authors_right, s.authors_given)),
        ("outlet present", rate(s.outlets)),
        *(
            (
                f"outlet {verdict} ({who})",
                share(s.outlet_counts[f"{who} {verdict}"], s.pages - s.errors),
            )
            for who in ("newsweave", "trafilatura")
            for verdict in ("right", "wrong", "unknown")
        ),
        ("body token recall (mean)", rate(s.recall)),
        ("body token precision (mean)", rate(s.precision)),
        ("ms/page (median)", f"{1000 * statistics.median(s.seconds):.1f}"),
        ("ms/page (mean)", f"{1000 * statistics.fmean(s.seconds):.1f}"),
    ]
    print("| measure | value |\n|---|---:|")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
