"""Gradient-descent optimizers (slides, part 01: theta <- theta - eta grad L).

An optimizer is built with its hyperparameters and updates a dict of parameters in place from a
dict of gradients with the same names:  ``opt.step(params, grads)``.

* :class:`SGD`       theta <- theta - lr g
* :class:`Momentum`  v <- mu v - lr g;  theta <- theta + v   (classical momentum)
* :class:`Adam`      the numba kernel :data:`scratchae.kernels.optim.adam_update`

``weight_decay`` (lambda) is the L2 penalty lambda/2 ||W||^2 on weight matrices (arrays with two
or more dimensions; biases are not decayed): it adds lambda W to their gradient before the update.
"""
import numpy as np

from scratchae._validation import check_positive
from scratchae.kernels.optim import adam_update

__all__ = ["Optimizer", "SGD", "Momentum", "Adam", "get"]


class Optimizer:
    def __init__(self, lr, weight_decay=0.0):
        check_positive(lr, "lr")
        if not (np.isfinite(weight_decay) and weight_decay >= 0):
            raise ValueError(f"weight_decay must be a non-negative number; got {weight_decay!r}")
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self.t = 0

    def _decayed(self, p, g):
        if self.weight_decay and p.ndim >= 2:
            return g + self.weight_decay * p
        return g

    def step(self, params, grads):
        """Update every array of ``params`` in place from ``grads`` (same names)."""
        if set(params) != set(grads):
            raise ValueError(f"params and grads must have the same names; got {sorted(params)} "
                             f"and {sorted(grads)}")
        self.t += 1
        for name, p in params.items():
            g = grads[name]
            if g.shape != p.shape:
                raise ValueError(f"gradient of {name} must have shape {p.shape}; got {g.shape}")
            self._update(name, p, self._decayed(p, g))

    def _update(self, name, p, g):
        raise NotImplementedError

    def get_config(self):
        """The optimizer's name and every hyperparameter (not its state): two optimizers with
        the same config make the same update from the same state."""
        return {"name": type(self).__name__.lower(), "lr": self.lr,
                "weight_decay": self.weight_decay}


class SGD(Optimizer):
    """theta <- theta - lr * g."""

    def _update(self, name, p, g):
        p -= (self.lr * g).astype(p.dtype, copy=False)


class Momentum(Optimizer):
    """Classical momentum: v <- mu v - lr g;  theta <- theta + v."""

    def __init__(self, lr, momentum=0.9, weight_decay=0.0):
        super().__init__(lr, weight_decay)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must lie in [0, 1); got {momentum!r}")
        self.momentum = float(momentum)
        self.velocity = {}

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum}

    def _update(self, name, p, g):
        v = self.velocity.get(name)
        if v is None:
            v = self.velocity[name] = np.zeros_like(p)
        v *= self.momentum
        v -= self.lr * g
        p += v


class Adam(Optimizer):
    """Adam with bias-corrected moments; the update runs in the numba kernel ``adam_update``."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        super().__init__(lr, weight_decay)
        for name, value in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{name} must lie in [0, 1); got {value!r}")
        check_positive(eps, "eps")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.m = {}
        self.v = {}

    def get_config(self):
        return {**super().get_config(), "beta1": self.beta1, "beta2": self.beta2,
                "eps": self.eps}

    def _update(self, name, p, g):
        if name not in self.m:
            self.m[name] = np.zeros_like(p)
            self.v[name] = np.zeros_like(p)
        if not p.flags.c_contiguous:
            raise ValueError(f"Adam needs C-contiguous parameters; {name} is not")
        g = np.ascontiguousarray(g, dtype=p.dtype)
        adam_update(p.reshape(-1), g.reshape(-1), self.m[name].reshape(-1),
                    self.v[name].reshape(-1), self.lr, self.beta1, self.beta2, self.eps,
                    float(self.t))


_REGISTRY = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def get(optimizer, **kwargs):
    """An optimizer from its name (``"adam"``, ``"sgd"``, ``"momentum"``) and hyperparameters,
    or an :class:`Optimizer` passed through."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in _REGISTRY:
        return _REGISTRY[optimizer.lower()](**kwargs)
    raise ValueError(f"unknown optimizer {optimizer!r}; expected one of {sorted(_REGISTRY)}")
