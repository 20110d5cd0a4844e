"""The grouped-input dense layer (rows [x_g(r), c_r]) against the plain Dense layer on the
repeated rows and against finite differences (float64, h = 1e-5, DESIGN.md's tolerances)."""
import numpy as np
import pytest

from scratchae import gradcheck
from scratchae.nn.grouped import group_starts, grouped_dense_backward, grouped_dense_forward
from scratchae.nn.layers import Dense


def _setup(activation, seed=0):
    rng = np.random.default_rng(seed)
    D, C, H = 5, 3, 4
    layer = Dense(D + C, H, activation, rng=rng, dtype=np.float64)
    layer.params["b"][...] = rng.uniform(-0.5, 0.5, H)
    counts = np.array([1, 3, 2, 3])
    x_unique = rng.uniform(0, 1, (len(counts), D))
    c = np.eye(C)[rng.integers(0, C, counts.sum())]
    R = rng.standard_normal((counts.sum(), H))            # C = sum(a * R): dC/da = R
    return layer, x_unique, counts, c, R


@pytest.mark.parametrize("activation", ["softplus", "tanh", "sigmoid"])
def test_grouped_layer_equals_the_dense_layer_on_repeated_rows(activation):
    layer, x_unique, counts, c, R = _setup(activation)
    a = grouped_dense_forward(layer, x_unique, counts, c).copy()
    grouped_dense_backward(layer, R, x_unique, counts, c)
    grouped = {k: v.copy() for k, v in layer.grads.items()}
    rows = np.concatenate([np.repeat(x_unique, counts, axis=0), c], axis=1)
    np.testing.assert_allclose(a, layer.forward(rows), rtol=1e-13)
    layer.backward(R)
    for k in ("W", "b"):
        np.testing.assert_allclose(grouped[k], layer.grads[k], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("activation", ["softplus", "tanh"])
def test_grouped_layer_gradients_match_finite_differences(activation):
    layer, x_unique, counts, c, R = _setup(activation, seed=1)

    def objective():
        a = grouped_dense_forward(layer, x_unique, counts, c)
        grouped_dense_backward(layer, R, x_unique, counts, c)
        return float(np.sum(a * R)), {k: v.copy() for k, v in layer.grads.items()}
    report = gradcheck.check_gradients(objective, layer.params)
    assert report.passed, str(report)


def test_group_starts_are_the_first_row_of_each_group():
    assert group_starts([1, 3, 2]).tolist() == [0, 1, 4]
