"""Exercise 06: the contractive penalty ||J_h(x)||_F^2 and its gradient (lesson 09).

Slides: part 03, "Contractive AutoEncoder (CAE)": "Analytic contractive regularization term is
||dh/dx (x)||_F^2", which "encourages the mapping to the feature space to be contractive in the
neighborhood of the training data" (Rifai et al. 2011).

The encoder (rows are examples):  h = sigma(z),  z = x W^T + b,  x (M, d), W (n_h, d), b (n_h,).

Derive:
  1. The Jacobian J_ji(x) = dh_j / dx_i of one example (shape (n_h, d)), for every example of the
     batch: an array (M, n_h, d).
  2. The penalty P = (1/M) sum_examples ||J(x)||_F^2. Write it with sigma'(z_j) and
     w_j = sum_i W_ji^2 (no (M, n_h, d) array needed).
  3. dP/dW and dP/db. W enters twice: directly, through w_j, and through z_j inside sigma'(z_j)
     (product rule; you need sigma''(z): write it with sigma(z)).

You may use scratchae.nn.activations.Sigmoid.

Check your answers:  python 06_contractive.py   (or: scratchae exercises check 06_contractive)
"""
import numpy as np  # noqa: F401  (you will need it)


def jacobian(x, W, b):
    """J for every example: (M, n_h, d), J[m, j, i] = dh_j / dx_i at x[m]."""
    raise NotImplementedError


def contractive_penalty(x, W, b):
    """P = mean over the batch of ||J_h(x)||_F^2 (a float)."""
    raise NotImplementedError


def contractive_penalty_grads(x, W, b):
    """(dP/dW, dP/db): (n_h, d), (n_h,)."""
    raise NotImplementedError


if __name__ == "__main__":
    from scratchae.exercises import check_file
    raise SystemExit(check_file(__file__, "06_contractive"))
