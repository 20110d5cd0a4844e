"""Input checks shared by the whole library.

Every public function checks what it is given on entry and raises ``ValueError`` naming what it
expected and what it received, so that a student's mistake is reported where it was made.
"""
import numbers

import numpy as np


def as_2d_array(x, name="x", n_features=None, dtype=None, allow_nonfinite=False):
    """Return ``x`` as a 2-D floating array of shape ``(batch, features)``.

    Raises ``ValueError`` if ``x`` is not 2-D, has the wrong number of columns, is empty, or
    holds NaN/inf values.
    """
    arr = np.asarray(x)
    if arr.dtype.kind not in "fiub":
        raise ValueError(f"{name} must be numeric; got an array of dtype {arr.dtype}")
    if arr.ndim != 2:
        expected = f"(batch, {n_features})" if n_features is not None else "(batch, features)"
        raise ValueError(f"{name} must have shape {expected}; got an array of shape {arr.shape}")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(
            f"{name} must have shape (batch, {n_features}); got an array of shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one row; got shape {arr.shape}")
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    elif arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if not allow_nonfinite and not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite; got {bad} NaN/inf value(s)")
    return arr


def check_fitted(estimator, attribute):
    """Raise ``RuntimeError`` when an estimator is used before ``fit`` (it has no ``attribute``)."""
    if not hasattr(estimator, attribute):
        raise RuntimeError(f"this {type(estimator).__name__} is not fitted yet; call fit(X) first")


def check_same_shape(a, b, name_a="a", name_b="y"):
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same shape."""
    if np.shape(a) != np.shape(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape; got {np.shape(a)} and {np.shape(b)}")


def check_unit_interval(x, name="y", what="Bernoulli targets"):
    """Raise ``ValueError`` unless every value of ``x`` lies in [0, 1]."""
    x = np.asarray(x)
    lo, hi = float(np.min(x)), float(np.max(x))
    if lo < 0.0 or hi > 1.0:
        raise ValueError(
            f"{name}: {what} must lie in [0, 1]; got values in [{lo:.4g}, {hi:.4g}]")


def check_positive(value, name, integer=False):
    """Raise ``ValueError`` unless ``value`` is a positive (integer, if asked) number."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind) or not value > 0 \
            or not np.isfinite(value):
        expected = "a positive integer" if integer else "a positive finite number"
        raise ValueError(f"{name} must be {expected}; got {value!r}")
    return value


def check_fraction(value, name, closed_right=True):
    """Raise ``ValueError`` unless ``value`` lies in [0, 1] (or [0, 1) if not ``closed_right``)."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and 0.0 <= value and (
        value <= 1.0 if closed_right else value < 1.0)
    if not ok:
        interval = "[0, 1]" if closed_right else "[0, 1)"
        raise ValueError(f"{name} must lie in {interval}; got {value!r}")
    return float(value)


def check_seed(seed, name="seed"):
    """``seed`` as a non-negative Python int, or ValueError.

    ``None`` draws fresh entropy from the operating system (``numpy.random.SeedSequence()``)
    and returns it, so that a model built with ``seed=None`` still records the seed that
    repeats it. Floats and booleans are refused rather than truncated.
    """
    if seed is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"{name} must be a non-negative integer or None (fresh entropy); "
                         f"got {seed!r}")
    return int(seed)


def check_layer_sizes(layer_sizes, name="layer_sizes", min_len=2):
    """``layer_sizes`` as a list of positive ints with at least ``min_len`` entries, or ValueError
    (a float such as 6.9 is refused, not truncated)."""
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise ValueError(f"{name} must be a list of layer widths such as [784, 256, 32]; "
                         f"got {layer_sizes!r}") from None
    if len(sizes) < min_len:
        raise ValueError(f"{name} must list at least {min_len} widths; got {sizes}")
    for s in sizes:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral) or s <= 0:
            raise ValueError(f"{name} must hold positive integers; got {sizes}")
    return [int(s) for s in sizes]


def make_rng(seed_or_rng=None):
    """Return a ``numpy.random.Generator``: pass one through, or build one from a seed.

    ``None`` gives seed 0, so that the library is reproducible by default.
    """
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    if seed_or_rng is None:
        seed_or_rng = 0
    return np.random.default_rng(seed_or_rng)
