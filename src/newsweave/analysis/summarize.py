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

The news comes first. Centrality and corroboration reward what every outlet prints in the
same words, which is above all quotes copied from one transcript, while the news itself is
what each outlet words its own way (three translations of one announcement share few words).
An article's first sentence is where its outlet states the news, so the leads that another
independent source corroborates are chosen first, up to `lead_share` of the budget; the rest
of the budget is filled by score. A lead nobody else reports may be one outlet's angle, or a
byline and highlights block that reads as a sentence, and waits its turn.

Selection is greedy under a word budget with a redundancy cut (maximal marginal relevance);
the chosen sentences are ordered by their position in their articles, earliest articles first,
so the summary reads lead-first. Update summaries (`known`) are in `_already_known`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.sparse import csr_matrix

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
    lead_share: float = 0.5  # of the budget, first given to corroborated leads
    known_reworded: float = 0.3  # the same statement in other words (as the story's facts align)
    known_repeated: float = 0.6  # the same statement near word for word
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
    similarity to it, and the corroborated leads get no budget of their own (the answer comes
    first). `known` makes it an update summary: those articles were read already, so only the
    others are summarised, and what the known articles already said is left out
    (`_already_known`). Only the articles the English analysis reads are summarised
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
    corroborated = np.zeros(len(candidates), dtype=bool)
    for k, cand in enumerate(candidates):
        own = cand.article.independent_source
        corroboration = len({articles[i].independent_source for i in supporters[k]} - {own})
        corroborated[k] = corroboration > 0
        share = corroboration / max(len(sources) - 1, 1)
        scores[k] = centrality[k] * (1 + settings.corroboration_weight * share)
        scores[k] += settings.position_weight * (1 - cand.position) * centrality[k]
        scores[k] += settings.quotation_weight * cand.quotes * centrality[k]
    if focus:
        relevance = (matrix @ vectorizer.transform([focus]).T).toarray().ravel()
        scores *= settings.focus_floor + relevance / (relevance.max() or 1.0)
    if known_matrix.shape[0]:
        scores[_already_known(matrix, known_matrix, known, articles, settings)] = -np.inf

    chosen: list[int] = []
    if not focus and settings.lead_share > 0:
        leads = np.array([c.index == 0 for c in candidates]) & corroborated
        lead_scores = np.where(leads, scores, -np.inf)
        until = settings.lead_share * settings.words
        chosen = _select(candidates, lead_scores, similarity, settings, until=until)
    chosen = _select(candidates, scores, similarity, settings, chosen=chosen)
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


def _already_known(
    matrix: csr_matrix,
    known_matrix: csr_matrix,
    known: Sequence[Article],
    articles: list[Article],
    settings: SummarySettings,
) -> np.ndarray:
    """Which candidates (rows of `matrix`) a known article already states.

    How alike two sentences must be depends on when the known article was published. One
    that cannot be placed before the new articles (undated, or from the day of the earliest
    of them) may be the same day's report of the same event, so a sentence saying the same
    thing in other words is known (`known_reworded`, the similarity at which the story's facts
    align). An earlier day's report describes an earlier state of a developing story, and the
    next day's news reuses its words for what changed (a new total, the vote that was
    announced), so against it only a near word-for-word repeat is known (`known_repeated`):
    on Timeline17's update summaries, reworded statements cut against the previous day's
    articles cost ROUGE-2 (docs/benchmarks.md).
    """
    similarity = (matrix @ known_matrix.T).toarray()
    known_mask = similarity.max(axis=1) >= settings.known_repeated
    first_new = min((a.published for a in articles if a.published), default=None)
    columns = [
        column
        for column, article in enumerate(a for a in known for _ in a.sentences)
        if not _placed_before(article, first_new)
    ]
    if columns:
        known_mask |= similarity[:, columns].max(axis=1) >= settings.known_reworded
    return known_mask


def _placed_before(article: Article, first_new: date | None) -> bool:
    """Whether the dates show `article` was published on an earlier day than the new ones."""
    return article.published is not None and first_new is not None and article.published < first_new


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
    *,
    chosen: Sequence[int] = (),
    until: float | None = None,
) -> list[int]:
    """`chosen` and the best-scoring candidates after them, each not too like one chosen
    before, added while the summary is shorter than `until` words (the budget by default).
    A candidate too long for what is left of the budget is passed over for a shorter one,
    unless the summary is still empty or `settings.overflow` lets it run past."""
    picked = list(chosen)
    used = sum(candidates[k].words for k in picked)
    limit = settings.words if until is None else until
    available = np.isfinite(scores)
    available[picked] = False
    overlap = similarity[picked].max(axis=0) if picked else np.zeros(len(candidates))
    while used < limit:
        value = np.where(
            available & (overlap < settings.redundancy_threshold),
            scores - settings.redundancy_penalty * overlap,
            -np.inf,
        )
        best = int(np.argmax(value))
        if value[best] == -np.inf:
            break
        available[best] = False
        if candidates[best].words > settings.words - used and picked and not settings.overflow:
            continue  # too long for what is left; a shorter one may still fit
        picked.append(best)
        used += candidates[best].words
        overlap = np.maximum(overlap, similarity[best])
    return picked
