"""Near-duplicates: the same wire story on several sites, lightly edited, is one source.

Exact copies never get this far (an article's id derives from its normalised body, so the
store keeps one). For the rest, each article gets a MinHash signature (datasketch) over word
shingles of its normalised body, cut into LSH bands; the bands are kept by the store, so a new
article finds its possible originals with one indexed lookup per band, whatever the store holds.
A candidate is a copy when the signatures agree on at least `threshold` of their values (the
estimated Jaccard similarity of the shingle sets). The copy then counts as its original's source.

datasketch's own `MinHashLSH` keeps its buckets in memory, Redis or Cassandra; banding here is
the same scheme with the buckets in the store, in the same transaction as the articles.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from zlib import crc32

import numpy as np
from datasketch import MinHash

from newsweave.model import Article, Fingerprint, normalise_body
from newsweave.store import NearDuplicateIndex

_MASK32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class DedupSettings:
    """32 bands of 4 rows: a pair at Jaccard 0.6 shares a band with probability 0.99, a pair
    at 0.3 with 0.23 (and is then rejected on the full signature)."""

    shingle_words: int = 3
    bands: int = 32
    rows: int = 4
    threshold: float = 0.6

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows


def shingle_hashes(text: str, size: int) -> np.ndarray:
    """32-bit hashes of the word `size`-grams of the normalised body (of its words, for a very
    short text), sorted and distinct: each word hashed once (CRC-32), each shingle a mix of
    its words' hashes, in numpy, since hashing every shingle on its own is most of what
    deduplication costs. CRC-32 of a word costs less than looking it up in a cache, and a
    sort (the arrays are short) less than `np.unique`'s hash table."""
    words = np.array([crc32(w.encode()) for w in normalise_body(text).split()], dtype=np.uint64)
    if len(words) <= size:
        return _distinct(words) if len(words) else np.zeros(1, dtype=np.uint64)
    mixed = np.zeros(len(words) - size + 1, dtype=np.uint64)
    for k in range(size):
        mixed = (mixed * np.uint64(1_000_003) + words[k : len(words) - size + 1 + k]) & _MASK32
    return _distinct(mixed)


def _distinct(values: np.ndarray) -> np.ndarray:
    """`np.unique(values)`, by sorting in place."""
    values.sort()
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def fingerprints(texts: Sequence[str], settings: DedupSettings | None = None) -> list[Fingerprint]:
    """Signatures and band keys for many texts at once (datasketch's bulk path)."""
    settings = settings or DedupSettings()
    hashes = MinHash.bulk(
        [shingle_hashes(t, settings.shingle_words).tolist() for t in texts],
        num_perm=settings.num_perm,
        hashfunc=int,  # the shingles are hashed already
    )
    return [_fingerprint(np.asarray(m.hashvalues, dtype="<u4"), settings) for m in hashes]


def _fingerprint(values: np.ndarray, settings: DedupSettings) -> Fingerprint:
    bands = tuple(
        # 63 bits, so the key fits SQLite's signed 64-bit integers
        int.from_bytes(
            hashlib.blake2b(values[b * settings.rows : (b + 1) * settings.rows].tobytes(),
                            digest_size=8).digest(), "little") >> 1
        for b in range(settings.bands)
    )  # fmt: skip
    return Fingerprint(bands=bands, signature=values.tobytes())


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity: the share of MinHash values two signatures agree on."""
    va, vb = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    if len(va) != len(vb) or not len(va):
        return 0.0
    return float(np.mean(va == vb))


class CopyFinder:
    """Finds, for each new article, an earlier article it copies: in the store or in the batch.

    The batch is kept in memory until it is stored, so two copies arriving together are linked
    too. `link` sets `copy_of` (always the first article of a chain, so a copy of a copy
    points at the original) and `copy_source`.
    """

    def __init__(self, store: NearDuplicateIndex, settings: DedupSettings | None = None) -> None:
        self.store = store
        self.settings = settings or DedupSettings()
        self._pending: dict[tuple[int, int], list[tuple[Article, bytes]]] = defaultdict(list)

    def link(self, articles: Sequence[Article]) -> dict[str, Fingerprint]:
        """Link every copy among `articles`; return their fingerprints by article id."""
        prints = fingerprints([a.text for a in articles], self.settings)
        stored = self.store.near_duplicates_of_each([p.bands for p in prints])
        for article, fingerprint, candidates in zip(articles, prints, stored, strict=True):
            original = self._original(fingerprint, candidates)
            if original is not None:
                article.copy_of = original.copy_of or original.id
                article.copy_source = original.independent_source
            for band, key in enumerate(fingerprint.bands):
                self._pending[band, key].append((article, fingerprint.signature))
        return {a.id: p for a, p in zip(articles, prints, strict=True)}

    def stored(self) -> None:
        """The batch is in the store now: its bands are found there from here on."""
        self._pending.clear()

    def _original(
        self, fingerprint: Fingerprint, stored: list[tuple[Article, bytes]]
    ) -> Article | None:
        """The most similar earlier article at `threshold` or above, among the `stored`
        candidates and the batch's own articles sharing a band."""
        candidates = list(stored)
        for band, key in enumerate(fingerprint.bands):
            candidates += self._pending.get((band, key), [])
        best: tuple[float, Article] | None = None
        for article, signature in candidates:
            score = similarity(signature, fingerprint.signature)
            if score >= self.settings.threshold and (best is None or score > best[0]):
                best = (score, article)
        return best[1] if best else None
