"""Training on several threads (scratchae.models.data_parallel): the split batch gives the
gradients of the whole batch, the same seed gives the same bits, a NaN still stops training
before any parameter changes, and no thread outlives ``fit``."""
import os
import threading
import time

import numpy as np
import pytest

from scratchae.models import (AAE, CVAE, VAE, Autoencoder, ContractiveAutoencoder,
                              DenoisingAutoencoder, StochasticContractiveAutoencoder)
from scratchae.models import data_parallel as dp
from scratchae.nn.training import TrainingDiverged

threadpoolctl = pytest.importorskip("threadpoolctl")


def _x(m=37, d=12, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).uniform(size=(m, d)).astype(dtype)


def _native_threads(expected=None):
    """Threads of this process as the kernel sees them (Python's and native ones). A joined
    thread has finished its Python code but may need a moment more to leave the kernel's list,
    so with ``expected`` this waits up to 2 s for the count to come down to it."""
    if not os.path.isdir("/proc/self/task"):
        return None
    for _ in range(200):
        count = len(os.listdir("/proc/self/task"))
        if expected is None or count <= expected:
            return count
        time.sleep(0.01)
    return count


def _warm_up():
    """numba starts one thread of its own at its first kernel call: start it (on one training
    thread), then let any thread that earlier tests joined leave the kernel's list. Returns
    the settled number of native threads."""
    with dp.training_threads(1):
        Autoencoder([12, 7, 3], seed=0).fit(_x(40), epochs=1, batch_size=20, progress=False)
    counts = [_native_threads()]
    while len(counts) < 100 and (len(counts) < 3 or len(set(counts[-3:])) > 1):
        time.sleep(0.02)
        counts.append(_native_threads())
    return counts[-1]


def _blas_threads():
    return [p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]


# ----------------------------------------------------------------------------- helpers
def test_split_rows_and_balanced_groups():
    assert dp.split_rows(129, 2) == [0, 65, 129]
    assert dp.split_rows(128, 2) == [0, 64, 128]
    assert dp.split_rows(5, 3) == [0, 2, 4, 5]
    groups = dp.balanced_groups({"a": 10, "b": 6, "c": 5, "d": 1}, 2)
    assert groups == [["a", "d"], ["b", "c"]]
    assert sorted(sum(groups, [])) == ["a", "b", "c", "d"]


def test_thread_count_comes_from_the_context_then_the_environment(monkeypatch):
    monkeypatch.delenv(dp.ENV, raising=False)
    assert dp.threads_requested() == 1
    monkeypatch.setenv(dp.ENV, "2")
    assert dp.threads_requested() == 2
    with dp.training_threads(3):
        assert dp.threads_requested() == 3
    assert dp.threads_requested() == 2
    monkeypatch.setenv("SCRATCHAE_NUMBA", "0")               # the plain-NumPy library: one thread
    assert dp.threads_requested() == 1
    monkeypatch.delenv("SCRATCHAE_NUMBA")
    monkeypatch.setenv(dp.ENV, "two")
    with pytest.raises(ValueError, match="SCRATCHAE_THREADS"):
        dp.threads_requested()
    with pytest.raises(ValueError, match="positive integer"):
        with dp.training_threads(0):
            pass


# ------------------------------------------------------------------ gradients of the parts
class _Replay(np.random.Generator):
    """A generator whose ``standard_normal`` hands out a given array: the one-thread step then
    sees the noise the parts drew, in row order."""

    def __init__(self, eps):
        super().__init__(np.random.PCG64(0))
        self.eps = eps

    def standard_normal(self, size=None, dtype=np.float64, out=None):
        assert tuple(np.atleast_1d(size)) == self.eps.shape
        return self.eps.astype(dtype)


def _models(dtype):
    """name -> (model, shape of one row's noise or None)."""
    kw = dict(seed=3, dtype=dtype)
    return {
        "ae": (Autoencoder([12, 7, 3], activation="tanh", **kw), None),
        "tied_ae": (Autoencoder([12, 7, 3], activation="sigmoid", tied=True, **kw), None),
        "cae": (ContractiveAutoencoder([12, 5], contraction=0.3, **kw), None),
        "scae": (StochasticContractiveAutoencoder([12, 5], contraction=0.3, noise_std=0.2, **kw),
                 (12,)),
        "dae": (DenoisingAutoencoder([12, 7, 3], corruption="gaussian", level=0.2, **kw), (12,)),
        "vae": (VAE([12, 7, 3], activation="tanh", **kw), (1, 3)),
        "cvae": (CVAE([12, 7, 3], n_classes=4, activation="tanh", **kw), (1, 3)),
    }


def _compare(model, noise, dtype, threads, tol):
    m = 37
    x = _x(m, dtype=dtype)
    batch = (x, np.arange(m) % 4) if isinstance(model, CVAE) else (x,)
    batch = model.check_data(batch)
    rngs = [np.random.default_rng(10 + k) for k in range(threads)]
    with dp.ParallelSteps(model, threads) as par:
        assert par.splits(batch)
        metrics, grads = par.loss_and_grads(batch, rngs)
    rng, extra = np.random.default_rng(0), {}
    if noise is not None:   # the noise the parts drew, in row order, for the one-thread step
        bounds = dp.split_rows(m, threads)
        eps = np.concatenate([
            np.random.default_rng(10 + k).standard_normal((bounds[k + 1] - bounds[k],) + noise,
                                                          dtype=model.dtype)
            for k in range(threads)])
        if isinstance(model, VAE):
            extra["eps"] = eps
        else:
            rng = _Replay(eps)
    ref_metrics, ref = model.loss_and_grads(batch, rng, **extra)
    assert set(grads) == set(ref)
    for name in ref:
        scale = np.max(np.abs(ref[name])) + 1e-30
        err = np.max(np.abs(grads[name] - ref[name])) / scale
        assert err < tol, (name, err)
    for key in ref_metrics:
        assert abs(metrics[key] - ref_metrics[key]) <= tol * (abs(ref_metrics[key]) + 1e-12)


@pytest.mark.parametrize("name", ["ae", "tied_ae", "cae", "scae", "dae", "vae", "cvae"])
@pytest.mark.parametrize("threads", [2, 3])
def test_parts_give_the_whole_batch_gradient(name, threads):
    """float64: the split is exact algebra, so it agrees to ~1e-15; float32: to rounding."""
    model, noise = _models(np.float64)[name]
    _compare(model, noise, np.float64, threads, 1e-12)
    model, noise = _models(np.float32)[name]
    _compare(model, noise, np.float32, threads, 2e-6)


def test_every_splittable_class_is_tested():
    tested = {type(model).__name__ for model, _ in _models(np.float64).values()}
    assert tested == set(dp.SPLITTABLE)


def test_unequal_weights_matter():
    """The size weights M_k / M are needed: with an odd batch, equal weights would be wrong."""
    model = Autoencoder([12, 7, 3], activation="tanh", seed=0)
    x = model.check_data((_x(5),))
    with dp.ParallelSteps(model, 2) as par:
        _, grads = par.loss_and_grads(x, [None, None])
        metrics, per_part, _, weights = par._parts(x, [None, None])
    assert weights == [3 / 5, 2 / 5]
    _, ref = model.loss_and_grads(x)
    equal = 0.5 * (per_part[0]["encoder.0.W"] + per_part[1]["encoder.0.W"])
    assert np.allclose(grads["encoder.0.W"], ref["encoder.0.W"], rtol=1e-12, atol=1e-15)
    assert not np.allclose(equal, ref["encoder.0.W"], rtol=1e-3)


# ---------------------------------------------------------------------------- fit
@pytest.mark.parametrize("optimizer", ["adam", "sgd", "momentum"])
@pytest.mark.parametrize("weight_decay", [0.0, 1e-3])
def test_fit_on_two_threads_follows_the_one_thread_fit(optimizer, weight_decay):
    """A deterministic model: the same updates, to rounding, with the parameters dealt out to
    two threads for the optimizer's update (t counted once per step); Adam without weight decay
    takes the two halves' gradients into its kernel (adam_update_two_parts)."""
    x = _x(200)
    one = Autoencoder([12, 7, 3], activation="tanh", seed=1)
    two = Autoencoder([12, 7, 3], activation="tanh", seed=1)
    kw = dict(epochs=3, batch_size=32, optimizer=optimizer, lr=0.05, progress=False,
              weight_decay=weight_decay)
    h1 = one.fit(x, **kw)
    with dp.training_threads(2):
        h2 = two.fit(x, **kw)
    assert one.optimizer.t == two.optimizer.t == 3 * 7
    for k, v in one.params().items():
        np.testing.assert_allclose(two.params()[k], v, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h2["loss"], h1["loss"], rtol=1e-10)


def test_same_seed_same_bits_for_a_thread_count():
    x = _x(300, 12, dtype=np.float32)
    runs = []
    for _ in range(2):
        model = VAE([12, 8, 2], activation="tanh", seed=5, dtype=np.float32)
        with dp.training_threads(2):
            history = model.fit(x, epochs=2, batch_size=64, progress=False)
            history2 = model.fit(x, epochs=1, batch_size=64, progress=False)   # streams go on
        runs.append((history["loss"] + history2["loss"],
                     {k: v.copy() for k, v in model.params().items()}))
    assert runs[0][0] == runs[1][0]
    for k in runs[0][1]:
        assert np.array_equal(runs[0][1][k], runs[1][1][k])
    one = VAE([12, 8, 2], activation="tanh", seed=5, dtype=np.float32)
    one.fit(x, epochs=2, batch_size=64, progress=False)
    # other noise (each part has its own generator), so other bits, but the same kind of model
    assert not np.array_equal(one.params()["encoder.0.W"], runs[0][1]["encoder.0.W"])


def test_no_thread_outlives_fit_and_blas_threads_are_restored():
    before_native = _warm_up()
    before_py, blas = threading.active_count(), _blas_threads()
    model = VAE([12, 8, 2], activation="tanh", seed=0, dtype=np.float32)
    seen = []
    with dp.training_threads(2):
        model.fit(_x(100, dtype=np.float32), epochs=2, batch_size=32, progress=False,
                  callback=lambda e, h: seen.append((threading.active_count(), _blas_threads())))
    assert seen[0][0] == before_py + 1 and seen[0][1] == [1] * len(blas)   # it did run threaded
    assert threading.active_count() == before_py
    assert _native_threads(before_native) == before_native
    assert _blas_threads() == blas
    assert model._parallel is None


def test_no_thread_outlives_fit_that_raises(monkeypatch):
    before_native = _warm_up()
    before_py, blas = threading.active_count(), _blas_threads()
    original = Autoencoder._loss_and_grads
    calls = []

    def failing(self, batch, rng):
        calls.append(threading.current_thread().name)
        if len(calls) == 5:
            raise RuntimeError("boom in a part")
        return original(self, batch, rng)

    monkeypatch.setattr(Autoencoder, "_loss_and_grads", failing)
    model = Autoencoder([12, 7, 3], seed=0)
    with dp.training_threads(2), pytest.raises(RuntimeError, match="boom in a part"):
        model.fit(_x(200), epochs=2, batch_size=32, progress=False)
    assert any(name.startswith("scratchae-fit") for name in calls)
    assert threading.active_count() == before_py
    assert _native_threads(before_native) == before_native
    assert _blas_threads() == blas


def test_nan_gradient_stops_training_before_any_parameter_changes(monkeypatch):
    original = Autoencoder._loss_and_grads
    calls, snapshot = [], {}

    def poisoned(self, batch, rng):
        metrics, grads = original(self, batch, rng)
        calls.append(1)
        if len(calls) == 7:            # the 4th step's second part
            snapshot.update({k: v.copy() for k, v in self.params().items()})
            grads["decoder.0.W"][0, 0] = np.nan
        return metrics, grads

    monkeypatch.setattr(Autoencoder, "_loss_and_grads", poisoned)
    model = Autoencoder([12, 7, 3], seed=0)
    with dp.training_threads(2), pytest.raises(TrainingDiverged, match="decoder.0.W"):
        model.fit(_x(200), epochs=1, batch_size=32, progress=False)
    for k, v in model.params().items():
        assert np.array_equal(v, snapshot[k]), k
    assert model.optimizer.t == 3


def test_models_with_phases_train_on_one_thread():
    """The AAE's steps have phases: fit runs them as before, no thread is started."""
    model = AAE([12, 6, 2], seed=0)
    x = _x(64)
    before = threading.active_count()
    seen = []
    with dp.training_threads(2):
        model.fit(x, epochs=1, batch_size=32, progress=False,
                  callback=lambda e, h: seen.append(threading.active_count()))
    assert seen == [before]
    assert not dp.ParallelSteps(model, 2).enabled


def test_one_row_batches_are_not_split():
    model = Autoencoder([12, 7, 3], seed=0)
    with dp.ParallelSteps(model, 2) as par:
        assert not par.splits((_x(1),))
        assert par.splits((_x(2),))


@pytest.mark.parametrize("make", [
    lambda: DenoisingAutoencoder([12, 6], corruption="masking", level=0.3, seed=4),
    lambda: VAE([12, 6, 2], dtype=np.float64, seed=4),
], ids=["DAE", "VAE"])
def test_two_fits_on_two_threads_continue_the_streams_like_one_longer_fit(make):
    x = _x(120)
    once, twice = make(), make()
    with dp.training_threads(2):
        once.fit(x, epochs=2, batch_size=20, progress=False)
        h1 = twice.fit(x, epochs=1, batch_size=20, progress=False)
        h2 = twice.fit(x, epochs=1, batch_size=20, progress=False)
    for k, v in once.params().items():
        assert np.array_equal(v, twice.params()[k]), k
    assert h1["loss"] != h2["loss"]


def test_a_model_with_a_patched_loss_is_not_split():
    """A shallow copy would call the patched (bound) function of the original from another
    thread, on the original's caches: such a model trains on one thread."""
    model = Autoencoder([12, 7, 3], seed=0)
    real = model._loss_and_grads
    threads_seen = set()

    def spy(batch, rng):
        threads_seen.add(threading.current_thread().name)
        return real(batch, rng)

    model._loss_and_grads = spy
    with dp.training_threads(2):
        model.fit(_x(64), epochs=1, batch_size=32, progress=False)
    assert threads_seen == {threading.current_thread().name}
    assert not dp.ParallelSteps(model, 2).enabled


def test_adam_on_two_halves_kernel_agrees_with_its_twin_and_with_adam_on_the_mean():
    from scratchae.kernels.optim import adam_update, adam_update_two_parts

    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        p0, g0, g1 = (rng.standard_normal(1001).astype(dtype) for _ in range(3))
        m0 = 0.1 * rng.standard_normal(1001).astype(dtype)
        v0 = np.abs(rng.standard_normal(1001)).astype(dtype)
        runs = []
        for fn in (adam_update_two_parts.jit, adam_update_two_parts.twin):
            p, m, v = p0.copy(), m0.copy(), v0.copy()
            for t in (1.0, 2.0, 3.0):
                fn(p, g0, g1, 0.5, m, v, 1e-2, 0.9, 0.999, 1e-8, t)
            runs.append((p, m, v))
        p, m, v = p0.copy(), m0.copy(), v0.copy()
        for t in (1.0, 2.0, 3.0):
            adam_update.twin(p, ((g0 + g1) * dtype(0.5)).astype(dtype), m, v, 1e-2, 0.9, 0.999,
                             1e-8, t)
        runs.append((p, m, v))
        tol = 1e-6 if dtype == np.float32 else 1e-14
        for other in runs[1:]:
            for a, b in zip(runs[0], other):
                np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
        assert not np.allclose(runs[0][0], p0)                  # it did update


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("weights", [(0.5, 0.5), (0.25, 0.75), (0.2, 0.3, 0.5)])
@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_optimizer_update_from_parts_equals_update_on_the_weighted_sum(name, weights,
                                                                       weight_decay):
    """The public pieces of a step that the data-parallel step uses: ``begin_step`` then
    ``update_from_parts`` per array gives what ``step`` gives on the weighted sum."""
    from scratchae.nn import optimizers

    rng = np.random.default_rng(0)
    p0 = {"W": rng.normal(size=(4, 3)), "b": rng.normal(size=3)}
    by_step, by_parts = optimizers.get(name, lr=0.1, weight_decay=weight_decay), \
        optimizers.get(name, lr=0.1, weight_decay=weight_decay)
    a = {k: v.copy() for k, v in p0.items()}
    b = {k: v.copy() for k, v in p0.items()}
    for _ in range(3):                                      # several steps: state carries over
        parts = [{k: rng.normal(size=v.shape) for k, v in p0.items()} for _ in weights]
        mean = {k: sum(w * g[k] for w, g in zip(weights, parts)) for k in p0}
        by_step.step(a, mean)
        by_parts.begin_step()
        for k in p0:
            by_parts.update_from_parts(k, b[k], [g[k].copy() for g in parts], list(weights))
        for k in p0:
            np.testing.assert_allclose(b[k], a[k], rtol=1e-12, atol=1e-14)
    assert by_parts.t == by_step.t == 3
    assert not np.allclose(a["W"], p0["W"])
