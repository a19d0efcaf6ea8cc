"""Timeline summarisation: the dates that matter in a collection, and what happened on each.

Method (after DATEWISE, Gholipour Ghalandari & Ifrim 2020): a date matters when many articles
*refer* to it. Every sentence's day-granular time expressions are normalised against its
article's publication date (`nlp/dates.py`: "on Tuesday", "yesterday", "April 25"); each
date gets counts of the articles and sentences mentioning it and of the articles published on
it or the day after (the day's first reports rarely name their own day), and a ranker
(`timeline_dates.py`: a logistic regression learned from gold timelines of other topics) puts
them in order. Dates are taken best first; per date the candidate sentences are those that
mention it and the leads of the articles published on it or the next day, and the summary is
the `k` candidates whose sum is closest to the date's TF-IDF centroid (greedily), among
sentences that carry the collection's own keywords (the top terms of its centroid), which
keeps asides out.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy.sparse import csr_matrix

from newsweave.evaluate.timeline_dates import DEFAULT_RANKER, DateRanker, date_features
from newsweave.model import Article
from newsweave.nlp.dates import find_time_expressions
from newsweave.tfidf import tfidf


@dataclass(frozen=True, slots=True)
class TlsSettings:
    lead_sentences: int = 5
    """Sentences of an article's lead that stand for its publication day."""
    keywords: int = 20
    """Top terms of the collection centroid; a summary sentence must hold one."""
    min_words: int = 5
    """Words a summary sentence needs besides dates and clock times (`reportable`)."""
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


_CALENDAR_WORD = re.compile(
    r"(?i)^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*day$|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|"
    r"oct|nov|dec)[a-z]*\.?$|^(?:[ap]\.?m\.?|et|gmt|utc|bst|est|edt)$"
)
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\b|GMT|ET\b)", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*\.?")


def reportable(text: str, settings: TlsSettings | None = None) -> bool:
    """Whether a sentence can report an event: `min_words` words that are not dates or clock
    times, no more than `max_words` words, and no time stamp ("Thursday in Cairo, 8:15 p.m.",
    "January 31, 2011 at 3:30 pm" are a live page's and a comment's stamps, not news)."""
    settings = settings or TlsSettings()
    if len(text.split()) > settings.max_words or _CLOCK.search(text):
        return False
    words = [w for w in _WORD.findall(text) if not _CALENDAR_WORD.match(w)]
    return len(words) >= settings.min_words


@dataclass(slots=True)
class SentenceSpace:
    """The summary-worthy sentences of a collection as TF-IDF rows, which of them carry the
    collection's keywords, and the candidates of each date (indices into `sentences`)."""

    sentences: list[DatedSentence]
    row_of: dict[int, int]
    matrix: csr_matrix
    on_topic: np.ndarray
    by_date: dict[date, list[int]]


def sentence_space(
    articles: Sequence[Article],
    sentences: Sequence[DatedSentence],
    settings: TlsSettings | None = None,
) -> SentenceSpace | None:
    """None when no sentence is long enough to summarise with."""
    settings = settings or TlsSettings()
    usable = [i for i, s in enumerate(sentences) if reportable(s.text, settings)]
    if not usable:
        return None
    matrix, _ = tfidf([sentences[i].text for i in usable])
    if matrix.shape[1] == 0:
        return None
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
    row_of = {i: r for r, i in enumerate(usable)}
    return SentenceSpace(list(sentences), row_of, matrix, on_topic, dict(by_date))


def closest_to_centroid(space: SentenceSpace, candidates: list[int], k: int) -> list[int]:
    """Up to `k` of the `candidates` (sentence numbers in `space`) whose sum is closest to
    their own centroid (`greedy_centroid`); none when they share no term."""
    if not candidates:
        return []
    rows = space.matrix[[space.row_of[i] for i in candidates]]
    centroid = np.asarray(rows.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    if not norm:
        return []
    return [candidates[j] for j in greedy_centroid(rows, centroid / norm, k)]


def greedy_centroid(rows: csr_matrix, centroid: np.ndarray, k: int) -> list[int]:
    """Up to `k` rows (L2-normalised) whose sum is closest in cosine to the unit `centroid`,
    picked one at a time (news-tls's CentroidOpt), computed for all candidates at once."""
    to_centroid = np.asarray(rows @ centroid).ravel()
    own = np.asarray(rows.multiply(rows).sum(axis=1)).ravel()
    to_total = np.zeros(rows.shape[0])
    total_centroid, total_norm = 0.0, 0.0
    chosen: list[int] = []
    for _ in range(min(k, rows.shape[0])):
        norms = np.sqrt(np.maximum(total_norm + 2 * to_total + own, 1e-12))
        scores = (total_centroid + to_centroid) / norms
        scores[chosen] = -np.inf
        best = int(np.argmax(scores))
        if scores[best] <= 0:
            break
        chosen.append(best)
        total_centroid += to_centroid[best]
        total_norm += 2 * to_total[best] + own[best]
        to_total += np.asarray(rows @ rows[best].T.toarray()).ravel()
    return chosen


def summarise_dates(
    space: SentenceSpace | None,
    ranked: Sequence[date],
    dates: int,
    per_date: int,
) -> Timeline:
    """The first `dates` of `ranked` that have candidate sentences, `per_date` sentences
    each, no sentence twice in the timeline."""
    timeline: Timeline = {}
    if space is None:
        return timeline
    used: set[str] = set()
    for d in ranked:
        if len(timeline) >= dates:
            break
        candidates = [
            i for i in dict.fromkeys(space.by_date.get(d, []))
            if space.on_topic[space.row_of[i]] and space.sentences[i].text not in used
        ]  # fmt: skip
        picked = closest_to_centroid(space, candidates, per_date)
        if picked:
            timeline[d] = [space.sentences[i].text for i in picked]
            used.update(timeline[d])
    return dict(sorted(timeline.items()))


def summarise_timeline(
    articles: Sequence[Article],
    dates: int,
    per_date: int,
    *,
    start: date | None = None,
    end: date | None = None,
    settings: TlsSettings | None = None,
    ranker: DateRanker | None = None,
    sentences: Sequence[DatedSentence] | None = None,
) -> Timeline:
    """A timeline of up to `dates` dates within `start`..`end`, `per_date` sentences each.
    `sentences` (from `dated_sentences`) may be passed when already computed."""
    settings = settings or TlsSettings()
    if sentences is None:
        sentences = dated_sentences(articles, settings)
    ranked = (ranker or DEFAULT_RANKER).rank(date_features(articles, sentences, start, end))
    return summarise_dates(sentence_space(articles, sentences, settings), ranked, dates, per_date)


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
