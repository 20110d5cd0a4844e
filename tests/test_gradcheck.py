"""The finite-difference checker itself: it must catch wrong gradients, pass right ones, and never
change its caller's arrays."""
import numpy as np
import pytest

from scratchae import gradcheck
from scratchae.nn.network import Network


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = gradcheck.numerical_gradient(lambda v: np.sum(np.sin(v) * v), x)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-8)


def test_numerical_gradient_never_changes_the_callers_array():
    x = np.array([0.1, 0.2, 0.3])
    keep = x.copy()
    gradcheck.numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    np.testing.assert_array_equal(x, keep)


def test_inplace_check_restores_parameters_bit_for_bit():
    net = Network.from_sizes([3, 4, 2], activation="tanh", output_activation="sigmoid", rng=0)
    before = {k: v.copy() for k, v in net.params().items()}
    x = np.random.default_rng(0).standard_normal((5, 3))
    y = np.random.default_rng(1).uniform(size=(5, 2))
    gradcheck.check_network(net, x, y, "bernoulli")
    for k, v in net.params().items():
        np.testing.assert_array_equal(v, before[k])


def test_check_gradient_catches_a_wrong_derivation():
    """The classic slip: d/dx sigma(x) written as sigma(x) instead of sigma(x)(1 - sigma(x))."""
    sig = lambda v: 1 / (1 + np.exp(-v))
    x = np.linspace(-2, 2, 7)
    right = gradcheck.check_gradient(lambda v: np.sum(sig(v)), lambda v: sig(v) * (1 - sig(v)), x)
    wrong = gradcheck.check_gradient(lambda v: np.sum(sig(v)), lambda v: sig(v), x)
    assert right.passed and right.error < 1e-9
    assert not wrong.passed and wrong.error > 0.1
    assert "FAIL" in str(wrong) and "OK" in str(right)


def test_check_gradients_names_the_broken_parameter():
    net = Network.from_sizes([3, 4, 2], activation="sigmoid", rng=0)
    x = np.random.default_rng(0).standard_normal((5, 3))
    y = np.random.default_rng(1).uniform(size=(5, 2))

    def objective_with_a_bug():
        value, grads = net.loss_and_grads(x, y, "bernoulli")
        grads = dict(grads)
        grads["1.b"] = 2 * grads["1.b"]          # a factor of two lost in a derivation
        return value, grads

    report = gradcheck.check_gradients(objective_with_a_bug, net.params())
    assert not report.passed
    assert report.worst.name == "1.b"
    assert report["0.W"].passed
    with pytest.raises(AssertionError, match="1.b"):
        report.assert_ok()


def test_relative_error_definition():
    a = np.array([1.0, 0.0])
    n = np.array([1.0, 1e-9])
    # max|a-n| / (max|a| + max|n|) = 1e-9 / 2: a near-zero entry does not fail on round-off alone
    assert gradcheck.relative_error(a, n) == pytest.approx(1e-9 / 2)
    assert gradcheck.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError):
        gradcheck.relative_error(np.zeros(2), np.zeros(3))


def test_checks_refuse_float32_parameters():
    net = Network.from_sizes([2, 2], rng=0, dtype=np.float32)
    with pytest.raises(ValueError, match="float64"):
        gradcheck.check_gradients(lambda: (0.0, net.grads()), net.params())


def test_max_entries_samples_a_subset():
    net = Network.from_sizes([6, 5, 2], activation="tanh", output_activation="sigmoid", rng=0)
    x = np.random.default_rng(0).standard_normal((3, 6))
    y = np.random.default_rng(1).uniform(size=(3, 2))

    def objective():
        return net.loss_and_grads(x, y, "bernoulli")

    report = gradcheck.check_gradients(objective, net.params(), max_entries=4)
    assert report.passed
    assert report["0.W"].checked == 4
