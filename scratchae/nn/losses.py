"""Losses as negative log-likelihoods (slides, part 01, "Loss function viewpoints II").

A network's output ``a`` is read as the *parameters* of a distribution over the target ``y``;
the loss is -log p(y | a), summed over the features of one example and averaged over the batch:

    C = (1/M) sum_i -log p(y_i | a_i)

* :class:`GaussianNLL`    p = N(y; a, I)          -> 1/2 ||y - a||^2  (+ n/2 log 2 pi)   = MSE
* :class:`BernoulliNLL`   p = prod_j a_j^y_j (1 - a_j)^(1 - y_j)
                          -> -sum_j [y_j log a_j + (1 - y_j) log(1 - a_j)]  = cross-entropy
* :class:`CategoricalNLL` p = prod_j a_j^y_j  (one-hot y, softmax a) -> -sum_j y_j log a_j

Each loss has ``value(a, y)`` (a float), ``per_example(a, y)`` (shape (M,)), ``grad(a, y)``
= dC/da (shape (M, n), the 1/M included) and ``delta(z, a, y, activation)`` = dC/dz. Where the
output activation is the *canonical* one for the distribution (identity for Gaussian, sigmoid for
Bernoulli, softmax for categorical) the product of BP1 collapses to ``delta = (a - y) / M``; the
code uses that shortcut, and the tests check it equals the general product ``grad * sigma'(z)``.
The constants the slides drop (n/2 log 2 pi for the Gaussian) are available from
:meth:`GaussianNLL.constant` so that lesson 03 can show the two agree exactly.
"""
import numpy as np

from scratchae._validation import check_same_shape, check_unit_interval
from scratchae.nn import fastpath
from scratchae.nn.activations import Identity, Sigmoid, Softmax, get as get_activation

__all__ = ["Loss", "GaussianNLL", "BernoulliNLL", "CategoricalNLL", "get", "one_hot",
           "bernoulli_logit_nll_rows"]

#: Probabilities are clipped to [EPS, 1 - EPS] (in the array's own precision) so log 0 is never taken.
def _eps(dtype):
    return 1e-7 if np.dtype(dtype) == np.float32 else 1e-12


def _check(a, y):
    a = np.asarray(a)
    y = np.asarray(y)
    if a.ndim != 2:
        raise ValueError(f"a must have shape (batch, features); got an array of shape {a.shape}")
    check_same_shape(a, y, "a", "y")
    if not np.isfinite(a).all():
        raise ValueError("a (the network output) holds NaN/inf values")
    if not np.isfinite(y).all():
        raise ValueError("y (the targets) holds NaN/inf values")
    return a, y


def _check_probabilities(a):
    """A Bernoulli/categorical mean must be a probability: refuse, rather than clip, anything
    outside [0, 1] (it means the output activation is wrong, e.g. tanh or identity)."""
    check_unit_interval(a, "a", "probabilities predicted by the network (use a sigmoid/softmax "
                                "output, or the from-logits form)")


class Loss:
    """Base class: C = mean over the batch of the per-example negative log-likelihood."""

    name = "loss"
    distribution = "?"
    #: The output activation for which delta = (a - y) / M (the "canonical link").
    canonical_activation = None

    def per_example(self, a, y):
        raise NotImplementedError

    def value(self, a, y):
        """C = (1/M) sum_i -log p(y_i | a_i)  (a float)."""
        return float(np.mean(self.per_example(a, y)))

    def grad(self, a, y):
        raise NotImplementedError

    def uses_shortcut(self, activation):
        """True when ``activation`` is this loss's canonical one, so delta = (a - y) / M."""
        return self.canonical_activation is not None and isinstance(
            get_activation(activation), self.canonical_activation)

    def delta(self, z, a, y, activation):
        """dC/dz at the output layer: the shortcut (a - y)/M where it applies, else BP1's
        general product dC/da (.) sigma'(z)."""
        activation = get_activation(activation)
        if self.uses_shortcut(activation):
            a, y = _check(a, y)
            self._check_targets(y)
            return (a - y) / a.shape[0]
        return activation.backward(z, self.grad(a, y))

    def _check_targets(self, y):
        pass

    def __repr__(self):
        return f"{type(self).__name__}()"


class GaussianNLL(Loss):
    """-log N(y; a, sigma^2 I) with sigma = 1: 1/2 ||y - a||^2 per example (the slides' MSE).

    ``value`` leaves out the constant n/2 log(2 pi), as the slides do; :meth:`constant` gives it.
    dC/da = (a - y) / M.  Canonical output activation: identity.
    """

    name = "gaussian"
    distribution = "Gaussian N(y; a, I)"
    canonical_activation = Identity

    def per_example(self, a, y):
        a, y = _check(a, y)
        d = a - y
        return 0.5 * np.einsum("ij,ij->i", d, d)

    def grad(self, a, y):
        a, y = _check(a, y)
        return (a - y) / a.shape[0]

    @staticmethod
    def constant(n_features):
        """The dropped normaliser n/2 log(2 pi) of an n-dimensional unit-variance Gaussian."""
        return 0.5 * n_features * np.log(2.0 * np.pi)


def bernoulli_logit_nll_rows(z, y):
    """sum_j softplus(z_j) - y_j z_j for each row: -log Bernoulli(y; sigmoid(z)) from the logits,
    without input checks (callers that validated ``y`` once use it at every training step).

        -log p(y | z) = sum_j max(z_j, 0) - y_j z_j + log(1 + e^-|z_j|)

    softplus written this way never overflows.  (M, n), (M, n) -> (M,).
    """
    if fastpath.enabled():
        return fastpath.bernoulli_logit_nll_rows(z, y)     # the same sums, in two buffers
    z = np.asarray(z)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    return np.sum(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))), axis=1)


class BernoulliNLL(Loss):
    """-log Bernoulli(y; a) = -sum_j [y_j log a_j + (1 - y_j) log(1 - a_j)]  (cross-entropy).

    ``a`` are probabilities in (0, 1) (clipped to [eps, 1 - eps] so log 0 is never taken); ``y``
    must lie in [0, 1] (grey levels are allowed: the loss is then the cross-entropy between two
    Bernoulli distributions).  dC/da = (a - y) / (a (1 - a)) / M.  Canonical activation: sigmoid,
    for which delta = (a - y) / M (slides: "delta_CE = a - y").

    The from-logits form works on z directly, without ever forming a = sigma(z):
        -log p(y | z) = sum_j softplus(z_j) - y_j z_j = max(z, 0) - y z + log(1 + e^-|z|),
        dC/dz = (sigma(z) - y) / M.
    """

    name = "bernoulli"
    distribution = "Bernoulli(y; a)"
    canonical_activation = Sigmoid

    def _check_targets(self, y):
        check_unit_interval(y, "y", "Bernoulli targets")

    def per_example(self, a, y):
        a, y = _check(a, y)
        self._check_targets(y)
        _check_probabilities(a)
        eps = _eps(a.dtype)
        a = np.clip(a, eps, 1.0 - eps)
        return -np.sum(y * np.log(a) + (1.0 - y) * np.log1p(-a), axis=1)

    def grad(self, a, y):
        a, y = _check(a, y)
        self._check_targets(y)
        _check_probabilities(a)
        eps = _eps(a.dtype)
        a = np.clip(a, eps, 1.0 - eps)
        return (a - y) / (a * (1.0 - a)) / a.shape[0]

    def per_example_from_logits(self, z, y):
        """-log p(y | sigma(z)) per example, stable for any z.  (M, n) -> (M,).
        The arithmetic is :func:`bernoulli_logit_nll_rows`; this method checks its inputs first."""
        z, y = _check(z, y)
        self._check_targets(y)
        return bernoulli_logit_nll_rows(z, y)

    def value_from_logits(self, z, y):
        return float(np.mean(self.per_example_from_logits(z, y)))

    def delta_from_logits(self, z, y):
        """dC/dz = (sigma(z) - y) / M."""
        z, y = _check(z, y)
        self._check_targets(y)
        return (Sigmoid().f(z) - y) / z.shape[0]


class CategoricalNLL(Loss):
    """-log Categorical(y; a) = -sum_j y_j log a_j, for one-hot ``y`` (or integer labels) and
    class probabilities ``a`` (rows summing to 1).  dC/da = -y / a / M.  Canonical activation:
    softmax, for which delta = (a - y) / M.
    """

    name = "categorical"
    distribution = "Categorical(y; a)"
    canonical_activation = Softmax

    @staticmethod
    def _targets(a, y):
        y = np.asarray(y)
        if y.ndim == 1 and np.asarray(a).ndim == 2 and y.dtype.kind in "iu":
            return one_hot(y, np.asarray(a).shape[1], dtype=np.asarray(a).dtype)
        return y

    def _check_targets(self, y):
        check_unit_interval(y, "y", "categorical targets (one-hot rows)")

    def per_example(self, a, y):
        y = self._targets(a, y)
        a, y = _check(a, y)
        self._check_targets(y)
        _check_probabilities(a)
        return -np.sum(y * np.log(np.clip(a, _eps(a.dtype), 1.0)), axis=1)

    def grad(self, a, y):
        y = self._targets(a, y)
        a, y = _check(a, y)
        self._check_targets(y)
        _check_probabilities(a)
        return -y / np.clip(a, _eps(a.dtype), 1.0) / a.shape[0]

    def delta(self, z, a, y, activation):
        return super().delta(z, a, self._targets(a, y), activation)


def one_hot(labels, n_classes, dtype=np.float64):
    """Integer labels (M,) -> one-hot rows (M, n_classes)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be a 1-D integer array; got shape {labels.shape}, "
                         f"dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in [0, {n_classes}); got [{labels.min()}, "
                         f"{labels.max()}]")
    out = np.zeros((labels.size, n_classes), dtype=dtype)
    out[np.arange(labels.size), labels] = 1
    return out


_REGISTRY = {"gaussian": GaussianNLL, "mse": GaussianNLL, "bernoulli": BernoulliNLL,
             "cross_entropy": BernoulliNLL, "categorical": CategoricalNLL}


def get(loss):
    """Return a loss from its name (``"bernoulli"``, ``"gaussian"``, ``"categorical"``)."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str) and loss.lower() in _REGISTRY:
        return _REGISTRY[loss.lower()]()
    raise ValueError(f"unknown loss {loss!r}; expected one of {sorted(_REGISTRY)}")
