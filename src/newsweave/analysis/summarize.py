"""Grounded extractive story summaries: every sentence is taken from an article and cites
every outlet whose article states the same thing.

Scoring favours what the story is centrally about and what several outlets report:

- centrality: cosine similarity of the sentence to the story's centroid (TF-IDF over the
  story's sentences);
- corroboration: how many other sources carry a sentence saying the same thing (their best
  matching sentence clears `support_threshold`); a wire copy reprinted by several sites counts
  once (`Article.independent_source`);
- position: news puts the event first, so early sentences get a bonus that decays with their
  depth in sentences (not relative to the article's length: a long article's lead is no longer);
- quotation: a sentence carrying a direct quotation of some length gets a bonus. Quotes are
  the one part of a report that a summary writer reproduces word for word rather than
  paraphrasing, and they carry what the story's actors themselves said (measured in
  docs/benchmarks.md: +0.8 ROUGE-2 on Multi-News, neutral on Timeline17's daily summaries,
  which never quote).

Selection is greedy under a word budget with a redundancy cut (maximal marginal relevance);
the chosen sentences are ordered by their position in their articles, earliest articles first,
so the summary reads lead-first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsweave.model import Article, Story, SummarySentence
from newsweave.nlp.language import is_analysed
from newsweave.nlp.quotes import quote_spans
from newsweave.tfidf import tfidf


@dataclass(frozen=True, slots=True)
class SummarySettings:
    words: int = 120
    min_words: int = 6
    max_words: int = 70
    support_threshold: float = 0.35
    redundancy_threshold: float = 0.45
    corroboration_weight: float = 1.0
    position_weight: float = 0.5
    position_decay: float = 10.0  # sentences; the lead bonus falls to a third by the tenth
    quotation_weight: float = 0.3
    quotation_min_words: int = 4  # shorter quoted spans are names, titles and scare quotes
    redundancy_penalty: float = 0.5
    focus_floor: float = 0.1  # weight left to sentences unrelated to the focus
    overflow: bool = False  # let the last sentence run past the budget (for evaluations that cut)


@dataclass(slots=True)
class _Candidate:
    article: Article
    index: int  # sentence index within its article
    text: str
    words: int
    position: float  # 0 for the lead sentence, towards 1 deep into the article
    quotes: bool  # carries a direct quotation of at least `quotation_min_words` words


def _candidates(articles: list[Article], settings: SummarySettings) -> list[_Candidate]:
    out = []
    for article in articles:
        for sentence in article.sentences:
            text = " ".join(sentence.text.split())
            n = len(text.split())
            if not (settings.min_words <= n <= settings.max_words):
                continue
            if not any(c.islower() for c in text) or text[-1] not in ".!?\"'”’)":
                continue  # headings, captions and cut-off fragments
            depth = 1 - math.exp(-sentence.index / settings.position_decay)
            quotes = bool(settings.quotation_weight) and any(
                len(text[span.start : span.end].split()) >= settings.quotation_min_words
                for span in quote_spans(text)
            )
            out.append(_Candidate(article, sentence.index, text, n, depth, quotes))
    return out


def summarize(
    story: Story,
    settings: SummarySettings | None = None,
    *,
    focus: str | None = None,
    known: Sequence[Article] = (),
) -> list[SummarySentence]:
    """A grounded extractive summary of `story` of about `settings.words` words.

    `focus` aims the summary at a question or aspect: sentences are weighted by their
    similarity to it. `known` makes it an update summary: those articles were read already, so
    only the others are summarised, and sentences that repeat what the known articles said
    are left out. Only the articles the English analysis reads are summarised
    (`newsweave.nlp.language.is_analysed`): another language's sentences would be scored as
    English words they are not.
    """
    settings = settings or SummarySettings()
    known_ids = {a.id for a in known}
    articles = sorted(
        (a for a in story.articles if a.id not in known_ids and is_analysed(a)),
        key=lambda a: (a.published is None, a.published or 0, a.id),
    )
    candidates = _candidates(articles, settings)
    if not candidates:
        return []
    known_texts = [" ".join(s.text.split()) for a in known for s in a.sentences]
    matrix, vectorizer = tfidf([c.text for c in candidates] + known_texts)
    if matrix.shape[1] == 0:
        return []
    matrix, known_matrix = matrix[: len(candidates)], matrix[len(candidates) :]
    similarity = (matrix @ matrix.T).toarray()
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    centrality = matrix @ (centroid / norm) if norm else np.zeros(len(candidates))

    article_of = np.array([articles.index(c.article) for c in candidates])
    supporters = _supporters(
        candidates, similarity, article_of, articles, settings.support_threshold
    )
    sources = {a.independent_source for a in articles}
    scores = np.zeros(len(candidates))
    for k, cand in enumerate(candidates):
        own = cand.article.independent_source
        corroboration = len({articles[i].independent_source for i in supporters[k]} - {own})
        share = corroboration / max(len(sources) - 1, 1)
        scores[k] = centrality[k] * (1 + settings.corroboration_weight * share)
        scores[k] += settings.position_weight * (1 - cand.position) * centrality[k]
        scores[k] += settings.quotation_weight * cand.quotes * centrality[k]
    if focus:
        relevance = (matrix @ vectorizer.transform([focus]).T).toarray().ravel()
        scores *= settings.focus_floor + relevance / (relevance.max() or 1.0)
    if known_matrix.shape[0]:
        repeated = (matrix @ known_matrix.T).toarray().max(axis=1)
        scores *= 1 - np.clip(repeated, 0, 1)
        scores[repeated >= settings.redundancy_threshold] = -np.inf  # already said: not news

    chosen = [
        k for k in _select(candidates, scores, similarity, settings) if np.isfinite(scores[k])
    ]
    chosen.sort(key=lambda k: (candidates[k].position, article_of[k]))
    summary = []
    for k in chosen:
        cited = [articles[i] for i in sorted(supporters[k] | {int(article_of[k])})]
        summary.append(
            SummarySentence(
                text=candidates[k].text,
                article_id=candidates[k].article.id,
                sentence_index=candidates[k].index,
                article_ids=[a.id for a in cited],
                outlets=list(dict.fromkeys(a.outlet_label for a in cited)),
            )
        )
    return summary


def _supporters(
    candidates: list[_Candidate],
    similarity: np.ndarray,
    article_of: np.ndarray,
    articles: list[Article],
    threshold: float,
) -> list[set[int]]:
    """For each candidate, the other articles whose best-matching sentence says the same thing."""
    supporters: list[set[int]] = []
    for k in range(len(candidates)):
        found = set()
        for i in range(len(articles)):
            if i == article_of[k]:
                continue
            mask = article_of == i
            if mask.any() and similarity[k, mask].max() >= threshold:
                found.add(i)
        supporters.append(found)
    return supporters


def _select(
    candidates: list[_Candidate],
    scores: np.ndarray,
    similarity: np.ndarray,
    settings: SummarySettings,
) -> list[int]:
    chosen: list[int] = []
    budget = settings.words
    remaining = set(range(len(candidates)))
    while remaining and budget > 0:
        best, best_value = None, -np.inf
        for k in remaining:
            overlap = max((similarity[k, j] for j in chosen), default=0.0)
            if overlap >= settings.redundancy_threshold:
                continue
            value = scores[k] - settings.redundancy_penalty * overlap
            if value > best_value:
                best, best_value = k, value
        if best is None:
            break
        remaining.discard(best)
        if candidates[best].words > budget and chosen and not settings.overflow:
            continue  # too long for what is left; a shorter one may still fit
        chosen.append(best)
        budget -= candidates[best].words
    return chosen
