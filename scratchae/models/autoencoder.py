"""The autoencoder (slides, part 03, "Autoencoders" / "General Autoencoder" / "Linear Autoencoder").

    encoder  z = h(x)            (batch, d) -> (batch, d_z)     a Network of Dense layers
    decoder  y = g(z) = g(h(x))  (batch, d_z) -> (batch, d)     mirrors the encoder by default
    loss     L_AE = (1/M) sum_x L(x, g(h(x)))                     a negative log-likelihood

with ``L`` the Bernoulli NLL (cross-entropy, sigmoid output, for pixels in [0, 1]) or the Gaussian
NLL (1/2 squared error, identity output by default). The slide's sum over the data set becomes a
mean over the mini-batch, as everywhere in :mod:`scratchae.nn.losses`.

Backprop through the whole thing is just the four equations twice: BP1 at the decoder's output
(with the cross-entropy shortcut ``delta = (a - x) / M``), then BP2-BP4 down the decoder, whose
input gradient dC/dz is handed to the encoder as its ``grad_output``.

Tied weights (slide "Restricted Boltzmann Machine": W_d = W_e^T)
----------------------------------------------------------------
With ``tied=True`` decoder layer k uses the transpose of encoder layer n-1-k: one matrix ``W``
appears twice in the loss, C(W) = C~(W_e = W, W_d = W^T). By the chain rule, for every entry,

    dC/dW_ji = dC~/d(W_e)_ji + sum_{kl} dC~/d(W_d)_kl * d(W_d)_kl/dW_ji
             = dC~/d(W_e)_ji + dC~/d(W_d)_ij            since (W_d)_kl = W_lk,

i.e.  grad_W = grad_W_e + (grad_W_d)^T : the encoder's BP4 gradient plus the transpose of the
decoder's. :meth:`Autoencoder.tied_gradient` is that line; the decoder layer holds a *view*
``W.T`` of the encoder's array, so an optimizer that updates ``W`` in place updates both uses.
The decoder keeps its own biases. A test checks the sum against finite differences.
"""
import numpy as np

from scratchae._validation import as_2d_array, check_layer_sizes, check_positive
from scratchae.models.base import Model
from scratchae.nn import activations as activations_module
from scratchae.nn import losses as losses_module
from scratchae.nn.network import Network

__all__ = ["Autoencoder", "tied_gradient", "check_layer_sizes", "LOSSES"]

#: loss name -> the output activation used by default.
LOSSES = {"bernoulli": "sigmoid", "gaussian": "identity"}

_EVAL_CHUNK = 2000


def tied_gradient(grad_encoder_W, grad_decoder_W):
    """dC/dW for a matrix used as W in the encoder and as W^T in the decoder:
    ``grad_W = grad_W_e + grad_W_d.T`` (derivation in the module docstring).

    ``grad_encoder_W`` (n_out, n_in) and ``grad_decoder_W`` (n_in, n_out) -> (n_out, n_in).
    """
    if grad_decoder_W.shape[::-1] != grad_encoder_W.shape:
        raise ValueError(f"the decoder gradient must have the transposed shape of the encoder's "
                         f"{grad_encoder_W.shape}; got {grad_decoder_W.shape}")
    return grad_encoder_W + grad_decoder_W.T


class Autoencoder(Model):
    """A deterministic autoencoder ``x -> z = h(x) -> y = g(z)`` trained on -log p(x | y).

    Parameters
    ----------
    layer_sizes : list of int
        Encoder widths from the input to the code, e.g. ``[784, 1000, 500, 250, 30]``.
    activation : str
        Activation of the hidden layers of encoder and decoder (``"sigmoid"``, ``"relu"``, ...).
    code_activation : str or None
        Activation of the code layer (``None``: same as ``activation``; ``"identity"`` for the
        linear code units of Hinton & Salakhutdinov 2006 and of the linear autoencoder).
    loss : ``"bernoulli"`` or ``"gaussian"``
        The likelihood p(x | y). Bernoulli needs inputs in [0, 1] and a sigmoid output.
    tied : bool
        Decoder weights are the transposes of the encoder's (see module docstring).
    seed : int or None
        Seeds the model's random streams: initial weights, and in ``fit`` the shuffling and any
        noise (None: fresh entropy, kept in ``seed``).
    dtype : float64 (gradient checks, small problems) or float32 (training speed).
    output_activation : str or None
        Decoder output activation; default sigmoid for Bernoulli, identity for Gaussian.
    decoder_sizes : list of int or None
        Decoder widths from the code to the output; default the mirror of ``layer_sizes``.
        Must start at the code width and end at the input width.

    Notes
    -----
    Parameters are named ``encoder.{l}.W``, ``encoder.{l}.b``, ``decoder.{l}.W``, ``decoder.{l}.b``
    (no ``decoder.{l}.W`` when tied).
    """

    def __init__(self, layer_sizes, activation="sigmoid", code_activation=None, loss="bernoulli",
                 tied=False, seed=0, dtype=np.float64, output_activation=None, decoder_sizes=None):
        self.layer_sizes = check_layer_sizes(layer_sizes)
        if not isinstance(loss, str) or loss.lower() not in LOSSES:
            raise ValueError(f"loss must be one of {sorted(LOSSES)}; got {loss!r}")
        self.loss_name = loss.lower()
        self.activation = activations_module.get(activation).name
        self.code_activation = activations_module.get(code_activation or activation).name
        self.output_activation = activations_module.get(
            output_activation or LOSSES[self.loss_name]).name
        if self.loss_name == "bernoulli" and self.output_activation != "sigmoid":
            raise ValueError("a Bernoulli likelihood needs probabilities in (0, 1): "
                             f"output_activation must be 'sigmoid'; got {output_activation!r}")
        if not isinstance(tied, (bool, np.bool_)):
            raise ValueError(f"tied must be True or False; got {tied!r}")
        self.tied = bool(tied)
        self._init_streams(seed)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a floating type; got {self.dtype}")
        mirror = self.layer_sizes[::-1]
        if decoder_sizes is None:
            self.decoder_sizes = mirror
        else:
            self.decoder_sizes = check_layer_sizes(decoder_sizes, "decoder_sizes")
            if self.decoder_sizes[0] != self.layer_sizes[-1] or \
                    self.decoder_sizes[-1] != self.layer_sizes[0]:
                raise ValueError(
                    f"decoder_sizes must run from the code width {self.layer_sizes[-1]} to the "
                    f"input width {self.layer_sizes[0]}; got {self.decoder_sizes} for "
                    f"layer_sizes {self.layer_sizes}")
            if self.tied and self.decoder_sizes != mirror:
                raise ValueError(f"tied weights need the mirrored decoder {mirror}; "
                                 f"got decoder_sizes {self.decoder_sizes}")
        self.loss = losses_module.get(self.loss_name)
        self.requires_unit_interval = self.loss_name == "bernoulli"

        rng = self.stream("init")
        self.encoder = Network.from_sizes(self.layer_sizes, self.activation,
                                          output_activation=self.code_activation, rng=rng,
                                          dtype=self.dtype)
        self.decoder = Network.from_sizes(self.decoder_sizes, self.activation,
                                          output_activation=self.output_activation, rng=rng,
                                          dtype=self.dtype)
        if self.tied:
            n = len(self.encoder.layers)
            for k, layer in enumerate(self.decoder.layers):
                # a view: in-place updates of the encoder's W are seen by the decoder
                layer.params["W"] = self.encoder.layers[n - 1 - k].params["W"].T

    # ------------------------------------------------------------------------ contract
    def get_config(self):
        return {"layer_sizes": list(self.layer_sizes), "activation": self.activation,
                "code_activation": self.code_activation, "loss": self.loss_name,
                "tied": self.tied, "seed": self.seed, "dtype": self.dtype.name,
                "output_activation": self.output_activation,
                "decoder_sizes": list(self.decoder_sizes)}

    def params(self):
        """{"encoder.0.W": ..., "decoder.0.b": ...}: the layers' own arrays (not copies)."""
        out = {f"encoder.{k}": v for k, v in self.encoder.params().items()}
        for k, v in self.decoder.params().items():
            if self.tied and k.endswith(".W"):
                continue
            out[f"decoder.{k}"] = v
        return out

    def _loss_and_grads(self, batch, rng):
        """Mean -log p(x | g(h(x))) on the batch ``(x,)`` and its gradients (names as
        :meth:`params`)."""
        (x,) = batch
        return self._reconstruction_loss_and_grads(x, x)

    def evaluate(self, x):
        """{"loss": mean NLL, "squared_error": mean sum_j (x_j - y_j)^2} on ``x``."""
        x = self.check_input(x)
        return {"loss": float(np.mean(self.reconstruction_loss(x))),
                "squared_error": float(np.mean(self.squared_error(x)))}

    # ------------------------------------------------------------------------- mapping
    def _check_codes(self, z, name="z"):
        return as_2d_array(z, name, n_features=self.layer_sizes[-1], dtype=self.dtype)

    def _chunks(self, x, fn):
        return np.concatenate([fn(x[i:i + _EVAL_CHUNK]) for i in range(0, len(x), _EVAL_CHUNK)])

    def encode(self, x):
        """z = h(x): (batch, layer_sizes[0]) -> (batch, layer_sizes[-1])."""
        x = as_2d_array(x, "x", n_features=self.layer_sizes[0], dtype=self.dtype)
        return self._chunks(x, lambda c: self.encoder.forward(c).copy())

    def decode(self, z):
        """y = g(z): the mean of p(x | z) (probabilities for Bernoulli).
        (batch, layer_sizes[-1]) -> (batch, layer_sizes[0])."""
        z = self._check_codes(z)
        return self._chunks(z, lambda c: self.decoder.forward(c).copy())

    def reconstruct(self, x):
        """y = g(h(x)), same shape as ``x``."""
        x = as_2d_array(x, "x", n_features=self.layer_sizes[0], dtype=self.dtype)
        return self._chunks(x, lambda c: self.decoder.forward(self.encoder.forward(c)).copy())

    def reconstruction_loss(self, x):
        """Per-example -log p(x | g(h(x))) (Bernoulli from the logits, so never log 0). (M,)."""
        x = self.check_input(x)

        def one(c):
            self.decoder.forward(self.encoder.forward(c))
            return self._per_example_loss(c)
        return self._chunks(x, one)

    def squared_error(self, x):
        """Per-example sum_j (x_j - y_j)^2 -- the error of Hinton & Salakhutdinov 2006. (M,)."""
        x = as_2d_array(x, "x", n_features=self.layer_sizes[0], dtype=self.dtype)
        y = self.reconstruct(x)
        d = (x - y).astype(np.float64)
        return np.einsum("ij,ij->i", d, d)

    # ------------------------------------------------------------------ forward/backward
    def _per_example_loss(self, target):
        top = self.decoder.layers[-1]
        if self.loss_name == "bernoulli":
            return self.loss.per_example_from_logits(top.z, target)
        return self.loss.per_example(top.a, target)

    def _reconstruction_loss_and_grads(self, x_in, target, code_grad=None):
        """Forward ``x_in``, compare the output with ``target`` (the clean input), back-propagate.

        ``code_grad`` (optional, same shape as the code) is added to dC/dz before the encoder's
        backward pass: the gradient of a penalty on the code h(x_in) (the SCAE uses it).
        The loss value is per-example NLL averaged over the rows of ``x_in``.
        """
        h = self.encoder.forward(x_in)
        self.decoder.forward(h)
        top = self.decoder.layers[-1]
        value = float(np.mean(self._per_example_loss(target)))
        # BP1; for sigmoid + Bernoulli and identity + Gaussian this is the shortcut (a - x) / M
        delta = self.loss.delta(top.z, top.a, target, top.activation)
        grad_code = self.decoder.backward(delta=delta)
        if code_grad is not None:
            grad_code = grad_code + code_grad
        self.encoder.backward(grad_output=grad_code, need_input_grad=False)
        return {"loss": value}, self._collect_grads()

    def _collect_grads(self):
        """Gradients of the last backward pass, named as :meth:`params`; tied weights summed."""
        grads = {f"encoder.{k}": v for k, v in self.encoder.grads().items()}
        n = len(self.encoder.layers)
        for k, layer in enumerate(self.decoder.layers):
            grads[f"decoder.{k}.b"] = layer.grads["b"]
            if self.tied:
                name = f"encoder.{n - 1 - k}.W"
                grads[name] = tied_gradient(grads[name], layer.grads["W"])
            else:
                grads[f"decoder.{k}.W"] = layer.grads["W"]
        return grads

    def n_params(self):
        return int(sum(v.size for v in self.params().values()))

    def fit_least_squares(self, x, n_iter=100):
        """Alternating exact minimisation of a *linear* autoencoder's squared loss.

        Only for ``layer_sizes = [d, k]`` with identity code and output units, Gaussian loss,
        untied weights -- the slide's "Linear Autoencoder". With one block fixed the other has a
        closed form, so each half-step can only lower

            L = (1/2M) sum_x ||x - W_d (W_e x + b_e) - b_d||^2 :

        * decoder, codes H = X W_e^T + b_e fixed: linear regression of X on [H, 1];
        * encoder, decoder fixed: the best code of each x is the least-squares projection
          h*(x) = (W_d^T W_d)^{-1} W_d^T (x - b_d), which is affine in x, so
          W_e = (W_d^T W_d)^{-1} W_d^T and b_e = -W_e b_d reach it for every x at once.

        Together these are a subspace (power) iteration on the data covariance: the decoder's
        column space converges to the top-k principal subspace at the rate lambda_{k+1} /
        lambda_k per iteration (Baldi & Hornik 1989: the stationary points are the
        principal subspaces, the minimum the top one). Its result is a stationary point of
        :meth:`loss_and_grads`.

        Both steps need only the mean mu and the covariance C of the data, so each iteration costs
        O(d^2 k) whatever the number of examples: with H = W_e x + b_e,
        W_d = Cov(x, h) Cov(h)^{-1} = C W_e^T (W_e C W_e^T)^{-1},  b_d = mu - W_d (W_e mu + b_e),
        and L = 1/2 tr C - tr(W_e C W_d) + 1/2 tr(W_d (W_e C W_e^T) W_d^T) after that step.
        Returns the loss after each iteration (a list).
        """
        if len(self.layer_sizes) != 2 or self.code_activation != "identity" or \
                self.output_activation != "identity" or self.loss_name != "gaussian" or self.tied:
            raise ValueError("fit_least_squares is for the linear autoencoder: layer_sizes [d, k], "
                             "code_activation and output_activation 'identity', loss 'gaussian', "
                             f"untied; got {self!r}")
        check_positive(n_iter, "n_iter", integer=True)
        x = self.check_input(x).astype(np.float64)
        mu = x.mean(axis=0)
        xc = x - mu
        C = xc.T @ xc / x.shape[0]
        enc, dec = self.encoder.layers[0], self.decoder.layers[0]
        W_e = enc.W.astype(np.float64)
        b_e = enc.b.astype(np.float64)
        losses = []
        for _ in range(n_iter):
            CWt = C @ W_e.T                                      # Cov(x, h)   (d, k)
            S_h = W_e @ CWt                                      # Cov(h)      (k, k)
            W_d = np.linalg.solve(S_h, CWt.T).T                  # decoder step
            b_d = mu - W_d @ (W_e @ mu + b_e)
            losses.append(float(0.5 * np.trace(C) - np.sum(CWt * W_d)
                                + 0.5 * np.sum((W_d @ S_h) * W_d)))
            W_e = np.linalg.solve(W_d.T @ W_d, W_d.T)            # encoder step
            b_e = -W_e @ b_d
        dec.params["W"][...] = W_d
        dec.params["b"][...] = b_d
        enc.params["W"][...] = W_e
        enc.params["b"][...] = b_e
        return losses

    def __repr__(self):
        return (f"{type(self).__name__}(layer_sizes={self.layer_sizes}, "
                f"activation={self.activation!r}, code_activation={self.code_activation!r}, "
                f"loss={self.loss_name!r}, tied={self.tied}, dtype={self.dtype.name})")
