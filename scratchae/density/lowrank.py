"""Gaussians whose covariance is "low rank plus isotropic", and mixtures of them.

Manifold Parzen windows (Vincent & Bengio 2003) and their non-local version (Bengio, Larochelle &
Vincent 2006) put on each training point a Gaussian that is wide along a few directions -- the
local tangent plane of the manifold -- and narrow, of variance s2, in all the others:

    Sigma = s2 I + sum_{c=1}^d lam_c u_c u_c'          (u_c orthonormal, lam_c >= 0)

Its eigenvalues are lam_c + s2 along u_c and s2 in the D - d other directions, so

    log det Sigma   = sum_c log(lam_c + s2) + (D - d) log s2
    v' Sigma^-1 v   = (|v|^2 - sum_c p_c^2) / s2 + sum_c p_c^2 / (lam_c + s2),   p_c = u_c . v

and ``log N(x; mu, Sigma) = -(D log 2 pi + log det Sigma + v' Sigma^-1 v) / 2`` with v = x - mu.
Cost O(D d) per evaluation; no D x D matrix is ever formed (in D = 256 that would be 65,536
numbers per training point).

A mixture of n such Gaussians with equal weights, ``p(x) = (1/n) sum_j N(x; c_j, Sigma_j)``, is
scored in blocks: two GEMMs give the cross products ``x . c_j`` and the projections
``x . u_jc``, and the numba kernel :data:`scratchae.kernels.density.lowrank_logsumexp` turns
them into a stable log-sum-exp, row by row.

A covariance given by non-orthonormal factors, ``Sigma = s2 I + F' F`` with F (d, D) (what the
non-local network predicts), is brought to this form by :func:`factors_to_eigen` (an SVD of F).
"""
import numpy as np

from scratchae.density._common import rows_per_chunk, squared_norms
from scratchae.kernels.density import lowrank_logsumexp

__all__ = ["LowRankMixture", "lowrank_log_normalizer", "lowrank_gaussian_logpdf",
           "factors_to_eigen"]

LOG_2PI = np.log(2.0 * np.pi)


def lowrank_log_normalizer(lam, noise_var, dim):
    """``-(D log 2 pi + sum_c log(lam_c + s2) + (D - d) log s2) / 2`` per component.

    lam : (n, d) variances added along the directions;  noise_var : (n,) s2;  dim : D.
    Returns (n,).
    """
    d = lam.shape[1]
    return -0.5 * (dim * LOG_2PI + np.sum(np.log(lam + noise_var[:, None]), axis=1)
                   + (dim - d) * np.log(noise_var))


def lowrank_gaussian_logpdf(V, U, lam, noise_var):
    """log N(v; 0, s2 I + U' diag(lam) U) for each row of ``V`` (one component).

    V : (m, D) offsets x - mu;  U : (d, D) orthonormal rows;  lam : (d,) >= 0;  noise_var : s2 > 0.
    Returns (m,). (A direct, readable version of the formula in the module docstring.)
    """
    dim = V.shape[1]
    p = V @ U.T                                             # (m, d) projections
    inside = np.sum(p * p, axis=1)
    outside = np.maximum(np.sum(V * V, axis=1) - inside, 0.0)
    maha = outside / noise_var + np.sum(p * p / (lam + noise_var), axis=1)
    log_det = np.sum(np.log(lam + noise_var)) + (dim - U.shape[0]) * np.log(noise_var)
    return -0.5 * (dim * LOG_2PI + log_det + maha)


def factors_to_eigen(F, tol=1e-12):
    """Write ``F' F`` (F of shape (n, d, D)) as ``U' diag(lam) U`` with orthonormal rows U.

    From the SVD ``F = A diag(s) U`` (U (d, D) orthonormal rows): ``F' F = U' diag(s^2) U``.
    Directions whose s^2 is below ``tol * max(s^2)`` get lam = 0 and a zero row (they add nothing
    to the covariance). Returns ``(U (n, d, D), lam (n, d))``, lam in decreasing order.
    """
    _, s, U = np.linalg.svd(F, full_matrices=False)        # s (n, d), U (n, d, D)
    lam = s * s
    small = lam <= tol * np.maximum(lam.max(axis=1, keepdims=True), 1e-300)
    lam = np.where(small, 0.0, lam)
    U = np.where(small[:, :, None], 0.0, U)
    return U, lam


class LowRankMixture:
    """``p(x) = (1/n) sum_j N(x; centers[j], noise_var[j] I + U_j' diag(lam[j]) U_j)``.

    Parameters
    ----------
    centers : (n, D)
    U : (n, d, D)
        orthonormal rows per component (zero rows allowed where lam = 0).
    lam : (n, d) >= 0
    noise_var : (n,) > 0
    """

    def __init__(self, centers, U, lam, noise_var):
        n, dim = centers.shape
        if U.shape[:1] != (n,) or U.shape[2:] != (dim,) or lam.shape != U.shape[:2] \
                or noise_var.shape != (n,):
            raise ValueError(f"inconsistent shapes: centers {centers.shape}, U {U.shape}, "
                             f"lam {lam.shape}, noise_var {noise_var.shape}; expected (n, D), "
                             f"(n, d, D), (n, d), (n,)")
        if np.any(noise_var <= 0) or np.any(lam < 0):
            raise ValueError("noise variances must be > 0 and lam >= 0")
        self.centers = np.ascontiguousarray(centers, dtype=np.float64)
        self.d = U.shape[1]
        self.U_flat = np.ascontiguousarray(U.reshape(n * self.d, dim), dtype=np.float64)
        self.lam = np.asarray(lam, dtype=np.float64)
        self.noise_var = np.asarray(noise_var, dtype=np.float64)
        self.sq_c = squared_norms(self.centers)
        self.cu = np.einsum("jcd,jd->jc", U, centers).reshape(-1)      # c_j . u_jc
        self.inv_var = 1.0 / (self.lam + self.noise_var[:, None])
        self.inv_noise = 1.0 / self.noise_var
        self.log_norm = lowrank_log_normalizer(self.lam, self.noise_var, dim)

    @property
    def n_components(self):
        return self.centers.shape[0]

    def project(self, X):
        """The matrix products scoring needs, computed once: ``(|x|^2 (m,), x . c_j (m, n),
        x . u_jc (m, n d))``. Reusable for any mixture with the same centres and directions
        (e.g. while sweeping sigma0^2)."""
        xu = X @ self.U_flat.T if self.d > 0 else np.zeros((X.shape[0], 0))
        return squared_norms(X), X @ self.centers.T, xu

    def score_projected(self, sq_x, cross, xu):
        """log p(x) from the output of :meth:`project`, (m,)."""
        return lowrank_logsumexp(cross, sq_x, self.sq_c, xu, self.cu, self.inv_var,
                                 self.inv_noise, self.log_norm) - np.log(self.centers.shape[0])

    def score_samples(self, X, chunk_size=None):
        """log p(x) for each row of ``X`` (m, D) -> (m,), in blocks of rows."""
        n = self.centers.shape[0]
        step = rows_per_chunk(n * (self.d + 1), chunk_size)
        out = np.empty(X.shape[0])
        for start in range(0, X.shape[0], step):
            out[start:start + step] = self.score_projected(*self.project(X[start:start + step]))
        return out
