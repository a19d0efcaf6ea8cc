"""One story laid out for a terminal with rich: what `newsweave show` prints by default.

The sections follow the report's (summary, facts, disagreements, quotes, entities, timeline,
coverage, articles), with the lists a reader compares (facts, quotes, events, articles) as
tables. Every stored string goes in as `Text`, never as markup. Piped, rich drops colour and
keeps the layout, so the output stays readable in a file or a pager.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from newsweave.analysis.timeline import DEFAULT_LIMIT, top_events
from newsweave.model import Disagreement, Story
from newsweave.nlp.language import not_analysed_note
from newsweave.render.dates import date_label, event_date_label

ENTITIES = 15
"""Entities the view names, the most salient first."""
COVERAGE_EXAMPLES = 1
"""Statements shown of what an outlet alone reported, and of the widely reported it left out."""
SIDE_BY_SIDE = 4
"""Versions of a disagreement shown as columns; more are listed as rows."""


def story_view(story: Story) -> Group:
    """The whole story as one renderable, sections in reading order."""
    parts: list[RenderableType] = [Rule(Text(story.title or "Untitled story", style="bold"))]
    parts.append(meta_line(story))
    parts += _section("Summary", _summary(story))
    if story.facts:
        parts += _section("Facts", _facts(story))
    if story.disagreements:
        parts += _section(
            "Where outlets disagree", *(_disagreement(d) for d in story.disagreements)
        )
    if story.evolutions:
        parts += _section("Figures that changed as the story developed", _evolutions(story))
    if story.quotes:
        parts += _section("Quotes", _quotes(story))
    if story.entities:
        parts += _section("Entities", _entities(story))
    if story.timeline:
        parts += _section("Timeline", _timeline(story))
    if story.coverage:
        parts += _section("Coverage by outlet", _coverage(story))
    parts += _section("Articles", _articles(story))
    return Group(*parts)


def meta_line(story: Story) -> Text:
    """Event date, how many articles from which outlets, the story's id and storyline."""
    when = event_date_label(
        story.event_date, story.event_date_granularity, story.event_date_inferred
    )
    count = f"{len(story.articles)} article{'s' if len(story.articles) != 1 else ''}"
    line = Text.assemble((when, "bold"), f" · {count} from ", ", ".join(story.outlets))
    line.append(" · story ")
    line.append(story.id, style="cyan")
    if story.storyline:
        line.append(" · storyline ")
        line.append(story.storyline, style="cyan")
    return line


def _section(title: str, *body: RenderableType) -> list[RenderableType]:
    return [Text(""), Text(title, style="bold underline"), *body]


def _cited(text: str, outlets: list[str]) -> Text:
    """A sentence followed by the outlets that carry it, dimmed, in brackets."""
    return Text.assemble(text, " ", (f"[{', '.join(outlets)}]", "dim"))


def _bullets(lines: list[Text]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column()
    for line in lines:
        table.add_row("•", line)
    return table


def _summary(story: Story) -> RenderableType:
    lines = [_cited(s.text, s.outlets) for s in story.summary]
    note = not_analysed_note(story.articles)
    if note:
        lines.append(Text(note, style="italic"))
    elif not story.summary:
        lines.append(Text("No sentence could be extracted.", style="italic"))
    return _bullets(lines)


def _facts(story: Story) -> Table:
    """Each fact with how many independent sources state it, of those the story has."""
    total = story.fact_sources
    table = Table(expand=True)
    table.add_column("sources", no_wrap=True)
    table.add_column("fact", ratio=3)
    table.add_column("stated by", ratio=1, overflow="fold")
    for fact in story.facts:
        meter = "●" * fact.sources + "○" * max(total - fact.sources, 0)
        table.add_row(
            Text.assemble((meter, "green"), f" {fact.sources}/{total}"),
            Text(fact.text),
            Text(", ".join(fact.source_names)),
        )
    return table


def _disagreement(disagreement: Disagreement) -> Table:
    """The versions of one disputed figure side by side: a column per outlet, its value over
    its sentence (as rows when there are too many to sit side by side)."""
    versions = disagreement.versions
    table = Table(title=Text(disagreement.about, style="bold"), expand=True, show_lines=True)
    if len(versions) <= SIDE_BY_SIDE:
        for version in versions:
            table.add_column(Text(version.outlet))
        table.add_row(*(Text(v.value, style="bold yellow") for v in versions))
        table.add_row(*(Text(v.text) for v in versions))
        return table
    table.add_column("outlet")
    table.add_column("says")
    table.add_column("sentence", ratio=1)
    for version in versions:
        table.add_row(Text(version.outlet), Text(version.value, style="bold yellow"), version.text)
    return table


def _evolutions(story: Story) -> Table:
    table = Table(expand=True)
    for column in ("figure", "as of", "outlet", "value"):
        table.add_column(column)
    table.add_column("sentence", ratio=1)
    for evolution in story.evolutions:
        for version in evolution.versions:
            table.add_row(
                Text(evolution.about),
                Text(version.as_of or "unknown day"),
                Text(version.outlet),
                Text(version.value, style="bold"),
                Text(version.text),
            )
    return table


def _quotes(story: Story) -> Table:
    """Who said what, and which outlets carry it: the speaker's name only (the verb that
    introduced the quote is the grammar's business, not the reader's)."""
    table = Table(expand=True)
    table.add_column("speaker", ratio=1)
    table.add_column("quote", ratio=3)
    table.add_column("outlets", ratio=1, overflow="fold")
    for quote in story.quotes:
        speaker = Text(quote.speaker) if quote.speaker else Text("unknown", style="dim")
        wording = len(quote.variants)
        outlets = ", ".join(quote.outlets)
        if wording > 1:
            outlets += f" ({wording} wordings)"
        table.add_row(speaker, Text(f"“{quote.text}”"), Text(outlets))
    return table


def _entities(story: Story) -> Text:
    line = Text()
    for number, entity in enumerate(story.entities[:ENTITIES]):
        if number:
            line.append(" · ")
        line.append(entity.name, style="bold")
        line.append(f" {entity.type}", style="dim")
    if len(story.entities) > ENTITIES:
        line.append(f" · and {len(story.entities) - ENTITIES} more", style="dim")
    return line


def _timeline(story: Story) -> RenderableType:
    """The most salient dated events, oldest first; the story's own event in bold."""
    shown, left_out = top_events(story.timeline, DEFAULT_LIMIT)
    title = (
        f"the {len(shown)} events most outlets refer to, of {len(story.timeline)}"
        if left_out
        else None
    )
    table = Table(title=title, expand=True)
    table.add_column("date", no_wrap=True)
    table.add_column("event", ratio=3)
    table.add_column("outlets", ratio=1, overflow="fold")
    for event in shown:
        text = Text(event.text)
        if event.story_id == story.id:
            text.stylize("bold")
            text.append(" (this story)", style="dim")
        elif event.story_id:
            text.append(f" (story {event.story_id})", style="dim")
        table.add_row(
            date_label(event.date, event.granularity), text, Text(", ".join(event.outlets))
        )
    return table


def _coverage(story: Story) -> Table:
    """Per outlet: what it alone reported, and widely reported facts it left out."""
    table = Table(expand=True, show_lines=True)
    table.add_column("outlet")
    table.add_column("only here", ratio=1)
    table.add_column("left out", ratio=1)
    for coverage in story.coverage:
        table.add_row(
            Text(coverage.outlet, style="bold"),
            _examples(coverage.exclusive),
            _examples(coverage.missing),
        )
    return table


def _examples(statements: list[str]) -> RenderableType:
    if not statements:
        return Text("–", style="dim")
    shown = [Text(s) for s in statements[:COVERAGE_EXAMPLES]]
    if len(statements) > COVERAGE_EXAMPLES:
        shown.append(Text(f"and {len(statements) - COVERAGE_EXAMPLES} more", style="dim"))
    return _bullets(shown)


def _articles(story: Story) -> Table:
    table = Table(expand=True)
    table.add_column("title", ratio=2)
    table.add_column("outlet", ratio=1, overflow="fold")
    table.add_column("published", no_wrap=True)
    table.add_column("link", ratio=2, overflow="fold")
    for article in story.articles:
        published = ""
        if article.published:
            estimated = " (estimated)" if article.published_estimated else ""
            published = article.published.isoformat() + estimated
        table.add_row(
            Text(article.title or "Untitled"),
            Text(article.outlet_label),
            published,
            Text(article.url or article.source),
        )
    return table
