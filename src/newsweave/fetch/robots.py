"""robots.txt, per origin: fetched once through the polite client itself, then kept.

The stdlib's `urllib.robotparser` reads the rules; what an unavailable file means follows its
conventions, conservative where they differ from RFC 9309: 401 and 403 forbid everything,
another 4xx (no robots.txt) allows everything, and a server error or a network failure forbids
everything for this run, as the RFC asks of an unreachable file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RobotsAnswer:
    """What fetching an origin's robots.txt gave: its text, or an HTTP status, or neither."""

    text: str | None = None
    status: int | None = None
    problem: str | None = None


@dataclass(slots=True)
class Rules:
    """One origin's rules; `refusal` is None where a URL may be fetched."""

    parser: RobotFileParser | None
    blanket: str | None = None
    """Why everything is refused (robots.txt forbidden or unreachable), or None."""

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
    return Rules(None, f"robots.txt unreachable ({answer.problem or 'no answer'})")


class RobotsCache:
    """The rules of every origin asked about, each fetched once with `fetch(robots_url)`."""

    def __init__(self, agent: str, fetch: Callable[[str], RobotsAnswer]) -> None:
        self.agent = agent
        self._fetch = fetch
        self._rules: dict[str, Rules] = {}

    def rules(self, url: str) -> Rules:
        key = origin(url)
        if key not in self._rules:
            rules = self._rules[key] = rules_from(self._fetch(f"{key}/robots.txt"))
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
        return self._rules[key]
