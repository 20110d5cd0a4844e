"""Grading of exercise 01_activations (lessons 01-02): sigmoid, tanh, softplus, ReLU.

Compared with :mod:`scratchae.nn.activations` on arrays of several shapes and on large |z|
(z = -800 and 800, where the naive formulas overflow); each derivative is also checked by finite
differences of the library's sigma(z).
"""
import numpy as np

from scratchae.gradcheck import KINK_TOL, SMOOTH_TOL, numerical_gradient, relative_error
from scratchae.nn.activations import ReLU, Sigmoid, Softplus, Tanh
from scratchae.exercises._grader import Task

SRC = "scratchae.nn.activations"
_S, _T, _SP, _R = Sigmoid(), Tanh(), Softplus(), ReLU()


def _cases(rng, kink=False):
    out = [("z of shape (7,)", (rng.standard_normal(7) * 3,)),
           ("z of shape (4, 5)", (rng.standard_normal((4, 5)) * 3,)),
           ("z of shape (2, 3, 2)", (rng.standard_normal((2, 3, 2)),)),
           ("z = -800", (np.array([-800.0, -40.0, -1.0, 0.0]),)),
           ("z = 800", (np.array([0.0, 1.0, 40.0, 800.0]),))]
    if kink:
        out.append(("z at the kink, z = 0", (np.array([-1.0, -0.0, 0.0, 1e-300, 2.0]),)))
    return out


def _cases_kink(rng):
    return _cases(rng, kink=True)


def _fd(f, kink=False):
    def check(fn, rng):
        z = rng.standard_normal((3, 4)) * 2
        if kink:                      # keep away from the kink, where no derivative exists
            z = np.where(np.abs(z) < 0.1, 0.5, z)
        num = numerical_gradient(lambda zz: np.sum(f(zz)), z)
        return relative_error(fn(z.copy()), num), KINK_TOL if kink else SMOOTH_TOL
    return check


def _naive_sigmoid_ratio(z):
    e = np.exp(z)
    return e / (1.0 + e)


TASKS = [
    Task("sigmoid", _cases, _S.f,
         [("sign: that is sigma(-z) = 1 / (1 + e^z)", lambda z: 1.0 / (1.0 + np.exp(z))),
          ("e^z / (1 + e^z) overflows for z = 800 (inf / inf): use 1 / (1 + e^-z)",
           _naive_sigmoid_ratio)],
         source=SRC),
    Task("sigmoid_prime", _cases, _S.df,
         [("wrote a (1 - a) with z in place of a = sigma(z)", lambda z: z * (1.0 - z)),
          ("e^-z / (1 + e^-z)^2 overflows for z = -800 (inf / inf): use sigma(z)(1 - sigma(z))",
           lambda z: np.exp(-z) / (1.0 + np.exp(-z)) ** 2),
          ("returned sigma(z) itself, not its derivative", _S.f)],
         fd=_fd(_S.f), source=SRC),
    Task("tanh_prime", _cases, _T.df,
         [("wrote 1 - t^2 with z in place of t = tanh(z)", lambda z: 1.0 - z * z),
          ("forgot the square: tanh'(z) = 1 - tanh(z)^2", lambda z: 1.0 - np.tanh(z)),
          ("sign: tanh'(z) = 1 - tanh(z)^2, not tanh(z)^2 - 1", lambda z: np.tanh(z) ** 2 - 1.0)],
         fd=_fd(np.tanh), source=SRC),
    Task("softplus", _cases, _SP.f,
         [("log(1 + e^z) overflows for z = 800: use max(z, 0) + log1p(e^-|z|)",
           lambda z: np.log(1.0 + np.exp(z))),
          ("sign: that is softplus(-z) = log(1 + e^-z)", lambda z: _SP.f(-z)),
          ("dropped the max(z, 0): log(1 + e^z) = max(z, 0) + log1p(e^-|z|)",
           lambda z: np.log1p(np.exp(-np.abs(z))))],
         source=SRC),
    Task("softplus_prime", _cases, _SP.df,
         [("sign: softplus'(z) = sigma(z), not sigma(-z)", lambda z: _S.f(-z)),
          ("e^z / (1 + e^z) overflows for z = 800 (inf / inf): it is sigma(z)",
           _naive_sigmoid_ratio),
          ("returned softplus(z) itself, not its derivative", _SP.f)],
         fd=_fd(_SP.f), source=SRC),
    Task("relu_prime", _cases_kink, _R.df,
         [("1 at the kink z = 0: take the derivative there as 0, as scratchae does",
           lambda z: (z >= 0).astype(float)),
          ("returned relu(z) = max(z, 0) itself, not its derivative", lambda z: np.maximum(z, 0)),
          ("sign(z) is -1 for z < 0; relu'(z) is 0 there", lambda z: np.sign(z))],
         fd=_fd(_R.f, kink=True), source=SRC),
]
