"""How well any clustering by word similarity can do on a multi-document set: an upper bound.

    .venv/bin/python bench/cluster_bound.py ../shared/data/multinews250/sample_test.csv

`newsweave eval cluster` scores the stories against the true clusters. This asks what the
words allow. Every document is cleaned as ingest cleans it and weighed as clustering weighs it
(TF-IDF over the title twice and the body, `newsweave.cluster.batch.document_bag`). Then:

- nearest neighbour: for each document with a partner in its cluster, whether the most similar
  other document is in another cluster. A method that joins what is most similar errs there;
- linkable at t: a perfect clusterer that only ever joins two documents of the same cluster
  whose cosine reaches t (chains allowed: A-B and B-C put A, B and C together). Each true
  cluster becomes the connected components of that graph; precision is 1 by construction, so
  the B-cubed F1 is an upper bound for any method that needs a similarity of t to join. Stories
  are formed at 0.15 (`ClusterSettings.threshold`); at 0.05 nearly every pair of unrelated news
  reports clears the bar, so no real method gets near that row.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from newsweave.app.pipeline import prepare
from newsweave.cluster.batch import Vocabulary, document_bag, vectorize
from newsweave.evaluate.cluster import ceiling, pool_documents, score
from newsweave.evaluate.datasets import load_dataset

THRESHOLDS = (0.05, 0.10, 0.15, 0.20, 0.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="Multi-News sample_test.csv")
    parser.add_argument("--dataset", default="multinews", help="multinews or clusters")
    args = parser.parse_args()

    clusters = load_dataset(args.dataset, args.source)
    documents, gold, _ = pool_documents(clusters)  # as `eval cluster` pools them
    articles = [prepare(d) for d in documents]
    labels = np.array(gold)
    vocabulary = Vocabulary()
    matrix, _ = vectorize([document_bag(a, vocabulary) for a in articles])
    sims = (matrix @ matrix.T).toarray()
    np.fill_diagonal(sims, -1.0)
    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    placed = np.array([bool(a.text) for a in articles])
    partnered = same.any(axis=1) & placed
    nearest = sims.argmax(axis=1)
    astray = (labels[nearest] != labels)[partnered].mean()

    print(
        f"{len(articles)} documents, {len(clusters)} clusters, {(~placed).sum()} empty after cleaning"
    )
    print(
        f"nearest other document in another cluster: {astray:.1%} "
        f"of the {partnered.sum()} documents with a partner\n"
    )
    print("| bound | B3 P | B3 R | B3 F1 | groups |")
    print("|---|---:|---:|---:|---:|")
    rows = [("true clusters, empty documents alone", ceiling(articles, gold))]
    for threshold in THRESHOLDS:  # an empty document's cosines are 0: it links to nothing
        linked = csr_matrix((sims >= threshold) & same)
        _, components = connected_components(linked, directed=False)
        rows.append((f"linkable at cosine {threshold:.2f}", score(list(components), gold)))
    for name, s in rows:
        print(f"| {name} | {s.bcubed_p:.3f} | {s.bcubed_r:.3f} | {s.bcubed_f:.3f} | {s.stories} |")


if __name__ == "__main__":
    main()
