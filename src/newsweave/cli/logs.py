"""Logging for the command line: the `newsweave` logger hierarchy, printed to stderr.

The level comes from the root option `-v` (INFO) / `-vv` (DEBUG), else from the environment
variable `NEWSWEAVE_LOG` (`debug`, `info`, `warning`, `error`), else WARNING, so warnings reach
the user by default. Records are printed on the command line's error console, one line each
(long URLs stay whole, for grep), above any progress bar it is drawing. Other libraries'
loggers are left as they are.
"""

from __future__ import annotations

import logging

from rich.console import Console
from rich.text import Text

LOGGER = "newsweave"
ENVIRONMENT = "NEWSWEAVE_LOG"
LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
STYLES = {logging.WARNING: "yellow", logging.ERROR: "red", logging.CRITICAL: "bold red"}
HANDLER = "newsweave-cli"
"""The name of the handler the command line installs, so configuring again replaces it."""


class ConsoleHandler(logging.Handler):
    """Prints each record as one line on a rich console."""

    def __init__(self, console: Console, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = Text(self.format(record), style=STYLES.get(record.levelno, ""))
            self.console.print(line, soft_wrap=True, highlight=False)
        except Exception:
            self.handleError(record)


def log_level(verbose: int, setting: str | None) -> int:
    """The level for `verbose` (the count of -v) and the `NEWSWEAVE_LOG` setting; -v wins.

    Raises ValueError for a setting that names no level."""
    if verbose:
        return logging.DEBUG if verbose > 1 else logging.INFO
    if not setting or not setting.strip():
        return logging.WARNING
    name = setting.strip().lower()
    if name not in LEVELS:
        known = ", ".join(LEVELS)
        raise ValueError(f"{ENVIRONMENT}={setting!r} names no level (one of: {known})")
    return LEVELS[name]


def configure_logging(level: int, console: Console) -> logging.Logger:
    """Print the `newsweave` loggers' records of `level` and above on `console`; returns the
    `newsweave` logger. Calling it again replaces the handler it installed before."""
    logger = logging.getLogger(LOGGER)
    for old in [h for h in logger.handlers if h.get_name() == HANDLER]:
        logger.removeHandler(old)
    handler = ConsoleHandler(console, level)
    handler.set_name(HANDLER)
    timed = "%(asctime)s " if level <= logging.DEBUG else ""
    handler.setFormatter(logging.Formatter(f"{timed}%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    return logger
