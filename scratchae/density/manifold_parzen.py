"""Manifold Parzen windows (Vincent & Bengio, NIPS 2003; slides, part 02, "Manifold Parzen
Windows").

Classical Parzen windows put a round Gaussian on every training point. When the data lie near a
low-dimensional manifold, most of that round mass falls off the manifold. Manifold Parzen
windows flatten each Gaussian along the manifold's local tangent plane, estimated from the
point's neighbours:

1. for each training point x_i, its k nearest neighbours N_i (Euclidean, x_i excluded);
2. the local covariance of the offsets (centred on x_i itself, not on the neighbours' mean)

       C_i = (1/k) sum_{j in N_i} (x_j - x_i)(x_j - x_i)'

   and its top d eigenpairs (lam_ic, u_ic) -- the leading directions of the neighbourhood;
3. the density

       p(x) = (1/n) sum_i N(x; x_i, sigma0^2 I + sum_{c=1}^d lam_ic u_ic u_ic')

   i.e. variance lam_ic + sigma0^2 along the d local directions, sigma0^2 across them.

The eigenpairs come from the SVD of the k x D matrix of offsets (``C_i = A' A / k`` with ``A``
the stacked offsets, so ``lam = s^2 / k`` and ``u`` the right singular vectors), never from a
D x D matrix; the log density is evaluated in the low-rank-plus-isotropic form of
:mod:`scratchae.density.lowrank`. With d = 0 this is exactly Parzen windows with
h^2 = sigma0^2.

Slide's table (Bayes classifier on USPS): Parzen 5.08% test error, Manifold Parzen 4.08% with
d = 11, k = 11, sigma0^2 = 0.1 (on the [-1, 1] pixel scale).
"""
import numbers

import numpy as np

from scratchae._validation import check_fitted, check_positive
from scratchae.density._common import check_data, check_int, kneighbors
from scratchae.density.lowrank import LowRankMixture

__all__ = ["ManifoldParzenWindows", "local_principal_directions"]


def local_principal_directions(X, neighbors, n_components):
    """Top ``n_components`` eigenpairs of each point's local covariance of neighbour offsets.

    X : (n, D);  neighbors : (n, k) int indices (x_i itself excluded).
    Returns ``(U (n, d, D), lam (n, d))``: orthonormal rows u_ic and eigenvalues lam_ic of
    ``C_i = (1/k) sum_j (x_j - x_i)(x_j - x_i)'``, largest first. Directions with (numerically)
    zero variance, e.g. when neighbours coincide, get lam = 0 and a zero row.
    """
    n, k = neighbors.shape
    offsets = X[neighbors] - X[:, None, :]                  # (n, k, D)
    _, s, Vt = np.linalg.svd(offsets, full_matrices=False)  # s (n, min(k, D)), Vt (n, ., D)
    lam = s[:, :n_components] ** 2 / k
    U = Vt[:, :n_components, :]
    small = lam <= 1e-12 * np.maximum(lam.max(axis=1, keepdims=True) if n_components else 0.0,
                                      1e-300)
    lam = np.where(small, 0.0, lam)
    U = np.where(small[:, :, None], 0.0, U)
    return np.ascontiguousarray(U), lam


class ManifoldParzenWindows:
    """Manifold Parzen windows density estimator (scikit-learn style).

    Attributes after ``fit``: ``X_`` (n, D), ``neighbors_`` (n, k), ``components_`` (n, d, D)
    the local directions u_ic, ``variances_`` (n, d) the eigenvalues lam_ic, ``n_features_in_``.

    Parameters
    ----------
    n_neighbors : int >= 1
        k, neighbours used for each local covariance (must be < the number of training points).
    n_components : int >= 0
        d, local directions kept per point (d <= min(k, D)); 0 gives Parzen windows.
    sigma0_sq : float > 0
        sigma0^2, the variance added in every direction (the regulariser).
    chunk_size : int or None
        Query rows scored per block.
    """

    def __init__(self, n_neighbors=11, n_components=11, sigma0_sq=0.1, chunk_size=None):
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.sigma0_sq = sigma0_sq
        self.chunk_size = chunk_size

    def _check_params(self):
        """Check the hyperparameters (called by ``fit``)."""
        self.n_neighbors = check_int(self.n_neighbors, "n_neighbors", 1)
        self.n_components = check_int(self.n_components, "n_components", 0)
        self.sigma0_sq = float(check_positive(self.sigma0_sq, "sigma0_sq"))
        if self.chunk_size is not None:
            check_int(self.chunk_size, "chunk_size", 1)

    def get_params(self):
        return {"n_neighbors": self.n_neighbors, "n_components": self.n_components,
                "sigma0_sq": self.sigma0_sq, "chunk_size": self.chunk_size}

    def fit(self, X, y=None):
        """Find each point's neighbours and local principal directions. Returns ``self``."""
        self._check_params()
        X = check_data(X, "X")
        n, dim = X.shape
        if self.n_neighbors >= n:
            raise ValueError(f"n_neighbors must be smaller than the number of training points "
                             f"({n}); got n_neighbors={self.n_neighbors}")
        limit = min(self.n_neighbors, dim)
        if self.n_components > limit:
            raise ValueError(f"n_components must be <= min(n_neighbors, n_features) = {limit} "
                             f"(k = {self.n_neighbors} offsets in D = {dim} dimensions span at "
                             f"most that many directions); got {self.n_components}")
        self.X_ = np.array(X, dtype=np.float64, copy=True)
        self.n_features_in_ = dim
        self.neighbors_ = kneighbors(self.X_, self.n_neighbors)
        self.components_, self.variances_ = local_principal_directions(
            self.X_, self.neighbors_, self.n_components)
        self._mixture = None
        return self

    def set_sigma0_sq(self, sigma0_sq):
        """Change sigma0^2 without recomputing neighbours and eigenpairs (for validation sweeps).
        Returns ``self``."""
        type(self)(self.n_neighbors, self.n_components, sigma0_sq)   # validates
        self.sigma0_sq = float(sigma0_sq)
        self._mixture = None
        return self

    def mixture(self):
        """The fitted density as a :class:`~scratchae.density.lowrank.LowRankMixture`."""
        check_fitted(self, "X_")
        if self._mixture is None:
            n = self.X_.shape[0]
            self._mixture = LowRankMixture(self.X_, self.components_, self.variances_,
                                           np.full(n, self.sigma0_sq))
        return self._mixture

    def score_samples(self, X):
        """log p(x) for each row of ``X`` (m, D) -> (m,) float64."""
        check_fitted(self, "X_")
        X = check_data(X, "X", n_features=self.n_features_in_)
        return self.mixture().score_samples(X, self.chunk_size)

    def score(self, X, y=None):
        """Total log-likelihood of ``X`` (scikit-learn's convention)."""
        return float(np.sum(self.score_samples(X)))

    def __repr__(self):
        return (f"ManifoldParzenWindows(n_neighbors={self.n_neighbors}, "
                f"n_components={self.n_components}, sigma0_sq={self.sigma0_sq:.4g})")
