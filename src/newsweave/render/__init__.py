"""Renderers: JSON, Markdown and HTML from the same `Story` objects, none knowing the others."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from newsweave.model import Story
from newsweave.render.html import render_html
from newsweave.render.json import stories_to_json
from newsweave.render.markdown import render_markdown


def write_report(stories: Iterable[Story], out_dir: Path) -> dict[str, Path]:
    """Write `index.html`, `stories.md` and `stories.json` into `out_dir` (created if needed)."""
    stories = list(stories)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "html": (out_dir / "index.html", render_html(stories)),
        "markdown": (out_dir / "stories.md", render_markdown(stories)),
        "json": (out_dir / "stories.json", stories_to_json(stories)),
    }
    for path, content in files.values():
        path.write_text(content, encoding="utf-8")
    return {name: path for name, (path, _) in files.items()}


__all__ = ["render_html", "render_markdown", "stories_to_json", "write_report"]
