"""Corruption processes q(x~ | x) of the denoising autoencoder (slides, part 03, "Denoising
AutoEncoder": "Possible corruptions").

Each is a function of ``(x, level, rng)`` that returns a new array of ``x``'s shape and dtype and
never changes ``x``; ``level`` lies in [0, 1]; the same generator state gives the same noise.

* :func:`mask_noise`       zero each component with probability ``level``
                           ("zeroing pixels at random", now called dropout noise);
                           E[x~] = (1 - level) x.
* :func:`gaussian_noise`   x~ = x + level * eps, eps ~ N(0, I): ``level`` is the standard deviation
                           in the units of x (pixels in [0, 1]); E[x~] = x, Var[x~] = level^2.
                           The result may leave [0, 1] (it is an input, never a Bernoulli target).
* :func:`salt_and_pepper`  with probability ``level`` a component is replaced by 0 or 1, each with
                           probability 1/2; x in [0, 1] gives x~ in [0, 1].
                           E[x~] = (1 - level) x + level / 2.

:func:`corrupt` dispatches on a name: ``"masking"``, ``"gaussian"``, ``"salt_and_pepper"``.
"""
import numpy as np

from scratchae._validation import check_fraction, check_unit_interval, make_rng

__all__ = ["mask_noise", "gaussian_noise", "salt_and_pepper", "corrupt", "CORRUPTIONS",
           "check_corruption"]


def _prepare(x, level, name):
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise ValueError(f"x must be a numeric array; got dtype {x.dtype}")
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    if not np.isfinite(x).all():
        raise ValueError("x must be finite; got NaN/inf values")
    level = check_fraction(level, f"{name} level")
    return x, level


def _uniform(rng, shape, dtype):
    return rng.random(shape, dtype=np.float32 if dtype == np.float32 else np.float64)


def mask_noise(x, level, rng=None):
    """Zero-masking: each component of ``x`` is set to 0 with probability ``level``.

    ``x`` any shape; returns a new array of the same shape and dtype.
    """
    x, level = _prepare(x, level, "masking")
    rng = make_rng(rng)
    keep = _uniform(rng, x.shape, x.dtype) >= level
    return np.where(keep, x, 0).astype(x.dtype, copy=False)


def gaussian_noise(x, level, rng=None):
    """Additive isotropic Gaussian noise: x~ = x + level * eps,  eps ~ N(0, I).

    ``level`` is the standard deviation sigma in [0, 1] (pixel units). Values may leave [0, 1].
    """
    x, level = _prepare(x, level, "gaussian")
    rng = make_rng(rng)
    eps = rng.standard_normal(x.shape, dtype=np.float32 if x.dtype == np.float32 else np.float64)
    return (x + level * eps).astype(x.dtype, copy=False)


def salt_and_pepper(x, level, rng=None):
    """Salt-and-pepper noise: a fraction ``level`` of the components (each independently with
    probability ``level``) is set to 0 or 1 with equal probability. ``x`` must lie in [0, 1],
    and then so does the result."""
    x, level = _prepare(x, level, "salt_and_pepper")
    check_unit_interval(x, "x", "inputs of salt-and-pepper noise")
    rng = make_rng(rng)
    hit = _uniform(rng, x.shape, x.dtype) < level
    salt = _uniform(rng, x.shape, x.dtype) < 0.5
    return np.where(hit, salt.astype(x.dtype), x).astype(x.dtype, copy=False)


CORRUPTIONS = {"masking": mask_noise, "gaussian": gaussian_noise,
               "salt_and_pepper": salt_and_pepper}
_ALIASES = {"mask": "masking", "zero": "masking", "zero_masking": "masking", "dropout": "masking",
            "salt_pepper": "salt_and_pepper", "salt-and-pepper": "salt_and_pepper",
            "sp": "salt_and_pepper", "normal": "gaussian"}


def check_corruption(kind, level):
    """Normalise a corruption name and check its level; returns ``(name, level)``."""
    if not isinstance(kind, str):
        raise ValueError(f"corruption must be one of {sorted(CORRUPTIONS)}; got {kind!r}")
    name = _ALIASES.get(kind.lower(), kind.lower())
    if name not in CORRUPTIONS:
        raise ValueError(f"corruption must be one of {sorted(CORRUPTIONS)}; got {kind!r}")
    return name, check_fraction(level, f"{name} level")


def corrupt(x, kind, level, rng=None):
    """Apply the corruption named ``kind`` (``"masking"``, ``"gaussian"``, ``"salt_and_pepper"``)
    at ``level`` in [0, 1] with generator ``rng``."""
    name, level = check_corruption(kind, level)
    return CORRUPTIONS[name](x, level, rng)
