"""Priors p(z) for the adversarial autoencoder (slides, part 04, "Adversarial Autoencoder" and
"VAE VS AAE"; Makhzani et al. 2015, sections 2-4).

The AAE never evaluates p(z): its discriminator only needs *samples* (slides: "KL divergence is
replaced by discriminator in GAN" -- of the two conditions a VAE needs, "easily draw samples" and
"KL divergence can be calculated", the AAE keeps only the first). So a prior here is just a sampler:

* ``sample(n, rng)``                 -> (n, dim) codes drawn from p(z);
* ``sample_given_labels(labels, rng)`` -> (n, dim) codes drawn from the *component* of each label
  (for the label-conditioned discriminator, slides "Incorporating Label Information in the
  Adversarial Regularization"; priors made of ``n_components`` labelled parts only);
* ``get_config()`` / :func:`get_prior` -- a JSON-able description and back (checkpoints).

Three priors, as in the slides' figures:

* :class:`GaussianPrior`          N(0, std^2 I) (the slides' N(0, 5^2 I)), any dimension;
* :class:`GaussianMixturePrior`   10 Gaussians on a circle in 2-D (components k = 0..K-1 at angle
  2 pi k / K; :func:`scratchae.data.circle_means`), isotropic or stretched along the radius;
* :class:`SwissRollPrior`         a 2-D spiral (the cross-section (t cos t, t sin t) of
  :func:`scratchae.data.swiss_roll`), cut into K consecutive segments, one per label.
"""
import numbers

import numpy as np

from scratchae._validation import check_positive, make_rng
from scratchae.data.synthetic import circle_means

__all__ = ["Prior", "GaussianPrior", "GaussianMixturePrior", "SwissRollPrior", "get_prior",
           "PRIORS"]


def _check_n(n):
    check_positive(n, "n", integer=True)
    return int(n)


def _check_nonneg(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) \
            or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return float(value)


class Prior:
    """A distribution over codes that can be sampled (see the module docstring).

    ``dim`` is the code width; ``n_components`` the number of labelled parts (``None`` when the
    prior has no labelled parts, so it cannot serve a label-conditioned AAE).
    """

    name = "prior"
    dim = None
    n_components = None

    def sample(self, n, rng=None):
        """n codes from p(z): (n, dim) float64."""
        raise NotImplementedError

    def sample_given_labels(self, labels, rng=None):
        """One code per label, from that label's component: labels (n,) ints -> (n, dim)."""
        raise ValueError(f"the {self.name!r} prior has no labelled components, so it cannot "
                         "condition on labels; use 'mixture' or 'swiss_roll'")

    def get_config(self):
        raise NotImplementedError

    def check_labels(self, labels):
        """labels as an int64 array (n,) with values in [0, n_components)."""
        if self.n_components is None:
            self.sample_given_labels(labels)           # raises the explanatory error
        labels = np.asarray(labels)
        if labels.ndim != 1 or labels.size == 0:
            raise ValueError(f"labels must be a non-empty 1-D integer array; got shape "
                             f"{labels.shape}")
        if labels.dtype.kind not in "iu":
            raise ValueError(f"labels must be integers; got dtype {labels.dtype}")
        if labels.min() < 0 or labels.max() >= self.n_components:
            raise ValueError(f"labels must lie in [0, {self.n_components}) for this prior's "
                             f"{self.n_components} components; got values in "
                             f"[{labels.min()}, {labels.max()}]")
        return labels.astype(np.int64)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class GaussianPrior(Prior):
    """p(z) = N(0, std^2 I) in ``dim`` dimensions (the AAE paper uses std = 5 for MNIST)."""

    name = "gaussian"

    def __init__(self, dim=2, std=5.0):
        check_positive(dim, "dim", integer=True)
        check_positive(std, "std")
        self.dim = int(dim)
        self.std = float(std)

    def sample(self, n, rng=None):
        return self.std * make_rng(rng).standard_normal((_check_n(n), self.dim))

    def get_config(self):
        return {"name": self.name, "dim": self.dim, "std": self.std}


class GaussianMixturePrior(Prior):
    """K equally weighted 2-D Gaussians centred on a circle of radius ``radius``.

    Component k has mean m_k = radius (cos a_k, sin a_k), a_k = 2 pi k / K, and covariance
    R_k diag(std_r^2, std_t^2) R_k^T with R_k the rotation by a_k: ``std`` along the radius and
    ``tangential_std`` across it (default: the same, an isotropic component; a smaller value gives
    the elongated "petals" of the paper's figure). A sample is m_k + R_k (std_r e1, std_t e2),
    e ~ N(0, I).
    """

    name = "mixture"
    dim = 2

    def __init__(self, n_components=10, radius=4.0, std=0.5, tangential_std=None):
        check_positive(n_components, "n_components", integer=True)
        check_positive(radius, "radius")
        check_positive(std, "std")
        if tangential_std is not None:
            check_positive(tangential_std, "tangential_std")
        self.n_components = int(n_components)
        self.radius = float(radius)
        self.std = float(std)
        self.tangential_std = None if tangential_std is None else float(tangential_std)
        self.means = circle_means(self.n_components, self.radius)          # (K, 2)
        self.angles = 2.0 * np.pi * np.arange(self.n_components) / self.n_components

    def sample_given_labels(self, labels, rng=None):
        labels = self.check_labels(labels)
        rng = make_rng(rng)
        e = rng.standard_normal((labels.size, 2))
        radial = self.std * e[:, 0]
        across = (self.std if self.tangential_std is None else self.tangential_std) * e[:, 1]
        a = self.angles[labels]
        c, s = np.cos(a), np.sin(a)
        offset = np.column_stack([c * radial - s * across, s * radial + c * across])
        return self.means[labels] + offset

    def sample(self, n, rng=None, return_labels=False):
        """n codes from the whole mixture (the component drawn uniformly first)."""
        rng = make_rng(rng)
        labels = rng.integers(0, self.n_components, size=_check_n(n), dtype=np.int64)
        z = self.sample_given_labels(labels, rng)
        return (z, labels) if return_labels else z

    def get_config(self):
        return {"name": self.name, "n_components": self.n_components, "radius": self.radius,
                "std": self.std, "tangential_std": self.tangential_std}


class SwissRollPrior(Prior):
    """A 2-D spiral with K labelled segments.

    u ~ U(0, 1), t = 1.5 pi (1 + 2 u) (one and a half turns, as in :func:`scratchae.data.
    swiss_roll`), z = (radius / (4.5 pi)) (t cos t, t sin t) + noise * N(0, I). The label k
    owns the segment u in [k / K, (k + 1) / K): labels run along the roll from its inner end,
    so the outer radius is ``radius`` and consecutive turns lie 2 radius / 4.5 apart.
    """

    name = "swiss_roll"
    dim = 2

    def __init__(self, n_components=10, radius=4.0, noise=0.1):
        check_positive(n_components, "n_components", integer=True)
        check_positive(radius, "radius")
        self.n_components = int(n_components)
        self.radius = float(radius)
        self.noise = _check_nonneg(noise, "noise")

    def _from_u(self, u, rng):
        t = 1.5 * np.pi * (1.0 + 2.0 * u)
        z = (self.radius / (4.5 * np.pi)) * np.column_stack([t * np.cos(t), t * np.sin(t)])
        if self.noise > 0:
            z += self.noise * rng.standard_normal(z.shape)
        return z

    def position(self, z):
        """Inverse map for plots: the roll coordinate u in [0, 1] of noise-free points ``z``
        (n, 2), from their radius |z| = radius t / (4.5 pi)."""
        z = np.asarray(z, dtype=np.float64)
        t = np.linalg.norm(z, axis=1) * 4.5 * np.pi / self.radius
        return np.clip((t / (1.5 * np.pi) - 1.0) / 2.0, 0.0, 1.0)

    def sample_given_labels(self, labels, rng=None):
        labels = self.check_labels(labels)
        rng = make_rng(rng)
        u = (labels + rng.random(labels.size)) / self.n_components
        return self._from_u(u, rng)

    def sample(self, n, rng=None, return_labels=False):
        rng = make_rng(rng)
        u = rng.random(_check_n(n))
        z = self._from_u(u, rng)
        if return_labels:
            return z, np.minimum((u * self.n_components).astype(np.int64), self.n_components - 1)
        return z

    def get_config(self):
        return {"name": self.name, "n_components": self.n_components, "radius": self.radius,
                "noise": self.noise}


PRIORS = {"gaussian": GaussianPrior, "mixture": GaussianMixturePrior,
          "swiss_roll": SwissRollPrior}


def get_prior(prior, dim=None):
    """A :class:`Prior` from an instance (passed through), a name (``"gaussian"``, ``"mixture"``,
    ``"swiss_roll"``; ``dim`` sets the Gaussian's width) or a config dict from ``get_config()``.
    ``dim``, when given, must match the prior's width."""
    if isinstance(prior, Prior):
        out = prior
    elif isinstance(prior, str):
        if prior not in PRIORS:
            raise ValueError(f"prior must be one of {sorted(PRIORS)} or a Prior; got {prior!r}")
        out = PRIORS[prior](dim=dim) if prior == "gaussian" and dim is not None else PRIORS[prior]()
    elif isinstance(prior, dict):
        config = dict(prior)
        name = config.pop("name", None)
        if name not in PRIORS:
            raise ValueError(f"a prior config needs 'name' in {sorted(PRIORS)}; got {prior!r}")
        out = PRIORS[name](**config)
    else:
        raise ValueError(f"prior must be one of {sorted(PRIORS)}, a config dict or a Prior; "
                         f"got {prior!r}")
    if dim is not None and out.dim != dim:
        raise ValueError(f"the prior draws {out.dim}-D codes but the code layer has {dim} units; "
                         f"got prior {out!r}")
    return out
