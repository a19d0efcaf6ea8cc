"""The story listing `newsweave stories` prints: story cards read a page at a time, as
a table or in the JSON of the API's list.

Imported by the command when it runs, like the store it reads.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from newsweave.cli.common import stories_table

if TYPE_CHECKING:
    from rich.table import Table

    from newsweave.store import Store
    from newsweave.store.browse import StoryCard, StoryFilter

STORIES_PER_READ = 500
"""Stories read from the store at once: each read looks their outlets and entities up by id."""


def story_cards(store: Store, where: StoryFilter, count: int) -> list[StoryCard]:
    """The first `count` stories matching `where`, read a page at a time (each page's
    outlets and entities are read by id, so a page stays a bounded query)."""
    cards: list[StoryCard] = []
    while len(cards) < count:
        page = store.story_cards(
            where, offset=len(cards), limit=min(STORIES_PER_READ, count - len(cards))
        )
        if not page:
            break
        cards += page
    return cards


def card_to_dict(card: StoryCard) -> dict[str, Any]:
    """A listed story as the JSON API writes it: dates as ISO days, entities as objects."""
    data = asdict(card)
    for key in ("event_date", "first_published", "last_published"):
        data[key] = data[key] and data[key].isoformat()
    data["snippet"] = [list(segment) for segment in card.snippet]
    return data


def listing_title(shown: int, total: int, where: StoryFilter) -> str:
    """How many stories match (and are shown), and the filters that chose them."""
    chosen = [
        f"{name} {value}"
        for name, value in (
            ("since", where.since),
            ("until", where.until),
            ("naming", where.entity),
            ("covered by", where.outlet),
        )
        if value
    ]
    count = f"{shown} of {total}" if total > shown else str(total or "no")
    title = f"{count} stor{'y' if total == 1 else 'ies'}"
    return title + (f" ({', '.join(chosen)})" if chosen else "")


def card_table(cards: list[StoryCard], total: int, where: StoryFilter) -> Table:
    """One row per listed story: id, date, outlets, articles, title."""
    rows = [(c.id, c.event_date, c.outlet_count, c.article_count, c.title or "") for c in cards]
    caption = None
    if total > len(cards):
        caption = f"the newest {len(cards)} (--limit); --limit 0 lists every one"
    return stories_table(listing_title(len(cards), total, where), rows, caption)
