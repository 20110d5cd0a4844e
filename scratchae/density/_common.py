"""Pieces every density estimator shares: input checks, the fitted check, chunk sizes, k-NN.

The k-nearest-neighbour search is our own small one (chunked GEMM of squared distances, then
``argpartition``); :mod:`scratchae.manifold` has its own for the neighbourhood graphs.
"""
import contextlib
import numbers

import numpy as np

from scratchae._validation import as_2d_array

__all__ = ["check_data", "check_int", "rows_per_chunk", "squared_norms",
           "kneighbors", "one_blas_thread"]

#: elements of one (rows, n) block of distances: 2^22 doubles = 32 MiB.
BLOCK_ELEMENTS = 1 << 22


def one_blas_thread():
    """A context in which NumPy's BLAS uses one thread (through threadpoolctl, which comes with
    scikit-learn; without it, nothing changes).

    Used around loops that alternate small matrix products with numba kernels: after each
    product, OpenBLAS's idle threads keep spinning for a while, and they then compete with the
    numba kernel's threads for the same cores (measured on 2 cores: 1.6x slower for Parzen
    scoring, 7x for Non-local Manifold Parzen training steps)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def check_data(X, name="X", n_features=None):
    """``X`` as a finite float64 array (n, D); ``ValueError`` naming what is wrong otherwise."""
    return as_2d_array(X, name, n_features=n_features, dtype=np.float64)


def check_int(value, name, low, high=None, high_name=None):
    """``value`` as an int in [low, high] (``high`` optional); ``ValueError`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer; got {value!r}")
    value = int(value)
    if value < low:
        raise ValueError(f"{name} must be >= {low}; got {value}")
    if high is not None and value > high:
        what = f" ({high_name})" if high_name else ""
        raise ValueError(f"{name} must be <= {high}{what}; got {value}")
    return value


def rows_per_chunk(n_columns, chunk_size=None):
    """How many rows to score at once so one (rows, n_columns) block stays near 32 MiB."""
    if chunk_size is not None:
        return int(chunk_size)
    return int(max(1, min(4096, BLOCK_ELEMENTS // max(1, n_columns))))


def squared_norms(X):
    """``|x_i|^2`` for each row, float64 (n,)."""
    return np.einsum("ij,ij->i", X, X)


def kneighbors(X, k, Y=None, chunk_size=None):
    """Indices of the ``k`` nearest rows of ``X`` (Euclidean), for each row of ``Y``.

    Parameters
    ----------
    X : (n, D) float64 reference points.
    k : int, number of neighbours; without ``Y``, ``1 <= k <= n - 1``.
    Y : (m, D) queries, or ``None`` for the rows of ``X`` themselves, each then excluding itself
        (the point, not every duplicate of it).

    Returns (m, k) int64, nearest first. Squared distances come from one GEMM per chunk,
    ``|y|^2 + |x|^2 - 2 y.x``; ties are broken by index.
    """
    n = X.shape[0]
    self_query = Y is None
    Y = X if self_query else Y
    limit = n - 1 if self_query else n
    k = check_int(k, "k (n_neighbors)", 1, limit,
                  "the number of other training points" if self_query else "the number of points")
    sq_x = squared_norms(X)
    sq_y = sq_x if self_query else squared_norms(Y)
    step = rows_per_chunk(n, chunk_size)
    out = np.empty((Y.shape[0], k), dtype=np.int64)
    for start in range(0, Y.shape[0], step):
        stop = min(start + step, Y.shape[0])
        d2 = sq_y[start:stop, None] + sq_x[None, :] - 2.0 * (Y[start:stop] @ X.T)
        np.maximum(d2, 0.0, out=d2)
        if self_query:
            d2[np.arange(stop - start), np.arange(start, stop)] = np.inf
        part = np.argpartition(d2, k - 1, axis=1)[:, :k]
        part_d = np.take_along_axis(d2, part, axis=1)
        order = np.lexsort((part, part_d), axis=1)
        out[start:stop] = np.take_along_axis(part, order, axis=1)
    return out
