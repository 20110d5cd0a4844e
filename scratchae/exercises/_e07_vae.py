"""Grading of exercise 07_vae (lesson 11): reparameterisation, KL, Bernoulli decoder from logits,
the IWAE bound's log-mean-exp, and the loss ledger.

Compared with :mod:`scratchae.models.vae_math`; the gradients are also checked by finite
differences of the library's values. The ledger is compared with its definitions, written out in
``_ledger`` below (the same quantities lesson 11 prints for its trained model).
"""
import numpy as np

from scratchae.gradcheck import SMOOTH_TOL, numerical_gradient, relative_error
from scratchae.models import vae_math as vm
from scratchae.exercises._grader import Task

SRC = "scratchae.models.vae_math"
_SHAPES = [(1, 2), (4, 3), (5, 8)]
_SLIP = "the slide's sigma^2 slip: z = mu + exp(log_var) * eps; sigma = exp(log_var / 2)"
_KL_SIGN = "sign of the KL term: KL >= 0, it is 1/2 sum(mu^2 + sigma^2 - log sigma^2 - 1)"


def _cases_rep(rng):
    out = [(f"mu, log_var, eps of shape {s}",
            (rng.standard_normal(s), rng.standard_normal(s), rng.standard_normal(s)))
           for s in _SHAPES]
    s = (3, 4)
    out.append(("near-zero variances, log_var = -30",
                (rng.standard_normal(s), np.full(s, -30.0), rng.standard_normal(s))))
    return out


def _cases_rep_back(rng):
    return [(label, (rng.standard_normal(np.shape(a[0])), a[1], a[2]))
            for label, a in _cases_rep(rng)]


def _cases_kl(rng):
    out = [(f"mu, log_var of shape {s}", (rng.standard_normal(s), rng.standard_normal(s)))
           for s in _SHAPES]
    out.append(("near-zero variances, log_var = -800",
                (rng.standard_normal((2, 3)), np.array([[-800.0, -1.0, 0.5], [2.0, -800.0, 0.0]]))))
    return out


def _cases_logits(rng):
    out = [(f"logits, x of shape {s}", (2 * rng.standard_normal(s),
                                        (rng.random(s) < 0.5).astype(float))) for s in _SHAPES]
    out.append(("logits = -800 and 800", (np.array([[-800.0, 800.0, -800.0, 800.0, 3.0]]),
                                          np.array([[0.0, 1.0, 1.0, 0.0, 0.3]]))))
    return out


def _cases_lme(rng):
    out = [(f"log weights of shape {s}", (3 * rng.standard_normal(s),)) for s in _SHAPES]
    out.append(("log weights around -1000 (log p(x|z) of real images)",
                (-1000.0 + rng.standard_normal((3, 5)),)))
    out.append(("log weights around 800", (800.0 + rng.standard_normal((2, 4)),)))
    return out


def _ledger(nll_rows, kl_rows, n_pixels):
    M = nll_rows.shape[0]
    rec, kl = float(np.sum(nll_rows) / M), float(np.sum(kl_rows) / M)
    return {"recon_per_image": rec, "kl_per_image": kl, "loss_per_image": rec + kl,
            "recon_per_pixel": rec / n_pixels,
            "bits_per_dim": (rec + kl) / (n_pixels * np.log(2.0)),
            "sum_reduction": float(np.sum(nll_rows))}


def _cases_ledger(rng):
    out = []
    for M, D in [(1, 4), (7, 784), (32, 256)]:
        out.append((f"a batch of {M} images of {D} pixels",
                    (rng.uniform(50, 200, M), rng.uniform(5, 30, M), D)))
    return out


def _fd_rep(fn, rng):
    mu, lv, eps, G = (rng.standard_normal((3, 4)) for _ in range(4))
    num_mu = numerical_gradient(lambda m: np.sum(G * vm.reparameterize(m, lv, eps)), mu)
    num_lv = numerical_gradient(lambda l: np.sum(G * vm.reparameterize(mu, l, eps)), lv)
    gm, gl = fn(G.copy(), lv.copy(), eps.copy())
    return max(relative_error(gm, num_mu), relative_error(gl, num_lv)), SMOOTH_TOL


def _fd_kl(fn, rng):
    mu, lv = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    num_mu = numerical_gradient(lambda m: vm.gaussian_kl(m, lv).sum(), mu)
    num_lv = numerical_gradient(lambda l: vm.gaussian_kl(mu, l).sum(), lv)
    gm, gl = fn(mu.copy(), lv.copy())
    return max(relative_error(gm, num_mu), relative_error(gl, num_lv)), SMOOTH_TOL


def _fd_logits(fn, rng):
    l, x = 2 * rng.standard_normal((3, 4)), (rng.random((3, 4)) < 0.5).astype(float)
    num = numerical_gradient(lambda ll: vm.bernoulli_logit_nll_grad(ll, x)[0].sum(), l)
    return relative_error(fn(l.copy(), x.copy())[1], num), SMOOTH_TOL


def _sig(l):
    return 0.5 * (1.0 + np.tanh(0.5 * l))


def _bern(l, x):
    return vm.bernoulli_logit_nll_grad(l, x)


def _kl_grad(mu, lv):
    return vm.gaussian_kl_grad(mu, lv)


def _ledger_with(**change):
    def wrong(nll, kl, D):
        out = _ledger(nll, kl, D)
        for k, f in change.items():
            out[k] = f(nll, kl, D, out)
        return out
    return wrong


TASKS = [
    Task("reparameterize", _cases_rep, vm.reparameterize,
         [(_SLIP, vm.reparameterize_slide_slip),
          ("log_var is log sigma^2, not sigma: multiply eps by sigma = exp(log_var / 2)",
           lambda mu, lv, eps: mu + lv * eps),
          ("added eps outside: z = mu + sigma (.) eps",
           lambda mu, lv, eps: mu + np.exp(0.5 * lv) + eps)],
         source=SRC),
    Task("reparameterize_backward", _cases_rep_back, vm.reparameterize_backward,
         [("missing the 1/2 of d exp(log_var / 2) / d log_var",
           lambda g, lv, eps: (g.copy(), g * eps * np.exp(0.5 * lv))),
          ("the chain rule stops early: dC/dlog_var = dC/dz (.) eps (.) sigma / 2",
           lambda g, lv, eps: (g.copy(), g * eps)),
          ("the derivative of the slide's slip z = mu + exp(log_var) eps: " + _SLIP,
           lambda g, lv, eps: (g.copy(), g * eps * np.exp(lv)))],
         fd=_fd_rep, source=SRC),
    Task("gaussian_kl", _cases_kl, vm.gaussian_kl,
         [(_KL_SIGN, lambda mu, lv: -vm.gaussian_kl(mu, lv)),
          ("missing the 1/2 in front of the sum", lambda mu, lv: 2 * vm.gaussian_kl(mu, lv)),
          ("used sigma = exp(log_var / 2) where sigma^2 = exp(log_var) belongs",
           lambda mu, lv: 0.5 * np.sum(mu ** 2 + np.exp(0.5 * lv) - lv - 1, axis=-1)),
          ("log(exp(log_var)) takes log 0 for log_var = -800: use log_var itself",
           lambda mu, lv: 0.5 * np.sum(mu ** 2 + np.exp(lv) - np.log(np.exp(lv)) - 1, axis=-1)),
          ("missing the -1 per latent dimension (the KL of q = p must be 0)",
           lambda mu, lv: 0.5 * np.sum(mu ** 2 + np.exp(lv) - lv, axis=-1))],
         source=SRC),
    Task("gaussian_kl_grad", _cases_kl, _kl_grad,
         [(_KL_SIGN, lambda mu, lv: tuple(-g for g in _kl_grad(mu, lv))),
          ("missing the 1/2 in dKL/dlog_var = (sigma^2 - 1) / 2",
           lambda mu, lv: (mu.copy(), np.exp(lv) - 1.0)),
          ("dKL/dlog_var: differentiate with respect to log_var, not sigma^2: (sigma^2 - 1) / 2",
           lambda mu, lv: (mu.copy(), 0.5 * (1.0 - np.exp(-lv))))],
         fd=_fd_kl, source=SRC),
    Task("bernoulli_logits_nll", _cases_logits, _bern,
         [("log(sigmoid(l)) takes log 0 for l = -800 and 800: use softplus(l) - x l",
           lambda l, x: (-np.sum(x * np.log(_sig(l)) + (1 - x) * np.log(1 - _sig(l)), axis=1),
                         _sig(l) - x)),
          ("sign of the gradient: d/dl = sigmoid(l) - x",
           lambda l, x: (_bern(l, x)[0], x - _sig(l))),
          ("the gradient is sigmoid(l) - x, not l - x", lambda l, x: (_bern(l, x)[0], l - x))],
         fd=_fd_logits, source=SRC),
    Task("log_mean_exp", _cases_lme, vm.log_mean_exp,
         [("log-sum-exp, not log-mean-exp: subtract log k", lambda a: vm.log_sum_exp(a)),
          ("the mean of the log weights is the ELBO (Jensen), not log of the mean weight",
           lambda a: np.mean(a, axis=-1)),
          ("exp(-1000) underflows to 0 and log 0 = -inf: subtract the max first",
           lambda a: np.log(np.mean(np.exp(a), axis=-1))),
          ("mean over the wrong axis: the k samples are along the last axis",
           lambda a: vm.log_mean_exp(a, axis=0))],
         source=SRC),
    Task("loss_ledger", _cases_ledger, _ledger,
         [("forgot the 1/M of the batch mean: the per-image numbers average over images",
           _ledger_with(recon_per_image=lambda n, k, D, o: float(np.sum(n)),
                        kl_per_image=lambda n, k, D, o: float(np.sum(k)),
                        loss_per_image=lambda n, k, D, o: float(np.sum(n) + np.sum(k)),
                        recon_per_pixel=lambda n, k, D, o: float(np.sum(n)) / D,
                        bits_per_dim=lambda n, k, D, o: float(np.sum(n) + np.sum(k))
                        / (D * np.log(2)))),
          (_KL_SIGN + " (the loss is reconstruction + KL)",
           _ledger_with(loss_per_image=lambda n, k, D, o: o["recon_per_image"]
                        - o["kl_per_image"],
                        bits_per_dim=lambda n, k, D, o: (o["recon_per_image"] - o["kl_per_image"])
                        / (D * np.log(2)))),
          ("nats to bits: divide by ln 2 (bits = nats / ln 2)",
           _ledger_with(bits_per_dim=lambda n, k, D, o: o["loss_per_image"] * np.log(2) / D)),
          ("bits per dimension divide by the number of pixels too",
           _ledger_with(bits_per_dim=lambda n, k, D, o: o["loss_per_image"] / np.log(2))),
          ("reduction='mean' in a framework averages over images AND pixels: recon_per_pixel "
           "= recon_per_image / n_pixels",
           _ledger_with(recon_per_pixel=lambda n, k, D, o: o["recon_per_image"])),
          ("reduction='sum' sums over the whole batch, not the mean per image",
           _ledger_with(sum_reduction=lambda n, k, D, o: o["recon_per_image"]))],
         source="the ledger's definitions"),
]
