"""What each sentence says happens: the lemmas of its verbs, read from the full parse.

Two sentences of one story that share their names and topic words but not what happens
("rescuers *found* the boys alive" / "rescuers will *take* no risks in *freeing* the boys") report
two things. The verbs are taken from the parse the quotes are read from, so they cost nothing
more; auxiliaries and the verbs of attribution ("said", "told", "according") are left out, as
they say who speaks, not what happened.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from spacy.tokens import Doc

from newsweave.model import Sentence

SPEECH_LEMMAS = frozenset(
    [
        "say",
        "tell",
        "add",
        "accord",
        "state",
        "note",
        "write",
        "tweet",
        "insist",
        "explain",
        "declare",
        "claim",
        "quote",
        "cite",
        "report",
        "announce",
        "confirm",
        "ask",
        "reply",
        "respond",
        "continue",
    ]
)


def sentence_predicates(doc: Doc, sentences: Sequence[Sentence]) -> list[frozenset[str]]:
    """The verb lemmas of each sentence of `sentences` (offsets into `doc.text`), by index."""
    starts = [s.start for s in sentences]
    found: list[set[str]] = [set() for _ in sentences]
    for token in doc:
        if token.pos_ != "VERB":
            continue
        lemma = token.lemma_.lower()
        if lemma in SPEECH_LEMMAS or not lemma.isalpha():
            continue
        k = bisect_right(starts, token.idx) - 1
        if k >= 0 and token.idx < sentences[k].end:
            found[k].add(lemma)
    return [frozenset(f) for f in found]
