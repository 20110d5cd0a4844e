"""Gradient-descent optimizers (slides, part 01: theta <- theta - eta grad L).

An optimizer is built with its hyperparameters and updates a dict of parameters in place from a
dict of gradients with the same names:  ``opt.step(params, grads)``. One step is
``begin_step()`` (the step count t += 1) and then ``update(name, p, g)`` for each array; the arrays'
updates are independent of each other, so they may run on different threads
(:mod:`scratchae.models.data_parallel` deals them out, giving each gradient as the weighted sum of a
batch's parts, :meth:`Optimizer.update_from_parts`).

* :class:`SGD`       theta <- theta - lr g
* :class:`Momentum`  v <- mu v - lr g;  theta <- theta + v   (classical momentum)
* :class:`Adam`      the numba kernel :data:`scratchae.kernels.optim.adam_update`

``weight_decay`` (lambda) is the L2 penalty lambda/2 ||W||^2 on weight matrices (arrays with two
or more dimensions; biases are not decayed): it adds lambda W to their gradient before the update.
"""
import numpy as np

from scratchae._validation import check_positive
from scratchae.kernels.optim import adam_update, adam_update_two_parts

__all__ = ["Optimizer", "SGD", "Momentum", "Adam", "get", "weighted_sum"]


def weighted_sum(parts, weights):
    """sum_k weights[k] * parts[k], accumulated in ``parts[0]`` (overwritten and returned).
    Equal weights: the parts are summed, then scaled once."""
    out = parts[0]
    if all(w == weights[0] for w in weights):
        for part in parts[1:]:
            out += part
        out *= out.dtype.type(weights[0])
        return out
    out *= out.dtype.type(weights[0])
    for part, w in zip(parts[1:], weights[1:]):
        out += part * part.dtype.type(w)
    return out


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
        for name, p in params.items():
            if grads[name].shape != p.shape:
                raise ValueError(f"gradient of {name} must have shape {p.shape}; "
                                 f"got {grads[name].shape}")
        self.begin_step()
        for name, p in params.items():
            self.update(name, p, grads[name])

    def begin_step(self):
        """Start a step: the step count t += 1 (Adam's bias correction reads it)."""
        self.t += 1

    def update(self, name, p, g):
        """Update the array ``p`` (named ``name``) in place from its gradient ``g``, in the
        current step: weight decay, then the optimizer's rule. Touches only ``name``'s state."""
        self._update(name, p, self._decayed(p, g))

    def update_from_parts(self, name, p, parts, weights):
        """:meth:`update` with the gradient given as the weighted sum of parts,
        g = sum_k weights[k] * parts[k] (a batch cut into parts, each part's gradient the mean
        over its rows and ``weights[k]`` its share of the rows). ``parts`` may be overwritten."""
        self.update(name, p, weighted_sum(parts, weights))

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

    def _moments(self, name, p):
        if name not in self.m:
            self.m[name] = np.zeros_like(p)
            self.v[name] = np.zeros_like(p)
        if not p.flags.c_contiguous:
            raise ValueError(f"Adam needs C-contiguous parameters; {name} is not")
        return self.m[name].reshape(-1), self.v[name].reshape(-1)

    def _update(self, name, p, g):
        m, v = self._moments(name, p)
        g = np.ascontiguousarray(g, dtype=p.dtype)
        adam_update(p.reshape(-1), g.reshape(-1), m, v, self.lr, self.beta1, self.beta2,
                    self.eps, float(self.t))

    def update_from_parts(self, name, p, parts, weights):
        """Two equal parts and no weight decay: the kernel ``adam_update_two_parts`` forms
        g = (g0 + g1) / 2 inside its one pass over memory. Otherwise as the base class."""
        if len(parts) != 2 or weights[0] != weights[1] or self.weight_decay:
            return super().update_from_parts(name, p, parts, weights)
        m, v = self._moments(name, p)
        g0, g1 = (np.ascontiguousarray(g, dtype=p.dtype).reshape(-1) for g in parts)
        adam_update_two_parts(p.reshape(-1), g0, g1, weights[0], m, v, self.lr, self.beta1,
                              self.beta2, self.eps, float(self.t))


_REGISTRY = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def get(optimizer, **kwargs):
    """An optimizer from its name (``"adam"``, ``"sgd"``, ``"momentum"``) and hyperparameters,
    or an :class:`Optimizer` passed through."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in _REGISTRY:
        return _REGISTRY[optimizer.lower()](**kwargs)
    raise ValueError(f"unknown optimizer {optimizer!r}; expected one of {sorted(_REGISTRY)}")
