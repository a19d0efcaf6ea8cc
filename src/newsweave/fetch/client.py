"""The polite HTTP client: robots.txt, per-host pacing, timeouts, size and redirect limits.

Every request newsweave makes goes through `PoliteClient.get`, robots.txt included, so the
rules hold everywhere: only http and https (checked again at every redirect hop, which is
followed here rather than by httpx for that reason), robots.txt obeyed and its `Crawl-delay`
honoured, one request per host per `interval` seconds, a body streamed and dropped past
`max_bytes`, each request (each redirect hop, each robots.txt) over within `total_timeout`
seconds of its start, connecting and headers included, and no connection to a private address
unless `allow_private` (see `newsweave.fetch.network`, which opens every connection). Failures
are values (`FetchFailure`), each with a reason a user can act on and whether trying again
later may help; nothing here raises for what a server does. httpx is the I/O back end; tests
hand it a local server, a resolver, or a transport of their own.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from newsweave import __version__
from newsweave.fetch.network import (
    Deadline,
    GuardedBackend,
    GuardedTransport,
    PrivateAddress,
    Resolver,
    first_private,
    resolve,
    system_resolver,
)
from newsweave.fetch.pacing import Clock, HostPacer, Sleep
from newsweave.fetch.robots import RobotsAnswer, RobotsCache

log = logging.getLogger(__name__)

USER_AGENT = f"newsweave/{__version__} (news reader; obeys robots.txt and Crawl-delay)"
SCHEMES = ("http", "https")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How politely and how far to fetch; the defaults suit news sites."""

    user_agent: str = USER_AGENT
    interval: float = 1.0
    """Seconds between two requests to one host (robots.txt may ask for more)."""
    timeout: float = 20.0
    """Seconds to connect, and between two reads of the response."""
    total_timeout: float = 60.0
    """Seconds one request may take, from connecting to the body's last byte (a server
    dripping bytes is cut off); each redirect hop and robots.txt is a request of its own."""
    max_bytes: int = 5 * 1024 * 1024
    """A larger body (after decompression) is dropped: no article page is that big."""
    max_redirects: int = 5
    allow_private: bool = False
    """Whether loopback, private and link-local addresses may be fetched: a link in a feed
    must not make newsweave read an internal service (a router, cloud metadata) for it."""


@dataclass(frozen=True, slots=True)
class Page:
    """A response worth reading: 2xx with its body, or 304 (not modified) without one."""

    url: str
    """The URL asked for."""
    final_url: str
    """Where it was found, after redirects."""
    status: int
    headers: httpx.Headers = field(repr=False)
    body: bytes = field(repr=False)

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters ("" when not declared)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if any."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'").lower()
        return None


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """Why a URL could not be had; `retry` when trying later may succeed (timeouts, 5xx)."""

    url: str
    reason: str
    status: int | None = None
    retry: bool = False


@dataclass(frozen=True, slots=True)
class _Redirect:
    location: str


def refusal(url: str, *, hop: bool = False) -> str | None:
    """Why `url` may not be requested at all (a scheme other than http(s), no host), or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        return f"invalid URL ({exc})"
    if parts.scheme.lower() not in SCHEMES:
        scheme = f"{parts.scheme}:" if parts.scheme else "a URL without a scheme"
        what = f"redirect to {scheme}" if hop else f"not an http(s) URL ({scheme})"
        return f"{what} refused: only http and https are fetched"
    if not host:
        return "invalid URL (no host)"
    return None


def private_refusal(host: str, address: str, *, hop: bool = False) -> str:
    """Why a host at a private `address` is not requested, in `refusal`'s words."""
    where = f"redirect to {host}" if hop else host
    what = "a private address" if address == host else f"{address} is a private address"
    return f"{where} refused: {what}; --allow-private fetches it"


class PoliteClient:
    """Fetches one URL at a time, politely (see the module's docstring). Use as a context
    manager, or `close()` it.

    `resolver` stands in for DNS (tests). A `transport` handed in stands in for the network
    itself: no address is resolved or checked then, and only reading the body is bounded by
    `total_timeout`."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = system_resolver,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.settings = settings or FetchSettings()
        self._deadline = Deadline()
        self._resolver = resolver
        self._checks_addresses = transport is None and not self.settings.allow_private
        if transport is None:
            backend = GuardedBackend(
                self._deadline, allow_private=self.settings.allow_private, resolver=resolver
            )
            transport = GuardedTransport(backend)
        self._http = httpx.Client(
            transport=transport,
            headers={"User-Agent": self.settings.user_agent},
            timeout=self.settings.timeout,
            follow_redirects=False,
        )
        self._pacer = HostPacer(self.settings.interval, clock=clock, sleep=sleep)
        self._robots = RobotsCache(self.settings.user_agent, self._robots_txt, clock)

    def get(self, url: str, headers: dict[str, str] | None = None) -> Page | FetchFailure:
        """GET `url` (with extra `headers`, e.g. conditional ones), following redirects."""
        return self._get(url, headers or {}, obey_robots=True, limit=self.settings.max_bytes)

    def _get(
        self, url: str, headers: dict[str, str], *, obey_robots: bool, limit: int
    ) -> Page | FetchFailure:
        asked = url
        for hop in range(self.settings.max_redirects + 1):
            if reason := refusal(url, hop=hop > 0) or self._address_refusal(url, hop=hop > 0):
                log.info("not fetching %s: %s", url, reason)
                return FetchFailure(asked, reason)
            host = urlsplit(url).netloc.lower()
            if obey_robots:
                rules = self._robots.rules(url)
                if reason := rules.refusal(url, self.settings.user_agent):
                    log.info("not fetching %s: %s", url, reason)
                    where = f" (redirected to {url})" if hop else ""
                    return FetchFailure(asked, reason + where, retry=rules.for_now)
                if delay := rules.delay(self.settings.user_agent):
                    self._pacer.slow_down(host, delay)
            self._pacer.wait(host)
            if headers:
                log.debug("GET %s with %s", url, ", ".join(sorted(headers)))
            outcome = self._request(asked, url, headers, limit, hop=hop > 0)
            if isinstance(outcome, _Redirect):
                log.info("GET %s: redirected to %s", url, outcome.location)
                url = outcome.location
                continue
            if isinstance(outcome, Page):
                log.info("GET %s: HTTP %d, %d bytes", url, outcome.status, len(outcome.body))
            else:
                log.info("GET %s: %s", url, outcome.reason)
            return outcome
        return FetchFailure(asked, f"more than {self.settings.max_redirects} redirects")

    def _address_refusal(self, url: str, *, hop: bool) -> str | None:
        """Why `url`'s host is not requested: it resolves to a private address. Asked before
        robots.txt, so that the refusal names the host rather than its robots.txt; the
        connection checks the addresses it connects to again, which is what keeps a second,
        different DNS answer out."""
        if not self._checks_addresses:
            return None
        try:
            target = httpx.URL(url)
            host = target.raw_host.decode("ascii")
            port = target.port or (443 if target.scheme == "https" else 80)
            addresses = resolve(host, port, self._resolver, self.settings.timeout)
        except (httpx.InvalidURL, UnicodeError, httpcore.ConnectError, httpcore.ConnectTimeout):
            return None  # the request itself reports it
        if address := first_private(addresses):
            return private_refusal(target.host, address, hop=hop)
        return None

    def _request(
        self, asked: str, url: str, headers: dict[str, str], limit: int, *, hop: bool
    ) -> Page | FetchFailure | _Redirect:
        """One request, streamed, within `total_timeout`; the body is read only for a
        response worth reading."""
        self._deadline.start(self.settings.total_timeout)
        try:
            with self._http.stream("GET", url, headers=headers) as response:
                return self._read(asked, url, response, limit)
        except PrivateAddress as exc:
            return FetchFailure(asked, private_refusal(exc.host, exc.address, hop=hop))
        except httpx.TimeoutException:
            if self._deadline.cut:
                return self._too_slow(asked)
            return FetchFailure(asked, f"timed out (after {self.settings.timeout:g} s)", retry=True)
        except httpx.ConnectError as exc:
            return FetchFailure(asked, f"cannot connect ({exc})", retry=True)
        except httpx.DecodingError as exc:
            return FetchFailure(asked, f"response could not be decoded ({exc})")
        except httpx.HTTPError as exc:
            return FetchFailure(asked, f"network error ({type(exc).__name__}: {exc})", retry=True)
        except httpx.InvalidURL as exc:
            return FetchFailure(asked, f"invalid URL ({exc})")
        finally:
            self._deadline.stop()

    def _too_slow(self, asked: str, status: int | None = None) -> FetchFailure:
        seconds = self.settings.total_timeout
        return FetchFailure(
            asked, f"timed out (over {seconds:g} s for the whole response)", status, retry=True
        )

    def _read(
        self, asked: str, url: str, response: httpx.Response, limit: int
    ) -> Page | FetchFailure | _Redirect:
        status = response.status_code
        if status in REDIRECTS:
            location = response.headers.get("location")
            if not location:
                return FetchFailure(asked, f"HTTP {status} redirect without a Location", status)
            return _Redirect(urljoin(url, location.strip()))
        if status == 304:
            return Page(asked, url, status, response.headers, b"")
        if not 200 <= status < 300:
            reason = f"HTTP {status} {response.reason_phrase}".strip()
            return FetchFailure(asked, reason, status, retry=status >= 500 or status == 429)
        too_big = FetchFailure(asked, f"larger than {limit:,} bytes", status)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return too_big
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > limit:
                return too_big
            if self._deadline.passed():  # a transport handed in obeys no deadline itself
                return self._too_slow(asked, status)
        return Page(asked, url, status, response.headers, bytes(body))

    def _robots_txt(self, robots_url: str) -> RobotsAnswer:
        """robots.txt through the same client: paced, bounded, redirects checked."""
        got = self._get(robots_url, {}, obey_robots=False, limit=ROBOTS_MAX_BYTES)
        if isinstance(got, Page):
            return RobotsAnswer(text=got.body.decode("utf-8", "replace"))
        return RobotsAnswer(status=got.status, problem=got.reason, retry=got.retry)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
