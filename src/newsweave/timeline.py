"""When things happened: a story's event date from what its articles say.

An article's lead says when its event happened ("met Thursday" in a Friday article is the day
before); the event date of a story is the day its dated articles' leads point to most often.
Only articles with a publication date can resolve a relative day, so nothing is guessed for
undated ones. With no such evidence, the earliest publication date stands in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from newsweave.model import Article
from newsweave.nlp.dates import event_date_candidates


def infer_event_date(articles: Sequence[Article]) -> date | None:
    votes: Counter[date] = Counter()
    for article in articles:
        if article.published is None or article.published_estimated:
            continue
        candidates = [
            c.date
            for c in event_date_candidates(article.text, article.published)
            if c.date and c.date <= article.published
        ]
        if candidates:
            votes[candidates[0]] += 1
    if votes:
        best = max(votes.values())
        return min(d for d, n in votes.items() if n == best)
    dates = [a.published for a in articles if a.published and not a.published_estimated]
    return min(dates) if dates else None
