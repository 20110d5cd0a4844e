"""k-nearest-neighbour selection from a Gram matrix: the second half of a GEMM k-NN search.

Given the Gram block ``G = Q X^T`` (m, n) of query rows ``Q`` against reference rows ``X`` and
their squared norms ``q_sq`` (m,), ``x_sq`` (n,), the squared distances are

    S[a, i] = max(0, (q_sq[a] + x_sq[i]) - 2 G[a, i]),

and this kernel returns, for every query row, the ``k`` smallest ``S[a, :]`` and their columns,
ordered by (value, column) -- i.e. exactly the first ``k`` entries of a *stable* sort of the row.
If ``self_offset >= 0``, column ``a + self_offset`` is skipped in row ``a`` (a point is not its own
neighbour when the queries are the rows ``self_offset, self_offset + 1, ...`` of ``X``).

Signature (both): ``knn_select(G, q_sq, x_sq, k, self_offset) -> (d2 (m, k), idx (m, k) int64)``.

The twin builds the whole ``S`` and sorts every row (O(n log n) per row, several passes over
memory); the kernel makes one pass per row keeping a sorted list of the best ``k`` so far
(O(n) per row when ``k`` is small), rows in parallel.

``knn_direct(Q, X, k, self_offset)`` is the same selection with ``S[a, i] = sum_j (Q[a, j] -
X[i, j])^2`` summed directly: for a few dimensions (a swiss roll has 3) a GEMM with an inner
dimension of 3 is all memory traffic, and computing each distance on the fly is several times
faster. :func:`scratchae.manifold.neighbors.knn` uses it when D <= 16.
"""
import numpy as np

from scratchae.kernels.graph import ParallelKernel

__all__ = ["knn_select", "knn_direct"]


def _knn_select_twin(G, q_sq, x_sq, k, self_offset):
    """k smallest squared distances per row (stable full sort of each row; plain NumPy)."""
    m, n = G.shape
    S = (q_sq[:, None] + x_sq[None, :]) - 2.0 * G
    np.maximum(S, 0.0, out=S)
    if self_offset >= 0:
        S[np.arange(m), np.arange(m) + self_offset] = np.inf
    idx = np.argsort(S, axis=1, kind="stable")[:, :k].astype(np.int64)
    return np.take_along_axis(S, idx, 1), idx


def _knn_select_loops(G, q_sq, x_sq, k, self_offset):
    m, n = G.shape
    d2 = np.empty((m, k))
    idx = np.empty((m, k), dtype=np.int64)
    for a in prange(m):  # numba.prange once compiled
        best_d = d2[a]
        best_i = idx[a]
        count = 0
        skip = a + self_offset if self_offset >= 0 else -1
        qa = q_sq[a]
        for i in range(n):
            if i == skip:
                continue
            s = (qa + x_sq[i]) - 2.0 * G[a, i]
            if s < 0.0:
                s = 0.0
            if count == k and not s < best_d[k - 1]:
                continue
            p = count if count < k else k - 1     # insert after equal values (stable)
            while p > 0 and best_d[p - 1] > s:
                best_d[p] = best_d[p - 1]
                best_i[p] = best_i[p - 1]
                p -= 1
            best_d[p] = s
            best_i[p] = i
            if count < k:
                count += 1
    return d2, idx


def _knn_direct_twin(Q, X, k, self_offset):
    """k smallest squared distances per row, summing (q - x)^2 directly (plain NumPy)."""
    m = Q.shape[0]
    S = np.zeros((m, X.shape[0]))
    for j in range(Q.shape[1]):                 # summed in the kernel's order: same rounding
        t = Q[:, None, j] - X[None, :, j]
        S += t * t
    if self_offset >= 0:
        S[np.arange(m), np.arange(m) + self_offset] = np.inf
    idx = np.argsort(S, axis=1, kind="stable")[:, :k].astype(np.int64)
    return np.take_along_axis(S, idx, 1), idx


def _knn_direct_loops(Q, X, k, self_offset):
    m, D = Q.shape
    n = X.shape[0]
    d2 = np.empty((m, k))
    idx = np.empty((m, k), dtype=np.int64)
    for a in prange(m):  # numba.prange once compiled
        best_d = d2[a]
        best_i = idx[a]
        count = 0
        skip = a + self_offset if self_offset >= 0 else -1
        for i in range(n):
            if i == skip:
                continue
            s = 0.0
            for j in range(D):
                t = Q[a, j] - X[i, j]
                s += t * t
            if count == k and not s < best_d[k - 1]:
                continue
            p = count if count < k else k - 1
            while p > 0 and best_d[p - 1] > s:
                best_d[p] = best_d[p - 1]
                best_i[p] = best_i[p - 1]
                p -= 1
            best_d[p] = s
            best_i[p] = i
            if count < k:
                count += 1
    return d2, idx


def _example_direct():
    X = np.eye(3)
    return X, X, 1, 0


def _example():
    G = np.eye(3)
    sq = np.ones(3)
    return G, sq, sq, 1, 0


prange = range
_knn_select_twin.__name__ = "knn_select"
knn_select = ParallelKernel(_knn_select_twin, _knn_select_loops, parallel=True, example=_example)
_knn_direct_twin.__name__ = "knn_direct"
knn_direct = ParallelKernel(_knn_direct_twin, _knn_direct_loops, parallel=True,
                            example=_example_direct)
