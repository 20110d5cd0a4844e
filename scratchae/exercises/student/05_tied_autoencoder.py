"""Exercise 05: the autoencoder with tied weights, and the denoising loss (lessons 07-08).

Slides: part 03, "Autoencoders" (encoder z = h(x), decoder y = g(h(x)), reconstruction error
||x - y||^2 or cross-entropy), "Restricted Boltzmann Machine" (the autoencoder whose decoder uses
W^T, tied weights) and "Denoising AutoEncoder" (reconstruct the clean x from a corrupted x~).

The network (one hidden layer, sigmoid everywhere, rows are examples):

    h = sigma(x W^T + b_enc)        x (M, d), W (n_h, d), b_enc (n_h,)      encoder uses W
    y = sigma(h W + b_dec)          y (M, d), b_dec (d,)                    decoder uses W^T
    C = (1/M) sum_i -log Bernoulli(x_i; y_i)   (cross-entropy, summed over pixels)

Derive:
  1. W is used twice. Given the gradient the encoder's BP4 would give for its matrix
     (grad_W_enc, shape (n_h, d)) and the one the decoder's BP4 would give for *its* matrix
     W_dec = W^T (grad_W_dec, shape (d, n_h)), what is dC/dW?
  2. The loss and all the gradients of the tied autoencoder above (use the four equations; the
     cross-entropy delta at the output is (y - x) / M, and you may import
     scratchae.nn.backprop and scratchae.nn.activations).
  3. The denoising loss: the same network fed the corrupted x_tilde, scored against the clean x.

Check your answers:  python 05_tied_autoencoder.py
                     (or: scratchae exercises check 05_tied_autoencoder)
"""
import numpy as np  # noqa: F401  (you will need it)


def tied_gradient(grad_W_enc, grad_W_dec):
    """dC/dW for W used as the encoder's matrix and, transposed, as the decoder's.
    grad_W_enc : (n_h, d);  grad_W_dec : (d, n_h).  Returns (n_h, d)."""
    raise NotImplementedError


def tied_autoencoder_grads(x, W, b_enc, b_dec):
    """(C, dC/dW, dC/db_enc, dC/db_dec) for the tied sigmoid autoencoder with the Bernoulli loss.
    x : (M, d) in [0, 1];  W : (n_h, d).  Returns (float, (n_h, d), (n_h,), (d,))."""
    raise NotImplementedError


def denoising_loss(x, x_tilde, W, b_enc, b_dec):
    """The denoising autoencoder's loss C (a float) for clean x and corrupted x_tilde, (M, d)."""
    raise NotImplementedError


if __name__ == "__main__":
    from scratchae.exercises import check_file
    raise SystemExit(check_file(__file__, "05_tied_autoencoder"))
