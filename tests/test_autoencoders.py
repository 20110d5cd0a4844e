"""Autoencoders (issue 4): AE (tied/untied, both losses), linear AE = PCA, DAE, SCAE, CAE, stacked
AE, RBM; checkpoints and bad input.

Gradient checks follow DESIGN.md: float64, tiny shapes, randomness frozen by a seed, central
differences with h = 1e-5, relative error below 1e-7 (smooth) or 1e-4 (near a ReLU kink).
"""
import os
from pathlib import Path

import numpy as np
import pytest

from scratchae import gradcheck
from scratchae.data.glyphs import glyph_digits
from scratchae.models import (RBM, Autoencoder, ContractiveAutoencoder, DenoisingAutoencoder,
                              Model, StackedAutoencoder, StochasticContractiveAutoencoder,
                              average_jacobian_norm, jacobian_frobenius_norms, jacobian_penalty,
                              saturated_fraction, tied_gradient)
from scratchae.models import base as base_module
from scratchae.models.aae import AAE


def objective(fn):
    """Turn ``loss_and_grads``-style (metrics, grads) into gradcheck's (loss, grads)."""
    def f():
        metrics, grads = fn()
        return metrics["loss"], grads
    return f


def randomize_biases(model, rng, scale=0.5):
    """Non-zero biases: no ReLU unit sits exactly on its kink, and bias gradients are exercised."""
    for name, p in model.params().items():
        if p.ndim == 1:
            p[...] = rng.uniform(-scale, scale, size=p.shape)


def unit_data(rng, shape=(5, 7)):
    return rng.uniform(0.02, 0.98, size=shape)


def mnist_dir():
    env = os.environ.get("SCRATCHAE_DATA")
    root = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"
    return root


def load_mnist_or_skip(n):
    from scratchae.data import DatasetNotFoundError, load_mnist
    root = mnist_dir()
    if not (root / "mnist").is_dir():
        pytest.skip(f"MNIST not found under {root} (set SCRATCHAE_DATA)")
    try:
        x, _ = load_mnist(path=root, split="train", download=False)
    except DatasetNotFoundError as err:
        pytest.skip(f"MNIST not available: {err}")
    return x[:n].astype(np.float64)


# ---------------------------------------------------------------------- gradient checks: AE
@pytest.mark.parametrize("loss", ["bernoulli", "gaussian"])
@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_autoencoder_gradients_match_finite_differences(loss, tied, activation):
    rng = np.random.default_rng(10)
    x = unit_data(rng)
    model = Autoencoder([7, 5, 3], activation=activation, code_activation="identity", loss=loss,
                        tied=tied, seed=1)
    randomize_biases(model, rng)
    report = gradcheck.check_gradients(objective(lambda: model.loss_and_grads(x)), model.params())
    report.assert_ok()
    assert report.worst.tol == gradcheck.SMOOTH_TOL


@pytest.mark.parametrize("tied", [False, True])
def test_relu_autoencoder_gradients_near_kinks(tied):
    rng = np.random.default_rng(11)
    x = unit_data(rng)
    model = Autoencoder([7, 6, 4], activation="relu", code_activation="relu", loss="gaussian",
                        tied=tied, seed=2)
    randomize_biases(model, rng)
    report = gradcheck.check_gradients(objective(lambda: model.loss_and_grads(x)), model.params(),
                                       kink=True)
    report.assert_ok()


def test_tied_gradient_is_encoder_plus_transposed_decoder_contribution():
    """The tied model's dC/dW equals an untied twin's dC/dW_e + (dC/dW_d)^T at W_d = W_e^T."""
    rng = np.random.default_rng(12)
    x = unit_data(rng)
    tied = Autoencoder([7, 4], tied=True, seed=3)
    untied = Autoencoder([7, 4], tied=False, seed=3)
    randomize_biases(tied, rng)
    for name, p in tied.params().items():
        untied.params()[name][...] = p
    untied.params()["decoder.0.W"][...] = tied.encoder.layers[0].W.T
    _, g_tied = tied.loss_and_grads(x)
    m_t, _ = tied.loss_and_grads(x)
    m_u, g_untied = untied.loss_and_grads(x)
    assert m_t["loss"] == pytest.approx(m_u["loss"], rel=1e-14)
    expected = tied_gradient(g_untied["encoder.0.W"], g_untied["decoder.0.W"])
    np.testing.assert_allclose(g_tied["encoder.0.W"], expected, rtol=1e-12, atol=1e-15)
    assert "decoder.0.W" not in g_tied and "decoder.0.W" not in tied.params()


def test_tied_decoder_follows_in_place_updates_of_the_encoder():
    model = Autoencoder([6, 3], tied=True, seed=0)
    model.params()["encoder.0.W"][0, 0] = 123.0
    assert model.decoder.layers[0].W[0, 0] == 123.0


def test_bernoulli_loss_is_computed_from_the_logits_and_matches_the_probabilities():
    rng = np.random.default_rng(13)
    x = unit_data(rng)
    model = Autoencoder([7, 3], seed=0)
    y = model.reconstruct(x)
    direct = -np.sum(x * np.log(y) + (1 - x) * np.log(1 - y), axis=1)
    np.testing.assert_allclose(model.reconstruction_loss(x), direct, rtol=1e-10)


def test_deeper_decoder_sizes_and_gradients():
    rng = np.random.default_rng(14)
    x = unit_data(rng)
    model = Autoencoder([7, 3], decoder_sizes=[3, 5, 6, 7], seed=0)
    randomize_biases(model, rng)
    assert model.reconstruct(x).shape == x.shape
    gradcheck.check_gradients(objective(lambda: model.loss_and_grads(x)),
                              model.params()).assert_ok()


# ----------------------------------------------------------------------------- DAE
@pytest.mark.parametrize("corruption", ["masking", "gaussian", "salt_and_pepper"])
def test_dae_objective_with_frozen_noise_matches_finite_differences(corruption):
    rng = np.random.default_rng(20)
    x = unit_data(rng)
    model = DenoisingAutoencoder([7, 4], corruption=corruption, level=0.3, n_samples=3, seed=4)
    randomize_biases(model, rng)
    report = gradcheck.check_gradients(
        objective(lambda: model.loss_and_grads(x, np.random.default_rng(99))), model.params())
    report.assert_ok()


def test_dae_loss_is_the_average_over_L_corrupted_copies():
    """(1/M) sum_m (1/L) sum_l L(x_m, g(h(x~_ml))) with the copies drawn in order."""
    rng = np.random.default_rng(21)
    x = unit_data(rng, (6, 7))
    L = 4
    model = DenoisingAutoencoder([7, 3], corruption="masking", level=0.5, n_samples=L, seed=0)
    metrics, _ = model.loss_and_grads(x, np.random.default_rng(5))
    noise_rng = np.random.default_rng(5)
    per_copy = []
    for _ in range(L):
        x_tilde = model.corrupt(x, noise_rng)
        model.decoder.forward(model.encoder.forward(x_tilde))
        per_copy.append(np.mean(model._per_example_loss(x)))
    assert metrics["loss"] == pytest.approx(np.mean(per_copy), rel=1e-12)
    # with level 0 the DAE is the plain autoencoder
    clean = DenoisingAutoencoder([7, 3], level=0.0, seed=0)
    plain = Autoencoder([7, 3], seed=0)
    assert clean.loss_and_grads(x, 1)[0]["loss"] == pytest.approx(
        plain.loss_and_grads(x)[0]["loss"], rel=1e-14)


def test_dae_training_denoises_better_than_a_plain_autoencoder():
    x, _, _ = glyph_digits(400, 0, rotation=0.0, slant=0.0, shift=0.0)
    x_test, _, _ = glyph_digits(200, 1, rotation=0.0, slant=0.0, shift=0.0)
    noisy = DenoisingAutoencoder([784, 64], corruption="masking", level=0.4).corrupt(x_test, 7)
    ae = Autoencoder([784, 64], seed=0, dtype=np.float32)
    dae = DenoisingAutoencoder([784, 64], corruption="masking", level=0.4, seed=0,
                               dtype=np.float32)
    for m in (ae, dae):
        m.fit(x, epochs=10, batch_size=50, lr=3e-3, progress=False)
    err = {name: np.mean(np.sum((m.reconstruct(noisy) - x_test) ** 2, axis=1))
           for name, m in (("ae", ae), ("dae", dae))}
    assert err["dae"] < err["ae"], err


# ---------------------------------------------------------------------- CAE and SCAE
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus", "identity"])
def test_jacobian_penalty_gradient_matches_finite_differences(activation):
    rng = np.random.default_rng(30)
    x = rng.standard_normal((5, 6))
    params = {"W": rng.standard_normal((4, 6)) * 0.7, "b": rng.standard_normal(4) * 0.5}

    def obj():
        value, gW, gb = jacobian_penalty(x, params["W"], params["b"], activation)
        return value, {"W": gW, "b": gb}

    gradcheck.check_gradients(obj, params).assert_ok()


def test_jacobian_penalty_value_is_the_squared_frobenius_norm_of_the_jacobian():
    rng = np.random.default_rng(31)
    x = rng.uniform(0, 1, (3, 5))
    model = Autoencoder([5, 4], seed=0)
    randomize_biases(model, rng)
    layer = model.encoder.layers[0]
    value, _, _ = jacobian_penalty(x, layer.W, layer.b, "sigmoid")
    brute = []
    for row in x:
        J = np.stack([gradcheck.numerical_gradient(lambda v, j=j: model.encode(v[None])[0, j], row)
                      for j in range(4)])
        brute.append(np.sum(J ** 2))
    assert value == pytest.approx(np.mean(brute), rel=1e-7)
    # the issue's sigmoid form: sum_j (h_j (1 - h_j))^2 sum_i W_ji^2
    h = model.encode(x)
    issue_form = np.mean(np.sum((h * (1 - h)) ** 2 * np.sum(layer.W ** 2, axis=1), axis=1))
    assert value == pytest.approx(issue_form, rel=1e-12)


@pytest.mark.parametrize("tied", [True, False])
def test_cae_gradients_match_finite_differences(tied):
    rng = np.random.default_rng(32)
    x = unit_data(rng)
    model = ContractiveAutoencoder([7, 4], contraction=0.8, tied=tied, seed=5)
    randomize_biases(model, rng)
    gradcheck.check_gradients(objective(lambda: model.loss_and_grads(x)),
                              model.params()).assert_ok()


@pytest.mark.parametrize("layer_sizes", [[7, 4], [7, 5, 3]])
def test_scae_gradients_with_frozen_noise_match_finite_differences(layer_sizes):
    rng = np.random.default_rng(33)
    x = unit_data(rng)
    model = StochasticContractiveAutoencoder(layer_sizes, contraction=2.0, noise_std=0.5,
                                             n_samples=3, seed=6)
    randomize_biases(model, rng)
    report = gradcheck.check_gradients(
        objective(lambda: model.loss_and_grads(x, np.random.default_rng(8))), model.params())
    report.assert_ok()


def test_scae_penalty_over_sigma_squared_approaches_the_jacobian_norm():
    """The slide's Taylor argument: E||h(x) - h(x + eps)||^2 ~= sigma^2 ||J_h(x)||_F^2."""
    rng = np.random.default_rng(34)
    x = rng.uniform(0, 1, (4, 8))
    sigma = 1e-3
    model = StochasticContractiveAutoencoder([8, 5], noise_std=sigma, n_samples=4000, seed=0)
    randomize_biases(model, rng)
    ratio = model.stochastic_penalty(x, rng=1) / sigma ** 2
    exact = np.mean(jacobian_frobenius_norms(model, x) ** 2)
    # Monte-Carlo mean of 16000 squared norms: relative standard error ~ 1 / sqrt(16000 / 2)
    assert ratio == pytest.approx(exact, rel=0.05)


def test_jacobian_norms_of_a_deep_encoder_match_finite_differences():
    rng = np.random.default_rng(35)
    x = rng.uniform(0, 1, (3, 6))
    model = Autoencoder([6, 5, 4], activation="tanh", code_activation="sigmoid", seed=0)
    randomize_biases(model, rng)
    norms = jacobian_frobenius_norms(model, x, chunk=2)
    for row, norm in zip(x, norms):
        J = np.stack([gradcheck.numerical_gradient(lambda v, j=j: model.encode(v[None])[0, j], row)
                      for j in range(4)])
        assert norm == pytest.approx(np.sqrt(np.sum(J ** 2)), rel=1e-7)
    assert average_jacobian_norm(model, x) == pytest.approx(norms.mean())


def test_saturated_fraction_counts_units_near_the_bounds():
    model = Autoencoder([2, 4], activation="sigmoid", seed=0)
    layer = model.encoder.layers[0]
    layer.params["W"][...] = 0.0
    layer.params["b"][...] = [-10.0, 10.0, 0.0, 2.0]   # sigmoid: ~0, ~1, 0.5, 0.88
    assert saturated_fraction(model, np.zeros((3, 2))) == pytest.approx(0.5)
    assert saturated_fraction(model, np.zeros((3, 2)), threshold=0.15) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="bounded code activation"):
        saturated_fraction(Autoencoder([2, 3], activation="relu"), np.zeros((1, 2)))


def test_cae_penalty_contracts_the_encoder():
    """Rifai et al. 2011: the penalty shrinks ||J|| and saturates the sigmoid units."""
    x, _, _ = glyph_digits(300, 3)
    x = x.astype(np.float64)
    plain = Autoencoder([784, 50], tied=True, seed=0)
    cae = ContractiveAutoencoder([784, 50], contraction=10.0, seed=0)
    for m in (plain, cae):
        m.fit(x, epochs=8, batch_size=50, lr=3e-3, progress=False)
    assert average_jacobian_norm(cae, x) < 0.6 * average_jacobian_norm(plain, x)
    assert saturated_fraction(cae, x) > saturated_fraction(plain, x) + 0.2


# ---------------------------------------------------------------------------- linear AE
def test_linear_autoencoder_spans_the_pca_subspace_on_mnist():
    """Baldi & Hornik 1989: with linear units and squared loss the AE's minimum is the top-k
    principal subspace. The minimum is found by alternating exact minimisation (each half-step
    lowers the same loss ``loss_and_grads`` differentiates), then checked three ways."""
    x = load_mnist_or_skip(2000)
    k = 10
    mu = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mu, full_matrices=False)
    pca_basis = vt[:k].T                                        # (784, k)
    model = Autoencoder([784, k], activation="identity", code_activation="identity",
                        loss="gaussian", seed=0)
    _, g0 = model.loss_and_grads(x)
    model.fit_least_squares(x, n_iter=150)
    q, _ = np.linalg.qr(model.decoder.layers[0].W)
    cosines = np.linalg.svd(q.T @ pca_basis, compute_uv=False)
    largest_angle = np.degrees(np.arccos(np.clip(cosines.min(), -1.0, 1.0)))
    assert largest_angle < 2.0, largest_angle
    # it is a stationary point of the hand-written backprop gradient ...
    _, g = model.loss_and_grads(x)
    norm = lambda grads: np.sqrt(sum(np.sum(v ** 2) for v in grads.values()))
    assert norm(g) < 1e-5 * norm(g0)
    # ... whose loss is PCA's: half the variance left in the discarded directions
    pca_residual = 0.5 * np.sum(s[k:] ** 2) / len(x)
    assert model.evaluate(x)["loss"] == pytest.approx(pca_residual, rel=1e-6)


def test_linear_autoencoder_gradient_training_heads_for_the_pca_bound():
    """Plain backprop training (Adam) lowers the loss towards, and never below, PCA's."""
    rng = np.random.default_rng(40)
    # data with a clear top-3 subspace: 3 strong directions + weak isotropic noise
    basis = np.linalg.qr(rng.standard_normal((12, 3)))[0]
    x = rng.standard_normal((400, 3)) * [3.0, 2.0, 1.5] @ basis.T + \
        0.1 * rng.standard_normal((400, 12)) + 0.5
    model = Autoencoder([12, 3], activation="identity", code_activation="identity",
                        loss="gaussian", seed=0)
    history = model.fit(x, epochs=150, batch_size=40, lr=1e-2, progress=False)
    _, s, vt = np.linalg.svd(x - x.mean(0), full_matrices=False)
    bound = 0.5 * np.sum(s[3:] ** 2) / len(x)
    final = model.evaluate(x)["loss"]
    assert history["loss"][0] > 3 * bound
    assert bound * (1 - 1e-9) <= final < 1.1 * bound
    q, _ = np.linalg.qr(model.decoder.layers[0].W)
    cosines = np.linalg.svd(q.T @ vt[:3].T, compute_uv=False)
    assert np.degrees(np.arccos(min(cosines.min(), 1.0))) < 2.0


def test_fit_least_squares_refuses_a_nonlinear_autoencoder():
    with pytest.raises(ValueError, match="linear autoencoder"):
        Autoencoder([5, 2]).fit_least_squares(np.full((3, 5), 0.5))


# ----------------------------------------------------------------------------- stacked
def test_stacked_fine_tuning_gradients_match_finite_differences():
    rng = np.random.default_rng(50)
    x = unit_data(rng)
    y = np.array([0, 1, 2, 1, 0])
    model = StackedAutoencoder([7, 5, 4, 3], code_activation="identity", n_classes=3, seed=7)
    randomize_biases(model, rng)
    gradcheck.check_gradients(objective(lambda: model.loss_and_grads(x)),
                              model.params()).assert_ok()
    gradcheck.check_gradients(objective(lambda: model.classifier_loss_and_grads(x, y)),
                              model.classifier_params()).assert_ok()
    _, grads = model.loss_and_grads(x)
    assert not np.any(grads["classifier.W"])         # the reconstruction ignores the classifier


def test_stacked_pretraining_copies_each_layer_then_fine_tuning_improves():
    x, labels, _ = glyph_digits(400, 5)
    x = x.astype(np.float64)
    model = StackedAutoencoder([784, 64, 32, 8], code_activation="identity", n_classes=10,
                               seed=0)
    histories = model.pretrain(x, epochs=3, batch_size=50, lr=3e-3, progress=False)
    assert len(histories) == 3 and all(h["loss"][-1] < h["loss"][0] for h in histories)
    before = model.evaluate(x)["loss"]
    history = model.fit(x, epochs=4, batch_size=50, lr=1e-3, progress=False)
    assert model.evaluate(x)["loss"] < before
    assert history["loss"][-1] < history["loss"][0]
    error_before = model.error_rate(x, labels)
    model.fit_classifier(x, labels, epochs=10, batch_size=50, lr=1e-2, progress=False)
    assert model.error_rate(x, labels) < min(0.3, error_before)


def test_stacked_denoising_pretraining_runs_with_one_level_per_layer():
    x, _, _ = glyph_digits(100, 6)
    model = StackedAutoencoder([784, 20, 10], seed=0, dtype=np.float32)
    histories = model.pretrain(x, epochs=1, batch_size=50, corruption="masking",
                               level=[0.1, 0.2], progress=False)
    assert len(histories) == 2
    with pytest.raises(ValueError, match="one per layer"):
        model.pretrain(x, epochs=1, corruption="masking", level=[0.1, 0.2, 0.3])


# --------------------------------------------------------------------------------- RBM
def test_rbm_free_energy_gradients_match_finite_differences():
    rng = np.random.default_rng(60)
    v = (rng.random((5, 7)) < 0.5).astype(float)
    rbm = RBM([7, 4], seed=0)
    randomize_biases(rbm, rng)
    rbm.W[...] = rng.standard_normal(rbm.W.shape)
    obj = lambda: (float(np.mean(rbm.free_energy(v))), rbm.free_energy_grads(v))
    gradcheck.check_gradients(obj, rbm.params()).assert_ok()


def test_rbm_free_energy_normalises_to_the_marginal_of_the_joint():
    """p(v) = exp(-F(v)) / Z equals sum_h exp(-E(v, h)) / Z, by brute force on 3 x 2 units."""
    rng = np.random.default_rng(61)
    rbm = RBM([3, 2], seed=0)
    rbm.W[...] = rng.standard_normal((2, 3))
    randomize_biases(rbm, rng)
    states = lambda n: np.array([[(i >> j) & 1 for j in range(n)] for i in range(2 ** n)], float)
    V, H = states(3), states(2)
    energy = -(V @ rbm.b_visible)[:, None] - (H @ rbm.b_hidden)[None, :] - V @ rbm.W.T @ H.T
    np.testing.assert_allclose(np.exp(-rbm.free_energy(V)), np.exp(-energy).sum(axis=1),
                               rtol=1e-12)


def test_rbm_cd1_reduces_reconstruction_error():
    rng = np.random.default_rng(62)
    # bars: 4x4 images with one random horizontal or vertical bar on
    imgs = np.zeros((300, 4, 4))
    which = rng.integers(0, 8, size=300)
    for i, w in enumerate(which):
        if w < 4:
            imgs[i, w, :] = 1
        else:
            imgs[i, :, w - 4] = 1
    v = imgs.reshape(300, 16)
    rbm = RBM([16, 16], seed=0)
    before = rbm.evaluate(v)["squared_error"]
    history = rbm.fit(v, epochs=30, batch_size=20, optimizer="momentum", lr=0.05,
                      progress=False)
    after = rbm.evaluate(v)["squared_error"]
    assert after < 0.25 * before, (before, after)
    assert history["loss"][-1] < history["loss"][0]


def test_rbm_and_autoencoder_share_the_conditional_formulas():
    """The slide's table: with the same weights the AE's code is P(h=1|v) and its tied decoder is
    P(v=1|h); the RBM samples where the AE is deterministic."""
    rng = np.random.default_rng(63)
    rbm = RBM([6, 3], seed=0)
    rbm.W[...] = rng.standard_normal((3, 6))
    randomize_biases(rbm, rng)
    ae = Autoencoder([6, 3], tied=True, seed=0)
    ae.params()["encoder.0.W"][...] = rbm.W
    ae.params()["encoder.0.b"][...] = rbm.b_hidden
    ae.params()["decoder.0.b"][...] = rbm.b_visible
    v = rng.uniform(0, 1, (4, 6))
    np.testing.assert_allclose(ae.encode(v), rbm.hidden_probs(v), rtol=1e-12)
    np.testing.assert_allclose(ae.reconstruct(v), rbm.reconstruct(v), rtol=1e-12)
    h1, _ = rbm.gibbs_step(v, 0)
    h2, _ = rbm.gibbs_step(v, 1)
    assert set(np.unique(h1)) <= {0.0, 1.0} and not np.array_equal(h1, h2)


# -------------------------------------------------------------- training, determinism
def test_fit_is_deterministic_for_a_seed_and_records_history():
    x, _, _ = glyph_digits(120, 9)
    runs = []
    for _ in range(2):
        m = DenoisingAutoencoder([784, 16], seed=3, dtype=np.float32)
        h = m.fit(x, epochs=2, batch_size=40, validation_data=x[:20], progress=False)
        runs.append(m.params()["encoder.0.W"].copy())
        assert set(h) >= {"loss", "val_loss", "val_squared_error", "val_denoising_loss"}
        assert len(h["loss"]) == 2
    np.testing.assert_array_equal(runs[0], runs[1])
    assert m.params()["encoder.0.W"].dtype == np.float32


@pytest.mark.parametrize("make", [
    lambda: Autoencoder([784, 16], seed=3, dtype=np.float32),
    lambda: AAE([784, 16, 2], discriminator_sizes=[8], seed=3, dtype=np.float32),
], ids=["Autoencoder", "AAE"])
def test_fit_checks_its_data_once_and_loss_and_grads_checks_every_batch(make, monkeypatch):
    x, _, _ = glyph_digits(120, 9)
    m = make()
    calls = []
    real = base_module.as_2d_array
    monkeypatch.setattr(base_module, "as_2d_array",
                        lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    m.fit(x, epochs=2, batch_size=40, progress=False)       # 6 steps
    assert calls == ["x"]                                    # the data, not each batch again
    calls.clear()
    m.fit(x, epochs=1, batch_size=40, validation_data=x[:10], progress=False)
    assert calls[:2] == ["x", "validation_data"]             # both checked before the steps
    calls.clear()
    m.loss_and_grads(x[:5])                                  # the public entry checks its batch
    assert calls == ["x"]
    bad = x[:5].copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        m.loss_and_grads((bad,))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        m.loss_and_grads(x[:5] + 2.0)


# --------------------------------------------------------------------- save and load
def _models():
    return [
        Autoencoder([8, 5, 3], activation="tanh", code_activation="identity", loss="gaussian"),
        Autoencoder([8, 4], tied=True),
        DenoisingAutoencoder([8, 4], corruption="salt_and_pepper", level=0.2, n_samples=2),
        ContractiveAutoencoder([8, 4], contraction=0.3),
        StochasticContractiveAutoencoder([8, 5, 4], noise_std=0.2),
        StackedAutoencoder([8, 5, 3], n_classes=4, dtype=np.float32),
        RBM([8, 3]),
    ]


@pytest.mark.parametrize("model", _models(), ids=lambda m: type(m).__name__)
def test_save_load_round_trip(model, tmp_path):
    rng = np.random.default_rng(70)
    for p in model.params().values():
        p[...] = rng.standard_normal(p.shape)
    x = rng.uniform(0, 1, (4, 8))
    path = model.save(tmp_path / "model.npz")
    loaded = Model.load(path)
    assert type(loaded) is type(model)
    assert loaded.get_config() == model.get_config()
    for name, p in model.params().items():
        np.testing.assert_array_equal(loaded.params()[name], p)
        assert loaded.params()[name].dtype == p.dtype
    np.testing.assert_array_equal(loaded.reconstruct(x), model.reconstruct(x))
    assert type(model).load(path).get_config() == model.get_config()


def test_loading_a_checkpoint_of_another_architecture_is_refused(tmp_path):
    rbm_path = RBM([8, 3]).save(tmp_path / "rbm.npz")
    with pytest.raises(ValueError, match="holds a RBM, not a Autoencoder"):
        Autoencoder.load(rbm_path)
    ae_path = Autoencoder([8, 3]).save(tmp_path / "ae.npz")
    with pytest.raises(ValueError, match="not a DenoisingAutoencoder"):
        DenoisingAutoencoder.load(ae_path)
    # arrays that do not fit the stored architecture
    with np.load(ae_path) as data:
        arrays = dict(data)
    arrays["param:encoder.0.W"] = np.zeros((5, 8))
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ValueError, match="has shape"):
        Autoencoder.load(tmp_path / "bad.npz")


def test_a_crash_while_saving_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    model = Autoencoder([8, 3], seed=0)
    path = model.save(tmp_path / "ckpt.npz")
    original = model.params()["encoder.0.W"].copy()
    model.params()["encoder.0.W"][...] += 1.0
    real_savez = np.savez

    def dying_savez(fh, **arrays):       # writes part of the file, then the process "dies"
        real_savez(fh, **dict(list(arrays.items())[:1]))
        raise KeyboardInterrupt("killed mid-write")

    monkeypatch.setattr(base_module.np, "savez", dying_savez)
    with pytest.raises(KeyboardInterrupt):
        model.save(path)
    monkeypatch.setattr(base_module.np, "savez", real_savez)
    np.testing.assert_array_equal(Model.load(path).params()["encoder.0.W"], original)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.npz"]   # no temporary left


# ----------------------------------------------------------------------------- bad input
def test_bernoulli_rejects_pixels_outside_the_unit_interval():
    model = Autoencoder([4, 2], loss="bernoulli")
    bad = np.array([[0.0, 0.5, 1.2, 0.3]])
    for call in (lambda: model.fit(bad, epochs=1, progress=False),
                 lambda: model.loss_and_grads(bad), lambda: model.evaluate(bad),
                 lambda: DenoisingAutoencoder([4, 2]).loss_and_grads(bad, 0),
                 lambda: RBM([4, 2]).fit(bad, epochs=1, progress=False)):
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            call()
    # the Gaussian likelihood takes any real values
    Autoencoder([4, 2], loss="gaussian").loss_and_grads(bad * 3 - 1)


@pytest.mark.parametrize("level", [-0.1, 1.5, float("nan")])
def test_corruption_levels_outside_the_unit_interval_are_refused(level):
    with pytest.raises(ValueError, match=r"level must lie in \[0, 1\]"):
        DenoisingAutoencoder([4, 2], corruption="gaussian", level=level)
    with pytest.raises(ValueError, match=r"level must lie in \[0, 1\]"):
        StackedAutoencoder([4, 2]).pretrain(np.full((3, 4), 0.5), corruption="masking",
                                            level=level, progress=False)


def test_mismatched_layer_sizes_are_refused():
    with pytest.raises(ValueError, match="at least 2 widths"):
        Autoencoder([784])
    with pytest.raises(ValueError, match="positive integers"):
        Autoencoder([784, 0])
    with pytest.raises(ValueError, match="decoder_sizes must run from the code width 30"):
        Autoencoder([784, 30], decoder_sizes=[20, 784])
    with pytest.raises(ValueError, match="tied weights need the mirrored decoder"):
        Autoencoder([784, 100, 30], decoder_sizes=[30, 50, 784], tied=True)
    with pytest.raises(ValueError, match=r"layer_sizes must be \[n_input, n_hidden\]"):
        ContractiveAutoencoder([784, 100, 30])
    with pytest.raises(ValueError, match=r"\[n_visible, n_hidden\]"):
        RBM([784, 100, 30])
    with pytest.raises(ValueError, match=r"shape \(batch, 784\)"):
        Autoencoder([784, 30]).fit(np.zeros((10, 100)), epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"shape \(batch, 30\)"):
        Autoencoder([784, 30]).decode(np.zeros((2, 20)))


def test_other_bad_arguments():
    with pytest.raises(ValueError, match="loss must be one of"):
        Autoencoder([4, 2], loss="poisson")
    with pytest.raises(ValueError, match="output_activation must be 'sigmoid'"):
        Autoencoder([4, 2], loss="bernoulli", output_activation="identity")
    with pytest.raises(ValueError, match="corruption must be one of"):
        DenoisingAutoencoder([4, 2], corruption="blur")
    with pytest.raises(ValueError, match="contraction must be a non-negative"):
        ContractiveAutoencoder([4, 2], contraction=-1.0)
    with pytest.raises(ValueError, match="analytic Jacobian penalty supports"):
        ContractiveAutoencoder([4, 2], activation="softmax")
    with pytest.raises(ValueError, match="noise_std must lie in"):
        StochasticContractiveAutoencoder([4, 2], noise_std=0.0)
    with pytest.raises(ValueError, match="no classifier"):
        StackedAutoencoder([4, 2]).predict(np.zeros((1, 4)))
    with pytest.raises(ValueError, match="integer labels"):
        StackedAutoencoder([4, 2], n_classes=3).classifier_loss_and_grads(
            np.zeros((2, 4)), np.array([0.5, 1.0]))
