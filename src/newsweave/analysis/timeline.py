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

Not every dated sentence is an event. A reader's comment or the page around the article
(`chatter`) never is; a date a sentence measures by ("the worst since 1929") is not the date of
what it reports (`aside`), and nor is a date decades older than another date the same sentence
gives ("Jackson, famous since 1969, died in June 2009"). The words are data, in
`rules/timeline.toml`. One event's mentions are one row, its other wordings kept as variants;
the same sentence printed on different days ("yesterday" in a story updated overnight) is one
mention. A timeline can hold hundreds of events, so each has a salience (`rank`): independent
sources, articles, being a story of its own, sharing the stories' topic words, nearness to
the stories in time; a view shows the most salient (`top_events`).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from importlib import resources
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
DEFAULT_LIMIT = 20
"""How many events a timeline view shows unless asked for more: the most salient."""


@dataclass(frozen=True, slots=True)
class TimelineSettings:
    mention_similarity: float = 0.1
    """Two mentions of the same day are one event from this similarity on; vaguer periods
    need more (a year three times as much)."""
    mention_shared: int = 2
    """... and they must share this many content words: one shared word ("deaths") is a
    topic, not an event (a month holds many events, and so does a busy day)."""
    story_similarity: float = 0.4
    """A mention group names a story's event from this score on: the mean of the share of
    its words the story's articles hold and the share of the story's title it holds."""
    undated_story_similarity: float = 0.5
    """... and an undated story's (whose date it then gives), which nothing else confirms."""
    max_sentence_words: int = 80
    """Longer "sentences" are unsplit paragraphs or tables, not statements of one event."""
    chatter_page_share: float = 0.3
    """An article this much of whose sentences are chatter is a page of comments or readers'
    posts (a forum, "Have your say"): it gives no mention at all, since what the sentence
    rules miss there is chatter too ..."""
    chatter_page_sentences: int = 10
    """... once it has this many sentences (a short page's one credit line says little)."""
    aside_years: int = 10
    """A date this many years older than another date of the same sentence is an aside of
    it: the sentence reports the later event."""
    reprint_days: int = 31
    """The same sentence in articles this many days apart is one mention, its earliest date
    kept (a story updated overnight resolves "yesterday" to another day)."""
    key_lift: float = 3.0
    """A word marks a year's vague mentions as one event when used this many times as often
    among them as among all mentions (`_year_keys`)."""
    wording_similarity: float = 0.5
    """A mention group joins a story whose own mentions hold a sentence this alike (cosine of
    the IDF-weighted words) to one of its own (`_join_wordings`)."""
    max_variants: int = 5
    """Other wordings kept with an event, the closest to the others first."""
    topic_words: int = 30
    """How many of the stories' most widespread words make their topic (`topic_of`)."""
    half_life_years: float = 2.0
    """An event this long before the stories counts half as recent."""


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


# ---- what is not an event ----


def _rules() -> tuple[
    re.Pattern[str], re.Pattern[str], frozenset[str], re.Pattern[str], re.Pattern[str]
]:
    """`rules/timeline.toml`: comment talk, page chrome and readers' posts, first/second-person
    words, speech cues, aside cues."""
    text = resources.files("newsweave.rules").joinpath("timeline.toml").read_text("utf-8")
    rules = tomllib.loads(text)
    page = [p for name, family in rules["chatter"].items() if name != "comment" for p in family]
    aside = "|".join(rules["aside"]["before"])

    def whole(pattern: str) -> str:  # a word at either end is a whole word
        end = r"(?!\w)" if re.search(r"[\w)]$", pattern) else ""
        return rf"(?:(?<!\w){pattern}{end})"

    return (
        re.compile("|".join(map(whole, rules["chatter"]["comment"])), re.I),
        re.compile("|".join(map(whole, page)), re.I),
        frozenset(rules["person"]["words"]),
        re.compile(r"\b(?:" + "|".join(rules["person"]["reported"]) + r")\b", re.I),
        re.compile(rf"\b(?:{aside})\s+(?:(?:the|a|an)\s+)?(?:year\s+)?$", re.I),
    )


_COMMENT, _PAGE, _PERSON, _REPORTED, _ASIDE = _rules()
_QUOTE_MARKS = re.compile('["“”„«»]')
_QUOTED = re.compile('"[^"]*"|“[^”]*”|«[^»]*»|„[^“”]*[“”]')
_PERSON_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def chatter(sentence: str) -> bool:
    """Whether a sentence is a reader's comment or the page around an article rather than
    reporting: comment talk and headers ("I think", "lol", "Jo wrote:", "5 hours ago"),
    readers' posts, credits, listings, copyright lines, links to other pages, bylines; or a
    sentence that says "I", "we" or "you" while quoting no one (a reader talking, or the
    page addressing its reader). What is inside quotation marks is someone reported."""
    if _PAGE.search(sentence):
        return True
    unquoted = _QUOTED.sub(" ", sentence)
    if _COMMENT.search(unquoted):
        return True
    if _QUOTE_MARKS.search(unquoted) or _REPORTED.search(unquoted):
        return False  # a quotation running over several sentences, or reported speech
    words = _PERSON_WORD.findall(unquoted.lower().replace("’", "'"))
    return any(w in _PERSON for w in words)


def aside(preceding: str) -> bool:
    """Whether the words just before a date make it a yardstick ("the worst since", "than
    in", "between"), not the date of what the sentence reports."""
    return bool(_ASIDE.search(preceding[-80:]))


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
    source: str = ""
    """The article's independent source (`Article.independent_source`): a wire copy's wire."""


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
    looks ahead ("will meet in June") and the story's own event ("met Thursday") are left out,
    and so are sentences that are not reporting (`chatter`), dates a sentence only compares
    with (`aside`) and dates `aside_years` older than another the same sentence gives.
    """
    settings = settings or TimelineSettings()
    base = None if article.published_estimated else article.published
    limit = before or base
    spans = _sentence_spans(article)
    if _chatter_page(article, spans, settings):
        return []
    found: list[Mention] = []
    seen: set[tuple[int, str]] = set()
    names = name_spans(None, article.entities)  # "the March 14 alliance" is no date
    sentence_of: list[int] = []
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
        if aside(article.text[start : expr.start]):
            continue
        text = " ".join(article.text[start:end].split())
        if not (3 <= len(text.split()) <= settings.max_sentence_words) or chatter(text):
            continue
        if (where, expr.value or "") in seen:
            continue
        seen.add((where, expr.value or ""))
        context = ""
        if where and len(_content(text)) < 6:
            context = article.text[spans[where - 1][0] : spans[where - 1][1]]
        found.append(
            Mention(
                period,
                expr.granularity,
                text,
                article.id,
                article.outlet_label,
                context,
                article.independent_source,
            )
        )
        sentence_of.append(where)
    return _without_far_asides(found, sentence_of, settings)


def _chatter_page(
    article: Article, spans: list[tuple[int, int]], settings: TimelineSettings
) -> bool:
    """Whether the article is a page of comments or readers' posts (`chatter_page_share`)."""
    if len(spans) < settings.chatter_page_sentences:
        return False
    talk = sum(chatter(article.text[start:end]) for start, end in spans)
    return talk >= settings.chatter_page_share * len(spans)


def _without_far_asides(
    found: list[Mention], sentence_of: list[int], settings: TimelineSettings
) -> list[Mention]:
    """Drop each mention whose date is `aside_years` older than another date of its sentence:
    "Jackson, who found fame in 1969, died in June 2009" reports the death."""
    latest: dict[int, date] = {}
    for mention, where in zip(found, sentence_of, strict=True):
        latest[where] = max(latest.get(where, mention.period[1]), mention.period[1])
    far = timedelta(days=round(365.25 * settings.aside_years))
    return [
        m for m, where in zip(found, sentence_of, strict=True) if m.period[1] + far > latest[where]
    ]


# ---- merging mentions and stories into events ----


def _content(text: str) -> Counter[str]:
    return Counter(t for t in tokens(text) if t not in _DATE_WORDS and not _NUMBER.match(t))


def content_words(text: str) -> list[str]:
    """The words of a text that say what happened: no stop words, dates or numbers."""
    return list(_content(text))


def _passage(text: str) -> str:
    """A sentence as its words alone, so that a reprint with other quotes or spacing is equal."""
    return " ".join(re.findall(r"\w+", text.casefold()))


@dataclass(slots=True)
class _Node:
    """An event being assembled: its period, wordings, evidence and, if any, its story."""

    period: Period | None
    granularity: str | None
    texts: list[tuple[str, str, str]]
    """(sentence, granularity of the date it gives, independent source) of each mention."""
    outlets: list[str]
    article_ids: list[str]
    story_id: str | None = None
    title: str | None = None
    words: Counter[str] = field(default_factory=Counter)
    sources: list[str] = field(default_factory=list)
    """Independent sources of the evidence that is no mention: a story's articles."""

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
        self.sources = list(dict.fromkeys(self.sources + other.sources))
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
        sources=list(dict.fromkeys(a.independent_source for a in story.articles)),
    )


def _mention_node(m: Mention) -> _Node:
    return _Node(
        m.period,
        m.granularity,
        [(m.text, m.granularity, m.source or m.outlet)],
        [m.outlet],
        [m.article_id],
        words=_content(f"{m.context} {m.text}"),
    )


def _event_node(event: TimelineEvent) -> _Node:
    """An event of a built timeline as a node to merge again: its variants are wordings of
    it, and its sources stay counted as they were (which mention carried which is not kept)."""
    start = event.date
    wordings = event.variants if event.story_id else [event.text, *event.variants]
    return _Node(
        (start, period_end(start, event.granularity)),
        event.granularity,
        [(t, event.granularity, "") for t in wordings],
        list(event.outlets),
        list(event.article_ids),
        story_id=event.story_id,
        title=event.text if event.story_id else None,
        words=_content(" ".join([event.text, *event.variants])),
        sources=list(event.source_names or event.outlets),
    )


def _reprints(nodes: list[_Node], settings: TimelineSettings) -> list[_Node]:
    """One node per sentence printed again within `reprint_days`: an article updated or
    copied on a later day resolves its relative dates to other days, but reports one event,
    at the date the earliest copy gives."""
    out: list[_Node] = []
    latest: dict[str, _Node] = {}
    window = timedelta(days=settings.reprint_days)
    order = sorted(nodes, key=lambda n: n.period[0] if n.period else date.min)
    for node in order:
        key = _passage(node.texts[0][0]) if node.texts and node.period else ""
        known = latest.get(key) if key else None
        if known and known.period and node.period and node.period[0] - known.period[0] <= window:
            known.texts += node.texts
            known.outlets = list(dict.fromkeys(known.outlets + node.outlets))
            known.article_ids = list(dict.fromkeys(known.article_ids + node.article_ids))
            continue
        if key:
            latest[key] = node
        out.append(node)
    return out


def _rank(node: _Node) -> int:
    return _RANK[node.granularity or "year"]


def _year_keys(nodes: list[_Node], settings: TimelineSettings) -> dict[int, set[str]]:
    """The words that mark each year's vague mentions (quarters to years) as one event: used
    there `key_lift` times as often as in all mentions, and by two of them at least. Twelve
    asides to "1918" name the 1918 pandemic in as many wordings ("pandemic", "killed",
    "million" recur there); in the months a storyline covers, nothing stands out so."""
    df: Counter[str] = Counter(w for n in nodes for w in n.words)
    by_year: dict[int, list[_Node]] = {}
    for node in nodes:
        if node.period and _rank(node) >= _RANK["quarter"]:
            by_year.setdefault(node.period[0].year, []).append(node)
    keys = {}
    for year, members in by_year.items():
        local: Counter[str] = Counter(w for n in members for w in n.words)
        keys[year] = {
            w
            for w, k in local.items()
            if k >= 2 and k / len(members) >= settings.key_lift * df[w] / len(nodes)
        }
    return keys


def _group_mentions(
    nodes: list[_Node], weights: _Weights, settings: TimelineSettings
) -> list[_Node]:
    """Mentions of one event as one node: greedy single link, most similar pair first,
    between mentions whose periods overlap and that share `mention_shared` content words;
    the vaguer the dates, the more alike the wording must be (a year holds many events, a
    day few): "died in June" and "died on 25 June" name one death if they say it alike."""
    nodes = _reprints(nodes, settings)
    keys = _year_keys(nodes, settings)
    pairs = []
    for i in range(len(nodes)):
        for j in range(i + 1, len(nodes)):
            common = _overlap(nodes[i].period, nodes[j].period)
            shared = nodes[i].words.keys() & nodes[j].words.keys()
            if not common or len(shared) < settings.mention_shared:
                continue
            score = weights.cosine(nodes[i].words, nodes[j].words)
            rank = max(_RANK[nodes[i].granularity or "year"], _RANK[nodes[j].granularity or "year"])
            need = settings.mention_similarity * _STRICTER[rank]
            if score >= need:
                pairs.append((-score, i, j))
            elif min(_rank(nodes[i]), _rank(nodes[j])) >= _RANK["quarter"]:
                year = keys.get(common[0].year, set())
                if len(shared & year) >= settings.mention_shared:
                    pairs.append((-need, i, j))
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
    return _join_wordings(_attach(stories, groups, weights, settings), weights, settings)


def _join_wordings(
    nodes: list[_Node], weights: _Weights, settings: TimelineSettings
) -> list[_Node]:
    """Each mention group left alone joins the story whose event it words nearly as one of
    the story's own mentions does (periods overlap, `wording_similarity` between the two
    sentences, `mention_shared` + 1 content words in common): "Michael Jackson died aged 50
    in June 2009" beside the death's story that "Jackson died at his home in June, aged 50"
    already joined. Timelines merged for an entity meet such pairs from different stories."""
    stories = [n for n in nodes if n.story_id and n.texts]
    if not stories:
        return nodes
    bags = {id(n): [_content(t) for t, _, _ in n.texts] for n in stories}
    kept = []
    for node in nodes:
        if node.story_id or not node.texts:
            kept.append(node)
            continue
        own = [_content(t) for t, _, _ in node.texts]
        best, best_score = None, settings.wording_similarity
        for story in stories:
            if not _overlap(node.period, story.period):
                continue
            for a in own:
                for b in bags[id(story)]:
                    if len(a.keys() & b.keys()) <= settings.mention_shared:
                        continue
                    score = weights.cosine(a, b)
                    if score >= best_score:
                        best, best_score = story, score
        if best is None:
            kept.append(node)
        else:
            best.absorb(node, _overlap(best.period, node.period) or best.period)
    return kept


def _to_event(node: _Node, settings: TimelineSettings) -> TimelineEvent | None:
    if node.period is None or node.granularity is None:
        return None  # an undated story nothing placed
    wordings: dict[str, tuple[str, str]] = {}  # one per passage: a reprint is no new wording
    for text, granularity, _ in node.texts:
        wordings.setdefault(_passage(text), (text, granularity))
    texts = list(wordings.values())
    bags = [_content(t) for t, _ in texts]

    def centrality(k: int) -> tuple[float, int]:
        """How alike the wording is to the others (a cosine of word sets, so that a long
        paragraph sharing a little with each is not the most typical), then the shortest."""
        shared = sum(
            len(bags[k].keys() & b.keys()) / math.sqrt((len(bags[k]) * len(b)) or 1)
            for j, b in enumerate(bags)
            if j != k
        )
        return shared, -len(texts[k][0])

    order = sorted(range(len(texts)), key=centrality, reverse=True)
    if node.story_id and node.title:
        text = node.title
    elif texts:  # the wording that shares most with the others, among those dating it this finely
        fine = [k for k in order if texts[k][1] == node.granularity] or order
        text = texts[fine[0]][0]
    else:
        text = ""
    variants = [texts[k][0] for k in order if texts[k][0] != text][: settings.max_variants]
    carriers: dict[str, str] = {}  # a passage printed by several outlets is its first one's
    for words, _, source in node.texts:
        if source:
            carriers.setdefault(_passage(words), source)
    sources = list(dict.fromkeys([*node.sources, *carriers.values()]))
    return TimelineEvent(
        date=node.period[0],
        granularity=node.granularity,
        text=text,
        outlets=node.outlets,
        article_ids=node.article_ids,
        story_id=node.story_id,
        sources=len(sources),
        source_names=sources,
        variants=variants,
    )


def _sorted(events: Iterable[TimelineEvent | None]) -> list[TimelineEvent]:
    """Oldest first; on one start day the vaguer period first (a month before its first day)."""
    return sorted(
        (e for e in events if e is not None),
        key=lambda e: (e.date, -_RANK.get(e.granularity, 0), e.text),
    )


# ---- salience ----


def topic_of(stories: Iterable[Story], settings: TimelineSettings | None = None) -> set[str]:
    """The words most of the stories' articles use (title and text): what a timeline of them
    is about. An aside ("the archduke was shot in 1914") shares none of them."""
    settings = settings or TimelineSettings()
    df: Counter[str] = Counter()
    for story in stories:
        for article in story.articles:
            df.update(set(_content(f"{article.title or ''}\n{article.text}")))
    return {w for w, _ in df.most_common(settings.topic_words)}


def _events_topic(events: Sequence[TimelineEvent], settings: TimelineSettings) -> set[str]:
    """A topic from the events' own wordings, when no stories are at hand."""
    df: Counter[str] = Counter()
    for event in events:
        df.update(set(_content(" ".join([event.text, *event.variants]))))
    return {w for w, _ in df.most_common(settings.topic_words)}


def rank(
    events: Sequence[TimelineEvent],
    topic: set[str] | None = None,
    settings: TimelineSettings | None = None,
) -> list[TimelineEvent]:
    """Set each event's salience (0..1) and return the events.

    Attention first: how many independent sources report the event (an outlet reprinting a
    wire adds nothing) and how many articles do (a story's own, or those citing a past
    event); then how central it is (three of the `topic` words in its wordings make it
    wholly central), how near to the stories in time (half as recent every
    `half_life_years` before the first story), and whether it is a story of its own.
    `topic` defaults to the events' own most shared words.
    """
    settings = settings or TimelineSettings()
    if topic is None:
        topic = _events_topic(events, settings)
    stories = [e.date for e in events if e.story_id]
    start = min(stories) if stories else max((e.date for e in events), default=None)
    for event in events:
        sources = event.sources or len(event.source_names) or len(event.outlets) or 1
        support = 1 - 0.6 ** (sources - 1)
        articles = 1 - 0.8 ** max(len(event.article_ids) - 1, 0)
        words = set(_content(" ".join([event.text, *event.variants])))
        central = min(1.0, len(words & topic) / 3)
        end = period_end(event.date, event.granularity)
        years = max(0.0, (start - end).days / 365.25) if start else 0.0
        recent = 0.5 ** (years / settings.half_life_years)
        story = 1.0 if event.story_id else 0.0
        event.salience = round(
            0.3 * support + 0.25 * articles + 0.2 * central + 0.15 * recent + 0.1 * story, 4
        )
    return list(events)


def _salient_first(event: TimelineEvent) -> tuple:
    return (-event.salience, -event.sources, -len(event.article_ids), event.story_id is None)


def top_events(
    events: Sequence[TimelineEvent], limit: int | None = DEFAULT_LIMIT
) -> tuple[list[TimelineEvent], int]:
    """The `limit` most salient events, oldest first, and how many were left out; every event
    with a `limit` of 0 or None. Ties go to more sources, then more articles, then stories."""
    if not limit or limit >= len(events):
        return _sorted(events), 0
    kept = sorted(events, key=_salient_first)[:limit]
    return _sorted(kept), len(events) - limit


# ---- building ----


def build_timeline(
    stories: Sequence[Story], settings: TimelineSettings | None = None
) -> list[TimelineEvent]:
    """The dated events of a set of related stories (a storyline), oldest first, ranked
    against the stories' topic (`rank`).

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
    events = _sorted(_to_event(n, settings) for n in _merge_nodes(nodes, settings))
    return rank(events, topic_of(stories, settings), settings)


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
    events: Iterable[TimelineEvent],
    settings: TimelineSettings | None = None,
    topic: set[str] | None = None,
) -> list[TimelineEvent]:
    """Events from several timelines as one: the same story's event once, the same cited
    event (overlapping period, similar wording) once with every outlet and wording, ranked
    again against `topic` (by default the events' own most shared words)."""
    settings = settings or TimelineSettings()
    unique: dict[tuple, TimelineEvent] = {}
    for e in events:
        key = ("story", e.story_id) if e.story_id else (e.date, e.granularity, e.text)
        if key in unique:
            known = unique[key]
            known.outlets = list(dict.fromkeys(known.outlets + e.outlets))
            known.article_ids = list(dict.fromkeys(known.article_ids + e.article_ids))
            known.source_names = list(dict.fromkeys(known.source_names + e.source_names))
            known.sources = max(known.sources, e.sources, len(known.source_names))
            known.variants = list(dict.fromkeys(known.variants + e.variants))
        else:
            unique[key] = replace(
                e,
                outlets=list(e.outlets),
                article_ids=list(e.article_ids),
                source_names=list(e.source_names),
                variants=list(e.variants),
            )
    nodes = [_event_node(e) for e in unique.values()]
    merged = _sorted(_to_event(n, settings) for n in _merge_nodes(nodes, settings))
    return rank(merged, topic, settings)


# ---- selection ----


def names_entity(story: Story, query: str) -> bool:
    """Whether the story names the entity `query` (canonical name or alias, any case)."""
    wanted = " ".join(query.split()).casefold()
    return any(wanted == name.casefold() for e in story.entities for name in [e.name, *e.aliases])


def entity_timeline(stories: Iterable[Story], query: str) -> list[TimelineEvent]:
    """The events, across the timelines of the stories naming `query`, that those stories'
    own articles attest (or that are those stories), ranked against those stories' topic."""
    naming = [s for s in stories if names_entity(s, query)]
    ids = {s.id for s in naming}
    evidence = {a.id for s in naming for a in s.articles}
    events = [
        e
        for s in naming
        for e in (s.timeline or build_timeline([s]))
        if (e.story_id in ids) or (evidence & set(e.article_ids))
    ]
    return merge_timelines(events, topic=topic_of(naming))


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
