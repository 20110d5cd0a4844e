"""Exercise 02: losses as negative log-likelihoods (lessons 02-03).

Slides: part 01, "Loss function viewpoints II : Maximum likelihood" (the network's output is the
parameter of a distribution over y; the loss is -log p(y | output)), "Type 1 : Mean Square
Error" and "Type 2 : Cross Entropy" (the delta of each, for one example); the Gaussian decoder
with a learned variance of part 04 ("Assumption 3-2").

Conventions (as in scratchae.nn.losses): a batch has shape (M, n), rows are examples. A loss is
the negative log-likelihood SUMMED over the n features of an example and AVERAGED over the M
examples of the batch: C = (1/M) sum_i -log p(y_i | a_i). Gradients are of that C, so they carry
the 1/M.

Derive:
  1. Gaussian with unit variance, p(y | a) = N(y; a, I), dropping the constant n/2 log(2 pi):
     C = ?  and  dC/da = ?
  2. Gaussian with a learned variance, per example (constant included, no batch mean):
     -log N(x; mean, diag exp(log_var)) = ?  and its gradients w.r.t. mean and log_var.
  3. Bernoulli, p(y | a) = prod_j a_j^y_j (1 - a_j)^(1 - y_j):  C = ?  and  dC/da = ?
  4. The output layer's delta = dC/dz for a sigmoid output a = sigma(z), with the squared error
     (1) and with the cross-entropy (3). In one of them sigma'(z) cancels: which, and why?
     (Write the second one so that it stays finite for z = -800 and z = 800.)

You may use scratchae.nn.activations.Sigmoid (``Sigmoid().f(z)``, ``Sigmoid().df(z)``).

Check your answers:  python 02_losses.py   (or: scratchae exercises check 02_losses)
"""
import numpy as np  # noqa: F401  (you will need it)

from scratchae.nn.activations import Sigmoid  # noqa: F401


def gaussian_nll(a, y):
    """C for p(y | a) = N(y; a, I), without the constant. a, y : (M, n). Returns a float."""
    raise NotImplementedError


def gaussian_nll_grad(a, y):
    """dC/da of gaussian_nll. a, y : (M, n). Returns (M, n)."""
    raise NotImplementedError


def gaussian_nll_learned(x, mean, log_var):
    """-log N(x; mean, diag exp(log_var)) for each row, constant included (no 1/M).
    x, mean, log_var : (M, D). Returns (M,)."""
    raise NotImplementedError


def gaussian_nll_learned_grad(x, mean, log_var):
    """Gradients of gaussian_nll_learned (of each row's value; no 1/M).
    Returns (grad_mean, grad_log_var), each (M, D)."""
    raise NotImplementedError


def bernoulli_nll(a, y):
    """C for p(y | a) = Bernoulli(y; a), a in (0, 1), y in [0, 1]. a, y : (M, n). A float."""
    raise NotImplementedError


def bernoulli_nll_grad(a, y):
    """dC/da of bernoulli_nll. Returns (M, n)."""
    raise NotImplementedError


def mse_delta(z, y):
    """delta = dC/dz for a = sigma(z) and C = gaussian_nll(a, y). z, y : (M, n). (M, n)."""
    raise NotImplementedError


def cross_entropy_delta(z, y):
    """delta = dC/dz for a = sigma(z) and C = bernoulli_nll(a, y), finite for any z.
    z, y : (M, n). Returns (M, n)."""
    raise NotImplementedError


if __name__ == "__main__":
    from scratchae.exercises import check_file
    raise SystemExit(check_file(__file__, "02_losses"))
