"""Exercise 09: Parzen windows and Manifold Parzen windows (lesson 06).

Slides: part 02, "1D Example" and "Classical Parzen Windows" (a Gaussian window of width h on
every training point, the estimate their average), "Manifold Parzen Windows" (Vincent & Bengio
2003: flatten each window along the manifold's local tangent plane, found from the point's
neighbours).

Derive:
  1. log p_hat(q) for p_hat(q) = (1/n) sum_i N(q; x_i, h^2 I) in D dimensions, for every query
     q. With h = 0.01 every exp(-|q - x_i|^2 / (2 h^2)) underflows to 0: write the log as a
     log-sum-exp (LSE(e) = max e + log sum exp(e - max e)).
  2. The local covariance of each training point's neighbourhood, the offsets centred on the
     point itself:  C_i = (1/k) sum_{j in N_i} (x_j - x_i)(x_j - x_i)^T.
  3. The Manifold Parzen covariance of window i: keep the top d eigenpairs (lam_ic, u_ic) of
     C_i and add a small isotropic variance:  S_i = sigma0^2 I + sum_{c=1}^d lam_ic u_ic u_ic^T.

Shapes: queries Q (m, D), training points X (n, D), neighbors (n, k) integer indices into X
(x_i itself excluded).

Check your answers:  python 09_parzen.py   (or: scratchae exercises check 09_parzen)
"""
import numpy as np  # noqa: F401  (you will need it)


def parzen_log_density(Q, X, h):
    """log p_hat(q) for every row of Q. Q (m, D), X (n, D), h > 0. Returns (m,)."""
    raise NotImplementedError


def local_covariance(X, neighbors):
    """C_i for every training point: (n, D, D)."""
    raise NotImplementedError


def manifold_parzen_covariance(X, neighbors, n_components, sigma0_sq):
    """S_i = sigma0^2 I + the top n_components eigen-directions of C_i: (n, D, D)."""
    raise NotImplementedError


if __name__ == "__main__":
    from scratchae.exercises import check_file
    raise SystemExit(check_file(__file__, "09_parzen"))
