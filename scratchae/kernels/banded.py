"""Cholesky factorisation and solves for a symmetric positive definite *band* matrix.

LLE's eigenproblem (slides, part 02, LLE step 3) needs the bottom eigenvectors of the sparse
matrix ``M = (I - W)^T (I - W)``. After the nodes are renumbered so that neighbours get nearby
numbers (reverse Cuthill--McKee), every non-zero of ``M`` lies within ``b`` of the diagonal, and
Cholesky's factor ``L`` (``A = L L^T``) has the same band: O(n b^2) work instead of O(n^3).

Storage (LAPACK's lower band, by rows): ``ab`` of shape (n, b + 1) with ``ab[i, t] = A[i, i - t]``
for ``t = 0..b`` (``t = 0`` is the diagonal; entries with ``i - t < 0`` are ignored).

* ``band_cholesky(ab) -> lb``: the factor ``L`` in the same layout,

      L[i, j] = (A[i, j] - sum_{k<j} L[i, k] L[j, k]) / L[j, j],
      L[i, i] = sqrt(A[i, i] - sum_{k<i} L[i, k]^2),

  raising ``ValueError`` if a pivot is not positive (A not positive definite).
* ``band_cholesky_solve(lb, rhs) -> x``: solves ``L L^T x = rhs`` for ``rhs`` of shape (n, p) by
  forward substitution (``L y = rhs``) then back substitution (``L^T x = y``); a new array.

The twins: ``band_cholesky`` forms the dense matrix and calls ``numpy.linalg.cholesky`` (n^2
memory, n^3 time); ``band_cholesky_solve`` runs the substitutions one row at a time with NumPy
dot products. They agree with the kernels to rounding.
"""
import numpy as np

from scratchae.kernels import Kernel

__all__ = ["band_cholesky", "band_cholesky_solve", "band_to_dense"]

_NOT_PD = "band_cholesky: the matrix is not positive definite (a pivot is <= 0)"


def band_to_dense(ab, symmetric=True):
    """The dense (n, n) matrix of a lower band ``ab`` (n, b+1); mirrored if ``symmetric``."""
    n, w = ab.shape
    A = np.zeros((n, n))
    for t in range(min(w, n)):
        i = np.arange(t, n)
        A[i, i - t] = ab[t:, t]
        if symmetric and t > 0:
            A[i - t, i] = ab[t:, t]
    return A


def _band_cholesky_twin(ab):
    """Cholesky factor of a symmetric band matrix, in band storage (dense NumPy)."""
    n, w = ab.shape
    try:
        L = np.linalg.cholesky(band_to_dense(ab))
    except np.linalg.LinAlgError:
        raise ValueError(_NOT_PD) from None
    lb = np.zeros_like(ab, dtype=np.float64)
    for t in range(min(w, n)):
        i = np.arange(t, n)
        lb[t:, t] = L[i, i - t]
    return lb


def _band_cholesky_loops(ab):
    n, w = ab.shape
    b = w - 1
    lb = np.zeros((n, w))
    for i in range(n):
        j0 = max(0, i - b)
        for j in range(j0, i + 1):
            # sum_{k=j0}^{j-1} L[i, k] L[j, k], written with u = j - k so that both rows of the
            # band are read forwards: L[i, k] = lb[i, (i - j) + u], L[j, k] = lb[j, u]
            off = i - j
            s = ab[i, off]
            for u in range(1, j - j0 + 1):
                s -= lb[i, off + u] * lb[j, u]
            if j < i:
                lb[i, off] = s / lb[j, 0]
            elif s > 0.0:
                lb[i, 0] = np.sqrt(s)
            else:
                raise ValueError(_NOT_PD)
    return lb


def _band_cholesky_solve_twin(lb, rhs):
    """Solve (L L^T) x = rhs given L in band storage (row-by-row NumPy substitutions)."""
    n, w = lb.shape
    b = w - 1
    x = np.array(rhs, dtype=np.float64, copy=True)
    for i in range(n):                              # L y = rhs
        j0 = max(0, i - b)
        row = lb[i, i - j0:0:-1]                    # L[i, j0:i]
        x[i] = (x[i] - row @ x[j0:i]) / lb[i, 0]
    for i in range(n - 1, -1, -1):                  # L^T x = y
        k1 = min(n, i + b + 1)
        ks = np.arange(i + 1, k1)
        col = lb[ks, ks - i]                        # L[i+1:k1, i]
        x[i] = (x[i] - col @ x[i + 1:k1]) / lb[i, 0]
    return x


def _band_cholesky_solve_loops(lb, rhs):
    n, w = lb.shape
    b = w - 1
    p = rhs.shape[1]
    x = np.empty((n, p))
    for i in range(n):
        for c in range(p):
            x[i, c] = rhs[i, c]
    for i in range(n):                              # L y = rhs: y_i -= L[i, i-u] y_{i-u}
        for u in range(1, min(b, i) + 1):
            l_iu = lb[i, u]
            for c in range(p):
                x[i, c] -= l_iu * x[i - u, c]
        d = lb[i, 0]
        for c in range(p):
            x[i, c] /= d
    for i in range(n - 1, -1, -1):                  # L^T x = y: x_i -= L[i+u, i] x_{i+u}
        for u in range(1, min(b, n - 1 - i) + 1):
            l_ui = lb[i + u, u]
            for c in range(p):
                x[i, c] -= l_ui * x[i + u, c]
        d = lb[i, 0]
        for c in range(p):
            x[i, c] /= d
    return x


def _example_ab():
    ab = np.zeros((4, 2))
    ab[:, 0] = 2.0
    ab[1:, 1] = -1.0
    return (ab,)


def _example_solve():
    (ab,) = _example_ab()
    return _band_cholesky_twin(ab), np.ones((4, 2))


_band_cholesky_twin.__name__ = "band_cholesky"
_band_cholesky_solve_twin.__name__ = "band_cholesky_solve"
band_cholesky = Kernel(_band_cholesky_twin, _band_cholesky_loops, example=_example_ab)
band_cholesky_solve = Kernel(_band_cholesky_solve_twin, _band_cholesky_solve_loops,
                             example=_example_solve)
