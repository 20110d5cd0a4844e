"""Grading of exercise 04_softmax (lessons 03, 12): softmax, its Jacobian-vector product, the
categorical NLL from logits and its delta.

Compared with :class:`scratchae.nn.activations.Softmax`, :class:`scratchae.nn.losses.CategoricalNLL`
and :func:`scratchae.models.vae_math.log_softmax`, on rows with large logits (z = 1000, where
exp overflows); gradients are also checked by finite differences.
"""
import numpy as np

from scratchae.gradcheck import SMOOTH_TOL, numerical_gradient, relative_error
from scratchae.models.vae_math import log_softmax
from scratchae.nn.activations import Softmax
from scratchae.nn.losses import CategoricalNLL, one_hot
from scratchae.exercises._grader import Task

_SM, _CAT = Softmax(), CategoricalNLL()
_SHAPES = [(1, 3), (4, 5), (6, 2), (3, 10)]
_MEAN_ROWS = "forgot the 1/M of the batch mean"


def _cases_z(rng):
    out = [(f"z of shape {s}", (2 * rng.standard_normal(s),)) for s in _SHAPES]
    out.append(("logits z = 1000 and -1000", (np.array([[1000.0, 999.0, 0.0], [-5.0, 1000.0, 3.0],
                                                        [-1000.0, -999.0, -1000.0]]),)))
    return out


def _cases_jvp(rng):
    return [(label, (z, rng.standard_normal(z.shape))) for label, (z,) in _cases_z(rng)]


def _cases_y(rng):
    out = []
    for label, (z,) in _cases_z(rng):
        y = one_hot(rng.integers(0, z.shape[1], z.shape[0]), z.shape[1])
        out.append((label + ", one-hot y", (z, y)))
    z = np.array([[1000.0, 0.0, -1000.0]])
    out.append(("logits z = 1000 with the label on the smallest",
                (z, np.array([[0.0, 0.0, 1.0]]))))
    return out


def _nll(z, y):
    return float(-np.sum(y * log_softmax(z)) / z.shape[0])


def _delta(z, y):
    return _CAT.delta(z, _SM.f(z), y, _SM)


def _fd_jvp(fn, rng):
    z, g = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    num = numerical_gradient(lambda zz: np.sum(g * _SM.f(zz)), z)
    return relative_error(fn(z.copy(), g.copy()), num), SMOOTH_TOL


def _fd_delta(fn, rng):
    z = rng.standard_normal((3, 4))
    y = one_hot(rng.integers(0, 4, 3), 4)
    num = numerical_gradient(lambda zz: _nll(zz, y), z)
    return relative_error(fn(z.copy(), y.copy()), num), SMOOTH_TOL


def _naive_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


TASKS = [
    Task("softmax", _cases_z, _SM.f,
         [("exp(1000) overflows: subtract each row's max before exp (softmax(z - c) = softmax(z))",
           _naive_softmax),
          ("normalised over the batch (axis 0); each row (axis 1) must sum to 1",
           lambda z: np.exp(z - z.max(0)) / np.exp(z - z.max(0)).sum(0, keepdims=True)),
          ("subtracted the max of the whole array, not of each row",
           lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=1, keepdims=True))],
         source="scratchae.nn.activations.Softmax"),
    Task("softmax_backward", _cases_jvp, lambda z, g: _SM.backward(z, g),
         [("used only the diagonal a_j (1 - a_j) of the Jacobian: softmax's Jacobian is full, "
           "da_j/dz_k = a_j (delta_jk - a_k)", lambda z, g: g * _SM.df(z)),
          ("sign of the off-diagonal part: dC/dz = a (.) (g - sum_k a_k g_k)",
           lambda z, g: _SM.f(z) * (g + np.sum(g * _SM.f(z), axis=1, keepdims=True))),
          ("the sum over k runs over each row (axis 1), not over the batch",
           lambda z, g: _SM.f(z) * (g - np.sum(g * _SM.f(z), axis=0, keepdims=True)))],
         fd=_fd_jvp, source="scratchae.nn.activations.Softmax().backward"),
    Task("categorical_nll", _cases_y, _nll,
         [("log(softmax(z)) takes log 0 for z = 1000: use log_softmax(z) = z - logsumexp(z)",
           lambda z, y: float(-np.sum(y * np.log(_naive_softmax(z) + 0.0)) / z.shape[0])),
          (_MEAN_ROWS, lambda z, y: _nll(z, y) * z.shape[0]),
          ("sign: the loss is the NEGATIVE log-likelihood", lambda z, y: -_nll(z, y))],
         source="-sum(y * log_softmax(z)) / M (scratchae.models.vae_math.log_softmax)"),
    Task("categorical_delta", _cases_y, _delta,
         [(_MEAN_ROWS, lambda z, y: _SM.f(z) - y),
          ("sign: delta = (softmax(z) - y) / M", lambda z, y: (y - _SM.f(z)) / z.shape[0]),
          ("multiplied by the diagonal a(1 - a): with softmax + categorical NLL the Jacobian "
           "cancels and delta = (a - y) / M",
           lambda z, y: (_SM.f(z) - y) * _SM.df(z) / z.shape[0])],
         fd=_fd_delta, source="scratchae.nn.losses.CategoricalNLL().delta with a softmax output"),
]
