"""Reference solution of exercise 03 (kept out of the package; used by the tests)."""


def output_error(grad_a, z, activation):
    return grad_a * activation.df(z)


def hidden_error(delta_next, W_next, z, activation):
    return (delta_next @ W_next) * activation.df(z)


def bias_gradient(delta):
    return delta.sum(axis=0)


def weight_gradient(delta, a_prev):
    return delta.T @ a_prev


def input_gradient(delta, W):
    return delta @ W
