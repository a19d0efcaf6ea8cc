"""A story card's coverage bar: who reported the story, at a glance.

One segment per outlet, in three kinds a reader weighs differently: an outlet's own
reporting, an outlet carrying a wire agency's copy (its citation label is "Outlet (Wire)",
see `Article.outlet_label`), and a wire agency itself ("Reuters"). Ten outlets that all ran
the same Reuters copy are one source, not ten, and the bar shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from newsweave.ingest.outlets import wire_of
from newsweave.store.browse import StoryCard

KINDS = {"own": "own reporting", "copy": "wire copy", "wire": "wire agency"}
"""Segment kinds, in the bar's order, with their legend."""
_WIRE_COPY = re.compile(r"^(.+) \(([^()]+)\)$")


def outlet_kind(label: str) -> str:
    """ "wire" for a wire agency, "copy" for an outlet's copy of a wire's story ("The Moscow
    Times (Reuters)"), else "own"."""
    if wire_of(label):
        return "wire"
    match = _WIRE_COPY.match(label)
    return "copy" if match and wire_of(match.group(2)) else "own"


@dataclass
class CoverageBar:
    """The outlets of a story by kind (`KINDS`), each kind's in listing order, and its
    article count."""

    articles: int
    outlets: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})

    @property
    def segments(self) -> list[tuple[str, str]]:
        """(kind, outlet) per outlet: own reporting first, wire agencies last."""
        return [(kind, o) for kind in KINDS for o in self.outlets[kind]]

    @property
    def segments_html(self) -> Markup:
        """The bar's segments as markup, made here rather than by a template loop (a card of
        a large story has dozens): each is an empty span whose class is a `KINDS` key, so
        nothing from the data is in it."""
        return Markup("".join(f'<span class="seg {kind}"></span>' for kind, _ in self.segments))

    @property
    def total(self) -> int:
        return sum(map(len, self.outlets.values()))

    @property
    def label(self) -> str:
        """The bar in words, for screen readers and the tooltip."""
        kinds = ", ".join(f"{len(v)} {KINDS[k]}" for k, v in self.outlets.items() if v)
        outlets = "outlet" if self.total == 1 else "outlets"
        articles = "article" if self.articles == 1 else "articles"
        return f"{self.total} {outlets} ({kinds}), {self.articles} {articles}"


def coverage_bar(card: StoryCard) -> CoverageBar:
    bar = CoverageBar(card.article_count)
    for outlet in card.outlets:
        bar.outlets[outlet_kind(outlet)].append(outlet)
    return bar
