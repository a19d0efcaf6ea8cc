"""SQLite implementation of `NearDuplicateIndex`: a row per (band, key, article) in
`lsh_bands` and its recent part `lsh_bands_recent`, and each article's MinHash signature in
`signatures`; `SQLiteArticles.add_articles` writes them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from newsweave.model import Article
from newsweave.store.near_duplicates import NearDuplicateIndex
from newsweave.store.sqlite.connection import (
    _BATCH,
    _SELECT_ARTICLE,
    SQLiteConnection,
    _article,
    _chunks,
)


class SQLiteNearDuplicates(SQLiteConnection, NearDuplicateIndex):
    """The near-duplicate index of `SQLiteStore`."""

    def near_duplicates(self, bands: Sequence[int]) -> list[tuple[Article, bytes]]:
        return self.near_duplicates_of_each([bands])[0]

    def near_duplicates_of_each(
        self, bands: Sequence[Sequence[int]]
    ) -> list[list[tuple[Article, bytes]]]:
        """All the batch's band keys in a few statements, in key order (a list of keys joined
        to each band table, one primary-key search a key; a row-value IN would scan the
        table), and each candidate read once: a statement per article costs more than its 64
        searches once the tables are large. Each list's candidates come in storage order."""
        keys = sorted({(band, key) for one in bands for band, key in enumerate(one)})
        seqs: dict[tuple[int, int], list[int]] = defaultdict(list)
        for chunk in _chunks(keys, _BATCH // 2):  # two variables a key
            flat = [v for band_key in chunk for v in band_key]
            values = ", ".join("(?, ?)" for _ in chunk)
            for table in ("lsh_bands", "lsh_bands_recent"):
                for band, key, seq in self._db.execute(
                    f"WITH k(band, key) AS (VALUES {values}) SELECT k.band, k.key, t.seq "
                    f"FROM k JOIN {table} AS t ON t.band = k.band AND t.key = k.key",
                    flat,
                ):
                    seqs[band, key].append(seq)
        wanted = [
            sorted({seq for band, key in enumerate(one) for seq in seqs.get((band, key), ())})
            for one in bands
        ]
        found: dict[int, tuple[Article, bytes]] = {}
        for seq_chunk in _chunks(sorted(set().union(*wanted))):
            marks = ", ".join("?" * len(seq_chunk))
            for row in self._db.execute(
                f"SELECT a.seq, {_SELECT_ARTICLE}, s.minhash FROM articles AS a "
                f"JOIN signatures AS s ON s.seq = a.seq WHERE a.seq IN ({marks})",
                seq_chunk,
            ):
                found[row[0]] = (_article(row[1:-1]), row[-1])
        return [[found[seq] for seq in one if seq in found] for one in wanted]
