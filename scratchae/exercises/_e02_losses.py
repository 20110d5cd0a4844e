"""Grading of exercise 02_losses (lessons 02-03): losses as negative log-likelihoods.

Compared with :mod:`scratchae.nn.losses` (GaussianNLL, BernoulliNLL) and
:mod:`scratchae.models.vae_math` (the Gaussian with a learned variance); gradients are also
checked by finite differences of the library's values.
"""
import numpy as np

from scratchae.gradcheck import SMOOTH_TOL, numerical_gradient, relative_error
from scratchae.models import vae_math
from scratchae.nn.activations import Sigmoid
from scratchae.nn.losses import BernoulliNLL, GaussianNLL
from scratchae.exercises._grader import Task

_G, _B, _S = GaussianNLL(), BernoulliNLL(), Sigmoid()
_SHAPES = [(1, 3), (4, 5), (6, 2)]


def _cases_gauss(rng):
    return [(f"a, y of shape {s}", (rng.standard_normal(s), rng.standard_normal(s)))
            for s in _SHAPES]


def _cases_learned(rng):
    out = []
    for s in _SHAPES:
        out.append((f"x, mean, log_var of shape {s}",
                    (rng.standard_normal(s), rng.standard_normal(s), rng.standard_normal(s))))
    s = (3, 4)
    out.append(("near-zero variances, log_var = -20",
                (rng.standard_normal(s), rng.standard_normal(s) * 1e-3 + 0.5,
                 np.full(s, -20.0))))
    return out


def _cases_bern(rng):
    out = []
    for s in _SHAPES:
        a = rng.uniform(0.02, 0.98, s)
        out.append((f"a of shape {s}, binary y", (a, (rng.random(s) < 0.5).astype(float))))
    s = (3, 4)
    out.append(("grey-level targets y in [0, 1]", (rng.uniform(0.02, 0.98, s), rng.random(s))))
    return out


def _cases_logits(rng, edge=False):
    out = []
    for s in _SHAPES:
        out.append((f"z of shape {s}, binary y",
                    (2 * rng.standard_normal(s), (rng.random(s) < 0.5).astype(float))))
    if edge:
        out.append(("z = -800 and 800", (np.array([[-800.0, 800.0, -800.0, 800.0]]),
                                         np.array([[0.0, 1.0, 1.0, 0.0]]))))
    return out


def _cases_logits_edge(rng):
    return _cases_logits(rng, edge=True)


def _fd_wrt_a(value, positive=False):
    def check(fn, rng):
        a = rng.uniform(0.1, 0.9, (3, 4)) if positive else rng.standard_normal((3, 4))
        y = (rng.random((3, 4)) < 0.5).astype(float)
        num = numerical_gradient(lambda aa: value(aa, y), a)
        return relative_error(fn(a.copy(), y.copy()), num), SMOOTH_TOL
    return check


def _fd_learned(fn, rng):
    x, m, lv = (rng.standard_normal((3, 4)) for _ in range(3))
    num_m = numerical_gradient(lambda mm: vae_math.gaussian_nll(x, mm, lv).sum(), m)
    num_lv = numerical_gradient(lambda ll: vae_math.gaussian_nll(x, m, ll).sum(), lv)
    gm, glv = fn(x.copy(), m.copy(), lv.copy())
    return max(relative_error(gm, num_m), relative_error(glv, num_lv)), SMOOTH_TOL


def _mse_delta_ref(z, y):
    return _G.delta(z, _S.f(z), y, _S)


_MEAN_ROWS = "forgot the 1/M of the batch mean (the loss is summed over features, averaged " \
             "over the batch)"
_ALL_MEAN = "averaged over the features too: the NLL of an example sums its features; only " \
            "the batch is averaged"


def _lg(x, m, lv):
    return vae_math.gaussian_nll_grad(x, m, lv)


TASKS = [
    Task("gaussian_nll", _cases_gauss, _G.value,
         [("missing the 1/2 of -log N(y; a, I) = 1/2 ||y - a||^2 + const",
           lambda a, y: float(np.mean(np.sum((a - y) ** 2, axis=1)))),
          (_ALL_MEAN, lambda a, y: float(0.5 * np.mean((a - y) ** 2))),
          (_MEAN_ROWS, lambda a, y: float(0.5 * np.sum((a - y) ** 2)))],
         source="scratchae.nn.losses.GaussianNLL().value"),
    Task("gaussian_nll_grad", _cases_gauss, _G.grad,
         [(_MEAN_ROWS, lambda a, y: a - y),
          ("sign: dC/da = (a - y) / M, not (y - a) / M", lambda a, y: (y - a) / a.shape[0])],
         fd=_fd_wrt_a(_G.value), source="scratchae.nn.losses.GaussianNLL().grad"),
    Task("gaussian_nll_learned", _cases_learned, vae_math.gaussian_nll,
         [("missing the constant 1/2 log(2 pi) per feature",
           lambda x, m, lv: 0.5 * np.sum(lv + (x - m) ** 2 * np.exp(-lv), axis=-1)),
          ("(x - mean)^2 multiplied by the variance; it is divided by it: (x - mean)^2 e^-log_var",
           lambda x, m, lv: 0.5 * np.sum(np.log(2 * np.pi) + lv + (x - m) ** 2 * np.exp(lv),
                                         axis=-1)),
          ("the log-variance term is 1/2 log sigma^2 = log_var / 2, and it has a + sign",
           lambda x, m, lv: np.sum(0.5 * np.log(2 * np.pi) - 0.5 * lv
                                   + 0.5 * (x - m) ** 2 * np.exp(-lv), axis=-1))],
         source="scratchae.models.vae_math.gaussian_nll"),
    Task("gaussian_nll_learned_grad", _cases_learned, _lg,
         [("sign of d/dmean: it is (mean - x) / sigma^2",
           lambda x, m, lv: (-_lg(x, m, lv)[0], _lg(x, m, lv)[1])),
          ("missing the 1/2 in d/dlog_var = 1/2 (1 - (x - mean)^2 / sigma^2)",
           lambda x, m, lv: (_lg(x, m, lv)[0], 2 * _lg(x, m, lv)[1])),
          ("d/dmean without the 1/sigma^2", lambda x, m, lv: (m - x, _lg(x, m, lv)[1]))],
         fd=_fd_learned, source="scratchae.models.vae_math.gaussian_nll_grad"),
    Task("bernoulli_nll", _cases_bern, _B.value,
         [(_MEAN_ROWS, lambda a, y: float(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)))),
          ("sign: the loss is the NEGATIVE log-likelihood",
           lambda a, y: float(np.mean(np.sum(y * np.log(a) + (1 - y) * np.log(1 - a), axis=1)))),
          ("missing the (1 - y) log(1 - a) term of the Bernoulli likelihood",
           lambda a, y: float(np.mean(-np.sum(y * np.log(a), axis=1)))),
          (_ALL_MEAN, lambda a, y: float(-np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))))],
         source="scratchae.nn.losses.BernoulliNLL().value"),
    Task("bernoulli_nll_grad", _cases_bern, _B.grad,
         [("that is (a - y) / M, the delta dC/dz of a sigmoid output; dC/da keeps the "
           "1 / (a (1 - a))", lambda a, y: (a - y) / a.shape[0]),
          (_MEAN_ROWS, lambda a, y: (a - y) / (a * (1 - a)))],
         fd=_fd_wrt_a(_B.value, positive=True), source="scratchae.nn.losses.BernoulliNLL().grad"),
    Task("mse_delta", _cases_logits, _mse_delta_ref,
         [("missing sigma'(z): with the squared error, delta = (a - y) sigma'(z) / M",
           lambda z, y: (_S.f(z) - y) / z.shape[0]),
          (_MEAN_ROWS, lambda z, y: (_S.f(z) - y) * _S.df(z))],
         fd=lambda fn, rng: _fd_wrt_a(lambda zz, y: _G.value(_S.f(zz), y))(fn, rng),
         source="scratchae.nn.losses.GaussianNLL().delta with a sigmoid output"),
    Task("cross_entropy_delta", _cases_logits_edge, _B.delta_from_logits,
         [("kept sigma'(z): with the cross-entropy it cancels against the 1 / (a (1 - a)) of "
           "dC/da, so delta = (a - y) / M", lambda z, y: (_S.f(z) - y) * _S.df(z) / z.shape[0]),
          (_MEAN_ROWS, lambda z, y: _S.f(z) - y),
          ("sign: delta = (a - y) / M", lambda z, y: (y - _S.f(z)) / z.shape[0])],
         fd=lambda fn, rng: _fd_wrt_a(lambda zz, y: _B.value_from_logits(zz, y))(fn, rng),
         source="scratchae.nn.losses.BernoulliNLL().delta_from_logits"),
]
