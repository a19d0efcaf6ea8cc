"""Proper names of an article, read off its capitalisation: who and where a report is about.

Clustering runs at ingest, before named-entity recognition (spaCy costs about a tenth of a
second an article, and only the stories that change are annotated), so it cannot read
`Article.entities`. What it needs of them is cheap to find in English text: a name is a
word written with a capital inside a sentence ("met Putin in Sochi"), where an ordinary
word is written in lower case. A word only ever seen capitalised at the start of a
sentence or a line, or in a headline, tells nothing and is left out; a word the text also
writes in lower case more often than capitalised ("the White House" against "a white
car") is an ordinary word. Names come back as clustering tokens (`newsweave.tfidf`), so
that they are terms of the article's bag and weigh by the same rarity.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache

from newsweave.tfidf import tokens

# a word that starts with a capital (one of a cased script: the others write no names so)
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я][\w'’-]*")
# after these (and at the start of a line) a capital is the sentence's or the line's, not a
# name's; a name in quotes or brackets is still found where the text names it again
_OPENERS = frozenset(".!?:;\"“”‘'«»()[]{}|•*–—-#>/\n")
# calendar words are written with a capital and say nothing about which event a report is
# about: every report of a week names its days
_CALENDAR = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
# an all-capitals word longer than this is a shouted heading or a dateline, not an acronym
_ACRONYM = 5


def name_terms(text: str, counts: Mapping[str, int] | None = None) -> list[str]:
    """The clustering tokens of the proper names in `text`, in order of first sight.
    `counts` are the text's token counts (`Counter(tokens(text))`), where the caller has them:
    only capitalised words are read here, and a token's count less its capitalised uses is
    how often the text writes it in lower case."""
    if counts is None:
        counts = Counter(tokens(text))
    inside: Counter[str] = Counter()  # capitalised inside a sentence
    capitalised: Counter[str] = Counter()  # capitalised anywhere
    for match in _CAPITALISED.finditer(text):
        word = match.group()
        if not word[0].isupper():
            continue
        token = _word_token(word)
        if token is None or token in _CALENDAR:
            continue
        capitalised[token] += 1
        if not _opens(text, match.start()) and not (word.isupper() and len(word) > _ACRONYM):
            inside[token] += 1
    return [t for t, n in inside.items() if n > counts.get(t, 0) - capitalised[t]]


@lru_cache(maxsize=200_000)
def _word_token(word: str) -> str | None:
    """The clustering token of one word, None for a stop word (memoised: words repeat)."""
    found = tokens(word)
    return found[0] if found else None


def _opens(text: str, start: int) -> bool:
    """Whether a word at `start` begins a sentence, a line or a quotation."""
    k = start - 1
    while k >= 0 and text[k] in " \t\xa0":
        k -= 1
    return k < 0 or text[k] in _OPENERS
