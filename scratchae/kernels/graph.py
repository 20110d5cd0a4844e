"""All-pairs shortest paths on a neighbourhood graph: Isomap's geodesic distances.

Slide (part 02, Isomap step 2): "compute shortest path as the approximation of geodesic distance:
d_G(i, j) = d_x(i, j); for k = 1, 2, ..., N replace all d_G(i, j) by
min{d_G(i, j), d_G(i, k) + d_G(k, j)}". That is the Floyd--Warshall algorithm, and it is this
kernel's NumPy twin, word for word: N sweeps over an N x N matrix, O(N^3) work.

The compiled kernel gets the same answer by Dijkstra's algorithm from every node, with a 4-ary
heap (shallower than a binary one, so a pop costs fewer unpredictable branches), on the sparse
graph: O(N E log N) work for E edges, which for a k-NN graph (E ~ kN) is far less than N^3; the
N sources are independent and run in parallel (``numba.prange``). The graph being undirected,
``d(s, t) = d(t, s)``: the search from ``s`` stops as soon as every node numbered above ``s`` is
settled, and the rest of its row is copied from the other rows at the end (on a graph numbered
along the manifold, as Isomap's is, this skips about a fifth of the work).

Signature (both): ``shortest_paths(indptr, indices, weights, labels) -> D``

* ``indptr`` (n + 1,) int64, ``indices`` (E,) int64, ``weights`` (E,) float64 >= 0: an
  *undirected* graph in CSR form, each edge stored in both directions with the same length: the
  edges out of node ``i`` are ``indices[indptr[i]:indptr[i+1]]`` with lengths ``weights[...]``;
* ``labels`` (n,) int64, a permutation: graph node ``i`` is row and column ``labels[i]`` of ``D``
  (``np.arange(n)`` keeps the graph's numbering). Isomap runs Dijkstra on a graph renumbered by
  reverse Cuthill--McKee, so that a node's neighbours sit close in memory (about 20% faster),
  and lets ``labels`` put the rows back in the data's order for free;
* ``D`` (n, n) float64: ``D[labels[s], labels[t]]`` the length of the shortest path from node
  ``s`` to node ``t``, ``inf`` if there is none, 0 on the diagonal.

Both sum edge lengths along a path, but in different orders, so they agree to rounding
(relative 1e-12), not bit for bit; the kernel's ``D`` is exactly symmetric. The twin needs n^2
memory and n^3 time: use it for small graphs.
"""
import numpy as np

from scratchae.kernels import Kernel, numba_enabled

__all__ = ["shortest_paths", "ParallelKernel"]


def _shortest_paths_twin(indptr, indices, weights, labels):
    """Floyd--Warshall: all-pairs shortest path lengths of a CSR graph (plain NumPy, O(n^3))."""
    n = indptr.shape[0] - 1
    D = np.full((n, n), np.inf)
    rows = np.repeat(np.arange(n), np.diff(indptr))
    np.minimum.at(D, (rows, indices), weights)       # d_G(i, j) = d_x(i, j) on the edges
    np.fill_diagonal(D, 0.0)
    for k in range(n):                               # for k = 1..N: d_G = min(d_G, d_ik + d_kj)
        np.minimum(D, D[:, k, None] + D[None, k, :], out=D)
    out = np.empty_like(D)
    out[np.ix_(labels, labels)] = D                  # node i is row/column labels[i]
    return out


def _shortest_paths_loops(indptr, indices, weights, labels):
    n = indptr.shape[0] - 1
    out = np.empty((n, n))
    n_blocks = min(n, 256)                # sources are dealt to blocks; a block reuses its arrays
    for block in prange(n_blocks):  # numba.prange once compiled
        dist = np.empty(n)
        key = np.empty(n)                 # 4-ary min-heap of (key, node) pairs
        node = np.empty(n, dtype=np.int64)
        where = np.empty(n, dtype=np.int64)   # slot of v in the heap; -1 unseen, -2 settled
        for source in range(block, n, n_blocks):
            for v in range(n):
                dist[v] = np.inf
                where[v] = -1
            dist[source] = 0.0
            key[0] = 0.0
            node[0] = source
            where[source] = 0
            size = 1
            remaining = n - 1 - source           # nodes v > source not settled yet
            while size > 0 and remaining > 0:
                u = node[0]                      # pop the closest unsettled node
                du = key[0]
                where[u] = -2
                if u > source:
                    remaining -= 1
                size -= 1
                if size > 0:                     # move the last leaf to the root, sift it down
                    xk = key[size]
                    xn = node[size]
                    i = 0
                    while True:
                        c = 4 * i + 1
                        if c >= size:
                            break
                        best = c                 # smallest of up to 4 children
                        bk = key[c]
                        for cc in range(c + 1, min(c + 4, size)):
                            if key[cc] < bk:
                                best = cc
                                bk = key[cc]
                        if bk < xk:
                            key[i] = bk
                            node[i] = node[best]
                            where[node[i]] = i
                            i = best
                        else:
                            break
                    key[i] = xk
                    node[i] = xn
                    where[xn] = i
                for e in range(indptr[u], indptr[u + 1]):   # relax every edge out of u
                    v = indices[e]
                    nd = du + weights[e]
                    if nd < dist[v]:             # never true for a settled v: dist[v] <= du
                        dist[v] = nd
                        i = where[v]
                        if i == -1:              # first time seen: append a leaf
                            i = size
                            size += 1
                        while i > 0:             # sift up (decrease-key)
                            parent = (i - 1) // 4
                            if key[parent] <= nd:
                                break
                            key[i] = key[parent]
                            node[i] = node[parent]
                            where[node[i]] = i
                            i = parent
                        key[i] = nd
                        node[i] = v
                        where[v] = i
            row = out[labels[source]]
            row[labels[source]] = 0.0
            for v in range(source + 1, n):       # settled (or unreachable: inf)
                row[labels[v]] = dist[v]
    for v in prange(n):                          # d(v, s) = d(s, v) for s < v
        row = out[labels[v]]
        for s in range(v):
            row[labels[s]] = out[labels[s], labels[v]]
    return out


def _example():
    indptr = np.array([0, 1, 3, 4], dtype=np.int64)
    indices = np.array([1, 0, 2, 1], dtype=np.int64)
    weights = np.array([1.0, 1.0, 2.0, 2.0])
    return indptr, indices, weights, np.arange(3, dtype=np.int64)


class ParallelKernel(Kernel):
    """A parallel :class:`Kernel` (its loops use ``prange``, which ``Kernel`` swaps in at compile
    time) that also changes how the iterations are shared out.

    Calls hand out the ``prange`` iterations one at a time to whichever thread is free
    (``numba.set_parallel_chunksize(1)`` for the call) instead of cutting the range into one
    fixed slice per thread: on a shared machine a thread can lose its core for a while, and a
    fixed split would make everyone wait for it.
    """

    def __call__(self, *args):
        if not numba_enabled():
            return self.twin(*args)
        import numba
        compiled = self.jit
        previous = numba.set_parallel_chunksize(1)
        try:
            return compiled(*args)
        finally:
            numba.set_parallel_chunksize(previous)


prange = range

_shortest_paths_twin.__name__ = "shortest_paths"
shortest_paths = ParallelKernel(_shortest_paths_twin, _shortest_paths_loops, parallel=True,
                                example=_example)
