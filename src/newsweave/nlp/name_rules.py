"""Which entity names a reader can follow: a person, an organisation, a country or a city,
not a nationality, a region, an institution named by its kind alone, a date or a web address.

Story cards show only such names as chips (`app.entity_chips`) and a storyline is named by
them (`analysis.storyline.storyline_entities`); the word lists are `rules/chips.toml`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple, Protocol

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_ADDRESS = re.compile(r"://|^www\.|\.(?:html?|php|aspx?|gz|json|xml)\b|@", re.I)


class Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...


class EntityName(NamedTuple):
    """A name and its entity type, where no richer record is at hand."""

    name: str
    type: str


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


def is_junk(entity: Named) -> bool:
    """Whether a name is no chip: a hidden type, a region, an unnamed institution, a date, a
    web address or file name, a lone first name or surname, a span cut short, or too short
    to mean anything."""
    rules = chip_rules()
    name = entity.name.strip()
    words = WORD.findall(name)
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
