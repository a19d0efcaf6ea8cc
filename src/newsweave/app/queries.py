"""What the front ends ask of a stored corpus, answered once for all of them.

The command line, the web pages and the JSON API call these functions, so a story with its
evidence, an entity's timeline or a search reads the same whichever front end shows it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from newsweave.analysis.storyline import own_event, storyline_entities, storyline_timeline
from newsweave.analysis.summarize import SummarySettings, summarize
from newsweave.analysis.timeline import (
    build_timeline,
    entity_timeline,
    names_entity,
    top_events,
    within,
)
from newsweave.app.entity_chips import readable_cards
from newsweave.app.evidence import Support, supports
from newsweave.model import Article, Story, SummarySentence, TimelineEvent
from newsweave.store import Store
from newsweave.store.browse import ArticleCard, SearchFilter, StoryCard, StoryFilter

ENTITY_STORIES = 50
"""Most recent stories naming an entity whose timelines its timeline draws on: each is read
whole, and a name in thousands of stories would otherwise read them all."""
_STORY_ID = re.compile(r"[0-9a-f]{4,}")


@dataclass
class StoryEvidence:
    """A story, and for each summary sentence what every cited outlet wrote behind it."""

    story: Story
    supports: list[list[Support]]


def story_with_evidence(store: Store, story_id: str) -> StoryEvidence | None:
    """The story of this id (or unique id prefix) with its citations' supporting sentences."""
    story = store.story(story_id)
    if story is None:
        return None
    return StoryEvidence(story, supports(story))


def taken_as_read(story: Story, since: date) -> list[Article]:
    """The articles an update summary since `since` counts as already read: those published
    on or before that day, and those with no date, which nothing shows to be newer."""
    return [a for a in story.articles if not (a.published and a.published > since)]


def focused_summary(
    story: Story, *, words: int, focus: str | None = None, since: date | None = None
) -> list[SummarySentence]:
    """The story summarised again: aimed at `focus` (a question or aspect), and with `since`
    an update summary of what the articles published after that day add to those taken as
    read (`taken_as_read`)."""
    known = taken_as_read(story, since) if since else []
    return summarize(story, SummarySettings(words=words), focus=focus, known=known)


@dataclass
class Timeline:
    """Dated events, oldest first, and what the query matched: an entity's canonical name, or
    "story ID: TITLE" for a story's storyline. `total` counts the events before a limit kept
    the most salient (`analysis.timeline.top_events`)."""

    match: str
    events: list[TimelineEvent]
    total: int = 0

    def __post_init__(self) -> None:
        self.total = max(self.total, len(self.events))

    def top(self, limit: int | None) -> Timeline:
        """The `limit` most salient events only (every one with 0 or None), oldest first."""
        self.events, _ = top_events(self.events, limit)
        return self


def timeline(
    store: Store,
    query: str,
    *,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> Timeline | None:
    """A story's storyline timeline when `query` is a story id (or unique prefix), else the
    timeline of the entity `query` names (`entity_timeline_of`); None if nothing matches.
    Events overlapping `since`..`until` only (both inclusive, either open), and of those the
    `limit` most salient (every one without a limit); `total` counts them all."""
    story = store.story(query) if _STORY_ID.fullmatch(query) else None
    if story is not None:
        line = storyline_of(store, story.storyline) if story.storyline else None
        events = line.timeline if line else story.timeline or build_timeline([story])
        events = within(events, since, until)
        return Timeline(f"story {story.id}: {story.title or ''}", events).top(limit)
    found = entity_timeline_of(store, query)
    if found is None:
        return None
    return Timeline(found.match, within(found.events, since, until)).top(limit)


def entity_timeline_of(
    store: Store, query: str, *, max_stories: int = ENTITY_STORIES
) -> Timeline | None:
    """The events of the entity `query` (canonical name or alias, any case): those on the
    timelines of its `max_stories` most recent stories that the stories' own articles attest
    (`analysis.timeline.entity_timeline`), and the stories themselves at their event dates.

    Stories come from the store's entity index by canonical name; only when no story has
    that name are the stories' aliases looked through ("Assad" for "Bashar al-Assad"). A
    story whose timeline is not built yet (or is empty) counts with its own date alone:
    a view never rebuilds timelines.
    """
    cards = store.story_cards(StoryFilter(entity=query), limit=max_stories)
    if cards:
        stories = [s for s in (store.story(c.id) for c in cards) if s is not None]
    else:
        stories = [s for s in store.stories() if names_entity(s, query)][-max_stories:]
    if not stories:
        return None
    for story in stories:
        if not story.timeline and (event := own_event(story)):
            story.timeline = [event]
    wanted = query.casefold()
    names = Counter(
        e.name
        for s in stories
        for e in s.entities
        if wanted in {n.casefold() for n in [e.name, *e.aliases]}
    )
    name = names.most_common(1)[0][0] if names else query
    return Timeline(name, entity_timeline(stories, query))


SORTS = ("relevance", "date")
"""How search results can be ordered: best match first, or newest first."""


@dataclass
class SearchHit:
    """One search result as a reader sees it: a story with those of its articles that
    matched (`story_matched`: the story itself matched, not only its articles), or an
    article that is in no story (`story` None)."""

    story: StoryCard | None
    articles: list[ArticleCard]
    story_matched: bool = False

    @property
    def day(self) -> date | None:
        if self.story is not None:
            return self.story.event_date
        return self.articles[0].published if self.articles else None


@dataclass
class DatePeriod:
    """A year or a month of a search's date facet (`label`: "2018" or "2018-05"), its first
    and last day, and how many results fall in it (`BrowseStore.search_months`)."""

    label: str
    since: date
    until: date
    results: int


def date_facet(months: list[tuple[str, int]]) -> list[DatePeriod]:
    """Result counts by month ("YYYY-MM", newest first) as a facet: by year when they span
    several years, else by month."""
    years: Counter[str] = Counter()
    for month, n in months:
        years[month[:4]] += n
    if len(years) > 1:
        return [
            DatePeriod(y, date(int(y), 1, 1), date(int(y), 12, 31), n)
            for y, n in sorted(years.items(), reverse=True)
        ]
    periods = []
    for month, n in months:
        first = date.fromisoformat(month + "-01")
        after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        periods.append(DatePeriod(month, first, after - timedelta(days=1), n))
    return periods


@dataclass
class SearchResults:
    """Stories (title, summary, entity names, facts, quotes) and articles (title, body)
    holding every word of `query`, best first or newest first (`sort`), dated within
    `since`..`until`; each with a snippet as `(text, matched)` segments. `hits` are the
    same grouped as a reader sees them: each article under its story (`SearchHit`), and
    `dates` the years or months the results fall in (`date_facet`)."""

    query: str
    stories: list[StoryCard]
    articles: list[ArticleCard]
    hits: list[SearchHit] = field(default_factory=list)
    dates: list[DatePeriod] = field(default_factory=list)
    """The years (or months) of the results, whatever the date filter."""
    limit: int = 20
    """The most stories, and the most articles, a search returns: more may match."""
    sort: str = "relevance"
    since: date | None = None
    until: date | None = None


def search(
    store: Store,
    query: str,
    limit: int = 20,
    *,
    sort: str = "relevance",
    since: date | None = None,
    until: date | None = None,
) -> SearchResults:
    """The `limit` best (or newest, with `sort="date"`) stories and articles for `query`,
    and the two grouped (`group_hits`)."""
    query = query.strip()
    sort = sort if sort in SORTS else "relevance"
    found = SearchResults(query, [], [], limit=limit, sort=sort, since=since, until=until)
    if not query:
        return found
    where = SearchFilter(since, until, newest_first=sort == "date")
    found.stories = readable_cards(store.search_stories(query, limit=limit, where=where))
    found.articles = store.search_articles(query, limit=limit, where=where)
    found.hits = group_hits(store, found.stories, found.articles, by_date=sort == "date")
    found.dates = date_facet(store.search_months(query))
    return found


def group_hits(
    store: Store, stories: list[StoryCard], articles: list[ArticleCard], *, by_date: bool
) -> list[SearchHit]:
    """Story and article hits as results: every article under its story (whose card is
    read when the story itself did not match), an article in no story alone. By relevance,
    the two ranked lists are taken in turn (a story, an article, ...), each result placed
    where its first hit comes; by date, newest result first, undated last."""
    hits: dict[str, SearchHit] = {c.id: SearchHit(c, [], True) for c in stories}
    missing = [a.story_id for a in articles if a.story_id and a.story_id not in hits]
    for card in readable_cards(store.story_cards_of(missing)):
        hits[card.id] = SearchHit(card, [])
    order: list[SearchHit] = []
    for n in range(max(len(stories), len(articles))):
        if n < len(stories):
            order.append(hits[stories[n].id])
        if n < len(articles):
            article = articles[n]
            hit = hits.get(article.story_id or "")
            if hit is None:
                hit = SearchHit(None, [])
                if article.story_id:  # its story was removed since: its articles stand together
                    hits[article.story_id] = hit
            hit.articles.append(article)
            order.append(hit)
    unique = list({id(h): h for h in order}.values())
    if by_date:
        unique.sort(key=lambda h: (h.day is None, -(h.day.toordinal() if h.day else 0)))
    return unique


STORYLINE_STORIES = 200
"""Stories of one storyline a storyline view reads whole (the most recent)."""


@dataclass
class StorylineView:
    """A storyline as a reader follows it: its stories oldest first, the entities they share
    and the dated events of all of them as one timeline."""

    id: str
    stories: list[StoryCard]
    entities: list[str]
    timeline: list[TimelineEvent]
    total: int
    """Stories in the storyline (`stories` holds the `STORYLINE_STORIES` most recent)."""

    @property
    def title(self) -> str:
        names = ", ".join(self.entities[:3])
        return f"{names}: {self.total} stories" if names else f"{self.total} stories"

    @property
    def first(self) -> date | None:
        return min((c.event_date for c in self.stories if c.event_date), default=None)

    @property
    def last(self) -> date | None:
        return max((c.event_date for c in self.stories if c.event_date), default=None)


def storyline_of(store: Store, storyline_id: str) -> StorylineView | None:
    """The storyline of this id, or the one the story of this id (or prefix) belongs to;
    None when neither exists. A story that belongs to no storyline is not one."""
    where = StoryFilter(storyline=storyline_id)
    cards = store.story_cards(where, limit=STORYLINE_STORIES)
    if not cards:
        story = store.story(storyline_id)
        if story is None or story.storyline is None:
            return None
        where = StoryFilter(storyline=story.storyline)
        cards = store.story_cards(where, limit=STORYLINE_STORIES)
    if not cards:
        return None
    stories = [s for s in (store.story(c.id) for c in cards) if s is not None]
    return StorylineView(
        id=where.storyline or storyline_id,
        stories=sorted(readable_cards(cards), key=lambda c: (c.event_date or date.max, c.id)),
        entities=storyline_entities(stories),
        timeline=storyline_timeline(stories),
        total=store.story_count(where),
    )
