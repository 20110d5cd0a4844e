"""The Adam update (Kingma & Ba 2015) as a numba kernel and its NumPy twin.

For a parameter ``p`` with gradient ``g``, moments ``m``, ``v`` and step number ``t`` (from 1):

    m <- beta1 m + (1 - beta1) g
    v <- beta2 v + (1 - beta2) g^2
    p <- p - lr_t m / (sqrt(v) + eps_t),   lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t),
                                           eps_t = eps sqrt(1 - beta2^t)

which equals the paper's  p - lr m_hat / (sqrt(v_hat) + eps)  with the bias corrections folded
into two scalars. All arrays are updated in place; they must be 1-D views of the same length
(pass ``arr.reshape(-1)`` of a contiguous array). The twin allocates temporaries for each line;
the kernel does the three lines in one pass over memory, in the arrays' own precision.

``adam_update_two_parts`` is the same step for a gradient given as the mean of two parts,
g = (g0 + g1) * w with w = 1/2 (a batch cut in two halves, :mod:`scratchae.models.data_parallel`):
the kernel forms g inside the same pass, so the sum is never written to memory.
"""
import numpy as np

from scratchae.kernels import Kernel

__all__ = ["adam_update", "adam_update_two_parts"]


def _adam_update_twin(p, g, m, v, lr, beta1, beta2, eps, t):
    """Adam step in place on 1-D arrays p, m, v given gradient g (plain NumPy)."""
    c2 = np.sqrt(1.0 - beta2 ** t)
    lr_t = lr * c2 / (1.0 - beta1 ** t)
    eps_t = eps * c2
    m *= beta1
    m += (1.0 - beta1) * g
    v *= beta2
    v += (1.0 - beta2) * g * g
    p -= lr_t * m / (np.sqrt(v) + eps_t)


def _adam_update_loops(p, g, m, v, lr, beta1, beta2, eps, t):
    c2 = np.sqrt(1.0 - beta2 ** t)
    # the scalars in the arrays' own precision, so float32 arrays are updated in float32 arithmetic
    k = np.empty(6, dtype=p.dtype)
    k[0] = beta1
    k[1] = 1.0 - beta1
    k[2] = beta2
    k[3] = 1.0 - beta2
    k[4] = lr * c2 / (1.0 - beta1 ** t)
    k[5] = eps * c2
    b1, ob1, b2, ob2, lr_t, eps_t = k[0], k[1], k[2], k[3], k[4], k[5]
    for i in range(p.shape[0]):                        # one pass; LLVM vectorises it
        gi = g[i]
        mi = b1 * m[i] + ob1 * gi
        vi = b2 * v[i] + ob2 * gi * gi
        m[i] = mi
        v[i] = vi
        p[i] -= lr_t * mi / (np.sqrt(vi) + eps_t)


def _adam_update_two_parts_twin(p, g0, g1, w, m, v, lr, beta1, beta2, eps, t):
    """Adam step in place with the gradient g = (g0 + g1) * w (plain NumPy)."""
    _adam_update_twin(p, (g0 + g1) * w, m, v, lr, beta1, beta2, eps, t)


def _adam_update_two_parts_loops(p, g0, g1, w, m, v, lr, beta1, beta2, eps, t):
    c2 = np.sqrt(1.0 - beta2 ** t)
    k = np.empty(7, dtype=p.dtype)
    k[0] = beta1
    k[1] = 1.0 - beta1
    k[2] = beta2
    k[3] = 1.0 - beta2
    k[4] = lr * c2 / (1.0 - beta1 ** t)
    k[5] = eps * c2
    k[6] = w
    b1, ob1, b2, ob2, lr_t, eps_t, wk = k[0], k[1], k[2], k[3], k[4], k[5], k[6]
    for i in range(p.shape[0]):
        gi = (g0[i] + g1[i]) * wk
        mi = b1 * m[i] + ob1 * gi
        vi = b2 * v[i] + ob2 * gi * gi
        m[i] = mi
        v[i] = vi
        p[i] -= lr_t * mi / (np.sqrt(vi) + eps_t)


def _example_two_parts():
    p, g0, g1, m, v = (np.zeros(8, np.float32) for _ in range(5))
    return p, g0, g1, 0.5, m, v, 1e-3, 0.9, 0.999, 1e-8, 1.0


def _example():
    p, g, m, v = (np.zeros(8, np.float32) for _ in range(4))
    return p, g, m, v, 1e-3, 0.9, 0.999, 1e-8, 1.0


_adam_update_twin.__name__ = "adam_update"
adam_update = Kernel(_adam_update_twin, _adam_update_loops, example=_example)

_adam_update_two_parts_twin.__name__ = "adam_update_two_parts"
adam_update_two_parts = Kernel(_adam_update_two_parts_twin, _adam_update_two_parts_loops,
                               example=_example_two_parts)
