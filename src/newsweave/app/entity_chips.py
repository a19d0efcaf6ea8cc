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
    """The first `limit` of `entities` (most salient first) worth a chip, each entity once,
    in its place of the most salient of its names, under its fullest name: "Vladimir Putin"
    for "Mr Putin" (one person: the same surname, and the same first name where both forms
    have one, or the words of one form all in the other), "United States" for "US" (the
    alias table). An acronym of a name shown, or a name whose acronym is shown, is that
    entity too; outlets and wire agencies are left out."""
    outlet_names = _outlet_names(outlets)
    kept: list[EntityRef] = []
    keys: list[set[str]] = []  # per kept entity: the keys that name it
    for entity in entities:
        if is_junk(entity) or wire_of(entity.name):
            continue
        key = name_key(entity.name)
        if key in outlet_names or entity.name.casefold() in outlet_names:
            continue
        same = next((n for n, shown in enumerate(kept) if _same(shown, entity, keys[n])), None)
        if same is not None:
            if _fuller(entity, kept[same]):
                kept[same] = entity
            keys[same] |= _keys(entity)
        elif len(kept) < limit:
            kept.append(entity)
            keys.append(_keys(entity))
    return kept


def _keys(entity: EntityRef) -> set[str]:
    """The normalised name (through the alias table) and, for a name of several words, its
    acronym: "Office for Budget Responsibility" is also "obr"."""
    acronym = _initials(entity.name) if " " in entity.name.strip() else ""
    return {name_key(entity.name), *([acronym] if len(acronym) > 1 else [])}


def _same(shown: EntityRef, other: EntityRef, shown_keys: set[str]) -> bool:
    if (shown.type == "PERSON") != (other.type == "PERSON"):
        return False
    if shown.type != "PERSON":
        return bool(_keys(other) & shown_keys)
    (first, surname), (f, s) = person_key(shown.name), person_key(other.name)
    if surname != s:
        return False
    words, w = _words(shown.name), _words(other.name)
    return first == f or None in (first, f) or words <= w or w <= words


def _fuller(entity: EntityRef, shown: EntityRef) -> bool:
    """Whether `entity` names what `shown` names more fully: a person with a first name
    where `shown` has none, or the alias table's own form ("United States" for "US")."""
    if entity.type == "PERSON":
        return person_key(entity.name)[0] is not None and person_key(shown.name)[0] is None
    canonical = name_key(entity.name) == " ".join(_WORD.findall(entity.name)).casefold()
    return canonical and name_key(shown.name) != " ".join(_WORD.findall(shown.name)).casefold()


def _words(name: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORD.findall(name))


def readable_cards(cards: list[StoryCard]) -> list[StoryCard]:
    """The cards with their entities narrowed to the chips worth showing (`chip_entities`)."""
    for card in cards:
        card.entities = chip_entities(card.entities, card.outlets)
    return cards
