"""A few eigenpairs of a large symmetric operator: subspace iteration with Rayleigh--Ritz.

Isomap needs the *top* ``d`` eigenpairs of the dense N x N MDS matrix; LLE needs the *bottom*
``d + 1`` of the sparse matrix ``M``, which it turns into top eigenpairs of ``(M + eps I)^{-1}``
(shift-invert). Neither needs all N: block power iteration finds a few.

For a symmetric operator ``A`` (given as ``apply(Q) = A @ Q``) and a block of ``p = k + oversample``
orthonormal columns ``Q``:

    Z = A Q;  H = Q^T Z;  H = S diag(mu) S^T;  V = Q S  (Ritz vectors, A V ~ V diag(mu));
    stop when ||A v_j - mu_j v_j|| <= tol * max|mu| for the k largest mu_j;
    else Q = an orthonormal basis of Z (:func:`orthonormalize`).

Each step multiplies the components along eigenvector ``j`` by ``lambda_j``, so the block aligns
with the ``p`` eigenvalues of largest magnitude; the error in the wanted ``k`` shrinks like
``(|lambda_{p+1}| / lambda_k)^t``. The oversampling makes that ratio small even when
``lambda_k`` and ``lambda_{k+1}`` are close. The ``k`` *algebraically* largest Ritz values are
returned, so a negative eigenvalue of large magnitude (MDS on non-Euclidean distances) is not
mistaken for a wanted one, as long as the block is wide enough to hold both.
"""
import warnings

import numpy as np

__all__ = ["top_eigenpairs", "orthonormalize", "fix_signs", "EigenNotConverged"]


class EigenNotConverged(RuntimeWarning):
    """Subspace iteration stopped at ``max_iter`` before the residuals met ``tol``."""


def orthonormalize(Z):
    """An orthonormal basis ``Q`` (n, p) of the columns of a tall, thin ``Z`` (n, p), n >> p.

    Two rounds of Cholesky QR: ``G = Z^T Z = R^T R``, ``Q = Z R^{-1}``, then once more on ``Q``.
    The products are (p x p)-sized and done with ``einsum`` on one thread: on a busy machine a
    threaded LAPACK QR of a 5000 x 12 block can wait a hundred times longer than it computes.
    Two rounds are as accurate as Householder QR while ``cond(Z) < 1e7`` or so; if a round
    fails (``Z`` nearly rank-deficient) or ``Q^T Q`` is not the identity to 1e-10, Householder QR
    (``numpy.linalg.qr``) is used instead.
    """
    Q = Z
    try:
        for _ in range(2):
            G = np.einsum("ij,ik->jk", Q, Q)
            R = np.linalg.cholesky(G).T                       # G = R^T R, R upper triangular
            Q = np.einsum("ij,kj->ik", Q, np.linalg.inv(R).T)
        if np.abs(np.einsum("ij,ik->jk", Q, Q) - np.eye(Q.shape[1])).max() < 1e-10:
            return Q
    except np.linalg.LinAlgError:
        pass
    return np.linalg.qr(Z)[0]


def top_eigenpairs(apply, n, k, rng, oversample=10, tol=1e-10, max_iter=1000):
    """The ``k`` algebraically largest eigenpairs of a symmetric n x n operator.

    Parameters
    ----------
    apply : callable mapping an (n, p) array ``Q`` to ``A @ Q`` (n, p).
    n, k : operator size and number of eigenpairs wanted, ``1 <= k <= n``.
    rng : ``numpy.random.Generator`` for the starting block.
    oversample : extra block columns (block width ``p = min(n, k + oversample)``); with
        ``p == n`` one step is exact.
    tol : stop when every wanted residual ``||A v - mu v||`` is below ``tol * max |mu|``.
    max_iter : steps before giving up with an :class:`EigenNotConverged` warning.

    Returns
    -------
    ``(values (k,), vectors (n, k), n_iter)``, values in decreasing order, vectors orthonormal.
    """
    if not 1 <= k <= n:
        raise ValueError(f"k must lie in [1, {n}]; got {k}")
    p = min(n, k + oversample)
    Q = orthonormalize(rng.standard_normal((n, p)))
    res = np.inf
    for it in range(1, max_iter + 1):
        Z = apply(Q)
        H = Q.T @ Z
        mu, S = np.linalg.eigh(0.5 * (H + H.T))
        order = np.argsort(-mu, kind="stable")
        mu, S = mu[order], S[:, order]
        V, AV = Q @ S[:, :k], Z @ S[:, :k]
        scale = max(np.abs(mu).max(), np.finfo(float).tiny)
        res = np.linalg.norm(AV - V * mu[:k], axis=0).max() / scale
        if res <= tol or p == n:
            return mu[:k], V, it
        Q = orthonormalize(Z)
    warnings.warn(f"subspace iteration did not converge in {max_iter} steps: relative residual "
                  f"{res:.2e} > tol {tol:.0e}", EigenNotConverged, stacklevel=2)
    return mu[:k], V, max_iter


def fix_signs(V):
    """Flip columns of ``V`` (n, k) so that each column's entry of largest magnitude is positive
    (eigenvectors are defined up to sign; this makes results deterministic). Returns a copy."""
    V = np.array(V, dtype=np.float64, copy=True)
    if V.size:
        pivot = V[np.argmax(np.abs(V), axis=0), np.arange(V.shape[1])]
        V *= np.where(pivot < 0, -1.0, 1.0)
    return V
