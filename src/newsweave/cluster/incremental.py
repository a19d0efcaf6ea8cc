"""Adding articles to the stories already stored, at a cost that does not grow with the store.

New articles are clustered a chunk at a time, together with the stories they might join and
nothing else:

1. each new article's salient terms are weighed by the store's document frequencies (plus the
   chunk's own), and looked up in the store's term postings, newest first and at most
   `recent_postings` per term: the articles that share `min_shared_terms` of them, published
   within `max_span_days` of it (or undated), are candidates (the time window: a story
   cannot span more, so one further away could never take the article);
2. the candidates' stories, with all their members, form the region; `batch.cluster_articles`
   re-clusters region and chunk together under the store's term weights, so a chunk can join a
   story, found a new one, or bridge two stories into one;
3. each resulting group keeps the id of the stored story it shares most members with (ids stay
   stable as stories grow and merge); a group that is exactly a stored story is not rewritten;
   stored stories left without a group are deleted;
4. the chunk's postings, the new memberships and the deletions are written; changed stories
   are marked stale, to be summarised and analysed later (`app.pipeline.refresh_stories`),
   only them. The chunk's document frequencies are counted by the run's `ClusterCache` and
   written every `flush_every` chunks and when the run ends (`ClusterCache.flush`):
   upserting every distinct term of every chunk would be a third of what clustering costs,
   and a term of the news is in many chunks.

A step is one write transaction from its first read to its last write
(`TermIndex.clustering`): several processes may add articles to one store (two `ingest`
runs, the workers of `serve`), and a step that wrote a region it had read before another
step changed it would put an article in two stories, or in none. Inside it, the chunk is
read again from the store, only what is still unclustered: another writer may have clustered
some of it while this one waited for the lock. The articles of a chunk are clustered once,
by whoever comes first; their stories count as changed for both (`ClusterStep.changed`).

Because a chunk is whatever is still unclustered in the store, a run that died between
storing articles and clustering them is finished by the next one; `cluster_pending` first
repairs story membership left inconsistent (`StoreCheck.repair`, the cheap part). A run
killed before a flush leaves the frequencies of its last chunks uncounted: the store is whole
and consistent (its article count in `document_frequencies` is the one its frequencies were
counted over), and those terms only weigh as slightly rarer than they are.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from newsweave.cluster.batch import (
    Bag,
    ClusterSettings,
    cluster_articles,
    salient_terms,
)
from newsweave.cluster.cache import ClusterCache
from newsweave.model import Article, IndexedTerms, Story, story_id
from newsweave.store import ArticleStore, Store, TermIndex

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ClusterStep:
    """What one chunk did to the stories: how many of its articles it clustered, the stories
    it wrote (and those another writer put the chunk's articles in first: they hold them all
    the same), the stories it deleted, and how many stored articles it re-clustered."""

    clustered: int = 0
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    region: int = 0


def cluster_pending(
    store: Store,
    settings: ClusterSettings | None = None,
    *,
    chunk: int = 500,
    cache: ClusterCache | None = None,
) -> list[ClusterStep]:
    """Cluster every unclustered article in the store, `chunk` at a time, after repairing
    story membership a crash or an older version left inconsistent (articles in no story are
    clustered again, see `StoreCheck.repair`)."""
    repaired = store.repair(full=False)
    for finding in repaired:
        examples = ", ".join(finding.examples)
        log.warning("repaired %s: %d (e.g. %s)", finding.what, finding.count, examples)
    settings = settings or ClusterSettings()
    own = cache is None
    cache = cache or ClusterCache()
    steps = []
    try:
        while True:
            with store.clustering():
                batch = store.unclustered(chunk)
                if not batch:
                    break
                steps.append(_cluster(store, batch, settings, cache))
    finally:
        if own:
            cache.flush(store)
    return steps


def cluster_chunk(
    store: Store,
    articles: Sequence[Article],
    settings: ClusterSettings | None = None,
    cache: ClusterCache | None = None,
) -> ClusterStep:
    """Add `articles` (stored) to the stories, those of them still unclustered once the
    store's write lock is held; see the module docstring."""
    settings = settings or ClusterSettings()
    cache = cache or ClusterCache(flush_every=1)  # nobody else will write what it counts
    with store.clustering():
        pending = store.unclustered(len(articles), among=[a.id for a in articles])
        step = _cluster(store, pending, settings, cache) if pending else ClusterStep()
        if len(pending) < len(articles):  # clustered by another writer while this one waited
            ids = {a.id for a in pending}
            taken = store.story_ids_of(a.id for a in articles if a.id not in ids)
            step.changed += sorted(set(taken.values()) - set(step.changed))
    return step


def _cluster(
    store: Store, articles: Sequence[Article], settings: ClusterSettings, cache: ClusterCache
) -> ClusterStep:
    """One step, inside `Store.clustering`: `articles` are stored and unclustered."""
    cache.start_chunk(store)
    new_bags = [cache.bag(a) for a in articles]
    salient = salient_terms(
        new_bags, cache.stats(store, new_bags, pending=new_bags), settings.salient_terms
    )

    candidates: set[str] = set()
    window = timedelta(days=settings.max_span_days)
    for article, terms in zip(articles, salient, strict=True):
        # a story published further away than a story may span can never take the article
        # (`batch._average_link` keeps spans within `max_span_days`), so it is no candidate
        day = article.published
        shared = store.articles_sharing_terms(
            terms,
            settings.recent_postings,
            settings.min_shared_terms,
            (day - window, day + window) if day else None,
        )
        floor = max(
            settings.min_shared_terms, settings.candidate_share * max(shared.values(), default=0)
        )
        best = sorted(((n, i) for i, n in shared.items() if n >= floor), reverse=True)
        candidates.update(i for _, i in best[: settings.candidates])
    stored_story = store.story_ids_of(candidates)
    region_stories = store.story_members(set(stored_story.values()))
    new_ids = {a.id for a in articles}
    region_ids = [i for ids in region_stories.values() for i in ids if i not in new_ids]
    region, region_bags = _region(store, region_ids, cache, settings)
    everything = [*articles, *region]
    bags = [*new_bags, *region_bags]
    stats = cache.stats(store, bags[len(articles) :], pending=new_bags)
    position = {a.id: k for k, a in enumerate(everything)}
    fixed = [
        [position[i] for i in members if i in position and i not in new_ids]
        for members in region_stories.values()
    ]
    groups = [
        [everything[i] for i in members]
        for members in cluster_articles(everything, settings, stats=stats, bags=bags, fixed=fixed)
    ]
    stories, removed = _assign_ids(groups, region_stories, store)
    # the vocabulary is counted by the cache (`ClusterCache.indexed`), not with the postings
    store.update_clusters(
        [IndexedTerms(a.id, terms) for a, terms in zip(articles, salient, strict=True)],
        stories,
        removed,
    )
    cache.indexed(store, new_bags)
    return ClusterStep(len(articles), [s.id for s in stories], removed, len(region))


def _region(
    store: ArticleStore, ids: list[str], cache: ClusterCache, settings: ClusterSettings
) -> tuple[list[Article], list[Bag]]:
    """The stored articles of `ids` and their bags. Those whose bags the cache holds are read
    without their words (`Store.article_heads`): clustering needs only their dates then, and
    a story's members come back with every chunk that touches it. Entity overlap, when it is
    weighed, needs every article whole."""
    held = {} if settings.entity_weight else {i: b for i in ids if (b := cache.held(i)) is not None}
    read = [*store.article_heads(list(held)), *store.articles([i for i in ids if i not in held])]
    found = {a.id: a for a in read}
    region = [found[i] for i in ids if i in found]
    # bags of held articles were taken before any other is added, which could evict them
    return region, [held[a.id] if a.id in held else cache.bag(a) for a in region]


def _assign_ids(
    groups: list[list[Article]], stored: dict[str, list[str]], store: TermIndex
) -> tuple[list[Story], list[str]]:
    """Stories for `groups`, reusing stored ids by largest overlap; which stored ids are gone.

    Groups identical to a stored story are left out: nothing about them changed. A new story's
    id derives from its first members; since a stored story keeps its id as its members
    change, an id already taken is hashed again.
    """
    owner = {aid: sid for sid, members in stored.items() for aid in members}
    overlaps = sorted(
        (
            (-n, sid, k)
            for k, group in enumerate(groups)
            for sid, n in Counter(owner[a.id] for a in group if a.id in owner).items()
        ),
    )
    ids: dict[int, str] = {}
    used: set[str] = set()
    for _, sid, k in overlaps:
        if k not in ids and sid not in used:
            ids[k] = sid
            used.add(sid)
    stories = []
    for k, group in enumerate(groups):
        if k in ids and sorted(stored[ids[k]]) == sorted(a.id for a in group):
            continue
        members = sorted(group, key=lambda a: (a.published is None, a.published or date.min, a.id))
        kept = ids.get(k)
        if kept is None:
            kept = story_id([a.id for a in members])
            while kept in used or kept in stored or store.story_members([kept]):
                kept = story_id([kept])
            used.add(kept)
        stories.append(Story(id=kept, articles=members))
    return stories, sorted(set(stored) - set(ids.values()))
