"""How the clustering vocabulary grows with the corpus: `bench/scale.py`'s against real news.

    .venv/bin/python bench/vocabulary_growth.py ../shared/data/multinews250/sample_test.csv ../shared/data/t17-dev

Every cost that grows with the number of distinct terms (the document-frequency writes, the
tokeniser's memo, the cluster cache's vocabulary) grows with how fast new words arrive. In
`bench/scale.py`'s corpus each variant of a story renames its capitalised and long words, so
new words keep arriving at the same rate; in news they arrive ever more slowly (Heaps' law,
V = K * N^b with b around 0.5). This prints the distinct terms (`tfidf.tokens`, as clustering counts
them) of both: for real news, after each number of documents of the Multi-News sample and the
Timeline17 folders given, shuffled (fixed seed), a sample of news growing; for the synthetic
corpus, of the whole corpus `bench/scale.py` ingests at each size (each size is a corpus of its
own: its first 2,000 documents are not the 2,000-document corpus). The exponent b is fitted
between each row and the one before it: about 0.5 for news, about 1 (new words at a constant
rate) for the synthetic corpus.
"""

from __future__ import annotations

import argparse
import math
import random
from pathlib import Path

from newsweave.evaluate.datasets import load_dataset
from newsweave.evaluate.timeline import load_t17_topic, t17_topics
from newsweave.tfidf import tokens


def growth(texts: list[str], marks: list[int]) -> list[tuple[int, int]]:
    """(documents read, distinct terms so far) at each of `marks`."""
    seen: set[str] = set()
    wanted, found = set(marks), []
    for n, text in enumerate(texts, 1):
        seen.update(tokens(text))
        if n in wanted:
            found.append((n, len(seen)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("multinews", type=Path, help="Multi-News sample_test.csv")
    parser.add_argument("timeline17", type=Path, help="a folder of Timeline17 topic folders")
    parser.add_argument("--size", type=int, default=20000, help="largest synthetic corpus")
    args = parser.parse_args()
    from scale import corpus  # bench/scale.py, beside this file

    real = [d.text for c in load_dataset("multinews", args.multinews) for d in c.documents]
    for folder in t17_topics(args.timeline17):  # as `eval timeline` reads them: detokenised
        real += [a.text for a in load_t17_topic(folder).articles]
    random.Random(3).shuffle(real)
    sizes = [m for m in (1000, 2000, 5000, 10000, 20000) if m <= args.size]
    real_marks = sorted({*(m for m in (500, 1000, 2000) if m < len(real)), len(real)})
    rows = {
        "real news": growth(real, real_marks),
        "bench/scale.py": [
            (size, growth([r["text"] for r in corpus(args.multinews, size)], [size])[0][1])
            for size in sizes
        ],
    }
    print("| corpus | documents | distinct terms | terms per document | b |")
    print("|---|---:|---:|---:|---:|")
    for name, found in rows.items():
        previous = None
        for n, terms in found:
            b = (
                f"{math.log(terms / previous[1]) / math.log(n / previous[0]):.2f}"
                if previous
                else ""
            )
            print(f"| {name} | {n:,} | {terms:,} | {terms / n:.1f} | {b} |")
            previous = (n, terms)


if __name__ == "__main__":
    main()
