"""The entities a story card shows: the few that tell a reader who and where, each once.

A story's stored entities are ranked by salience, but the top of that list is not yet what a
card should show: spaCy's mistakes ("Bitcoin" as a person, a URL as a work of art), one
person under two names ("Keir" and "Keir Starmer"), one country under two ("US", "United
States"), an acronym beside its expansion ("OBR", "Office for Budget Responsibility"),
nationalities ("British"), regions ("Europe"), institutions without a name ("Parliament"),
dates ("May"), and the outlets and wire agencies that reported the story, which the card
lists apart. `chip_entities` keeps, in salience order, the names that are none of these;
the grouping keys are those of `nlp.canonical`, the word lists are `rules/chips.toml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from newsweave.ingest.outlets import wire_of
from newsweave.nlp.canonical import name_key, person_key
from newsweave.nlp.name_rules import WORD as _WORD
from newsweave.nlp.name_rules import is_junk
from newsweave.store.browse import EntityRef, StoryCard

CHIPS = 5
"""Entities a story card names."""
_WIRE_COPY = re.compile(r"^(.*) \(([^()]+)\)$")


def _initials(name: str) -> str:
    return "".join(w[0] for w in _WORD.findall(name) if w[0].isupper()).casefold()


def _outlet_names(outlets: Iterable[str]) -> set[str]:
    """Every name the card's outlets go by: "The Moscow Times (Reuters)" gives "the moscow
    times", "moscow times" and "reuters"."""
    return set().union(*map(_outlet_label_names, outlets))


@lru_cache(maxsize=4_096)
def _outlet_label_names(label: str) -> frozenset[str]:
    match = _WIRE_COPY.match(label)
    parts = [match.group(1), match.group(2)] if match else [label]
    return frozenset(n for part in parts for n in (part.casefold(), name_key(part)))


def chip_entities(
    entities: Sequence[EntityRef], outlets: Iterable[str] = (), limit: int = CHIPS
) -> list[EntityRef]:
    """The first `limit` of `entities` (most salient first) worth a chip, each entity once,
    in its place of the most salient of its names, under its fullest name: "Vladimir Putin"
    for "Mr Putin" (one person: the same surname, and the same first name where both forms
    have one, or the words of one form all in the other), "United States" for "US" (the
    alias table). An acronym of a name shown, or a name whose acronym is shown, is that
    entity too; outlets and wire agencies are left out."""
    outlet_names = _outlet_names(outlets)
    kept: list[tuple[EntityRef, _Name]] = []
    keys: list[set[str]] = []  # per kept entity: the keys of all its names
    for entity in entities:
        name = _name(entity)
        if name is None or not name.keys.isdisjoint(outlet_names):
            continue
        same = next((n for n, (_, shown) in enumerate(kept) if shown.same(name, keys[n])), None)
        if same is not None:
            if name.fuller_than(kept[same][1]):
                kept[same] = (entity, name)
            keys[same] |= name.keys
        elif len(kept) < limit:
            kept.append((entity, name))
            keys.append(set(name.keys))
    return [entity for entity, _ in kept]


@dataclass(frozen=True, slots=True)
class _Name:
    """What comparing an entity's name with others needs, worked out once per name."""

    keys: frozenset[str]
    """The normalised name (through the alias table), its case-folded text and, for a
    name of several words, its acronym: "Office for Budget Responsibility" is also "obr"."""
    person: tuple[str | None, str] | None
    """First name and surname, for a person."""
    words: frozenset[str]
    canonical: bool
    """Whether the name is the alias table's own form ("United States", not "US")."""

    def same(self, other: _Name, keys: set[str]) -> bool:
        """Whether `other` names the entity this name (whose keys so far are `keys`) names."""
        if (self.person is None) != (other.person is None):
            return False
        if self.person is None or other.person is None:
            return not other.keys.isdisjoint(keys)
        (first, surname), (f, s) = self.person, other.person
        return surname == s and (
            first == f
            or None in (first, f)
            or self.words <= other.words
            or other.words <= self.words
        )

    def fuller_than(self, shown: _Name) -> bool:
        """A person with a first name where `shown` has none, or the alias table's own form
        where `shown` is another."""
        if self.person is not None and shown.person is not None:
            return self.person[0] is not None and shown.person[0] is None
        return self.canonical and not shown.canonical


@lru_cache(maxsize=65_536)
def _name(entity: EntityRef) -> _Name | None:
    """The entity's name worked out for comparing (a name recurs across stories and
    requests: once each), or None when it is no chip (`is_junk`, a wire agency)."""
    if is_junk(entity) or wire_of(entity.name):
        return None
    key = name_key(entity.name)
    text = " ".join(_WORD.findall(entity.name)).casefold()
    acronym = _initials(entity.name) if " " in entity.name.strip() else ""
    keys = {key, entity.name.casefold(), *([acronym] if len(acronym) > 1 else [])}
    person = person_key(entity.name) if entity.type == "PERSON" else None
    words = frozenset(text.split())
    return _Name(frozenset(keys), person, words, key == text)


def readable_cards(cards: list[StoryCard]) -> list[StoryCard]:
    """The cards with their entities narrowed to the chips worth showing (`chip_entities`)."""
    for card in cards:
        card.entities = chip_entities(card.entities, card.outlets)
    return cards
