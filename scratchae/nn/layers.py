"""A fully connected layer, ``z = a_prev @ W.T + b``, ``a = sigma(z)`` (slides, part 01).

The layer keeps what its backward pass needs (``a_prev`` and ``z``) from the last ``forward``.
Its ``backward`` is the four equations seen from one layer: given dC/da it forms
delta = dC/da (.) sigma'(z) (BP1's product), the bias and weight gradients (BP3, BP4), and the
gradient handed to the layer below, delta @ W (the first half of BP2).
"""
import numpy as np

from scratchae._validation import as_2d_array, check_positive, make_rng
from scratchae.nn import activations, init as initializers
from scratchae.nn.backprop import bias_gradient, input_gradient, output_error, weight_gradient

__all__ = ["Dense"]


class Dense:
    """Fully connected layer with an activation.

    After ``backward``, ``grads["W"]`` and ``grads["b"]`` hold dC/dW and dC/db; they are
    overwritten at every call, never accumulated.

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths. ``W`` has shape ``(n_out, n_in)``, ``b`` shape ``(n_out,)``.
    activation : str or Activation
        Name (``"sigmoid"``, ``"relu"``, ...) or object; see :mod:`scratchae.nn.activations`.
    rng : numpy.random.Generator or int or None
        Source of the initial weights (a seed is accepted; ``None`` means seed 0).
    dtype : numpy dtype
        float64 (gradient checks, small problems) or float32 (training speed).
    init : str or callable
        Weight initialiser; default He for rectifiers, Glorot otherwise. Biases start at zero.
    """

    def __init__(self, n_in, n_out, activation="sigmoid", rng=None, dtype=np.float64, init=None):
        check_positive(n_in, "n_in", integer=True)
        check_positive(n_out, "n_out", integer=True)
        self.n_in, self.n_out = int(n_in), int(n_out)
        self.activation = activations.get(activation)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a floating type; got {self.dtype}")
        rng = make_rng(rng)
        init_fn = initializers.get(init or initializers.default_for(self.activation.name))
        self.params = {
            "W": init_fn(self.n_out, self.n_in, rng, self.dtype),
            "b": np.zeros(self.n_out, dtype=self.dtype),
        }
        self.grads = {"W": np.zeros_like(self.params["W"]), "b": np.zeros_like(self.params["b"])}
        self.a_prev = None
        self.z = None
        self.a = None

    @property
    def W(self):
        return self.params["W"]

    @property
    def b(self):
        return self.params["b"]

    def pre_activation(self, a_prev):
        """z = a_prev @ W.T + b.  (batch, n_in) -> (batch, n_out)."""
        z = a_prev @ self.params["W"].T
        z += self.params["b"]                 # in place: no second (batch, n_out) array
        return z

    def forward(self, a_prev):
        """a = sigma(a_prev @ W.T + b).  (batch, n_in) -> (batch, n_out); caches a_prev and z."""
        a_prev = as_2d_array(a_prev, "a_prev", n_features=self.n_in, dtype=self.dtype)
        return self.forward_unchecked(a_prev)

    def forward_unchecked(self, a_prev):
        """``forward`` without the entry checks, for a network that has checked its input once."""
        self.a_prev = a_prev
        self.z = self.pre_activation(a_prev)
        self.a = self.activation.f(self.z)
        return self.a

    def backward_delta(self, delta):
        """Given delta = dC/dz of this layer, fill ``grads`` (BP3, BP4) and return dC/da_prev."""
        if self.a_prev is None:
            raise RuntimeError("call forward() before backward()")
        if delta.shape != self.z.shape:
            raise ValueError(f"delta must have shape {self.z.shape}; got {delta.shape}")
        self.grads["b"] = bias_gradient(delta)
        self.grads["W"] = weight_gradient(delta, self.a_prev)
        return input_gradient(delta, self.params["W"])

    def backward(self, grad_a):
        """Given dC/da (batch, n_out) of the last forward, fill ``grads`` and return dC/da_prev
        (batch, n_in).  delta = dC/da (.) sigma'(z) is BP1's product for this layer."""
        if self.z is None:
            raise RuntimeError("call forward() before backward()")
        grad_a = np.asarray(grad_a)
        if grad_a.shape != self.z.shape:
            raise ValueError(f"grad_a must have shape {self.z.shape}; got {grad_a.shape}")
        delta = output_error(grad_a, self.z, self.activation, self.a)
        return self.backward_delta(delta)

    def __repr__(self):
        return (f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r}, "
                f"dtype={self.dtype.name})")
