"""RSS and Atom feeds as documents, and OPML lists of feeds.

feedparser reads every feed dialect (RSS 0.9x/1.0/2.0, Atom), always from an in-memory stream:
handed a string it would take it for a URL and download it (downloading is `newsweave.fetch`'s
job), and handed bytes it first tries them as a file name.
An entry's body is the HTML of its `content:encoded` (or Atom `content`), else its summary,
turned into paragraphs with lxml; feedparser has already sanitised it. Many feeds carry only a
teaser: an entry with less text than an article has is reported with its link (which `fetch`
and `watch` download), not stored. Stored entries keep `format="feed"`, so a body that is the
feed's text rather than the page's stays recognisable.
"""

from __future__ import annotations

import calendar
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html

from newsweave.clean import outlet_from_url
from newsweave.ingest.errors import IngestError, Item
from newsweave.ingest.html import MIN_BODY_CHARS
from newsweave.ingest.titles import _SEP, _key, squash
from newsweave.model import RawDocument

_BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
    | {"table", "tr", "section", "article", "figure", "header", "footer", "dl", "dt", "dd"}
)
_DROP = ("script", "style", "noscript", "iframe", "object", "embed", "form")
_SAFE_XML = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class NotAFeed(ValueError):
    """Bytes that are not a feed (or an OPML list) that can be read."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed item: where its article lives, what the feed says about it, its text."""

    link: str | None
    title: str | None
    published: date | None
    author: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed: its outlet (from its title and link) and its entries, in feed order."""

    title: str | None
    link: str | None
    outlet: str | None
    entries: list[FeedEntry]


def html_to_text(fragment: str) -> str:
    """Paragraphs of an HTML fragment: block elements and `<br>` break lines, spacing squashed."""
    if not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return squash(fragment)
    for element in list(root.iter(*_DROP)):
        element.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCKS:
            element.tail = "\n\n" + (element.tail or "")
            element.text = "\n\n" + (element.text or "")
    paragraphs = (squash(p) for p in root.text_content().split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _date(written: str | None, parsed: time.struct_time | None) -> date | None:
    """The day the feed wrote, in the feed's own time zone ("Thu, 03 Jun 2021 23:30 -0300" is
    3 June); feedparser's parsed form, normalised to UTC, only when the text is in no standard
    form (RFC 822 for RSS, ISO 8601 for Atom)."""
    if written:
        try:
            return parsedate_to_datetime(written).date()
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return datetime.fromisoformat(written.strip()).date()
        except ValueError:
            pass
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date()
    except (OverflowError, ValueError, OSError):
        return None


def _body(entry: feedparser.FeedParserDict) -> str:
    """The entry's fullest text: content (`content:encoded`, Atom content), else summary."""
    candidates = [c for c in entry.get("content", []) if c.get("value")]
    if entry.get("summary"):
        candidates.append(entry.get("summary_detail") or {"value": entry.summary})
    texts = []
    for part in candidates:
        value = part.get("value", "")
        plain = part.get("type") == "text/plain"
        texts.append(squash(value) if plain else html_to_text(value))
    return max(texts, key=len, default="")


def feed_outlet(title: str | None, link: str | None) -> str | None:
    """The outlet a feed belongs to: the outlet table for its site, else the part of its title
    that names the site ("Riverton Gazette - Politics" on gazette.example), else the host."""
    if known := outlet_from_url(link):
        return known
    host = (urlsplit(link).hostname or "").removeprefix("www.") if link else ""
    parts = [p.strip() for p in _SEP.split(squash(title))] if title else []
    parts = [p for p in parts if p]
    if len(parts) == 1:
        return parts[0]
    labels = {_key(label) for label in host.split(".") if len(label) >= 4}
    for part in parts:
        if any(label in _key(part) or _key(part) in label for label in labels if _key(part)):
            return part
    return host or (parts[0] if parts else None)


def parse_feed(data: bytes, url: str | None = None) -> Feed:
    """The feed in `data`; `url` (where it was fetched) resolves relative links.

    Raises NotAFeed when feedparser finds neither a feed dialect nor any entry.
    """
    headers = {"content-location": url} if url else None
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise NotAFeed(f"not an RSS or Atom feed ({problem})" if problem else "not a feed")
    meta = parsed.feed
    title, link = meta.get("title") or None, meta.get("link") or url
    entries = [
        FeedEntry(
            link=urljoin(link or "", entry["link"]) if entry.get("link") else None,
            title=squash(entry.get("title")) or None,
            published=_date(entry.get("published"), entry.get("published_parsed"))
            or _date(entry.get("updated"), entry.get("updated_parsed")),
            author=entry.get("author") or None,
            text=_body(entry),
        )
        for entry in parsed.entries
    ]
    return Feed(title=title, link=link, outlet=feed_outlet(title, link), entries=entries)


def entry_document(source: str, feed: Feed, entry: FeedEntry) -> RawDocument | IngestError:
    """The entry as a document, or why not: a teaser is reported with its link."""
    if len(entry.text) < MIN_BODY_CHARS:
        name = repr(entry.title) if entry.title else "with no title"
        where = f"; `newsweave fetch {entry.link}` downloads the article" if entry.link else ""
        return IngestError(
            source,
            f"feed entry {name} carries only {len(entry.text)} characters of text{where}",
        )
    return RawDocument(
        source=source,
        text=entry.text,
        format="feed",
        title=entry.title,
        url=entry.link,
        outlet=feed.outlet,
        published=entry.published,
        author=entry.author,
    )


def read_feed(source: str, data: bytes) -> Iterator[Item]:
    """One document per entry with enough text; `source#N` names the N-th entry."""
    try:
        feed = parse_feed(data)
    except NotAFeed as exc:
        yield IngestError(source, str(exc))
        return
    if not feed.entries:
        yield IngestError(source, "feed with no entries")
    for number, entry in enumerate(feed.entries, 1):
        yield entry_document(f"{source}#{number}", feed, entry)


def opml_feeds(data: bytes) -> list[str]:
    """The feed URLs (`xmlUrl` of every outline, nested or not) an OPML file lists, in order.

    Parsed without entities or network access (no XXE). Raises NotAFeed for anything else.
    """
    try:
        root = lxml.etree.fromstring(data, _SAFE_XML)
    except lxml.etree.XMLSyntaxError as exc:
        raise NotAFeed(f"not an OPML file ({exc})") from None
    if root is None or lxml.etree.QName(root).localname != "opml":
        raise NotAFeed("not an OPML file (its root is not <opml>)")
    urls = (o.get("xmlUrl", "").strip() for o in root.iter("{*}outline"))
    return list(dict.fromkeys(u for u in urls if u))


def read_opml(source: str, data: bytes) -> Iterator[Item]:
    """An OPML file holds no articles, only feeds to poll: said so, with the command that does."""
    try:
        feeds = opml_feeds(data)
    except NotAFeed as exc:
        yield IngestError(source, str(exc))
        return
    yield IngestError(
        source,
        f"an OPML list of {len(feeds)} feeds, not articles: "
        f"`newsweave watch {source} --once` downloads them",
    )
