"""The four equations of backpropagation (slides, part 01, "Backpropagation Algorithm").

The slides write them for one example, with column vectors:

    BP1  delta^L = grad_a C (.) sigma'(z^L)                 error at the output layer
    BP2  delta^l = sigma'(z^l) (.) ((W^{l+1})^T delta^{l+1})  error of the layer below
    BP3  grad_{b^l} C = delta^l                               gradient of the bias
    BP4  grad_{W^l} C = delta^l (a^{l-1})^T                   gradient of the weights

Here rows are examples, so a batch of column vectors becomes a matrix with one row per example,
``W`` has shape ``(n_out, n_in)`` and ``z = a_prev @ W.T + b``. In batch form:

    BP1  delta_L = grad_a * sigma'(z_L)                  (batch, n_L)
    BP2  delta_l = (delta_next @ W_next) * sigma'(z_l)   (batch, n_l)
    BP3  grad_b  = delta.sum(axis=0)                     (n_l,)
    BP4  grad_W  = delta.T @ a_prev                      (n_l, n_{l-1})

The sums over the batch in BP3/BP4 are the slide's "sum of the per-example gradients"; a loss that
averages over the batch has already put the 1/M into ``grad_a``.

For softmax, whose Jacobian is not diagonal, the Hadamard product with sigma'(z) becomes the
Jacobian-vector product; :meth:`Activation.backward` does the right one for each activation.
"""
import numpy as np

__all__ = ["output_error", "hidden_error", "bias_gradient", "weight_gradient", "input_gradient"]


def output_error(grad_a, z, activation, a=None):
    """BP1: delta_L = grad_a C (.) sigma'(z_L).

    Inputs: ``grad_a`` (batch, n_L) = dC/da at the output; ``z`` (batch, n_L) the output
    pre-activation; ``activation`` an :class:`~scratchae.nn.activations.Activation`; ``a`` the
    cached sigma(z_L) if known (sigmoid and tanh then need no second exp/tanh).
    Returns ``delta`` (batch, n_L) = dC/dz_L.
    """
    return activation.backward(z, grad_a, a)


def hidden_error(delta_next, W_next, z, activation, a=None):
    """BP2: delta_l = ((W_{l+1})^T delta_{l+1}) (.) sigma'(z_l), in batch form
    ``(delta_next @ W_next) * sigma'(z)``.

    Inputs: ``delta_next`` (batch, n_{l+1}); ``W_next`` (n_{l+1}, n_l); ``z`` (batch, n_l);
    ``a`` the cached sigma(z_l), optional. Returns ``delta`` (batch, n_l).
    """
    return activation.backward(z, input_gradient(delta_next, W_next), a)


def bias_gradient(delta):
    """BP3: grad_b C = delta, summed over the batch. ``delta`` (batch, n) -> (n,)."""
    return delta.sum(axis=0)


def weight_gradient(delta, a_prev):
    """BP4: grad_W C = delta (a_prev)^T, summed over the batch: ``delta.T @ a_prev``.

    ``delta`` (batch, n_out), ``a_prev`` (batch, n_in) -> (n_out, n_in), the shape of ``W``.
    """
    return delta.T @ a_prev


def input_gradient(delta, W):
    """dC/da_prev = delta @ W: the part of BP2 before the activation's derivative.

    It is also the gradient with respect to the network's input, which models need when they chain
    two networks (the encoder of a VAE receives it from the decoder).
    ``delta`` (batch, n_out), ``W`` (n_out, n_in) -> (batch, n_in).
    """
    return delta @ W
