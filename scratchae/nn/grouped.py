"""A dense layer whose input rows share a block: rows ``[x_g(r), c_r]`` (used by M2).

When one input x is paired with several short vectors c (M2 pairs each unlabelled digit with
each of the K one-hot labels), the rows of the batch are ``[x_g(r), c_r]``: row r repeats the x
of its group g(r). With W = [W_x, W_c] split at the width D of x, the layer's pre-activation is

    z_r = x_g(r) W_x^T + c_r W_c^T + b

so the large product x W_x^T is computed once per distinct x and repeated, instead of once per
row (K times fewer multiply-adds in it). The backward pass is the four equations with BP4 summed
by group:

    delta = dC/da (.) sigma'(z)                                  (BP1/BP2's Hadamard product)
    dC/db   = sum_r delta_r                                      (BP3)
    dC/dW_x = sum_r delta_r^T x_g(r) = sum_g (sum_{r in g} delta_r)^T x_g     (BP4, grouped)
    dC/dW_c = delta^T c                                          (BP4 for the c columns)

Both functions act on an ordinary :class:`~scratchae.nn.layers.Dense` (its ``W`` of shape
(H, D + C)), give the same numbers as ``Dense.forward`` / ``Dense.backward`` on the repeated
rows, and are checked against them and against finite differences in
``tests/test_grouped_layer.py``. The input gradient is not computed: x and c are data.
"""
import numpy as np

from scratchae.nn.backprop import bias_gradient, weight_gradient

__all__ = ["group_starts", "grouped_dense_forward", "grouped_dense_backward"]


def group_starts(counts):
    """The first row of each group, from the group sizes ``counts`` (G,): (G,) int64."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def grouped_dense_forward(layer, x_unique, counts, c):
    """a = sigma(z), z_r = x_g(r) W_x^T + c_r W_c^T + b, for rows grouped by ``counts``.

    Inputs: ``layer`` a Dense with W (H, D + C); ``x_unique`` (G, D), one row per group;
    ``counts`` (G,) rows per group (consecutive); ``c`` (rows, C), rows = sum(counts).
    Returns a (rows, H) and caches z and a in the layer like ``Dense.forward``.
    """
    D = x_unique.shape[1]
    W, b = layer.params["W"], layer.params["b"]
    z = np.repeat(x_unique @ W[:, :D].T, counts, axis=0)       # (rows, H)
    z += c @ W[:, D:].T
    z += b
    layer.a_prev, layer.z = None, z
    layer.a = layer.activation.f(z)
    return layer.a


def grouped_dense_backward(layer, grad_a, x_unique, counts, c):
    """Fill ``layer.grads`` from dC/da (rows, H) after :func:`grouped_dense_forward` with the
    same ``x_unique`` (G, D), ``counts`` (G,) and ``c`` (rows, C)."""
    delta = layer.activation.backward(layer.z, grad_a)                 # (rows, H)
    layer.grads["b"] = bias_gradient(delta)
    summed = np.add.reduceat(delta, group_starts(counts), axis=0)     # (G, H)
    layer.grads["W"] = np.concatenate([weight_gradient(summed, x_unique),
                                       weight_gradient(delta, c)], axis=1)
