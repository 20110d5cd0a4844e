"""Contractive autoencoders (slides, part 03, "Stochastic Contractive AutoEncoder (SCAE)" and
"Contractive AutoEncoder (CAE)"; Rifai et al. 2011).

The DAE makes the *reconstruction* insensitive to corruption; the SCAE and the CAE make the
*representation* h insensitive to small changes of x, with tied weights so that h cannot escape
the penalty by collapsing to a constant.

SCAE -- stochastic regularisation
---------------------------------
The loss:

    L_SCAE = (1/M) sum_x [ L(x, g(h(x))) + lambda * E_{x~ ~ N(x, sigma^2 I)} ||h(x) - h(x~)||^2 ]

with the expectation replaced by L samples. Writing e_l = h(x) - h(x~_l) and
P = (lambda / (L M)) sum_{m,l} ||e_ml||^2, the penalty's gradient reaches the weights through two
encoder passes:

    dP/dh(x)   = +(2 lambda / (L M)) sum_l e_l      (added to dC/dz of the ordinary AE pass)
    dP/dh(x~_l) = -(2 lambda / (L M)) e_l           (one more encoder backward pass on the x~)

and the encoder's gradients of the two passes add up (the same weights are used in both).

CAE -- analytic regularisation
------------------------------
For small noise the Taylor expansion h(x + eps) = h(x) + J_h(x) eps + ... gives
E||h(x) - h(x~)||^2 ~= sigma^2 ||J_h(x)||_F^2 (the slide drops the sigma^2; the tests show the
SCAE penalty divided by sigma^2 approaches ||J||_F^2). The CAE penalises the Frobenius norm
directly:

    L_CAE = (1/M) sum_x [ L(x, g(h(x))) + lambda ||J_h(x)||_F^2 ]

For one hidden layer h = s(z), z = W x + b with W of shape (n_h, d), the Jacobian is
J_ji = dh_j/dx_i = s'(z_j) W_ji, so

    ||J_h(x)||_F^2 = sum_j s'(z_j)^2 sum_i W_ji^2 = sum_j s'(z_j)^2 w_j,   w_j = ||W_j||^2

(for the sigmoid s'(z_j) = h_j (1 - h_j): Rifai et al. 2011's sum_j (h_j(1-h_j))^2 sum_i W_ji^2).
Its gradient, per example, by the product rule (w_j through W directly, s'(z_j) through z_j):

    dP/dW_ji = 2 s'(z_j)^2 W_ji  +  2 s'(z_j) s''(z_j) w_j x_i
    dP/db_j  =                      2 s'(z_j) s''(z_j) w_j

with s'' = s'(1 - 2h) for the sigmoid and -2 h s' for tanh. Batch form
(D1 = s'(Z), D2 = s''(Z), both (M, n_h); G = 2 D1 D2 w):

    grad_W = (2/M) (sum_m D1^2)[:, None] * W + (1/M) G^T X,    grad_b = (1/M) sum_m G

:func:`jacobian_penalty` is exactly these lines; the tests check it by finite differences.

Reported quantities (Rifai et al. 2011, the slide's table): the average ||J_h(x)||_F over test
examples (:func:`average_jacobian_norm`, any depth of encoder) and SAT, the average fraction of
saturated hidden units per example (:func:`saturated_fraction`: a unit is saturated when its
activation lies within ``threshold`` (default 0.05) of either bound of its range, e.g. below 0.05
or above 0.95 for a sigmoid).
"""
import numbers

import numpy as np

from scratchae._validation import as_2d_array, check_positive, make_rng
from scratchae.data.corruption import gaussian_noise
from scratchae.models.autoencoder import Autoencoder
from scratchae.nn import activations as activations_module

__all__ = ["ContractiveAutoencoder", "StochasticContractiveAutoencoder", "jacobian_penalty",
           "jacobian_frobenius_norms", "average_jacobian_norm", "saturated_fraction",
           "contraction_stats", "second_derivative"]

#: activations for which s''(z) is written out below.
_SECOND = ("sigmoid", "tanh", "softplus", "identity", "relu", "leaky_relu")


def second_derivative(activation, z):
    """s''(z) for the element-wise activations the analytic CAE penalty supports.

    sigmoid: s'(1 - 2s);  tanh: -2 tanh(z) (1 - tanh^2);  softplus: sigma(z)(1 - sigma(z));
    identity, (leaky) ReLU: 0 (away from the kink).
    """
    act = activations_module.get(activation)
    if act.name not in _SECOND:
        raise ValueError(f"the analytic Jacobian penalty supports activations {_SECOND}; "
                         f"got {act.name!r}")
    if act.name == "sigmoid":
        s = act.f(z)
        return s * (1.0 - s) * (1.0 - 2.0 * s)
    if act.name == "tanh":
        t = np.tanh(z)
        return -2.0 * t * (1.0 - t * t)
    if act.name == "softplus":
        return activations_module.Sigmoid().df(z)
    return np.zeros_like(z)


def jacobian_penalty(x, W, b, activation="sigmoid"):
    """Mean over the batch of ||J_h(x)||_F^2 for h = s(x W^T + b), and its gradients.

    Inputs: ``x`` (M, d), ``W`` (n_h, d), ``b`` (n_h,), ``activation`` a name or object.
    Returns ``(value, grad_W, grad_b)``: a float, (n_h, d), (n_h,). Derivation in the module
    docstring.
    """
    x = np.asarray(x)
    if x.ndim != 2 or W.ndim != 2 or x.shape[1] != W.shape[1] or b.shape != (W.shape[0],):
        raise ValueError(f"need x (M, d), W (n_h, d), b (n_h,); got x {x.shape}, W {W.shape}, "
                         f"b {np.shape(b)}")
    act = activations_module.get(activation)
    M = x.shape[0]
    z = x @ W.T + b
    d1 = act.df(z)                                  # s'(z)   (M, n_h)
    d2 = second_derivative(act, z)                  # s''(z)  (M, n_h)
    w = np.einsum("ji,ji->j", W, W)                 # w_j = sum_i W_ji^2   (n_h,)
    d1sq = d1 * d1
    value = float(np.sum(d1sq * w) / M)
    g = 2.0 * d1 * d2 * w                           # dP/dz   (M, n_h)
    grad_W = (2.0 / M) * d1sq.sum(axis=0)[:, None] * W + (g.T @ x) / M
    grad_b = g.sum(axis=0) / M
    return value, grad_W.astype(W.dtype, copy=False), grad_b.astype(W.dtype, copy=False)


# ------------------------------------------------------------------------------ diagnostics
def _encoder_of(model):
    encoder = getattr(model, "encoder", model)
    if not hasattr(encoder, "layers"):
        raise ValueError(f"expected a model with an encoder Network (or a Network); got {model!r}")
    return encoder


def jacobian_frobenius_norms(model, x, chunk=16):
    """||J_h(x)||_F for every row of ``x``, for the encoder of ``model`` (any depth).

    One layer: sqrt(sum_j s'(z_j)^2 w_j) in closed form. Deeper: forward-mode products
    J = diag(s'(z_L)) W_L ... diag(s'(z_1)) W_1, ``chunk`` examples at a time. Returns (M,).
    """
    encoder = _encoder_of(model)
    x = as_2d_array(x, "x", n_features=encoder.layers[0].n_in, dtype=encoder.dtype)
    layers = encoder.layers
    if any(not layer.activation.elementwise for layer in layers):
        raise ValueError("the Jacobian helper needs element-wise activations")
    if len(layers) == 1:
        layer = layers[0]
        z = layer.pre_activation(x)
        d1 = layer.activation.df(z)
        w = np.einsum("ji,ji->j", layer.W, layer.W)
        return np.sqrt(np.einsum("mj,mj,j->m", d1, d1, w).astype(np.float64))
    out = np.empty(x.shape[0])
    for start in range(0, x.shape[0], chunk):
        a = x[start:start + chunk]
        J = None
        for layer in layers:
            z = layer.pre_activation(a)
            d = layer.activation.df(z)
            J = layer.W[None] if J is None else np.einsum("ij,bjk->bik", layer.W, J)
            J = d[:, :, None] * J
            a = layer.activation.f(z)
        out[start:start + chunk] = np.sqrt(np.einsum("bij,bij->b", J, J))
    return out


def average_jacobian_norm(model, x):
    """The mean over ``x`` of ||J_h(x)||_F (Rifai et al. 2011's "Average ||J_f(x)||_F")."""
    return float(np.mean(jacobian_frobenius_norms(model, x)))


_BOUNDS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def saturated_fraction(model, x, threshold=0.05):
    """SAT: the average over examples of the fraction of code units within ``threshold`` (as a
    fraction of the activation's range) of either bound -- below 0.05 or above 0.95 for a sigmoid.
    Needs a bounded code activation (sigmoid, tanh)."""
    encoder = _encoder_of(model)
    act = encoder.layers[-1].activation
    if act.name not in _BOUNDS:
        raise ValueError(f"saturation needs a bounded code activation {sorted(_BOUNDS)}; "
                         f"got {act.name!r}")
    if not 0.0 < threshold < 0.5:
        raise ValueError(f"threshold must lie in (0, 0.5); got {threshold!r}")
    lo, hi = _BOUNDS[act.name]
    margin = threshold * (hi - lo)
    h = model.encode(x) if hasattr(model, "encode") else encoder.forward(x)
    saturated = (h < lo + margin) | (h > hi - margin)
    return float(np.mean(saturated.mean(axis=1)))


def contraction_stats(model, x, threshold=0.05):
    """{"jacobian_norm": average ||J_h(x)||_F, "saturation": SAT} on ``x``."""
    return {"jacobian_norm": average_jacobian_norm(model, x),
            "saturation": saturated_fraction(model, x, threshold)}


# ----------------------------------------------------------------------------------- models
class StochasticContractiveAutoencoder(Autoencoder):
    """Autoencoder + lambda E||h(x) - h(x~)||^2 with x~ = x + sigma eps (tied weights by default).

    Extra parameters: ``contraction`` (lambda >= 0), ``noise_std`` (sigma in (0, 1]),
    ``n_samples`` (L). Metrics: ``loss`` (the total), ``reconstruction``, ``penalty`` (the
    sample mean of ||h(x) - h(x~)||^2, without lambda).
    """

    def __init__(self, layer_sizes, activation="sigmoid", code_activation=None, loss="bernoulli",
                 tied=True, seed=0, dtype=np.float64, output_activation=None, decoder_sizes=None,
                 contraction=0.1, noise_std=0.1, n_samples=1):
        super().__init__(layer_sizes, activation, code_activation, loss, tied, seed, dtype,
                         output_activation, decoder_sizes)
        self.contraction = _check_nonneg(contraction, "contraction")
        if isinstance(noise_std, (bool, np.bool_)) or not isinstance(noise_std, numbers.Real) \
                or not 0.0 < noise_std <= 1.0:
            raise ValueError(f"noise_std must lie in (0, 1]; got {noise_std!r}")
        self.noise_std = float(noise_std)
        self.n_samples = int(check_positive(n_samples, "n_samples", integer=True))

    def get_config(self):
        config = super().get_config()
        config.update(contraction=self.contraction, noise_std=self.noise_std,
                      n_samples=self.n_samples)
        return config

    def stochastic_penalty(self, x, rng=None):
        """(1/M) sum_m (1/L) sum_l ||h(x_m) - h(x~_ml)||^2 for one draw of the noise (a float)."""
        x = as_2d_array(x, "x", n_features=self.layer_sizes[0], dtype=self.dtype)
        h = self.encode(x)
        x_tilde = gaussian_noise(np.tile(x, (self.n_samples, 1)), self.noise_std, make_rng(rng))
        diff = np.tile(h, (self.n_samples, 1)) - self.encode(x_tilde)
        return float(np.sum(diff * diff) / diff.shape[0])

    def _loss_and_grads(self, batch, rng):
        (x,) = batch
        L, M = self.n_samples, x.shape[0]
        lam = self.contraction
        h = self.encoder.forward(x).copy()
        x_tilde = gaussian_noise(np.tile(x, (L, 1)), self.noise_std, rng)
        h_tilde = self.encoder.forward(x_tilde)
        diff = np.tile(h, (L, 1)) - h_tilde                              # e_ml, (L*M, n_h)
        penalty = float(np.sum(diff * diff) / (L * M))
        # pass 1: dP/dh(x~) = -(2 lambda / (L M)) e, back through the encoder on x~
        self.encoder.backward(grad_output=(-2.0 * lam / (L * M)) * diff, need_input_grad=False)
        noisy_pass = {f"encoder.{k}": v.copy() for k, v in self.encoder.grads().items()}
        # pass 2: the autoencoder on x, with dP/dh(x) = (2 lambda / (L M)) sum_l e_l added to dC/dz
        code_grad = (2.0 * lam / (L * M)) * diff.reshape(L, M, -1).sum(axis=0)
        metrics, grads = self._reconstruction_loss_and_grads(x, x, code_grad=code_grad)
        for name, g in noisy_pass.items():
            grads[name] = grads[name] + g
        recon = metrics["loss"]
        return {"loss": recon + lam * penalty, "reconstruction": recon, "penalty": penalty}, grads

    def evaluate(self, x):
        metrics = super().evaluate(x)
        metrics["jacobian_norm"] = average_jacobian_norm(self, x)
        return metrics


class ContractiveAutoencoder(Autoencoder):
    """One-hidden-layer autoencoder + lambda ||J_h(x)||_F^2 (analytic penalty, tied by default).

    ``layer_sizes`` must be ``[d, n_hidden]``; the code activation (default: ``activation``,
    sigmoid) must be one of those :func:`second_derivative` knows. Extra parameter:
    ``contraction`` (lambda >= 0). Metrics: ``loss`` (the total), ``reconstruction``,
    ``jacobian`` (the batch mean of ||J||_F^2, without lambda).
    """

    def __init__(self, layer_sizes, activation="sigmoid", code_activation=None, loss="bernoulli",
                 tied=True, seed=0, dtype=np.float64, output_activation=None, decoder_sizes=None,
                 contraction=0.1):
        sizes = list(layer_sizes) if isinstance(layer_sizes, (list, tuple, np.ndarray)) else None
        if sizes is None or len(sizes) != 2:
            raise ValueError("the analytic contractive penalty is written for one hidden layer: "
                             f"layer_sizes must be [n_input, n_hidden]; got {layer_sizes!r} "
                             "(stack several CAEs with StackedAutoencoder for depth)")
        super().__init__(layer_sizes, activation, code_activation, loss, tied, seed, dtype,
                         output_activation, decoder_sizes)
        if self.code_activation not in _SECOND:
            raise ValueError(f"the analytic Jacobian penalty supports code activations {_SECOND};"
                             f" got {self.code_activation!r}")
        self.contraction = _check_nonneg(contraction, "contraction")

    def get_config(self):
        config = super().get_config()
        config.update(contraction=self.contraction)
        return config

    def _loss_and_grads(self, batch, rng):
        (x,) = batch
        metrics, grads = self._reconstruction_loss_and_grads(x, x)
        layer = self.encoder.layers[0]
        value, grad_W, grad_b = jacobian_penalty(x, layer.W, layer.b, layer.activation)
        lam = self.contraction
        grads["encoder.0.W"] = grads["encoder.0.W"] + lam * grad_W
        grads["encoder.0.b"] = grads["encoder.0.b"] + lam * grad_b
        recon = metrics["loss"]
        return {"loss": recon + lam * value, "reconstruction": recon, "jacobian": value}, grads

    def evaluate(self, x):
        metrics = super().evaluate(x)
        metrics["jacobian_norm"] = average_jacobian_norm(self, x)
        return metrics


def _check_nonneg(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or \
            not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number; got {value!r}")
    return float(value)
