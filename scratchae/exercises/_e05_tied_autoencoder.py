"""Grading of exercise 05_tied_autoencoder (lessons 07-08): both uses of a tied W, and the
denoising loss.

Compared with :func:`scratchae.models.autoencoder.tied_gradient` and with the library's
``Autoencoder(layer_sizes=[d, h], activation="sigmoid", loss="bernoulli", tied=True)`` whose
parameters are set to the inputs; the whole gradient is also checked by finite differences.
"""
import numpy as np

from scratchae.gradcheck import SMOOTH_TOL, numerical_gradient, relative_error
from scratchae.models.autoencoder import Autoencoder, tied_gradient
from scratchae.exercises._grader import Task

_SIZES = [(3, 5, 2), (4, 4, 4), (1, 6, 3), (8, 3, 5)]        # (batch, d, h)


def _model(W, b_enc, b_dec):
    h, d = W.shape
    m = Autoencoder(layer_sizes=[d, h], activation="sigmoid", loss="bernoulli", tied=True,
                    seed=0, dtype=np.float64)
    m.encoder.layers[0].params["W"][...] = W                   # the decoder holds a view W.T
    m.encoder.layers[0].params["b"][...] = b_enc
    m.decoder.layers[0].params["b"][...] = b_dec
    return m


def _ae(x, W, b_enc, b_dec):
    loss, g = _model(W, b_enc, b_dec).loss_and_grads(x)
    return loss["loss"], g["encoder.0.W"].copy(), g["encoder.0.b"].copy(), g["decoder.0.b"].copy()


def _dae_loss(x, x_tilde, W, b_enc, b_dec):
    m = _model(W, b_enc, b_dec)
    z = m.decoder.layers[0].pre_activation(m.encode(x_tilde))
    return m.loss.value_from_logits(z, x)


def _params(rng, d, h):
    return rng.standard_normal((h, d)), 0.5 * rng.standard_normal(h), 0.5 * rng.standard_normal(d)


def _cases_tied(rng):
    return [(f"grad_W_enc ({h}, {d}), grad_W_dec ({d}, {h})",
             (rng.standard_normal((h, d)), rng.standard_normal((d, h)))) for _, d, h in _SIZES]


def _cases_ae(rng):
    return [(f"x ({M}, {d}), W ({h}, {d})", (rng.random((M, d)),) + _params(rng, d, h))
            for M, d, h in _SIZES]


def _cases_dae(rng):
    out = []
    for M, d, h in _SIZES:
        x = (rng.random((M, d)) < 0.5).astype(float)
        x_tilde = x * (rng.random((M, d)) > 0.3)                  # masking noise
        x_tilde[0, 0] = 1.0 - x[0, 0]                             # corrupted must differ from x
        out.append((f"x, x_tilde ({M}, {d}), W ({h}, {d})", (x, x_tilde) + _params(rng, d, h)))
    return out


def _fd_ae(fn, rng):
    x = rng.random((3, 4))
    W, be, bd = _params(rng, 4, 2)
    num = numerical_gradient(lambda WW: _ae(x, WW, be, bd)[0], W)
    return relative_error(fn(x.copy(), W.copy(), be.copy(), bd.copy())[1], num), SMOOTH_TOL


def _untied_parts(x, W, b_enc, b_dec):
    """The two uses of W separately: (grad through the encoder, grad through the decoder^T)."""
    M = x.shape[0]
    h = 1.0 / (1.0 + np.exp(-(x @ W.T + b_enc)))
    y = 1.0 / (1.0 + np.exp(-(h @ W + b_dec)))
    delta_out = (y - x) / M
    delta_h = (delta_out @ W.T) * h * (1 - h)
    return delta_h.T @ x, (delta_out.T @ h).T, delta_h, delta_out


def _only(which, scale=1.0):
    def wrong(x, W, b_enc, b_dec):
        loss, gW, gbe, gbd = _ae(x, W, b_enc, b_dec)
        enc, dec, _, _ = _untied_parts(x, W, b_enc, b_dec)
        g = {"enc": enc, "dec": dec, "both": enc + dec}[which]
        return loss, g * scale, gbe * scale, gbd * scale
    return wrong


TASKS = [
    Task("tied_gradient", _cases_tied, tied_gradient,
         [("only the encoder's use of W: add the decoder's gradient, transposed",
           lambda ge, gd: ge.copy()),
          ("only the decoder's use of W: add the encoder's gradient too",
           lambda ge, gd: gd.T.copy()),
          ("off by a transpose: the decoder uses W^T, so its gradient enters transposed",
           lambda ge, gd: ge + gd),
          ("averaged the two uses; the chain rule adds them", lambda ge, gd: (ge + gd.T) / 2)],
         source="scratchae.models.autoencoder.tied_gradient"),
    Task("tied_autoencoder_grads", _cases_ae, _ae,
         [("only the encoder's use of W: add the decoder's gradient, transposed", _only("enc")),
          ("only the decoder's use of W: add the encoder's gradient too", _only("dec")),
          ("forgot the 1/M of the batch mean", lambda x, W, be, bd: (
              _ae(x, W, be, bd)[0] * x.shape[0],) + tuple(g * x.shape[0]
                                                          for g in _ae(x, W, be, bd)[1:]))],
         fd=_fd_ae, source="scratchae.models.autoencoder.Autoencoder(tied=True)"),
    Task("denoising_loss", _cases_dae, _dae_loss,
         [("the target is the clean x, not the corrupted x_tilde",
           lambda x, xt, W, be, bd: _dae_loss(xt, xt, W, be, bd)),
          ("the encoder must see the corrupted x_tilde, not the clean x",
           lambda x, xt, W, be, bd: _dae_loss(x, x, W, be, bd)),
          ("swapped: encode the clean x and compare with x_tilde; encode x_tilde, compare with x",
           lambda x, xt, W, be, bd: _dae_loss(xt, x, W, be, bd)),
          ("forgot the 1/M of the batch mean",
           lambda x, xt, W, be, bd: _dae_loss(x, xt, W, be, bd) * x.shape[0])],
         source="scratchae.models.autoencoder.Autoencoder(tied=True) on x_tilde, target x"),
]
