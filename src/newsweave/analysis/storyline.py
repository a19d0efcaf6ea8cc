"""Storylines: the stories of one ongoing matter, linked over time, never merged.

The clusterer keeps two meetings of the same two presidents apart (Moscow 2015, Sochi 2018):
they are two events. A reader of either still wants to see the other, so stories that share
their salient entities (weighted by salience: the people and places a story is about, not
the ones it mentions once) and their topic (the words of their titles and summaries) are
linked into a storyline. Each story stays a story; it only gains `storyline`, an id shared
by the linked stories, and a `timeline`: the events of the storyline's timeline (built from all
of them, `newsweave.analysis.timeline`) that the story is or that its articles cite. The
storyline's whole timeline is read from its stories' (`storyline_timeline`), once per
storyline, never copied into every story.

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

import networkx as nx
from networkx.algorithms.community import louvain_communities

from newsweave.analysis.timeline import (
    TimelineSettings,
    build_timeline,
    date_undated_stories,
    merge_timelines,
    topic_of,
)
from newsweave.components import union_find
from newsweave.model import Story, StoryEntity, TimelineEvent
from newsweave.nlp.canonical import name_key
from newsweave.nlp.name_rules import EntityName, is_junk
from newsweave.store import BrowseStore, Store
from newsweave.store.browse import StoryFilter
from newsweave.tfidf import tokens

TOP_ENTITIES = 10
"""How many of a story's most salient entities describe it."""


@dataclass(frozen=True, slots=True)
class StorylineSettings:
    top_entities: int = TOP_ENTITIES
    """How many of a story's most salient entities describe it."""
    min_shared: int = 1
    """Top entities two stories must share before they are compared at all."""
    link_overlap: float = 0.2
    """Salience-weighted share of top entities two stories have in common to be linked."""
    link_topic: float = 0.1
    """... and cosine of the words of their titles and summaries."""
    link_beyond_top: float = 0.1
    """... and of the entity overlap, this much on entities other than the one they share
    most: two stories that share only their main person (a president's travel ban and the
    same president's quarrel with a department store) are not linked."""
    entity_overlap: float = 0.5
    """Salience-weighted share of top entities two groups of stories (or two stories taken
    alone) have in common to be one storyline: what keeps a storyline to one matter."""
    topic_similarity: float = 0.12
    """... and cosine of the words of all their titles and summaries."""
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


@dataclass(frozen=True, slots=True)
class Profile:
    """What a story, or a group of stories, is about: entity keys with weights summing to 1,
    and the words of the titles and summaries."""

    weights: dict[str, float]
    words: Counter[str]


def profile(story: Story, settings: StorylineSettings) -> Profile:
    return Profile(entity_weights(story, settings.top_entities), topic_words(story))


def profiles_alike(a: Profile, b: Profile) -> tuple[float, float]:
    """(entity overlap, topic similarity): the weight two profiles' entities share, and the
    cosine of their words."""
    overlap = sum(min(a.weights[k], b.weights[k]) for k in a.weights.keys() & b.weights.keys())
    return overlap, _cosine(a.words, b.words)


def related(a: Story, b: Story, settings: StorylineSettings | None = None) -> bool:
    """Whether two distinct stories, taken alone, are about one matter (`_centres_related`)."""
    settings = settings or StorylineSettings()
    if a.id == b.id:
        return False
    return _centres_related(profile(a, settings), profile(b, settings), settings) is not None


def linked(a: Profile, b: Profile, settings: StorylineSettings) -> float | None:
    """The entity overlap of two stories close enough to be linked (`link_overlap`,
    `link_topic`), else None. A link only proposes: storylines keep what their linked
    stories are about alike (`_one_matter_each`)."""
    overlap, topic = profiles_alike(a, b)
    if overlap < settings.link_overlap or topic < settings.link_topic:
        return None
    shared = [min(a.weights[k], b.weights[k]) for k in a.weights.keys() & b.weights.keys()]
    if overlap - max(shared) < settings.link_beyond_top:
        return None
    return overlap


def storyline_id(story_id: str) -> str:
    """A storyline's id, from the id of the story that started it."""
    return hashlib.sha256(f"storyline:{story_id}".encode()).hexdigest()[:12]


def _earliest(stories: Iterable[Story]) -> Story:
    return min(stories, key=lambda s: (s.event_date or date.max, s.id))


def _components(stories: Sequence[Story], edges: Iterable[tuple[str, str]]) -> list[list[Story]]:
    labels = union_find(edges)
    groups: dict[str, list[Story]] = defaultdict(list)
    for story in stories:
        groups[labels.get(story.id, story.id)].append(story)
    return list(groups.values())


def _centre(stories: Iterable[Profile], settings: StorylineSettings) -> Profile:
    """What a group of stories is about: its entities' weights summed over the stories (the
    `top_entities` heaviest, summing to 1) and the words of all its titles and summaries."""
    weights: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for one in stories:
        weights.update(one.weights)
        words.update(one.words)
    top = weights.most_common(settings.top_entities)
    total = sum(w for _, w in top) or 1.0
    return Profile({key: w / total for key, w in top}, words)


def _centres_related(a: Profile, b: Profile, settings: StorylineSettings) -> float | None:
    """The entity overlap of two groups' centres (or two stories' profiles) when they are
    about one matter (`entity_overlap`, `topic_similarity`), else None."""
    overlap, topic = profiles_alike(a, b)
    if overlap < settings.entity_overlap or topic < settings.topic_similarity:
        return None
    return overlap


def _one_matter_each(
    group: list[Story], edges: list[tuple[str, str, float]], settings: StorylineSettings
) -> list[list[Story]]:
    """`group` (stories joined by links) as storylines that each stay about one matter.

    Links chain: A like B, B like C does not make A like C, and a long chain can carry a
    group from one matter to another (Syria talks, then Turkey, then Ukraine). The group is
    cut into communities of densely linked stories (Louvain, weighted by entity overlap), and
    linked communities are joined back, the most alike first, while what the joined groups are
    about (their summed entities and words, `_centre`) stays alike: a matter followed over
    months is one storyline, two matters that share a person are two.
    """
    if len(group) == 1:
        return [group]
    profiles = {s.id: profile(s, settings) for s in group}
    graph = nx.Graph()
    graph.add_nodes_from(sorted(s.id for s in group))
    graph.add_weighted_edges_from(sorted(edges))
    communities = [sorted(c) for c in louvain_communities(graph, seed=0)]
    by_id = {s.id: s for s in group}
    parts: dict[int, list[str]] = dict(enumerate(sorted(communities)))
    centres = {k: _centre((profiles[i] for i in ids), settings) for k, ids in parts.items()}
    part_of = {i: k for k, ids in parts.items() for i in ids}
    while True:
        adjacent = {tuple(sorted((part_of[a], part_of[b]))) for a, b, _ in edges}
        scored = [
            (score, k, j)
            for k, j in adjacent
            if k != j and (score := _centres_related(centres[k], centres[j], settings))
        ]
        if not scored:
            break
        _, k, j = max(scored, key=lambda t: (t[0], -t[1], -t[2]))
        parts[k] += parts.pop(j)
        del centres[j]
        centres[k] = _centre((profiles[i] for i in parts[k]), settings)
        part_of.update({i: k for i in parts[k]})
    return [[by_id[i] for i in sorted(ids)] for ids in parts.values()]


def story_links(
    stories: Sequence[Story], settings: StorylineSettings | None = None
) -> list[tuple[str, str, float]]:
    """Related pairs of `stories` as (id, larger id, entity overlap): candidates from an index
    over their salient entities, never all pairs."""
    settings = settings or StorylineSettings()
    profiles = {s.id: profile(s, settings) for s in stories}
    index = _postings(stories, settings)
    links = []
    for story in stories:
        own = profiles[story.id]
        for other in _candidates(own.weights, lambda k: index.get(k, []), story.id, settings):
            if other > story.id and (overlap := linked(own, profiles[other], settings)):
                links.append((story.id, other, overlap))
    return links


def storylines_of_links(
    stories: Sequence[Story],
    links: Sequence[tuple[str, str, float]],
    settings: StorylineSettings | None = None,
) -> list[list[Story]]:
    """The storylines of `stories` joined by `links` (`story_links`), each a list of stories
    (a story alone is a list of one): linked groups kept to one matter each
    (`_one_matter_each`)."""
    settings = settings or StorylineSettings()
    groups = []
    for group in _components(stories, [(a, b) for a, b, _ in links]):
        ids = {s.id for s in group}
        groups += _one_matter_each(group, [e for e in links if e[0] in ids], settings)
    return groups


def storylines_among(
    stories: Sequence[Story], settings: StorylineSettings | None = None
) -> list[list[Story]]:
    """The storylines of `stories`, all in memory (`story_links`, `storylines_of_links`)."""
    return storylines_of_links(stories, story_links(stories, settings), settings)


def assign_storylines(
    groups: list[list[Story]], changed: set[str], timeline_settings: TimelineSettings | None
) -> list[Story]:
    """Set storyline and timeline (and the date the timeline infers for a member whose
    articles date nothing, `date_undated_stories`) on every group (`storylines_among`) that
    holds a changed story, and on every group holding a member of the storylines those groups reach (a
    storyline a new link split); returns the stories whose storyline or timeline changed.

    A storyline keeps the id it already has (that of its earliest member carrying one not
    already taken by an earlier group), so links made earlier stay valid; a new one takes its
    id from its earliest story.
    """
    active = [g for g in groups if changed & {s.id for s in g}]
    reached = {s.storyline for g in active for s in g if s.storyline}
    active += [
        g for g in groups if not changed & {s.id for s in g} and reached & {s.storyline for s in g}
    ]
    active.sort(key=lambda g: (-len(g), _earliest(g).event_date or date.max, _earliest(g).id))
    taken: set[str] = set()
    touched: list[Story] = []
    for members in active:
        line = _line_id(members, taken)
        timeline = build_timeline(members, timeline_settings)
        dated = {s.id for s in date_undated_stories(members, timeline)}
        for story in members:
            own = own_events(timeline, story)
            if (
                story.storyline != line
                or story.timeline != own
                or story.id in changed
                or story.id in dated
            ):
                story.storyline, story.timeline = line, own
                touched.append(story)
    return touched


def _line_id(members: list[Story], taken: set[str]) -> str | None:
    """The id a group's storyline goes by (None for a story alone), recorded in `taken`."""
    if len(members) == 1:
        return None
    ordered = sorted(members, key=lambda s: (s.event_date or date.max, s.id))
    line = next((s.storyline for s in ordered if s.storyline and s.storyline not in taken), None)
    line = line or storyline_id(ordered[0].id)
    taken.add(line)
    return line


def own_events(timeline: Sequence[TimelineEvent], story: Story) -> list[TimelineEvent]:
    """The events of a storyline's timeline that belong on `story`'s page: the story itself
    and the events its own articles cite (other stories of the storyline among them). None
    when that is the story alone: one dated event places nothing."""
    articles = {a.id for a in story.articles}
    own = [e for e in timeline if e.story_id == story.id or articles & set(e.article_ids)]
    return own if any(e.story_id != story.id for e in own) else []


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
    groups = storylines_among(stories, settings)
    return assign_storylines(groups, {s.id for s in stories}, timeline_settings)


def _store_lookup(
    store: BrowseStore, settings: StorylineSettings
) -> Callable[[StoryEntity], list[str]]:
    def lookup(entity: StoryEntity) -> list[str]:
        ids: list[str] = []
        for name in dict.fromkeys([entity.name, *entity.aliases]):
            known = store.entity(name)
            if known is None or known.stories > settings.max_postings:
                continue
            ids += store.story_ids(StoryFilter(entity=name), limit=settings.max_candidates)
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
    top entities), so the cost follows the changed stories, not the store; the stored members
    of every storyline they reach join them, so a storyline is always split or grown whole.
    """
    settings = settings or StorylineSettings()
    pool: dict[str, Story] = {s.id: s for s in changed}
    lookup = _store_lookup(store, settings)
    for story in changed:
        by_key: dict[str, list[str]] = defaultdict(list)
        for entity in story.entities[: settings.top_entities]:
            by_key[entity_key(entity)] += lookup(entity)
        for other_id in _candidates(by_key, by_key.__getitem__, story.id, settings):
            if other_id not in pool and (other := store.story(other_id)) is not None:
                pool[other.id] = other
    _add_stored_members(store, pool, settings)
    groups = storylines_among(list(pool.values()), settings)
    touched = assign_storylines(groups, {s.id for s in changed}, timeline_settings)
    if touched:
        store.save_stories(touched)
    return touched


def _add_stored_members(store: Store, pool: dict[str, Story], settings: StorylineSettings) -> None:
    """Bring the stored members of every storyline in `pool` into it, so that a storyline a
    new story joins, splits or links to another is read whole (its `max_members` most
    recent stories), and not only the members the entity lookup happened to find."""
    for line in {s.storyline for s in list(pool.values()) if s.storyline}:
        for id in store.story_ids(StoryFilter(storyline=line), limit=settings.max_members):
            if id not in pool and (story := store.story(id)) is not None:
                pool[id] = story


# ---- reading a storyline ----


@dataclass(slots=True)
class Storyline:
    """The stories of one storyline, oldest first, the entities they share most and the dated
    events of all of them as one timeline."""

    id: str
    stories: list[Story]
    entities: list[str]
    timeline: list[TimelineEvent]


def storyline_entities(stories: Iterable[Story], top: int = 8) -> list[str]:
    """The names the stories are most about: salience summed over the stories, one name per
    real-world entity (the name the stories use most), only names a reader can follow
    (`nlp.name_rules`: no nationality, region or date names a storyline)."""
    weight: dict[str, float] = defaultdict(float)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    for story in stories:
        for entity in story.entities[:TOP_ENTITIES]:
            # one name per place or body however written ("UK", "Britain"; "US", "U.S.")
            key = entity_key(entity) if entity.type == "PERSON" else name_key(entity.name)
            weight[key] += max(entity.salience, 1e-6)
            names[key][entity.name] += 1
            kinds.setdefault(key, entity.type)
    chosen = []
    for key in sorted(weight, key=lambda key: (-weight[key], key)):
        usable = (n for n, _ in names[key].most_common() if not is_junk(EntityName(n, kinds[key])))
        name = next(usable, None)
        if name is not None:
            chosen.append(name)
            if len(chosen) == top:
                break
    return chosen


def own_event(story: Story) -> TimelineEvent | None:
    """The story as an event at its event date; None while it has no date."""
    if story.event_date is None:
        return None
    return TimelineEvent(
        story.event_date,
        story.event_date_granularity,
        story.title or "Untitled story",
        story.outlets,
        [a.id for a in story.articles],
        story_id=story.id,
    )


def storyline_timeline(
    stories: Sequence[Story], settings: TimelineSettings | None = None
) -> list[TimelineEvent]:
    """One timeline of the stories' own timelines: each story once at its event date, each
    earlier event their articles cite once with every outlet that cites it."""
    events = [e for story in stories for e in story.timeline]
    dated = {e.story_id for e in events if e.story_id}
    events += [e for s in stories if s.id not in dated and (e := own_event(s))]
    return merge_timelines(events, settings, topic_of(stories, settings))


def gather_storylines(stories: Iterable[Story]) -> list[Storyline]:
    """The storylines of `stories` (those of two stories or more), biggest first."""
    members: dict[str, list[Story]] = defaultdict(list)
    for story in stories:
        if story.storyline:
            members[story.storyline].append(story)
    lines = [
        Storyline(
            line,
            sorted(group, key=lambda s: (s.event_date or date.max, s.id)),
            storyline_entities(group),
            storyline_timeline(group),
        )
        for line, group in members.items()
        if len(group) > 1
    ]
    return sorted(lines, key=lambda line: (-len(line.stories), line.id))
