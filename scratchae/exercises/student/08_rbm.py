"""Exercise 08: the restricted Boltzmann machine's free energy and the CD-1 update (lesson 10).

Slides: part 03, "Restricted Boltzmann Machine" (the autoencoder beside the RBM: the same
P(h_i = 1 | v) = sigma(W_i v + b_h,i), but the RBM samples), and "Stacking RBM -> Deep Belief
Network" (Hinton's CD-1 training).

A binary RBM has the energy E(v, h) = -b_v . v - b_h . h - h^T W v, W (n_hidden, n_visible),
and p(v) = sum_h e^{-E(v, h)} / Z = e^{-F(v)} / Z.

Derive:
  1. The free energy F(v) = -log sum_h e^{-E(v, h)} (sum over all binary h; it factorises over
     the hidden units), finite when W_i v + b_h,i = 800 or -800.
  2. The gradients of the batch mean (1/M) sum_m F(v_m) with respect to W, b_h and b_v.
  3. CD-1: with v1 the sample after one Gibbs step from the data v0 (given), the descent
     direction is the gradient of the free energy at the data minus its gradient at v1:
     grads = dF/dtheta (v0) - dF/dtheta (v1), each a batch mean.

Rows are examples: v, v0, v1 (M, n_visible). You may use scratchae.nn.activations
(Sigmoid, Softplus).

Check your answers:  python 08_rbm.py   (or: scratchae exercises check 08_rbm)
"""
import numpy as np  # noqa: F401  (you will need it)


def free_energy(v, W, b_h, b_v):
    """F(v) per example. v (M, n_v), W (n_h, n_v), b_h (n_h,), b_v (n_v,). Returns (M,)."""
    raise NotImplementedError


def free_energy_grads(v, W, b_h, b_v):
    """Gradients of the batch mean of F: (dW (n_h, n_v), db_h (n_h,), db_v (n_v,))."""
    raise NotImplementedError


def cd1_update(v0, v1, W, b_h, b_v):
    """The CD-1 descent direction (dW, db_h, db_v) for data v0 and Gibbs sample v1."""
    raise NotImplementedError


if __name__ == "__main__":
    from scratchae.exercises import check_file
    raise SystemExit(check_file(__file__, "08_rbm"))
