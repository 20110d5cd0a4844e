"""Reverse Cuthill--McKee: renumber a graph's nodes so that neighbours get nearby numbers.

A sparse symmetric matrix whose pattern is a neighbourhood graph (LLE's ``M``) has its non-zeros
scattered over the whole matrix when points come in random order. Numbering the nodes in
breadth-first order -- level by level from a node at one end of the graph, each level's nodes in
the order of their parents, ties by increasing degree (Cuthill & McKee 1969), then reversed
(George 1971) -- puts every edge between nodes of the same or adjacent levels, so all non-zeros
lie within a band of width about two levels around the diagonal. For points on a 2-D sheet
(swiss roll, N = 5000) the band is a few hundred wide instead of N, and a band Cholesky
(:mod:`scratchae.kernels.banded`) costs ``N b^2`` instead of ``N^3 / 3``.

The start is a pseudo-peripheral node (George & Liu 1979): breadth-first search from a node of
smallest degree, move to a node of smallest degree in the last level, repeat while the number
of levels grows.
"""
import numpy as np

__all__ = ["bfs_levels", "reverse_cuthill_mckee", "bandwidth"]


def _neighbors_of(graph, nodes):
    """(parent position in ``nodes``, neighbour) for every edge out of ``nodes``."""
    starts = graph.indptr[nodes]
    lens = graph.indptr[nodes + 1] - starts
    total = int(lens.sum())
    parent = np.repeat(np.arange(nodes.size), lens)
    offsets = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)
    return parent, graph.indices[offsets]


def bfs_levels(graph, start, visited=None):
    """Breadth-first levels from ``start``: a list of int64 arrays, in Cuthill--McKee order
    (children in the order of their first parent, then by degree, then by index)."""
    n = graph.n_nodes
    seen = np.zeros(n, dtype=bool) if visited is None else visited.copy()
    deg = graph.degrees()
    frontier = np.array([start], dtype=np.int64)
    seen[start] = True
    levels = []
    while frontier.size:
        levels.append(frontier)
        parent, child = _neighbors_of(graph, frontier)
        new = ~seen[child]
        parent, child = parent[new], child[new]
        if child.size == 0:
            break
        order = np.lexsort((parent, child))              # by child, then earliest parent
        parent, child = parent[order], child[order]
        first = np.ones(child.size, dtype=bool)
        first[1:] = child[1:] != child[:-1]
        parent, child = parent[first], child[first]
        order = np.lexsort((child, deg[child], parent))  # by parent, then degree, then index
        frontier = child[order]
        seen[frontier] = True
    return levels


def reverse_cuthill_mckee(graph):
    """A permutation ``perm`` (n,) of the nodes: ``perm[new] = old``. Handles several components
    (each is ordered on its own, one after the other)."""
    n = graph.n_nodes
    deg = graph.degrees()
    visited = np.zeros(n, dtype=bool)
    parts = []
    while not visited.all():
        free = np.flatnonzero(~visited)
        start = free[np.argmin(deg[free])]
        levels = bfs_levels(graph, start, visited)
        for _ in range(8):                               # pseudo-peripheral start
            last = levels[-1]
            cand = last[np.argmin(deg[last])]
            new_levels = bfs_levels(graph, cand, visited)
            if len(new_levels) <= len(levels):
                break
            start, levels = cand, new_levels
        order = np.concatenate(levels)
        visited[order] = True
        parts.append(order)
    return np.concatenate(parts)[::-1].copy()


def bandwidth(graph, perm=None):
    """``max |pos(i) - pos(j)|`` over the edges, with ``pos`` the inverse of ``perm``."""
    if graph.n_edges == 0:
        return 0
    pos = np.arange(graph.n_nodes) if perm is None else np.argsort(perm)
    return int(np.abs(pos[graph.rows()] - pos[graph.indices]).max())
