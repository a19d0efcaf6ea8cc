"""What one clustering run keeps between chunks, so that it is not read or computed again:
the term bags of recently seen articles in one bounded vocabulary, and the document
frequencies the run reads and counts (`ClusterCache`)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from newsweave.cluster.batch import Bag, TermStats, Vocabulary, document_bag
from newsweave.model import Article
from newsweave.store import TermIndex


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
        # frequency table whatever the count: at 30k articles, 64 chunks a flush spend 7.3 s
        # writing frequencies where 16 spend 12.9 s
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

    def start_chunk(self, store: TermIndex) -> None:
        """Called before each chunk: bags of one chunk must share one vocabulary, so this is
        where a full one is replaced (`_compact`); what is unwritten goes to the store first."""
        if len(self.vocabulary) > self.max_terms:
            self.flush(store)
            self._compact()

    def _compact(self) -> None:
        """Start a new vocabulary with the terms of the most recently used bags, and keep
        those bags, renumbered, with the frequencies known for their terms. Dropping every
        bag instead would make the next chunks tokenise their whole regions again, and in a
        store whose vocabulary outgrows `max_terms` refill a fresh vocabulary again and
        again: at 100k articles under a 2M cap that is most of what clustering costs. Only
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
            self._bags[article_id] = Bag(
                renumbered[bag.numbers], bag.counts, self.vocabulary, renumbered[bag.names]
            )
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

    def stats(
        self, store: TermIndex, bags: Sequence[Bag], pending: Sequence[Bag] = ()
    ) -> TermStats:
        """The store's document frequencies, read for the terms of `bags` not seen before,
        counting the `pending` bags too (a chunk about to be indexed, so that its own words
        weigh as they will once stored)."""
        self._reserve()
        numbers = bag_numbers(bags)
        # only the unknown ones made distinct: the region's are mostly known, and sorting them
        # all again would be most of what this costs
        missing = np.unique(numbers[~self._known[numbers]])
        if len(missing) or self._documents is None:
            terms = [self.vocabulary.terms[n] for n in missing.tolist()]
            documents, found = store.document_frequencies(terms)
            if self._documents is None:
                self._documents = documents
            self._df[missing] = [found.get(t, 0) for t in terms]
            self._known[missing] = True
        return TermStats((self._documents or 0) + len(pending), self._df, bag_numbers(pending))

    def _reserve(self) -> None:
        """Room in the arrays by vocabulary number for every term numbered so far. They grow
        by doubling: the vocabulary grows with every chunk, and copying arrays of millions
        of terms each time would cost more, the larger the store, than the chunk's own work."""
        if len(self.vocabulary) > len(self._df):
            size = max(len(self.vocabulary), 2 * len(self._df), 1024)
            self._df, self._known, self._unwritten = (
                np.concatenate([a, np.zeros(size - len(a), a.dtype)])
                for a in (self._df, self._known, self._unwritten)
            )

    def indexed(self, store: TermIndex, bags: Sequence[Bag]) -> None:
        """These articles are clustered: count their terms, and write the counts to the store
        if `flush_every` chunks are unwritten.

        Every term of `bags` went through `stats` first, so the counts not written yet are
        all of terms whose store figure the cache holds: no later read misses them.
        """
        numbers = bag_numbers(bags)
        self._reserve()
        self._documents = (self._documents or 0) + len(bags)
        np.add.at(self._df, numbers, 1)  # in place: a pass over the whole vocabulary would
        np.add.at(self._unwritten, numbers, 1)  # cost more, the larger the store
        self._unwritten_documents += len(bags)
        self._unwritten_chunks += 1
        if self._unwritten_chunks >= self.flush_every:
            self.flush(store)

    def flush(self, store: TermIndex) -> None:
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


def bag_numbers(bags: Sequence[Bag]) -> np.ndarray:
    return np.concatenate([np.zeros(0, np.int64), *(bag.numbers for bag in bags)])
