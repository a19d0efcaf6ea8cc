"""Adding articles to the stories already stored, at a cost that does not grow with the store.

New articles are clustered a chunk at a time, together with the stories they might join and
nothing else:

1. each new article's salient terms are weighed by the store's document frequencies (plus the
   chunk's own), and looked up in the store's term postings, newest first and at most
   `max_postings` per term: the articles that share `min_shared_terms` of them are candidates;
2. the candidates' stories, with all their members, form the region; `cluster.cluster_articles`
   re-clusters region and chunk together under the store's term weights, so a chunk can join a
   story, found a new one, or bridge two stories into one;
3. each resulting group keeps the id of the stored story it shares most members with (ids stay
   stable as stories grow and merge); a group that is exactly a stored story is not rewritten;
   stored stories left without a group are deleted;
4. the chunk's postings, the frequencies, the new memberships and the deletions are written
   in one transaction; changed stories are marked stale, to be summarised and analysed later
   (`pipeline.refresh_stories`), only them.

Because a chunk is whatever is still unclustered in the store, a run that died between
storing articles and clustering them is finished by the next one.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from newsweave.cluster import (
    ClusterSettings,
    TermStats,
    cluster_articles,
    document_tokens,
    salient_terms,
)
from newsweave.model import Article, IndexedTerms, Story, story_id
from newsweave.store import Store


@dataclass(slots=True)
class ClusterStep:
    """What one chunk did to the stories."""

    clustered: int = 0
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    region: int = 0


def cluster_pending(
    store: Store,
    settings: ClusterSettings | None = None,
    *,
    chunk: int = 500,
    cache: TokenCache | None = None,
) -> list[ClusterStep]:
    """Cluster every unclustered article in the store, `chunk` at a time."""
    cache = cache or TokenCache()
    steps = []
    while batch := store.unclustered(chunk):
        steps.append(cluster_chunk(store, batch, settings, cache))
    return steps


class TokenCache:
    """Clustering tokens of recently seen articles: a story's members are re-read with every
    chunk that touches the story, and tokenising them again is the costliest part of that."""

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._tokens: OrderedDict[str, list[str]] = OrderedDict()

    def __call__(self, article: Article) -> list[str]:
        found = self._tokens.get(article.id)
        if found is None:
            found = self._tokens[article.id] = document_tokens(article)
            if len(self._tokens) > self.size:
                self._tokens.popitem(last=False)
        else:
            self._tokens.move_to_end(article.id)
        return found


def cluster_chunk(
    store: Store,
    articles: Sequence[Article],
    settings: ClusterSettings | None = None,
    cache: TokenCache | None = None,
) -> ClusterStep:
    """Add `articles` (stored, unclustered) to the stories; see the module docstring."""
    settings = settings or ClusterSettings()
    cache = cache or TokenCache()
    new_tokens = [cache(a) for a in articles]
    vocabularies = [sorted(set(t)) for t in new_tokens]
    stats = _stats_with(store, vocabularies)
    salient = salient_terms(new_tokens, stats, settings.salient_terms)

    candidates: set[str] = set()
    for terms in salient:
        shared = store.articles_sharing_terms(terms, settings.recent_postings)
        floor = max(
            settings.min_shared_terms, settings.candidate_share * max(shared.values(), default=0)
        )
        best = sorted(((n, i) for i, n in shared.items() if n >= floor), reverse=True)
        candidates.update(i for _, i in best[: settings.candidates])
    stored_story = store.story_ids_of(candidates)
    region_stories = store.story_members(set(stored_story.values()))
    new_ids = {a.id for a in articles}
    region_ids = [i for ids in region_stories.values() for i in ids if i not in new_ids]
    region = store.articles(region_ids)
    everything = [*articles, *region]
    token_lists = [*new_tokens, *map(cache, region)]
    region_vocab = {t for toks in token_lists[len(articles) :] for t in toks} - set(stats.df)
    if region_vocab:  # weigh the region's own words by the store too
        _, more = store.document_frequencies(region_vocab)
        stats = TermStats(stats.documents, {**more, **stats.df})
    groups = [
        [everything[i] for i in members]
        for members in cluster_articles(everything, settings, stats=stats, token_lists=token_lists)
    ]
    stories, removed = _assign_ids(groups, region_stories, store)
    store.update_clusters(
        [IndexedTerms(a.id, terms, vocab) for a, terms, vocab in zip(
            articles, salient, vocabularies, strict=True)],
        stories,
        removed,
    )  # fmt: skip
    return ClusterStep(len(articles), [s.id for s in stories], removed, len(region))


def _stats_with(store: Store, vocabularies: Sequence[Sequence[str]]) -> TermStats:
    """The store's document frequencies, counting the chunk as already indexed."""
    documents, df = store.document_frequencies({t for v in vocabularies for t in v})
    own = Counter(t for v in vocabularies for t in v)
    return TermStats(documents + len(vocabularies), {t: df.get(t, 0) + n for t, n in own.items()})


def _assign_ids(
    groups: list[list[Article]], stored: dict[str, list[str]], store: Store
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
        sid = ids.get(k)
        if sid is None:
            sid = story_id([a.id for a in members])
            while sid in used or sid in stored or store.story_members([sid]):
                sid = story_id([sid])
            used.add(sid)
        stories.append(Story(id=sid, articles=members))
    return stories, sorted(set(stored) - set(ids.values()))
