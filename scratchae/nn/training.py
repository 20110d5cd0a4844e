"""Mini-batch training, shared by every model (slides, part 01, "Stochastic Gradient Descent").

    theta_{k+1} = theta_k - eta * (1/M) sum_{i in batch} grad L(theta_k, D_i)

* :func:`iterate_minibatches` -- a seeded shuffle of the indices, cut into batches of size M.
* :func:`apply_step`          -- the guarded update: a loss or gradient that is NaN/inf stops
  training with :class:`TrainingDiverged` *before* the optimizer touches the parameters, so they
  stay as they were before that step.
* :class:`LabelledBatches`    -- endless batches of a small labelled set, in a fresh random
  order each time round (semi-supervised training pairs them with each unlabelled batch).
* :func:`fit_loop`            -- epochs of mini-batches with a progress bar and a
  :class:`History` of per-epoch averages (and validation values).
"""
import sys
import time

import numpy as np

from scratchae._validation import check_positive, make_rng

__all__ = ["TrainingDiverged", "History", "iterate_minibatches", "LabelledBatches", "apply_step",
           "fit_loop"]


class TrainingDiverged(FloatingPointError):
    """A training step produced a NaN/inf loss or gradient; the parameters were left unchanged."""


class History(dict):
    """Per-epoch metrics: ``history["loss"][e]`` is the mean training loss of epoch ``e``;
    validation metrics are prefixed ``val_``; ``history.seconds`` is the wall time per epoch."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def append(self, metrics):
        for key, value in metrics.items():
            self.setdefault(key, []).append(float(value))

    def __repr__(self):
        parts = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.items() if v)
        return f"History({len(self.seconds)} epochs: {parts})"


def iterate_minibatches(n, batch_size, rng, shuffle=True):
    """Yield index arrays covering ``range(n)`` in batches of ``batch_size`` (the last may be
    smaller), shuffled by ``rng`` when ``shuffle``."""
    check_positive(n, "n", integer=True)
    check_positive(batch_size, "batch_size", integer=True)
    order = rng.permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


class LabelledBatches:
    """Batches of ``batch_size`` rows (at most the set's size) of the arrays ``data`` (same
    number of rows), cycling through them forever: each time round the rows come in a fresh
    order drawn from ``rng``, and a pass ends where a full batch no longer fits.

    ``next(batches)`` -> a tuple of arrays, one slice of each array of ``data``.
    """

    def __init__(self, data, batch_size, rng):
        check_positive(batch_size, "labelled_batch_size", integer=True)
        self.data, self.rng = data, rng
        self.n = data[0].shape[0]
        self.batch_size = min(batch_size, self.n)
        self.order, self.pos = rng.permutation(self.n), 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.pos + self.batch_size > self.n:
            self.order, self.pos = self.rng.permutation(self.n), 0
        idx = self.order[self.pos:self.pos + self.batch_size]
        self.pos += self.batch_size
        return tuple(a[idx] for a in self.data)


def _finite_array(g):
    """No NaN or inf in ``g``. A NaN or inf element makes the sum of squares NaN or inf, so a
    finite ``g . g`` (one BLAS call, no array the size of ``g``) proves every element finite; only
    when it is not (a bad element, or finite values whose squares overflow) is each element
    checked. Runs on every gradient at every step."""
    g = np.asarray(g).reshape(-1)
    if g.dtype.kind == "f":
        with np.errstate(over="ignore", invalid="ignore"):
            if np.isfinite(np.dot(g, g)):
                return True
    return bool(np.isfinite(g).all())


def _all_finite(loss_value, grads):
    if not np.all(np.isfinite(loss_value)):
        return False
    return all(_finite_array(g) for g in grads.values())


def apply_step(optimizer, params, grads, loss_value, where=""):
    """Check the step, then update ``params`` in place.

    Raises :class:`TrainingDiverged` (parameters untouched) if the loss or any gradient is NaN/inf.
    """
    if not _all_finite(loss_value, grads):
        bad = [name for name, g in grads.items() if not np.isfinite(g).all()]
        raise TrainingDiverged(
            f"training diverged{' ' + where if where else ''}: loss = {loss_value!r}"
            + (f", non-finite gradients in {bad}" if bad else "")
            + ". The parameters were left as they were before this step; try a smaller "
              "learning rate or check the data for NaN/inf.")
    optimizer.step(params, grads)


def _progress_enabled(progress):
    if progress == "auto":
        return sys.stderr.isatty()
    return bool(progress)


def fit_loop(step, n, epochs, batch_size, rng=None, validate=None, progress="auto",
             desc="training", callback=None):
    """Run ``epochs`` passes over ``n`` examples in shuffled mini-batches.

    Parameters
    ----------
    step : callable(idx) -> dict
        Trains on the examples ``idx`` and returns the batch's metrics (at least ``"loss"``),
        each a mean over the batch. Epoch values are the size-weighted means of these.
    validate : callable() -> dict or None
        Called after each epoch; its metrics are stored with a ``val_`` prefix.
    progress : bool or "auto"
        Show a tqdm bar ("auto": only when stderr is a terminal).
    callback : callable(epoch, history) or None
        Called after each epoch (for checkpoints or early stopping: return True to stop).

    Returns
    -------
    :class:`History`
    """
    check_positive(epochs, "epochs", integer=True)
    check_positive(batch_size, "batch_size", integer=True)
    rng = make_rng(rng)
    history = History()
    show = _progress_enabled(progress)
    bar = None
    if show:
        from tqdm.auto import tqdm
        bar = tqdm(total=epochs * ((n + batch_size - 1) // batch_size), desc=desc, leave=False)
    try:
        for epoch in range(epochs):
            t0 = time.perf_counter()
            sums, count = {}, 0
            for idx in iterate_minibatches(n, batch_size, rng):
                metrics = step(idx)
                for key, value in metrics.items():
                    sums[key] = sums.get(key, 0.0) + float(value) * len(idx)
                count += len(idx)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(epoch=epoch + 1, loss=f"{metrics.get('loss', np.nan):.4g}")
            epoch_metrics = {key: total / count for key, total in sums.items()}
            if validate is not None:
                epoch_metrics.update({f"val_{k}": v for k, v in validate().items()})
            history.append(epoch_metrics)
            history.seconds.append(time.perf_counter() - t0)
            if callback is not None and callback(epoch, history):
                break
    finally:
        if bar is not None:
            bar.close()
    return history
