"""What each outlet actually wrote behind a summary sentence's citation.

A summary sentence is copied from one article and cites every outlet whose article says the
same thing (`SummarySentence.article_ids`); the store keeps which sentence it was copied from,
not which sentence of each other article supports it. The reader who opens a citation chip
wants to read that outlet's own words, so they are found again here the way the summariser
found them: TF-IDF cosine over the story's sentences (`newsweave.tfidf.tfidf`): the best
match, plus another sentence of the article if it clears the same support threshold.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from newsweave.analysis.summarize import SummarySettings
from newsweave.model import Article, Story, citations, paragraphs
from newsweave.tfidf import tfidf

MAX_PASSAGES = 2
"""Supporting sentences shown per cited article."""


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence of one cited article that supports a summary sentence."""

    article_id: str
    article_title: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Support:
    """One citation chip: an outlet and its supporting sentences (none if not found)."""

    outlet: str
    article_ids: list[str]
    passages: list[Passage] = field(default_factory=list)


def _sentences(article: Article) -> list[str]:
    """The article's sentences; paragraphs for an article not split yet (a stale story)."""
    if article.sentences:
        return [" ".join(s.text.split()) for s in article.sentences]
    return paragraphs(article.text)


class _Cache:
    """The last `size` stories' supports, by story content: finding them costs a TF-IDF fit
    over the story's sentences (tens of milliseconds for a large story), and the stories
    people open are mostly the same few recent ones. A story whose members or summary
    changed has another key, so nothing stale is served."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[tuple, list[list[Support]]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(story: Story, threshold: float) -> tuple:
        summary = tuple((s.text, s.article_id, tuple(s.article_ids)) for s in story.summary)
        return story.id, threshold, tuple(a.id for a in story.articles), summary

    def get(self, key: tuple) -> list[list[Support]] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, value: list[list[Support]]) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_cache = _Cache()


def supports(story: Story, threshold: float | None = None) -> list[list[Support]]:
    """For each summary sentence, one `Support` per cited outlet, in citation order."""
    threshold = SummarySettings().support_threshold if threshold is None else threshold
    key = _Cache.key(story, threshold)
    found = _cache.get(key)
    if found is None:
        found = _supports(story, threshold)
        _cache.put(key, found)
    return found


def _supports(story: Story, threshold: float) -> list[list[Support]]:
    texts: list[str] = []
    owner: list[str] = []
    for article in story.articles:
        for text in _sentences(article):
            texts.append(text)
            owner.append(article.id)
    similarity = np.zeros((len(story.summary), len(texts)))
    if story.summary and texts:
        matrix, _ = tfidf(texts + [s.text for s in story.summary])
        if matrix.shape[1]:
            similarity = (matrix[len(texts) :] @ matrix[: len(texts)].T).toarray()
    owners = np.array(owner)
    out = []
    for row, sentence in enumerate(story.summary):
        chips = []
        for cite in citations(story, sentence):
            passages = []
            for article in cite.articles:
                if article.id == sentence.article_id:  # the sentence itself, copied from here
                    passages.append(Passage(article.id, article.title, sentence.text))
                    continue
                scores = np.where(owners == article.id, similarity[row], -1.0)
                ranked = np.argsort(-scores, kind="stable")[:MAX_PASSAGES]
                # the closest sentence always (the summariser's own IDF differed a little),
                # a second one only if it supports the sentence as well
                best = [i for n, i in enumerate(ranked) if scores[i] > (0 if n == 0 else threshold)]
                passages += [Passage(article.id, article.title, texts[i]) for i in best]
            chips.append(Support(cite.label, [a.id for a in cite.articles], passages))
        out.append(chips)
    return out
