"""Reference solution of exercise 05 (kept out of the package; used by the tests)."""

from scratchae.nn import backprop
from scratchae.nn.activations import Sigmoid
from scratchae.nn.losses import BernoulliNLL

_S = Sigmoid()


def tied_gradient(grad_W_enc, grad_W_dec):
    return grad_W_enc + grad_W_dec.T


def _forward(x_in, W, b_enc, b_dec):
    z1 = x_in @ W.T + b_enc
    h = _S.f(z1)
    z2 = h @ W + b_dec
    return z1, h, z2


def tied_autoencoder_grads(x, W, b_enc, b_dec):
    M = x.shape[0]
    z1, h, z2 = _forward(x, W, b_enc, b_dec)
    loss = BernoulliNLL().value_from_logits(z2, x)
    delta2 = (_S.f(z2) - x) / M                                  # (M, d)
    delta1 = backprop.hidden_error(delta2, W.T, z1, _S)          # decoder matrix is W.T (d, n_h)
    g_dec = backprop.weight_gradient(delta2, h)                  # (d, n_h)
    g_enc = backprop.weight_gradient(delta1, x)                  # (n_h, d)
    return loss, tied_gradient(g_enc, g_dec), delta1.sum(0), delta2.sum(0)


def denoising_loss(x, x_tilde, W, b_enc, b_dec):
    _, _, z2 = _forward(x_tilde, W, b_enc, b_dec)
    return BernoulliNLL().value_from_logits(z2, x)
