"""Finite-difference gradient checks: is a hand-written gradient right?

Central differences (error O(h^2)), one coordinate at a time:

    dF/dx_i  ~=  (F(x + h e_i) - F(x - h e_i)) / (2 h),    h = 1e-5, float64

and the relative error between an analytic gradient ``a`` and the numerical one ``n``, taken over
the whole tensor with the max norm:

    rel(a, n) = max_i |a_i - n_i| / max(1e-12, max_i |a_i| + max_i |n_i|)

Policy (DESIGN.md): below 1e-7 for smooth functions, below 1e-4 where a kink (ReLU, max) is near.
Normalising by the tensor's scale, not entry by entry, keeps an entry whose true value is ~0 from
failing on round-off alone, while a wrong formula still shows up as an error of order 1.

Three ways in, from the smallest to the largest:

* ``check_gradient(f, grad_f, x)``: your own function and your own derivation, one call, a verdict.
* ``check_gradients(objective, params)``: every parameter of a model; ``objective()`` returns
  ``(loss, grads)`` at the current parameter values.
* ``check_network(net, x, y, loss)`` and ``check_layer(layer, x)``: ready-made objectives.

The checker never changes its caller's arrays: ``numerical_gradient`` works on a copy of ``x``;
``numerical_gradient_inplace`` perturbs a parameter array in place (the objective reads it) and puts
back the exact original value after each evaluation.
"""
from dataclasses import dataclass, field

import numpy as np

__all__ = ["SMOOTH_TOL", "KINK_TOL", "numerical_gradient", "numerical_gradient_inplace",
           "relative_error", "check_gradient", "check_gradients", "check_network", "check_layer",
           "GradCheckResult", "GradCheckReport"]

SMOOTH_TOL = 1e-7
KINK_TOL = 1e-4


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f`` at ``x`` (any shape).

    ``f`` is called on a private float64 copy of ``x``; the caller's ``x`` is never modified.
    Returns an array of ``x``'s shape.
    """
    x = np.array(x, dtype=np.float64, copy=True)
    return numerical_gradient_inplace(lambda: f(x), x, h)


def numerical_gradient_inplace(f, x, h=1e-5, indices=None):
    """Central differences of the zero-argument function ``f`` with respect to the array ``x``,
    which ``f`` reads (a model parameter). Each coordinate is perturbed in place and restored to its
    exact original value. ``indices`` (flat) limits the check to some coordinates; the others are
    returned as NaN. Returns an array of ``x``'s shape (float64).
    """
    flat = x.reshape(-1)
    if flat.base is not x and not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous so that it can be perturbed in place")
    grad = np.full(x.size, np.nan)
    for i in (range(x.size) if indices is None else indices):
        original = flat[i].copy()
        flat[i] = original + h
        f_plus = float(f())
        flat[i] = original - h
        f_minus = float(f())
        flat[i] = original
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad.reshape(x.shape)


def relative_error(a, n):
    """max|a - n| / max(1e-12, max|a| + max|n|) over the whole tensor (NaN entries skipped)."""
    a = np.asarray(a, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"the two gradients must have the same shape; got {a.shape} and {n.shape}")
    keep = ~np.isnan(n)
    if not keep.any():
        return 0.0
    a, n = a[keep], n[keep]
    if not np.isfinite(a).all():
        return float("inf")
    return float(np.max(np.abs(a - n)) / max(1e-12, np.max(np.abs(a)) + np.max(np.abs(n))))


@dataclass
class GradCheckResult:
    """One checked tensor: its name, the relative error, the tolerance and the verdict."""

    name: str
    error: float
    tol: float
    shape: tuple = ()
    checked: int = 0

    @property
    def passed(self):
        return self.error < self.tol

    def __str__(self):
        verdict = "OK  " if self.passed else "FAIL"
        kind = "smooth" if self.tol == SMOOTH_TOL else "kink" if self.tol == KINK_TOL else "custom"
        return (f"{verdict} {self.name:<12} relative error {self.error:.2e} "
                f"{'<' if self.passed else '>='} {self.tol:.0e} ({kind}; {self.checked} entries "
                f"of shape {self.shape})")

    def __bool__(self):
        return self.passed


@dataclass
class GradCheckReport:
    """The results for every checked tensor; ``passed`` if all of them passed."""

    results: list = field(default_factory=list)

    @property
    def passed(self):
        return all(r.passed for r in self.results)

    @property
    def worst(self):
        return max(self.results, key=lambda r: r.error / r.tol)

    def __getitem__(self, name):
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(name)

    def __str__(self):
        lines = [str(r) for r in self.results]
        lines.append("all gradients agree with finite differences" if self.passed
                     else "SOME GRADIENTS DISAGREE with finite differences: find the bug")
        return "\n".join(lines)

    def __bool__(self):
        return self.passed

    def assert_ok(self):
        """Raise ``AssertionError`` with the whole table if any tensor failed."""
        if not self.passed:
            raise AssertionError("gradient check failed:\n" + str(self))
        return self


def _tol(kink, tol):
    if tol is not None:
        return float(tol)
    return KINK_TOL if kink else SMOOTH_TOL


def check_gradient(f, grad_f, x, h=1e-5, kink=False, tol=None, name="x"):
    """Check a hand-written gradient in one call.

    ``f(x)`` returns a scalar, ``grad_f(x)`` your gradient (same shape as ``x``). Returns a
    :class:`GradCheckResult`; ``print`` it for a verdict, ``bool`` it for pass/fail.

    >>> r = check_gradient(lambda x: np.sum(x ** 3), lambda x: 3 * x ** 2, np.array([1.0, -2.0]))
    >>> r.passed
    True
    """
    x = np.array(x, dtype=np.float64, copy=True)
    analytic = np.asarray(grad_f(x.copy()), dtype=np.float64)
    if analytic.shape != x.shape:
        raise ValueError(f"grad_f(x) must have the shape of x, {x.shape}; got {analytic.shape}")
    numeric = numerical_gradient(f, x, h)
    return GradCheckResult(name, relative_error(analytic, numeric), _tol(kink, tol), x.shape,
                           x.size)


def check_gradients(objective, params, h=1e-5, kink=False, tol=None, max_entries=None, rng=None):
    """Check every parameter of a model against finite differences.

    ``objective()`` returns ``(loss, grads)`` at the current values of ``params`` (a dict of the
    model's own arrays; they are perturbed in place and restored exactly). ``max_entries``
    checks a random subset of that many coordinates per parameter (``rng`` picks them).
    Returns a :class:`GradCheckReport` with the worst relative error per parameter.
    """
    _, grads = objective()
    grads = {k: np.array(v, dtype=np.float64, copy=True) for k, v in grads.items()}
    missing = set(params) - set(grads)
    if missing:
        raise ValueError(f"objective() returned no gradient for {sorted(missing)}")
    rng = np.random.default_rng(0) if rng is None else rng
    report = GradCheckReport()
    for name, p in params.items():
        if p.dtype != np.float64:
            raise ValueError(f"gradient checks need float64 parameters; {name} is {p.dtype}")
        indices = None
        if max_entries is not None and p.size > max_entries:
            indices = np.sort(rng.choice(p.size, size=max_entries, replace=False))
        numeric = numerical_gradient_inplace(lambda: objective()[0], p, h, indices)
        report.results.append(GradCheckResult(
            name, relative_error(grads[name], numeric), _tol(kink, tol), p.shape,
            p.size if indices is None else len(indices)))
    return report


def check_network(net, x, y, loss, h=1e-5, tol=None, check_input=True):
    """Check every weight and bias of a :class:`~scratchae.nn.network.Network` (and dC/dx) for
    ``loss`` on the batch ``(x, y)``. A network with a ReLU-like activation uses the kink
    tolerance. Returns a :class:`GradCheckReport`."""
    from scratchae.nn import losses

    loss = losses.get(loss)
    kink = any(layer.activation.has_kink for layer in net.layers)
    x = np.array(x, dtype=np.float64, copy=True)

    def objective():
        a = net.forward(x)
        value = loss.value(a, y)
        net.backward(grad_output=loss.grad(a, y), need_input_grad=False)
        return value, net.grads()

    report = check_gradients(objective, net.params(), h=h, kink=kink, tol=tol)
    if check_input:
        a = net.forward(x)
        analytic = net.backward(grad_output=loss.grad(a, y))
        numeric = numerical_gradient(lambda xx: loss.value(net.forward(xx), y), x, h)
        report.results.append(GradCheckResult("x", relative_error(analytic, numeric),
                                              _tol(kink, tol), x.shape, x.size))
    return report


def check_layer(layer, x, rng=None, h=1e-5, tol=None):
    """Check a single :class:`~scratchae.nn.layers.Dense` layer: the scalar C = sum(u * a) for a
    fixed random ``u`` gives dC/da = u, which ``layer.backward`` turns into dC/dW, dC/db, dC/dx."""
    rng = np.random.default_rng(0) if rng is None else rng
    x = np.array(x, dtype=np.float64, copy=True)
    u = rng.standard_normal((x.shape[0], layer.n_out))
    kink = layer.activation.has_kink

    def objective():
        value = float(np.sum(u * layer.forward(x)))
        layer.backward(u)
        return value, dict(layer.grads)

    report = check_gradients(objective, layer.params, h=h, kink=kink, tol=tol)
    layer.forward(x)
    analytic = layer.backward(u)
    numeric = numerical_gradient(lambda xx: float(np.sum(u * layer.forward(xx))), x, h)
    report.results.append(GradCheckResult("x", relative_error(analytic, numeric),
                                          _tol(kink, tol), x.shape, x.size))
    return report
