"""A feed-forward network of :class:`~scratchae.nn.layers.Dense` layers, trained by the four
backprop equations of :mod:`scratchae.nn.backprop`, called by name:

    forward:   a^0 = x;  z^l = a^{l-1} @ W_l.T + b_l;  a^l = sigma_l(z^l)
    backward:  delta^L from BP1 (or from the loss's shortcut), then for l = L .. 1:
               BP3 grad_b_l, BP4 grad_W_l, and BP2 for delta^{l-1}
"""
import numpy as np

from scratchae._validation import as_2d_array, make_rng
from scratchae.nn import losses as losses_module
from scratchae.nn.backprop import (bias_gradient, hidden_error, input_gradient, output_error,
                                   weight_gradient)
from scratchae.nn.layers import Dense

__all__ = ["Network"]


class Network:
    """A stack of Dense layers.

    Build it from layers, ``Network([Dense(4, 3), Dense(3, 2)])``, or from sizes,
    ``Network.from_sizes([784, 400, 20], activation="relu", output_activation="identity")``.

    ``params()`` and ``grads()`` return flat dicts named ``"0.W"``, ``"0.b"``, ``"1.W"``, ...
    whose values are the layers' own arrays, so an optimizer that updates them in place updates
    the network.
    """

    def __init__(self, layers):
        layers = list(layers)
        if not layers:
            raise ValueError("a Network needs at least one layer; got none")
        for i, (lower, upper) in enumerate(zip(layers[:-1], layers[1:])):
            if lower.n_out != upper.n_in:
                raise ValueError(f"layer {i} gives {lower.n_out} outputs but layer {i + 1} "
                                 f"expects {upper.n_in} inputs")
        self.layers = layers

    @classmethod
    def from_sizes(cls, sizes, activation="sigmoid", output_activation=None, rng=None,
                   dtype=np.float64, init=None):
        """Layers ``sizes[0] -> sizes[1] -> ... -> sizes[-1]``; hidden layers use
        ``activation``, the last uses ``output_activation`` (default: ``activation``)."""
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least an input and an output width; got {sizes}")
        if any(s <= 0 for s in sizes):
            raise ValueError(f"layer sizes must be positive; got {sizes}")
        rng = make_rng(rng)
        n = len(sizes) - 1
        acts = [activation] * (n - 1) + [output_activation or activation]
        return cls([Dense(sizes[i], sizes[i + 1], acts[i], rng=rng, dtype=dtype, init=init)
                    for i in range(n)])

    # ----------------------------------------------------------------------------- properties
    @property
    def sizes(self):
        return [self.layers[0].n_in] + [layer.n_out for layer in self.layers]

    @property
    def dtype(self):
        return self.layers[0].dtype

    @property
    def output_activation(self):
        return self.layers[-1].activation

    # ------------------------------------------------------------------------------- passes
    def forward(self, x):
        """a^L for a batch ``x`` (batch, sizes[0]) -> (batch, sizes[-1]); caches every z and a."""
        a = as_2d_array(x, "x", n_features=self.layers[0].n_in, dtype=self.dtype)
        for layer in self.layers:
            a = layer.forward_unchecked(a)
        return a

    __call__ = forward

    def backward(self, grad_output=None, *, delta=None, need_input_grad=True):
        """Back-propagate through the last ``forward``.

        Give either ``grad_output`` = dC/da^L (batch, sizes[-1]), turned into delta^L by BP1, or
        ``delta`` = dC/dz^L directly (the cross-entropy shortcut). Fills every layer's ``grads``
        (BP3, BP4), walks down with BP2, and returns dC/dx (batch, sizes[0]) -- or ``None`` when
        ``need_input_grad`` is False, which saves one matrix product.
        """
        if (grad_output is None) == (delta is None):
            raise ValueError("give exactly one of grad_output (dC/da) or delta (dC/dz)")
        top = self.layers[-1]
        if top.z is None:
            raise RuntimeError("call forward() before backward()")
        if delta is None:
            grad_output = np.asarray(grad_output)
            if grad_output.shape != top.z.shape:
                raise ValueError(f"grad_output must have shape {top.z.shape}; "
                                 f"got {grad_output.shape}")
            delta = output_error(grad_output, top.z, top.activation, top.a)     # BP1
        elif np.shape(delta) != top.z.shape:
            raise ValueError(f"delta must have shape {top.z.shape}; got {np.shape(delta)}")
        for l in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[l]
            layer.grads["b"] = bias_gradient(delta)                               # BP3
            layer.grads["W"] = weight_gradient(delta, layer.a_prev)               # BP4
            if l > 0:
                below = self.layers[l - 1]
                delta = hidden_error(delta, layer.params["W"], below.z, below.activation,
                                     below.a)                                     # BP2
        return input_gradient(delta, self.layers[0].params["W"]) if need_input_grad else None

    def loss_and_grads(self, x, y, loss):
        """Forward ``x``, evaluate ``loss`` against ``y``, back-propagate.

        Uses the loss's shortcut delta = (a - y)/M when the output activation is its canonical
        one. Returns ``(loss_value, grads)`` with ``grads`` as in :meth:`grads`.
        """
        loss = losses_module.get(loss)
        a = self.forward(x)
        value = loss.value(a, y)
        self.backward(delta=loss.delta(self.layers[-1].z, a, y, self.output_activation),
                      need_input_grad=False)
        return value, self.grads()

    # ---------------------------------------------------------------------------- parameters
    def params(self):
        """{"0.W": W_0, "0.b": b_0, ...}: the layers' own arrays (not copies)."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    def grads(self):
        """{"0.W": dC/dW_0, ...} from the last backward pass."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.grads.items()}

    def set_params(self, params):
        """Copy values into the layers' arrays (shapes must match)."""
        own = self.params()
        missing = set(own) - set(params)
        if missing:
            raise ValueError(f"parameters missing: {sorted(missing)}")
        for name, value in params.items():
            if name not in own:
                raise ValueError(f"unknown parameter {name!r}; expected {sorted(own)}")
            value = np.asarray(value)
            if value.shape != own[name].shape:
                raise ValueError(f"parameter {name} must have shape {own[name].shape}; "
                                 f"got {value.shape}")
            own[name][...] = value

    def n_params(self):
        return int(sum(v.size for v in self.params().values()))

    def __repr__(self):
        acts = [layer.activation.name for layer in self.layers]
        return f"Network(sizes={self.sizes}, activations={acts}, dtype={self.dtype.name})"
