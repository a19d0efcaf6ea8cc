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
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from newsweave.ingest.outlets import wire_of
from newsweave.nlp.canonical import name_key, person_key
from newsweave.store.browse import EntityRef, StoryCard

CHIPS = 5
"""Entities a story card names."""
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_ADDRESS = re.compile(r"://|^www\.|\.(?:html?|php|aspx?|gz|json|xml)\b|@", re.I)
_WIRE_COPY = re.compile(r"^(.*) \(([^()]+)\)$")


@dataclass(frozen=True, slots=True)
class ChipRules:
    """`rules/chips.toml`, folded for lookup."""

    hidden_types: frozenset[str]
    regions: frozenset[str]
    generic: frozenset[str]
    date_words: frozenset[str]
    joining_words: frozenset[str]


@cache
def chip_rules() -> ChipRules:
    text = resources.files("newsweave.rules").joinpath("chips.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return ChipRules(
        hidden_types=frozenset(data["hidden_types"]),
        regions=frozenset(w.casefold() for w in data["regions"]),
        generic=frozenset(w.casefold() for w in data["generic"]),
        date_words=frozenset(w.casefold() for w in data["date_words"]),
        joining_words=frozenset(data["joining_words"]),
    )


def is_junk(entity: EntityRef) -> bool:
    """Whether a name is no chip: a hidden type, a region, an unnamed institution, a date, a
    web address or file name, a lone first name or surname, a span cut short, or too short
    to mean anything."""
    rules = chip_rules()
    name = entity.name.strip()
    words = _WORD.findall(name)
    folded = " ".join(words).casefold().removeprefix("the ")
    if entity.type in rules.hidden_types or not words or _ADDRESS.search(name):
        return True
    if folded in rules.regions or folded in rules.generic:
        return True
    if all(w.casefold() in rules.date_words or w.isdigit() for w in words):
        return True
    if entity.type == "PERSON" and (len(words) < 2 or not name[0].isupper()):
        return True
    if len(words) > 1 and words[-1] in rules.joining_words:  # cut short: "Crime in"
        return True
    letters = sum(c.isalpha() for c in name)
    return letters < 2 or (len(words) == 1 and any(c.isdigit() for c in name))


def _initials(name: str) -> str:
    return "".join(w[0] for w in _WORD.findall(name) if w[0].isupper()).casefold()


def _outlet_names(outlets: Iterable[str]) -> set[str]:
    """Every name the card's outlets go by: "The Moscow Times (Reuters)" gives "the moscow
    times", "moscow times" and "reuters"."""
    names: set[str] = set()
    for label in outlets:
        match = _WIRE_COPY.match(label)
        parts = [match.group(1), match.group(2)] if match else [label]
        for part in parts:
            names |= {part.casefold(), name_key(part)}
    return names


def chip_entities(
    entities: Sequence[EntityRef], outlets: Iterable[str] = (), limit: int = CHIPS
) -> list[EntityRef]:
    """The first `limit` of `entities` (most salient first) worth a chip, each entity once:
    a person already shown under another form of the name (same surname, and the same
    first name if both have one, or the words of one form all in the other), a name already shown through the alias table, an acronym of a name
    shown (or a name whose acronym is shown), and outlets and wire agencies are left out."""
    outlet_names = _outlet_names(outlets)
    kept: list[EntityRef] = []
    people: list[tuple[str | None, str, frozenset[str]]] = []
    keys: set[str] = set()
    for entity in entities:
        if len(kept) >= limit:
            break
        if is_junk(entity) or wire_of(entity.name):
            continue
        key = name_key(entity.name)
        if key in outlet_names or entity.name.casefold() in outlet_names:
            continue
        if entity.type == "PERSON":
            first, surname = person_key(entity.name)
            words = frozenset(w.casefold() for w in _WORD.findall(entity.name))
            if any(
                s == surname and (f == first or None in (f, first) or w <= words or words <= w)
                for f, s, w in people
            ):
                continue
            people.append((first, surname, words))
        else:
            acronym = _initials(entity.name) if " " in entity.name else ""
            if key in keys or (len(acronym) > 1 and acronym in keys):
                continue
            keys |= {key, acronym} if len(acronym) > 1 else {key}
        kept.append(entity)
    return kept


def readable_cards(cards: list[StoryCard]) -> list[StoryCard]:
    """The cards with their entities narrowed to the chips worth showing (`chip_entities`)."""
    for card in cards:
        card.entities = chip_entities(card.entities, card.outlets)
    return cards
