"""Grading of exercise 08_rbm (lesson 10): the RBM's free energy, its gradients, and the CD-1
update.

Compared with :class:`scratchae.models.rbm.RBM` whose parameters are set to the inputs (the
CD-1 update with the negative sample v1 given, as ``RBM.loss_and_grads`` forms it after its Gibbs
step); the free energy's gradients are also checked by finite differences.
"""
import numpy as np

from scratchae.gradcheck import SMOOTH_TOL, numerical_gradient, relative_error
from scratchae.models.rbm import RBM
from scratchae.exercises._grader import Task

_SIZES = [(1, 4, 2), (5, 6, 3), (4, 3, 3), (8, 5, 7)]          # (M, n_visible, n_hidden)
_MEAN_ROWS = "forgot the 1/M of the batch mean"


def _rbm(W, b_h, b_v):
    r = RBM(layer_sizes=[W.shape[1], W.shape[0]], seed=0, dtype=np.float64)
    r.W[...], r.b_hidden[...], r.b_visible[...] = W, b_h, b_v
    return r


def _params(rng, n_v, n_h, scale=1.0):
    return (scale * rng.standard_normal((n_h, n_v)), rng.standard_normal(n_h),
            rng.standard_normal(n_v))


def _binary(rng, shape):
    return (rng.random(shape) < 0.5).astype(float)


def _cases_F(rng):
    out = [(f"v ({M}, {nv}), W ({nh}, {nv})", (_binary(rng, (M, nv)),) + _params(rng, nv, nh))
           for M, nv, nh in _SIZES]
    v = np.ones((2, 4))
    W = np.array([[200.0, 200.0, 200.0, 200.0], [-200.0, -200.0, -200.0, -200.0]])
    out.append(("W v + b_h = 800 and -800", (v, W, np.zeros(2), np.zeros(4))))
    return out


def _cases_cd(rng):
    return [(f"v0, v1 ({M}, {nv}), W ({nh}, {nv})",
             (_binary(rng, (M, nv)), _binary(rng, (M, nv))) + _params(rng, nv, nh))
            for M, nv, nh in _SIZES]


def _cases_v(rng):
    return [(label.replace("v0, v1", "v"), args[:1] + args[2:]) for label, args in _cases_cd(rng)]


def _F(v, W, b_h, b_v):
    return _rbm(W, b_h, b_v).free_energy(v)


def _grads(v, W, b_h, b_v):
    g = _rbm(W, b_h, b_v).free_energy_grads(v)
    return g["W"], g["b_hidden"], g["b_visible"]


def _cd1(v0, v1, W, b_h, b_v):
    return tuple(p - n for p, n in zip(_grads(v0, W, b_h, b_v), _grads(v1, W, b_h, b_v)))


def _fd_grads(fn, rng):
    v = _binary(rng, (3, 4))
    W, b_h, b_v = _params(rng, 4, 2)
    nW = numerical_gradient(lambda WW: _F(v, WW, b_h, b_v).mean(), W)
    nh = numerical_gradient(lambda bb: _F(v, W, bb, b_v).mean(), b_h)
    nv = numerical_gradient(lambda bb: _F(v, W, b_h, bb).mean(), b_v)
    gW, gh, gv = fn(v.copy(), W.copy(), b_h.copy(), b_v.copy())
    return max(relative_error(gW, nW), relative_error(gh, nh), relative_error(gv, nv)), SMOOTH_TOL


def _sig(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


TASKS = [
    Task("free_energy", _cases_F, _F,
         [("sign of the visible-bias term: F(v) = -b_v . v - sum_i softplus(W_i v + b_h,i)",
           lambda v, W, bh, bv: v @ bv - np.logaddexp(0, v @ W.T + bh).sum(1)),
          ("summing out h gives softplus(W_i v + b_h,i) = log(1 + e^(W_i v + b_h,i)), not the "
           "pre-activation itself", lambda v, W, bh, bv: -(v @ bv) - (v @ W.T + bh).sum(1)),
          ("log(1 + e^z) overflows for z = 800: use a stable softplus",
           lambda v, W, bh, bv: -(v @ bv) - np.log(1 + np.exp(v @ W.T + bh)).sum(1)),
          ("sign: F(v) = -log sum_h e^(-E(v, h)) is MINUS the softplus terms",
           lambda v, W, bh, bv: -(v @ bv) + np.logaddexp(0, v @ W.T + bh).sum(1))],
         source="scratchae.models.rbm.RBM.free_energy"),
    Task("free_energy_grads", _cases_v, _grads,
         [("off by a transpose: dF/dW has W's shape (n_hidden, n_visible)",
           lambda v, W, bh, bv: (_grads(v, W, bh, bv)[0].T.copy(),) + _grads(v, W, bh, bv)[1:]),
          ("sign: dF/dW = -P(h=1|v)^T v / M (F has minus signs)",
           lambda v, W, bh, bv: tuple(-g for g in _grads(v, W, bh, bv))),
          (_MEAN_ROWS, lambda v, W, bh, bv: tuple(g * v.shape[0] for g in _grads(v, W, bh, bv))),
          ("dsoftplus(z)/dz = sigma(z) = P(h=1|v); you used softplus(z)",
           lambda v, W, bh, bv: (-(np.logaddexp(0, v @ W.T + bh)).T @ v / v.shape[0],
                                 -np.logaddexp(0, v @ W.T + bh).mean(0), -v.mean(0)))],
         fd=_fd_grads, source="scratchae.models.rbm.RBM.free_energy_grads"),
    Task("cd1_update", _cases_cd, _cd1,
         [("sign: the descent direction is dF(v0) - dF(v1): lower the data's free energy, raise "
           "the sample's", lambda v0, v1, W, bh, bv: tuple(-g for g in _cd1(v0, v1, W, bh, bv))),
          ("forgot the negative phase: subtract dF/dtheta at the Gibbs sample v1",
           lambda v0, v1, W, bh, bv: _grads(v0, W, bh, bv)),
          (_MEAN_ROWS, lambda v0, v1, W, bh, bv: tuple(g * v0.shape[0]
                                                       for g in _cd1(v0, v1, W, bh, bv)))],
         source="RBM.free_energy_grads(v0) - RBM.free_energy_grads(v1), as in "
                "RBM.loss_and_grads"),
]
