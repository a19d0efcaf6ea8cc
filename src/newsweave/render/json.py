"""Stories as `stories.json`: `{"stories": [...]}` in the JSON contract (`newsweave.contract`)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from newsweave.contract import story_to_dict
from newsweave.model import Story


def stories_to_json(stories: Iterable[Story]) -> str:
    """`{"stories": [...]}`, indented, UTF-8 text kept as is (not \\u-escaped)."""
    data = {"stories": [story_to_dict(s) for s in stories]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
