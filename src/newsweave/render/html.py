"""Stories as one self-contained HTML page: inline CSS, no scripts, no external assets.

The page is a file to mail or open offline, so it carries everything it needs, and a
Content-Security-Policy that forbids scripts and remote loads. Article text is untrusted:
Jinja2 autoescapes every value, and only http(s) URLs ever become links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from newsweave import __version__
from newsweave.analysis.storyline import Storyline, gather_storylines, own_event
from newsweave.analysis.timeline import DEFAULT_LIMIT, top_events
from newsweave.app.evidence import supports
from newsweave.model import Article, Fact, Story, TimelineEvent, citations, paragraphs
from newsweave.nlp.language import is_analysed, language_name, not_analysed_note
from newsweave.render.coverage_svg import (
    articles_over_time_svg,
    outlet_days,
    stories_over_time_svg,
)
from newsweave.render.dates import date_label, event_date_label
from newsweave.render.timeline_svg import timeline_svg


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link with a host, else None: never `javascript:`."""
    url = (url or "").strip()
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@dataclass(frozen=True, slots=True)
class StorylineRef:
    """A story's storyline as its page names it: the entities its stories are most about,
    how many stories it has, and where it is shown (`href`)."""

    id: str
    href: str
    entities: list[str]
    stories: int

    @property
    def name(self) -> str:
        return ", ".join(self.entities[:3]) or "related stories"


def storyline_ref(line: Storyline, href: str) -> StorylineRef:
    return StorylineRef(line.id, href, list(line.entities), len(line.stories))


def headline_order(articles: Iterable[Article]) -> list[Article]:
    """Articles as the headlines list shows them: oldest first, undated last."""
    return sorted(articles, key=lambda a: (a.published or date.max, a.outlet_label, a.id))


def left_out_by(story: Story, fact: Fact) -> list[str]:
    """The outlets of the story whose articles leave the fact out."""
    return [c.outlet for c in story.coverage if fact.text in c.missing]


def url_segment(value: str) -> str:
    """A name as one URL path segment, every reserved character escaped ("/" too)."""
    return quote(value, safe="")


def day_label(value: date | None, granularity: str = "day") -> str:
    """A date as precise as it is known: "2015-10" for a month, "2015" for a year."""
    return date_label(value, granularity) if value else "date unknown"


def articles_chart(articles: list[Article]) -> Markup:
    return Markup(articles_over_time_svg(articles))  # the renderer escapes every text


def stories_chart(events: list[TimelineEvent], href: Callable[[str], str | None]) -> Markup:
    """A storyline's stories (each an event with its `story_id`) on a time axis, linked."""
    return Markup(stories_over_time_svg(events, href))  # the renderer escapes every text


CHART_STORIES = 30
"""Stories a storyline's chart draws: one row each, so a long storyline draws the most covered."""


def most_covered(events: list[TimelineEvent], limit: int = CHART_STORIES) -> list[TimelineEvent]:
    """The `limit` story events most outlets (then most articles) covered, in date order."""
    if len(events) <= limit:
        return events
    chosen = sorted(events, key=lambda e: (-len(e.outlets), -len(e.article_ids), e.date))[:limit]
    return sorted(chosen, key=lambda e: (e.date, e.story_id or ""))


def story_events(stories: Iterable[Story]) -> list[TimelineEvent]:
    """Each dated story as an event at its event date (`own_event`)."""
    return [e for story in stories if (e := own_event(story))]


def shared(env: Environment) -> Environment:
    """Register what the story sections (`_story.html.j2`) use, for the report's environment
    and the web UI's alike: both render one story with the same macros."""
    env.filters.update(safe_url=safe_url, paragraphs=paragraphs, top_events=shown_events)
    env.filters.update(path=url_segment, day=day_label)
    env.globals.update(citations=citations, language_label=language_label)
    env.globals.update(not_analysed_note=not_analysed_note, event_date_label=event_date_label)
    env.globals.update(articles_chart_svg=articles_chart, outlet_days=outlet_days)
    env.globals.update(headline_order=headline_order, left_out_by=left_out_by)
    env.globals.update(stories_chart=stories_chart, story_events=story_events)
    env.globals["most_covered"] = most_covered
    env.globals["speaker_entity"] = speaker_entity
    env.globals["timeline_drawing"] = lambda events: Markup(timeline_svg(events))  # escaped
    return env


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newsweave.render", "templates"),
        autoescape=True,  # every value, whatever the template's name
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return shared(env)


def speaker_entity(speaker: str, story: Story) -> str | None:
    """The story's entity a quote's speaker names ("Putin" is "Vladimir Putin"), whose page a
    speaker links to; None for a speaker that is no named entity ("the spokesman")."""
    folded = speaker.casefold()
    for entity in story.entities:
        if folded in (n.casefold() for n in (entity.name, *entity.aliases)):
            return entity.name
    return None


def shown_events(events: list[TimelineEvent], limit: int | None) -> list[TimelineEvent]:
    """The `limit` most salient events in date order (`top_events`); all for 0 or None."""
    return top_events(events, limit)[0]


def language_label(article: Article) -> Markup:
    """A small label with the language of an article the English analysis leaves out, so a
    reader sees why it adds nothing to the summary; nothing for English (or unidentified)."""
    if is_analysed(article) or article.language is None:
        return Markup("")
    return Markup(' <span class="chip" title="{}: not analysed">{}</span>').format(
        language_name(article.language), article.language
    )


TIMELINE_EVENTS = DEFAULT_LIMIT
"""Events a report shows per timeline: the most salient (`top_events`)."""


def render_html(
    stories: Iterable[Story],
    generated_at: datetime | None = None,
    timeline_events: int = TIMELINE_EVENTS,
) -> str:
    """The report page: a table of contents, the storylines once each (their stories and one
    timeline), then each story in the sections and order of the web UI's story page, with the
    same citation chips (each cited outlet's own sentences, `newsweave.app.evidence`)."""
    moment = (generated_at or datetime.now(UTC)).astimezone(UTC)
    stories = list(stories)
    storylines = gather_storylines(stories)
    in_report = {story.id for story in stories}
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            stories=stories,
            storylines=storylines,
            storyline_refs={
                line.id: storyline_ref(line, f"#storyline-{line.id}") for line in storylines
            },
            supports={story.id: supports(story) for story in stories},
            story_href=lambda story_id: f"#story-{story_id}" if story_id in in_report else None,
            events_shown=timeline_events,
            generated_at=moment.strftime("%Y-%m-%d %H:%M UTC"),
            version=__version__,
        )
    )
