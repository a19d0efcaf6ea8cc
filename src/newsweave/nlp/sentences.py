"""Sentence splitting with character offsets into the cleaned text.

pysbd handles quotes and most abbreviations well, but is slow on long inputs and blind to
paragraph breaks, so each line (a paragraph in cleaned text) is segmented on its own; offsets
are recovered by searching forward in the text, which keeps them exact even where pysbd trims
whitespace.

News text has full stops pysbd takes for sentence ends: a time goes on into its day or zone
("at 10 a.m. Friday, Dec. 6", "8 p.m. EST"), Reuters writes index and ticker codes with a
leading or inner stop (".SPX", "AAPL.O"), and some abbreviations always take a name or number
after them ("Lt. Col.", "approx. 3 p.m.", "BP Plc. (BP.L)"). Pieces pysbd cut there are joined
back, by the words listed in `rules/sentences.toml`; a join only ever widens a span, so offsets
stay exact.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pysbd
from pysbd.lang.english import English

from newsweave.model import Sentence

_PARAGRAPH = re.compile(r"[^\n]+")
# A sentence end glued to the next sentence ("all the difference.President of Syria"): pysbd
# misses these, the cleaner repairs most; this catches what reaches us anyway.
_GLUED = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
_LAST_WORD = re.compile(r"(?:^|[\s(\"“])([A-Za-z]+)\.$")
_TIME = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
_TICKER = re.compile(r"\.?[A-Z0-9]{1,6}(?:\.[A-Z]{1,2})?=?(?=[\s,;:)]|$)")  # .SPX, TSLA.O, EUR=
_CANNOT_OPEN = re.compile(r"[a-z0-9(\[$%,;:]")  # a piece starting so continues a sentence


@dataclass(frozen=True, slots=True)
class _Words:
    never_final: frozenset[str]
    before_number: frozenset[str]
    company: frozenset[str]
    after_time: frozenset[str]


@cache
def _words() -> _Words:
    text = resources.files("newsweave.rules").joinpath("sentences.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return _Words(
        never_final=frozenset(data["never_final"]),
        before_number=frozenset(data["before_number"]),
        company=frozenset(data["company"]),
        after_time=frozenset(data["after_time"]),
    )


def joins(before: str, after: str, *, glued: bool = False, words: _Words | None = None) -> bool:
    """Whether pysbd's cut between two pieces falls inside a sentence and the pieces are one
    sentence; `glued`: no space lies between them in the text."""
    words = words or _words()
    before = before.rstrip()
    if glued and before.endswith(" .") and _TICKER.match(after):
        return True  # "The S&P 500 index .SPX gained": the stop belongs to the code
    if _TIME.search(before):
        first = _FIRST_WORD.match(after)
        return bool(first and first.group() in words.after_time) or bool(_CANNOT_OPEN.match(after))
    last = _LAST_WORD.search(before)
    if not last:
        return False
    word = last.group(1)
    if word in words.never_final:
        return True
    if word in words.before_number:
        return after[:1].isdigit()
    if word in words.company:
        return bool(_CANNOT_OPEN.match(after) or _TICKER.fullmatch(after.split()[0]))
    return False


class _AbbreviationReplacer(English.AbbreviationReplacer):
    """pysbd's English abbreviation pass, asked only about the abbreviations a line holds
    with their stop.

    pysbd looks for each of its 188 abbreviations in a line as a bare substring ("no" in
    "not", "st" in "first"), and for every one found compiles and runs several regexes, each
    of which only ever turns the stop after it ("no.") into a placeholder: half of all the
    time pysbd takes on news. An abbreviation whose stop is nowhere in the line changes
    nothing, so it is skipped; those written with inner stops ("e.g", "u.s"), whose
    patterns pysbd leaves unescaped, go through as before. The sentences are the same."""

    def search_for_abbreviations_in_string(self, text: str) -> str:
        """pysbd's own loop (`AbbreviationReplacer.search_for_abbreviations_in_string`),
        with the skip."""
        lowered = text.lower()
        for abbr in self.lang.Abbreviation.ABBREVIATIONS:
            stripped = abbr.strip()
            if stripped not in lowered or ("." not in stripped and stripped + "." not in lowered):
                continue
            matches = re.findall(rf"(?:^|\s|\r|\n){stripped}", text, flags=re.IGNORECASE)
            if not matches:
                continue
            following = re.findall(r"(?<={" + re.escape(stripped) + "} ).{1}", text)
            for n, match in enumerate(matches):
                text = self.scan_for_replacements(text, match, n, following)
        return text


class _English(English):
    """pysbd's English with `_AbbreviationReplacer`."""

    AbbreviationReplacer = _AbbreviationReplacer


class SentenceSplitter:
    """Splits cleaned article text into `Sentence`s. One instance can be reused across articles."""

    def __init__(self) -> None:
        self._segmenter = pysbd.Segmenter(language="en", clean=False)
        self._segmenter.language_module = _English
        self._words = _words()

    def split(self, text: str) -> list[Sentence]:
        sentences: list[Sentence] = []
        for para in _PARAGRAPH.finditer(text):
            for start, end in self._spans(para.group(), para.start()):
                sentences.append(Sentence(text[start:end], start, end, len(sentences)))
        return sentences

    def _spans(self, paragraph: str, offset: int) -> Iterator[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for start, end in self._pieces(paragraph):
            if spans and joins(
                paragraph[spans[-1][0] : spans[-1][1]],
                paragraph[start:end],
                glued=spans[-1][1] == start,
                words=self._words,
            ):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        for start, end in spans:
            yield offset + start, offset + end

    def _segment(self, paragraph: str) -> list[str]:
        """`pysbd.Segmenter.segment(paragraph)`, each sentence found back in the paragraph
        with `str.find` where pysbd compiles a regex for every sentence (a quarter of its
        time): the same pieces, each with the whitespace after it."""
        pieces: list[str] = []
        end_of_last = 0
        for sentence in self._segmenter.processor(paragraph).process():
            if not sentence:
                return list(self._segmenter.segment(paragraph))  # pysbd's own, rare
            at = 0
            while (found := paragraph.find(sentence, at)) >= 0:
                end = found + len(sentence)
                while end < len(paragraph) and paragraph[end].isspace():
                    end += 1
                if end > end_of_last:
                    pieces.append(paragraph[found:end])
                    end_of_last = end
                    break
                at = end
        return pieces

    def _pieces(self, paragraph: str) -> Iterator[tuple[int, int]]:
        cursor = 0
        for piece in self._segment(paragraph):
            for part in _GLUED.split(piece):
                part = part.strip()
                if not part:
                    continue
                found = paragraph.find(part, cursor)
                if found < 0:  # pysbd altered the text: fall back to the raw cursor position
                    found = cursor
                cursor = found + len(part)
                yield found, cursor
