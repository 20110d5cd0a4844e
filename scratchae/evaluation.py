"""Evaluating autoencoders as generative models and as codes (slides, part 04 "Performance --
Generation" and part 05 "Applications": retrieval, generation, denoising).

* :func:`parzen_log_likelihood` -- the Parzen-window log-likelihood of generated samples, the
  protocol of Goodfellow et al. 2014 (GAN) that Makhzani et al. 2015 (AAE) reuse: fit an isotropic
  Gaussian Parzen window to samples *of the model*, choose its width sigma on a validation set by
  maximising the mean log-likelihood over a grid, report the mean log-likelihood of the test set
  and its standard error.
* :func:`precision_at_k` -- retrieval by nearest neighbours in code space: the fraction of the k
  codes nearest to a query whose label is the query's.
* :func:`sliced_wasserstein` -- how far a set of codes is from samples of a prior (used to watch an
  AAE's codes move onto its prior).
* :func:`gaussian_quantile_grid`, :func:`interpolate_codes`, :func:`denoising_errors` -- small
  helpers of the applications lesson (a 20 x 20 grid over z, paths between codes, and the error
  of reconstructing corrupted inputs).
"""
import numbers
from statistics import NormalDist
from typing import NamedTuple

import numpy as np

from scratchae._validation import as_2d_array, check_positive, make_rng
from scratchae.data.corruption import check_corruption, corrupt
from scratchae.density.parzen import ParzenWindows

__all__ = ["GOODFELLOW_SIGMAS", "ParzenResult", "parzen_log_likelihood", "nearest_neighbors",
           "precision_at_k", "sliced_wasserstein", "gaussian_quantile_grid", "interpolate_codes",
           "denoising_errors"]

#: the sigma grid of Goodfellow et al.'s ``parzen_ll.py``: 10 values from 0.1 to 1, log-spaced.
GOODFELLOW_SIGMAS = np.logspace(-1.0, 0.0, 10)


class ParzenResult(NamedTuple):
    """What :func:`parzen_log_likelihood` found.

    ``sigma`` the chosen width; ``sigmas``/``validation_scores`` the grid and the mean
    validation log-likelihood of each; ``mean`` and ``stderr`` the test log-likelihood (nats per
    example) and its standard error std/sqrt(n); ``log_likelihoods`` the per-example values (m,);
    ``n_samples`` the number of generated samples the windows sit on.
    """

    sigma: float
    mean: float
    stderr: float
    sigmas: np.ndarray
    validation_scores: np.ndarray
    log_likelihoods: np.ndarray
    n_samples: int

    def __str__(self):
        return (f"Parzen log-likelihood {self.mean:.1f} +- {self.stderr:.1f} nats "
                f"(sigma = {self.sigma:.4g} chosen on validation, {self.n_samples} samples)")


def _check_sigmas(sigmas):
    arr = np.atleast_1d(np.asarray(sigmas, dtype=np.float64))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"sigmas must be a non-empty 1-D list of positive numbers; got {sigmas!r}")
    return arr


def parzen_log_likelihood(samples, x_test, x_val, sigmas=GOODFELLOW_SIGMAS, screen="auto",
                          chunk_size=None):
    """The Parzen-window log-likelihood of ``x_test`` under samples of a model.

        p_sigma(x) = (1/n) sum_{j=1}^n N(x; s_j, sigma^2 I),   s_j = ``samples`` (n, D)

    1. for every sigma of the grid, the mean of log p_sigma(x) over ``x_val`` (m_val, D);
    2. sigma* = the argmax (the validation set only -- the test set never sees the grid);
    3. log p_sigma*(x) for every row of ``x_test`` (m, D): the mean and its standard error
       std / sqrt(m) (numpy's std, ddof = 0, as in Goodfellow et al.'s ``parzen_ll.py``).

    The protocol of Goodfellow et al. 2014 and Makhzani et al. 2015 uses n = 10,000 samples, the
    grid :data:`GOODFELLOW_SIGMAS`, the first 1,000 images of MNIST's validation split (the last
    10,000 training images) and the 10,000 test images. Densities come from
    :class:`scratchae.density.ParzenWindows` (``screen``/``chunk_size`` are passed to it).
    Returns a :class:`ParzenResult`.
    """
    samples = as_2d_array(samples, "samples", dtype=np.float64)
    D = samples.shape[1]
    x_val = as_2d_array(x_val, "x_val", n_features=D, dtype=np.float64)
    x_test = as_2d_array(x_test, "x_test", n_features=D, dtype=np.float64)
    sigmas = _check_sigmas(sigmas)
    # One fit serves every sigma: what ParzenWindows.fit stores (the points, and what its
    # screening precomputes) does not depend on the width, which score_samples reads from the
    # ``bandwidth`` hyperparameter (scikit-learn style); tests check the result against the
    # formula above.
    kde = ParzenWindows(bandwidth=float(sigmas[0]), screen=screen, chunk_size=chunk_size)
    kde.fit(samples)
    scores = np.empty(sigmas.size)
    for i, sigma in enumerate(sigmas):
        kde.bandwidth = float(sigma)
        scores[i] = float(np.mean(kde.score_samples(x_val)))
    best = float(sigmas[int(np.argmax(scores))])
    kde.bandwidth = best
    ll = kde.score_samples(x_test)
    stderr = float(np.std(ll) / np.sqrt(ll.size))
    return ParzenResult(best, float(np.mean(ll)), stderr, sigmas, scores, ll, samples.shape[0])


# ----------------------------------------------------------------------------- retrieval
def _check_k(k, limit, what):
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"k must be a positive integer; got {k!r}")
    if k > limit:
        raise ValueError(f"k = {k} exceeds {what} ({limit})")
    return int(k)


def _normalise_rows(a):
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("cosine distance needs non-zero codes; got a row of zeros")
    return a / norms


def nearest_neighbors(query, database=None, k=10, metric="euclidean", chunk_size=1024):
    """Indices (m, k) of the ``k`` rows of ``database`` (n, J) nearest to each row of ``query``
    (m, J), nearest first (ties broken by index).

    ``metric``: ``"euclidean"`` (|q - x|^2 = |q|^2 + |x|^2 - 2 q.x, one GEMM per chunk) or
    ``"cosine"`` (1 - q.x / (|q| |x|)). Without ``database`` the query set is searched and every
    query leaves itself out (leave-one-out retrieval), so k <= m - 1.
    """
    if metric not in ("euclidean", "cosine"):
        raise ValueError(f"metric must be 'euclidean' or 'cosine'; got {metric!r}")
    check_positive(chunk_size, "chunk_size", integer=True)
    q = as_2d_array(query, "query", dtype=np.float64)
    self_query = database is None
    x = q if self_query else as_2d_array(database, "database", n_features=q.shape[1],
                                         dtype=np.float64)
    n = x.shape[0]
    k = _check_k(k, n - 1 if self_query else n,
                 "the number of other codes" if self_query else "the database size")
    if metric == "cosine":
        q = _normalise_rows(q)
        x = q if self_query else _normalise_rows(x)
    sq_x = np.einsum("ij,ij->i", x, x)
    out = np.empty((q.shape[0], k), dtype=np.int64)
    for s in range(0, q.shape[0], chunk_size):
        qb = q[s:s + chunk_size]
        if metric == "euclidean":
            d = np.einsum("ij,ij->i", qb, qb)[:, None] + sq_x[None, :] - 2.0 * (qb @ x.T)
        else:
            d = 1.0 - qb @ x.T
        if self_query:
            d[np.arange(len(qb)), np.arange(s, s + len(qb))] = np.inf
        part = np.argpartition(d, k - 1, axis=1)[:, :k]
        part_d = np.take_along_axis(d, part, axis=1)
        order = np.lexsort((part, part_d), axis=1)
        out[s:s + len(qb)] = np.take_along_axis(part, order, axis=1)
    return out


def _check_labels(labels, n, name):
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},), one label per code; got {labels.shape}")
    return labels


def precision_at_k(query_codes, query_labels, db_codes=None, db_labels=None, k=10,
                   metric="euclidean", return_per_query=False):
    """Retrieval precision@k: for each query, the fraction of its k nearest database codes that
    share its label, averaged over the queries.

        P@k = (1/m) sum_q (1/k) |{j in kNN(q) : label_j = label_q}|

    ``query_codes`` (m, J) with ``query_labels`` (m,); ``db_codes`` (n, J) with ``db_labels``
    (n,), or neither (leave-one-out within the queries). ``k`` an int or a list of ints (then a
    dict k -> precision is returned). ``return_per_query`` also returns the per-query values
    (m,) (a dict of them for a list of k).
    """
    q = as_2d_array(query_codes, "query_codes", dtype=np.float64)
    ql = _check_labels(query_labels, q.shape[0], "query_labels")
    if (db_codes is None) != (db_labels is None):
        raise ValueError("give both db_codes and db_labels, or neither (leave-one-out)")
    if db_codes is not None:
        db = as_2d_array(db_codes, "db_codes", n_features=q.shape[1], dtype=np.float64)
        dl = _check_labels(db_labels, db.shape[0], "db_labels")
    else:
        db, dl = None, ql
    single = isinstance(k, numbers.Integral) and not isinstance(k, bool)
    ks = [k] if single else list(k)
    if not ks:
        raise ValueError("k must be a positive integer or a non-empty list of them")
    limit, what = (q.shape[0] - 1, "the number of other codes") if db is None \
        else (db.shape[0], "the database size")
    ks = [_check_k(kk, limit, what) for kk in ks]
    nn = nearest_neighbors(q, db, max(ks), metric)
    hits = dl[nn] == ql[:, None]                                       # (m, k_max)
    per_query = {kk: hits[:, :kk].mean(axis=1) for kk in ks}
    means = {kk: float(v.mean()) for kk, v in per_query.items()}
    if single:
        return (means[ks[0]], per_query[ks[0]]) if return_per_query else means[ks[0]]
    return (means, per_query) if return_per_query else means


# ------------------------------------------------------------------- codes vs the prior
def sliced_wasserstein(a, b, n_directions=64, rng=None):
    """The sliced 2-Wasserstein distance between two point clouds of equal size (n, J):

        SW(a, b) = sqrt( mean_u  mean_i (sort(a u)_i - sort(b u)_i)^2 ),  u on the unit sphere

    over ``n_directions`` random directions u (seeded by ``rng``). Along one direction the optimal
    transport between two equal-size samples pairs them in sorted order, so each term is exact;
    SW is 0 for identical clouds and grows with any difference of shape, position or scale.
    """
    a = as_2d_array(a, "a", dtype=np.float64)
    b = as_2d_array(b, "b", n_features=a.shape[1], dtype=np.float64)
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"a and b must hold the same number of points; got {a.shape[0]} and "
                         f"{b.shape[0]}")
    check_positive(n_directions, "n_directions", integer=True)
    u = make_rng(rng).standard_normal((a.shape[1], n_directions))
    u /= np.linalg.norm(u, axis=0, keepdims=True)
    pa, pb = np.sort(a @ u, axis=0), np.sort(b @ u, axis=0)
    return float(np.sqrt(np.mean((pa - pb) ** 2)))


# -------------------------------------------------------------------------- applications
def gaussian_quantile_grid(n=20, std=1.0, low=0.05, high=0.95):
    """n evenly spaced quantiles of N(0, std^2), from ``low`` to ``high`` (1-D, ascending): the
    coordinates of the slides' 20 x 20 manifold grid for a Gaussian prior, so that each cell holds
    about the same prior mass."""
    check_positive(n, "n", integer=True)
    check_positive(std, "std")
    if not 0.0 < low < high < 1.0:
        raise ValueError(f"need 0 < low < high < 1; got low={low!r}, high={high!r}")
    return np.array([std * NormalDist().inv_cdf(p) for p in np.linspace(low, high, n)])


def interpolate_codes(z0, z1, n=10):
    """n codes on the segment from ``z0`` to ``z1`` (each (J,)), endpoints included: (n, J)."""
    z0 = np.asarray(z0, dtype=np.float64)
    z1 = np.asarray(z1, dtype=np.float64)
    if z0.ndim != 1 or z0.shape != z1.shape:
        raise ValueError(f"z0 and z1 must be 1-D codes of the same width; got {z0.shape} and "
                         f"{z1.shape}")
    check_positive(n, "n", integer=True)
    t = np.linspace(0.0, 1.0, n)[:, None]
    return (1.0 - t) * z0 + t * z1


def denoising_errors(reconstruct, x, kind="masking", levels=(0.1, 0.25, 0.5), rng=None):
    """Mean squared error per example of corrupted inputs and of their reconstructions, against
    the clean ``x`` (n, D), for every corruption ``level`` of ``kind`` (``"masking"``,
    ``"salt_and_pepper"``, ``"gaussian"``; :mod:`scratchae.data.corruption`).

    ``reconstruct`` maps (n, D) -> (n, D) (e.g. ``model.reconstruct``). Returns ``(rows, last)``:
    ``rows`` a list of dicts ``{"level", "noisy", "reconstructed"}`` (squared errors summed over
    features, averaged over examples), ``last`` the pair (corrupted, reconstructed) arrays of the
    last level (for figures).
    """
    kind, _ = check_corruption(kind, 0.0)
    x = as_2d_array(x, "x")
    rng = make_rng(rng)
    rows, last = [], None
    for level in levels:
        _, level = check_corruption(kind, level)
        noisy = corrupt(x, kind, level, rng)
        recon = np.asarray(reconstruct(noisy))
        if recon.shape != x.shape:
            raise ValueError(f"reconstruct must return the input's shape {x.shape}; got "
                             f"{recon.shape}")
        rows.append({"level": level,
                     "noisy": float(np.mean(np.sum((noisy - x) ** 2, axis=1))),
                     "reconstructed": float(np.mean(np.sum((recon - x) ** 2, axis=1)))})
        last = (noisy, recon)
    return rows, last
