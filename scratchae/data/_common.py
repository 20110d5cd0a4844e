"""Pieces shared by the data loaders: where files live, the return types, binarisation, errors.

Where data files are looked for (first hit wins):

1. an explicit ``path=`` given to the loader;
2. ``$SCRATCHAE_DATA/<dataset>`` (CI points ``SCRATCHAE_DATA`` at a read-only folder of copies);
3. the user cache ``cache_dir(<dataset>)``: ``$SCRATCHAE_CACHE/<dataset>`` if that variable is set,
   else ``$XDG_CACHE_HOME/scratchae/<dataset>``, else ``~/.cache/scratchae/<dataset>``;
4. (MNIST only) a download into the user cache.
"""
import numbers
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from scratchae._validation import make_rng

__all__ = [
    "Dataset", "TrainValSplit", "DatasetNotFoundError", "DatasetIntegrityError",
    "data_dir", "cache_dir", "binarize",
]

SPLITS = ("train", "test")
BINARIZE_METHODS = (None, "dynamic", "static")


class DatasetNotFoundError(FileNotFoundError):
    """A data set's files are in none of the places the loader looks, and cannot be downloaded."""


class DatasetIntegrityError(ValueError):
    """A data file was found (or downloaded) but is damaged: wrong checksum or malformed content."""


class Dataset(NamedTuple):
    """Images and labels of one split; unpacks as ``x, y = dataset``.

    ``x``: float32, shape ``(n, features)`` (or ``(n, height, width)``);
    ``y``: int64, shape ``(n,)``.
    """

    x: np.ndarray
    y: np.ndarray

    def __repr__(self):
        return (f"Dataset(x={self.x.dtype}{tuple(self.x.shape)}, "
                f"y={self.y.dtype}{tuple(self.y.shape)})")


class TrainValSplit(NamedTuple):
    """A training set and the validation set held out from it; unpacks as
    ``(x_train, y_train), (x_val, y_val) = split``."""

    train: Dataset
    val: Dataset


def data_dir():
    """The folder named by ``$SCRATCHAE_DATA`` (a ``Path``), or ``None`` if it is unset."""
    value = os.environ.get("SCRATCHAE_DATA", "").strip()
    return Path(value).expanduser() if value else None


def cache_dir(dataset=None):
    """The user cache folder of scratchae, or of one data set in it (the folder is not created).

    ``$SCRATCHAE_CACHE`` if set, else ``$XDG_CACHE_HOME/scratchae``, else ``~/.cache/scratchae``.
    """
    override = os.environ.get("SCRATCHAE_CACHE", "").strip()
    if override:
        root = Path(override).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = Path(xdg).expanduser() if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
        root = base / "scratchae"
    return root / dataset if dataset else root


def candidate_dirs(dataset, path=None):
    """Folders searched for ``dataset``'s files, in order (see the module docstring)."""
    dirs = []
    if path is not None:
        path = Path(path).expanduser()
        dirs += [path, path / dataset]
    env = data_dir()
    if env is not None:
        dirs.append(env / dataset)
    dirs.append(cache_dir(dataset))
    return dirs


def check_choice(value, name, choices):
    """Raise ``ValueError`` unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(
            f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}")
    return value


def check_validation_size(validation_size, split, n_train):
    """Check ``validation_size`` for a split of ``n_train`` examples and return it as an int."""
    if isinstance(validation_size, bool) or not isinstance(validation_size, numbers.Integral):
        raise ValueError(f"validation_size must be an integer; got {validation_size!r}")
    validation_size = int(validation_size)
    if validation_size == 0:
        return 0
    if split != "train":
        raise ValueError(
            f"validation_size is taken from the training set, so it needs split='train'; "
            f"got split={split!r} with validation_size={validation_size}")
    if not 0 <= validation_size < n_train:
        raise ValueError(
            f"validation_size must be an integer in [0, {n_train - 1}] (it is held out from the "
            f"end of the {n_train} training examples); got {validation_size}")
    return validation_size


def binarize(x, method="dynamic", rng=None):
    """Turn grey levels ``x`` in [0, 1] into 0/1 values of the same shape and dtype.

    ``"dynamic"``: each value is a Bernoulli(x) sample drawn with ``rng`` (a Generator or a seed;
    ``None`` means seed 0), so the same seed gives the same result and the mean is kept in
    expectation. Call it again with a fresh generator each epoch to re-binarise.
    ``"static"``: 1 where ``x > 0.5``, else 0 (no randomness).
    """
    check_choice(method, "method", ("dynamic", "static"))
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.float32
    if method == "static":
        return (x > 0.5).astype(dtype)
    rng = make_rng(rng)
    u = rng.random(x.shape, dtype=np.float32 if dtype == np.float32 else np.float64)
    np.less(u, x, out=u)  # P(u < x) = x for u ~ U[0, 1); the 0/1 result overwrites u in place
    return u.astype(dtype, copy=False)


def finish(x, y, *, binarize_method, rng, validation_size):
    """Binarise (optionally) and split off the validation set: the loaders' common last step.

    Binarisation is applied to the whole split before the validation rows are cut off, so the
    training rows are the same whatever ``validation_size`` is.
    """
    if binarize_method is not None:
        x = binarize(x, binarize_method, rng)
    if validation_size == 0:
        return Dataset(x, y)
    cut = len(x) - validation_size
    return TrainValSplit(Dataset(x[:cut], y[:cut]), Dataset(x[cut:], y[cut:]))
