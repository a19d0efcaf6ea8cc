"""One name per real-world entity across a story's articles.

Outlets name people differently ("Bashar Assad", "Bashar al-Assad", "Assad", "Mr Assad";
"Dmitry Peskov", "Dmitry S. Peskov", "Peskov"), and spaCy's small model sometimes labels the
short forms as ORG or GPE. People are grouped by surname (particles such as "al-" ignored), with
full names split apart when their first names differ (Bashar and Hafez al-Assad are two people);
a bare surname joins the most mentioned full name that carries it. Other entities are grouped by
their normalised text and a small alias table ("U.S." = "United States").

The canonical name is the full form used by the most articles, the longest on a tie, so that
"Bashar al-Assad" wins over "Bashar Assad" when both are common.

Quote speakers take the same names (`canonical_person`): a speaker is matched to the story's
person by first name and surname, titles ("Mr", "President"), middle initials ("Dmitry S.
Peskov") and possessives aside, so that a quote's speaker and the entity it links to are one
name. `unify_across_stories` renames both.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from newsweave.model import Article, Entity, Story, StoryEntity, StoryQuote
from newsweave.nlp.entities import NAMED_LABELS

HONORIFICS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "president",
        "prime",
        "minister",
        "gen",
        "general",
        "sen",
        "rep",
        "gov",
        "king",
        "queen",
        "prince",
        "pope",
    }
)
# Particles written onto a surname with a hyphen ("al-Assad"); a particle written apart ("van
# Gogh") is a word of its own and never the surname, the last word.
SURNAME_PARTICLES = ("al-", "el-", "ad-", "as-", "an-", "ash-", "bin-")
# Different spellings of one place or organisation; keys and values are normalised forms.
ALIASES = {
    "u.s.": "united states",
    "us": "united states",
    "usa": "united states",
    "america": "united states",
    "the united states": "united states",
    "u.k.": "united kingdom",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "un": "united nations",
    "u.n.": "united nations",
    "eu": "european union",
    "e.u.": "european union",
    "isis": "islamic state",
    "isil": "islamic state",
    "daesh": "islamic state",
    "russian federation": "russia",
}
_POSSESSIVE = re.compile(r"['’]s?$")
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.){2,}$")  # "U.S.": its last period is part of it


_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("“", "”"), ("‘", "’"), ('"', '"'))


def _unpaired_stripped(text: str) -> str:
    """An entity span cut inside brackets or quotes ("[Mykhailo Fedorov" of "[Mykhailo
    Fedorov]", an editor's insertion) loses the unpaired mark."""
    for opener, closer in _PAIRS:
        if text.startswith(opener) and closer not in text[1:]:
            text = text[1:]
        if text.endswith(closer) and opener not in text[:-1]:
            text = text[:-1]
    return text


def _clean(text: str) -> str:
    text = _unpaired_stripped(" ".join(text.split()))
    text = _POSSESSIVE.sub("", text)
    text = re.sub(r"^(the)\s+", "", text, flags=re.IGNORECASE).strip(" ,;:-")
    return text if _INITIALISM.search(text) else text.strip(" .,;:-")


def _person_parts(name: str) -> tuple[str | None, str]:
    """(first name or None, surname key) of a person's name, honorifics, middle names and
    initials, and particles dropped: "Mr Dmitry S. Peskov" -> ("dmitry", "peskov")."""
    words = [w for w in name.split() if w.lower().strip(".") not in HONORIFICS]
    if not words:
        return None, name.lower()
    surname = words[-1].lower()
    for particle in SURNAME_PARTICLES:
        surname = surname.removeprefix(particle)
    first = words[0].lower() if len(words) > 1 else None
    return first, surname


def canonical_person(name: str | None, entities: Sequence[StoryEntity]) -> str | None:
    """The story's name for the person `name` names ("Dmitry S. Peskov", "Mr Peskov's" ->
    "Dmitry Peskov"), None when no PERSON entity of the story is that person.

    A full name matches a person one of whose forms has the same first name and surname (or
    only the surname: "Assad"); a surname alone or after a title matches the most salient
    person of that surname (`entities` come ranked by salience)."""
    text = _clean(name or "")
    if not text or not any(c.isalpha() for c in text):
        return None
    first, surname = _person_parts(text)
    fallback = None
    for entity in entities:
        if entity.type != "PERSON":
            continue
        keys = {_person_parts(_clean(form)) for form in (entity.name, *entity.aliases)}
        if first is None and any(s == surname for _, s in keys):
            return entity.name
        if (first, surname) in keys:
            return entity.name
        if (
            fallback is None
            and (None, surname) in keys
            and not any(s == surname and f is not None for f, s in keys)
        ):
            fallback = entity.name
    return fallback


def canonical_entities(articles: Sequence[Article]) -> list[StoryEntity]:
    """The story's entities, merged across articles and ranked by salience (highest first)."""
    people: dict[str, dict[str | None, list[tuple[Article, Entity, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    others: dict[str, list[tuple[Article, Entity, str]]] = defaultdict(list)
    for article in articles:
        for ent in article.entities:
            if ent.label not in NAMED_LABELS:
                continue
            text = _clean(ent.text)
            if not text or not any(c.isalpha() for c in text):
                continue
            if ent.label == "PERSON":
                first, surname = _person_parts(text)
                people[surname][first].append((article, ent, text))
            else:
                key = ALIASES.get(text.lower(), text.lower())
                others[key].append((article, ent, text))

    groups: list[list[tuple[Article, Entity, str]]] = []
    for surname, by_first in people.items():
        bare = by_first.pop(None, [])
        if not by_first:
            groups.append(bare)
            continue
        ranked = sorted(by_first.values(), key=len, reverse=True)
        ranked[0].extend(bare)
        # Mentions spaCy labelled ORG/GPE but which are this person's surname ("Assad").
        ranked[0].extend(others.pop(surname, []))
        groups.extend(ranked)
    groups.extend(others.values())
    return sorted((_entity(g, articles) for g in groups), key=lambda e: (-e.salience, e.name))


def _entity(
    mentions: list[tuple[Article, Entity, str]], articles: Sequence[Article]
) -> StoryEntity:
    by_form: dict[str, set[str]] = defaultdict(set)
    labels: Counter[str] = Counter()
    first_position = 1.0
    for article, ent, text in mentions:
        by_form[text].add(article.id)
        labels[ent.label] += 1
        first_position = min(first_position, ent.start / max(len(article.text), 1))
    full_forms = [f for f in by_form if len(f.split()) > 1] or list(by_form)
    name = max(full_forms, key=lambda f: (len(by_form[f]), len(f), f))
    article_ids = sorted({a.id for a, _, _ in mentions})
    share = len(article_ids) / max(len(articles), 1)
    salience = share * math.log1p(len(mentions)) * (1.5 - 0.5 * first_position)
    aliases = sorted((f for f in by_form if f != name), key=lambda f: (-len(by_form[f]), f))
    return StoryEntity(
        name=name,
        type=labels.most_common(1)[0][0] if "PERSON" not in labels else "PERSON",
        aliases=aliases,
        article_ids=article_ids,
        mentions=len(mentions),
        salience=round(salience, 4),
    )


def unify_across_stories(stories: Sequence[Story]) -> None:
    """Give a person the same name in every story ("Bashar Assad" in one story and "Bashar
    al-Assad" in another are one man): the full form used by the most articles overall wins,
    and the other forms become aliases. People are matched by first name and surname. Quote
    speakers are renamed with their entities, so that a quote still names its entity."""
    rename_people(stories, preferred_names(person_forms(stories)))


PersonKey = tuple[str | None, str]
"""A person as `unify_across_stories` matches them: first name and surname."""


def person_forms(stories: Iterable[Story]) -> dict[PersonKey, Counter[str]]:
    """The full forms of each person's name in `stories`, each with how many articles use
    it: counts of several corpora add up (`Counter` sums)."""
    forms: dict[PersonKey, Counter[str]] = defaultdict(Counter)
    for story in stories:
        for entity in story.entities:
            if entity.type == "PERSON" and len(entity.name.split()) > 1:
                forms[_person_parts(entity.name)][entity.name] += len(entity.article_ids)
    return forms


def preferred_names(forms: Mapping[PersonKey, Counter[str]]) -> dict[PersonKey, str]:
    """The form each person goes by: the one most articles use (then the longest)."""
    return {
        key: max(counts, key=lambda f: (counts[f], len(f), f))
        for key, counts in forms.items()
        if counts
    }


def rename_people(stories: Iterable[Story], preferred: Mapping[PersonKey, str]) -> None:
    """Name every person of `stories` by its `preferred` form, the others as aliases."""
    for story in stories:
        for entity in story.entities:
            if entity.type != "PERSON":
                continue
            best = preferred.get(_person_parts(entity.name))
            if best is not None and best != entity.name:
                _rename_speaker(story.quotes, entity.name, best)
                entity.aliases = sorted({*entity.aliases, entity.name} - {best})
                entity.name = best


def _rename_speaker(quotes: Sequence[StoryQuote], old: str, new: str) -> None:
    for quote in quotes:
        if quote.speaker == old:
            quote.speaker = new


def person_key(name: str) -> PersonKey:
    """A person's first name (None for a surname alone) and surname as the story's entities
    are grouped by: "Mr Dmitry S. Peskov" and "Dmitry Peskov" give ("dmitry", "peskov")."""
    return _person_parts(_clean(name))


def name_key(name: str) -> str:
    """An entity other than a person as the story's entities are grouped by: its normalised
    form through the alias table ("U.S." and "US" give "united states")."""
    text = _clean(name).lower()
    return ALIASES.get(text, text)
