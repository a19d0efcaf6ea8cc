"""Stories as Markdown: readable as plain text, renders anywhere."""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsweave.model import Story

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def escape(text: str) -> str:
    """Escape the characters that would turn untrusted text into Markdown or HTML markup."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_story(story: Story) -> str:
    lines = [f"## {escape(story.title or 'Untitled story')}", ""]
    meta = [f"Story `{story.id}`"]
    if story.event_date:
        meta.append(f"event date {story.event_date.isoformat()}")
    meta.append(
        f"{len(story.articles)} articles from {', '.join(escape(o) for o in story.outlets)}"
    )
    lines += [" · ".join(meta), "", "### Summary", ""]
    for sentence in story.summary:
        cites = ", ".join(escape(o) for o in sentence.outlets)
        lines.append(f"- {escape(sentence.text)} \\[{cites}\\]")
    if not story.summary:
        lines.append("_No sentence could be extracted._")
    lines += ["", "### Articles", ""]
    for article in story.articles:
        parts = [f"**{escape(article.title or 'Untitled')}**", escape(article.outlet_label)]
        if article.published:
            parts.append(
                article.published.isoformat()
                + (" (estimated)" if article.published_estimated else "")
            )
        parts.append(f"`{article.url or article.source}`")
        lines.append("- " + " · ".join(parts))
    return "\n".join(lines) + "\n"


def render_markdown(stories: Iterable[Story]) -> str:
    stories = list(stories)
    body = "\n".join(render_story(s) for s in stories)
    return f"# newsweave: {len(stories)} stories\n\n{body}"
