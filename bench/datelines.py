"""How many leads still open with a dateline after cleaning, and what the dateline rule cut.

    PYTHONPATH=src .venv/bin/python bench/datelines.py ../shared/data [--sample 30] [--seed 1]

Reads Timeline17's dev half (`t17-dev/*/articles.json`: PTB-tokenised text in one line, undone
here into plain text with one sentence a line, the only structure left) and the Multi-News sample
(`multinews250/sample_test.csv`: raw web text with its lines), runs every text through
`pipeline.prepare`, and counts per corpus:
- `with dateline`: articles whose first three body paragraphs had a dateline at their start
  (those cut, plus those left);
- `left`: articles where a paragraph among the first three still starts with something an
  independent, broad detector takes for a dateline (a bracketed CNN/Reuters/AP/AFP slug, or a
  place in capitals before a dash);
- `removed`: articles with a removal by the rule "dateline" (and how many removals in all);
- `mid-paragraph`: articles with a slug shape inside a paragraph, not at its start (a lead
  glued to the highlights above it in the flattened T17 text: out of reach by design).
A random sample of removals is printed with the text after them, to be checked by hand for
wrong removals (a body sentence's opening taken for a dateline).

Measured (seed 1): t17-dev 1,888 articles, 58 with a dateline at a paragraph start in their
lead, 50 cut, 8 left (all flattened-text leads glued to highlights or a byline, or a place in
lower case: "Aboard the U.S. evacuation ship (CNN) --"), 296 with a slug inside a paragraph;
multinews250 666 articles, 122 with a dateline, 122 cut, none left. The printed samples of 30
removals each had no wrong removal.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import random
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from newsweave.app.pipeline import prepare
from newsweave.model import Article, RawDocument

_PTB = [
    (re.compile(r"-LRB-\s*"), "("),
    (re.compile(r"\s*-RRB-"), ")"),
    (re.compile(r"``\s*"), '"'),
    (re.compile(r"\s*''"), '"'),
    (re.compile(r"\s+([.,;:!?%])"), r"\1"),
    (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b"), r"\1"),
    (re.compile(r"\\/"), "/"),
]
_SENTENCE_END = re.compile(r"(?:(?<=[a-z0-9)\"][.!?])|(?<=\bET\.))\s+(?=[A-Z\"(])")
_DETECT = re.compile(
    r"^(?:[A-Z][\w.,' -]{0,60})?\((?:CNN|Reuters|AP|AFP)\)\s*(?:--|—|–|-)?\s*[A-Z\"“]"
    r"|^[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}(?:, [A-Z][\w.]+(?: [A-Z][\w.]+)?)?\s*(?:--|—|–)\s*[A-Z]"
)
_MID = re.compile(r"\S \((?:CNN|Reuters|AP|AFP)\)\s*(?:--|—|–|-)\s*[A-Z]")


def detokenise(text: str) -> str:
    for pattern, repl in _PTB:
        text = pattern.sub(repl, text)
    return "\n".join(_SENTENCE_END.split(text))


def t17(data: Path) -> Iterator[RawDocument]:
    for path in sorted(data.glob("t17-dev/*/articles.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            yield RawDocument(f"{path.parent.name}/{item['uid']}", detokenise(item["text"]), "text")


def multinews(data: Path) -> Iterator[RawDocument]:
    csv.field_size_limit(sys.maxsize)
    with (data / "multinews250" / "sample_test.csv").open(encoding="utf-8") as handle:
        for n, row in enumerate(csv.DictReader(handle)):
            for k, text in enumerate(ast.literal_eval(row["documents"])):
                yield RawDocument(f"multinews/{n}/{k}", text, "text")


def lead(article: Article) -> list[str]:
    return [p for p in article.text.split("\n\n") if p.strip()][:3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="the folder with t17-dev/ and multinews250/")
    parser.add_argument("--sample", type=int, default=30, help="removals to print for checking")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows = []
    for name, documents in (("t17-dev", t17(args.data)), ("multinews250", multinews(args.data))):
        articles = removed = removals = left = mid = 0
        cut: list[tuple[str, str, str]] = []
        start = time.perf_counter()
        for raw in documents:
            article = prepare(raw)
            articles += 1
            taken = [r.text for r in article.removed if r.rule == "dateline"]
            removed += bool(taken)
            removals += len(taken)
            paragraphs = lead(article)
            left += any(_DETECT.match(p) for p in paragraphs)
            mid += any(_MID.search(p) for p in paragraphs)
            for text in taken:
                after = next((p for p in article.text.split("\n\n") if p), "")
                cut.append((raw.source, text, after[:70]))
        seconds = time.perf_counter() - start
        rows.append((name, articles, removed + left, left, removed, removals, mid, seconds))
        print(f"\n{name}: {min(args.sample, len(cut))} of {len(cut)} removals, to check by hand")
        for source, text, after in rng.sample(cut, min(args.sample, len(cut))):
            print(f"  {source:<22} {text!r:<48} | {after}")
    print(
        f"\n{'corpus':<14} {'articles':>8} {'with dateline':>14} {'left':>6} {'removed':>8} "
        f"{'removals':>9} {'mid-paragraph':>14} {'s':>6}"
    )
    for name, articles, before, left, removed, removals, mid, seconds in rows:
        print(
            f"{name:<14} {articles:>8} {before:>14} {left:>6} {removed:>8} {removals:>9} "
            f"{mid:>14} {seconds:>6.1f}"
        )


if __name__ == "__main__":
    main()
