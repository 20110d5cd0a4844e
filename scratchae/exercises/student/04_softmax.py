"""Exercise 04: softmax and the categorical negative log-likelihood (lessons 03, 12).

Slides: part 01, "Loss function viewpoints II": a classifier's output is the parameter of a
categorical distribution, omega_i = P(Y = i | x) = softmax_i(a(x)), and the categorical
distribution's negative log-likelihood is the cross-entropy loss. Lesson 12's classifier
q(y | x) of the M2 model is trained on exactly this.

Rows are examples: z (M, K) are the logits, y (M, K) one-hot labels.

Derive:
  1. softmax(z)_j = exp(z_j) / sum_k exp(z_k), row by row, finite for z = 1000.
  2. Its Jacobian da_j/dz_k, then the Jacobian-vector product dC/dz given g = dC/da
     (what BP1 becomes when sigma'(z) is not diagonal).
  3. C = (1/M) sum_i -log softmax(z_i)_{label_i}, finite for z = 1000 even when the label's
     probability underflows (work with log softmax).
  4. delta = dC/dz: the general product of 2., then the shortcut it collapses to.

Check your answers:  python 04_softmax.py   (or: scratchae exercises check 04_softmax)
"""
import numpy as np  # noqa: F401  (you will need it)


def softmax(z):
    """Row-wise softmax. (M, K) -> (M, K)."""
    raise NotImplementedError


def softmax_backward(z, grad_a):
    """dC/dz given dC/da = grad_a for a = softmax(z). (M, K), (M, K) -> (M, K)."""
    raise NotImplementedError


def categorical_nll(z, y):
    """C = mean over the batch of -log softmax(z)_label. z, y : (M, K). A float."""
    raise NotImplementedError


def categorical_delta(z, y):
    """dC/dz of categorical_nll. (M, K)."""
    raise NotImplementedError


if __name__ == "__main__":
    from scratchae.exercises import check_file
    raise SystemExit(check_file(__file__, "04_softmax"))
