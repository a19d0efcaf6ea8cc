"""robots.txt, per origin: fetched once through the polite client itself, then kept.

The stdlib's `urllib.robotparser` reads the rules; what an unavailable file means follows its
conventions, conservative where they differ from RFC 9309: 401 and 403 forbid everything,
another 4xx (no robots.txt) allows everything, and a server error or a network failure forbids
everything, as the RFC asks of an unreachable file. Forbids for now: a refusal for that reason
may be tried again, and the file is asked for again after `RETRY_UNREACHABLE` seconds (a
`watch` runs for days); rules read are kept for `MAX_AGE` seconds, the RFC's day.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

log = logging.getLogger(__name__)

MAX_AGE = 24 * 3600.0
RETRY_UNREACHABLE = 600.0


@dataclass(frozen=True, slots=True)
class RobotsAnswer:
    """What fetching an origin's robots.txt gave: its text, or an HTTP status, or neither."""

    text: str | None = None
    status: int | None = None
    problem: str | None = None
    retry: bool = False
    """Whether the failure may pass (a timeout, a 5xx), so the file is worth asking again."""


@dataclass(slots=True)
class Rules:
    """One origin's rules; `refusal` is None where a URL may be fetched."""

    parser: RobotFileParser | None
    blanket: str | None = None
    """Why everything is refused (robots.txt forbidden or unreachable), or None."""
    for_now: bool = False
    """Whether the blanket refusal may pass (robots.txt failed for now)."""

    def refusal(self, url: str, agent: str) -> str | None:
        if self.blanket:
            return self.blanket
        if self.parser is None or self.parser.can_fetch(agent, url):
            return None
        return "disallowed by robots.txt"

    def delay(self, agent: str) -> float | None:
        """The `Crawl-delay` (or `Request-rate`) the file asks of this agent, in seconds."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        if delay is not None:
            return float(delay)
        rate = self.parser.request_rate(agent)
        return rate.seconds / rate.requests if rate and rate.requests else None


def origin(url: str) -> str:
    """`scheme://host[:port]`: robots.txt applies per origin."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def rules_from(answer: RobotsAnswer) -> Rules:
    """The rules an answer for robots.txt implies (see the module's docstring)."""
    if answer.text is not None:
        parser = RobotFileParser()
        parser.parse(answer.text.splitlines())
        return Rules(parser)
    if answer.status in (401, 403):
        return Rules(
            None, f"robots.txt is forbidden (HTTP {answer.status}): nothing may be fetched"
        )
    if answer.status is not None and 400 <= answer.status < 500:
        return Rules(None)
    return Rules(
        None, f"robots.txt unreachable ({answer.problem or 'no answer'})", for_now=answer.retry
    )


class RobotsCache:
    """The rules of every origin asked about, each fetched once with `fetch(robots_url)`."""

    def __init__(
        self,
        agent: str,
        fetch: Callable[[str], RobotsAnswer],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.agent = agent
        self._fetch, self._clock = fetch, clock
        self._rules: dict[str, tuple[Rules, float]] = {}

    def rules(self, url: str) -> Rules:
        key = origin(url)
        kept = self._rules.get(key)
        if kept is None or self._clock() >= kept[1]:
            rules = rules_from(self._fetch(f"{key}/robots.txt"))
            age = RETRY_UNREACHABLE if rules.for_now else MAX_AGE
            self._rules[key] = rules, self._clock() + age
            if rules.blanket:
                log.info("%s: %s", key, rules.blanket)
            else:
                delay = rules.delay(self.agent)
                log.debug(
                    "robots.txt of %s: %s%s",
                    key,
                    "rules read" if rules.parser else "none, everything allowed",
                    f", {delay:g} s between requests" if delay else "",
                )
        return self._rules[key][0]
