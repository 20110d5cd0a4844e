"""Reference solution of exercise 08 (kept out of the package; used by the tests)."""

from scratchae.nn.activations import Sigmoid, Softplus

_S, _SP = Sigmoid(), Softplus()


def free_energy(v, W, b_h, b_v):
    return -(v @ b_v) - _SP.f(v @ W.T + b_h).sum(axis=1)


def free_energy_grads(v, W, b_h, b_v):
    M = v.shape[0]
    ph = _S.f(v @ W.T + b_h)                   # P(h = 1 | v)  (M, n_h)
    return -(ph.T @ v) / M, -ph.mean(axis=0), -v.mean(axis=0)


def cd1_update(v0, v1, W, b_h, b_v):
    pos = free_energy_grads(v0, W, b_h, b_v)
    neg = free_energy_grads(v1, W, b_h, b_v)
    return tuple(p - n for p, n in zip(pos, neg))
