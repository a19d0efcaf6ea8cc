"""Per-host pacing: at most one request every so many seconds to any one host.

Time is injected (`clock`, `sleep`), so tests measure the spacing without waiting for it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class HostPacer:
    """Waits before a request until `interval` seconds have passed since the last one to the
    same host; a host may ask for more (robots.txt `Crawl-delay`) through `slow_down`."""

    def __init__(
        self, interval: float, *, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ) -> None:
        self.interval = interval
        self._clock, self._sleep = clock, sleep
        self._last: dict[str, float] = {}
        self._intervals: dict[str, float] = {}

    def slow_down(self, host: str, interval: float) -> None:
        """Space requests to `host` by at least `interval` seconds from now on."""
        if interval > max(self.interval, self._intervals.get(host, 0.0)):
            log.info("%s: %g s between requests, as the host asks", host, interval)
        self._intervals[host] = max(interval, self._intervals.get(host, 0.0))

    def wait(self, host: str) -> None:
        """Block until a request to `host` is allowed, and count it as made now."""
        interval = max(self.interval, self._intervals.get(host, 0.0))
        last = self._last.get(host)
        if last is not None:
            delay = last + interval - self._clock()
            if delay > 0:
                log.debug("waiting %.2f s before the next request to %s", delay, host)
                self._sleep(delay)
        self._last[host] = self._clock()
