"""In-place forms of the two formulas that run at every training step.

Each function here returns the same numbers as a textbook function in :mod:`scratchae.nn`
(named in its docstring), computed in fewer passes over memory and with fewer temporary arrays.
Read the textbook forms; the CPU runs these. ``tests/test_nn.py`` checks that each pair agrees,
at the extremes (|z| = 800) too. With ``SCRATCHAE_NUMBA=0`` the library runs on the textbook
forms, as it runs on the NumPy twins of its numba kernels (:mod:`scratchae.kernels`).
"""
import numpy as np

from scratchae.kernels import numba_enabled

__all__ = ["enabled", "sigmoid", "bernoulli_logit_nll_rows"]


def enabled():
    """True when the fast forms are used (the same switch as the numba kernels)."""
    return numba_enabled()


def _float_array(z):
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)


def sigmoid(z):
    """:func:`scratchae.nn.activations.sigmoid`, 1 / (1 + e^-z), in one buffer.  Any shape."""
    z = _float_array(z)
    s = np.negative(z, out=np.empty_like(z))            # an array even for 0-d z
    with np.errstate(over="ignore"):
        np.exp(s, out=s)                                # e^-z; inf for very negative z
    s += 1.0
    np.reciprocal(s, out=s)                             # 1 / inf = 0, the right limit
    return s


def bernoulli_logit_nll_rows(z, y):
    """:func:`scratchae.nn.losses.bernoulli_logit_nll_rows` in two buffers, using
    max(z, 0) = (z + |z|) / 2:

        softplus(z) - y z = |z|/2 + z (1/2 - y) + log1p(e^-|z|).

    (M, n), (M, n) -> (M,).
    """
    z = _float_array(z)
    terms = np.abs(z)
    soft = np.negative(terms)
    np.exp(soft, out=soft)
    np.log1p(soft, out=soft)                            # log(1 + e^-|z|)
    terms *= 0.5
    terms += soft
    np.subtract(0.5, y, out=soft)
    soft *= z
    terms += soft                                       # + z (1/2 - y)
    return terms.sum(axis=1)
