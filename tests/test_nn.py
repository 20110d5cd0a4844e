"""The hand-written core: activations, the four equations, Dense, Network, NLL losses, optimizers.

Gradient checks follow the policy in DESIGN.md (scratchae.gradcheck): float64, tiny random shapes,
central differences with h = 1e-5, relative error below 1e-7 (smooth) or 1e-4 (near a kink).
"""
import numpy as np
import pytest

from scratchae import gradcheck
from scratchae.nn import activations, backprop, fastpath, init, losses, optimizers
from scratchae.nn.layers import Dense
from scratchae.nn.network import Network
from scratchae.nn.training import TrainingDiverged, apply_step, fit_loop, iterate_minibatches

ALL_ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity", "softmax"]
ELEMENTWISE = [a for a in ALL_ACTIVATIONS if a != "softmax"]
LOSS_OUTPUT = [("gaussian", "identity"), ("bernoulli", "sigmoid"), ("categorical", "softmax")]


def _randomize_biases(net, rng):
    """Non-zero biases, so that no ReLU unit sits exactly on its kink z = 0."""
    for layer in net.layers:
        layer.params["b"][...] = rng.uniform(-0.5, 0.5, size=layer.params["b"].shape)


def _targets(loss, rng, shape):
    if loss == "categorical":
        return np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
    return rng.uniform(0.0, 1.0, size=shape)


# ----------------------------------------------------------------------------- activations
@pytest.mark.parametrize("name", ALL_ACTIVATIONS)
def test_activation_backward_matches_finite_differences(name):
    rng = np.random.default_rng(1)
    act = activations.get(name)
    z = rng.standard_normal((4, 5)) * 2
    z[np.abs(z) < 1e-3] = 0.5          # keep away from the ReLU kink
    u = rng.standard_normal(z.shape)   # C = sum(u * f(z)) so dC/df = u
    result = gradcheck.check_gradient(lambda zz: np.sum(u * act.f(zz)),
                                      lambda zz: act.backward(zz, u), z)
    assert result.passed, str(result)
    assert result.tol == gradcheck.SMOOTH_TOL  # away from kinks even ReLU meets the smooth bound


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_df_is_the_derivative(name):
    rng = np.random.default_rng(2)
    act = activations.get(name)
    z = rng.uniform(-3, 3, size=(3, 7))
    z[np.abs(z) < 1e-3] = 0.7
    numeric = gradcheck.numerical_gradient(lambda zz: np.sum(act.f(zz)), z)
    assert gradcheck.relative_error(act.df(z), numeric) < gradcheck.SMOOTH_TOL


@pytest.fixture(params=["fast", "textbook"])
def either_form(request, monkeypatch):
    """Run a test on the fast in-place forms and again on the textbook forms
    (``SCRATCHAE_NUMBA=0``)."""
    monkeypatch.setenv("SCRATCHAE_NUMBA", "1" if request.param == "fast" else "0")
    assert fastpath.enabled() == (request.param == "fast")
    return request.param


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_and_softplus_do_not_overflow(dtype, either_form):
    z = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        s = activations.Sigmoid().f(z)
        sp = activations.Softplus().f(z)
        ds = activations.Sigmoid().df(z)
    assert s.dtype == dtype
    np.testing.assert_allclose(s[0, [0, 2, 4]], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(sp[0, [0, 4]], [0.0, 1000.0])
    assert np.isclose(sp[0, 2], np.log(2.0))
    assert np.all(np.isfinite(ds))


def test_softmax_rows_sum_to_one_and_are_shift_invariant():
    z = np.array([[1000.0, 1001.0, 999.0], [0.0, 0.0, 0.0]])
    a = activations.Softmax().f(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    np.testing.assert_allclose(a[1], 1 / 3)
    np.testing.assert_allclose(activations.Softmax().f(z - 7.0), a)


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match="sigmoid"):
        activations.get("swish-ish")


# ------------------------------------------------------------------------- four equations
def test_bp_functions_are_the_slide_equations_for_one_example():
    """For a batch of one, the batch forms reduce to the slides' column-vector equations."""
    rng = np.random.default_rng(3)
    act = activations.Sigmoid()
    W_next = rng.standard_normal((2, 3))
    z = rng.standard_normal((1, 3))
    delta_next = rng.standard_normal((1, 2))
    a_prev = rng.standard_normal((1, 4))
    grad_a = rng.standard_normal((1, 3))
    # BP1: delta^L = grad_a C (.) sigma'(z^L)
    np.testing.assert_allclose(backprop.output_error(grad_a, z, act)[0], grad_a[0] * act.df(z[0]))
    # BP2: delta^l = sigma'(z^l) (.) (W^{l+1})^T delta^{l+1}
    np.testing.assert_allclose(backprop.hidden_error(delta_next, W_next, z, act)[0],
                               act.df(z[0]) * (W_next.T @ delta_next[0]))
    delta = rng.standard_normal((1, 3))
    # BP3: grad_b = delta;  BP4: grad_W = delta (a^{l-1})^T
    np.testing.assert_allclose(backprop.bias_gradient(delta), delta[0])
    np.testing.assert_allclose(backprop.weight_gradient(delta, a_prev), np.outer(delta[0], a_prev[0]))


def test_batch_gradients_are_sums_of_per_example_gradients():
    rng = np.random.default_rng(4)
    delta = rng.standard_normal((5, 3))
    a_prev = rng.standard_normal((5, 4))
    per_example = sum(np.outer(delta[i], a_prev[i]) for i in range(5))
    np.testing.assert_allclose(backprop.weight_gradient(delta, a_prev), per_example)


# --------------------------------------------------------------------------------- Dense
@pytest.mark.parametrize("name", ALL_ACTIVATIONS)
def test_dense_gradients(name):
    rng = np.random.default_rng(5)
    n_in, n_out, batch = rng.integers(2, 6, size=3)
    layer = Dense(int(n_in), int(n_out), activation=name, rng=rng)
    layer.params["b"][...] = rng.uniform(-0.5, 0.5, size=layer.params["b"].shape)
    x = rng.standard_normal((int(batch), int(n_in)))
    report = gradcheck.check_layer(layer, x, rng=rng)
    assert report.passed, str(report)
    assert [r.name for r in report.results] == ["W", "b", "x"]


def test_dense_shapes_and_errors():
    layer = Dense(4, 3, rng=0)
    assert layer.W.shape == (3, 4) and layer.b.shape == (3,)
    assert layer.forward(np.zeros((2, 4))).shape == (2, 3)
    with pytest.raises(ValueError, match=r"\(batch, 4\).*\(2, 5\)"):
        layer.forward(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="finite"):
        layer.forward(np.full((2, 4), np.nan))
    with pytest.raises(ValueError, match=r"grad_a must have shape \(2, 3\)"):
        layer.backward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="n_out must be a positive integer"):
        Dense(4, 0)


def test_gradients_are_overwritten_not_accumulated():
    rng = np.random.default_rng(6)
    layer = Dense(3, 2, rng=rng)
    x = rng.standard_normal((4, 3))
    layer.forward(x)
    layer.backward(np.ones((4, 2)))
    first = layer.grads["W"].copy()
    layer.forward(x)
    layer.backward(np.ones((4, 2)))
    np.testing.assert_array_equal(layer.grads["W"], first)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dense_keeps_its_dtype(dtype):
    layer = Dense(3, 2, rng=0, dtype=dtype)
    out = layer.forward(np.ones((2, 3)))
    assert out.dtype == dtype and layer.W.dtype == dtype
    assert layer.backward(np.ones((2, 2), dtype=dtype)).dtype == dtype


# ------------------------------------------------------------------------------- Network
@pytest.mark.parametrize("hidden", ELEMENTWISE)
@pytest.mark.parametrize("loss,output", LOSS_OUTPUT)
def test_three_layer_network_gradients(hidden, loss, output):
    rng = np.random.default_rng(abs(hash((hidden, loss))) % 2**32)
    sizes = [int(s) for s in rng.integers(2, 6, size=4)]
    net = Network.from_sizes(sizes, activation=hidden, output_activation=output, rng=rng)
    _randomize_biases(net, rng)
    x = rng.standard_normal((int(rng.integers(2, 6)), sizes[0]))
    y = _targets(loss, rng, (x.shape[0], sizes[-1]))
    report = gradcheck.check_network(net, x, y, loss)
    assert report.passed, str(report)
    assert len(report.results) == 2 * 3 + 1


@pytest.mark.parametrize("loss,output", LOSS_OUTPUT)
def test_loss_and_grads_shortcut_equals_bp1_product(loss, output):
    """delta = (a - y)/M (the shortcut loss_and_grads uses) gives the same gradients as BP1's
    general product dC/da (.) sigma'(z) (or the softmax Jacobian-vector product)."""
    rng = np.random.default_rng(7)
    net = Network.from_sizes([4, 5, 3], activation="tanh", output_activation=output, rng=rng)
    x = rng.standard_normal((6, 4))
    y = _targets(loss, rng, (6, 3))
    loss_obj = losses.get(loss)
    assert loss_obj.uses_shortcut(output)
    value, grads = net.loss_and_grads(x, y, loss_obj)
    shortcut = {k: v.copy() for k, v in grads.items()}
    a = net.forward(x)
    net.backward(grad_output=loss_obj.grad(a, y))
    for name, g in net.grads().items():
        np.testing.assert_allclose(shortcut[name], g, rtol=1e-10, atol=1e-12)
    assert value == pytest.approx(loss_obj.value(a, y))


def test_network_rejects_mismatched_layers_and_bad_backward():
    with pytest.raises(ValueError, match="layer 0 gives 3 outputs but layer 1 expects 4"):
        Network([Dense(2, 3), Dense(4, 1)])
    net = Network.from_sizes([2, 3, 1], rng=0)
    with pytest.raises(RuntimeError):
        net.backward(np.zeros((1, 1)))
    net.forward(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="exactly one"):
        net.backward()
    with pytest.raises(ValueError, match=r"grad_output must have shape \(5, 1\)"):
        net.backward(np.zeros((5, 2)))


def test_network_params_are_the_layers_arrays():
    net = Network.from_sizes([3, 4, 2], rng=0)
    params = net.params()
    assert list(params) == ["0.W", "0.b", "1.W", "1.b"]
    params["0.W"][0, 0] = 123.0
    assert net.layers[0].W[0, 0] == 123.0
    assert net.n_params() == 3 * 4 + 4 + 4 * 2 + 2


def test_same_seed_same_network():
    a = Network.from_sizes([5, 4, 3], activation="relu", rng=11)
    b = Network.from_sizes([5, 4, 3], activation="relu", rng=11)
    c = Network.from_sizes([5, 4, 3], activation="relu", rng=12)
    for k in a.params():
        np.testing.assert_array_equal(a.params()[k], b.params()[k])
    assert not np.array_equal(a.params()["0.W"], c.params()["0.W"])


# -------------------------------------------------------------------------------- losses
@pytest.mark.parametrize("loss", ["gaussian", "bernoulli", "categorical"])
def test_loss_grad_matches_finite_differences(loss):
    rng = np.random.default_rng(8)
    loss_obj = losses.get(loss)
    if loss == "categorical":
        a = activations.Softmax().f(rng.standard_normal((4, 5)))
    else:
        a = rng.uniform(0.05, 0.95, size=(4, 5))
    y = _targets(loss, rng, a.shape)
    result = gradcheck.check_gradient(lambda aa: loss_obj.value(aa, y),
                                      lambda aa: loss_obj.grad(aa, y), a)
    assert result.passed, str(result)


def test_loss_values_are_negative_log_likelihoods():
    """value = mean over the batch of -log p(y | a), summed over features."""
    rng = np.random.default_rng(9)
    a = rng.uniform(0.1, 0.9, size=(3, 4))
    y = (rng.uniform(size=(3, 4)) > 0.5).astype(float)
    bern = np.mean([-np.sum(np.log(np.where(y[i] == 1, a[i], 1 - a[i]))) for i in range(3)])
    assert losses.BernoulliNLL().value(a, y) == pytest.approx(bern)
    mu = rng.standard_normal((3, 4))
    gauss_log_pdf = -0.5 * np.sum((y - mu) ** 2, axis=1) - 0.5 * 4 * np.log(2 * np.pi)
    assert losses.GaussianNLL().value(mu, y) + losses.GaussianNLL.constant(4) == \
        pytest.approx(-np.mean(gauss_log_pdf))
    p = activations.Softmax().f(mu)
    labels = np.array([0, 3, 1])
    assert losses.CategoricalNLL().value(p, labels) == \
        pytest.approx(-np.mean(np.log(p[np.arange(3), labels])))


def test_bernoulli_from_logits_matches_probability_form_and_is_stable():
    rng = np.random.default_rng(10)
    z = rng.standard_normal((5, 6)) * 3
    y = rng.uniform(size=(5, 6))
    bern = losses.BernoulliNLL()
    a = activations.Sigmoid().f(z)
    assert bern.value_from_logits(z, y) == pytest.approx(bern.value(a, y), rel=1e-10)
    r = gradcheck.check_gradient(lambda zz: bern.value_from_logits(zz, y),
                                 lambda zz: bern.delta_from_logits(zz, y), z)
    assert r.passed, str(r)
    big = np.array([[1000.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        v = bern.per_example_from_logits(big, np.array([[0.0, 1.0]]))
    assert v[0] == pytest.approx(2000.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bernoulli_logit_rows_match_the_textbook_formula(dtype, either_form):
    """The in-place |z|/2 + z (1/2 - y) + log1p(e^-|z|) form against -[y log a + (1-y) log(1-a)]
    in float64, for moderate logits where the textbook form is exact enough, and for integers."""
    rng = np.random.default_rng(11)
    z = (rng.standard_normal((7, 300)) * 4).astype(dtype)
    y = (rng.uniform(size=(7, 300)) < 0.3).astype(dtype)
    y[0] = rng.uniform(size=300).astype(dtype)          # grey levels too
    z64, y64 = z.astype(np.float64), y.astype(np.float64)
    a = 1.0 / (1.0 + np.exp(-z64))
    reference = -np.sum(y64 * np.log(a) + (1.0 - y64) * np.log1p(-a), axis=1)
    rows = losses.bernoulli_logit_nll_rows(z, y)
    assert rows.dtype == dtype and rows.shape == (7,)
    np.testing.assert_allclose(rows, reference, rtol=1e-6 if dtype == np.float32 else 1e-12)
    ints = np.array([[3, -2, 0]])
    np.testing.assert_allclose(losses.bernoulli_logit_nll_rows(ints, np.array([[1, 0, 1]])),
                               [np.log1p(np.exp(-3.0)) + np.log1p(np.exp(-2.0)) + np.log(2.0)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_forms_agree_with_the_textbook_forms(dtype, monkeypatch):
    """fastpath.sigmoid gives the same bits as activations.sigmoid (the same operations in the same
    order); the in-place Bernoulli rows agree with the textbook rows to rounding, out to |z| = 800.
    Both forms are read off with the switch in each position."""
    rng = np.random.default_rng(5)
    z = (rng.standard_normal((9, 200)) * 6).astype(dtype)
    z[0, :4] = [-800, 800, 0, -88.5]
    y = rng.uniform(size=z.shape).astype(dtype)
    y[1] = rng.uniform(size=200) < 0.5
    forms = {}
    for switch in ("1", "0"):
        monkeypatch.setenv("SCRATCHAE_NUMBA", switch)
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            forms[switch] = (activations.Sigmoid().f(z), losses.bernoulli_logit_nll_rows(z, y))
    (s_fast, rows_fast), (s_text, rows_text) = forms["1"], forms["0"]
    np.testing.assert_array_equal(s_fast, activations.sigmoid(z))
    np.testing.assert_array_equal(s_fast, s_text)
    assert s_fast.dtype == s_text.dtype == dtype
    assert rows_fast.dtype == rows_text.dtype == dtype
    np.testing.assert_allclose(rows_fast, rows_text, rtol=2e-6 if dtype == np.float32 else 1e-13)
    np.testing.assert_array_equal(fastpath.sigmoid(np.float64(0.0)), 0.5)   # 0-d in, 0-d out


def test_the_textbook_forms_run_when_the_switch_is_off(monkeypatch):
    """SCRATCHAE_NUMBA=0 runs the readable forms: the fast functions are not called."""
    def refuse(*args):
        raise AssertionError("the fast path ran with SCRATCHAE_NUMBA=0")
    monkeypatch.setattr(fastpath, "sigmoid", refuse)
    monkeypatch.setattr(fastpath, "bernoulli_logit_nll_rows", refuse)
    monkeypatch.setenv("SCRATCHAE_NUMBA", "0")
    z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(activations.Sigmoid().f(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(losses.bernoulli_logit_nll_rows(z, np.array([[0.0, 1.0, 1.0]])),
                               [np.log1p(np.exp(-2.0)) + np.log(2.0) + np.log1p(np.exp(-3.0))])


def test_bernoulli_never_takes_log_of_zero():
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        v = losses.BernoulliNLL().value(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))
    assert np.isfinite(v) and v > 20


def test_loss_bad_input():
    bern = losses.BernoulliNLL()
    with pytest.raises(ValueError, match=r"\[0, 1\].*\[-0.5, 1\]"):
        bern.value(np.full((1, 2), 0.5), np.array([[-0.5, 1.0]]))
    with pytest.raises(ValueError, match="same shape"):
        bern.value(np.full((2, 2), 0.5), np.full((2, 3), 0.5))
    with pytest.raises(ValueError, match="NaN"):
        losses.GaussianNLL().value(np.full((1, 2), np.nan), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="probabilities predicted"):
        bern.value(np.array([[-0.2, 0.5]]), np.array([[0.0, 1.0]]))
    with pytest.raises(ValueError, match="unknown loss"):
        losses.get("hinge")


# ---------------------------------------------------------------------------- optimizers
def test_sgd_and_momentum_updates():
    p = {"w": np.array([[1.0, 2.0]])}
    g = {"w": np.array([[0.5, -1.0]])}
    optimizers.SGD(lr=0.1).step(p, g)
    np.testing.assert_allclose(p["w"], [[0.95, 2.1]])
    opt = optimizers.Momentum(lr=0.1, momentum=0.5)
    opt.step(p, g)
    opt.step(p, g)   # v1 = -0.1 g ; v2 = 0.5 v1 - 0.1 g = -0.15 g
    np.testing.assert_allclose(p["w"], [[0.95, 2.1]] - 0.25 * g["w"])


def test_adam_matches_the_paper_update():
    rng = np.random.default_rng(12)
    w = rng.standard_normal((3, 4))
    p = {"w": w.copy()}
    opt = optimizers.Adam(lr=0.01)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, 6):
        g = rng.standard_normal(w.shape)
        opt.step(p, {"w": g})
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
        w = w - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(p["w"], w, rtol=1e-6, atol=1e-9)


def test_weight_decay_is_the_l2_penalty_gradient_on_weights_only():
    p = {"W": np.ones((2, 2)), "b": np.ones(2)}
    g = {"W": np.zeros((2, 2)), "b": np.zeros(2)}
    optimizers.SGD(lr=0.5, weight_decay=0.1).step(p, g)
    np.testing.assert_allclose(p["W"], 0.95)
    np.testing.assert_allclose(p["b"], 1.0)


@pytest.mark.parametrize("kwargs", [{"lr": 0}, {"lr": -1e-3}, {"lr": float("nan")},
                                    {"lr": 0.1, "weight_decay": -1}])
def test_optimizer_rejects_bad_hyperparameters(kwargs):
    with pytest.raises(ValueError):
        optimizers.Adam(**kwargs)


def test_initialisers_have_the_stated_variance():
    rng = np.random.default_rng(13)
    w = init.glorot_uniform(400, 600, rng)
    assert w.var() == pytest.approx(2 / 1000, rel=0.05)
    w = init.he_normal(400, 600, rng)
    assert w.var() == pytest.approx(2 / 600, rel=0.05)


# ------------------------------------------------------------------------------ training
def test_nan_loss_stops_training_and_leaves_parameters_unchanged():
    net = Network.from_sizes([2, 3, 1], activation="tanh", output_activation="identity", rng=0)
    before = {k: v.copy() for k, v in net.params().items()}
    grads = {k: np.full_like(v, np.nan) for k, v in net.params().items()}
    with pytest.raises(TrainingDiverged, match="left as they were"):
        apply_step(optimizers.SGD(lr=0.1), net.params(), grads, float("nan"))
    for k, v in net.params().items():
        np.testing.assert_array_equal(v, before[k])


def test_huge_learning_rate_diverges_with_a_clear_error_and_intact_parameters():
    rng = np.random.default_rng(14)
    net = Network.from_sizes([3, 8, 3], activation="relu", output_activation="identity", rng=rng)
    x = rng.standard_normal((32, 3))
    opt = optimizers.SGD(lr=1e6)
    snapshot = None

    def step(idx):
        nonlocal snapshot
        snapshot = {k: v.copy() for k, v in net.params().items()}
        value, grads = net.loss_and_grads(x[idx], x[idx], "gaussian") if np.isfinite(
            net.params()["0.W"]).all() else (float("nan"), net.grads())
        apply_step(opt, net.params(), grads, value)
        return {"loss": value}

    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged):
        fit_loop(step, 32, epochs=50, batch_size=8, rng=rng, progress=False)
    for k, v in net.params().items():
        np.testing.assert_array_equal(v, snapshot[k])


def test_fit_loop_learns_and_is_deterministic():
    def train(seed):
        rng = np.random.default_rng(seed)
        x = rng.uniform(size=(64, 4))
        net = Network.from_sizes([4, 6, 4], activation="sigmoid", rng=seed)
        opt = optimizers.Adam(lr=0.05)

        def step(idx):
            value, grads = net.loss_and_grads(x[idx], x[idx], "bernoulli")
            apply_step(opt, net.params(), grads, value)
            return {"loss": value}
        return fit_loop(step, 64, epochs=30, batch_size=16, rng=seed, progress=False)

    h1, h2 = train(0), train(0)
    assert h1["loss"] == h2["loss"]
    assert h1["loss"][-1] < h1["loss"][0] - 0.1


def test_minibatches_cover_every_example_once():
    rng = np.random.default_rng(15)
    batches = list(iterate_minibatches(10, 4, rng))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches)) == list(range(10))
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        list(iterate_minibatches(10, 0, rng))


def test_finite_check_catches_nan_and_inf_and_keeps_large_finite_gradients():
    from scratchae.nn.training import _all_finite

    big = np.full(4, 1e30, dtype=np.float32)              # finite; its squares overflow float32
    assert _all_finite(1.0, {"W": big, "b": np.zeros(3)})
    for bad in (np.nan, np.inf, -np.inf):
        g = np.ones((3, 4), dtype=np.float32)
        g[1, 2] = bad
        assert not _all_finite(1.0, {"W": g})
    assert not _all_finite(np.nan, {"W": np.ones(2)})
    assert _all_finite(0.0, {"empty": np.zeros(0), "ints": np.arange(3)})
