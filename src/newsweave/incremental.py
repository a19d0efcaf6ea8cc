"""Adding articles to the stories already stored, at a cost that does not grow with the store.

New articles are clustered a chunk at a time, together with the stories they might join and
nothing else:

1. each new article's salient terms are weighed by the store's document frequencies (plus the
   chunk's own), and looked up in the store's term postings, newest first and at most
   `recent_postings` per term: the articles that share `min_shared_terms` of them, published
   within `max_span_days` of it (or undated), are candidates (the time window: a story
   cannot span more, so one further away could never take the article);
2. the candidates' stories, with all their members, form the region; `cluster.cluster_articles`
   re-clusters region and chunk together under the store's term weights, so a chunk can join a
   story, found a new one, or bridge two stories into one;
3. each resulting group keeps the id of the stored story it shares most members with (ids stay
   stable as stories grow and merge); a group that is exactly a stored story is not rewritten;
   stored stories left without a group are deleted;
4. the chunk's postings, the new memberships and the deletions are written in one
   transaction; changed stories are marked stale, to be summarised and analysed later
   (`pipeline.refresh_stories`), only them. The chunk's document frequencies are counted by
   the run's `ClusterCache` and written every `flush_every` chunks and when the run ends
   (`ClusterCache.flush`): upserting every distinct term of every chunk was a third of what
   clustering cost, and a term of the news is in many chunks.

Because a chunk is whatever is still unclustered in the store, a run that died between
storing articles and clustering them is finished by the next one. A run killed before a flush
leaves the frequencies of its last chunks uncounted: the store is whole and consistent (its
article count in `document_frequencies` is the one its frequencies were counted over), and
those terms only weigh as slightly rarer than they are.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from newsweave.cluster import (
    Bag,
    ClusterSettings,
    TermStats,
    Vocabulary,
    cluster_articles,
    document_bag,
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
    cache: ClusterCache | None = None,
) -> list[ClusterStep]:
    """Cluster every unclustered article in the store, `chunk` at a time."""
    own = cache is None
    cache = cache or ClusterCache()
    steps = []
    try:
        while batch := store.unclustered(chunk):
            steps.append(cluster_chunk(store, batch, settings, cache))
    finally:
        if own:
            cache.flush(store)
    return steps


class ClusterCache:
    """What one run keeps between chunks, so that it is not read or computed again.

    - the term bags of recently seen articles, up to `max_held` terms in all (six bytes
      each): a story's members come back with every chunk that touches the story, and
      tokenising them again is the costliest part of clustering; the bags number their terms
      in one vocabulary, started afresh once it holds `max_terms` (keeping the bags used
      last, `_compact`), so a long-running process does not grow without bound;
    - document frequencies read from the store, kept in step with what this run indexes
      (another process indexing at the same time makes them slightly low, which only
      nudges term weights);
    - the counts of what this run indexed and has not written yet: they go to the store
      every `flush_every` chunks (`indexed`) and at the end of a run (`flush`, which whoever
      owns the cache calls), a few large sorted upserts instead of one per chunk.
    """

    def __init__(
        self, max_held: int = 60_000_000, max_terms: int = 4_000_000, flush_every: int = 64
    ) -> None:
        # every flush upserts its terms in key order, which rewrites most pages of a large
        # frequency table whatever the count: at 30k articles, 64 chunks a flush spent 7.3 s
        # writing frequencies where 16 spent 12.9 s
        self.max_held = max_held
        self.max_terms = max_terms
        self.flush_every = flush_every
        self._unwritten_chunks = 0
        self._unwritten_documents = 0
        self._bags: OrderedDict[str, Bag] = OrderedDict()
        self._documents: int | None = None
        self._new_vocabulary()

    def _new_vocabulary(self) -> None:
        self.vocabulary = Vocabulary()
        self._bags.clear()
        self._held = 0  # terms in `_bags`
        # by vocabulary number; longer than the vocabulary (see `_reserve`)
        self._df = np.zeros(0, np.int64)
        self._known = np.zeros(0, bool)  # whether `_df` holds the store's count yet
        self._unwritten = np.zeros(0, np.int64)  # counts `_df` holds and the store does not

    def start_chunk(self, store: Store) -> None:
        """Called before each chunk: bags of one chunk must share one vocabulary, so this is
        where a full one is replaced (`_compact`); what is unwritten goes to the store first."""
        if len(self.vocabulary) > self.max_terms:
            self.flush(store)
            self._compact()

    def _compact(self) -> None:
        """Start a new vocabulary with the terms of the most recently used bags, and keep
        those bags, renumbered, with the frequencies known for their terms. Dropping every
        bag instead made the next chunks tokenise their whole regions again, and in a store
        whose vocabulary outgrows `max_terms` that refills a fresh vocabulary again and
        again: at 100k articles under a 2M cap it was most of what clustering cost. Only
        half of `max_terms` is kept, so that the new vocabulary has room to grow."""
        self._reserve()
        old_terms, old_df, old_known = self.vocabulary.terms, self._df, self._known
        used, count = np.zeros(len(old_terms), bool), 0
        kept: list[tuple[str, Bag]] = []
        for article_id, bag in reversed(self._bags.items()):  # most recently used first
            count += int(np.count_nonzero(~used[bag.numbers]))
            if count > self.max_terms // 2:
                break
            used[bag.numbers] = True
            kept.append((article_id, bag))
        self._new_vocabulary()
        numbers = np.flatnonzero(used)
        self.vocabulary.numbers([old_terms[n] for n in numbers.tolist()])  # 0, 1, ... in order
        renumbered = np.zeros(len(old_terms), np.int32)
        renumbered[numbers] = np.arange(len(numbers), dtype=np.int32)
        self._reserve()
        self._df[: len(numbers)] = old_df[numbers]
        self._known[: len(numbers)] = old_known[numbers]
        for article_id, bag in reversed(kept):  # oldest first: the order of use stays
            self._bags[article_id] = Bag(renumbered[bag.numbers], bag.counts, self.vocabulary)
            self._held += len(bag.numbers)

    def held(self, article_id: str) -> Bag | None:
        """The article's bag if the cache holds it (then it counts as just used)."""
        found = self._bags.get(article_id)
        if found is not None:
            self._bags.move_to_end(article_id)
        return found

    def bag(self, article: Article) -> Bag:
        """The article's bag: the cache's (`held`), or made now and kept."""
        found = self.held(article.id)
        if found is None:
            found = self._bags[article.id] = document_bag(article, self.vocabulary)
            self._held += len(found.numbers)
            while self._held > self.max_held and len(self._bags) > 1:
                self._held -= len(self._bags.popitem(last=False)[1].numbers)
        return found

    def stats(self, store: Store, bags: Sequence[Bag], pending: Sequence[Bag] = ()) -> TermStats:
        """The store's document frequencies, read for the terms of `bags` not seen before,
        counting the `pending` bags too (a chunk about to be indexed, so that its own words
        weigh as they will once stored)."""
        self._reserve()
        numbers = _numbers(bags)
        # only the unknown ones made distinct: the region's are mostly known, and sorting them
        # all again was most of what this cost
        missing = np.unique(numbers[~self._known[numbers]])
        if len(missing) or self._documents is None:
            terms = [self.vocabulary.terms[n] for n in missing.tolist()]
            documents, found = store.document_frequencies(terms)
            if self._documents is None:
                self._documents = documents
            self._df[missing] = [found.get(t, 0) for t in terms]
            self._known[missing] = True
        return TermStats((self._documents or 0) + len(pending), self._df, _numbers(pending))

    def _reserve(self) -> None:
        """Room in the arrays by vocabulary number for every term numbered so far. They grow
        by doubling: the vocabulary grows with every chunk, and copying arrays of millions
        of terms each time cost more, the larger the store, than the chunk's own work."""
        if len(self.vocabulary) > len(self._df):
            size = max(len(self.vocabulary), 2 * len(self._df), 1024)
            self._df, self._known, self._unwritten = (
                np.concatenate([a, np.zeros(size - len(a), a.dtype)])
                for a in (self._df, self._known, self._unwritten)
            )

    def indexed(self, store: Store, bags: Sequence[Bag]) -> None:
        """These articles are clustered: count their terms, and write the counts to the store
        if `flush_every` chunks are unwritten.

        Every term of `bags` went through `stats` first, so the counts not written yet are
        all of terms whose store figure the cache holds: no later read misses them.
        """
        numbers = _numbers(bags)
        self._reserve()
        self._documents = (self._documents or 0) + len(bags)
        np.add.at(self._df, numbers, 1)  # in place: a pass over the whole vocabulary would
        np.add.at(self._unwritten, numbers, 1)  # cost more, the larger the store
        self._unwritten_documents += len(bags)
        self._unwritten_chunks += 1
        if self._unwritten_chunks >= self.flush_every:
            self.flush(store)

    def flush(self, store: Store) -> None:
        """Write the document frequencies counted since the last flush (one transaction)."""
        if self._unwritten_documents:
            numbers = np.flatnonzero(self._unwritten)
            counts = self._unwritten[numbers].tolist()
            terms = [self.vocabulary.terms[n] for n in numbers.tolist()]
            store.add_document_frequencies(
                self._unwritten_documents, dict(zip(terms, counts, strict=True))
            )
            self._unwritten[numbers] = 0
        self._unwritten_documents = self._unwritten_chunks = 0


def _numbers(bags: Sequence[Bag]) -> np.ndarray:
    return np.concatenate([np.zeros(0, np.int64), *(bag.numbers for bag in bags)])


def cluster_chunk(
    store: Store,
    articles: Sequence[Article],
    settings: ClusterSettings | None = None,
    cache: ClusterCache | None = None,
) -> ClusterStep:
    """Add `articles` (stored, unclustered) to the stories; see the module docstring."""
    settings = settings or ClusterSettings()
    cache = cache or ClusterCache(flush_every=1)  # nobody else will write what it counts
    cache.start_chunk(store)
    new_bags = [cache.bag(a) for a in articles]
    salient = salient_terms(
        new_bags, cache.stats(store, new_bags, pending=new_bags), settings.salient_terms
    )

    candidates: set[str] = set()
    window = timedelta(days=settings.max_span_days)
    for article, terms in zip(articles, salient, strict=True):
        # a story published further away than a story may span can never take the article
        # (`cluster._average_link` keeps spans within `max_span_days`), so it is no candidate
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
    store: Store, ids: list[str], cache: ClusterCache, settings: ClusterSettings
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
