"""Grading of exercise 03_four_equations: BP1-BP4 and the input gradient (lesson 01).

Compared with :mod:`scratchae.nn.backprop` on batches of several shapes, with sigmoid and tanh
layers; each gradient is also checked by finite differences of C = sum(G (.) output) for a fixed
G, whose delta is G.
"""
import numpy as np

from scratchae.gradcheck import numerical_gradient, relative_error, SMOOTH_TOL
from scratchae.nn import backprop
from scratchae.nn.activations import Sigmoid, Tanh
from scratchae.exercises._grader import Task

SRC = "scratchae.nn.backprop"
_SHAPES = [(1, 4, 2), (5, 3, 4), (3, 3, 3), (6, 2, 5)]    # (batch, n_l, n_next)


def _acts():
    return [Sigmoid(), Tanh()]


def _cases_bp1(rng):
    out = []
    for act in _acts():
        for M, n, _ in _SHAPES:
            out.append((f"{act.name}, batch {M}, {n} units",
                        (rng.standard_normal((M, n)), 2 * rng.standard_normal((M, n)), act)))
    return out


def _cases_bp2(rng):
    out = []
    for act in _acts():
        for M, n, n_next in _SHAPES:
            out.append((f"{act.name}, batch {M}, layer {n} -> next layer {n_next}",
                        (rng.standard_normal((M, n_next)), rng.standard_normal((n_next, n)),
                         2 * rng.standard_normal((M, n)), act)))
    return out


def _cases_delta(rng):
    return [(f"delta of shape ({M}, {n})", (rng.standard_normal((M, n)),))
            for M, n, _ in _SHAPES]


def _cases_bp4(rng):
    return [(f"delta ({M}, {n_out}), a_prev ({M}, {n_in})",
             (rng.standard_normal((M, n_out)), rng.standard_normal((M, n_in))))
            for M, n_out, n_in in _SHAPES]


def _cases_input(rng):
    return [(f"delta ({M}, {n_out}), W ({n_out}, {n_in})",
             (rng.standard_normal((M, n_out)), rng.standard_normal((n_out, n_in))))
            for M, n_out, n_in in _SHAPES]


# finite differences of C = sum(G * y) for y linear or element-wise in the checked variable
def _fd_bp1(fn, rng):
    act = Sigmoid()
    z, G = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    num = numerical_gradient(lambda zz: np.sum(G * act.f(zz)), z)
    return relative_error(fn(G.copy(), z.copy(), act), num), SMOOTH_TOL


def _fd_bp2(fn, rng):
    act = Tanh()
    z, W, G = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal((3, 2))
    num = numerical_gradient(lambda zz: np.sum(G * (act.f(zz) @ W.T)), z)
    return relative_error(fn(G.copy(), W.copy(), z.copy(), act), num), SMOOTH_TOL


def _fd_bp3(fn, rng):
    a, W, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal(2)
    G = rng.standard_normal((3, 2))
    num = numerical_gradient(lambda bb: np.sum(G * (a @ W.T + bb)), b)
    return relative_error(fn(G.copy()), num), SMOOTH_TOL


def _fd_bp4(fn, rng):
    a, W, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal(2)
    G = rng.standard_normal((3, 2))
    num = numerical_gradient(lambda WW: np.sum(G * (a @ WW.T + b)), W)
    return relative_error(fn(G.copy(), a.copy()), num), SMOOTH_TOL


def _fd_input(fn, rng):
    # square W and batch, so that a transposed answer runs (and is caught) instead of crashing
    a, W, b = rng.standard_normal((3, 3)), rng.standard_normal((3, 3)), rng.standard_normal(3)
    G = rng.standard_normal((3, 3))
    num = numerical_gradient(lambda aa: np.sum(G * (aa @ W.T + b)), a)
    return relative_error(fn(G.copy(), W.copy()), num), SMOOTH_TOL


TASKS = [
    Task("output_error", _cases_bp1,
         lambda g, z, act: backprop.output_error(g, z, act),
         [("missing sigma'(z): delta_L = grad_a (.) sigma'(z_L)", lambda g, z, act: g),
          ("multiplied by sigma(z) instead of sigma'(z)", lambda g, z, act: g * act.f(z)),
          ("sigma'(z) added instead of multiplied (use the Hadamard product)",
           lambda g, z, act: g + act.df(z))],
         fd=_fd_bp1, source=SRC),
    Task("hidden_error", _cases_bp2,
         lambda d, W, z, act: backprop.hidden_error(d, W, z, act),
         [("missing sigma'(z): delta_l = (delta_next @ W_next) (.) sigma'(z_l)",
           lambda d, W, z, act: d @ W),
          ("off by a transpose: with rows as examples, (W^T delta)^T = delta @ W",
           lambda d, W, z, act: (d @ W.T) * act.df(z)),
          ("multiplied by sigma(z) instead of sigma'(z)", lambda d, W, z, act: (d @ W) * act.f(z))],
         fd=_fd_bp2, source=SRC),
    Task("bias_gradient", _cases_delta,
         lambda d: backprop.bias_gradient(d),
         [("divided by the batch size: BP3 sums over the batch (the loss's 1/M is already in "
           "delta)", lambda d: d.mean(axis=0)),
          ("summed over the units (axis 1), not over the batch (axis 0)", lambda d: d.sum(axis=1))],
         fd=_fd_bp3, source=SRC),
    Task("weight_gradient", _cases_bp4,
         lambda d, a: backprop.weight_gradient(d, a),
         [("off by a transpose: grad_W has W's shape (n_out, n_in) = delta.T @ a_prev",
           lambda d, a: a.T @ d),
          ("divided by the batch size: BP4 sums over the batch (the loss's 1/M is already in "
           "delta)", lambda d, a: d.T @ a / d.shape[0])],
         fd=_fd_bp4, source=SRC),
    Task("input_gradient", _cases_input,
         lambda d, W: backprop.input_gradient(d, W),
         [("off by a transpose: dC/da_prev = delta @ W (W is (n_out, n_in))",
           lambda d, W: d @ W.T),
          ("the slide's column form W^T delta copied with rows as examples: use delta @ W",
           lambda d, W: W.T @ d)],
         fd=_fd_input, source=SRC),
]
