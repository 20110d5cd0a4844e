"""Nearest neighbours and neighbourhood graphs, from one matrix product of squared distances.

Part 02 of the slides ("Manifold Learning", Isomap step 1 and LLE step 1): "construct the
neighbourhood graph d_x(i, j) using Euclidean distance", either with the K nearest neighbours
(K-Isomap, LLE) or with all neighbours within a radius epsilon (epsilon-Isomap).

All squared distances between the rows of ``Q`` (m, D) and ``X`` (n, D) come from one GEMM:

    ||q - x||^2 = ||q||^2 + ||x||^2 - 2 q . x       ->   S = |q|^2 1^T + 1 |x|^2^T - 2 Q X^T

computed in float64, in chunks of query rows so that at most ``chunk_size x n`` numbers live at
once (by default about 8 MiB), and clipped at 0 (rounding can make the right-hand side slightly
negative). For k-NN, :mod:`scratchae.kernels.knn` picks the ``k`` smallest of each row straight
from the Gram block ``Q X^T``, without materialising ``S``; with at most 16 features, where a GEMM
of so short an inner dimension is all memory traffic, the kernel sums ``(q - x)^2`` itself.

The GEMM form is only used to *choose* the neighbours: the distances returned for the chosen ones
are recomputed directly as ``sqrt(sum((q - x)^2))``, so they carry no cancellation error.

Ties are broken by index, so results never depend on the sort algorithm.

A graph is kept in CSR form (:class:`NeighborGraph`): the neighbours of node ``i`` are
``indices[indptr[i]:indptr[i+1]]`` at edge lengths ``weights[...]``.
"""
import numbers
from dataclasses import dataclass

import numpy as np

from scratchae._validation import as_2d_array
from scratchae.kernels.knn import knn_direct, knn_select

__all__ = [
    "pairwise_sq_distances", "knn", "radius_neighbors", "NeighborGraph", "knn_graph",
    "radius_graph", "connected_components", "require_connected", "DisconnectedGraphError",
]

_CHUNK_NUMBERS = 1 << 20  # about 8 MiB of float64 per distance chunk
_DIRECT_MAX_DIM = 16      # up to this many features, k-NN sums (q - x)^2 directly


def _chunk_rows(n_ref, chunk_size):
    if chunk_size is None:
        return max(1, _CHUNK_NUMBERS // max(1, n_ref))
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, numbers.Integral) \
            or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive integer or None; got {chunk_size!r}")
    return int(chunk_size)


def _check_k(k, limit, what):
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise ValueError(f"n_neighbors must be an integer; got {k!r}")
    if k < 1:
        raise ValueError(f"n_neighbors must be >= 1; got {k}")
    if k > limit:
        raise ValueError(f"n_neighbors must be at most {limit} ({what}); got {k}")
    return int(k)


def _check_radius(radius):
    if isinstance(radius, bool) or not isinstance(radius, numbers.Real) or not radius > 0 \
            or not np.isfinite(radius):
        raise ValueError(f"radius must be a positive finite number; got {radius!r}")
    return float(radius)


def _inputs(X, query):
    X = as_2d_array(X, "X").astype(np.float64, copy=False)
    if query is None:
        return X, X, True
    Q = as_2d_array(query, "query", n_features=X.shape[1]).astype(np.float64, copy=False)
    return X, Q, False


def pairwise_sq_distances(Q, X, x_sq_norms=None):
    """Squared Euclidean distances ``S[a, i] = ||Q[a] - X[i]||^2`` by one GEMM, clipped at 0.

    ``Q`` (m, D), ``X`` (n, D) -> ``S`` (m, n), float64. ``x_sq_norms`` (n,) may pass
    ``(X**2).sum(1)`` when it is reused across chunks.
    """
    Q = as_2d_array(Q, "Q").astype(np.float64, copy=False)
    X = as_2d_array(X, "X", n_features=Q.shape[1]).astype(np.float64, copy=False)
    if x_sq_norms is None:
        x_sq_norms = np.einsum("ij,ij->i", X, X)
    S = Q @ np.ascontiguousarray(X.T)
    S *= -2.0
    S += np.einsum("ij,ij->i", Q, Q)[:, None]
    S += x_sq_norms[None, :]
    np.maximum(S, 0.0, out=S)
    return S


def _sort_rows(dist, idx):
    """Sort each row by (distance, index)."""
    order = np.lexsort((idx, dist), axis=-1)
    return np.take_along_axis(dist, order, -1), np.take_along_axis(idx, order, -1)


def knn(X, k, query=None, squared=False, chunk_size=None):
    """The ``k`` nearest rows of ``X`` to each query row (the k-NN search of the slides' step 1).

    Parameters
    ----------
    X : (n, D) reference points.
    k : number of neighbours, ``1 <= k <= n - 1`` when ``query`` is None, else ``k <= n``.
    query : (m, D) or None. None means "the neighbours of each row of X among the *other* rows"
        (row ``i`` is never its own neighbour; an exact duplicate of it is, at distance 0).
    squared : return squared distances instead of distances.
    chunk_size : query rows per GEMM chunk (None: about 8 MiB of distances at a time).

    Returns
    -------
    ``(distances, indices)``, both of shape (m, k) (m = n without ``query``), each row sorted by
    increasing distance, ties broken by the smaller index; distances float64, indices int64.
    """
    X, Q, self_query = _inputs(X, query)
    n = X.shape[0]
    k = _check_k(k, n - 1 if self_query else n,
                 "the number of other samples" if self_query else "the number of samples in X")
    m = Q.shape[0]
    x_sq = np.einsum("ij,ij->i", X, X)
    q_sq = x_sq if self_query else np.einsum("ij,ij->i", Q, Q)
    step = _chunk_rows(n, chunk_size)
    out_d = np.empty((m, k))
    out_i = np.empty((m, k), dtype=np.int64)
    direct = X.shape[1] <= _DIRECT_MAX_DIM
    if direct and chunk_size is None:
        step = m                            # nothing (m, n)-sized is stored: one call
    if not direct:
        XT = np.ascontiguousarray(X.T)      # (D, n)
        buf = np.empty((min(step, m), n))   # one buffer for all chunks: fresh pages cost time
    for start in range(0, m, step):
        stop = min(m, start + step)
        offset = start if self_query else -1
        if direct:                          # few dimensions: distances on the fly, no GEMM
            _, cand = knn_direct(Q[start:stop], X, k, offset)
        else:
            G = np.matmul(Q[start:stop], XT, out=buf[:stop - start])   # the GEMM
            _, cand = knn_select(G, q_sq[start:stop], x_sq, k, offset)
        diff = X[cand] - Q[start:stop, None, :]                  # (c, k, D)
        d2 = np.einsum("ckd,ckd->ck", diff, diff)                 # exact, no cancellation
        out_d[start:stop], out_i[start:stop] = _sort_rows(d2, cand)
    return (out_d, out_i) if squared else (np.sqrt(out_d), out_i)


def radius_neighbors(X, radius, query=None, chunk_size=None):
    """All rows of ``X`` within Euclidean distance ``radius`` of each query row (epsilon-balls).

    ``query=None`` means the rows of ``X`` themselves, each row excluding itself.
    Returns CSR arrays ``(indptr (m+1,), indices (nnz,), distances (nnz,))``: the neighbours of
    query ``a`` are ``indices[indptr[a]:indptr[a+1]]``, sorted by distance then index.
    """
    X, Q, self_query = _inputs(X, query)
    radius = _check_radius(radius)
    n, m = X.shape[0], Q.shape[0]
    x_sq = np.einsum("ij,ij->i", X, X)
    step = _chunk_rows(n, chunk_size)
    counts, all_idx, all_d = np.zeros(m, dtype=np.int64), [], []
    # a margin on the GEMM test so rounding cannot drop a point; the exact test decides
    r2_loose = radius * radius * (1.0 + 1e-9) + 1e-12
    for start in range(0, m, step):
        stop = min(m, start + step)
        S = pairwise_sq_distances(Q[start:stop], X, x_sq)
        if self_query:
            rows = np.arange(stop - start)
            S[rows, rows + start] = np.inf
        a, i = np.nonzero(S <= r2_loose)
        diff = X[i] - Q[start + a]
        d = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        keep = d <= radius
        a, i, d = a[keep] + start, i[keep].astype(np.int64), d[keep]
        order = np.lexsort((i, d, a))
        all_idx.append(i[order])
        all_d.append(d[order])
        counts += np.bincount(a, minlength=m)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    indices = np.concatenate(all_idx) if all_idx else np.empty(0, np.int64)
    dists = np.concatenate(all_d) if all_d else np.empty(0)
    return indptr, indices, dists


@dataclass(frozen=True)
class NeighborGraph:
    """A weighted graph on ``n_nodes`` nodes in CSR form (edge lengths = Euclidean distances).

    ``indptr`` (n_nodes + 1,) int64, ``indices`` (n_edges,) int64, ``weights`` (n_edges,)
    float64. An undirected graph stores each edge in both directions.
    """
    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray

    def __post_init__(self):
        indptr, indices, weights = (np.asarray(a) for a in (self.indptr, self.indices,
                                                             self.weights))
        if indptr.ndim != 1 or indptr.size < 1 or indptr[0] != 0 \
                or np.any(np.diff(indptr) < 0):
            raise ValueError("indptr must be a non-decreasing 1-D array starting at 0; "
                             f"got shape {indptr.shape}")
        n_edges = int(indptr[-1])
        if indices.shape != (n_edges,) or weights.shape != (n_edges,):
            raise ValueError(f"indices and weights must have shape ({n_edges},) (indptr[-1]); "
                             f"got {indices.shape} and {weights.shape}")
        n = indptr.size - 1
        if n_edges and (indices.min() < 0 or indices.max() >= n):
            raise ValueError(f"indices must lie in [0, {n}); got values in "
                             f"[{indices.min()}, {indices.max()}]")
        if n_edges and (not np.all(np.isfinite(weights)) or weights.min() < 0):
            raise ValueError("edge weights must be finite and >= 0")
        object.__setattr__(self, "indptr", np.ascontiguousarray(indptr, dtype=np.int64))
        object.__setattr__(self, "indices", np.ascontiguousarray(indices, dtype=np.int64))
        object.__setattr__(self, "weights", np.ascontiguousarray(weights, dtype=np.float64))

    @property
    def n_nodes(self):
        return self.indptr.size - 1

    @property
    def n_edges(self):
        """Number of stored (directed) edges; an undirected edge counts twice."""
        return int(self.indptr[-1])

    def rows(self):
        """The source node of every stored edge, (n_edges,)."""
        return np.repeat(np.arange(self.n_nodes, dtype=np.int64), np.diff(self.indptr))

    def degrees(self):
        return np.diff(self.indptr)

    def to_dense(self, missing=np.inf):
        """(n, n) matrix of edge lengths, ``missing`` where there is no edge, 0 on the diagonal."""
        n = self.n_nodes
        A = np.full((n, n), np.inf)
        if self.n_edges:
            np.minimum.at(A, (self.rows(), self.indices), self.weights)
        if missing != np.inf:
            A[np.isinf(A)] = missing
        np.fill_diagonal(A, 0.0)
        return A

    def permute(self, perm):
        """The same graph with nodes renumbered: new node ``a`` is old node ``perm[a]``."""
        perm = np.asarray(perm, dtype=np.int64)
        n = self.n_nodes
        if perm.shape != (n,) or not np.array_equal(np.sort(perm), np.arange(n)):
            raise ValueError(f"perm must be a permutation of range({n}); got shape {perm.shape}")
        pos = np.empty(n, dtype=np.int64)
        pos[perm] = np.arange(n)
        deg = self.degrees()[perm]
        indptr = np.concatenate([[0], np.cumsum(deg)]).astype(np.int64)
        offsets = np.repeat(self.indptr[perm] - indptr[:-1], deg) + np.arange(self.n_edges)
        return NeighborGraph(indptr, pos[self.indices[offsets]], self.weights[offsets])

    @classmethod
    def from_edges(cls, n_nodes, rows, cols, weights, symmetric=True):
        """Build from edge lists; ``symmetric`` adds every edge's reverse. Parallel edges keep
        the shortest; self-loops are dropped."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        weights = np.asarray(weights, dtype=np.float64)
        if symmetric:
            rows, cols = np.concatenate([rows, cols]), np.concatenate([cols, rows])
            weights = np.concatenate([weights, weights])
        keep = rows != cols
        rows, cols, weights = rows[keep], cols[keep], weights[keep]
        order = np.lexsort((weights, cols, rows))
        rows, cols, weights = rows[order], cols[order], weights[order]
        first = np.ones(rows.size, dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        rows, cols, weights = rows[first], cols[first], weights[first]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_nodes))])
        return cls(indptr, cols, weights)


def knn_graph(X, k, chunk_size=None):
    """Undirected k-NN graph: ``i -- j`` if ``j`` is among the ``k`` nearest of ``i`` *or* ``i``
    among the ``k`` nearest of ``j`` (the graph scikit-learn's Isomap walks on).
    Edge length = Euclidean distance. ``X`` (n, D) -> :class:`NeighborGraph`."""
    dist, idx = knn(X, k, chunk_size=chunk_size)
    n = dist.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.int64), k)
    return NeighborGraph.from_edges(n, rows, idx.ravel(), dist.ravel(), symmetric=True)


def radius_graph(X, radius, chunk_size=None):
    """Undirected epsilon-graph: ``i -- j`` when ``||x_i - x_j|| <= radius``."""
    indptr, indices, dists = radius_neighbors(X, radius, chunk_size=chunk_size)
    return NeighborGraph(indptr, indices, dists)


class DisconnectedGraphError(ValueError):
    """The neighbourhood graph falls apart into several connected components.

    Geodesic (graph) distances between components are infinite, so Isomap's MDS and LLE's
    bottom eigenvectors are undefined. ``n_components`` and ``sizes`` (largest first) say how
    it falls apart.
    """

    def __init__(self, n_components, sizes, hint=""):
        self.n_components = int(n_components)
        self.sizes = [int(s) for s in sizes]
        shown = ", ".join(str(s) for s in self.sizes[:10])
        more = ", ..." if len(self.sizes) > 10 else ""
        super().__init__(
            f"the neighbourhood graph is not connected: it has {self.n_components} connected "
            f"components (sizes {shown}{more}); geodesic distances between them are infinite. "
            + (hint or "Use more neighbours (or a larger radius), or embed each component "
                       "separately."))


def connected_components(graph):
    """Label the connected components of an undirected :class:`NeighborGraph`.

    Every node starts with its own index as label; each sweep gives every node the smallest
    label among itself and its neighbours, then jumps pointers (``label = label[label]``), until
    nothing changes. At the end each component carries the smallest index in it.

    Returns ``(n_components, labels)`` with labels renumbered 0..n_components-1 in order of each
    component's smallest node.
    """
    n = graph.n_nodes
    labels = np.arange(n, dtype=np.int64)
    has_edges = np.diff(graph.indptr) > 0
    starts = graph.indptr[:-1][has_edges]
    while True:
        new = labels.copy()
        if starts.size:                 # min over each node's neighbours (CSR rows are runs)
            nbr_min = np.minimum.reduceat(labels[graph.indices], starts)
            new[has_edges] = np.minimum(new[has_edges], nbr_min)
        new = new[new]
        if np.array_equal(new, labels):
            break
        labels = new
    uniq, labels = np.unique(labels, return_inverse=True)
    return uniq.size, labels.astype(np.int64)


def require_connected(graph, hint=""):
    """Raise :class:`DisconnectedGraphError` unless ``graph`` is connected."""
    n_comp, labels = connected_components(graph)
    if n_comp > 1:
        sizes = np.sort(np.bincount(labels))[::-1]
        raise DisconnectedGraphError(n_comp, sizes, hint)
