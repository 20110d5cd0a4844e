"""The VAE loss ledger (scratchae.ledger): its bookkeeping, its gradient, and its trained model."""
import numpy as np
import pytest

from scratchae import gradcheck
from scratchae.ledger import KLWeightedVAE, active_units, elementwise_terms, loss_ledger
from scratchae.models.vae import VAE


def _tiny(seed=0, cls=VAE, **kw):
    model = cls([6, 5, 3], activation="tanh", dtype=np.float64, seed=seed, **kw)
    rng = np.random.default_rng(seed + 10)
    for name, p in model.params().items():
        if name.endswith(".b"):
            p[...] = rng.uniform(-0.5, 0.5, p.shape)
    return model


def weighted_loss_and_grads(vae, x, eps, recon_weight, kl_weight):
    """The weighted loss and gradients of a KLWeightedVAE with ``vae``'s parameters."""
    model = KLWeightedVAE([6, 5, 3], activation="tanh", dtype=np.float64,
                          recon_weight=recon_weight, kl_weight=kl_weight)
    for name, p in model.params().items():
        p[...] = vae.params()[name]
    return model.loss_and_grads(x, eps=eps[:, None, :])


def test_unit_weights_give_the_vae_own_loss_and_gradients():
    vae = _tiny()
    rng = np.random.default_rng(1)
    x, eps = rng.uniform(0, 1, (4, 6)), rng.standard_normal((4, 3))
    m_ref, g_ref = vae.loss_and_grads(x, eps=eps[:, None, :])
    g_ref = {k: v.copy() for k, v in g_ref.items()}
    m, g = weighted_loss_and_grads(vae, x, eps, 1.0, 1.0)
    assert m["loss"] == pytest.approx(m_ref["loss"], rel=1e-12)
    assert m["kl"] == pytest.approx(m_ref["kl"], rel=1e-12)
    for k in g_ref:
        np.testing.assert_allclose(g[k], g_ref[k], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("weights", [(1.0, 1.0), (1 / 6, 1.0), (1.0, 3.0), (0.5, 0.0)])
def test_weighted_gradient_matches_finite_differences(weights):
    model = _tiny(seed=2, cls=KLWeightedVAE, recon_weight=weights[0], kl_weight=weights[1])
    rng = np.random.default_rng(3)
    x, eps = rng.uniform(0, 1, (5, 6)), rng.standard_normal((5, 1, 3))

    def objective():
        m, g = model.loss_and_grads(x, eps=eps)
        return m["loss"], g

    report = gradcheck.check_gradients(objective, model.params())
    assert report.passed, report


def test_kl_weight_changes_the_gradient_not_only_its_scale():
    vae = _tiny(seed=4)
    rng = np.random.default_rng(5)
    x, eps = rng.uniform(0, 1, (5, 6)), rng.standard_normal((5, 3))
    _, g1 = weighted_loss_and_grads(vae, x, eps, 1.0, 1.0)
    g1 = np.concatenate([v.ravel() for v in g1.values()]).copy()
    _, g_scaled = weighted_loss_and_grads(vae, x, eps, 1 / 6, 1 / 6)
    g_scaled = np.concatenate([v.ravel() for v in g_scaled.values()]).copy()
    _, g_mixed = weighted_loss_and_grads(vae, x, eps, 1 / 6, 1.0)
    g_mixed = np.concatenate([v.ravel() for v in g_mixed.values()]).copy()
    np.testing.assert_allclose(g_scaled, g1 / 6, rtol=1e-10, atol=1e-14)
    cos = g_mixed @ g1 / np.linalg.norm(g_mixed) / np.linalg.norm(g1)
    assert cos < 0.999                      # a different direction, not a multiple


def test_ledger_bookkeeping():
    vae = _tiny(seed=6)
    x = np.random.default_rng(7).uniform(0, 1, (10, 6))
    led = loss_ledger(vae, x, rng=8, batch_size=4)
    assert led["D"] == 6 and led["J"] == 3 and led["B"] == 4
    assert led["recon_per_pixel"] == pytest.approx(led["recon_per_image"] / 6)
    assert led["recon_bits_per_dim"] == pytest.approx(led["recon_per_pixel"] / np.log(2))
    assert led["recon_reduction_sum"] == pytest.approx(4 * led["recon_batch_per_image"])
    assert led["recon_reduction_mean"] == pytest.approx(led["recon_batch_per_image"] / 6)
    assert led["kl_reduction_sum"] == pytest.approx(4 * led["kl_batch_per_image"])
    assert led["kl_reduction_mean"] == pytest.approx(led["kl_batch_per_image"] / 3)
    # the element-wise pieces add up to the model's own per-example terms
    eps = np.random.default_rng(9).standard_normal((10, 3))
    r, k = elementwise_terms(vae, x, eps)
    metrics, _ = vae.loss_and_grads(x, eps=eps[:, None, :])
    assert r.sum(1).mean() == pytest.approx(metrics["recon"], rel=1e-10)
    assert k.sum(1).mean() == pytest.approx(metrics["kl"], rel=1e-10)


def test_ledger_rejects_other_models():
    vae = VAE([6, 5, 3], likelihood="gaussian", dtype=np.float64)
    with pytest.raises(ValueError, match="bernoulli"):
        loss_ledger(vae, np.zeros((2, 6)))


def test_kl_weighted_vae_trains_saves_and_a_large_kl_weight_shuts_units():
    rng = np.random.default_rng(0)
    proto = rng.uniform(0, 1, (4, 16)) > 0.5
    x = np.clip(proto[rng.integers(0, 4, 400)] * 0.9 + rng.uniform(0, 0.1, (400, 16)), 0, 1)
    plain = KLWeightedVAE([16, 32, 4], seed=0, recon_weight=1.0, kl_weight=1.0)
    heavy = KLWeightedVAE([16, 32, 4], seed=0, recon_weight=1 / 16, kl_weight=1.0)
    for m in (plain, heavy):
        m.fit(x, epochs=30, batch_size=50, lr=3e-3, progress=False)
    assert plain.evaluate(x)["kl"] > 2 * heavy.evaluate(x)["kl"]
    assert active_units(plain, x) > active_units(heavy, x)
    assert plain.evaluate(x)["loss"] < heavy.evaluate(x)["loss"]


def test_kl_weighted_vae_round_trip(tmp_path):
    m = KLWeightedVAE([6, 5, 3], seed=1, recon_weight=0.25, kl_weight=2.0)
    path = m.save(tmp_path / "m.npz")
    back = KLWeightedVAE.load(path)
    assert back.recon_weight == 0.25 and back.kl_weight == 2.0
    x = np.random.default_rng(0).uniform(0, 1, (3, 6)).astype(np.float32)
    np.testing.assert_array_equal(back.encode(x), m.encode(x))
