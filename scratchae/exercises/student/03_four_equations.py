"""Exercise 03: the four equations of backpropagation (lesson 01).

Slide: part 01, "Backpropagation Algorithm". For one example, with column vectors:

    BP1  delta^L = grad_a C (.) sigma'(z^L)                   error at the output layer
    BP2  delta^l = sigma'(z^l) (.) ((W^{l+1})^T delta^{l+1})  error of the layer below
    BP3  grad_{b^l} C = delta^l
    BP4  grad_{W^l} C = delta^l (a^{l-1})^T

In scratchae rows are examples: a batch is a matrix with one row per example, W has shape
(n_out, n_in) and z = a_prev @ W.T + b. Rewrite each equation for a batch (the gradients of
BP3 and BP4 are *sums* over the batch: a loss that averages over the batch has already put its
1/M into grad_a) and fill in the five functions below. ``activation`` is a scratchae activation
object: ``activation.f(z)`` is sigma(z) and ``activation.df(z)`` is sigma'(z).

Check your answers:  python 03_four_equations.py   (or: scratchae exercises check 03_four_equations)
The grader compares them with the library on batches of several shapes and checks each gradient
by finite differences.
"""
import numpy as np  # noqa: F401  (you will need it)


def output_error(grad_a, z, activation):
    """BP1: delta_L = dC/dz_L from dC/da_L.

    grad_a : (batch, n_L) = dC/da at the output;  z : (batch, n_L) the output pre-activation.
    Returns delta : (batch, n_L).
    """
    raise NotImplementedError


def hidden_error(delta_next, W_next, z, activation):
    """BP2: delta_l from the error of the layer above.

    delta_next : (batch, n_{l+1});  W_next : (n_{l+1}, n_l);  z : (batch, n_l).
    Returns delta : (batch, n_l).
    """
    raise NotImplementedError


def bias_gradient(delta):
    """BP3: dC/db for the layer whose error is ``delta`` (batch, n). Returns (n,)."""
    raise NotImplementedError


def weight_gradient(delta, a_prev):
    """BP4: dC/dW.  delta : (batch, n_out);  a_prev : (batch, n_in).
    Returns an array of W's shape (n_out, n_in)."""
    raise NotImplementedError


def input_gradient(delta, W):
    """dC/da_prev: the gradient handed to the layer below (the first half of BP2), which is
    also the gradient with respect to the network's input.
    delta : (batch, n_out);  W : (n_out, n_in).  Returns (batch, n_in)."""
    raise NotImplementedError


if __name__ == "__main__":
    from scratchae.exercises import check_file
    raise SystemExit(check_file(__file__, "03_four_equations"))
