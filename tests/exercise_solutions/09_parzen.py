"""Reference solution of exercise 09 (kept out of the package; used by the tests)."""
import numpy as np


def parzen_log_density(Q, X, h):
    n, D = X.shape
    e = -((Q[:, None, :] - X[None, :, :]) ** 2).sum(axis=2) / (2 * h * h)     # (m, n)
    m = e.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(e - m).sum(axis=1))
    return lse - np.log(n) - 0.5 * D * np.log(2 * np.pi * h * h)


def local_covariance(X, neighbors):
    off = X[neighbors] - X[:, None, :]                                         # (n, k, D)
    return np.einsum("nkd,nke->nde", off, off) / neighbors.shape[1]


def manifold_parzen_covariance(X, neighbors, n_components, sigma0_sq):
    w, V = np.linalg.eigh(local_covariance(X, neighbors))                      # ascending
    w, V = w[:, ::-1][:, :n_components], V[:, :, ::-1][:, :, :n_components]
    D = X.shape[1]
    return sigma0_sq * np.eye(D) + np.einsum("ndc,nc,nec->nde", V, w, V)
