"""Reference solution of exercise 04 (kept out of the package; used by the tests)."""
import numpy as np


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_backward(z, grad_a):
    a = softmax(z)
    return a * (grad_a - np.sum(a * grad_a, axis=1, keepdims=True))


def categorical_nll(z, y):
    m = z.max(axis=1, keepdims=True)
    log_p = z - m - np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    return float(-np.sum(y * log_p) / z.shape[0])


def categorical_delta(z, y):
    return (softmax(z) - y) / z.shape[0]
