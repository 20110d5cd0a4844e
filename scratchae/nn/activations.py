"""Activation functions sigma(z) and their derivatives sigma'(z) (slides, part 01).

Each activation is a small object with

* ``f(z)``  -- the activation a = sigma(z), element by element;
* ``df(z)`` -- its derivative sigma'(z), the factor that appears in BP1 and BP2;
* ``backward(z, grad_a)`` -- dC/dz given dC/da. For element-wise activations this is the
  Hadamard product ``grad_a * df(z)`` of the slides; softmax, whose Jacobian is not diagonal,
  overrides it with the full Jacobian-vector product.

Shapes: ``z`` and ``grad_a`` are ``(batch, units)``; every method returns the same shape.
Get one by name with :func:`get` (``get("sigmoid")``).
"""
import numpy as np

from scratchae.nn import fastpath

__all__ = ["Activation", "sigmoid", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softplus", "Identity",
           "Softmax", "get", "names"]


class Activation:
    """Base class: an element-wise activation with ``f`` and ``df``."""

    name = "activation"
    #: True when ``df`` is the whole story (diagonal Jacobian); False for softmax.
    elementwise = True
    #: True when the function has a kink (ReLU) -- gradient checks then use the looser tolerance.
    has_kink = False

    def f(self, z):
        raise NotImplementedError

    def df(self, z):
        raise NotImplementedError

    def df_from_output(self, z, a):
        """sigma'(z) when a = sigma(z) is already known (sigmoid and tanh reuse it)."""
        return self.df(z)

    def backward(self, z, grad_a, a=None):
        """dC/dz = dC/da (.) sigma'(z) -- the Hadamard product of BP1/BP2. ``a`` = sigma(z), if
        given, saves recomputing it."""
        return grad_a * (self.df(z) if a is None else self.df_from_output(z, a))

    def __call__(self, z):
        return self.f(z)

    def __repr__(self):
        return f"{type(self).__name__}()"


def sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z)), as written.  Any shape.

    For very negative z (z < -88 in float32) exp(-z) overflows to inf and 1 / (1 + inf) = 0,
    the right limit, so the overflow warning is silenced; for large z, exp(-z) = 0 and sigma = 1.
    """
    z = np.asarray(z)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


class Sigmoid(Activation):
    """sigma(z) = 1 / (1 + exp(-z)) (:func:`sigmoid`);  sigma'(z) = sigma(z) (1 - sigma(z))."""

    name = "sigmoid"

    def f(self, z):
        if fastpath.enabled():
            return fastpath.sigmoid(z)                  # sigmoid(z), computed in one buffer
        return sigmoid(z)

    def df(self, z):
        return self.df_from_output(z, self.f(z))

    def df_from_output(self, z, a):
        return a * (1.0 - a)


class Tanh(Activation):
    """tanh(z);  tanh'(z) = 1 - tanh(z)^2."""

    name = "tanh"

    def f(self, z):
        return np.tanh(z)

    def df(self, z):
        t = np.tanh(z)
        return 1.0 - t * t

    def df_from_output(self, z, a):
        return 1.0 - a * a


class ReLU(Activation):
    """max(0, z);  derivative 1 for z > 0 and 0 otherwise (we take 0 at the kink z = 0)."""

    name = "relu"
    has_kink = True

    def f(self, z):
        return np.maximum(z, 0)

    def df(self, z):
        z = np.asarray(z)
        return (z > 0).astype(z.dtype)


class LeakyReLU(Activation):
    """z for z > 0, ``alpha * z`` otherwise;  derivative 1 or ``alpha``."""

    name = "leaky_relu"
    has_kink = True

    def __init__(self, alpha=0.01):
        if not 0.0 <= alpha < 1.0:
            raise ValueError(f"LeakyReLU alpha must lie in [0, 1); got {alpha!r}")
        self.alpha = float(alpha)

    def f(self, z):
        return np.where(z > 0, z, self.alpha * z)

    def df(self, z):
        z = np.asarray(z)
        return np.where(z > 0, 1.0, self.alpha).astype(z.dtype)

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class Softplus(Activation):
    """softplus(z) = log(1 + e^z);  softplus'(z) = sigma(z).

    Stable form: max(z, 0) + log1p(exp(-|z|)), which never overflows.
    """

    name = "softplus"

    def f(self, z):
        z = np.asarray(z)
        return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))

    def df(self, z):
        return _SIGMOID.f(z)


class Identity(Activation):
    """a = z;  derivative 1 (linear units, the code layer of a linear autoencoder)."""

    name = "identity"

    def f(self, z):
        return np.asarray(z)

    def df(self, z):
        return np.ones_like(z)


class Softmax(Activation):
    """softmax(z)_j = exp(z_j) / sum_k exp(z_k), row by row (max subtracted for stability).

    Its Jacobian is not diagonal: da_j/dz_k = a_j (delta_jk - a_k). ``df`` returns only the
    diagonal a_j (1 - a_j) (what BP1 would use if it were element-wise); ``backward`` uses the full
    Jacobian-vector product  dC/dz = a (.) (dC/da - sum_k a_k dC/da_k).
    """

    name = "softmax"
    elementwise = False

    def f(self, z):
        z = np.asarray(z)
        shifted = z - np.max(z, axis=-1, keepdims=True)
        e = np.exp(shifted)
        return e / np.sum(e, axis=-1, keepdims=True)

    def df(self, z):
        a = self.f(z)
        return a * (1.0 - a)

    def backward(self, z, grad_a, a=None):
        a = self.f(z) if a is None else a
        return a * (grad_a - np.sum(grad_a * a, axis=-1, keepdims=True))


_SIGMOID = Sigmoid()

_REGISTRY = {
    "sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU,
    "softplus": Softplus, "identity": Identity, "linear": Identity, "softmax": Softmax,
}


def names():
    """The names :func:`get` accepts."""
    return sorted(_REGISTRY)


def get(activation):
    """Return an activation object from its name (``"sigmoid"``) or pass an object through."""
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str) and activation.lower() in _REGISTRY:
        return _REGISTRY[activation.lower()]()
    raise ValueError(f"unknown activation {activation!r}; expected one of {names()}")
