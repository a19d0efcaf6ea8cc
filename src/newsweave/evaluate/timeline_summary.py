"""Timeline summarisation: the dates that matter in a collection, and what happened on each.

Method (after DATEWISE, Gholipour Ghalandari & Ifrim 2020, without its supervised date
ranker): a date matters when many articles *refer* to it. Every sentence's day-granular
time expressions are normalised against its article's publication date (`nlp/dates.py`:
"on Tuesday", "yesterday", "April 25"), and each date is scored by how many distinct
articles mention it, plus a smaller share for the number of mentioning sentences and for
the articles published on it or the day after (the day's first reports rarely name their
own day). Dates are taken best first; per date the candidate sentences are those that
mention it and the leads of the articles published on it or the next day, and the summary
is the `k` candidates closest to the date's TF-IDF centroid (greedily, without repeats),
among sentences that carry the collection's own keywords (the top terms of its centroid),
which keeps asides out.

Nothing here is tuned to one topic: the weights are few and the same for every collection.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy.sparse import csr_matrix

from newsweave.model import Article
from newsweave.nlp.dates import find_time_expressions
from newsweave.tfidf import tfidf


@dataclass(frozen=True, slots=True)
class TlsSettings:
    sentence_weight: float = 0.2
    """Score per mentioning sentence, on top of 1 per mentioning article."""
    published_weight: float = 0.5
    """Score per article published on the date or the day after."""
    lead_sentences: int = 5
    """Sentences of an article's lead that stand for its publication day."""
    keywords: int = 20
    """Top terms of the collection centroid; a summary sentence must hold one."""
    min_words: int = 5
    max_words: int = 60


@dataclass(slots=True)
class DatedSentence:
    text: str
    article: int
    mentions: frozenset[date]
    lead: bool


Timeline = dict[date, list[str]]


def dated_sentences(
    articles: Sequence[Article], settings: TlsSettings | None = None
) -> list[DatedSentence]:
    """Every sentence of the articles with the days it mentions (resolved against its
    article's publication date); articles must have `sentences`."""
    settings = settings or TlsSettings()
    out = []
    for n, article in enumerate(articles):
        days: dict[int, set[date]] = defaultdict(set)
        starts = [s.start for s in article.sentences]
        for expr in find_time_expressions(article.text, article.published):
            if expr.granularity == "day" and expr.date is not None:
                k = int(np.searchsorted(starts, expr.start, side="right")) - 1
                if k >= 0:
                    days[k].add(expr.date)
        for k, sentence in enumerate(article.sentences):
            text = " ".join(sentence.text.split())
            out.append(DatedSentence(text, n, frozenset(days[k]), k < settings.lead_sentences))
    return out


def rank_dates(
    articles: Sequence[Article],
    sentences: Sequence[DatedSentence],
    start: date | None,
    end: date | None,
    settings: TlsSettings,
) -> list[date]:
    """Dates within `start`..`end`, most referred to first (ties: earlier first)."""
    mentioning: dict[date, set[int]] = defaultdict(set)
    sentence_count: Counter[date] = Counter()
    for s in sentences:
        for d in s.mentions:
            mentioning[d].add(s.article)
            sentence_count[d] += 1
    published: Counter[date] = Counter()
    for a in articles:
        if a.published:
            published[a.published] += 1
            published[a.published - timedelta(days=1)] += 1
    scores = {
        d: len(mentioning[d])
        + settings.sentence_weight * sentence_count[d]
        + settings.published_weight * published[d]
        for d in set(mentioning) | set(published)
        if (start is None or d >= start) and (end is None or d <= end)
    }
    return sorted(scores, key=lambda d: (-scores[d], d))


def _greedy_centroid(rows: csr_matrix, centroid: np.ndarray, k: int) -> list[int]:
    """Up to `k` rows whose sum is closest to the centroid, picked one at a time."""
    chosen: list[int] = []
    total = np.zeros(rows.shape[1])
    dense = rows.toarray()
    for _ in range(min(k, rows.shape[0])):
        best, best_score = -1, -1.0
        for i in range(rows.shape[0]):
            if i in chosen:
                continue
            candidate = total + dense[i]
            norm = np.linalg.norm(candidate)
            score = float(candidate @ centroid / norm) if norm else 0.0
            if score > best_score:
                best, best_score = i, score
        if best < 0 or best_score <= 0:
            break
        chosen.append(best)
        total += dense[best]
    return chosen


def summarise_timeline(
    articles: Sequence[Article],
    dates: int,
    per_date: int,
    *,
    start: date | None = None,
    end: date | None = None,
    settings: TlsSettings | None = None,
) -> Timeline:
    """A timeline of up to `dates` dates within `start`..`end`, `per_date` sentences each."""
    settings = settings or TlsSettings()
    sentences = dated_sentences(articles, settings)
    usable = [
        i
        for i, s in enumerate(sentences)
        if settings.min_words <= len(s.text.split()) <= settings.max_words
    ]
    if not usable:
        return {}
    matrix, _ = tfidf([sentences[i].text for i in usable])
    if matrix.shape[1] == 0:
        return {}
    row_of = {i: r for r, i in enumerate(usable)}
    topic = np.asarray(matrix.mean(axis=0)).ravel()
    keywords = np.argsort(-topic)[: settings.keywords]
    on_topic = np.asarray(matrix[:, keywords].sum(axis=1)).ravel() > 0

    by_date: dict[date, list[int]] = defaultdict(list)
    for i in usable:
        for d in sentences[i].mentions:
            by_date[d].append(i)
    for i in usable:
        s = sentences[i]
        published = articles[s.article].published
        if s.lead and published and not s.mentions:
            by_date[published].append(i)
            by_date[published - timedelta(days=1)].append(i)

    timeline: Timeline = {}
    used: set[str] = set()
    for d in rank_dates(articles, sentences, start, end, settings):
        if len(timeline) >= dates:
            break
        candidates = [
            i for i in dict.fromkeys(by_date.get(d, []))
            if on_topic[row_of[i]] and sentences[i].text not in used
        ]  # fmt: skip
        if not candidates:
            continue
        rows = matrix[[row_of[i] for i in candidates]]
        centroid = np.asarray(rows.mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        if not norm:
            continue
        picked = [candidates[j] for j in _greedy_centroid(rows, centroid / norm, per_date)]
        if picked:
            timeline[d] = [sentences[i].text for i in picked]
            used.update(timeline[d])
    return dict(sorted(timeline.items()))


def publication_baseline(
    articles: Sequence[Article],
    dates: int,
    per_date: int,
    *,
    start: date | None = None,
    end: date | None = None,
) -> Timeline:
    """The baseline: the days most articles were published on, each summarised by the
    sentences of that day's articles closest to their TF-IDF centroid."""
    by_day: dict[date, list[str]] = defaultdict(list)
    for article in articles:
        if (
            article.published
            and (start is None or article.published >= start)
            and (end is None or article.published <= end)
        ):
            by_day[article.published] += [" ".join(s.text.split()) for s in article.sentences]
    counts = Counter(
        a.published for a in articles if a.published is not None and a.published in by_day
    )
    timeline: Timeline = {}
    for day, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:dates]:
        texts = [t for t in by_day[day] if len(t.split()) >= 5]
        if not texts:
            continue
        matrix, _ = tfidf(texts)
        if matrix.shape[1] == 0:
            continue
        centroid = np.asarray(matrix.mean(axis=0)).ravel()
        scores = matrix @ (centroid / (np.linalg.norm(centroid) or 1.0))
        timeline[day] = [texts[i] for i in np.argsort(-scores, kind="stable")[:per_date]]
    return dict(sorted(timeline.items()))


_PTB = [
    (re.compile(r"-LRB-"), "("), (re.compile(r"-RRB-"), ")"), (re.compile(r"-LSB-"), "["),
    (re.compile(r"-RSB-"), "]"), (re.compile(r"``\s*|\s*''"), '"'),
    (re.compile(r" (?=[,.;:!?)\]%]|'s\b|n't\b|'re\b|'ve\b|'ll\b|'d\b|'m\b)"), ""),
    (re.compile(r"(?<=[(\[$]) "), ""),
]  # fmt: skip


def detokenise(text: str) -> str:
    """Penn-Treebank-tokenised text (as in Timeline17) back to plain text."""
    for pattern, replacement in _PTB:
        text = pattern.sub(replacement, text)
    return text
