"""Grading of exercise 09_parzen (lesson 06): the Parzen log density with log-sum-exp, the local
covariance of a neighbourhood, and the Manifold Parzen covariance.

Compared with :class:`scratchae.density.ParzenWindows` and
:func:`scratchae.density.manifold_parzen.local_principal_directions`, on data where a small
bandwidth makes every kernel value underflow (h = 0.01).
"""
import numpy as np

from scratchae.density.manifold_parzen import local_principal_directions
from scratchae.density.parzen import ParzenWindows
from scratchae.exercises._grader import Task

_UNDERFLOW = ("exp(-|x - x_i|^2 / (2 h^2)) underflows to 0 for h = 0.01 and log 0 = -inf: "
              "use log-sum-exp")


def _parzen(Q, X, h):
    return ParzenWindows(bandwidth=h, screen=False).fit(X).score_samples(Q)


def _lse_terms(Q, X, h):
    return -((Q[:, None, :] - X[None, :, :]) ** 2).sum(-1) / (2 * h * h)


def _lse(a):
    m = a.max(axis=1, keepdims=True)
    return np.log(np.exp(a - m).sum(axis=1)) + m[:, 0]


def _cases_parzen(rng):
    out = []
    for m, n, D, h in [(1, 5, 2, 0.7), (4, 10, 3, 0.3), (6, 8, 5, 1.5)]:
        out.append((f"{m} queries, {n} training points in {D}-D, h = {h}",
                    (rng.standard_normal((m, D)), rng.standard_normal((n, D)), h)))
    out.append(("h = 0.01, queries far from every training point",
                (rng.standard_normal((3, 4)) + 1.0, rng.standard_normal((7, 4)), 0.01)))
    return out


def _neighbors(X, k):
    d = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    return np.argsort(d, axis=1, kind="stable")[:, :k]


def _cases_local(rng, with_d=False):
    out = []
    for n, D, k, d, s0 in [(6, 3, 3, 1, 0.1), (10, 4, 5, 2, 0.05), (8, 5, 4, 2, 0.2)]:
        X = rng.standard_normal((n, D)) * np.linspace(2.0, 0.3, D)
        args = (X, _neighbors(X, k)) + ((d, s0) if with_d else ())
        out.append((f"{n} points in {D}-D, k = {k}" + (f", d = {d}, sigma0^2 = {s0}"
                                                       if with_d else ""), args))
    return out


def _cases_mp(rng):
    return _cases_local(rng, with_d=True)


def _local_cov(X, neighbors):
    n, k = neighbors.shape
    U, lam = local_principal_directions(X, neighbors, min(k, X.shape[1]))
    return np.einsum("ncd,nc,nce->nde", U, lam, U)


def _mp_cov(X, neighbors, d, s0):
    U, lam = local_principal_directions(X, neighbors, d)
    D = X.shape[1]
    return s0 * np.eye(D)[None] + np.einsum("ncd,nc,nce->nde", U, lam, U)


def _offsets(X, nb, centre_on_mean=False):
    off = X[nb] - X[:, None, :]
    if centre_on_mean:
        off = X[nb] - X[nb].mean(axis=1, keepdims=True)
    return off


def _eig_cov(C, d, s0, smallest=False, sqrt=False):
    w, V = np.linalg.eigh(C)
    idx = slice(0, d) if smallest else slice(-1, -d - 1, -1)
    w, V = w[:, idx], V[:, :, idx]
    if sqrt:
        w = np.sqrt(np.maximum(w, 0))
    D = C.shape[1]
    return s0 * np.eye(D)[None] + np.einsum("ndc,nc,nec->nde", V, w, V)


TASKS = [
    Task("parzen_log_density", _cases_parzen, _parzen,
         [("missing the Gaussian's normaliser -(D/2) log(2 pi h^2)",
           lambda Q, X, h: _lse(_lse_terms(Q, X, h)) - np.log(len(X))),
          ("missing the -log n of the average over the n windows",
           lambda Q, X, h: _parzen(Q, X, h) + np.log(len(X))),
          ("the exponent is -|x - x_i|^2 / (2 h^2): h is the standard deviation, square it",
           lambda Q, X, h: _lse(_lse_terms(Q, X, np.sqrt(h))) - np.log(len(X))
           - 0.5 * X.shape[1] * np.log(2 * np.pi * h * h)),
          (_UNDERFLOW, lambda Q, X, h: np.log(np.exp(_lse_terms(Q, X, h)).sum(1)) - np.log(len(X))
           - 0.5 * X.shape[1] * np.log(2 * np.pi * h * h))],
         source="scratchae.density.ParzenWindows"),
    Task("local_covariance", _cases_local, _local_cov,
         [("centred the offsets on the neighbours' mean: Manifold Parzen centres them on x_i "
           "itself", lambda X, nb: np.einsum("nkd,nke->nde", _offsets(X, nb, True),
                                             _offsets(X, nb, True)) / nb.shape[1]),
          ("divided by k - 1: the local covariance is (1/k) sum_j (x_j - x_i)(x_j - x_i)^T",
           lambda X, nb: np.einsum("nkd,nke->nde", _offsets(X, nb), _offsets(X, nb))
           / (nb.shape[1] - 1)),
          ("forgot the 1/k", lambda X, nb: np.einsum("nkd,nke->nde", _offsets(X, nb),
                                                     _offsets(X, nb)))],
         source="scratchae.density.manifold_parzen.local_principal_directions"),
    Task("manifold_parzen_covariance", _cases_mp, _mp_cov,
         [("np.linalg.eigh sorts eigenvalues in ascending order: keep the d LARGEST",
           lambda X, nb, d, s0: _eig_cov(_local_cov(X, nb), d, s0, smallest=True)),
          ("missing sigma0^2 I: the covariance is sigma0^2 I + sum_c lam_c u_c u_c^T",
           lambda X, nb, d, s0: _eig_cov(_local_cov(X, nb), d, 0.0)),
          ("used the square roots of the eigenvalues (singular values of the offsets / sqrt k); "
           "lam_c are the eigenvalues of C_i", lambda X, nb, d, s0: _eig_cov(
               _local_cov(X, nb), d, s0, sqrt=True)),
          ("kept all the directions of C_i instead of the top d",
           lambda X, nb, d, s0: s0 * np.eye(X.shape[1])[None] + _local_cov(X, nb))],
         source="scratchae.density.manifold_parzen.local_principal_directions"),
]
