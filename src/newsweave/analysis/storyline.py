"""Storylines: the stories of one ongoing matter, linked over time, never merged.

The clusterer keeps two meetings of the same two presidents apart (Moscow 2015, Sochi 2018):
they are two events. A reader of either still wants to see the other, so stories that share
their salient entities (weighted by salience: the people and places a story is about, not
the ones it mentions once) and their topic (the words of their titles and summaries) are
linked into a storyline. Each story stays a story; it only gains `storyline`, an id shared
by the linked stories, and a `timeline` built from all of them (`newsweave.analysis.timeline`).

Candidates come from an index over salient entities, as the clusterer's come from salient
terms: a story is only compared with stories that name at least `min_shared` of its top
entities, and an entity named by more than `max_postings` stories ("United States") is too
common to follow. In memory that index is a dict (`link_storylines`); over a store it is the
store's entity index (`link_storylines_and_timelines`).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from newsweave.analysis.timeline import (
    TimelineSettings,
    build_timeline,
)
from newsweave.model import Story, StoryEntity
from newsweave.store import BrowseStore, Store
from newsweave.store.browse import StoryFilter
from newsweave.tfidf import tokens


@dataclass(frozen=True, slots=True)
class StorylineSettings:
    top_entities: int = 10
    """How many of a story's most salient entities describe it."""
    min_shared: int = 2
    """Top entities two stories must share before they are compared at all."""
    entity_overlap: float = 0.5
    """Salience-weighted share of top entities two linked stories have in common."""
    topic_similarity: float = 0.12
    """Cosine of the words of their titles and summaries."""
    max_postings: int = 200
    """An entity named by more stories than this finds no candidates."""
    max_candidates: int = 30
    """Candidates followed per entity of a story (the most recent)."""
    max_members: int = 200
    """Stored stories of one storyline brought in when it changes (the most recent)."""


def entity_key(entity: StoryEntity) -> str:
    """One key per real-world entity across stories: people by surname ("al-" dropped), so
    "Bashar Assad" in one story meets "Bashar al-Assad" in another."""
    if entity.type == "PERSON":
        return "person:" + entity.name.split()[-1].casefold().removeprefix("al-")
    return entity.name.casefold()


def entity_weights(story: Story, top: int) -> dict[str, float]:
    """The story's top entities by key, weights (salience) summing to 1."""
    weights: dict[str, float] = {}
    for entity in story.entities[:top]:
        key = entity_key(entity)
        weights[key] = weights.get(key, 0.0) + max(entity.salience, 1e-6)
    total = sum(weights.values()) or 1.0
    return {k: w / total for k, w in weights.items()}


def topic_words(story: Story) -> Counter[str]:
    text = "\n".join([story.title or "", *(s.text for s in story.summary)])
    return Counter(tokens(text))


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(math.log1p(a[w]) * math.log1p(b[w]) for w in a.keys() & b.keys())
    norm = math.sqrt(sum(math.log1p(v) ** 2 for v in a.values())) * math.sqrt(
        sum(math.log1p(v) ** 2 for v in b.values())
    )
    return dot / norm if norm else 0.0


def relatedness(a: Story, b: Story, settings: StorylineSettings) -> tuple[float, float]:
    """(entity overlap, topic similarity) of two stories."""
    wa, wb = entity_weights(a, settings.top_entities), entity_weights(b, settings.top_entities)
    overlap = sum(min(wa[k], wb[k]) for k in wa.keys() & wb.keys())
    return overlap, _cosine(topic_words(a), topic_words(b))


def related(a: Story, b: Story, settings: StorylineSettings | None = None) -> bool:
    """Whether two distinct stories belong to one storyline."""
    settings = settings or StorylineSettings()
    if a.id == b.id:
        return False
    overlap, topic = relatedness(a, b, settings)
    return overlap >= settings.entity_overlap and topic >= settings.topic_similarity


def storyline_id(story_id: str) -> str:
    """A storyline's id, from the id of the story that started it."""
    return hashlib.sha256(f"storyline:{story_id}".encode()).hexdigest()[:12]


def _earliest(stories: Iterable[Story]) -> Story:
    return min(stories, key=lambda s: (s.event_date or date.max, s.id))


def _components(stories: dict[str, Story], edges: Iterable[tuple[str, str]]) -> list[list[Story]]:
    parent = {i: i for i in stories}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in edges:
        parent[root(a)] = root(b)
    groups: dict[str, list[Story]] = defaultdict(list)
    for i, story in stories.items():
        groups[root(i)].append(story)
    return list(groups.values())


def assign_storylines(
    components: list[list[Story]], changed: set[str], timeline_settings: TimelineSettings | None
) -> list[Story]:
    """Set storyline and timeline on every component that holds a changed story; returns the
    stories whose storyline or timeline changed.

    A storyline keeps the id it already has (that of its earliest member carrying one), so
    links made earlier stay valid; a new one takes its id from its earliest story.
    """
    touched: list[Story] = []
    for members in components:
        if not changed & {s.id for s in members}:
            continue
        if len(members) == 1:
            line = None
        else:
            carrying = [s for s in members if s.storyline]
            line = (
                _earliest(carrying).storyline if carrying else storyline_id(_earliest(members).id)
            )
        timeline = build_timeline(members, timeline_settings)
        for story in members:
            if story.storyline != line or story.timeline != timeline or story.id in changed:
                story.storyline, story.timeline = line, list(timeline)
                touched.append(story)
    return touched


def _postings(stories: Sequence[Story], settings: StorylineSettings) -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for story in stories:
        for key in entity_weights(story, settings.top_entities):
            index[key].append(story.id)
    return index


def _candidates(
    keys: Iterable[str], lookup: Callable[[str], list[str]], own: str, settings: StorylineSettings
) -> list[str]:
    """Story ids sharing at least `min_shared` of `keys`, most shared first."""
    shared: Counter[str] = Counter()
    for key in keys:
        found = lookup(key)
        if len(found) > settings.max_postings:
            continue
        shared.update(set(found) - {own})
    return [i for i, n in shared.most_common() if n >= settings.min_shared]


def link_storylines(
    stories: Sequence[Story],
    settings: StorylineSettings | None = None,
    timeline_settings: TimelineSettings | None = None,
) -> list[Story]:
    """Link `stories` (all in memory) into storylines and give each its timeline."""
    settings = settings or StorylineSettings()
    by_id = {s.id: s for s in stories}
    index = _postings(stories, settings)
    edges = []
    for story in stories:
        keys = entity_weights(story, settings.top_entities)
        for other in _candidates(keys, lambda k: index.get(k, []), story.id, settings):
            if other > story.id and related(story, by_id[other], settings):
                edges.append((story.id, other))
    return assign_storylines(_components(by_id, edges), set(by_id), timeline_settings)


def _store_lookup(
    store: BrowseStore, settings: StorylineSettings
) -> Callable[[StoryEntity], list[str]]:
    def lookup(entity: StoryEntity) -> list[str]:
        ids: list[str] = []
        for name in dict.fromkeys([entity.name, *entity.aliases]):
            known = store.entity(name)
            if known is None or known.stories > settings.max_postings:
                continue
            cards = store.story_cards(StoryFilter(entity=name), limit=settings.max_candidates)
            ids += [c.id for c in cards]
        return list(dict.fromkeys(ids))

    return lookup


def link_storylines_and_timelines(
    store: Store,
    changed: Sequence[Story],
    settings: StorylineSettings | None = None,
    timeline_settings: TimelineSettings | None = None,
) -> list[Story]:
    """Link the stories that just changed to the stored stories of their storylines, rebuild
    those storylines' timelines and save every story whose storyline or timeline changed.

    Candidates come from the store's entity index (names and aliases of each changed story's
    top entities), so the cost follows the changed stories, not the store.
    """
    settings = settings or StorylineSettings()
    pool: dict[str, Story] = {s.id: s for s in changed}
    lookup = _store_lookup(store, settings)
    edges = []
    for story in changed:
        top = story.entities[: settings.top_entities]
        by_key: dict[str, list[str]] = defaultdict(list)
        for entity in top:
            by_key[entity_key(entity)] += lookup(entity)
        for other_id in _candidates(by_key, by_key.__getitem__, story.id, settings):
            other = pool.get(other_id) or store.story(other_id)
            if other is None:
                continue
            pool[other.id] = other
            if related(story, other, settings):
                edges.append((story.id, other.id))
    edges += _stored_storylines(store, pool, settings)
    touched = assign_storylines(
        _components(pool, edges), {s.id for s in changed}, timeline_settings
    )
    if touched:
        store.save_stories(touched)
    return touched


def _stored_storylines(
    store: Store, pool: dict[str, Story], settings: StorylineSettings
) -> list[tuple[str, str]]:
    """Bring the stored members of every storyline in `pool` into it, linked as they were, so
    that two storylines joined by a new link become one whole (and not only the members the
    entity lookup happened to find)."""
    edges = []
    for line in {s.storyline for s in list(pool.values()) if s.storyline}:
        members = store.story_cards(StoryFilter(storyline=line), limit=settings.max_members)
        ids = [c.id for c in members]
        for card_id in ids:
            if card_id not in pool and (story := store.story(card_id)) is not None:
                pool[card_id] = story
        edges += [(a, b) for a, b in pairwise(ids) if a in pool and b in pool]
    return edges
