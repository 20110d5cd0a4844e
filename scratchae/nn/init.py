"""Weight initialisers. Each takes ``(n_out, n_in, rng, dtype)`` and returns ``W`` of shape
``(n_out, n_in)``.

* Glorot/Xavier (Glorot & Bengio 2010): variance 2 / (n_in + n_out), which keeps the variance of
  activations and of back-propagated errors roughly constant for tanh/sigmoid units.
  uniform: U(-r, r) with r = sqrt(6 / (n_in + n_out));  normal: N(0, 2 / (n_in + n_out)).
* He (He et al. 2015): variance 2 / n_in, for ReLU units that zero half their inputs.
  uniform: r = sqrt(6 / n_in);  normal: N(0, 2 / n_in).
"""
import numpy as np

__all__ = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "zeros", "get",
           "default_for"]


def glorot_uniform(n_out, n_in, rng, dtype=np.float64):
    r = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_out, n_in)).astype(dtype)


def glorot_normal(n_out, n_in, rng, dtype=np.float64):
    return (rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / (n_in + n_out))).astype(dtype)


def he_uniform(n_out, n_in, rng, dtype=np.float64):
    r = np.sqrt(6.0 / n_in)
    return rng.uniform(-r, r, size=(n_out, n_in)).astype(dtype)


def he_normal(n_out, n_in, rng, dtype=np.float64):
    return (rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)).astype(dtype)


def zeros(n_out, n_in, rng=None, dtype=np.float64):
    return np.zeros((n_out, n_in), dtype=dtype)


_REGISTRY = {"glorot_uniform": glorot_uniform, "glorot_normal": glorot_normal,
             "xavier_uniform": glorot_uniform, "xavier_normal": glorot_normal,
             "he_uniform": he_uniform, "he_normal": he_normal, "zeros": zeros}


def default_for(activation_name):
    """He for rectifiers, Glorot for everything else."""
    return "he_normal" if activation_name in ("relu", "leaky_relu") else "glorot_uniform"


def get(init):
    """Return an initialiser from its name or pass a callable through."""
    if callable(init):
        return init
    if isinstance(init, str) and init in _REGISTRY:
        return _REGISTRY[init]
    raise ValueError(f"unknown initialiser {init!r}; expected one of {sorted(_REGISTRY)}")
