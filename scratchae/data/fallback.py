"""Digits for the lessons: MNIST when it can be had, glyph digits otherwise -- so every lesson runs
offline.

    from scratchae.data.fallback import load_digits_or_glyphs
    (x_train, y_train), (x_test, y_test), source = load_digits_or_glyphs(5000, 1000, rng=0)

``source`` is ``"mnist"`` or ``"glyphs"``. When MNIST is neither found nor downloadable (the loader
raises :class:`~scratchae.data.DatasetNotFoundError`) a notice is printed and the same numbers of
:func:`~scratchae.data.glyphs.glyph_digits` are returned instead. A damaged MNIST file is *not*
papered over: its error propagates. Setting ``SCRATCHAE_FORCE_GLYPHS=1`` skips MNIST (to try the
offline path on a machine that has MNIST); ``SCRATCHAE_OFFLINE=1`` uses MNIST only if its files are
already on disk, never downloading them.
"""
import os
from typing import NamedTuple

import numpy as np

from scratchae._validation import check_positive, make_rng
from scratchae.data._common import Dataset, DatasetNotFoundError
from scratchae.data.glyphs import glyph_digits

__all__ = ["load_digits_or_glyphs", "DigitData"]

#: sizes used for glyph digits when ``n_train`` / ``n_test`` is ``None`` (all of MNIST).
GLYPH_DEFAULT_SIZES = (10000, 2000)


class DigitData(NamedTuple):
    """``train`` and ``test`` :class:`~scratchae.data.Dataset`, and the ``source`` they came from
    (``"mnist"`` or ``"glyphs"``). Unpacks as ``(x_train, y_train), (x_test, y_test), source``."""

    train: Dataset
    test: Dataset
    source: str


def _subset(x, y, n, rng):
    if n is None or n >= len(x):
        return Dataset(x, y)
    idx = np.sort(rng.choice(len(x), size=n, replace=False))
    return Dataset(x[idx], y[idx])


def _force_glyphs():
    return os.environ.get("SCRATCHAE_FORCE_GLYPHS", "").strip().lower() in ("1", "true", "yes")


def load_digits_or_glyphs(n_train=None, n_test=None, rng=None, path=None, download=True,
                          verbose=True):
    """``n_train`` training and ``n_test`` test digits (float32 (n, 784) in [0, 1], int64 labels).

    MNIST rows are a random subset chosen by ``rng`` (``None`` = all of the split). Glyph digits
    are drawn with ``rng`` (training and test sets from independent streams); ``None`` sizes become
    :data:`GLYPH_DEFAULT_SIZES`. Returns a :class:`DigitData`.
    """
    for value, name in ((n_train, "n_train"), (n_test, "n_test")):
        if value is not None:
            check_positive(value, name, integer=True)
    rng = make_rng(rng)
    reason = "SCRATCHAE_FORCE_GLYPHS is set" if _force_glyphs() else None
    if reason is None:
        from scratchae.data.mnist import load_mnist
        try:
            train = load_mnist(path=path, split="train", download=download)
            test = load_mnist(path=path, split="test", download=download)
        except DatasetNotFoundError:
            from scratchae.data.mnist import offline
            reason = ("its files were not found and SCRATCHAE_OFFLINE=1 forbids downloading"
                      if offline() and download else
                      "its files were neither found nor downloadable")
        else:
            return DigitData(_subset(*train, n_train, rng), _subset(*test, n_test, rng), "mnist")
    n_train = GLYPH_DEFAULT_SIZES[0] if n_train is None else n_train
    n_test = GLYPH_DEFAULT_SIZES[1] if n_test is None else n_test
    if verbose:
        print(f"[notice] MNIST is not available ({reason}); using {n_train} + {n_test} glyph "
              "digits rendered from matplotlib's DejaVu Sans instead (scratchae.data.glyphs). "
              "Numbers will differ from MNIST's.", flush=True)
    train_rng, test_rng = (np.random.default_rng(s) for s in rng.integers(0, 2**63 - 1, size=2))
    x_tr, y_tr, _ = glyph_digits(n_train, train_rng)
    x_te, y_te, _ = glyph_digits(n_test, test_rng)
    return DigitData(Dataset(x_tr, y_tr), Dataset(x_te, y_te), "glyphs")
