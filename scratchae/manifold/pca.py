"""Principal component analysis by the singular value decomposition.

Slide (part 02, "PCA"): "finds k directions in which data has highest variance -- principal
directions (eigenvectors) W; projecting inputs x on these vectors yields reduced dimension
representation (and decorrelated): h = f_theta(x) = W (x - mu) with theta = {W, mu}."

With ``X`` (n, D), ``mu`` its column mean and the thin SVD of the centred data

    X - 1 mu^T = U diag(s) V^T,     U (n, r), s (r,), V^T (r, D), r = min(n, D),

the rows of ``V^T`` are the eigenvectors of the covariance ``C = (X - mu)^T (X - mu) / (n - 1)``,
with eigenvalues ``s^2 / (n - 1)`` (the variance along each direction). PCA keeps the first ``d``:

    W = V^T[:d]  (d, D),   h = (x - mu) W^T  (the code),   x_hat = mu + h W  (the reconstruction).

The mean squared reconstruction error on the training set is the variance left out,
``sum_{j > d} s_j^2 / n``. A linear autoencoder with squared loss learns the same subspace
(slide "With linear neurons and squared loss, autoencoder learns same subspace as PCA").

Sign convention: singular vectors are defined up to sign, so each row of ``components_`` is flipped
to make its entry of largest magnitude positive (ties: the first such entry). This is
scikit-learn's convention too, so ``components_`` match its PCA entry for entry.

Two solvers give the same numbers (to rounding): ``"svd"`` (default) takes the thin SVD of the
centred data; ``"covariance_eigh"`` takes the eigendecomposition of the D x D matrix
``(X - mu)^T (X - mu) = V diag(s^2) V^T``: one matrix product and a small eigenproblem, much
faster when n >> D (MNIST: 60,000 x 784), at the price of squaring the condition number, which
only matters for directions of variance below about 1e-8 of the largest.
"""
import numbers

import numpy as np

from scratchae._validation import as_2d_array, check_fitted
from scratchae.manifold.eigen import fix_signs

__all__ = ["PCA"]

_SOLVERS = ("svd", "covariance_eigh")


class PCA:
    """Principal component analysis (scikit-learn-style estimator).

    Attributes (after ``fit``):

    - ``mean_`` : (D,) column mean ``mu``.
    - ``components_`` : (d, D) principal directions ``W`` (orthonormal rows, sign convention
      above).
    - ``explained_variance_`` : (d,) variance along each direction, ``s^2 / (n - 1)``,
      decreasing.
    - ``explained_variance_ratio_`` : (d,) its share of the total variance.
    - ``singular_values_`` : (d,) ``s``.
    - ``total_variance_`` : sum of all column variances (ddof=1).
    - ``n_components_``, ``n_features_in_``, ``n_samples_`` : ints.

    Parameters
    ----------
    n_components : int or None
        Number of directions ``d`` kept, ``1 <= d <= min(n_samples, n_features)``; None keeps
        all ``min(n_samples, n_features)``.
    solver : ``"svd"`` or ``"covariance_eigh"`` (see the module docstring).
    """

    def __init__(self, n_components=None, solver="svd"):
        self.n_components = n_components
        self.solver = solver

    def get_params(self):
        return {"n_components": self.n_components, "solver": self.solver}

    def _check_n_components(self, n, D):
        d = self.n_components
        limit = min(n, D)
        if d is None:
            return limit
        if isinstance(d, bool) or not isinstance(d, numbers.Integral):
            raise ValueError(f"n_components must be an integer or None; got {d!r}")
        if not 1 <= d <= limit:
            raise ValueError(f"n_components must lie in [1, min(n_samples, n_features) = {limit}]"
                             f" for X of shape ({n}, {D}); got {d}")
        return int(d)

    def fit(self, X, y=None):
        """Fit on ``X`` (n, D), n >= 2. Returns ``self``."""
        X = as_2d_array(X, "X").astype(np.float64, copy=False)
        n, D = X.shape
        if n < 2:
            raise ValueError(f"PCA needs at least 2 samples; got X of shape {X.shape}")
        d = self._check_n_components(n, D)
        if self.solver not in _SOLVERS:
            raise ValueError(f"solver must be one of {_SOLVERS}; got {self.solver!r}")
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        if self.solver == "svd":
            _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
        else:
            w, V = np.linalg.eigh(Xc.T @ Xc)                 # ascending eigenvalues s^2
            w, V = w[::-1][:min(n, D)], V[:, ::-1][:, :min(n, D)]
            s, Vt = np.sqrt(np.maximum(w, 0.0)), V.T
        Vt = fix_signs(Vt.T).T
        variance = s ** 2 / (n - 1)
        self.total_variance_ = float(variance.sum())
        self.components_ = Vt[:d]
        self.singular_values_ = s[:d]
        self.explained_variance_ = variance[:d]
        total = self.total_variance_ if self.total_variance_ > 0 else 1.0
        self.explained_variance_ratio_ = variance[:d] / total
        self.n_components_, self.n_features_in_, self.n_samples_ = d, D, n
        return self


    def transform(self, X):
        """Codes ``h = (x - mu) W^T``: ``X`` (m, D) -> (m, d)."""
        check_fitted(self, "components_")
        X = as_2d_array(X, "X", n_features=self.n_features_in_).astype(np.float64, copy=False)
        return (X - self.mean_) @ self.components_.T

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)

    def inverse_transform(self, H):
        """Reconstructions ``x_hat = mu + h W``: ``H`` (m, d) -> (m, D)."""
        check_fitted(self, "components_")
        H = as_2d_array(H, "H", n_features=self.n_components_).astype(np.float64, copy=False)
        return H @ self.components_ + self.mean_

    def reconstruct(self, X):
        """``inverse_transform(transform(X))``: the projection of ``X`` onto the PCA subspace."""
        return self.inverse_transform(self.transform(X))

    def reconstruction_error(self, X):
        """Squared reconstruction error of each row, summed over features: (m,)."""
        X = as_2d_array(X, "X", n_features=getattr(self, "n_features_in_", None))
        diff = np.asarray(X, dtype=np.float64) - self.reconstruct(X)
        return np.einsum("ij,ij->i", diff, diff)

    def __repr__(self):
        return f"PCA(n_components={self.n_components!r}, solver={self.solver!r})"
