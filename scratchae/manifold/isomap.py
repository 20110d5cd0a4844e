"""Isomap (Tenenbaum, de Silva & Langford, Science 2000): MDS on geodesic distances.

Slide (part 02, "Isomap"):

1. Construct the neighbourhood graph ``d_x(i, j)`` with Euclidean distances: K-Isomap (the K
   nearest neighbours, ``n_neighbors``) or epsilon-Isomap (all neighbours within ``radius``).
2. Compute shortest paths as the approximation of the geodesic distance ``d_G(i, j)``
   (Floyd--Warshall on the slide; here Dijkstra from every node, the same numbers, see
   :mod:`scratchae.kernels.graph`).
3. Construct the d-dimensional embedding with (classical) MDS:

       B = -1/2 J D_G^2 J,   J = I - 1 1^T / N     (double centring of the squared distances),
       B = V diag(lambda) V^T,   Y = V[:, :d] diag(sqrt(lambda[:d]))   (N, d).

   If the geodesic distances were Euclidean distances of points in R^d, ``B`` would be their
   Gram matrix and ``Y`` those points (up to a rotation).

Disconnected graphs: this implementation raises :class:`DisconnectedGraphError`, which names the
number of connected components and their sizes, instead of joining the components with extra
edges as scikit-learn does: a silent join invents geodesic distances the data do not support.

New points (``transform``): their geodesic distance to training point ``j`` is
``min_i (||x - x_i|| + d_G(i, j))`` over the new point's neighbours ``i`` among the training
points, and the MDS formula is applied with the training centring (de Silva & Tenenbaum's
landmark MDS): ``y = k_c V diag(lambda^{-1/2})`` with ``k = -1/2 d^2`` centred like the rows of
``B``. On a training point this gives back its row of ``embedding_``.

Cost: the k-NN search is O(N^2 D), the shortest paths O(N^2 k log N) spread over the cores, the
MDS a few products ``B Q`` with an N x ``(d + 10)`` block. Memory: ``dist_matrix_`` (N^2 float64)
plus ``B`` (N^2 float32) while fitting -- N = 20,000 peaks at about 4.8 GB.
"""
import numbers

import numpy as np

from scratchae._validation import as_2d_array, check_fitted, make_rng
from scratchae.kernels.graph import shortest_paths
from scratchae.manifold.eigen import fix_signs, top_eigenpairs
from scratchae.manifold.neighbors import (
    knn, knn_graph, radius_graph, radius_neighbors, require_connected,
)
from scratchae.manifold.ordering import reverse_cuthill_mckee

__all__ = ["Isomap", "mds_embedding"]

#: Eigenvalues of B below this fraction of the largest are at the float32 rounding level of B
#: (the geodesic distances carry no such dimension) and are refused.
_RANK_TOL = 1e-6


def mds_embedding(D, n_components, rng=None, tol=1e-6):
    """Classical MDS of a distance matrix ``D`` (N, N): the top of ``B = -1/2 J D^2 J``.

    ``B`` is held in float32 (half the memory and half the time of each product ``B Q`` in the
    eigen-solver; the row means are accumulated in float64). The embedding then agrees with a
    float64 computation to about 1e-6 relative, far below what any picture or neighbourhood
    score can see; ``tol`` is set to match.

    Returns ``(Y (N, d), eigenvalues (d,), row_means (N,))`` where ``row_means`` are the row
    means of ``-1/2 D^2`` (float64; needed to centre new points). Raises ``ValueError`` if fewer
    than ``n_components`` eigenvalues exceed ``1e-6`` times the largest (data of lower rank).
    """
    N = D.shape[0]
    row_means = -0.5 * np.einsum("ij,ij->i", D, D) / N      # row means of K = -1/2 D^2
    grand = row_means.mean()
    B = np.empty((N, N), dtype=np.float32)
    np.square(D, out=B, casting="same_kind")
    B *= np.float32(-0.5)
    B -= row_means.astype(np.float32)[:, None]     # J K J = K - r 1^T - 1 r^T + mean(K)
    B -= row_means.astype(np.float32)[None, :]     # (K symmetric, so row and column means agree)
    B += np.float32(grand)

    def apply(Q):
        return (B @ Q.astype(np.float32)).astype(np.float64)

    values, vectors, _ = top_eigenpairs(apply, N, n_components, make_rng(rng), tol=tol)
    del B
    significant = values > _RANK_TOL * max(values[0], 0.0)
    if values[0] <= 0 or not np.all(significant):
        n_pos = int(np.sum(significant)) if values[0] > 0 else 0
        raise ValueError(
            f"n_components={n_components} is too large for this data: only {n_pos} of the top "
            f"{n_components} eigenvalues of the MDS matrix are positive beyond rounding "
            f"(> {_RANK_TOL:g} x the largest): {np.array2string(values, precision=3)}")
    vectors = fix_signs(vectors)
    return vectors * np.sqrt(values), values, row_means


class Isomap:
    """Isomap embedding (scikit-learn-style estimator).

    Attributes (after ``fit``):

    - ``embedding_`` : (N, d) the coordinates ``Y``, columns signed so that their
      largest-magnitude entry is positive.
    - ``eigenvalues_`` : (d,) top eigenvalues of ``B``, decreasing.
    - ``dist_matrix_`` : (N, N) geodesic distances ``d_G``.
    - ``graph_`` : :class:`~scratchae.manifold.neighbors.NeighborGraph` the neighbourhood graph.
    - ``X_fit_`` : (N, D) the training data (for ``transform``).
    - ``n_features_in_`` : D.

    Parameters
    ----------
    n_neighbors : int or None
        K of K-Isomap, ``1 <= K < n_samples``. Set it to None to use ``radius``.
    radius : float or None
        epsilon of epsilon-Isomap (edges between points closer than ``radius``); needs
        ``n_neighbors=None`` (as in scikit-learn, giving both is an error).
    n_components : int
        Embedding dimension ``d``, ``1 <= d < n_samples``.
    seed : int or numpy.random.Generator
        Start of the eigen-solver's block (the result does not depend on it beyond rounding).
    """

    def __init__(self, n_neighbors=10, radius=None, n_components=2, seed=0):
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.n_components = n_components
        self.seed = seed

    def get_params(self):
        return {"n_neighbors": self.n_neighbors, "radius": self.radius,
                "n_components": self.n_components, "seed": self.seed}

    def _check_params(self, n):
        if (self.n_neighbors is None) == (self.radius is None):
            raise ValueError("give exactly one of n_neighbors (K-Isomap) and radius "
                             f"(epsilon-Isomap); got n_neighbors={self.n_neighbors!r}, "
                             f"radius={self.radius!r}")
        d = self.n_components
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or not 1 <= d < n:
            raise ValueError(f"n_components must be an integer in [1, n_samples - 1 = {n - 1}]; "
                             f"got {d!r}")

    def fit(self, X, y=None):
        """Embed ``X`` (N, D). Returns ``self``.

        Raises ``ValueError`` for NaN/inf, ``n_neighbors`` outside ``[1, N - 1]``, a bad
        ``n_components``, and :class:`DisconnectedGraphError` if the graph is not connected.
        """
        X = as_2d_array(X, "X").astype(np.float64, copy=False)
        N = X.shape[0]
        if N < 2:
            raise ValueError(f"Isomap needs at least 2 samples; got X of shape {X.shape}")
        self._check_params(N)
        if self.radius is not None:
            graph = radius_graph(X, self.radius)
            hint = f"Increase radius (now {self.radius}) or embed each component separately."
        else:
            graph = knn_graph(X, self.n_neighbors)
            hint = (f"Increase n_neighbors (now {self.n_neighbors}) or embed each component "
                    "separately.")
        require_connected(graph, hint)
        # Dijkstra walks a renumbered copy whose neighbours are close in memory; ``labels=perm``
        # writes row/column perm[a] for its node a, i.e. D comes back in the data's order.
        perm = reverse_cuthill_mckee(graph)
        local = graph.permute(perm)
        D = shortest_paths(local.indptr, local.indices, local.weights, perm)
        Y, values, row_means = mds_embedding(D, self.n_components, rng=make_rng(self.seed))
        self.embedding_, self.eigenvalues_ = Y, values
        self._row_means_sq_ = row_means          # row means of -1/2 D^2
        self.dist_matrix_, self.graph_, self.X_fit_ = D, graph, X
        self.n_features_in_ = X.shape[1]
        return self

    def fit_transform(self, X, y=None):
        return self.fit(X).embedding_

    def geodesic_distances(self, X):
        """Geodesic distances (m, N) from new points ``X`` (m, D) to the training points, through
        each new point's neighbours among them: ``min_i ||x - x_i|| + d_G(i, j)``."""
        check_fitted(self, "embedding_")
        X = as_2d_array(X, "X", n_features=self.n_features_in_).astype(np.float64, copy=False)
        D_fit = self.dist_matrix_
        out = np.full((X.shape[0], D_fit.shape[0]), np.inf)
        if self.radius is not None:
            indptr, indices, dists = radius_neighbors(self.X_fit_, self.radius, query=X)
            empty = np.flatnonzero(np.diff(indptr) == 0)
            if empty.size:
                raise ValueError(f"{empty.size} new point(s) (first: row {empty[0]}) have no "
                                 f"training point within radius {self.radius}")
            for a in range(X.shape[0]):
                sl = slice(indptr[a], indptr[a + 1])
                out[a] = (dists[sl, None] + D_fit[indices[sl]]).min(axis=0)
        else:
            dists, idx = knn(self.X_fit_, self.n_neighbors, query=X)
            for t in range(idx.shape[1]):
                np.minimum(out, dists[:, t, None] + D_fit[idx[:, t]], out=out)
        return out

    def transform(self, X):
        """Embed new points ``X`` (m, D) -> (m, d) (the landmark-MDS formula of the module
        docstring)."""
        G = self.geodesic_distances(X)
        K = -0.5 * G ** 2
        K -= K.mean(axis=1, keepdims=True)
        K -= self._row_means_sq_[None, :] - self._row_means_sq_.mean()
        V = self.embedding_ / np.sqrt(self.eigenvalues_)        # unit eigenvectors
        return K @ V / np.sqrt(self.eigenvalues_)


    def __repr__(self):
        return (f"Isomap(n_neighbors={self.n_neighbors!r}, radius={self.radius!r}, "
                f"n_components={self.n_components!r})")
