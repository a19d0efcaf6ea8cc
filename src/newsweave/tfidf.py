"""Word-level text features shared by clustering, summarising and alignment.

One tokeniser and one TF-IDF set-up, so that "similar" means the same thing in every stage.
Tokens are lower-cased words with English stop words removed and a light suffix stripping
(plural and verb endings), which lets "withdraw"/"withdrawn" and "meets"/"meeting" meet
without a stemmer download.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?|\d+(?:[.,]\d+)*")
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ies", "ied", "es", "ed", "s")
STOP_WORDS = frozenset(
    ENGLISH_STOP_WORDS | {"said", "says", "say", "told", "mr", "mrs", "ms", "also", "would"}
)


def light_stem(word: str) -> str:
    """Strip one common English inflection; keeps short words intact."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stem = word[: -len(suffix)]
            return stem + "y" if suffix in ("ies", "ied") else stem
    return word


@lru_cache(maxsize=500_000)
def _token(word: str) -> str | None:
    """One lower-cased word as a token, or None for a stop word (memoised: words repeat, and
    tokenising is what clustering a large corpus spends most of its time on)."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if word in STOP_WORDS or len(word) < 2:
        return None
    return light_stem(word)


def tokens(text: str) -> list[str]:
    """Content tokens of a text: lower-cased, stop words dropped, lightly stemmed."""
    return [t for t in map(_token, _WORD.findall(text.lower())) if t is not None]


def tfidf(
    texts: Sequence[str], *, min_df: int = 1, sublinear: bool = True
) -> tuple[csr_matrix, TfidfVectorizer]:
    """L2-normalised TF-IDF rows for `texts` over our tokens, and the fitted vectoriser."""
    vectorizer = TfidfVectorizer(
        tokenizer=tokens, lowercase=False, token_pattern=None, min_df=min_df, sublinear_tf=sublinear
    )
    if not any(t.strip() for t in texts):
        return csr_matrix((len(texts), 0)), vectorizer
    try:
        return vectorizer.fit_transform(texts).tocsr(), vectorizer
    except ValueError:  # every text was stop words only
        return csr_matrix((len(texts), 0)), vectorizer


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)
