"""Sentence splitting with character offsets into the cleaned text.

pysbd handles abbreviations and quotes well, but is slow on long inputs and blind to
paragraph breaks, so each line (a paragraph in cleaned text) is segmented on its own; offsets are recovered by searching
forward in the text, which keeps them exact even where pysbd trims whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pysbd

from newsweave.model import Sentence

_PARAGRAPH = re.compile(r"[^\n]+")
# A sentence end glued to the next sentence ("all the difference.President of Syria"): pysbd
# misses these, the cleaner repairs most; this catches what reaches us anyway.
_GLUED = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")


class SentenceSplitter:
    """Splits cleaned article text into `Sentence`s. One instance can be reused across articles."""

    def __init__(self) -> None:
        self._segmenter = pysbd.Segmenter(language="en", clean=False)

    def split(self, text: str) -> list[Sentence]:
        sentences: list[Sentence] = []
        for para in _PARAGRAPH.finditer(text):
            for start, end in self._spans(para.group(), para.start()):
                sentences.append(Sentence(text[start:end], start, end, len(sentences)))
        return sentences

    def _spans(self, paragraph: str, offset: int) -> Iterator[tuple[int, int]]:
        cursor = 0
        for piece in self._segmenter.segment(paragraph):
            for part in _GLUED.split(piece):
                part = part.strip()
                if not part:
                    continue
                found = paragraph.find(part, cursor)
                if found < 0:  # pysbd altered the text: fall back to the raw cursor position
                    found = cursor
                cursor = found + len(part)
                yield offset + found, offset + cursor
