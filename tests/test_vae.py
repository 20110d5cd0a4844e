"""VAE, CVAE and M2: every hand-written gradient against finite differences, the closed-form KL
against Monte Carlo, the slide's reparameterisation slip caught, the IWAE bound, determinism,
checkpoints and bad input.

Gradient checks follow DESIGN.md: float64, tiny shapes, noise eps frozen, central differences
h = 1e-5, relative error < 1e-7 (smooth) or < 1e-4 (ReLU, near a kink); biases are random and
non-zero so no ReLU unit sits on its kink.
"""
import numpy as np
import pytest

from scratchae import gradcheck
from scratchae.kernels import numba_enabled
from scratchae.models.base import Model
from scratchae.models.cvae import CVAE, M2
from scratchae.models.vae import VAE
from scratchae.models import vae_math as vm
from scratchae.nn.losses import BernoulliNLL


def _randomize_biases(model, rng):
    for name, p in model.params().items():
        if name.endswith(".b") or name.endswith("log_var"):
            p[...] = rng.uniform(-0.5, 0.5, size=p.shape)


def _objective(fn):
    """Adapt ``loss_and_grads`` (metrics, grads) to gradcheck's (loss, grads)."""
    def objective():
        metrics, grads = fn()
        return metrics["loss"], grads
    return objective


def _prototype_data(n=300, d=16, n_classes=3, flip=0.1, seed=0):
    """Binary images: one of ``n_classes`` random prototypes with a fraction ``flip`` of pixels
    flipped. Returns x (n, d) float64 and labels (n,)."""
    rng = np.random.default_rng(seed)
    protos = (rng.random((n_classes, d)) < 0.5).astype(np.float64)
    y = rng.integers(0, n_classes, n)
    noise = rng.random((n, d)) < flip
    return np.abs(protos[y] - noise), y


# ------------------------------------------------------------------------ vae_math pieces
def test_reparameterize_backward_matches_finite_differences():
    rng = np.random.default_rng(0)
    mu, log_var = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    eps, u = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))   # C = sum(u * z)
    g_mu, g_lv = vm.reparameterize_backward(u, log_var, eps)
    r_mu = gradcheck.check_gradient(lambda m: np.sum(u * vm.reparameterize(m, log_var, eps)),
                                    lambda m: g_mu, mu, name="mu")
    r_lv = gradcheck.check_gradient(lambda s: np.sum(u * vm.reparameterize(mu, s, eps)),
                                    lambda s: g_lv, log_var, name="log_var")
    assert r_mu.passed, str(r_mu)
    assert r_lv.passed, str(r_lv)
    z = vm.reparameterize(mu, log_var, eps)
    np.testing.assert_allclose(g_lv, u * (z - mu) / 2)     # the docstring's second form


def test_kl_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    mu, log_var = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    g_mu, g_lv = vm.gaussian_kl_grad(mu, log_var)
    assert gradcheck.check_gradient(lambda m: vm.gaussian_kl(m, log_var).sum(),
                                    lambda m: g_mu, mu).passed
    assert gradcheck.check_gradient(lambda s: vm.gaussian_kl(mu, s).sum(),
                                    lambda s: g_lv, log_var).passed


def test_kl_closed_form_equals_monte_carlo_estimate():
    rng = np.random.default_rng(2)
    mu = np.array([[0.5, -1.0, 2.0]])
    log_var = np.array([[-1.0, 0.3, 0.8]])
    n = 400_000
    eps = rng.standard_normal((n, 3))
    z = vm.reparameterize(np.repeat(mu, n, 0), np.repeat(log_var, n, 0), eps)
    # KL(q || p) = E_q[log q(z) - log p(z)]
    log_ratio = vm.gaussian_log_density(z, np.repeat(mu, n, 0), np.repeat(log_var, n, 0)) \
        - vm.standard_normal_log_density(z)
    mc, stderr = log_ratio.mean(), log_ratio.std() / np.sqrt(n)
    closed = vm.gaussian_kl(mu, log_var)[0]
    assert abs(mc - closed) < 4 * stderr, (mc, closed, stderr)
    assert stderr < 0.01
    assert vm.gaussian_kl(np.zeros((1, 3)), np.zeros((1, 3)))[0] == 0.0


def test_the_slides_slip_is_caught_by_the_variance_of_z():
    """z = mu + sigma^2 eps (the slide) has variance sigma^4; z = mu + sigma eps has sigma^2."""
    rng = np.random.default_rng(3)
    n = 200_000
    mu = np.full((n, 1), 1.5)
    log_var = np.full((n, 1), np.log(4.0))            # sigma^2 = 4, sigma^4 = 16
    eps = rng.standard_normal((n, 1))
    var_right = vm.reparameterize(mu, log_var, eps).var()
    var_slip = vm.reparameterize_slide_slip(mu, log_var, eps).var()
    assert abs(var_right - 4.0) < 0.1
    assert abs(var_slip - 16.0) < 0.4
    # where sigma = 1 the two agree, which is how the slip can go unnoticed
    ones = np.zeros((5, 1))
    np.testing.assert_allclose(vm.reparameterize(mu[:5], ones, eps[:5]),
                               vm.reparameterize_slide_slip(mu[:5], ones, eps[:5]))


def test_gaussian_log_density_and_log_mean_exp():
    from scipy.stats import multivariate_normal
    rng = np.random.default_rng(4)
    z, mu, lv = (rng.standard_normal((5, 3)) for _ in range(3))
    ref = [multivariate_normal(mu[i], np.diag(np.exp(lv[i]))).logpdf(z[i]) for i in range(5)]
    np.testing.assert_allclose(vm.gaussian_log_density(z, mu, lv), ref, rtol=1e-12)
    np.testing.assert_allclose(vm.standard_normal_log_density(z),
                               vm.gaussian_log_density(z, 0 * z, 0 * z), rtol=1e-12)
    a = rng.standard_normal((3, 7))
    np.testing.assert_allclose(vm.log_mean_exp(a, axis=1), np.log(np.mean(np.exp(a), axis=1)))
    big = a - 2000.0                                    # exp underflows to 0 in float64
    np.testing.assert_allclose(vm.log_mean_exp(big, axis=1), vm.log_mean_exp(a, axis=1) - 2000.0)
    assert vm.log_sum_exp(np.array([-np.inf, -np.inf])) == -np.inf


def test_gaussian_nll_gradients_match_finite_differences():
    rng = np.random.default_rng(5)
    x, mean, lv = (rng.standard_normal((3, 4)) for _ in range(3))
    g_mean, g_lv = vm.gaussian_nll_grad(x, mean, lv)
    assert gradcheck.check_gradient(lambda m: vm.gaussian_nll(x, m, lv).sum(),
                                    lambda m: g_mean, mean).passed
    assert gradcheck.check_gradient(lambda s: vm.gaussian_nll(x, mean, s).sum(),
                                    lambda s: g_lv, lv).passed
    from scipy.stats import norm
    np.testing.assert_allclose(vm.gaussian_nll(x, mean, lv),
                               -norm.logpdf(x, mean, np.exp(lv / 2)).sum(1), rtol=1e-12)


def test_entropy_and_expectation_gradients_match_finite_differences():
    rng = np.random.default_rng(6)
    c, v = rng.standard_normal((4, 5)) * 2, rng.standard_normal((4, 5)) * 3
    r_h = gradcheck.check_gradient(lambda cc: vm.categorical_entropy(cc).sum(),
                                   vm.categorical_entropy_grad, c, name="entropy")
    r_e = gradcheck.check_gradient(lambda cc: np.sum(np.exp(vm.log_softmax(cc)) * v),
                                   lambda cc: vm.expectation_grad(cc, v), c, name="E_pi[v]")
    assert r_h.passed, str(r_h)
    assert r_e.passed, str(r_e)
    # entropy from huge logits: no log 0, no NaN
    assert np.isfinite(vm.categorical_entropy(np.array([[1000.0, -1000.0, 0.0]]))).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_bernoulli_nll_and_grad_agree_with_the_loss(dtype):
    rng = np.random.default_rng(7)
    logits = (rng.standard_normal((9, 13)) * 6).astype(dtype)
    logits[0, :3] = [80.0, -80.0, 0.0]
    x = rng.uniform(0, 1, (9, 13)).astype(dtype)
    nll, g = vm.bernoulli_logit_nll_grad(logits, x)
    loss = BernoulliNLL()
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert nll.dtype == dtype and g.dtype == dtype
    np.testing.assert_allclose(nll, loss.per_example_from_logits(logits, x), rtol=tol)
    np.testing.assert_allclose(g, loss.delta_from_logits(logits, x) * len(x), rtol=tol, atol=tol)
    # both of those now share this function's arithmetic, so also compare with formulas written
    # independently, in float64: softplus(l) = logaddexp(0, l), sigmoid(l) = (1 + tanh(l/2)) / 2
    l64, x64 = logits.astype(np.float64), x.astype(np.float64)
    np.testing.assert_allclose(nll, np.sum(np.logaddexp(0.0, l64) - x64 * l64, axis=1),
                               rtol=tol)
    np.testing.assert_allclose(g, 0.5 * (1.0 + np.tanh(0.5 * l64)) - x64, rtol=tol, atol=tol)
    assert np.isfinite(nll).all() and np.isfinite(g).all()
    if dtype == np.float64:                             # the gradient against finite differences
        r = gradcheck.check_gradient(lambda l: vm.bernoulli_logit_nll_grad(l, x)[0].sum(),
                                     lambda l: vm.bernoulli_logit_nll_grad(l, x)[1], logits,
                                     name="logits")
        assert r.passed, str(r)


# ------------------------------------------------------------------ whole-model gradients
VAE_CASES = [
    ("bernoulli", 1.0, "relu", 1), ("bernoulli", 1.0, "tanh", 3), ("gaussian", 0.5, "tanh", 1),
    ("gaussian", "learned", "softplus", 2), ("gaussian", "output", "tanh", 1),
]


@pytest.mark.parametrize("likelihood, variance, activation, n_samples", VAE_CASES)
def test_vae_loss_gradients_match_finite_differences(likelihood, variance, activation, n_samples):
    rng = np.random.default_rng(8)
    vae = VAE([6, 5, 3], activation=activation, likelihood=likelihood, seed=1, dtype=np.float64,
              n_samples=n_samples, gaussian_variance=variance)
    _randomize_biases(vae, rng)
    x = rng.uniform(0, 1, (4, 6))
    eps = rng.standard_normal((4, n_samples, 3))
    report = gradcheck.check_gradients(_objective(lambda: vae.loss_and_grads(x, eps=eps)),
                                       vae.params(), kink=activation == "relu")
    assert report.passed, str(report)
    assert len(report.results) == len(vae.params())


@pytest.mark.parametrize("n_samples", [1, 2])
def test_cvae_loss_gradients_match_finite_differences(n_samples):
    rng = np.random.default_rng(9)
    cvae = CVAE([6, 5, 2], n_classes=3, activation="relu", dtype=np.float64, n_samples=n_samples)
    _randomize_biases(cvae, rng)
    x, y = rng.uniform(0, 1, (4, 6)), np.array([0, 2, 1, 2])
    eps = rng.standard_normal((4, n_samples, 2))
    report = gradcheck.check_gradients(_objective(lambda: cvae.loss_and_grads((x, y), eps=eps)),
                                       cvae.params(), kink=True)
    assert report.passed, str(report)


@pytest.mark.parametrize("path", ["labelled", "unlabelled", "both"])
def test_m2_loss_gradients_match_finite_differences(path):
    rng = np.random.default_rng(10)
    m2 = M2([6, 5, 2], n_classes=3, activation="tanh", dtype=np.float64, alpha=0.7,
            labelled_weight=0.3)
    _randomize_biases(m2, rng)
    xl, yl, xu = rng.uniform(0, 1, (3, 6)), np.array([0, 2, 1]), rng.uniform(0, 1, (4, 6))
    eps_l, eps_u = rng.standard_normal((3, 1, 2)), rng.standard_normal((12, 1, 2))
    args = {"labelled": (xl, yl, None), "unlabelled": (None, None, xu), "both": (xl, yl, xu)}[path]
    fn = lambda: m2.loss_and_grads(args, eps_labelled=eps_l, eps_unlabelled=eps_u)  # noqa: E731
    report = gradcheck.check_gradients(_objective(fn), m2.params())
    assert report.passed, str(report)
    metrics, _ = fn()
    if path != "labelled":       # the unlabelled term is sum_y q(y|x) L(x, y) - H(q(y|x))
        assert metrics["entropy"] > 0


def test_m2_grouped_encoder_equals_the_plain_network():
    """Computing the encoder's first layer once per distinct x gives the same loss and grads."""
    rng = np.random.default_rng(13)
    m2 = M2([6, 5, 4, 2], n_classes=3, activation="relu", dtype=np.float64)
    _randomize_biases(m2, rng)
    args = (rng.uniform(0, 1, (3, 6)), [0, 2, 1], rng.uniform(0, 1, (4, 6)))
    eps = {"eps_labelled": rng.standard_normal((3, 1, 2)),
           "eps_unlabelled": rng.standard_normal((12, 1, 2))}
    grouped = m2.loss_and_grads(args, **eps)
    m2.group_encoder = False
    plain = m2.loss_and_grads(args, **eps)
    assert grouped[0]["loss"] == pytest.approx(plain[0]["loss"], rel=1e-13)
    for k in plain[1]:
        np.testing.assert_allclose(grouped[1][k], plain[1][k], rtol=1e-12, atol=1e-14)


def test_m2_unlabelled_loss_is_the_expectation_over_labels_minus_entropy():
    rng = np.random.default_rng(11)
    m2 = M2([6, 5, 2], n_classes=3, activation="tanh", dtype=np.float64)
    xu = rng.uniform(0, 1, (2, 6))
    eps_u = rng.standard_normal((6, 1, 2))
    metrics, _ = m2.loss_and_grads((None, None, xu), eps_unlabelled=eps_u)
    # the same from the CVAE pieces: L(x, y) for each class with the matching noise
    pi = m2.predict_proba(xu)
    total = 0.0
    for i in range(2):
        for k in range(3):
            m, _ = CVAE.loss_and_grads(m2, (xu[i:i + 1], [k]), eps=eps_u[3 * i + k:3 * i + k + 1])
            total += pi[i, k] * (m["loss"] + np.log(3))
        total += np.sum(pi[i] * np.log(pi[i]))
    assert np.isclose(metrics["unlabelled"], total / 2, rtol=1e-10)


# ----------------------------------------------------------------- estimators and training
@pytest.fixture(scope="module")
def trained_vae():
    x, _ = _prototype_data(n=400, d=16)
    vae = VAE([16, 12, 2], activation="tanh", seed=0, dtype=np.float64)
    history = vae.fit(x, epochs=25, batch_size=32, lr=3e-3, progress=False)
    return vae, x, history


def test_training_lowers_the_loss_and_records_kl(trained_vae):
    vae, x, history = trained_vae
    assert set(history) >= {"loss", "recon", "kl"}
    assert len(history["kl"]) == 25
    assert history["loss"][-1] < 0.8 * history["loss"][0]
    assert all(k > 0 for k in history["kl"])
    np.testing.assert_allclose(np.array(history["recon"]) + history["kl"], history["loss"])


def test_iwae_bound_is_above_the_elbo_and_rises_with_k(trained_vae):
    vae, x, _ = trained_vae
    x = x[:200]
    elbo = vae.elbo(x, n_samples=100, rng=1).mean()      # 100 z per example: little MC noise
    ll = {k: vae.log_likelihood(x, n_samples=k, rng=2, batch_size=4000).mean()
          for k in (1, 10, 200)}
    assert abs(ll[1] - elbo) < 0.15           # k = 1 is a one-sample ELBO estimate
    assert ll[1] < ll[10] < ll[200]
    assert elbo < ll[10] - 0.05
    # chunking the samples gives the same numbers as one pass
    np.testing.assert_allclose(vae.log_likelihood(x[:5], n_samples=200, rng=2, batch_size=64),
                               vae.log_likelihood(x[:5], n_samples=200, rng=2, batch_size=10**6))


def test_inference_methods_shapes_and_ranges(trained_vae):
    vae, x, _ = trained_vae
    mu, log_var = vae.encode(x[:7], return_log_var=True)
    assert mu.shape == log_var.shape == (7, 2)
    assert np.array_equal(vae.encode(x[:7]), mu)
    r = vae.reconstruct(x[:7])
    s, z = vae.sample(5, rng=0, return_codes=True)
    assert r.shape == (7, 16) and s.shape == (5, 16) and z.shape == (5, 2)
    assert (r > 0).all() and (r < 1).all()
    np.testing.assert_allclose(vae.decode(z), s)
    elbo, recon, kl = vae.elbo(x[:7], return_terms=True)
    np.testing.assert_allclose(elbo, -(recon + kl))
    assert (kl >= 0).all() and (elbo < 0).all()


def test_same_seed_same_model_and_history():
    x, _ = _prototype_data(n=100)
    runs = []
    for seed in (3, 3, 4):
        vae = VAE([16, 8, 2], seed=seed, dtype=np.float32)
        h = vae.fit(x, epochs=2, batch_size=25, progress=False, binarize="dynamic")
        runs.append((h["loss"], vae.params(), vae.elbo(x, rng=0)))
    assert runs[0][0] == runs[1][0]
    assert all(np.array_equal(runs[0][1][k], runs[1][1][k]) for k in runs[0][1])
    assert np.array_equal(runs[0][2], runs[1][2])
    assert runs[0][0] != runs[2][0]
    assert np.array_equal(VAE([16, 8, 2], seed=5).sample(3), VAE([16, 8, 2], seed=5).sample(3))


def test_dynamic_binarisation_draws_binary_batches_with_the_right_mean():
    vae = VAE([16, 8, 2], dtype=np.float64)
    x = np.full((2000, 16), 0.3)
    xb = vae._binarize(x, np.random.default_rng(0))
    assert set(np.unique(xb)) == {0.0, 1.0}
    assert abs(xb.mean() - 0.3) < 0.01
    # fit with and without it differ (the data the gradients see differ)
    xg, _ = _prototype_data(n=64)
    xg = 0.2 + 0.6 * xg
    h1 = VAE([16, 8, 2]).fit(xg, epochs=1, batch_size=32, progress=False)
    h2 = VAE([16, 8, 2]).fit(xg, epochs=1, batch_size=32, progress=False, binarize="dynamic")
    assert h1["loss"] != h2["loss"]


@pytest.mark.parametrize("model_cls", [VAE, CVAE, M2])
def test_save_load_round_trip(tmp_path, model_cls):
    kwargs = {"n_classes": 3} if model_cls is not VAE else {"likelihood": "gaussian",
                                                            "gaussian_variance": "learned"}
    model = model_cls([16, 8, 2], seed=7, **kwargs)
    _randomize_biases(model, np.random.default_rng(0))
    path = model.save(tmp_path / "model")
    for loaded in (Model.load(path), model_cls.load(path)):
        assert type(loaded) is model_cls
        assert loaded.get_config() == model.get_config()
        for k, v in model.params().items():
            assert np.array_equal(loaded.params()[k], v) and loaded.params()[k].dtype == v.dtype
    x, y = _prototype_data(n=10)
    if model_cls is VAE:
        assert np.array_equal(loaded.elbo(x, rng=0), model.elbo(x, rng=0))
    else:
        assert np.array_equal(loaded.elbo(x, y, rng=0), model.elbo(x, y, rng=0))
    if model_cls is M2:
        assert np.array_equal(loaded.predict(x), model.predict(x))
    if model_cls is not VAE:
        with pytest.raises(ValueError, match="not a VAE|holds a"):
            M2.load(VAE([16, 8, 2]).save(tmp_path / "vae"))


# ------------------------------------------------------------------------ CVAE and M2 use
def test_cvae_label_controls_the_digit_and_helpers_have_the_right_shapes():
    x, y = _prototype_data(n=300, d=16, n_classes=3)
    cvae = CVAE([16, 12, 2], n_classes=3, activation="tanh", seed=0)
    cvae.fit(x, y, epochs=30, batch_size=32, lr=3e-3, progress=False)
    z = np.zeros((4, 2))
    grid = cvae.analogies(z)
    assert grid.shape == (4, 3, 16)
    # the label, not z, decides which prototype comes out
    protos = np.array([x[y == k].mean(0) for k in range(3)])
    for k in range(3):
        nearest = np.argmin(((protos[None] - grid[0, k][None]) ** 2).sum(-1))
        assert nearest == k
    st = cvae.style_transfer(x[:5], y[:5], labels=[0, 2])
    assert st.shape == (5, 2, 16)
    s = cvae.sample(6, y=1, rng=0)
    assert s.shape == (6, 16)
    assert cvae.log_likelihood(x[:4], y[:4], n_samples=20).shape == (4,)
    assert cvae.evaluate(x, y)["loss"] < 16 * np.log(2)


def test_m2_learns_from_few_labels_on_easy_data():
    x, y = _prototype_data(n=600, d=16, n_classes=3, flip=0.08, seed=1)
    labelled = np.concatenate([np.nonzero(y == k)[0][:2] for k in range(3)])   # 2 per class
    m2 = M2([16, 20, 2], n_classes=3, activation="tanh", seed=0)
    h = m2.fit(x[labelled], y[labelled], x, epochs=8, batch_size=50, lr=3e-3, progress=False,
               validation_data=(x, y))
    assert m2.alpha_ == pytest.approx(0.1 * (6 + 600) / 6)
    assert h["val_error"][-1] < 0.05
    assert m2.predict(x).shape == (600,)
    np.testing.assert_allclose(m2.predict_proba(x[:3]).sum(1), 1.0, rtol=1e-6)


# --------------------------------------------------------------------------- bad input
def test_bernoulli_model_refuses_data_outside_the_unit_interval():
    vae = VAE([4, 3, 2])
    bad = np.array([[0.0, 0.5, 1.2, 0.3]])
    for call in (lambda: vae.fit(bad, epochs=1, progress=False), lambda: vae.elbo(bad),
                 lambda: vae.loss_and_grads(bad), lambda: vae.log_likelihood(bad, n_samples=2)):
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            call()
    # a Gaussian decoder takes any real data
    VAE([4, 3, 2], likelihood="gaussian").elbo(bad * 10 - 3)


def test_bad_arguments_raise_clear_errors():
    vae = VAE([4, 3, 2])
    x = np.full((2, 4), 0.5)
    with pytest.raises(ValueError, match=r"\(batch, 4\)"):
        vae.elbo(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="NaN"):
        vae.elbo(np.array([[0.1, np.nan, 0.2, 0.3]]))
    with pytest.raises(ValueError, match="eps must have shape"):
        vae.loss_and_grads(x, eps=np.zeros((2, 1, 3)))
    with pytest.raises(ValueError, match="likelihood"):
        VAE([4, 3, 2], likelihood="poisson")
    with pytest.raises(ValueError, match="dynamic binarisation needs"):
        VAE([4, 3, 2], likelihood="gaussian").fit(x, epochs=1, binarize="dynamic")
    with pytest.raises(ValueError, match="gaussian_variance"):
        VAE([4, 3, 2], likelihood="gaussian", gaussian_variance=-1.0)
    with pytest.raises(ValueError, match="z must have shape"):
        vae.decode(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="n_samples"):
        vae.log_likelihood(x, n_samples=0)
    cvae = CVAE([4, 3, 2], n_classes=3)
    with pytest.raises(ValueError, match=r"lie in \[0, 3\)"):
        cvae.elbo(x, [0, 3])
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        cvae.elbo(x, [0, 1, 2])
    with pytest.raises(ValueError, match="labelled batch"):
        M2([4, 3, 2], n_classes=3).loss_and_grads((None, None, None))
    with pytest.raises(ValueError, match="same shape"):
        vm.reparameterize(np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((2, 3)))


def test_twins_switch(monkeypatch):
    """SCRATCHAE_NUMBA=0 runs the model on the NumPy twin with the same numbers."""
    rng = np.random.default_rng(12)
    vae = VAE([6, 5, 3], dtype=np.float64)
    x, eps = rng.uniform(0, 1, (4, 6)), rng.standard_normal((4, 1, 3))
    a = vae.loss_and_grads(x, eps=eps)
    monkeypatch.setenv("SCRATCHAE_NUMBA", "0")
    assert not numba_enabled()
    b = vae.loss_and_grads(x, eps=eps)
    assert a[0]["loss"] == pytest.approx(b[0]["loss"], rel=1e-12)
    for k in a[1]:
        np.testing.assert_allclose(a[1][k], b[1][k], rtol=1e-10, atol=1e-14)


# --------------------------------------------------------------------- reproduction smoke
def _mnist_dir():
    import os
    from pathlib import Path
    root = Path(os.environ.get("SCRATCHAE_DATA") or
                Path(__file__).resolve().parents[2] / "shared" / "data")
    return root if (root / "mnist" / "t10k-images-idx3-ubyte.gz").exists() else None


def test_vae_pytorch_example_quick_mode_runs(tmp_path, monkeypatch):
    import json
    root = _mnist_dir()
    if root is None:
        pytest.skip("MNIST not found (set SCRATCHAE_DATA to a folder holding mnist/)")
    monkeypatch.setenv("SCRATCHAE_DATA", str(root))
    from scratchae.reproduce import vae_pytorch_example
    path = vae_pytorch_example.run(tmp_path, quick=True, seed=0)
    data = json.loads(open(path).read())
    assert data["name"] == "vae-pytorch-example" and data["params"]["quick"] is True
    rows = {r["metric"]: r for r in data["rows"]}
    neg_elbo = rows["test -ELBO, z sampled (nats per image)"]["ours"]
    assert 100 < neg_elbo < 250          # 2 short epochs: far from 105.6 but well below 543
