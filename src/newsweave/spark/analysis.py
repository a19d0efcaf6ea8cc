"""Stories summarised and analysed per partition, and storylines linked across the corpus.

A Python worker keeps one `Annotator` (the spaCy pipelines load once per worker, not per
task: Spark reuses its Python workers), and each story goes through `refresh_story`, as
`refresh_stories` takes it in the embedded engine; people are then named alike across the
whole corpus (`unify_names`), as `unify_across_stories` names them across a batch there.
Storylines are `analysis.storyline.link_storylines` spread out: stories posted under their
salient entities, pairs sharing `min_shared` of them checked by `linked`, and each connected
component of the links, with its links, kept to one matter per storyline and given its
storylines and timelines (`storylines_of_links`, `assign_storylines`) in one task.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import add
from typing import TYPE_CHECKING

from newsweave.analysis.storyline import (
    Profile,
    StorylineSettings,
    assign_storylines,
    linked,
    profile,
    storylines_of_links,
)
from newsweave.analysis.summarize import SummarySettings
from newsweave.app.pipeline import Annotator, RunReport, refresh_story
from newsweave.model import Article, Story
from newsweave.nlp.canonical import person_forms, preferred_names, rename_people
from newsweave.spark.graph import connected_components

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext

_annotators: list[Annotator] = []
"""The worker's annotator, made on first use: what lets the spaCy model load once per
Python worker rather than once per task."""


def worker_annotator() -> Annotator:
    if not _annotators:
        _annotators.append(Annotator())
    return _annotators[0]


def analyse_partition(
    stories: Iterable[tuple[str, list[Article]]], summary: SummarySettings | None
) -> Iterator[tuple[Story, list[str]]]:
    """(story, warnings) for each (id, members) of one partition."""
    for sid, members in stories:
        report = RunReport()
        story = refresh_story(
            Story(id=sid, articles=members), worker_annotator(), report, summary_settings=summary
        )
        yield story, report.warnings


def unify_names(sc: SparkContext, stories: RDD, partitions: int) -> RDD:
    """(id, Story) rows with every person named alike across the corpus, as
    `unify_across_stories` names them within the stories it is given."""
    forms = (
        stories.flatMap(lambda kv: person_forms([kv[1]]).items())
        .reduceByKey(add, partitions)
        .filter(lambda kv: len(kv[1]) > 1)
        .collect()
    )
    preferred = sc.broadcast(preferred_names(dict(forms)))
    return stories.mapValues(lambda story: _renamed(story, preferred.value))


def _renamed(story: Story, preferred: dict) -> Story:
    rename_people([story], preferred)
    return story


def link_storylines(
    stories: RDD, partitions: int, settings: StorylineSettings | None = None
) -> RDD:
    """(story id, Story) rows with storylines and timelines set. `stories` are (id, Story)
    rows, persisted: they are read twice."""
    settings = settings or StorylineSettings()
    light = stories.mapValues(lambda story: profile(story, settings)).persist()
    keys = light.flatMap(lambda kv: [(key, kv[0]) for key in kv[1].weights])
    shared = (
        keys.groupByKey(partitions)
        .flatMap(lambda kv: _pairs(sorted(set(kv[1])), settings.max_postings))
        .reduceByKey(add, partitions)
        .filter(lambda kv: kv[1] >= settings.min_shared)
        .keys()
    )
    links = (
        shared.join(light, partitions)
        .map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))
        .join(light, partitions)
        .flatMap(lambda kv: _link(kv[1][0][0], kv[0], kv[1][0][1], kv[1][1], settings))
        .persist()
    )
    labels = connected_components(links.map(lambda e: (e[0], e[1])), partitions)
    inner = links.map(lambda e: (e[0], e)).join(labels, partitions).map(lambda kv: kv[1][::-1])
    members = stories.leftOuterJoin(labels, partitions).map(
        lambda kv: (kv[1][1] or kv[0], kv[1][0])
    )
    return members.cogroup(inner, partitions).flatMap(
        lambda kv: _assigned(list(kv[1][0]), list(kv[1][1]), settings)
    )


def _link(
    a: str, b: str, one: Profile, other: Profile, settings: StorylineSettings
) -> list[tuple[str, str, float]]:
    """[(a, b, entity overlap)] when the two stories are linked (`linked`), else []."""
    overlap = linked(one, other, settings)
    return [] if overlap is None else [(a, b, overlap)]


def _pairs(ids: list[str], limit: int) -> Iterator[tuple[tuple[str, str], int]]:
    if len(ids) > limit:  # an entity too many stories name finds no candidates
        return
    for k, a in enumerate(ids):
        for b in ids[k + 1 :]:
            yield (a, b), 1


def _assigned(
    members: list[Story], links: list[tuple[str, str, float]], settings: StorylineSettings
) -> Iterator[tuple[str, Story]]:
    """The stories of one linked component with their storylines (kept to one matter each,
    `storylines_of_links`) and timelines."""
    members.sort(key=lambda s: s.id)
    groups = storylines_of_links(members, links, settings)
    assign_storylines(groups, {s.id for s in members}, None)
    for story in members:
        yield story.id, story
