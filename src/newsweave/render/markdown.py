"""Stories as Markdown: readable as plain text (the CLI prints it raw), renders anywhere.

Untrusted text (titles, sentences, outlet names) is escaped just enough that it stays text
under CommonMark and GitHub's extensions: backslashes only where a character would start
markup, so the raw output still reads cleanly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from newsweave.analysis.timeline import DEFAULT_LIMIT, top_events
from newsweave.model import Article, Story
from newsweave.nlp.language import is_analysed, language_name, not_analysed_note
from newsweave.render.dates import date_label, event_date_label

# Inline markup: code spans, emphasis, strikethrough, link and image openers, raw HTML and
# autolinks, entity references, and a backslash that would escape what follows it. `_` between
# letters or digits cannot open or close emphasis, so "snake_case" and URLs stay as they are; a lone `]`
# cannot make a link once every `[` is escaped.
_INLINE = re.compile(
    r"\\(?=[!-/:-@\[-`{-~]|$)|[`*~\[]|<(?=[A-Za-z/!?])|&(?=#?\w+;)|(?<![^\W_])_|_(?![^\W_])"
)
# Block markup at the start of a line: quote, bullet or thematic break, ATX heading.
_BLOCK = re.compile(r"^(?:>|[-+](?=\s|$|-)|#{1,6}(?=\s|$))")
# "1. Paris" would start an ordered list: escape the dot, not the digits.
_ORDERED = re.compile(r"^(\d{1,9})(?=[.)](?:\s|$))")
# A run of "#" after a space closes an ATX heading and would vanish from a title.
_CLOSING_HASHES = re.compile(r"(?<= )#+$")


def escape(text: str) -> str:
    """Untrusted text as one line of Markdown that renders as exactly that text."""
    text = _INLINE.sub(r"\\\g<0>", " ".join(text.split()))
    return _ORDERED.sub(r"\1\\", _BLOCK.sub(r"\\\g<0>", text))


def heading(text: str) -> str:
    """Untrusted text as the content of an ATX heading."""
    return _CLOSING_HASHES.sub(lambda m: "\\#" * len(m.group()), escape(text))


def code(text: str) -> str:
    """Untrusted text as a code span: fenced by more backticks than it contains in a row."""
    text = " ".join(text.split())
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _link(article: Article) -> str:
    """The article's URL as an autolink if it is a plain http(s) one, else its source as code."""
    url = (article.url or "").strip()
    if urlsplit(url).scheme.lower() in ("http", "https") and not re.search(r"[\s<>]", url):
        return f"<{url}>"
    return code(article.url or article.source)


def render_story(story: Story) -> str:
    title = heading(story.title) if story.title else "Untitled story"
    when = event_date_label(
        story.event_date, story.event_date_granularity, story.event_date_inferred
    )
    outlets = ", ".join(escape(o) for o in story.outlets)
    count = f"{len(story.articles)} article{'s' if len(story.articles) != 1 else ''}"
    lines = [
        f"## {title}",
        "",
        f"Event date: {when} · {count} from {outlets} · story {code(story.id)}",
    ]
    lines += ["", "### Summary", ""]
    for sentence in story.summary:
        lines.append(
            f"- {escape(sentence.text)} [{', '.join(escape(o) for o in sentence.outlets)}]"
        )
    note = not_analysed_note(story.articles)
    if note:
        lines += ["", f"_{escape(note)}_"] if story.summary else [f"_{escape(note)}_"]
    elif not story.summary:
        lines.append("_No sentence could be extracted._")
    lines += _analysis(story)
    lines += ["", "### Articles", ""]
    for article in story.articles:
        parts = [f"**{escape(article.title)}**" if article.title else "Untitled"]
        parts.append(escape(article.outlet_label))
        if not is_analysed(article) and article.language:
            parts.append(f"{escape(language_name(article.language))} (not analysed)")
        if article.published:
            estimated = " (estimated)" if article.published_estimated else ""
            parts.append(article.published.isoformat() + estimated)
        if article.credits:  # the wires the outlet credits: whose reporting it carries
            parts.append(f"credits {escape(', '.join(article.credits))}")
        parts.append(_link(article))
        lines.append("- " + " · ".join(parts))
    return "\n".join(lines) + "\n"


def _meter(sources: int, total: int) -> str:
    return "●" * sources + "○" * max(total - sources, 0)


def _analysis(story: Story) -> list[str]:
    lines: list[str] = []
    total = story.fact_sources
    if story.facts:
        lines += ["", "### Facts", ""]
        for fact in story.facts:
            names = ", ".join(escape(n) for n in fact.source_names)
            lines.append(
                f"- {_meter(fact.sources, total)} {escape(fact.text)} ({fact.sources} sources: {names})"
            )
    if story.disagreements:
        lines += ["", "### Where outlets disagree", ""]
        for d in story.disagreements:
            lines.append(f"- **{escape(d.about)}**")
            lines += [
                f"  - {escape(v.outlet)}: {escape(v.value)}: {escape(v.text)}" for v in d.versions
            ]
    if story.evolutions:
        lines += ["", "### Figures that changed as the story developed", ""]
        for evolution in story.evolutions:
            lines.append(f"- **{escape(evolution.about)}**")
            lines += [
                f"  - as of {escape(v.as_of or 'an unknown day')}, {escape(v.outlet)}: "
                f"{escape(v.value)}: {escape(v.text)}"
                for v in evolution.versions
            ]
    if story.quotes:
        lines += [
            "",
            "### Quotes",
            "",
            "| speaker | quote | outlets | variants |",
            "|---|---|---|---|",
        ]
        for q in story.quotes:
            cells = [q.speaker or "unknown", q.text, ", ".join(q.outlets), str(len(q.variants))]
            lines.append("| " + " | ".join(escape(c).replace("|", "\\|") for c in cells) + " |")
    if story.entities:
        lines += ["", "### Entities", ""]
        for e in story.entities[:15]:
            aliases = f" (also {', '.join(escape(a) for a in e.aliases)})" if e.aliases else ""
            lines.append(f"- {escape(e.name)} · {e.type}{aliases}")
    lines += _timeline(story)
    if story.coverage:
        lines += ["", "### Coverage by outlet", ""]
        for c in story.coverage:
            lines.append(
                f"- **{escape(c.outlet)}**: {len(c.exclusive)} exclusive, misses "
                f"{len(c.missing)} widely reported fact{'' if len(c.missing) == 1 else 's'}"
            )
            lines += [f"  - only here: {escape(x)}" for x in c.exclusive[:3]]
            lines += [f"  - left out: {escape(x)}" for x in c.missing[:3]]
    return lines


def _timeline(story: Story) -> list[str]:
    """The story's most salient dated events, oldest first (its own event in bold): it, and
    the earlier events its articles cite."""
    if not story.timeline:
        return []
    shown, left_out = top_events(story.timeline, DEFAULT_LIMIT)
    lines = ["", "### Timeline", ""]
    if left_out:
        lines += [f"The {len(shown)} events most outlets refer to, of {len(story.timeline)}.", ""]
    for event in shown:
        text = escape(event.text)
        if event.story_id == story.id:
            text = f"**{text}** (this story)"
        elif event.story_id:
            text += f" (story {code(event.story_id)})"
        outlets = ", ".join(escape(o) for o in event.outlets)
        lines.append(f"- {date_label(event.date, event.granularity)} · {text} [{outlets}]")
    return lines


def render_markdown(stories: Iterable[Story]) -> str:
    """All stories as one document: a heading each, summary with citations, then articles."""
    stories = list(stories)
    body = "\n".join(render_story(s) for s in stories)
    count = f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'}"
    return f"# newsweave: {count}\n\n{body}"
