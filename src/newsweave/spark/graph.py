"""Connected components of a graph held as an RDD of edges.

A graph of up to `LOCAL_EDGES` edges is solved on the driver (union-find over the collected
edges: a few megabytes, and one Spark job instead of a dozen). A larger one stays spread: are found by spreading the smallest id: each node takes the smallest label among
itself and its neighbours, round after round, until no label changes. The rounds are as many
as the widest component is across; story and storyline graphs are made of tight groups (a
pair is an edge only when the two could end up together), a few steps across. Each round's
labels are checkpointed locally, so the lineage Spark keeps does not grow with the rounds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsweave.components import union_find

if TYPE_CHECKING:
    from pyspark import RDD

MAX_ROUNDS = 200
LOCAL_EDGES = 2_000_000


def connected_components(edges: RDD, partitions: int) -> RDD:
    """(node, label) for every node of `edges` (an RDD of (a, b) pairs, in either order), the
    label being the smallest node of its component. Nodes with no edge are not listed."""
    links = edges.flatMap(lambda e: [(e[0], e[1]), (e[1], e[0])]).distinct(partitions).persist()
    if links.count() <= 2 * LOCAL_EDGES:
        found = union_find(links.collect())
        links.unpersist()
        return links.context.parallelize(sorted(found.items()), partitions)
    labels = links.map(lambda e: (e[0], e[0])).distinct(partitions).persist()
    for _ in range(MAX_ROUNDS):
        offered = links.join(labels, partitions).map(lambda kv: (kv[1][0], kv[1][1]))
        updated = labels.union(offered).reduceByKey(min, partitions).persist()
        updated.localCheckpoint()
        changed = updated.join(labels, partitions).filter(lambda kv: kv[1][0] != kv[1][1]).count()
        labels.unpersist()
        labels = updated
        if not changed:
            break
    links.unpersist()
    return labels
