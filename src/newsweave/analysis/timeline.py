"""When things happened: a story's event date, the past events its articles cite, and timelines.

An article's lead says when its event happened ("met Thursday" in a Friday article is the day
before), besides the earlier events it cites ("an inquiry into the May 3 crash"), which do not
date it (`newsweave.nlp.event_dates`); the event date of a story is the day its dated articles'
leads point to most often. Only articles with a publication date can resolve a relative day, so
nothing is guessed for undated ones. With no such evidence, the earliest publication date stands
in; a story with none at all is dated by other stories' mentions of its event, at their
granularity and marked inferred (`date_undated_stories`).

Articles also cite earlier events ("Assad visited Moscow in October 2015", "they last met in
December at a Russian air base"). Each such dated past reference is a *mention*: the sentence,
the period it names (with its granularity: "October 2015" is a month, not 1 October) and its
outlet. A timeline merges the mentions of one event: their periods must overlap (a day inside
a month) and their sentences must say similar things, so two meetings in one month stay two.
A mention that names a story of its own (the 2015 Moscow story, cited by the 2018 articles)
joins that story's event, which also places a story whose articles carry no date.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from newsweave.model import Article, Story, TimelineEvent
from newsweave.nlp.dates import MONTHS, context_direction, find_time_expressions, name_spans
from newsweave.nlp.event_dates import lead_event_date
from newsweave.nlp.language import analysed
from newsweave.tfidf import tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Granularities a timeline places events at; vaguer ones (decades, "recently") place nothing.
_MONTHS_IN = {"month": 1, "quarter": 3, "season": 3, "half": 6, "year": 12}
KEPT = frozenset({"day", "week", *_MONTHS_IN})
_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "season": 3, "half": 4, "year": 5}
"""Finer first: merging a day into a month keeps the day."""
_STRICTER = (1.0, 1.0, 1.2, 2.0, 2.5, 3.0)
"""How much more alike two mentions must be as their common period grows (by `_RANK`)."""
# Words that name the date rather than the event: they must not make two mentions similar.
_DATE_WORDS = frozenset(
    tokens(" ".join([*MONTHS, "year years month months week day days last previous earlier"]))
)
_NUMBER = re.compile(r"^\d")


@dataclass(frozen=True, slots=True)
class TimelineSettings:
    mention_similarity: float = 0.1
    """Two mentions of the same day are one event from this similarity on; vaguer common
    periods need more (a year twice as much)."""
    story_similarity: float = 0.4
    """A mention group names a story's event from this score on: the mean of the share of
    its words the story's articles hold and the share of the story's title it holds."""
    undated_story_similarity: float = 0.5
    """... and an undated story's (whose date it then gives), which nothing else confirms."""
    max_sentence_words: int = 80
    """Longer "sentences" are unsplit paragraphs or tables, not statements of one event."""


def infer_event_date(
    articles: Sequence[Article], docs: Mapping[str, Doc] | None = None
) -> date | None:
    """The day the articles' leads report most often (`nlp.event_dates.lead_event_date`: the
    lead's own event, not the background it cites), the earliest on a tie; else the earliest
    publication date. `docs`: spaCy parses by article id, where the caller has them, to tell
    a lead's main clause from its background by syntax as well as by wording."""
    votes: Counter[date] = Counter()
    for article in articles:
        if article.published is None or article.published_estimated:
            continue
        doc = docs.get(article.id) if docs else None
        names = name_spans(None, article.entities)
        day = lead_event_date(article.text, article.published, doc, names=names)
        if day is not None:
            votes[day] += 1
    if votes:
        best = max(votes.values())
        return min(d for d, n in votes.items() if n == best)
    return first_published(articles)


def first_published(articles: Sequence[Article]) -> date | None:
    """The earliest stated publication date: a story's date when its text gives none, or when
    no article is in a language whose dates are read."""
    dates = [a.published for a in articles if a.published and not a.published_estimated]
    return min(dates) if dates else None


# ---- periods ----


def period_end(start: date, granularity: str) -> date:
    """The day after the period that starts on `start` (exclusive end)."""
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "week":
        return start + timedelta(days=7)
    index = start.year * 12 + start.month - 1 + _MONTHS_IN[granularity]
    return date(index // 12, index % 12 + 1, 1)


Period = tuple[date, date]


def _overlap(a: Period | None, b: Period | None) -> Period | Literal[False] | None:
    """The common part of two periods (None: unknown, compatible with anything), or False."""
    if a is None or b is None:
        return a or b
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start < end else False


# ---- mentions: dated past references in articles ----


@dataclass(slots=True)
class Mention:
    """A sentence of an article that dates an earlier event."""

    period: Period
    granularity: str
    text: str
    article_id: str
    outlet: str
    context: str = ""
    """The sentence before, when this one says little by itself ("The previous occasion
    was in November last year.")."""


def _sentence_spans(article: Article) -> list[tuple[int, int]]:
    if article.sentences:
        return [(s.start, s.end) for s in article.sentences]
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", article.text)]


def past_mentions(
    article: Article, before: date | None, settings: TimelineSettings | None = None
) -> list[Mention]:
    """The article's references to events that ended before `before` (its story's event date).

    Relative expressions resolve against the article's publication date only; an undated
    article contributes absolute dates ("October 2015"), and then only where the words before
    them read as past ("visited ... in"), since nothing else says they are behind us. What
    looks ahead ("will meet in June") and the story's own event ("met Thursday") are left out.
    """
    settings = settings or TimelineSettings()
    base = None if article.published_estimated else article.published
    limit = before or base
    spans = _sentence_spans(article)
    found: list[Mention] = []
    seen: set[tuple[int, str]] = set()
    names = name_spans(None, article.entities)  # "the March 14 alliance" is no date
    for expr in find_time_expressions(article.text, base, names=names):
        if expr.date is None or expr.granularity not in KEPT:
            continue
        period = (expr.date, period_end(expr.date, expr.granularity))
        if limit is not None and period[1] > limit:
            continue
        where = next((k for k, (s, e) in enumerate(spans) if s <= expr.start < e), None)
        if where is None:
            continue
        start, end = spans[where]
        direction = context_direction(article.text[start : expr.start])
        if direction == "future" or (limit is None and direction != "past"):
            continue
        text = " ".join(article.text[start:end].split())
        if not (3 <= len(text.split()) <= settings.max_sentence_words):
            continue
        if (where, expr.value or "") in seen:
            continue
        seen.add((where, expr.value or ""))
        context = ""
        if where and len(_content(text)) < 6:
            context = article.text[spans[where - 1][0] : spans[where - 1][1]]
        found.append(
            Mention(period, expr.granularity, text, article.id, article.outlet_label, context)
        )
    return found


# ---- merging mentions and stories into events ----


def _content(text: str) -> Counter[str]:
    return Counter(t for t in tokens(text) if t not in _DATE_WORDS and not _NUMBER.match(t))


@dataclass(slots=True)
class _Node:
    """An event being assembled: its period, wordings, evidence and, if any, its story."""

    period: Period | None
    granularity: str | None
    texts: list[tuple[str, str]]
    """(sentence, granularity of the date it gives) of each mention."""
    outlets: list[str]
    article_ids: list[str]
    story_id: str | None = None
    title: str | None = None
    words: Counter[str] = field(default_factory=Counter)

    def absorb(self, other: _Node, period: Period | None) -> None:
        """Take in `other`'s evidence; `period` is the common part of both periods."""
        if period is not None and period != self.period:
            if period == other.period or self.granularity is None:
                self.granularity = other.granularity
            elif other.granularity is not None:  # partial overlap: the finer of the two
                self.granularity = min(self.granularity, other.granularity, key=_RANK.__getitem__)
        self.period = period
        self.texts += other.texts
        self.outlets = list(dict.fromkeys(self.outlets + other.outlets))
        self.article_ids = list(dict.fromkeys(self.article_ids + other.article_ids))
        if not self.story_id:
            self.words.update(other.words)


class _Weights:
    """IDF over the texts being merged: words every mention shares ("Assad", "Putin" on an
    Assad timeline) say little about which event a mention names."""

    def __init__(self, bags: Iterable[Counter[str]]) -> None:
        bags = list(bags)
        df: Counter[str] = Counter(w for bag in bags for w in bag)
        n = len(bags)
        self.idf = {w: math.log((1 + n) / (1 + k)) + 1 for w, k in df.items()}

    def cosine(self, a: Counter[str], b: Counter[str]) -> float:
        """Cosine of the IDF-weighted word sets."""
        shared = sum(self.idf[w] ** 2 for w in a.keys() & b.keys())
        return shared / (math.sqrt(self._mass(a) * self._mass(b)) or 1.0)

    def contained(self, part: Counter[str], whole: Counter[str]) -> float:
        """How much of `part`'s IDF mass `whole` has: a mention's words found in a story."""
        return sum(self.idf[w] ** 2 for w in part.keys() & whole.keys()) / (self._mass(part) or 1.0)

    def _mass(self, bag: Counter[str]) -> float:
        return sum(self.idf[w] ** 2 for w in bag)


def _story_node(story: Story) -> _Node:
    words = Counter(w for a in story.articles for w in _content(f"{a.title or ''}\n{a.text}"))
    # a date inferred from mentions is placed by them again, not taken as evidence
    own = story.event_date if not story.event_date_inferred else None
    period = (own, period_end(own, "day")) if own else None
    return _Node(
        period=period,
        granularity="day" if own else None,
        texts=[],
        outlets=list(story.outlets),
        article_ids=[a.id for a in story.articles],
        story_id=story.id,
        title=story.title or (story.summary[0].text if story.summary else None),
        words=words,
    )


def _mention_node(m: Mention) -> _Node:
    return _Node(
        m.period,
        m.granularity,
        [(m.text, m.granularity)],
        [m.outlet],
        [m.article_id],
        words=_content(f"{m.context} {m.text}"),
    )


def _event_node(event: TimelineEvent) -> _Node:
    start = event.date
    return _Node(
        (start, period_end(start, event.granularity)),
        event.granularity,
        [] if event.story_id else [(event.text, event.granularity)],
        list(event.outlets),
        list(event.article_ids),
        story_id=event.story_id,
        title=event.text if event.story_id else None,
        words=_content(event.text),
    )


def _group_mentions(
    nodes: list[_Node], weights: _Weights, settings: TimelineSettings
) -> list[_Node]:
    """Mentions of one event as one node: greedy single link, most similar pair first,
    between mentions whose periods overlap; the vaguer the common period, the more alike the
    wording must be (a year holds many events, a day few)."""
    pairs = []
    for i in range(len(nodes)):
        for j in range(i + 1, len(nodes)):
            common = _overlap(nodes[i].period, nodes[j].period)
            if not common:
                continue
            score = weights.cosine(nodes[i].words, nodes[j].words)
            rank = min(_RANK[nodes[i].granularity or "year"], _RANK[nodes[j].granularity or "year"])
            if score >= settings.mention_similarity * _STRICTER[rank]:
                pairs.append((-score, i, j))
    parent = list(range(len(nodes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in sorted(pairs):
        ri, rj = root(i), root(j)
        common = _overlap(nodes[ri].period, nodes[rj].period) if ri != rj else False
        if common is False:
            continue
        nodes[ri].absorb(nodes[rj], common)
        parent[rj] = ri
    return [nodes[i] for i in range(len(nodes)) if parent[i] == i]


def _attach(
    stories: list[_Node], groups: list[_Node], weights: _Weights, settings: TimelineSettings
) -> list[_Node]:
    """Each mention group joins the story whose event it names, if any: periods overlap and
    the story's articles hold most of the group's words. An undated story takes the period
    of the best such group, and then only groups compatible with it."""
    scored = []
    for g, group in enumerate(groups):
        for s, story in enumerate(stories):
            if _overlap(group.period, story.period) is False:
                continue
            if set(group.article_ids) & set(story.article_ids):
                continue  # a story's own articles cite earlier events, not their own
            score = weights.contained(group.words, story.words)
            if story.title:  # and the group should say what the story's title says
                score = (score + weights.contained(_content(story.title), group.words)) / 2
            need = settings.story_similarity if story.period else settings.undated_story_similarity
            if score >= need:
                scored.append((-score, g, s))
    taken: set[int] = set()
    for _, g, s in sorted(scored):
        common = _overlap(groups[g].period, stories[s].period)
        if g in taken or common is False:
            continue
        stories[s].absorb(groups[g], common)
        taken.add(g)
    return stories + [group for g, group in enumerate(groups) if g not in taken]


def _merge_nodes(nodes: list[_Node], settings: TimelineSettings) -> list[_Node]:
    weights = _Weights(n.words for n in nodes)
    stories = [n for n in nodes if n.story_id]
    groups = _group_mentions([n for n in nodes if not n.story_id], weights, settings)
    return _attach(stories, groups, weights, settings)


def _to_event(node: _Node) -> TimelineEvent | None:
    if node.period is None or node.granularity is None:
        return None  # an undated story nothing placed
    if node.story_id and node.title:
        text = node.title
    else:  # the wording that shares most with the others, among those dating it this finely
        fine = [t for t, g in node.texts if g == node.granularity] or [t for t, _ in node.texts]
        bags = [_content(t) for t in fine]

        def centrality(k: int) -> tuple[float, int]:
            shared = sum(len(bags[k].keys() & b.keys()) for b in bags)
            return shared / math.sqrt(len(bags[k]) or 1), -len(fine[k])

        text = fine[max(range(len(fine)), key=centrality)] if fine else ""
    return TimelineEvent(
        date=node.period[0],
        granularity=node.granularity,
        text=text,
        outlets=node.outlets,
        article_ids=node.article_ids,
        story_id=node.story_id,
    )


def _sorted(events: Iterable[TimelineEvent | None]) -> list[TimelineEvent]:
    """Oldest first; on one start day the vaguer period first (a month before its first day)."""
    return sorted(
        (e for e in events if e is not None),
        key=lambda e: (e.date, -_RANK.get(e.granularity, 0), e.text),
    )


def build_timeline(
    stories: Sequence[Story], settings: TimelineSettings | None = None
) -> list[TimelineEvent]:
    """The dated events of a set of related stories (a storyline), oldest first.

    Each story is an event at its event date; the past references of its articles are merged
    into events and, where one names another story's event, into that story. A lone story
    with no past reference has no timeline: there is nothing to place it among.
    """
    settings = settings or TimelineSettings()
    mentions = [
        m
        for story in stories
        for article in analysed(story.articles)
        for m in past_mentions(article, story.event_date, settings)
    ]
    if not mentions and len(stories) < 2:
        return []
    nodes = [_story_node(s) for s in stories] + [_mention_node(m) for m in mentions]
    return _sorted(_to_event(n) for n in _merge_nodes(nodes, settings))


def date_undated_stories(stories: Iterable[Story], events: Iterable[TimelineEvent]) -> list[Story]:
    """Give each story whose articles date no event the date a timeline placed it at, with
    that date's granularity and marked inferred; returns the stories whose date changed.

    `events` is `build_timeline(stories)`: where mentions in other stories' articles name an
    undated story's event ("Assad visited Moscow in October 2015"), its event is at their
    period (2015-10, a month), and so is the story. A date found in the story's own articles
    is never replaced; an inferred one that no event supports any more is cleared.
    """
    placed = {e.story_id: e for e in events if e.story_id}
    changed = []
    for story in stories:
        if story.event_date is not None and not story.event_date_inferred:
            continue
        event = placed.get(story.id)
        dated = (event.date, event.granularity, True) if event else (None, "day", False)
        if (story.event_date, story.event_date_granularity, story.event_date_inferred) != dated:
            story.event_date, story.event_date_granularity, story.event_date_inferred = dated
            changed.append(story)
    return changed


def merge_timelines(
    events: Iterable[TimelineEvent], settings: TimelineSettings | None = None
) -> list[TimelineEvent]:
    """Events from several timelines as one: the same story's event once, the same cited
    event (overlapping period, similar wording) once with every outlet."""
    settings = settings or TimelineSettings()
    unique: dict[tuple, TimelineEvent] = {}
    for e in events:
        key = ("story", e.story_id) if e.story_id else (e.date, e.granularity, e.text)
        if key in unique:
            known = unique[key]
            known.outlets = list(dict.fromkeys(known.outlets + e.outlets))
            known.article_ids = list(dict.fromkeys(known.article_ids + e.article_ids))
        else:
            unique[key] = TimelineEvent(
                e.date, e.granularity, e.text, list(e.outlets), list(e.article_ids), e.story_id
            )
    nodes = [_event_node(e) for e in unique.values()]
    return _sorted(_to_event(n) for n in _merge_nodes(nodes, settings))


# ---- selection ----


def names_entity(story: Story, query: str) -> bool:
    """Whether the story names the entity `query` (canonical name or alias, any case)."""
    wanted = " ".join(query.split()).casefold()
    return any(wanted == name.casefold() for e in story.entities for name in [e.name, *e.aliases])


def entity_timeline(stories: Iterable[Story], query: str) -> list[TimelineEvent]:
    """The events, across the timelines of the stories naming `query`, that those stories'
    own articles attest (or that are those stories)."""
    naming = [s for s in stories if names_entity(s, query)]
    ids = {s.id for s in naming}
    evidence = {a.id for s in naming for a in s.articles}
    events = [
        e
        for s in naming
        for e in (s.timeline or build_timeline([s]))
        if (e.story_id in ids) or (evidence & set(e.article_ids))
    ]
    return merge_timelines(events)


def within(
    events: Iterable[TimelineEvent], since: date | None = None, until: date | None = None
) -> list[TimelineEvent]:
    """Events whose period overlaps `since`..`until` (both inclusive, either open)."""
    return [
        e
        for e in events
        if (since is None or period_end(e.date, e.granularity) > since)
        and (until is None or e.date <= until)
    ]
