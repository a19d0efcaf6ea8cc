"""HTML pages: trafilatura extracts the body and metadata, htmldate the publication date.

trafilatura already drops navigation and other boilerplate, so the body skips our own line
cleaner (`needs_cleaning=False`). The page is parsed once and the tree shared by htmldate, the
`<h1>` lookup and trafilatura (which works on its own copy). htmldate is given that tree, never
a URL, which it would try to download.

A page can be made to stall these libraries: reading an element's attributes is quadratic in
their number (libxml2's parser checks each new one against the others, lxml's `attrib.items()`
looks each value up by name, and htmldate and trafilatura call it), and so is libxml2's XPath
over many elements (trafilatura's `//p//text()`: 7 s for 100,000 paragraphs). So a page is read
in a worker process under a CPU-time budget (`MAX_HTML_SECONDS`, see `budget`) and skipped
when it goes over; and before parsing, attributes past `MAX_ATTRIBUTES` on one element are
dropped, so that shape reads in a moment instead of being refused.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Document
from trafilatura.utils import load_html

from newsweave.ingest import jsonld
from newsweave.ingest.budget import OverBudget, WorkerDied, WorkerPool
from newsweave.ingest.decode import declared_charset, decode_text
from newsweave.ingest.errors import IngestError, Item
from newsweave.ingest.outlets import choose_outlet, stated_names, wire_credits, wire_of
from newsweave.ingest.titles import clean_title, squash
from newsweave.model import RawDocument

for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

MAX_HEADINGS = 5
MIN_BODY_CHARS = 100
"""Less than this is not an article: trafilatura's fallback returns the menu of a page that has
none ("Home About"); the shortest of 258 real news bodies (Fundus) is 300 characters."""
MIN_STATED_RATIO = 2.0
"""A JSON-LD `articleBody` replaces the extracted body when it is this many times as long: a
body cut short (13 KB of 30 KB on one page); 1.5 to 2 times is as often a body padded with
teasers or captions as one cut short (Fundus pages)."""
MIN_HELD_SHARE = 0.8
"""...and holds this share of the extracted body's words: it is the same article."""
MAX_SCRIPT_CHARS = 2_000_000
"""Inline scripts longer than this are not searched for a body."""
MAX_HTML_SECONDS = 10.0
"""CPU seconds one page may take to read (decode, parse, extract) before it is skipped. Real
news pages take 30 ms (the median of 258 Fundus pages; the slowest, 1.3 MB, 1.2 s); a
page that takes longer than this was built or broken to stall the reader."""
MAX_ATTRIBUTES = 256
"""Attributes kept per element, in source order; the most on an element of 258 Fundus pages
is 73. Parsing is quadratic in attributes per element: 100,000 on one took 54 s to read."""

_WORKERS = WorkerPool(preload=(__name__,))


@dataclass(slots=True, frozen=True)
class HtmlTooSlow(IngestError):
    """A page that took longer than `MAX_HTML_SECONDS` to read: too costly, not unreadable,
    so the web API refuses it as too large (413) rather than malformed."""


_BLOCK_TAG = re.compile(r"<(?:p|div|br|h[1-6]|li|blockquote)\b", re.I)
_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote")
_NOT_BODY = ".//script | .//style | .//figure | .//figcaption | .//*[contains(@class, 'caption')]"
_SCRIPT_P = re.compile(r"<p[\s>]|\\u003cp[\s>\\]", re.I)
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*+"', re.S)
_SPACE = "\t\n\f\r "
_ATTRIBUTE = (  # as the HTML tokenizer reads one; atomic, so no scan ever backtracks into it
    rf"(?>[{_SPACE}/]*+[^{_SPACE}/>][^{_SPACE}/>=]*+"
    rf"""(?:[{_SPACE}]*+=[{_SPACE}]*+(?:"[^"]*+"?|'[^']*+'?|[^{_SPACE}>]*+))?+)"""
)
_RAW_TEXT = ("script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title")
"""Elements whose content is text up to their end tag, never tags: minified scripts are full
of `a<b` that would otherwise read as tags with hundreds of attributes."""
_RAW_CONTENT = {
    name: re.compile(rf"[{_SPACE}/]*+>?(?:[^<]++|<(?!/{name}))*+", re.I) for name in _RAW_TEXT
}
_UP_TO_LIMIT = rf"{_ATTRIBUTE}{{0,{MAX_ATTRIBUTES}}}(?!{_ATTRIBUTE})"
_WITHIN_LIMIT = re.compile(
    "(?:"
    + "|".join(
        [
            r"[^<]++",
            r"<(?![a-z!])",
            r"<!--.*?(?:-->|\Z)",
            *(
                rf"<{n}(?=[{_SPACE}/>]|\Z){_UP_TO_LIMIT}{_RAW_CONTENT[n].pattern}"
                for n in _RAW_TEXT
            ),
            rf"<[a-z][^{_SPACE}/>]*+{_UP_TO_LIMIT}",
            r"<!",
        ]
    )
    + ")*+",
    re.I | re.S,
)
"""Text, comments, raw-text elements and tags up to the first tag over the limit (or the end)."""
_OVER_LIMIT = re.compile(
    rf"(?P<kept><(?P<name>[a-z][^{_SPACE}/>]*+){_ATTRIBUTE}{{{MAX_ATTRIBUTES}}}){_ATTRIBUTE}*+",
    re.I,
)


def _end(pattern: re.Pattern[str], html: str, start: int) -> int:
    """Where `pattern`, which matches the empty string too, stops matching from `start`."""
    found = pattern.match(html, start)
    return found.end() if found else start


def cap_attributes(html: str) -> str:
    """The page with no element holding more than `MAX_ATTRIBUTES` attributes, the first ones
    kept; in linear time (regular expressions with possessive and atomic groups, never
    backtracking), about 1 ms for a real page that needs nothing dropped."""
    pieces: list[str] = []
    start = 0
    while (stop := _end(_WITHIN_LIMIT, html, start)) < len(html):
        tag = _OVER_LIMIT.match(html, stop)
        if tag is None:  # cannot happen: the scan stops only at such a tag
            break
        pieces += [html[start:stop], tag["kept"]]
        start = tag.end()
        raw = _RAW_CONTENT.get(tag["name"].lower())
        if raw is not None:
            end = _end(raw, html, start)
            pieces.append(html[start:end])
            start = end
    pieces.append(html[start:])
    return "".join(pieces)


def _parse(html: str) -> HtmlElement | None:
    """The page's tree; a bare fragment ("<p>..</p>" in a .txt) is wrapped to parse as a page."""
    tree = load_html(html)
    if tree is None:
        tree = load_html(f"<html><body><div>{html}</div></body></html>")
    return tree


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _published(tree: HtmlElement) -> date | None:
    try:
        found = find_date(tree, original_date=True, outputformat="%Y-%m-%d", extensive_search=False)
    except Exception:  # htmldate raises a variety of parser errors on odd pages
        return None
    return _date(found)


def page_body(tree: HtmlElement, extracted: str) -> str:
    """The article text of the page, given what trafilatura found in precision mode.

    Precision mode drops boilerplate best (on Fundus pages, token F1 0.949 against 0.946 in
    recall mode) but on some pages keeps little or nothing of a body that is there. Then, in
    turn: recall mode, where precision found less than `MIN_BODY_CHARS`; the body the page
    states in its JSON-LD (`articleBody`), where it is `MIN_STATED_RATIO` times as long as
    what was found and holds it; and the HTML a script renders client-side, where nothing
    else was found.
    """
    body = extracted
    if len(body) < MIN_BODY_CHARS:
        recall = trafilatura.extract(
            tree, favor_recall=True, include_comments=False, include_tables=False
        )
        body = max(body, (recall or "").strip(), key=len)
    stated = next(iter(jsonld.article_bodies(tree)), "")
    if len(stated) >= MIN_STATED_RATIO * len(body) and _holds(text_of(stated), body):
        body = text_of(stated)
    if len(body) < MIN_BODY_CHARS:
        body = max(body, scripted_body(tree), key=len)
    return body


def _holds(whole: str, part: str) -> bool:
    """Whether most words of `part` are words of `whole`."""
    words = part.casefold().split()
    known = set(whole.casefold().split())
    return not words or sum(w in known for w in words) >= MIN_HELD_SHARE * len(words)


def text_of(markup: str) -> str:
    """Plain text of a body given as text or HTML, one paragraph a line."""
    if not _BLOCK_TAG.search(markup):
        return "\n".join(squash(html.unescape(p)) for p in markup.split("\n") if p.strip())
    try:
        root = fragment_fromstring(markup, create_parent="div")
    except (ValueError, etree.ParserError):
        return ""
    for element in root.xpath(_NOT_BODY):
        element.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = [squash(e.text_content()) for e in root.iter(*_BLOCKS)]
    return "\n".join(b for b in blocks if b) or squash(root.text_content())


def scripted_body(tree: HtmlElement) -> str:
    """The longest article text held as HTML in a JSON string of an inline script: pages whose
    body is rendered in the browser (Next.js, Nuxt) carry it there, often escaped twice."""
    found = ""
    for script in tree.iter("script"):
        text = script.text or ""
        if script.get("src") or len(text) > MAX_SCRIPT_CHARS or not _SCRIPT_P.search(text):
            continue
        for markup in _html_strings(text, depth=2):
            body = text_of(markup)
            found = max(found, body, key=len)
    return found


def _html_strings(text: str, depth: int) -> Iterator[str]:
    """JSON string values in `text` that hold paragraphs, looked for in strings `depth` deep."""
    for literal in _JSON_STRING.finditer(text):
        if not _SCRIPT_P.search(literal.group()):
            continue
        try:
            value = json.loads(literal.group())
        except ValueError:
            continue
        if not isinstance(value, str):
            continue
        if "<p" in value:
            yield value
        elif depth > 1:
            yield from _html_strings(value, depth - 1)


def _split_authors(author: str | None) -> tuple[str | None, list[str]]:
    """The people among trafilatura's authors ("Ana Lopez; Associated Press"), and the wires."""
    people, wires = [], []
    for name in (a.strip() for a in (author or "").split(";")):
        if wire_of(name):
            wires.append(name)
        elif name:
            people.append(name)
    return "; ".join(people) or None, wires


def read_html(source: str, data: bytes, url: str | None = None) -> Iterator[Item]:
    """One document: the article body of the page with its title, date, author, outlet, URL;
    read in a worker process, and skipped (reported) past `MAX_HTML_SECONDS` of CPU time.

    `url` is where the page was found (fetched, archived), if known: the outlet name the page
    states is checked against that host rather than the one the page claims for itself.
    """
    try:
        items = _WORKERS.run(read_page, source, data, url, seconds=MAX_HTML_SECONDS)
    except OverBudget:
        took = f"HTML page took longer than {MAX_HTML_SECONDS:g} s to read: skipped"
        yield HtmlTooSlow(source, took)
        return
    except WorkerDied as died:
        yield IngestError(source, f"HTML page not read: its reader {died}")
        return
    yield from items


def read_page(source: str, data: bytes, url: str | None = None) -> list[Item]:
    """`read_html` in this process, with no time limit: what its worker runs."""
    return list(_read_page(source, data, url))


def _read_page(source: str, data: bytes, found_at: str | None) -> Iterator[Item]:
    decoded = decode_text(data, declared=declared_charset(data))
    if decoded is None:
        yield IngestError(source, "HTML page in no encoding that could be detected")
        return
    tree = _parse(cap_attributes(decoded.text))
    if tree is None:
        yield IngestError(source, "HTML page that could not be parsed")
        return
    headings = [squash(h.text_content()) for h in tree.iter("h1")][:MAX_HEADINGS]
    published = _published(tree)
    extracted = trafilatura.bare_extraction(
        tree, with_metadata=True, favor_precision=True, include_comments=False, include_tables=False
    )
    # no body found (None; a dict only if asked for one): the page's metadata all the same
    doc = extracted if isinstance(extracted, Document) else extract_metadata(tree) or Document()
    body = page_body(tree, (doc.text or "").strip())
    if len(body) < MIN_BODY_CHARS:
        found = f" (only {len(body)} characters)" if body else ""
        yield IngestError(source, f"HTML page with no article text that could be extracted{found}")
        return
    names, ld_authors = stated_names(tree)
    outlet = choose_outlet(names, found_at or doc.url)
    author, wire_authors = _split_authors(doc.author)
    yield RawDocument(
        source=source,
        text="\n\n".join(p.strip() for p in body.split("\n") if p.strip()),
        format="html",
        title=clean_title(
            doc.title, site=doc.sitename, url=doc.url, headings=headings, author=doc.author
        ),
        url=doc.url or None,
        outlet=outlet,
        published=published or _date(doc.date),
        author=author,
        credits=wire_credits([*names, *wire_authors, *ld_authors], outlet),
        needs_cleaning=False,
        warnings=[decoded.warning] if decoded.warning else [],
    )
