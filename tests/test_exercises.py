"""The exercises: every reference solution passes, every shipped student file reports "not done
yet", and every planted mistake fails with its specific hint (so no check is unable to fail)."""
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from scratchae import exercises as ex
from scratchae.cli import main
from scratchae.exercises import _grader

SOLUTIONS = Path(__file__).parent / "exercise_solutions"


def solution(name):
    return ex.load_file(SOLUTIONS / f"{name}.py")


# ---------------------------------------------------------------------- planted mistakes
# For each function: (a wrong implementation a student might write, a piece of the hint the
# grader must give for it). Written here independently of the grader's own variants.
def _sig(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _ledger(nll, kl, D, batch_mean=True, kl_sign=1.0, bits_scale=None, mean_red=None):
    M = len(nll) if batch_mean else 1
    rec, k = float(np.sum(nll)) / M, float(np.sum(kl)) / M
    loss = rec + kl_sign * k
    bits = loss / (D * np.log(2)) if bits_scale is None else loss * bits_scale / D
    return {"recon_per_image": rec, "kl_per_image": k, "loss_per_image": loss,
            "recon_per_pixel": rec / D if mean_red is None else mean_red(rec, D),
            "bits_per_dim": bits, "sum_reduction": float(np.sum(nll))}


def _tied_parts(x, W, be, bd):
    h = _sig(x @ W.T + be)
    y = _sig(h @ W + bd)
    M = len(x)
    loss = float(-np.sum(x * np.log(y) + (1 - x) * np.log(1 - y)) / M)
    d2 = (y - x) / M
    d1 = d2 @ W.T * h * (1 - h)
    return loss, d1.T @ x, h.T @ d2, d1.sum(0), d2.sum(0)


def _dae(target, x_in, W, be, bd):
    y = _sig(_sig(x_in @ W.T + be) @ W + bd)
    return float(-np.sum(target * np.log(y) + (1 - target) * np.log(1 - y)) / len(target))


def _cae(x, W, b):
    h = _sig(x @ W.T + b)
    s1 = h * (1 - h)
    s2 = s1 * (1 - 2 * h)
    w = (W ** 2).sum(1)
    M = len(x)
    return h, s1, s2, w, M


def _smax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _pz_terms(Q, X, h):
    return -np.square(Q[:, None] - X[None]).sum(-1) / 2 / h ** 2


def _loc(X, nb, centre=None, div=None):
    off = X[nb] - (X[:, None] if centre is None else X[nb].mean(1, keepdims=True))
    return np.einsum("nkd,nke->nde", off, off) / (nb.shape[1] if div is None else div)


def _mp(X, nb, d, s0, pick=lambda w, V, d: (w[:, -d:], V[:, :, -d:])):
    w, V = np.linalg.eigh(_loc(X, nb))
    w, V = pick(w, V, d)
    return s0 * np.eye(X.shape[1]) + np.einsum("ndc,nc,nec->nde", V, w, V)


def _pca(Xt, X, d, centre=True, add_mean=True):
    mu = Xt.mean(0) if centre else 0.0
    W = np.linalg.svd(Xt - mu)[2][:d]
    rec = (X - mu) @ W.T @ W + (mu if add_mean else 0.0)
    return np.square(X - rec).sum(1)


def _dc(D, k=-0.5):
    J = np.eye(len(D)) - 1.0 / len(D)
    return k * J @ np.square(D) @ J


def _mds(D, d, f=np.sqrt):
    w, V = np.linalg.eigh(_dc(D))
    return V[:, ::-1][:, :d] * f(w[::-1][:d])


def _rbm_g(v, W, bh, bv, sign=-1.0, M=None):
    ph = _sig(v @ W.T + bh)
    M = len(v) if M is None else M
    return sign * ph.T @ v / M, sign * ph.sum(0) / M, sign * v.sum(0) / M


PLANTED = {
    "08_rbm": {
        "free_energy": [
            (lambda v, W, bh, bv: v @ bv - np.logaddexp(0, v @ W.T + bh).sum(1), "visible-bias"),
            (lambda v, W, bh, bv: -(v @ bv) - np.log1p(np.exp(v @ W.T + bh)).sum(1),
             "overflows for z = 800"),
            (lambda v, W, bh, bv: -(v @ bv) - (v @ W.T + bh).sum(1), "not the pre-activation"),
        ],
        "free_energy_grads": [
            (lambda v, W, bh, bv: (lambda g: (g[0].T, g[1], g[2]))(_rbm_g(v, W, bh, bv)),
             "off by a transpose"),
            (lambda v, W, bh, bv: _rbm_g(v, W, bh, bv, sign=1.0), "sign"),
            (lambda v, W, bh, bv: _rbm_g(v, W, bh, bv, M=1), "forgot the 1/M"),
        ],
        "cd1_update": [
            (lambda v0, v1, W, bh, bv: tuple(b - a for a, b in zip(
                _rbm_g(v0, W, bh, bv), _rbm_g(v1, W, bh, bv))), "sign"),
            (lambda v0, v1, W, bh, bv: _rbm_g(v0, W, bh, bv), "forgot the negative phase"),
        ],
    },
    "10_pca_isomap": {
        "pca_reconstruction_error": [
            (lambda Xt, X, d: _pca(Xt, X, d, centre=False), "centre the data first"),
            (lambda Xt, X, d: _pca(Xt, X, d, add_mean=False), "add the mean back"),
        ],
        "double_centering": [
            (lambda D: _dc(np.sqrt(D)), "square the distances"),
            (lambda D: _dc(D, k=1.0), "missing the -1/2"),
            (lambda D: -0.5 * (np.eye(len(D)) - 1.0 / len(D)) @ np.square(D), "centred only"),
        ],
        "mds_embedding": [
            (lambda D, d: _mds(D, d, f=np.ones_like), "sqrt(lambda)"),
            (lambda D, d: (lambda w, V: V[:, :d] * np.sqrt(np.abs(w[:d])))(*np.linalg.eigh(_dc(D))),
             "keep the d LARGEST"),
        ],
    },
    "09_parzen": {
        "parzen_log_density": [
            (lambda Q, X, h: np.logaddexp.reduce(_pz_terms(Q, X, h), axis=1) - np.log(len(X)),
             "missing the Gaussian's normaliser"),
            (lambda Q, X, h: np.log(np.mean(np.exp(_pz_terms(Q, X, h)), axis=1))
             - X.shape[1] / 2 * np.log(2 * np.pi * h * h), "underflows"),
            (lambda Q, X, h: np.logaddexp.reduce(_pz_terms(Q, X, h), axis=1)
             - X.shape[1] / 2 * np.log(2 * np.pi * h * h), "missing the -log n"),
        ],
        "local_covariance": [
            (lambda X, nb: _loc(X, nb, centre="mean"), "neighbours' mean"),
            (lambda X, nb: _loc(X, nb, div=nb.shape[1] - 1), "divided by k - 1"),
        ],
        "manifold_parzen_covariance": [
            (lambda X, nb, d, s0: _mp(X, nb, d, s0, pick=lambda w, V, d: (w[:, :d], V[:, :, :d])),
             "keep the d LARGEST"),
            (lambda X, nb, d, s0: _mp(X, nb, d, 0.0), "missing sigma0^2 I"),
        ],
    },
    "04_softmax": {
        "softmax": [
            (lambda z: np.exp(z) / np.exp(z).sum(axis=1)[:, None], "exp(1000) overflows"),
            (lambda z: _smax(z.T).T, "normalised over the batch"),
        ],
        "softmax_backward": [
            (lambda z, g: g * _smax(z) * (1 - _smax(z)), "only the diagonal"),
            (lambda z, g: _smax(z) * g + _smax(z) * (g * _smax(z)).sum(1, keepdims=True),
             "sign of the off-diagonal"),
        ],
        "categorical_nll": [
            (lambda z, y: float(-(y * np.log(_smax(z))).sum() / len(z)), "takes log 0"),
            (lambda z, y: float(-np.sum(y * (z - np.logaddexp.reduce(z, axis=1)[:, None]))),
             "forgot the 1/M"),
        ],
        "categorical_delta": [
            (lambda z, y: _smax(z) - y, "forgot the 1/M"),
            (lambda z, y: (y - _smax(z)) / len(z), "sign"),
            (lambda z, y: (_smax(z) - y) * _smax(z) * (1 - _smax(z)) / len(z), "the Jacobian"),
        ],
    },
    "06_contractive": {
        "jacobian": [
            (lambda x, W, b: np.repeat(W[None], len(x), axis=0), "missing sigma'(z)"),
            (lambda x, W, b: np.einsum("mj,ji->mij", _cae(x, W, b)[1], W), "off by a transpose"),
        ],
        "contractive_penalty": [
            (lambda x, W, b: (lambda h, s1, s2, w, M: float((s1 * w).sum() / M))(*_cae(x, W, b)),
             "not squared"),
            (lambda x, W, b: (lambda h, s1, s2, w, M: float((s1 ** 2 * w).sum()))(*_cae(x, W, b)),
             "forgot the 1/M"),
        ],
        "contractive_penalty_grads": [
            (lambda x, W, b: (lambda h, s1, s2, w, M: (2 * (s1 ** 2).sum(0)[:, None] * W / M,
                                                       0 * b))(*_cae(x, W, b)),
             "missing the term through z"),
            (lambda x, W, b: (lambda h, s1, s2, w, M: ((2 * s1 * s2 * w).T @ x / M,
                                                       (2 * s1 * s2 * w).sum(0) / M))(
                *_cae(x, W, b)), "missing the direct term"),
            (lambda x, W, b: (lambda h, s1, s2, w, M: (
                2 * (s1 ** 2).sum(0)[:, None] * W + (2 * s1 * s2 * w).T @ x,
                (2 * s1 * s2 * w).sum(0)))(*_cae(x, W, b)), "forgot the 1/M"),
        ],
    },
    "05_tied_autoencoder": {
        "tied_gradient": [
            (lambda ge, gd: ge * 1.0, "only the encoder's use"),
            (lambda ge, gd: ge + gd, "off by a transpose"),
        ],
        "tied_autoencoder_grads": [
            (lambda x, W, be, bd: (lambda p: (p[0], p[1], p[3], p[4]))(_tied_parts(x, W, be, bd)),
             "only the encoder's use"),
            (lambda x, W, be, bd: (lambda p: (p[0], p[2], p[3], p[4]))(_tied_parts(x, W, be, bd)),
             "only the decoder's use"),
            (lambda x, W, be, bd: (lambda p: (p[0] * len(x), (p[1] + p[2]) * len(x),
                                               p[3] * len(x), p[4] * len(x)))(
                _tied_parts(x, W, be, bd)), "forgot the 1/M"),
        ],
        "denoising_loss": [
            (lambda x, xt, W, be, bd: _dae(xt, xt, W, be, bd), "the target is the clean x"),
            (lambda x, xt, W, be, bd: _dae(x, x, W, be, bd), "must see the corrupted x_tilde"),
            (lambda x, xt, W, be, bd: _dae(xt, x, W, be, bd), "swapped"),
        ],
    },
    "07_vae": {
        "reparameterize": [
            (lambda mu, lv, eps: mu + np.exp(lv) * eps, "the slide's sigma^2 slip"),
            (lambda mu, lv, eps: mu + eps * lv, "log_var is log sigma^2, not sigma"),
        ],
        "reparameterize_backward": [
            (lambda g, lv, eps: (g.copy(), g * eps * np.sqrt(np.exp(lv))), "missing the 1/2"),
            (lambda g, lv, eps: (g.copy(), eps * g), "the chain rule stops early"),
            (lambda g, lv, eps: (g.copy(), g * eps * np.exp(lv)), "sigma^2 slip"),
        ],
        "gaussian_kl": [
            (lambda mu, lv: -0.5 * np.sum(1 + lv - mu ** 2 - np.exp(lv), axis=1) * -1,
             "sign of the KL term"),
            (lambda mu, lv: np.sum(mu ** 2 + np.exp(lv) - lv - 1, axis=1), "missing the 1/2"),
            (lambda mu, lv: 0.5 * np.sum(mu ** 2 + np.exp(lv) - np.log(np.exp(lv)) - 1, axis=1),
             "log(exp(log_var)) takes log 0"),
        ],
        "gaussian_kl_grad": [
            (lambda mu, lv: (-mu, (1 - np.exp(lv)) / 2), "sign of the KL term"),
            (lambda mu, lv: (mu + 0, np.exp(lv) - 1), "missing the 1/2"),
        ],
        "bernoulli_logits_nll": [
            (lambda l, x: (-np.sum(x * np.log(_sig(l)) + (1 - x) * np.log(_sig(-l)), axis=1),
                           _sig(l) - x), "log(sigmoid(l)) takes log 0"),
            (lambda l, x: (np.sum(np.logaddexp(0, l) - x * l, axis=1), x - _sig(l)),
             "sign of the gradient"),
            (lambda l, x: (np.sum(np.logaddexp(0, l) - x * l, axis=1), l - x), "not l - x"),
        ],
        "log_mean_exp": [
            (lambda a: np.logaddexp.reduce(a, axis=-1), "log-sum-exp, not log-mean-exp"),
            (lambda a: a.sum(axis=-1) / a.shape[-1], "the ELBO (Jensen)"),
            (lambda a: np.log(np.exp(a).sum(axis=-1) / a.shape[-1]), "underflows"),
        ],
        "loss_ledger": [
            (lambda n, k, D: _ledger(n, k, D, batch_mean=False), "forgot the 1/M"),
            (lambda n, k, D: _ledger(n, k, D, kl_sign=-1.0), "sign of the KL term"),
            (lambda n, k, D: _ledger(n, k, D, bits_scale=np.log(2)), "divide by ln 2"),
            (lambda n, k, D: _ledger(n, k, D, mean_red=lambda r, D: r), "reduction='mean'"),
        ],
    },
    "02_losses": {
        "gaussian_nll": [
            (lambda a, y: float(np.sum((y - a) ** 2) / len(a)), "missing the 1/2"),
            (lambda a, y: float(np.mean(np.square(y - a)) / 2), "averaged over the features"),
            (lambda a, y: float(np.sum(np.square(y - a)) / 2), "forgot the 1/M"),
        ],
        "gaussian_nll_grad": [
            (lambda a, y: np.subtract(a, y), "forgot the 1/M"),
            (lambda a, y: -(a - y) / len(a), "sign"),
        ],
        "gaussian_nll_learned": [
            (lambda x, m, lv: np.sum(lv + (m - x) ** 2 / np.exp(lv), axis=1) / 2,
             "missing the constant"),
            (lambda x, m, lv: np.sum(np.log(2 * np.pi) + lv + (m - x) ** 2 * np.exp(lv), axis=1)
             / 2, "multiplied by the variance"),
        ],
        "gaussian_nll_learned_grad": [
            (lambda x, m, lv: ((x - m) / np.exp(lv), (1 - (x - m) ** 2 / np.exp(lv)) / 2),
             "sign of d/dmean"),
            (lambda x, m, lv: ((m - x) / np.exp(lv), 1 - (x - m) ** 2 / np.exp(lv)),
             "missing the 1/2"),
        ],
        "bernoulli_nll": [
            (lambda a, y: float(-np.sum(y * np.log(a) + (1 - y) * np.log1p(-a))), "forgot the 1/M"),
            (lambda a, y: float(np.sum(y * np.log(a) + (1 - y) * np.log1p(-a)) / len(a)), "sign"),
            (lambda a, y: float(-np.sum(y * np.log(a)) / len(a)), "missing the (1 - y)"),
        ],
        "bernoulli_nll_grad": [
            (lambda a, y: (a - y) / len(a), "the delta dC/dz of a sigmoid output"),
            (lambda a, y: (a - y) / a / (1 - a), "forgot the 1/M"),
        ],
        "mse_delta": [
            (lambda z, y: (_sig(z) - y) / len(z), "missing sigma'(z)"),
            (lambda z, y: (_sig(z) - y) * _sig(z) * (1 - _sig(z)), "forgot the 1/M"),
        ],
        "cross_entropy_delta": [
            (lambda z, y: (_sig(z) - y) * _sig(z) * _sig(-z) / len(z), "kept sigma'(z)"),
            (lambda z, y: _sig(z) - y, "forgot the 1/M"),
            (lambda z, y: (_sig(z) - y) / (_sig(z) * (1 - _sig(z))) * _sig(z) * (1 - _sig(z))
             / len(z), "overflows for z = -800 and 800"),
        ],
    },
    "01_activations": {
        "sigmoid": [
            (lambda z: 0.5 * (1.0 - np.tanh(0.5 * z)), "sign"),
            (lambda z: np.exp(z) / (np.exp(z) + 1.0), "overflows for z = 800"),
        ],
        "sigmoid_prime": [
            (lambda z: z - z ** 2, "z in place of a"),
            (lambda z: np.exp(-z) / np.square(1.0 + np.exp(-z)), "overflows for z = -800"),
        ],
        "tanh_prime": [
            (lambda z: 1.0 - np.square(z), "z in place of t"),
            (lambda z: 1.0 - np.tanh(z), "forgot the square"),
        ],
        "softplus": [
            (lambda z: np.log(np.exp(z) + 1.0), "overflows for z = 800"),
            (lambda z: np.log1p(np.exp(-z)) if np.all(np.abs(z) < 700) else
             np.maximum(-z, 0) + np.log1p(np.exp(-np.abs(z))), "softplus(-z)"),
        ],
        "softplus_prime": [
            (lambda z: 1.0 - _sig(z), "sigma(-z)"),
            (lambda z: np.exp(z) / (np.exp(z) + 1.0), "overflows for z = 800"),
        ],
        "relu_prime": [
            (lambda z: np.where(z < 0, 0.0, 1.0), "1 at the kink"),
            (lambda z: np.where(z > 0, z, 0.0), "relu(z)"),
            (lambda z: np.sign(z).astype(float), "sign(z)"),
        ],
    },
    "03_four_equations": {
        "output_error": [
            (lambda g, z, act: g.copy(), "missing sigma'(z)"),
            (lambda g, z, act: g * act.f(z), "sigma(z) instead of sigma'(z)"),
            (lambda g, z, act: g + act.df(z), "added instead of multiplied"),
        ],
        "hidden_error": [
            (lambda d, W, z, act: np.dot(d, W), "missing sigma'(z)"),
            (lambda d, W, z, act: act.df(z) * np.einsum("mk,jk->mj", d, W), "off by a transpose"),
        ],
        "bias_gradient": [
            (lambda d: np.sum(d, axis=0) / len(d), "divided by the batch size"),
            (lambda d: np.sum(d, axis=-1), "summed over the units"),
        ],
        "weight_gradient": [
            (lambda d, a: np.einsum("mi,mo->io", a, d), "off by a transpose"),
            (lambda d, a: np.einsum("mo,mi->oi", d, a) / d.shape[0], "divided by the batch size"),
        ],
        "input_gradient": [
            (lambda d, W: np.einsum("mo,io->mi", d, W), "off by a transpose"),
            (lambda d, W: np.dot(W.T, d), "column form"),
        ],
    },
}

DONE = list(PLANTED)


def _replace(module, name, fn):
    ns = SimpleNamespace(**{k: getattr(module, k) for k in dir(module) if not k.startswith("__")})
    setattr(ns, name, fn)
    return ns


def _planted_cases():
    for name, functions in PLANTED.items():
        for fname, mistakes in functions.items():
            for i in range(len(mistakes)):
                yield pytest.param(name, fname, i, id=f"{name}-{fname}-{i}")


def test_registry_in_slide_order_and_files_ship():
    assert ex.names() == sorted(ex.names())
    assert len(ex.names()) == 10
    assert sorted(DONE) == ex.names()                       # every exercise is tested
    for name in DONE:
        assert ex.student_file(name).is_file()


@pytest.mark.parametrize("name", DONE)
def test_every_function_has_two_planted_mistakes(name):
    task_names = [t.name for t in ex.tasks(name)]
    assert sorted(task_names) == sorted(PLANTED[name])
    for fname in task_names:
        assert len(PLANTED[name][fname]) >= 2, fname


@pytest.mark.parametrize("name", DONE)
def test_reference_solution_passes(name, capsys):
    results = ex.grade(name, solution(name))
    assert [r.status for r in results] == ["PASS"] * len(results), \
        "\n".join(r.line() for r in results)
    assert ex.check(name, SOLUTIONS / f"{name}.py") == 0
    assert capsys.readouterr().out.count("PASS ") == len(results)


@pytest.mark.parametrize("name", DONE)
def test_shipped_student_file_is_not_done_yet(name, capsys):
    results = ex.grade(name, ex.load_file(ex.student_file(name)))
    assert [r.status for r in results] == ["TODO"] * len(results)
    assert ex.check(name, ex.student_file(name)) == 1
    out = capsys.readouterr().out
    assert out.count("not done yet") >= len(results)
    text = ex.student_file(name).read_text()
    assert f'check_file(__file__, "{name}")' in text           # runs its own check


@pytest.mark.parametrize("name,fname,i", list(_planted_cases()))
def test_planted_mistake_fails_with_its_hint(name, fname, i):
    wrong, hint = PLANTED[name][fname][i]
    module = _replace(solution(name), fname, wrong)
    results = {r.name: r for r in ex.grade(name, module)}
    r = results[fname]
    assert r.status == "FAIL", r.line()
    assert r.hint and hint in r.hint, r.line()
    others = [x for x in results.values() if x.name != fname]
    assert all(x.passed for x in others), [x.line() for x in others if not x.passed]


def _grader_mistakes():
    for name in ex.names():
        for task in ex.tasks(name):
            for i in range(len(task.mistakes)):
                yield pytest.param(name, task.name, i, id=f"{name}-{task.name}-{i}")


@pytest.mark.parametrize("name,fname,i", list(_grader_mistakes()))
def test_every_grader_hint_is_reachable(name, fname, i):
    """Each known-wrong variant, handed in as the answer, fails with its own hint: no hint is
    shadowed by another or identical to the right answer on every input."""
    task = next(t for t in ex.tasks(name) if t.name == fname)
    hint, wrong = task.mistakes[i]
    r = _grader.grade_task(task, wrong)
    assert r.status == "FAIL" and r.hint == hint, r.line()


def _fd_tasks():
    for name in ex.names():
        for task in ex.tasks(name):
            if task.fd is not None:
                yield pytest.param(name, task.name, id=f"{name}-{task.name}")


@pytest.mark.parametrize("name,fname", list(_fd_tasks()))
def test_finite_difference_checks_can_fail(name, fname):
    """The finite-difference check of each gradient passes the reference solution and rejects
    at least one known-wrong gradient on its own (not only through the library comparison)."""
    task = next(t for t in ex.tasks(name) if t.name == fname)
    err, tol = task.fd(getattr(solution(name), fname), np.random.default_rng(1))
    assert err < tol
    failed = []
    for hint, wrong in task.mistakes:
        try:
            err, tol = task.fd(wrong, np.random.default_rng(1))
        except Exception:
            continue
        failed.append(not err < tol)
    assert any(failed), f"no known mistake of {fname} fails the finite-difference check"


# ---------------------------------------------------------------------- grader behaviour
def test_crash_shows_student_traceback_and_input(capsys):
    def buggy(delta):
        raise ZeroDivisionError("student bug")

    module = _replace(solution("03_four_equations"), "bias_gradient", buggy)
    r = {x.name: x for x in ex.grade("03_four_equations", module)}["bias_gradient"]
    assert r.status == "FAIL"
    assert "ZeroDivisionError: student bug" in r.detail
    assert "in buggy" in r.detail and "_grader.py" not in r.detail
    assert "delta of shape" in r.where


def test_missing_function_and_in_place_write_are_reported():
    sol = solution("03_four_equations")
    ns = _replace(sol, "bias_gradient", None)
    r = {x.name: x for x in ex.grade("03_four_equations", ns)}["bias_gradient"]
    assert r.status == "FAIL" and "defines no function" in r.hint

    def inplace(delta):
        delta *= 1.0
        delta[0] = 0.0
        return delta.sum(axis=0)

    ns = _replace(sol, "bias_gradient", inplace)
    r = {x.name: x for x in ex.grade("03_four_equations", ns)}["bias_gradient"]
    assert r.status == "FAIL" and "in place" in r.hint


def test_compare_and_structure_hints():
    assert _grader.compare(np.ones((2, 3)), np.ones((2, 3))) == 0.0
    assert _grader.compare(np.ones((3, 2)), np.ones((2, 3))) == float("inf")
    assert _grader.compare((np.ones(2), 1.0), (np.ones(2), 1.0)) == 0.0
    assert _grader.compare({"a": 1.0}, {"a": 1.0, "b": 2.0}) == float("inf")
    assert _grader.compare(np.array([np.nan]), np.array([1.0])) == float("inf")
    assert "transpose" in _grader._structure_hint(np.ones((3, 2)), np.ones((2, 3)))
    assert "forget `return`" in _grader._structure_hint(None, np.ones(2))


# ---------------------------------------------------------------------- command line
def test_cli_start_never_overwrites_and_check_exit_status(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "03_four_equations"
    assert main(["exercises", "start", name]) == 0
    copy = tmp_path / ex.DEFAULT_DIR / f"{name}.py"
    assert copy.read_text() == ex.student_file(name).read_text()
    copy.write_text(copy.read_text() + "\n# my notes\n")
    assert main(["exercises", "start", name]) == 0
    assert copy.read_text().endswith("# my notes\n")                # not overwritten
    assert "not overwritten" in capsys.readouterr().out
    assert main(["exercises", "check", name]) == 1
    assert "not done yet" in capsys.readouterr().out
    assert main(["exercises", "check", name, "--file", str(SOLUTIONS / f"{name}.py")]) == 0
    capsys.readouterr()
    (tmp_path / ex.DEFAULT_DIR / f"{name}.py").write_text(
        (SOLUTIONS / f"{name}.py").read_text())
    assert main(["exercises", "list"]) == 0
    out = capsys.readouterr().out
    lines = [l for l in out.splitlines() if l[:2].isdigit()]
    assert [l.split()[0] for l in lines] == ex.names()
    assert "passes" in next(l for l in lines if l.startswith(name))
    assert "not started" in next(l for l in lines if l.startswith("01_"))
    with pytest.raises(SystemExit):
        main(["exercises", "check", "99_nothing"])


def test_file_that_does_not_import_is_reported(tmp_path, capsys):
    bad = tmp_path / "03_four_equations.py"
    bad.write_text("def output_error(grad_a, z, activation)\n    return grad_a\n")
    assert ex.check("03_four_equations", bad) == 1
    assert "could not be imported" in capsys.readouterr().out
    assert main(["exercises", "list", "--dir", str(tmp_path)]) == 0
    line = next(l for l in capsys.readouterr().out.splitlines() if l.startswith("03_"))
    assert "does not import (SyntaxError)" in line


def test_student_file_runs_its_own_check(tmp_path):
    name = "03_four_equations"
    target = tmp_path / f"{name}.py"
    target.write_text(ex.student_file(name).read_text())
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    proc = subprocess.run([sys.executable, str(target)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.count("not done yet") >= len(ex.tasks(name))
