"""Connected components of a graph held in memory, by union-find."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

Node = TypeVar("Node", bound=Any)


def union_find(edges: Iterable[tuple[Node, Node]]) -> dict[Node, Node]:
    """Each node of `edges` with its label, the smallest node of its component; nodes in
    the order they first appear."""
    parent: dict[Node, Node] = {}

    def root(node: Node) -> Node:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {node: root(node) for node in parent}
