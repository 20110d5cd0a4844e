"""Kernels of the Parzen-window family: log-sum-exp of Gaussian log kernels, row by row.

Every density in :mod:`scratchae.density` is a mixture with one Gaussian per training point,

    log p(x_i) = log sum_j exp(e_ij) - log n,

so after the matrix products (done by BLAS) the CPU spends its time turning a block of
cross products into exponents ``e_ij`` and log-sum-exp'ing each row. These kernels do that in
one pass over the block, with no temporary (m, n) arrays, in float64, one row per thread:

* :data:`gaussian_logsumexp` -- isotropic kernels (Parzen windows):
  ``e_ij = -scale * max(|a_i|^2 + |b_j|^2 - 2 a_i.b_j, 0)``, with ``scale = 1 / (2 h^2)``.
* :data:`lowrank_logsumexp` -- Gaussians whose covariance is low rank plus isotropic
  (Manifold Parzen, Non-local Manifold Parzen), see the kernel's docstring.
* :data:`bound_candidates` and :data:`candidate_logsumexp` -- the screened Parzen path: a
  lower bound on every distance, from a GEMM in a p-dimensional principal subspace, picks for
  each row the few training points that can matter, whose distances are then computed exactly
  (see :mod:`scratchae.density.parzen`).

The log-sum-exp is the stable one: ``LSE(e) = m + log sum_j exp(e_j - m)`` with ``m = max_j e_j``
(the loops keep a running maximum and rescale the running sum when it grows, so each exponent
is read once). A row whose every term is excluded gives ``-inf``.
"""
import numpy as np

from scratchae.kernels import Kernel

__all__ = ["gaussian_logsumexp", "lowrank_logsumexp", "bound_candidates",
           "candidate_logsumexp"]


def _rowwise_lse(e):
    """Stable log-sum-exp of each row of ``e`` (m, n); ``-inf`` for a row of all ``-inf``."""
    mx = np.max(e, axis=1)
    finite = np.isfinite(mx)
    safe = np.where(finite, mx, 0.0)
    with np.errstate(divide="ignore"):
        out = safe + np.log(np.sum(np.exp(e - safe[:, None]), axis=1))
    return np.where(finite, out, -np.inf)


# --------------------------------------------------------------------------- isotropic Gaussian
def _gaussian_logsumexp_twin(cross, sq_a, sq_b, scale, exclude):
    """Row-wise log-sum-exp of isotropic Gaussian log kernels (plain NumPy).

    Parameters
    ----------
    cross : (m, n) float64, ``cross[i, j] = a_i . b_j`` (a GEMM's output).
    sq_a : (m,) float64, ``|a_i|^2``;  sq_b : (n,) float64, ``|b_j|^2``.
    scale : float, the factor ``1 / (2 h^2)``.
    exclude : (m,) int64, a column to leave out of row i (leave-one-out), or -1 for none.

    Returns (m,) float64:  ``log sum_{j != exclude[i]} exp(-scale * max(d2_ij, 0))`` where
    ``d2_ij = |a_i|^2 + |b_j|^2 - 2 a_i.b_j`` is the squared distance (clipped at 0, because
    round-off can make it slightly negative for near-identical points).
    """
    d2 = np.maximum(sq_a[:, None] + sq_b[None, :] - 2.0 * cross, 0.0)
    e = -scale * d2
    rows = np.nonzero(exclude >= 0)[0]
    e[rows, exclude[rows]] = -np.inf
    return _rowwise_lse(e)


def _gaussian_logsumexp_loops(cross, sq_a, sq_b, scale, exclude):
    m, n = cross.shape
    out = np.empty(m)
    for i in prange(m):
        run_max = -np.inf
        run_sum = 0.0
        skip = exclude[i]
        for j in range(n):
            if j == skip:
                continue
            d2 = sq_a[i] + sq_b[j] - 2.0 * cross[i, j]
            if d2 < 0.0:
                d2 = 0.0
            e = -scale * d2
            if e > run_max:
                run_sum = run_sum * np.exp(run_max - e) + 1.0
                run_max = e
            else:
                run_sum += np.exp(e - run_max)
        out[i] = run_max + np.log(run_sum) if run_sum > 0.0 else -np.inf
    return out


# ------------------------------------------------------------------- low rank plus isotropic
def _lowrank_logsumexp_twin(cross, sq_x, sq_c, xu, cu, inv_var, inv_noise, log_norm):
    """Row-wise log-sum-exp of log N(x_i; c_j, Sigma_j), Sigma_j = s2_j I + U_j' diag(lam_j) U_j.

    Component j has centre c_j (D,), ``d`` orthonormal directions, the rows of U_j (d, D),
    variances ``lam_j + s2_j`` along them and ``s2_j`` in the other D - d directions. With
    ``v = x_i - c_j``, its projections ``p_c = U_jc . v`` and ``q = |v|^2``,

        v' Sigma_j^{-1} v = (q - sum_c p_c^2) / s2_j + sum_c p_c^2 / (lam_jc + s2_j)

    (the first term is the part of v outside the d directions, clipped at 0 against round-off),
    and ``log N = log_norm_j - v' Sigma_j^{-1} v / 2``. Nothing of size D x D is ever formed.

    Parameters
    ----------
    cross : (m, n)  ``x_i . c_j``;  sq_x : (m,) ``|x_i|^2``;  sq_c : (n,) ``|c_j|^2``.
    xu : (m, n*d)  ``x_i . U_jc`` at column ``j*d + c``;  cu : (n*d,)  ``c_j . U_jc``.
    inv_var : (n, d)  ``1 / (lam_jc + s2_j)``;  inv_noise : (n,)  ``1 / s2_j``.
    log_norm : (n,)  ``-(D log 2 pi + sum_c log(lam_jc + s2_j) + (D - d) log s2_j) / 2``.

    Returns (m,) float64: ``log sum_j N(x_i; c_j, Sigma_j)``.
    """
    m, n = cross.shape
    d = inv_var.shape[1]
    q = np.maximum(sq_x[:, None] + sq_c[None, :] - 2.0 * cross, 0.0)
    if d > 0:
        p = (xu - cu[None, :]).reshape(m, n, d)
        p2 = p * p
        outside = np.maximum(q - p2.sum(axis=2), 0.0)
        maha = outside * inv_noise[None, :] + np.einsum("mnd,nd->mn", p2, inv_var)
    else:
        maha = q * inv_noise[None, :]
    return _rowwise_lse(log_norm[None, :] - 0.5 * maha)


def _lowrank_logsumexp_loops(cross, sq_x, sq_c, xu, cu, inv_var, inv_noise, log_norm):
    m, n = cross.shape
    d = inv_var.shape[1]
    out = np.empty(m)
    for i in prange(m):
        run_max = -np.inf
        run_sum = 0.0
        for j in range(n):
            q = sq_x[i] + sq_c[j] - 2.0 * cross[i, j]
            if q < 0.0:
                q = 0.0
            inside = 0.0
            weighted = 0.0
            for c in range(d):
                p = xu[i, j * d + c] - cu[j * d + c]
                p2 = p * p
                inside += p2
                weighted += p2 * inv_var[j, c]
            outside = q - inside
            if outside < 0.0:
                outside = 0.0
            e = log_norm[j] - 0.5 * (outside * inv_noise[j] + weighted)
            if e > run_max:
                run_sum = run_sum * np.exp(run_max - e) + 1.0
                run_max = e
            else:
                run_sum += np.exp(e - run_max)
        out[i] = run_max + np.log(run_sum) if run_sum > 0.0 else -np.inf
    return out


# ---------------------------------------------------------------------- screened Parzen path
def _bound_candidates_twin(cross, sq_yq, sq_yx, r_q, r_x, Q, X, window, margin, exclude):
    """Which training points can matter to each query, from a cheap lower bound on distances.

    With an orthonormal projection P (p x D) of centred data, y = P(x - m), and the residual
    norms r = |(I - P'P)(x - m)|, the squared distance splits into the part inside the
    subspace and the part outside it, and the triangle inequality bounds the outside part:

        LB_ij = |y_i - y_j|^2 + (r_i - r_j)^2  <=  |q_i - x_j|^2.

    ``|y_i - y_j|^2 = sq_yq_i + sq_yx_j - 2 cross_ij`` comes from a p-dimensional GEMM. For each
    row, the column j* of smallest LB gets its exact distance UB_i = |q_i - x_j*|^2 >= the true
    nearest distance, and column j is a candidate when

        LB_ij <= UB_i + window + margin[i].

    Every j outside the set has |q_i - x_j|^2 > (nearest)^2 + window: its term is more than
    ``window * scale`` nats below the largest one. ``margin`` covers float64 round-off.

    Parameters
    ----------
    cross : (m, n) ``y_i . y_j``;  sq_yq : (m,), sq_yx : (n,) squared norms of the projections.
    r_q : (m,), r_x : (n,) residual norms;  Q : (m, D), X : (n, D) the points themselves.
    window : float;  margin : (m,) float;  exclude : (m,) int64 column to leave out, or -1.

    Returns ``(row_ptr, cols)``: row i's candidates are ``cols[row_ptr[i]:row_ptr[i + 1]]`` (CSR,
    int64, columns increasing).
    """
    lb = np.maximum(sq_yq[:, None] + sq_yx[None, :] - 2.0 * cross, 0.0) \
        + (r_q[:, None] - r_x[None, :]) ** 2
    rows = np.nonzero(exclude >= 0)[0]
    lb[rows, exclude[rows]] = np.inf
    best = np.argmin(lb, axis=1)
    ub = np.sum((Q - X[best]) ** 2, axis=1)
    mask = lb <= (ub + window + margin)[:, None]
    row_ptr = np.zeros(cross.shape[0] + 1, dtype=np.int64)
    np.cumsum(mask.sum(axis=1), out=row_ptr[1:])
    return row_ptr, np.nonzero(mask)[1].astype(np.int64)


def _bound_candidates_loops(cross, sq_yq, sq_yx, r_q, r_x, Q, X, window, margin, exclude):
    m, n = cross.shape
    dim = Q.shape[1]
    threshold = np.empty(m)
    counts = np.zeros(m, dtype=np.int64)
    for i in prange(m):
        lb_min = np.inf
        best = 0
        for j in range(n):
            if j == exclude[i]:
                continue
            y2 = sq_yq[i] + sq_yx[j] - 2.0 * cross[i, j]
            if y2 < 0.0:
                y2 = 0.0
            dr = r_q[i] - r_x[j]
            lb = y2 + dr * dr
            if lb < lb_min:
                lb_min = lb
                best = j
        ub = 0.0
        for k in range(dim):
            t = Q[i, k] - X[best, k]
            ub += t * t
        t_i = ub + window + margin[i]
        threshold[i] = t_i
        c = 0
        for j in range(n):
            if j == exclude[i]:
                continue
            y2 = sq_yq[i] + sq_yx[j] - 2.0 * cross[i, j]
            if y2 < 0.0:
                y2 = 0.0
            dr = r_q[i] - r_x[j]
            if y2 + dr * dr <= t_i:
                c += 1
        counts[i] = c
    row_ptr = np.zeros(m + 1, dtype=np.int64)
    for i in range(m):
        row_ptr[i + 1] = row_ptr[i] + counts[i]
    cols = np.empty(row_ptr[m], dtype=np.int64)
    for i in prange(m):
        p = row_ptr[i]
        t_i = threshold[i]
        for j in range(n):
            if j == exclude[i]:
                continue
            y2 = sq_yq[i] + sq_yx[j] - 2.0 * cross[i, j]
            if y2 < 0.0:
                y2 = 0.0
            dr = r_q[i] - r_x[j]
            if y2 + dr * dr <= t_i:
                cols[p] = j
                p += 1
    return row_ptr, cols


def _candidate_logsumexp_twin(a, b, row_ptr, cols, scale):
    """Row-wise log-sum-exp of ``-scale |a_i - b_j|^2`` over row i's candidate columns j.

    The squared distances are summed from the differences in float64 (no cancellation).

    Parameters
    ----------
    a : (m, D) float64 rows;  b : (n, D) float64 training points.
    row_ptr : (m + 1,) int64, cols : (nnz,) int64 -- the CSR output of ``bound_candidates``.
    scale : float, ``1 / (2 h^2)``.

    Returns (m,) float64 (``-inf`` for a row without candidates).
    """
    m = a.shape[0]
    out = np.full(m, -np.inf)
    for i in range(m):
        seg = cols[row_ptr[i]:row_ptr[i + 1]]
        if seg.size == 0:
            continue
        diff = b[seg] - a[i]
        e = -scale * np.einsum("jd,jd->j", diff, diff)
        mx = e.max()
        out[i] = mx + np.log(np.sum(np.exp(e - mx)))
    return out


def _candidate_logsumexp_loops(a, b, row_ptr, cols, scale):
    m, dim = a.shape
    out = np.empty(m)
    for i in prange(m):
        run_max = -np.inf
        run_sum = 0.0
        for p in range(row_ptr[i], row_ptr[i + 1]):
            j = cols[p]
            # four independent partial sums: the CPU can overlap them (and LLVM may pack them
            # into one vector register) without reordering any single sum
            s0 = 0.0
            s1 = 0.0
            s2 = 0.0
            s3 = 0.0
            k = 0
            while k + 4 <= dim:
                t0 = a[i, k] - b[j, k]
                t1 = a[i, k + 1] - b[j, k + 1]
                t2 = a[i, k + 2] - b[j, k + 2]
                t3 = a[i, k + 3] - b[j, k + 3]
                s0 += t0 * t0
                s1 += t1 * t1
                s2 += t2 * t2
                s3 += t3 * t3
                k += 4
            while k < dim:
                t0 = a[i, k] - b[j, k]
                s0 += t0 * t0
                k += 1
            d2 = (s0 + s1) + (s2 + s3)
            e = -scale * d2
            if e > run_max:
                run_sum = run_sum * np.exp(run_max - e) + 1.0
                run_max = e
            else:
                run_sum += np.exp(e - run_max)
        out[i] = run_max + np.log(run_sum) if run_sum > 0.0 else -np.inf
    return out


#: The loops say ``prange``: plain ``range`` for a reader running them in Python; Kernel(...,
#: parallel=True) swaps in ``numba.prange`` just before numba compiles them, so importing this
#: module does not import numba.
prange = range


for _twin, _name in ((_gaussian_logsumexp_twin, "gaussian_logsumexp"),
                     (_lowrank_logsumexp_twin, "lowrank_logsumexp"),
                     (_bound_candidates_twin, "bound_candidates"),
                     (_candidate_logsumexp_twin, "candidate_logsumexp")):
    _twin.__name__ = _name

gaussian_logsumexp = Kernel(_gaussian_logsumexp_twin, _gaussian_logsumexp_loops, parallel=True)
lowrank_logsumexp = Kernel(_lowrank_logsumexp_twin, _lowrank_logsumexp_loops, parallel=True)
bound_candidates = Kernel(_bound_candidates_twin, _bound_candidates_loops, parallel=True)
candidate_logsumexp = Kernel(_candidate_logsumexp_twin, _candidate_logsumexp_loops, parallel=True)
