"""Polling feeds: a conditional GET of each feed, then the pages of entries not seen before.

A round asks each feed for what changed since it last answered, with the validators it gave
then (ETag as If-None-Match, Last-Modified as If-Modified-Since), kept in the store: a 304 means
nothing new and costs the site next to nothing. Of a changed feed, the entries whose link is
not stored yet are downloaded as pages (a feed often carries only a teaser) and added; when a
page is gone for good or holds no article text (a 404, robots.txt's no, a paywall stub), the
entry's own text is added instead where the feed carries the whole article. An entry link
that got a final answer (the page, a 404, robots.txt's no) is remembered and not fetched
again; one that failed for now (a timeout, a 5xx) is tried again next round.

A feed's validators are saved only once its entries are stored, so a round killed halfway is
redone, not lost; and only when none of its new entries failed for now, since a feed answering
304 is not read again and its pending entries would never be retried. Such a feed is asked
with the validators it had before (or none) until every entry got a final answer: each round
downloads it whole then, and fetches only the entries still pending.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsweave.app.pipeline import RunReport, ingest_documents
from newsweave.fetch.client import FetchFailure, Page, PoliteClient, refusal
from newsweave.fetch.pages import fetch_page
from newsweave.ingest.detect import HEAD_BYTES, detect_format
from newsweave.ingest.errors import IngestError, Item
from newsweave.ingest.feeds import Feed, FeedEntry, NotAFeed, entry_document, opml_feeds, parse_feed
from newsweave.model import RawDocument
from newsweave.nlp.language import LanguageDetector
from newsweave.store import Store

log = logging.getLogger(__name__)
MAX_OPML_BYTES = 5 * 1024 * 1024
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(slots=True)
class FeedOutcome:
    """What one feed gave in a round: `new` entry pages fetched, or why nothing."""

    url: str
    new: int = 0
    not_modified: bool = False
    error: str | None = None


@dataclass(slots=True)
class WatchReport:
    """One round: every feed's outcome, and what adding the pages did."""

    feeds: list[FeedOutcome] = field(default_factory=list)
    run: RunReport = field(default_factory=RunReport)


def parse_every(text: str) -> float:
    """Seconds in "15m", "30s", "1h30m", "2h", "90" (seconds). Raises ValueError otherwise."""
    spec = text.strip().lower()
    parts = _DURATION.findall(spec)
    if not spec or "".join(n + u for n, u in parts) != spec:
        raise ValueError(f"not a duration: {text!r} (say 30s, 15m, 1h)")
    seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise ValueError(f"not a positive duration: {text!r}")
    return seconds


def feed_list(args: Iterable[str]) -> tuple[list[str], list[IngestError]]:
    """Feed URLs from the arguments: URLs as they are, OPML files expanded to their feeds."""
    urls: list[str] = []
    problems: list[IngestError] = []
    for arg in args:
        path = Path(arg)
        if not path.is_file():
            if reason := refusal(arg):
                problems.append(IngestError(arg, f"neither an OPML file nor a feed URL: {reason}"))
            else:
                urls.append(arg)
            continue
        try:
            with path.open("rb") as stream:
                data = stream.read(MAX_OPML_BYTES + 1)
        except OSError as exc:
            problems.append(IngestError(arg, f"cannot be read ({exc.strerror or exc})"))
            continue
        if detect_format(path, data[:HEAD_BYTES]) != "opml" or len(data) > MAX_OPML_BYTES:
            problems.append(IngestError(arg, "not an OPML list of feeds (a feed file: ingest it)"))
            continue
        try:
            urls += opml_feeds(data)
        except NotAFeed as exc:
            problems.append(IngestError(arg, str(exc)))
    return list(dict.fromkeys(urls)), problems


def _conditional(store: Store, url: str) -> dict[str, str]:
    """The If-None-Match / If-Modified-Since headers of the feed's last answer."""
    etag, modified = store.fetch_state(url) or (None, None)
    headers = {"If-None-Match": etag} if etag else {}
    return headers | ({"If-Modified-Since": modified} if modified else {})


def _new(link: str | None, store: Store, seen: set[str]) -> bool:
    """An entry link neither stored, nor fetched for good before, nor met earlier this round."""
    if not link:
        return False
    return link not in seen and not store.has_url(link) and not store.fetch_state(link)


def poll_feed(
    url: str,
    store: Store,
    client: PoliteClient,
    report: RunReport,
    seen: set[str],
    **options: Any,
) -> FeedOutcome:
    """One feed: conditional GET, then its new entries' pages added to the store."""
    got = client.get(url, _conditional(store, url))
    if isinstance(got, FetchFailure):
        return FeedOutcome(url, error=got.reason)
    if got.status == 304:
        return FeedOutcome(url, not_modified=True)
    try:
        feed = parse_feed(got.body, got.final_url)
    except NotAFeed as exc:
        return FeedOutcome(url, error=str(exc))
    entries = [e for e in feed.entries if e.link and _new(e.link, store, seen)]
    seen.update(e.link for e in entries if e.link)
    final: list[tuple[str, str | None, str | None]] = []
    pending: list[str] = []

    def pages() -> Iterator[Item]:
        for entry in entries:
            link = entry.link or ""
            items, answer = fetch_page(link, client)
            if isinstance(answer, Page):
                final.append(
                    (link, answer.headers.get("etag"), answer.headers.get("last-modified"))
                )
            elif not answer.retry:
                final.append((link, None, None))
            else:
                pending.append(link)  # tried again next round, the page may come back
                yield from items
                continue
            yield from _or_entry_text(items, feed, entry)

    ingest_documents(pages(), store, report=report, **options)
    for link, etag, modified in final:
        store.set_fetch_state(link, etag, modified)
    if pending:
        log.info("feed %s: %d entries to try again, validators kept back", url, len(pending))
    else:
        store.set_fetch_state(url, got.headers.get("etag"), got.headers.get("last-modified"))
    return FeedOutcome(url, new=len(entries))


def _or_entry_text(items: list[Item], feed: Feed, entry: FeedEntry) -> list[Item]:
    """The page's article; failing that, the feed entry's own text when it is a whole article
    (a teaser is not: the page's problem is reported then)."""
    if any(isinstance(item, RawDocument) for item in items):
        return items
    fallback = entry_document(entry.link or "", feed, entry)
    return [fallback] if isinstance(fallback, RawDocument) else items


def watch_round(
    feeds: Iterable[str], store: Store, client: PoliteClient, **options: Any
) -> WatchReport:
    """Poll every feed once; `options` go to `pipeline.ingest_documents`."""
    options.setdefault("detector", LanguageDetector())  # one model for every feed's ingest
    report = WatchReport()
    seen: set[str] = set()
    for url in feeds:
        outcome = poll_feed(url, store, client, report.run, seen, **options)
        report.feeds.append(outcome)
        if outcome.error:
            log.info("feed %s failed: %s", url, outcome.error)
        else:
            log.info(
                "feed %s: %s",
                url,
                "not modified" if outcome.not_modified else f"{outcome.new} new entries",
            )
    return report
