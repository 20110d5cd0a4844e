"""Adversarial autoencoders: the priors' samplers, finite-difference checks of every training step
(reconstruction, discriminator, generator; the semi-supervised AAE's classification step too), a
short training whose codes must move onto the prior, the label-conditioned discriminator, save /
load, determinism and bad input.

Gradient checks follow DESIGN.md: float64, tiny shapes, central differences h = 1e-5, relative
error < 1e-7 (tanh: smooth) or < 1e-4 (ReLU: near a kink); biases are random and non-zero so no
ReLU unit sits on its kink.
"""
import numpy as np
import pytest

from scratchae import gradcheck
from scratchae.data import circle_means
from scratchae.evaluation import sliced_wasserstein
from scratchae.models.aae import AAE, discriminator_loss, generator_loss
from scratchae.models.aae_semi import SemiSupervisedAAE
from scratchae.models.base import Model
from scratchae.nn.optimizers import Adam
from scratchae.models.priors import (GaussianMixturePrior, GaussianPrior, SwissRollPrior,
                                     get_prior)


def _randomize_biases(model, rng):
    for name, p in model.params().items():
        if name.endswith(".b"):
            p[...] = rng.uniform(-0.5, 0.5, size=p.shape)


def _objective(fn, key):
    """Adapt a step's ``(metrics, grads)`` to gradcheck's ``(loss, grads)``."""
    def objective():
        metrics, grads = fn()
        return metrics[key], grads
    return objective


def _prototype_data(n=300, d=16, n_classes=4, flip=0.1, seed=0):
    """Binary images: one of ``n_classes`` random prototypes with a fraction ``flip`` of pixels
    flipped. Returns x (n, d) float64 and labels (n,)."""
    rng = np.random.default_rng(seed)
    protos = (rng.random((n_classes, d)) < 0.5).astype(np.float64)
    y = rng.integers(0, n_classes, n)
    return np.abs(protos[y] - (rng.random((n, d)) < flip)), y


# ------------------------------------------------------------------------------ priors
def test_gaussian_prior_moments_shape_and_determinism():
    prior = GaussianPrior(dim=3, std=5.0)
    z = prior.sample(20000, rng=1)
    assert z.shape == (20000, 3)
    assert np.all(np.abs(z.mean(0)) < 4 * 5.0 / np.sqrt(20000))
    np.testing.assert_allclose(z.std(0), 5.0, rtol=0.03)
    np.testing.assert_array_equal(z, prior.sample(20000, rng=1))
    assert not np.array_equal(z, prior.sample(20000, rng=2))


def test_mixture_prior_components_sit_on_the_circle():
    prior = GaussianMixturePrior(n_components=10, radius=4.0, std=0.5)
    np.testing.assert_allclose(prior.means, circle_means(10, 4.0))
    for k in (0, 3, 7):
        zk = prior.sample_given_labels(np.full(5000, k), rng=k)
        assert zk.shape == (5000, 2)
        np.testing.assert_allclose(zk.mean(0), prior.means[k], atol=4 * 0.5 / np.sqrt(5000))
        np.testing.assert_allclose(zk.std(0), 0.5, rtol=0.05)
    z, labels = prior.sample(20000, rng=0, return_labels=True)
    assert z.shape == (20000, 2) and labels.shape == (20000,)
    assert set(np.unique(labels)) == set(range(10))
    # each sample is nearest to the centre of its own component (centres 5 std apart)
    nearest = np.argmin(((z[:, None, :] - prior.means[None]) ** 2).sum(-1), axis=1)
    assert np.mean(nearest == labels) > 0.98
    np.testing.assert_array_equal(z, prior.sample(20000, rng=0))


def test_mixture_prior_elongated_components():
    prior = GaussianMixturePrior(n_components=4, radius=3.0, std=0.6, tangential_std=0.1)
    for k in range(4):
        zk = prior.sample_given_labels(np.full(20000, k), rng=k) - prior.means[k]
        a = prior.angles[k]
        radial = zk @ np.array([np.cos(a), np.sin(a)])
        across = zk @ np.array([-np.sin(a), np.cos(a)])
        np.testing.assert_allclose([radial.std(), across.std()], [0.6, 0.1], rtol=0.03)


def test_swiss_roll_prior_labels_follow_the_roll():
    prior = SwissRollPrior(n_components=5, radius=4.0, noise=0.0)
    radii = []
    for k in range(5):
        zk = prior.sample_given_labels(np.full(2000, k), rng=k)
        assert zk.shape == (2000, 2)
        u = prior.position(zk)
        assert np.all((u >= k / 5 - 1e-9) & (u <= (k + 1) / 5 + 1e-9))
        radii.append(np.linalg.norm(zk, axis=1).mean())
    assert np.all(np.diff(radii) > 0)                      # labels run outward along the roll
    z, labels = prior.sample(3000, rng=0, return_labels=True)
    assert np.linalg.norm(z, axis=1).max() <= 4.0 + 1e-9
    np.testing.assert_array_equal(np.floor(prior.position(z) * 5).clip(0, 4), labels)


def test_prior_configs_round_trip_and_bad_input():
    for prior in (GaussianPrior(4, 2.0), GaussianMixturePrior(6, 3.0, 0.3, 0.1),
                  SwissRollPrior(8, 2.0, 0.05)):
        again = get_prior(prior.get_config())
        assert type(again) is type(prior) and again.get_config() == prior.get_config()
        np.testing.assert_array_equal(again.sample(5, rng=3), prior.sample(5, rng=3))
    assert get_prior("gaussian", dim=8).dim == 8
    with pytest.raises(ValueError, match="no labelled components"):
        GaussianPrior(2).sample_given_labels(np.array([0, 1]))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 10\)"):
        GaussianMixturePrior().sample_given_labels(np.array([0, 10]))
    with pytest.raises(ValueError, match="integers"):
        GaussianMixturePrior().sample_given_labels(np.array([0.5]))
    with pytest.raises(ValueError, match="prior must be one of"):
        get_prior("laplace")
    with pytest.raises(ValueError, match="2-D codes but the code layer has 8"):
        get_prior("mixture", dim=8)
    with pytest.raises(ValueError, match="std must be a positive"):
        GaussianPrior(2, std=0.0)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        GaussianPrior(2).sample(0)


# ---------------------------------------------------------------- the losses at the logits
def test_adversarial_losses_match_their_formulas():
    rng = np.random.default_rng(0)
    lr, lf = rng.normal(0, 3, (6, 1)), rng.normal(0, 3, (6, 1))
    d_r, d_f = 1 / (1 + np.exp(-lr)), 1 / (1 + np.exp(-lf))
    value, delta_r, delta_f = discriminator_loss(lr, lf)
    np.testing.assert_allclose(value, np.mean(-np.log(d_r) - np.log(1 - d_f)), rtol=1e-12)
    np.testing.assert_allclose(delta_r, (d_r - 1) / 6, rtol=1e-12)
    np.testing.assert_allclose(delta_f, d_f / 6, rtol=1e-12)
    g_value, g_delta = generator_loss(lf)
    np.testing.assert_allclose(g_value, np.mean(-np.log(d_f)), rtol=1e-12)
    # the deltas are the derivatives of the values (finite differences)
    assert gradcheck.check_gradient(lambda l: discriminator_loss(l, lf)[0],
                                    lambda l: delta_r, lr).passed
    assert gradcheck.check_gradient(lambda l: discriminator_loss(lr, l)[0],
                                    lambda l: delta_f, lf).passed
    assert gradcheck.check_gradient(lambda l: generator_loss(l)[0], lambda l: g_delta, lf).passed
    # far logits: no log 0
    big = np.array([[800.0], [-800.0]])
    assert np.isfinite(discriminator_loss(big, -big)[0]) and np.isfinite(generator_loss(big)[0])
    with pytest.raises(ValueError, match=r"\(M, 1\)"):
        discriminator_loss(lr, lf[:3])


# ------------------------------------------------------------------- gradient checks
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("n_classes", [None, 3])
@pytest.mark.parametrize("loss", ["bernoulli", "gaussian"])
def test_aae_steps_match_finite_differences(activation, n_classes, loss):
    rng = np.random.default_rng(1)
    prior = GaussianPrior(2, 1.5) if n_classes is None else GaussianMixturePrior(3, 2.0, 0.5)
    model = AAE([6, 5, 2], activation=activation, prior=prior, discriminator_sizes=[4, 3],
                discriminator_activation=activation, n_classes=n_classes, loss=loss,
                output_activation="sigmoid", dtype=np.float64, seed=3)
    _randomize_biases(model, rng)
    x = rng.uniform(0, 1, (5, 6))
    z_prior = prior.sample(5, rng)
    y = None if n_classes is None else np.array([0, 2, -1, 1, 0])
    kink = activation == "relu"
    reports = {
        "reconstruction": gradcheck.check_gradients(
            _objective(lambda: model.reconstruction_loss_and_grads(x), "recon"),
            model.autoencoder_params(), kink=kink),
        "discriminator": gradcheck.check_gradients(
            _objective(lambda: model.discriminator_loss_and_grads(x, z_prior, y),
                       "discriminator"), model.discriminator_params(), kink=kink),
        "generator": gradcheck.check_gradients(
            _objective(lambda: model.generator_loss_and_grads(x, y), "generator"),
            model.encoder_params(), kink=kink),
    }
    for step, report in reports.items():
        assert report.passed, f"{step} step:\n{report}"
    # each step returns gradients for exactly the parameters it updates
    assert set(model.generator_loss_and_grads(x, y)[1]) == set(model.encoder_params())
    assert set(model.discriminator_loss_and_grads(x, z_prior, y)[1]) == \
        set(model.discriminator_params())


def test_generator_gradient_goes_through_the_discriminator():
    """dL_G/dz from the discriminator's input gradient equals finite differences in z, and it
    vanishes if the discriminator ignores z (so the encoder's update really comes from d)."""
    rng = np.random.default_rng(2)
    model = AAE([5, 4, 3], activation="tanh", prior=GaussianPrior(3, 1.0),
                discriminator_sizes=[4], discriminator_activation="tanh", dtype=np.float64)
    _randomize_biases(model, rng)
    z = rng.standard_normal((4, 3))

    def loss_of_codes(codes):
        return generator_loss(model.discriminator.forward(codes))[0]

    def grad_of_codes(codes):
        _, delta = generator_loss(model.discriminator.forward(codes))
        return model.discriminator.backward(delta=delta)

    assert gradcheck.check_gradient(loss_of_codes, grad_of_codes, z).passed
    model.discriminator.layers[0].params["W"][...] = 0.0
    x = rng.uniform(0, 1, (4, 5))
    _, grads = model.generator_loss_and_grads(x)
    assert all(np.all(g == 0) for g in grads.values())


def test_semi_supervised_aae_steps_match_finite_differences():
    rng = np.random.default_rng(4)
    for activation, kink in (("tanh", False), ("relu", True)):
        model = SemiSupervisedAAE([6, 5, 2], n_classes=3, activation=activation,
                                  discriminator_sizes=[4], dtype=np.float64, seed=1)
        _randomize_biases(model, rng)
        x = rng.uniform(0, 1, (5, 6))
        y_prior, z_prior = model.sample_priors(5, rng)
        labels = np.array([0, 2, 1, 1, 0])
        steps = {
            "reconstruction": (lambda: model.reconstruction_loss_and_grads(x), "recon"),
            "discriminator": (lambda: model.discriminator_loss_and_grads(x, y_prior, z_prior),
                              "discriminator"),
            "generator": (lambda: model.generator_loss_and_grads(x), "generator"),
            "classification": (lambda: model.classification_loss_and_grads(x, labels),
                               "classification"),
        }
        for phase, (fn, key) in steps.items():
            report = gradcheck.check_gradients(_objective(fn, key), model.phase_params(phase),
                                               kink=kink)
            assert report.passed, f"{activation} {phase}:\n{report}"
    # the classification step leaves the style head alone
    K = model.n_classes
    _, grads = model.classification_loss_and_grads(x, labels)
    assert np.all(grads["encoder.1.W"][K:] == 0) and np.any(grads["encoder.1.W"][:K] != 0)


# ------------------------------------------------------------------------- training
def test_codes_move_onto_the_mixture_prior():
    """Three steps per batch pull the codes onto the ring of 10 Gaussians (radius 4): the sliced
    Wasserstein distance to prior samples falls by more than 40%, the codes' mean radius comes
    within 1 of the prior's, and the discriminator ends near chance. The same model trained with
    the generator step switched off (it only reconstructs) stays inside the ring, and its
    discriminator keeps telling codes from prior samples."""
    x, _ = _prototype_data(n=300, d=20, n_classes=10, seed=0)
    results = {}
    for name, lr_generator in (("aae", 2e-3), ("control", 1e-12)):
        model = AAE([20, 32, 2], activation="relu", prior="mixture", discriminator_sizes=[64],
                    dtype=np.float64, seed=0)
        z_prior = model.prior.sample(300, rng=123)
        before = sliced_wasserstein(model.encode(x), z_prior, rng=1)
        history = model.fit(x, epochs=30, batch_size=30, lr=2e-3, lr_discriminator=1e-3,
                            lr_generator=lr_generator, progress=False)
        codes = model.encode(x)
        results[name] = {"before": before, "after": sliced_wasserstein(codes, z_prior, rng=1),
                         "radius": np.linalg.norm(codes, axis=1).mean(),
                         "accuracy": np.mean(history["disc_accuracy"][-3:]), "history": history}
    aae, control = results["aae"], results["control"]
    prior_radius = np.linalg.norm(z_prior, axis=1).mean()
    assert aae["after"] < 0.6 * aae["before"], aae
    assert abs(aae["radius"] - prior_radius) < 1.0, (aae["radius"], prior_radius)
    assert aae["accuracy"] < 0.65, aae["accuracy"]
    assert control["radius"] < prior_radius - 1.5, (control["radius"], prior_radius)
    assert control["accuracy"] > 0.7, control["accuracy"]
    history = aae["history"]
    assert history["recon"][-1] < 0.8 * history["recon"][0]
    for key in ("recon", "discriminator", "generator", "d_real", "d_fake", "disc_accuracy"):
        assert len(history[key]) == 30 and np.all(np.isfinite(history[key]))


def test_label_conditioned_discriminator_uses_the_label():
    """Codes of class k placed on the prior component of class k + 1: to an unconditioned
    discriminator they look exactly like the prior (the ring is covered), to a conditioned one
    they are plainly fake. Only the discriminator is trained (encoder frozen)."""
    K, n = 4, 400
    prior = GaussianMixturePrior(K, 3.0, 0.3)
    rng = np.random.default_rng(0)
    y = rng.integers(0, K, n)
    wrong_codes = prior.sample_given_labels((y + 1) % K, rng)
    accuracy = {}
    for n_classes in (None, K):
        model = AAE([2, 2], activation="identity", prior=prior, discriminator_sizes=[32, 32],
                    n_classes=n_classes, loss="gaussian", dtype=np.float64, seed=0)
        enc = model.encoder.layers[0]
        enc.params["W"][...] = np.eye(2)                   # h(x) = x: the codes are the inputs
        enc.params["b"][...] = 0.0
        opt = Adam(lr=3e-3)
        labels = None if n_classes is None else y
        for step in range(400):
            idx = rng.choice(n, 50, replace=False)
            z_real = model._prior_samples(50, None if labels is None else labels[idx], rng)
            metrics, grads = model.discriminator_loss_and_grads(
                wrong_codes[idx], z_real, None if labels is None else labels[idx])
            opt.step(model.discriminator_params(), grads)
        accuracy[n_classes] = model.evaluate(wrong_codes, labels)["disc_accuracy"]
    assert accuracy[K] > 0.9, accuracy
    assert accuracy[None] < 0.65, accuracy


def test_semi_supervised_aae_learns_from_ten_labels():
    x, y = _prototype_data(n=400, d=30, n_classes=5, seed=0)
    labelled = np.concatenate([np.flatnonzero(y == k)[:2] for k in range(5)])
    model = SemiSupervisedAAE([30, 32, 2], n_classes=5, discriminator_sizes=[32],
                              dtype=np.float64, seed=0)
    error0 = model.evaluate(x, y)["error"]
    history = model.fit(x[labelled], y[labelled], x, epochs=15, batch_size=40,
                        labelled_batch_size=10, lr=1e-3, progress=False, validation_data=(x, y))
    assert history["val_error"][-1] < 0.5 < error0
    assert history["classification"][-1] < 0.5 * history["classification"][0]
    assert model.predict(x).shape == (400,) and model.sample(7, y=2).shape == (7, 30)


def test_training_is_deterministic_and_resumable():
    x, y = _prototype_data(n=60, d=8, n_classes=3)
    runs = []
    for _ in range(2):
        model = AAE([8, 6, 2], prior="mixture", discriminator_sizes=[8], n_classes=10,
                    dtype=np.float64, seed=5)
        h = model.fit(x, y=y, epochs=2, batch_size=20, progress=False)
        runs.append((h, model.encode(x)))
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


def test_save_load_round_trip(tmp_path):
    x, y = _prototype_data(n=40, d=8, n_classes=3)
    model = AAE([8, 6, 2], prior=SwissRollPrior(3, 2.0, 0.1), discriminator_sizes=[5],
                n_classes=3, loss="gaussian", output_activation="sigmoid", dtype=np.float64,
                seed=2)
    model.fit(x, y=y, epochs=1, batch_size=20, progress=False)
    path = model.save(tmp_path / "aae")
    again = Model.load(path)
    assert type(again) is AAE and again.get_config() == model.get_config()
    for k, v in model.params().items():
        np.testing.assert_array_equal(again.params()[k], v)
    np.testing.assert_array_equal(again.encode(x), model.encode(x))
    np.testing.assert_array_equal(again.discriminate(model.encode(x), y),
                                  model.discriminate(model.encode(x), y))
    np.testing.assert_array_equal(again.sample(4, rng=1, y=[0, 1, 2, 0]),
                                  model.sample(4, rng=1, y=[0, 1, 2, 0]))
    semi = SemiSupervisedAAE([8, 6, 2], n_classes=3, discriminator_sizes=[5], seed=1)
    semi_again = SemiSupervisedAAE.load(semi.save(tmp_path / "semi"))
    np.testing.assert_array_equal(semi_again.predict_proba(x), semi.predict_proba(x))
    with pytest.raises(ValueError, match="not a AAE"):
        AAE.load(tmp_path / "semi.npz")


def test_bad_input_is_refused():
    x, y = _prototype_data(n=10, d=8, n_classes=3)
    plain = AAE([8, 4, 2], prior="gaussian", discriminator_sizes=[4], dtype=np.float64)
    cond = AAE([8, 4, 2], prior="mixture", discriminator_sizes=[4], n_classes=10,
               dtype=np.float64)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        plain.fit(x * 2.0, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"shape \(batch, 8\)"):
        plain.encode(x[:, :5])
    with pytest.raises(ValueError, match="n_classes=K"):
        plain.fit(x, y=y, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"\[0, 10\) or be -1"):
        cond.fit(x, y=np.full(10, 10), epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"shape \(10,\)"):
        cond.fit(x, y=y[:5], epochs=1, progress=False)
    with pytest.raises(ValueError, match="integer labels"):
        cond.fit(x, y=y.astype(float), epochs=1, progress=False)
    with pytest.raises(ValueError, match="one prior sample per example"):
        plain.discriminator_loss_and_grads(x, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="2-D codes but the code layer has 3"):
        AAE([8, 4, 3], prior="mixture")
    with pytest.raises(ValueError, match="labelled components"):
        AAE([8, 4, 2], prior="gaussian", n_classes=10)
    with pytest.raises(ValueError, match="needs a prior with 4 labelled"):
        AAE([8, 4, 2], prior="mixture", n_classes=4)
    with pytest.raises(ValueError, match="learning rate of the discriminator"):
        plain.fit(x, epochs=1, progress=False, lr_discriminator=-1.0)
    with pytest.raises(ValueError, match="needs optimizers"):
        AAE([8, 4, 2], prior="gaussian", discriminator_sizes=[4]).train_step(x, 0)
    with pytest.raises(ValueError, match="positive integers"):
        AAE([8, 4, 2], discriminator_sizes=[0])
