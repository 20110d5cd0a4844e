"""USPS (Hull 1994): 7,291 training and 2,007 test handwritten digits, 16x16 grey levels.

USPS has no stable public download, so it is read from a file ``usps.npz`` holding
``x_train`` (7291, 256) float32 in [0, 1], ``y_train`` (7291,) integers 0..9, ``x_test``
(2007, 256) and ``y_test`` (2007,). It is looked for at ``path=`` (the file itself, or a folder
holding it or a ``usps/`` sub-folder with it), then ``$SCRATCHAE_DATA/usps/usps.npz``, then
the user cache ``cache_dir("usps") / "usps.npz"``.

The original USPS grey levels lie in [-1, 1]; papers quoting kernel widths on USPS (for example
sigma = 0.8 in Vincent & Bengio 2003) use that scale: ask for it with ``scale="symmetric"``.
"""
import functools
import hashlib
from pathlib import Path

import numpy as np

from scratchae.data._common import (
    BINARIZE_METHODS, SPLITS, DatasetIntegrityError, DatasetNotFoundError, binarize as _binarize,
    cache_dir, candidate_dirs, check_choice, check_validation_size, finish,
)

__all__ = ["load_usps", "USPS_FILE", "USPS_SIZES"]

USPS_FILE = "usps.npz"
#: number of examples of each split
USPS_SIZES = {"train": 7291, "test": 2007}
SCALES = ("unit", "symmetric")
#: SHA-256 of each array's C-order bytes, as float32 images and uint8 labels (the same sums as
#: ``$SCRATCHAE_DATA/usps/SHA256SUMS``), so a changed pixel or label is caught whatever .npz holds it
USPS_SHA256 = {
    "x_train": "a5facc7dea2dff335ea771cee5ea1179d90a25b307fe51fffd03293786c4913a",
    "y_train": "ee5027fd47b76715ac18ca27e72fa1332bde98e0b8ce593b503bb2bdb6c03da0",
    "x_test": "a13227ce51400bfd1f9dff0d4c8eafdf8692958514ac093db43bf6981eea73cb",
    "y_test": "0b8b792b8ca1c5c704fd9d5bbd1b261623a359e6c8c65b23db428257beea7800",
}


def load_usps(path=None, split="train", scale="unit", binarize=None, validation_size=0, rng=None,
              flatten=True):
    """Load one split of USPS as float32 grey levels and int64 labels 0..9.

    Parameters
    ----------
    path : ``usps.npz`` itself, or a folder holding it (directly or in ``usps/``), optional.
    split : ``"train"`` (7,291 images) or ``"test"`` (2,007).
    scale : ``"unit"`` for values in [0, 1], ``"symmetric"`` for [-1, 1] (x -> 2x - 1, the
        original USPS scale).
    binarize : ``None``, ``"dynamic"`` (Bernoulli samples drawn with ``rng``) or ``"static"``
        (threshold 0.5); applied on the [0, 1] scale, before ``scale``.
    validation_size : examples held out from the *end* of the training set; needs split="train".
    rng : ``numpy.random.Generator`` or seed for dynamic binarisation (``None`` means seed 0).
    flatten : rows of 256 features if True, else images of shape (16, 16).

    Returns
    -------
    ``Dataset(x, y)``, ``x`` of shape (n, 256) (or (n, 16, 16)), ``y`` of shape (n,); with
    ``validation_size > 0``, ``TrainValSplit(train, val)`` (unpacks as
    ``(x_train, y_train), (x_val, y_val)``).

    Raises ``DatasetNotFoundError`` (saying where to put ``usps.npz``) if the file is missing,
    ``DatasetIntegrityError`` if it lacks a key, has the wrong shapes, or any array differs from
    the published data (:data:`USPS_SHA256`), ``ValueError`` for bad arguments.
    """
    check_choice(split, "split", SPLITS)
    check_choice(scale, "scale", SCALES)
    check_choice(binarize, "binarize", BINARIZE_METHODS)
    validation_size = check_validation_size(validation_size, split, USPS_SIZES["train"])
    if not isinstance(flatten, bool):
        raise ValueError(f"flatten must be True or False; got {flatten!r}")

    file = _locate(path)
    st = file.stat()
    x_all, y_all = _read_npz(str(file.resolve()), st.st_size, st.st_mtime_ns, split)
    x = np.array(x_all, dtype=np.float32)  # a fresh, writable copy
    if not flatten:
        x = x.reshape(len(x), 16, 16)
    if binarize is not None:
        x = _binarize(x, binarize, rng)
    if scale == "symmetric":
        x = 2.0 * x - 1.0  # stays float32
    y = y_all.astype(np.int64)
    return finish(x, y, binarize_method=None, rng=rng, validation_size=validation_size)


def _locate(path):
    candidates = []
    if path is not None and Path(path).expanduser().suffix == ".npz":
        candidates.append(Path(path).expanduser())
        path = None
    candidates += [folder / USPS_FILE for folder in candidate_dirs("usps", path)]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = "\n".join(f"  {c}" for c in candidates)
    raise DatasetNotFoundError(
        f"USPS file {USPS_FILE} was not found; USPS cannot be downloaded automatically. "
        f"Looked for:\n{looked}\n"
        f"Put {USPS_FILE} (keys x_train (7291, 256) float32 in [0, 1], y_train (7291,), "
        f"x_test (2007, 256), y_test (2007,)) at one of:\n"
        f"  $SCRATCHAE_DATA/usps/{USPS_FILE}  (set the environment variable SCRATCHAE_DATA to a "
        f"folder holding a usps/ sub-folder)\n"
        f"  {cache_dir('usps') / USPS_FILE}  (the user cache; move it with SCRATCHAE_CACHE or "
        f"XDG_CACHE_HOME)\n"
        f"or pass its location as load_usps(path=...).")


@functools.lru_cache(maxsize=4)
def _read_npz(resolved, size, mtime_ns, split):
    """Read and check one split of ``usps.npz``; the arrays are cached read-only."""
    n = USPS_SIZES[split]
    try:
        with np.load(resolved, allow_pickle=False) as archive:
            missing = {f"x_{split}", f"y_{split}"} - set(archive.files)
            if missing:
                raise DatasetIntegrityError(
                    f"{resolved}: missing key(s) {sorted(missing)}; the file has {archive.files}")
            x, y = archive[f"x_{split}"], archive[f"y_{split}"]
    except (OSError, ValueError) as exc:
        if isinstance(exc, DatasetIntegrityError):
            raise
        raise DatasetIntegrityError(f"{resolved}: not a readable .npz file ({exc})") from None
    if x.shape != (n, 256) or y.shape != (n,):
        raise DatasetIntegrityError(
            f"{resolved}: expected x_{split} of shape ({n}, 256) and y_{split} of shape ({n},); "
            f"got {x.shape} and {y.shape}")
    if x.dtype.kind != "f" or y.dtype.kind not in "iu":
        raise DatasetIntegrityError(
            f"{resolved}: expected float images and integer labels; got {x.dtype} and {y.dtype}")
    if float(x.min()) < 0.0 or float(x.max()) > 1.0 or y.min() < 0 or y.max() > 9:
        raise DatasetIntegrityError(
            f"{resolved}: expected images in [0, 1] and labels in 0..9; got images in "
            f"[{float(x.min()):.4g}, {float(x.max()):.4g}] and labels in [{y.min()}, {y.max()}]")
    for key, array, dtype in ((f"x_{split}", x, np.float32), (f"y_{split}", y, np.uint8)):
        digest = hashlib.sha256(np.ascontiguousarray(array, dtype=dtype).tobytes()).hexdigest()
        if digest != USPS_SHA256[key]:
            raise DatasetIntegrityError(
                f"{resolved}: {key} does not match the published USPS data (its SHA-256 as "
                f"{np.dtype(dtype).name} is {digest}, expected {USPS_SHA256[key]}); "
                f"the file was changed or damaged -- replace it")
    x.flags.writeable = False
    y.flags.writeable = False
    return x, y
