"""Small synthetic data sets for the manifold, density and AAE lessons (float64, all seeded).

* :func:`swiss_roll`, :func:`s_curve`: 2-D manifolds rolled up in 3-D, with the coordinate ``t``
  along the roll (the parameterisations of scikit-learn's ``make_swiss_roll``/``make_s_curve``).
* :func:`gaussian_mixture_1d` and its true density :func:`gaussian_mixture_1d_pdf`: the slides'
  Parzen-window example, 100 samples of two Gaussians at 0 and 3.
* :func:`gaussian_mixture_2d_circle`: Gaussians evenly spaced on a circle, a prior for the AAE.

``rng`` is a ``numpy.random.Generator`` or an integer seed; ``None`` means seed 0.
"""
import numbers

import numpy as np

from scratchae._validation import check_positive, make_rng

__all__ = [
    "swiss_roll", "s_curve", "gaussian_mixture_1d", "gaussian_mixture_1d_pdf",
    "gaussian_mixture_2d_circle", "circle_means",
]


def _check_noise(noise):
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not noise >= 0 \
            or not np.isfinite(noise):
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}")
    return float(noise)


def swiss_roll(n, noise=0.0, rng=None):
    """Sample ``n`` points of the Swiss roll.

    ``t = 1.5 pi (1 + 2u)`` and height ``h = 21 v`` with ``u, v ~ U(0, 1)`` independent;
    ``X = (t cos t, h, t sin t) + noise * N(0, I)``.

    Returns ``(X, t)``: ``X`` of shape (n, 3) and ``t`` of shape (n,), t in [1.5 pi, 4.5 pi].
    """
    check_positive(n, "n", integer=True)
    noise = _check_noise(noise)
    rng = make_rng(rng)
    t = 1.5 * np.pi * (1.0 + 2.0 * rng.random(n))
    h = 21.0 * rng.random(n)
    X = np.column_stack([t * np.cos(t), h, t * np.sin(t)])
    if noise > 0:
        X += noise * rng.standard_normal(X.shape)
    return X, t


def s_curve(n, noise=0.0, rng=None):
    """Sample ``n`` points of the S-curve.

    ``t = 3 pi (u - 1/2)`` and height ``h = 2 v`` with ``u, v ~ U(0, 1)`` independent;
    ``X = (sin t, h, sign(t) (cos t - 1)) + noise * N(0, I)``.

    Returns ``(X, t)``: ``X`` of shape (n, 3) and ``t`` of shape (n,), t in [-1.5 pi, 1.5 pi].
    """
    check_positive(n, "n", integer=True)
    noise = _check_noise(noise)
    rng = make_rng(rng)
    t = 3.0 * np.pi * (rng.random(n) - 0.5)
    h = 2.0 * rng.random(n)
    X = np.column_stack([np.sin(t), h, np.sign(t) * (np.cos(t) - 1.0)])
    if noise > 0:
        X += noise * rng.standard_normal(X.shape)
    return X, t


def _mixture_params(means, std, weights):
    """Check a 1-D mixture's parameters; return (means, stds, weights) as float arrays (k,)."""
    means = np.asarray(means, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if means.ndim != 1 or means.size == 0:
        raise ValueError(f"means must be a non-empty 1-D sequence; got shape {means.shape}")
    k = means.size
    if weights.shape != (k,):
        raise ValueError(f"weights must have shape ({k},) like means; got shape {weights.shape}")
    if not np.all(np.isfinite(means)):
        raise ValueError(f"means must be finite; got {means.tolist()}")
    if np.any(weights < 0) or not np.isclose(weights.sum(), 1.0, rtol=0, atol=1e-8):
        raise ValueError(
            f"weights must be >= 0 and sum to 1; got {weights.tolist()} (sum {weights.sum():.6g})")
    stds = np.broadcast_to(np.asarray(std, dtype=np.float64), (k,)) if np.ndim(std) == 0 \
        else np.asarray(std, dtype=np.float64)
    if stds.shape != (k,):
        raise ValueError(f"std must be a number or have shape ({k},) like means; "
                         f"got shape {stds.shape}")
    if not np.all(np.isfinite(stds)) or np.any(stds <= 0):
        raise ValueError(f"std must be positive and finite; got {np.asarray(std).tolist()}")
    return means, stds, weights


def gaussian_mixture_1d(n=100, means=(0.0, 3.0), std=1.0, weights=(0.5, 0.5), rng=None):
    """Sample ``n`` points of the mixture ``sum_k weights[k] N(means[k], std[k]^2)``.

    ``std`` is one number for all components or one per component. The defaults are the slides'
    Parzen example: two unit Gaussians at 0 and 3, equal weights, 100 samples.

    Returns ``(x, labels)``: ``x`` of shape (n,) and the component of each sample, int64 (n,).
    """
    check_positive(n, "n", integer=True)
    means, stds, weights = _mixture_params(means, std, weights)
    rng = make_rng(rng)
    labels = rng.choice(means.size, size=n, p=weights).astype(np.int64)
    x = means[labels] + stds[labels] * rng.standard_normal(n)
    return x, labels


def gaussian_mixture_1d_pdf(x, means=(0.0, 3.0), std=1.0, weights=(0.5, 0.5)):
    """True density of :func:`gaussian_mixture_1d` at ``x`` (an array of any shape, kept)."""
    means, stds, weights = _mixture_params(means, std, weights)
    x = np.asarray(x, dtype=np.float64)
    z = (x[..., None] - means) / stds
    return np.sum(weights * np.exp(-0.5 * z * z) / (np.sqrt(2.0 * np.pi) * stds), axis=-1)


def circle_means(n_components=10, radius=4.0):
    """Centres of :func:`gaussian_mixture_2d_circle`: shape (n_components, 2), the k-th at angle
    ``2 pi k / n_components`` on the circle of the given radius."""
    check_positive(n_components, "n_components", integer=True)
    check_positive(radius, "radius")
    angles = 2.0 * np.pi * np.arange(n_components) / n_components
    return radius * np.column_stack([np.cos(angles), np.sin(angles)])


def gaussian_mixture_2d_circle(n, n_components=10, radius=4.0, std=0.5, rng=None):
    """Sample ``n`` points from ``n_components`` equally weighted isotropic 2-D Gaussians of
    standard deviation ``std`` centred on a circle (see :func:`circle_means`).

    With the defaults, neighbouring centres are 2 * 4 * sin(pi / 10) = 2.47 apart, about 5 std,
    so the ten clusters are well separated (the AAE paper's mixture-of-10-Gaussians prior).

    Returns ``(X, labels)``: ``X`` of shape (n, 2) and the component of each point, int64 (n,).
    """
    check_positive(n, "n", integer=True)
    check_positive(std, "std")
    centres = circle_means(n_components, radius)
    rng = make_rng(rng)
    labels = rng.integers(0, n_components, size=n, dtype=np.int64)
    X = centres[labels] + std * rng.standard_normal((n, 2))
    return X, labels
