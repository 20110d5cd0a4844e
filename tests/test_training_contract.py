"""The one training contract: ``fit`` checks all data first, keeps an optimizer only while its
whole configuration is unchanged, continues its random streams across calls, and every model's
constructor refuses what it cannot use."""
import numpy as np
import pytest

from scratchae.data import glyph_digits
from scratchae.models import (AAE, CVAE, M2, RBM, VAE, Autoencoder, DenoisingAutoencoder,
                              SemiSupervisedAAE, StackedAutoencoder,
                              StochasticContractiveAutoencoder)
from scratchae.models.base import STREAMS, seed_streams
from scratchae.nn.training import LabelledBatches


def _data(n=60, d=8, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (n, d)), rng.integers(0, k, n)


def _params(model):
    return {k: v.copy() for k, v in model.params().items()}


def _same_params(a, b):
    return all(np.array_equal(a[k], b[k]) for k in a)


# ------------------------------------------------------------------ optimizer (defect 1)
def test_a_changed_weight_decay_or_lr_builds_a_new_optimizer_and_the_same_config_keeps_it():
    x, _ = _data()
    m = Autoencoder([8, 4], seed=0)
    m.fit(x, epochs=1, batch_size=20, progress=False)
    first = m.optimizer
    m.fit(x, epochs=1, batch_size=20, progress=False)
    assert m.optimizer is first and first.t == 6              # kept, state carried on
    m.fit(x, epochs=1, batch_size=20, weight_decay=0.5, progress=False)
    assert m.optimizer is not first and m.optimizer.weight_decay == 0.5
    decayed = m.optimizer
    m.fit(x, epochs=1, batch_size=20, weight_decay=0.5, lr=1e-2, progress=False)
    assert m.optimizer is not decayed and m.optimizer.lr == 1e-2
    m.fit(x, epochs=1, batch_size=20, optimizer="momentum", lr=1e-2, weight_decay=0.5,
          progress=False)
    assert type(m.optimizer).__name__ == "Momentum"


def test_each_phase_of_the_aae_compares_its_whole_optimizer_config():
    x, _ = _data()
    m = AAE([8, 4, 2], prior="gaussian", discriminator_sizes=[4], dtype=np.float64)
    m.fit(x, epochs=1, batch_size=20, progress=False)
    before = dict(m._optimizers)
    m.fit(x, epochs=1, batch_size=20, weight_decay=0.1, progress=False)
    for phase, opt in m._optimizers.items():
        assert opt is not before[phase] and opt.weight_decay == 0.1
    with pytest.raises(ValueError, match="give the optimizer by name"):
        from scratchae.nn.optimizers import Adam
        m.fit(x, epochs=1, optimizer=Adam(), progress=False)


# ---------------------------------------------------- all data checked first (defect 2)
@pytest.mark.parametrize("make, train, bad_val", [
    (lambda: M2([8, 5, 2], n_classes=3, dtype=np.float64),
     lambda x, y: (x[:10], y[:10], x), lambda x, y: (x[:5], np.full(5, 9))),
    (lambda: SemiSupervisedAAE([8, 6, 2], n_classes=3, discriminator_sizes=[4]),
     lambda x, y: (x[:10], y[:10], x), lambda x, y: (x[:5], np.full(5, 9))),
    (lambda: CVAE([8, 5, 2], n_classes=3, dtype=np.float64),
     lambda x, y: (x, y), lambda x, y: (x[:5], np.full(5, 9))),
    (lambda: VAE([8, 5, 2], dtype=np.float64), lambda x, y: (x,), lambda x, y: x[:5, :6]),
    (lambda: AAE([8, 4, 2], discriminator_sizes=[4]), lambda x, y: (x,), lambda x, y: x + 2),
    (lambda: StackedAutoencoder([8, 4], n_classes=3), lambda x, y: (x, y),
     lambda x, y: (x[:5], np.full(5, 9))),
], ids=["M2", "SemiSupervisedAAE", "CVAE", "VAE", "AAE", "StackedAutoencoder-classifier"])
def test_bad_validation_data_is_refused_before_the_first_step(make, train, bad_val):
    x, y = _data()
    m = make()
    before = _params(m)
    fit = m.fit_classifier if isinstance(m, StackedAutoencoder) else m.fit
    with pytest.raises(ValueError, match="validation_data"):
        fit(*train(x, y), epochs=3, batch_size=20, validation_data=bad_val(x, y), progress=False)
    assert _same_params(before, _params(m))                 # not one step was taken


def test_bad_epochs_or_labelled_batch_size_are_refused_before_the_first_step():
    x, y = _data()
    m = M2([8, 5, 2], n_classes=3, dtype=np.float64)
    before = _params(m)
    with pytest.raises(ValueError, match="labelled_batch_size"):
        m.fit(x[:10], y[:10], x, epochs=1, labelled_batch_size=0, progress=False)
    with pytest.raises(ValueError, match="epochs"):
        m.fit(x[:10], y[:10], x, epochs=0, progress=False)
    assert _same_params(before, _params(m))


# ------------------------------------------------------------ random streams (defect 3)
@pytest.mark.parametrize("make", [
    lambda: DenoisingAutoencoder([8, 4], corruption="masking", level=0.3, seed=4),
    lambda: VAE([8, 5, 2], dtype=np.float64, seed=4),
    lambda: AAE([8, 4, 2], discriminator_sizes=[4], dtype=np.float64, seed=4),
], ids=["DAE", "VAE", "AAE"])
def test_fit_twice_for_one_epoch_continues_the_streams_like_one_fit_of_two_epochs(make):
    x, _ = _data()
    once, twice = make(), make()
    once.fit(x, epochs=2, batch_size=20, progress=False)
    h1 = twice.fit(x, epochs=1, batch_size=20, progress=False)
    h2 = twice.fit(x, epochs=1, batch_size=20, progress=False)
    assert _same_params(_params(once), _params(twice))       # fresh shuffle and noise, not a replay
    assert h1["loss"] != h2["loss"]


def test_repeated_one_epoch_fits_do_not_replay_the_same_noise():
    x, _ = _data()
    m = DenoisingAutoencoder([8, 4], corruption="masking", level=0.5, seed=1)
    m.fit(x, epochs=1, batch_size=60, optimizer="sgd", lr=1e-9, progress=False)
    seen = []
    real = m._loss_and_grads

    def spy(batch, rng):
        seen.append(rng.bit_generator.state["state"]["state"])
        return real(batch, rng)
    m._loss_and_grads = spy
    for _ in range(3):
        m.fit(x, epochs=1, batch_size=60, optimizer="sgd", lr=1e-9, progress=False)
    assert len(set(seen)) == 3                               # a new noise state each call


def test_the_same_seed_repeats_the_same_bits_and_another_seed_does_not():
    x, y = _data()
    runs = []
    for seed in (7, 7, 8):
        m = M2([8, 5, 2], n_classes=3, dtype=np.float64, seed=seed)
        h = m.fit(x[:10], y[:10], x, epochs=2, batch_size=20, labelled_batch_size=5,
                  progress=False)
        runs.append((h["loss"], _params(m)))
    assert runs[0][0] == runs[1][0] and _same_params(runs[0][1], runs[1][1])
    assert runs[0][0] != runs[2][0]


def test_fit_with_an_explicit_seed_is_repeatable_and_leaves_the_model_streams_alone():
    x, _ = _data()
    a, b = VAE([8, 5, 2], dtype=np.float64, seed=3), VAE([8, 5, 2], dtype=np.float64, seed=3)
    ha = a.fit(x, epochs=1, batch_size=20, seed=11, progress=False)
    hb = b.fit(x, epochs=1, batch_size=20, seed=11, progress=False)
    assert ha == hb
    c = VAE([8, 5, 2], dtype=np.float64, seed=3)
    c.fit(x, epochs=1, batch_size=20, progress=False)
    a.fit(x, epochs=1, batch_size=20, progress=False)        # the model's own streams start here
    d = VAE([8, 5, 2], dtype=np.float64, seed=3)
    d.fit(x, epochs=1, batch_size=20, seed=11, progress=False)
    d.fit(x, epochs=1, batch_size=20, progress=False)
    assert _same_params(_params(a), _params(d))


def test_streams_are_spawned_children_with_distinct_bits():
    seeds = seed_streams(0)
    assert list(seeds) == list(STREAMS)
    first = {name: np.random.default_rng(s).integers(0, 2 ** 62) for name, s in seeds.items()}
    assert len(set(first.values())) == len(STREAMS)
    m = VAE([8, 5, 2], seed=0)
    assert m.stream("sample").integers(0, 2 ** 62) == first["sample"]
    # a discriminator is not initialised from the encoder's stream
    aae = AAE([8, 4, 4], discriminator_sizes=[4], seed=0, dtype=np.float64)
    assert not np.allclose(aae.discriminator.layers[0].W[:, :4], aae.encoder.layers[1].W.T[:4])


def test_labelled_batches_cover_the_labelled_set_in_a_fresh_order_each_pass():
    x = np.arange(10)[:, None] * np.ones((1, 2))
    y = np.arange(10)
    batches = LabelledBatches((x, y), 5, np.random.default_rng(0))
    passes = [np.concatenate([next(batches)[1] for _ in range(2)]) for _ in range(3)]
    for p in passes:
        assert sorted(p) == list(range(10))
    assert any(not np.array_equal(passes[0], p) for p in passes[1:])
    xb, yb = next(LabelledBatches((x, y), 50, np.random.default_rng(0)))
    assert len(yb) == 10 and np.array_equal(xb[:, 0], yb)   # rows cut by the same index


# ---------------------------------------------------------- constructor checks (defect 6)
_BUILDERS = {
    "Autoencoder": lambda **k: Autoencoder(**{"layer_sizes": [6, 4, 2], **k}),
    "VAE": lambda **k: VAE(**{"layer_sizes": [6, 4, 2], **k}),
    "CVAE": lambda **k: CVAE(**{"layer_sizes": [6, 4, 2], "n_classes": 3, **k}),
    "M2": lambda **k: M2(**{"layer_sizes": [6, 4, 2], "n_classes": 3, **k}),
    "AAE": lambda **k: AAE(**{"layer_sizes": [6, 4, 2], "discriminator_sizes": [3], **k}),
    "SemiSupervisedAAE": lambda **k: SemiSupervisedAAE(
        **{"layer_sizes": [6, 4, 2], "n_classes": 3, "discriminator_sizes": [3], **k}),
    "RBM": lambda **k: RBM(**{"layer_sizes": [6, 4], **k}),
    "StackedAutoencoder": lambda **k: StackedAutoencoder(**{"layer_sizes": [6, 4, 2], **k}),
}


@pytest.mark.parametrize("name", sorted(_BUILDERS))
def test_every_model_refuses_fractional_sizes_and_float_seeds(name):
    build = _BUILDERS[name]
    sizes = [6.9, 4] if name == "RBM" else [6.9, 4, 2]
    with pytest.raises(ValueError, match="positive integers"):
        build(layer_sizes=sizes)
    for seed in (1.7, 1.0, True, -1, "0"):
        with pytest.raises(ValueError, match="seed must be a non-negative integer"):
            build(seed=seed)
    assert build(seed=np.int64(3)).seed == 3


@pytest.mark.parametrize("name", sorted(_BUILDERS))
def test_seed_none_draws_fresh_entropy_and_records_the_seed_that_repeats_it(name):
    build = _BUILDERS[name]
    a, b = build(seed=None), build(seed=None)
    assert isinstance(a.seed, int) and a.seed != b.seed
    again = build(seed=a.seed)
    for k, v in a.params().items():
        np.testing.assert_array_equal(again.params()[k], v)
    assert any(not np.array_equal(v, b.params()[k]) for k, v in a.params().items())


def test_cvae_without_labels_says_so():
    x, y = _data(d=6)
    m = CVAE([6, 4, 2], n_classes=3)
    for call in (lambda: m.encode(x, None), lambda: m.decode(np.zeros((2, 2)), None),
                 lambda: m.fit(x, None, epochs=1, progress=False),
                 lambda: m.loss_and_grads(x)):
        with pytest.raises(ValueError, match="label"):
            call()


def test_numpy_scalars_are_valid_hyperparameters():
    m = StochasticContractiveAutoencoder([6, 3], noise_std=np.float32(0.1),
                                         contraction=np.float64(0.2))
    assert m.noise_std == pytest.approx(0.1) and type(m.noise_std) is float
    with pytest.raises(ValueError, match="noise_std"):
        StochasticContractiveAutoencoder([6, 3], noise_std=True)


def test_one_contract_loss_and_grads_takes_a_tuple_batch_for_every_model():
    x, y = _data(d=6)
    cases = [(Autoencoder([6, 3]), (x,)), (VAE([6, 3, 2]), (x,)),
             (CVAE([6, 3, 2], n_classes=3), (x, y)),
             (M2([6, 3, 2], n_classes=3), (x[:4], y[:4], x)),
             (AAE([6, 3, 2], discriminator_sizes=[3]), (x,)),
             (SemiSupervisedAAE([6, 3, 2], n_classes=3, discriminator_sizes=[3]), (x, y)),
             (StackedAutoencoder([6, 3], n_classes=3), (x, y)), (RBM([6, 3]), (x,))]
    for model, batch in cases:
        metrics, grads = model.loss_and_grads(batch, np.random.default_rng(0))
        assert np.isfinite(metrics["loss"]) and grads
        assert set(grads) <= set(model.params())
        again, _ = model.loss_and_grads(batch, np.random.default_rng(0))
        assert again == metrics                              # the noise comes from rng alone


def test_glyph_training_still_lowers_the_loss_through_the_shared_loop():
    x, labels, _ = glyph_digits(200, 3)
    m = M2([784, 32, 4], n_classes=10, seed=0)
    h = m.fit(x[:50], labels[:50], x, epochs=3, batch_size=50, labelled_batch_size=25,
              lr=3e-3, validation_data=(x[:50], labels[:50]), progress=False)
    assert h["loss"][-1] < h["loss"][0] and len(h["val_error"]) == 3
