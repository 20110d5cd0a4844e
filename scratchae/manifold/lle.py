"""Locally linear embedding (Roweis & Saul, Science 2000).

Slide (part 02, "LLE"): 1. assign neighbours to each data point (k-NN); 2. reconstruct each point
by a weighted linear combination of its neighbours; 3. map each point to embedded coordinates.

Step 2, the barycentric weights. For point ``x_i`` with neighbours ``x_j, j in N(i)`` (k of them),
minimise ``||x_i - sum_j w_ij x_j||^2`` subject to ``sum_j w_ij = 1``. With the local Gram matrix
``C_jl = (x_j - x_i) . (x_l - x_i)`` (k x k) the solution is

    C w = 1,   w <- w / sum(w),        C <- C + reg * trace(C) * I  first,

the regulariser making ``C`` invertible when ``k > D`` (more neighbours than dimensions).

Step 3, the embedding. With ``W`` (N x N, row i holding w_ij in the neighbour columns), the
coordinates ``Y`` (N x d) minimising ``sum_i ||y_i - sum_j w_ij y_j||^2 = trace(Y^T M Y)`` with
``M = (I - W)^T (I - W)``, under ``Y^T Y = I`` and ``Y ⟂ 1``, are the eigenvectors of ``M`` with the
smallest eigenvalues, skipping the constant vector (``M 1 = 0`` since rows of W sum to 1).

How the bottom eigenvectors are found (the CPU's part, not the slide's): ``M`` is sparse with
the pattern of "shares a neighbourhood". The nodes are renumbered by reverse Cuthill--McKee
(:mod:`scratchae.manifold.ordering`) so that ``M`` becomes a band matrix, ``M + eps I`` is
factored by a band Cholesky (:mod:`scratchae.kernels.banded`), and subspace iteration
(:mod:`scratchae.manifold.eigen`) runs on ``P (M + eps I)^{-1} P`` (``P`` removes the constant
vector): its largest eigenvalues ``1 / (lambda + eps)`` belong to the smallest ``lambda`` of ``M``.
``eps`` is tiny (``1e-10`` of the mean diagonal): it only keeps the factorisation away from the
exact singularity. On points of a 2-D sheet the band is narrow (swiss roll, N = 5000: about 200);
on high-dimensional data (MNIST) the neighbourhoods do not line up and the band is a large part
of N, so above ``N / 4`` the dense LAPACK Cholesky (the kernel's twin) is used instead.

Duplicate points: the documented handling is to *merge* them. Exact duplicates are collapsed to
one representative before the neighbour search (two copies would reconstruct each other with
zero error, leaving their weights undetermined), and every copy receives its representative's
coordinates. ``n_neighbors`` must be smaller than the number of *distinct* points.
A neighbourhood graph that falls apart raises :class:`DisconnectedGraphError` (``M`` would have
one zero eigenvalue per component and the "embedding" would be a set of constants).
"""
import numbers

import numpy as np

from scratchae._validation import as_2d_array, check_fitted, check_positive, make_rng
from scratchae.kernels.banded import band_cholesky, band_cholesky_solve
from scratchae.manifold.eigen import fix_signs, top_eigenpairs
from scratchae.manifold.neighbors import NeighborGraph, knn, require_connected
from scratchae.manifold.ordering import reverse_cuthill_mckee

__all__ = ["LocallyLinearEmbedding", "barycenter_weights", "lle_matrix_band"]


def barycenter_weights(X, neighbors, reg=1e-3):
    """Barycentric reconstruction weights of each row of ``X`` from its neighbours.

    ``X`` (m, D); ``neighbors`` (m, k, D), the k neighbours of each row. Returns ``W`` (m, k)
    with rows summing to 1, from ``(C + reg * trace(C) I) w = 1`` (``C = G G^T``,
    ``G = neighbors - x``); ``reg`` alone when the trace is 0 (all neighbours equal to ``x``).
    """
    G = neighbors - X[:, None, :]                              # (m, k, D)
    C = G @ G.transpose(0, 2, 1)                               # (m, k, k)
    k = C.shape[1]
    trace = np.einsum("mii->m", C)
    R = np.where(trace > 0, reg * trace, reg)
    C[:, np.arange(k), np.arange(k)] += R[:, None]
    w = np.linalg.solve(C, np.ones((C.shape[0], k, 1)))[..., 0]
    return w / w.sum(axis=1, keepdims=True)


def lle_matrix_band(neighbors, weights, perm):
    """``M = (I - W)^T (I - W)`` in lower band storage, rows/columns renumbered by ``perm``.

    ``neighbors`` (N, k) int, ``weights`` (N, k); ``perm[new] = old``. ``M`` is the sum over
    points ``i`` of ``a_i a_i^T`` with ``a_i = e_i - sum_j w_ij e_j``, each outer product living
    on the k + 1 nodes ``{i} + N(i)``. Returns ``ab`` (N, b + 1) with ``ab[r, t] = M[r, r - t]``
    in the new numbering.
    """
    N, k = neighbors.shape
    pos = np.empty(N, dtype=np.int64)
    pos[perm] = np.arange(N)
    support = pos[np.column_stack([np.arange(N), neighbors])]        # (N, k+1) new numbers
    coef = np.column_stack([np.ones(N), -weights])                    # (N, k+1)
    b = int((support.max(axis=1) - support.min(axis=1)).max())
    r = np.broadcast_to(support[:, :, None], (N, k + 1, k + 1))
    c = np.broadcast_to(support[:, None, :], (N, k + 1, k + 1))
    v = coef[:, :, None] * coef[:, None, :]
    lower = r >= c
    flat = r[lower] * (b + 1) + (r[lower] - c[lower])
    ab = np.bincount(flat, weights=v[lower], minlength=N * (b + 1)).reshape(N, b + 1)
    return ab


def _apply_M(x, neighbors, weights):
    """``M x = (I - W)^T (I - W) x`` for ``x`` (N, p), from W's rows (no matrix formed)."""
    N = x.shape[0]
    r = x - np.einsum("nk,nkp->np", weights, x[neighbors])            # (I - W) x
    flat = neighbors.ravel()
    wt_r = np.column_stack([np.bincount(flat, weights=(weights * r[:, c, None]).ravel(),
                                        minlength=N) for c in range(x.shape[1])])   # W^T r
    return r - wt_r


class LocallyLinearEmbedding:
    """Locally linear embedding (scikit-learn-style estimator; "standard" LLE).

    Attributes (after ``fit``):

    - ``embedding_`` : (N, d) unit-norm columns orthogonal to the constant vector (over distinct
      points), signed so that each column's largest-magnitude entry is positive; duplicates
      share a row.
    - ``eigenvalues_`` : (d,) the eigenvalues of ``M`` belonging to them (increasing).
    - ``reconstruction_error_`` : their sum, ``trace(Y^T M Y)`` over distinct points.
    - ``neighbors_`` : (N_distinct, k) neighbour indices (into ``X_fit_``).
    - ``weights_`` : (N_distinct, k).
    - ``X_fit_`` : (N_distinct, D) the distinct training points.
    - ``sample_to_fit_`` : (N,) row of ``X_fit_`` each training sample was merged into.
    - ``bandwidth_`` : half-bandwidth of ``M`` after reordering.
    - ``n_iter_`` : eigen-solver steps.

    Parameters
    ----------
    n_neighbors : int, ``1 <= k < number of distinct samples``.
    n_components : int, embedding dimension ``d``, ``1 <= d <= number of distinct samples - 2``.
    reg : float > 0, regulariser of the local Gram matrices (relative to their trace).
    seed : int or numpy.random.Generator, start of the eigen-solver's block.
    """

    def __init__(self, n_neighbors=10, n_components=2, reg=1e-3, seed=0):
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.reg = reg
        self.seed = seed

    def get_params(self):
        return {"n_neighbors": self.n_neighbors, "n_components": self.n_components,
                "reg": self.reg, "seed": self.seed}

    def _check_params(self, n_distinct, n_total):
        k, d = self.n_neighbors, self.n_components
        dup = f" ({n_total - n_distinct} duplicate rows merged)" if n_distinct < n_total else ""
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= k < n_distinct:
            raise ValueError(f"n_neighbors must be an integer in [1, {n_distinct - 1}] (fewer than "
                             f"the {n_distinct} distinct samples{dup}); got {k!r}")
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) \
                or not 1 <= d <= n_distinct - 2:
            raise ValueError(f"n_components must be an integer in [1, {n_distinct - 2}] (the "
                             f"{n_distinct} distinct samples{dup} minus the constant vector "
                             f"minus one); got {d!r}")
        check_positive(self.reg, "reg")

    def fit(self, X, y=None):
        """Embed ``X`` (N, D). Returns ``self``."""
        X = as_2d_array(X, "X").astype(np.float64, copy=False)
        uniq, first, inverse = np.unique(X, axis=0, return_index=True, return_inverse=True)
        keep = np.argsort(first)                     # distinct rows in order of first appearance
        rank = np.empty(keep.size, dtype=np.int64)
        rank[keep] = np.arange(keep.size)
        Xu = X[first[keep]]
        N = Xu.shape[0]
        self._check_params(N, X.shape[0])
        k, d = int(self.n_neighbors), int(self.n_components)

        _, nbrs = knn(Xu, k)                                          # step 1
        W = barycenter_weights(Xu, Xu[nbrs], self.reg)               # step 2
        graph = NeighborGraph.from_edges(N, np.repeat(np.arange(N), k), nbrs.ravel(),
                                         np.ones(N * k), symmetric=True)
        require_connected(graph, f"Increase n_neighbors (now {k}) or embed each component "
                                 "separately.")
        perm = reverse_cuthill_mckee(graph)                           # step 3
        ab = lle_matrix_band(nbrs, W, perm)
        eps = 1e-10 * ab[:, 0].mean()
        ab[:, 0] += eps
        if ab.shape[1] - 1 > N // 4:     # a wide band (high-dimensional data): LAPACK's dense
            lb = band_cholesky.twin(ab)   # Cholesky (the kernel's twin) beats N b^2 / 2 loops
        else:
            lb = band_cholesky(ab)
        pos = np.empty(N, dtype=np.int64)
        pos[perm] = np.arange(N)

        def apply(Q):                                # P (M + eps I)^{-1} P, in the new numbering
            Q = Q - Q.mean(axis=0)
            Z = band_cholesky_solve(lb, Q)
            return Z - Z.mean(axis=0)

        mu, V, n_iter = top_eigenpairs(apply, N, d, make_rng(self.seed), tol=1e-10)
        V = V[pos]                                   # back to the original numbering
        V = V - V.mean(axis=0)                       # exactly orthogonal to the constant
        V /= np.linalg.norm(V, axis=0)
        V = fix_signs(V)
        lam = np.einsum("np,np->p", V, _apply_M(V, nbrs, W))
        order = np.argsort(lam, kind="stable")
        V, lam = V[:, order], lam[order]

        self.embedding_ = V[rank[inverse]]
        self.eigenvalues_ = lam
        self.reconstruction_error_ = float(lam.sum())
        self.neighbors_, self.weights_ = nbrs, W
        self.X_fit_, self.sample_to_fit_ = Xu, rank[inverse]
        self._embedding_fit_ = V
        self.bandwidth_ = ab.shape[1] - 1
        self.n_iter_ = n_iter
        self.n_features_in_ = X.shape[1]
        return self

    def fit_transform(self, X, y=None):
        return self.fit(X).embedding_

    def transform(self, X):
        """Embed new points: barycentric weights from their ``k`` nearest (distinct) training
        points, then ``y = sum_j w_j y_j``. ``X`` (m, D) -> (m, d)."""
        check_fitted(self, "embedding_")
        X = as_2d_array(X, "X", n_features=self.n_features_in_).astype(np.float64, copy=False)
        _, idx = knn(self.X_fit_, self.n_neighbors, query=X)
        w = barycenter_weights(X, self.X_fit_[idx], self.reg)
        return np.einsum("mk,mkd->md", w, self._embedding_fit_[idx])

    def __repr__(self):
        return (f"LocallyLinearEmbedding(n_neighbors={self.n_neighbors!r}, "
                f"n_components={self.n_components!r}, reg={self.reg!r})")
