"""Grounded extractive story summaries: every sentence is taken from an article and cites
every outlet whose article states the same thing.

Scoring favours what the story is centrally about and what several outlets report:

- centrality: cosine similarity of the sentence to the story's centroid (TF-IDF over the
  story's sentences);
- corroboration: how many other sources carry a sentence saying the same thing (their best
  matching sentence clears `support_threshold`); a wire copy reprinted by several sites counts
  once, as sources are counted by outlet label;
- position: news puts the event first, so early sentences get a bonus that decays with depth.

Selection is greedy under a word budget with a redundancy cut (maximal marginal relevance);
the chosen sentences are ordered by their position in their articles, earliest articles first,
so the summary reads lead-first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from newsweave.model import Article, Story, SummarySentence
from newsweave.text import tfidf


@dataclass(frozen=True, slots=True)
class SummarySettings:
    words: int = 120
    min_words: int = 6
    max_words: int = 70
    support_threshold: float = 0.35
    redundancy_threshold: float = 0.45
    corroboration_weight: float = 1.0
    position_weight: float = 0.25
    redundancy_penalty: float = 0.5
    overflow: bool = False  # let the last sentence run past the budget (for evaluations that cut)


@dataclass(slots=True)
class _Candidate:
    article: Article
    index: int  # sentence index within its article
    text: str
    words: int
    position: float  # 0 for the lead sentence, towards 1 at the end


def _candidates(articles: list[Article], settings: SummarySettings) -> list[_Candidate]:
    out = []
    for article in articles:
        total = max(len(article.sentences), 1)
        for sentence in article.sentences:
            text = " ".join(sentence.text.split())
            n = len(text.split())
            if not (settings.min_words <= n <= settings.max_words):
                continue
            if not any(c.islower() for c in text) or text[-1] not in ".!?\"'”’)":
                continue  # headings, captions and cut-off fragments
            out.append(_Candidate(article, sentence.index, text, n, sentence.index / total))
    return out


def _source_key(article: Article) -> str:
    """What counts as one independent source: the outlet label (a wire copy keeps its credit)."""
    return article.outlet_label if article.outlet or article.credits else article.id


def summarize(story: Story, settings: SummarySettings | None = None) -> list[SummarySentence]:
    """A grounded extractive summary of `story` of about `settings.words` words."""
    settings = settings or SummarySettings()
    articles = sorted(story.articles, key=lambda a: (a.published is None, a.published or 0, a.id))
    candidates = _candidates(articles, settings)
    if not candidates:
        return []
    matrix, _ = tfidf([c.text for c in candidates])
    if matrix.shape[1] == 0:
        return []
    similarity = (matrix @ matrix.T).toarray()
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    centrality = matrix @ (centroid / norm) if norm else np.zeros(len(candidates))

    article_of = np.array([articles.index(c.article) for c in candidates])
    supporters = _supporters(
        candidates, similarity, article_of, articles, settings.support_threshold
    )
    sources = {_source_key(a) for a in articles}
    scores = []
    for k, cand in enumerate(candidates):
        own = _source_key(cand.article)
        corroboration = len({_source_key(articles[i]) for i in supporters[k]} - {own})
        share = corroboration / max(len(sources) - 1, 1)
        score = centrality[k] * (1 + settings.corroboration_weight * share)
        score += settings.position_weight * (1 - cand.position) * centrality[k]
        scores.append(score)

    chosen = _select(candidates, np.array(scores), similarity, settings)
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
