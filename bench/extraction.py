"""How much of the article body the HTML reader keeps, against trafilatura alone.

    .venv/bin/python bench/extraction.py ../shared/data/fundus [--misses]

For every page of the Fundus parser test data (see html_metadata.py), the token F1 of the body
newsweave reads (`newsweave.ingest.read_file`) and of `trafilatura.extract` with its default
settings, each against the publisher parser's expected body (bag of words, CJK counted per
character), averaged per country and overall. "empty" counts pages whose body is reported
missing (an ingest error, or nothing extracted). `--misses` lists pages where newsweave's F1 is
under 0.8 or under trafilatura's by more than 0.05.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from html_metadata import expected_body, pairs, tokens
from newsweave.ingest import read_file
from newsweave.model import RawDocument


def f1(want: Counter[str], got: Counter[str]) -> float:
    common = sum((want & got).values())
    if not common:
        return 0.0
    recall, precision = common / sum(want.values()), common / sum(got.values())
    return 2 * recall * precision / (recall + precision)


@dataclass
class Row:
    ours: list[float] = field(default_factory=list)
    alone: list[float] = field(default_factory=list)
    ours_empty: int = 0
    alone_empty: int = 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path, help="the fundus data folder")
    parser.add_argument("--misses", action="store_true", help="list the pages read worst")
    args = parser.parse_args()

    rows: dict[str, Row] = defaultdict(Row)
    misses = []
    for page, expected in pairs(args.root):
        want = tokens(expected_body(expected.get("body") or {}))
        docs = [i for i in read_file(page) if isinstance(i, RawDocument)]
        ours = docs[0].text if docs else ""
        alone = trafilatura.extract(gzip.decompress(page.read_bytes())) or ""
        scores = f1(want, tokens(ours)), f1(want, tokens(alone))
        for row in (rows[page.parent.name], rows["overall"]):
            row.ours.append(scores[0])
            row.alone.append(scores[1])
            row.ours_empty += not ours.strip()
            row.alone_empty += not alone.strip()
        if scores[0] < 0.8 or scores[0] < scores[1] - 0.05:
            misses.append(
                f"{page.parent.name}/{page.name}: F1 {scores[0]:.2f} (alone {scores[1]:.2f})"
            )
    if args.misses:
        print("\n".join(misses), end="\n\n")
    print(
        "| country | pages | token F1 newsweave | trafilatura alone | empty newsweave | empty alone |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name in [*sorted(k for k in rows if k != "overall"), "overall"]:
        row = rows[name]
        print(
            f"| {name} | {len(row.ours)} | {statistics.fmean(row.ours):.3f} "
            f"| {statistics.fmean(row.alone):.3f} | {row.ours_empty} | {row.alone_empty} |"
        )


if __name__ == "__main__":
    main()
