"""Grading of exercise 06_contractive (lesson 09): the Jacobian of a sigmoid encoder, the
contractive penalty ||J_h(x)||_F^2 and its gradient.

Compared with :func:`scratchae.models.contractive.jacobian_penalty` (and, for the Jacobian, with
finite differences of the encoder, through :mod:`scratchae.gradcheck`); the penalty's gradient is
also checked by finite differences of the library's value.
"""
import numpy as np

from scratchae.gradcheck import SMOOTH_TOL, numerical_gradient, relative_error
from scratchae.models.contractive import jacobian_penalty
from scratchae.nn.activations import Sigmoid
from scratchae.exercises._grader import Task

SRC = "scratchae.models.contractive.jacobian_penalty"
_S = Sigmoid()
_SIZES = [(1, 3, 2), (4, 5, 3), (3, 4, 4), (6, 2, 5)]          # (M, d, n_h)


def _cases(rng):
    out = [(f"x ({M}, {d}), W ({h}, {d})",
            (rng.random((M, d)), rng.standard_normal((h, d)), 0.5 * rng.standard_normal(h)))
           for M, d, h in _SIZES]
    out.append(("saturated units, |z| ~ 40", (rng.random((2, 3)), 40 * rng.standard_normal((2, 3)),
                                               np.zeros(2))))
    return out


def _jacobian(x, W, b):
    d1 = _S.df(x @ W.T + b)                                      # (M, n_h)
    return d1[:, :, None] * W[None, :, :]                        # (M, n_h, d)


def _penalty(x, W, b):
    return jacobian_penalty(x, W, b, "sigmoid")[0]


def _grads(x, W, b):
    return jacobian_penalty(x, W, b, "sigmoid")[1:]


def _fd_jac(fn, rng):
    x, W, b = rng.random((1, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    J = np.asarray(fn(x.copy(), W.copy(), b.copy()))
    if J.shape != (1, 2, 3):
        return float("inf"), SMOOTH_TOL
    num = np.stack([numerical_gradient(lambda xx: _S.f(xx @ W.T + b)[0, j], x)[0]
                    for j in range(2)])
    return relative_error(J[0], num), SMOOTH_TOL


def _fd_grads(fn, rng):
    x, W, b = rng.random((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal(2)
    num_W = numerical_gradient(lambda WW: _penalty(x, WW, b), W)
    num_b = numerical_gradient(lambda bb: _penalty(x, W, bb), b)
    gW, gb = fn(x.copy(), W.copy(), b.copy())
    return max(relative_error(gW, num_W), relative_error(gb, num_b)), SMOOTH_TOL


def _parts(x, W, b):
    M = x.shape[0]
    z = x @ W.T + b
    a = _S.f(z)
    d1 = a * (1 - a)
    d2 = d1 * (1 - 2 * a)
    w = np.sum(W * W, axis=1)
    direct = 2.0 * (d1 ** 2).sum(0)[:, None] * W / M
    g = 2.0 * d1 * d2 * w
    return direct, g.T @ x / M, g.sum(0) / M


TASKS = [
    Task("jacobian", _cases, _jacobian,
         [("missing sigma'(z): dh_j/dx_i = sigma'(z_j) W_ji",
           lambda x, W, b: np.broadcast_to(W, (x.shape[0],) + W.shape).copy()),
          ("used h = sigma(z) where sigma'(z) = h (1 - h) belongs",
           lambda x, W, b: _S.f(x @ W.T + b)[:, :, None] * W[None]),
          ("off by a transpose: J_ji = dh_j / dx_i has one row per hidden unit, (M, n_h, d)",
           lambda x, W, b: np.swapaxes(_jacobian(x, W, b), 1, 2).copy())],
         fd=_fd_jac, source="sigma'(z)[:, :, None] * W (the library's formula)"),
    Task("contractive_penalty", _cases, _penalty,
         [("sigma'(z) not squared: ||J||_F^2 = sum_j sigma'(z_j)^2 sum_i W_ji^2",
           lambda x, W, b: float(np.sum(_S.df(x @ W.T + b) * np.sum(W * W, 1)) / x.shape[0])),
          ("forgot the 1/M of the batch mean",
           lambda x, W, b: _penalty(x, W, b) * x.shape[0]),
          ("||J||_F^2 is a squared norm: sum_i W_ji^2, not (sum_i W_ji)^2",
           lambda x, W, b: float(np.sum(_S.df(x @ W.T + b) ** 2 * np.sum(W, 1) ** 2)
                                 / x.shape[0])),
          ("used h = sigma(z) where sigma'(z) = h (1 - h) belongs",
           lambda x, W, b: float(np.sum(_S.f(x @ W.T + b) ** 2 * np.sum(W * W, 1))
                                 / x.shape[0]))],
         source=SRC),
    Task("contractive_penalty_grads", _cases, _grads,
         [("missing the term through z: sigma'(z) depends on W and b too (product rule)",
           lambda x, W, b: (_parts(x, W, b)[0], np.zeros_like(b))),
          ("missing the direct term 2 sigma'(z_j)^2 W_ji (from w_j = sum_i W_ji^2)",
           lambda x, W, b: (_parts(x, W, b)[1], _parts(x, W, b)[2])),
          ("forgot the 1/M of the batch mean",
           lambda x, W, b: tuple(g * x.shape[0] for g in _grads(x, W, b)))],
         fd=_fd_grads, source=SRC),
]
