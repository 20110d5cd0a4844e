"""A binary restricted Boltzmann machine trained with CD-1 (slides, part 03, "Restricted
Boltzmann Machine": the autoencoder beside the RBM).

    Autoencoder                              RBM
    z_i = sigma(W_i x + b_h,i)               P(h_i = 1 | v) = sigma(W_i v + b_h,i)
    y_j = sigma(W_:j^T z + b_v,j)            P(v_j = 1 | h) = sigma(W_:j^T h + b_v,j)
    deterministic: z is a function of x      stochastic: h is a random variable

Same formulas, same tied weights: the difference is that the RBM *samples*. It defines
p(v) = exp(-F(v)) / Z with the free energy

    F(v) = -b_v . v - sum_i softplus(W_i v + b_h,i)

and  dF/dW_ij = -P(h_i = 1 | v) v_j,   dF/db_h,i = -P(h_i = 1 | v),   dF/db_v,j = -v_j.

The log-likelihood gradient is -dF/dtheta at the data plus E_model[dF/dtheta]; Z makes the second
term intractable, and contrastive divergence (CD-1, Hinton 2002) replaces the model sample by one
Gibbs step started at the data: v0 -> h0 ~ P(h|v0) -> v1 ~ P(v|h0). The *descent direction* used
here is therefore

    grads = mean_batch dF/dtheta (v0) - mean_batch dF/dtheta (v1)

(:meth:`RBM.free_energy_grads` is checked by finite differences; CD-1 is not the gradient of any
function, so a test instead shows that training lowers the reconstruction error). v1 is a binary
sample; both phases use the hidden *probabilities* P(h = 1 | v) rather than samples (inside
dF/dtheta), which lowers the variance of the estimate (Hinton's practical guide, section 3).

``loss`` in the training history is the cross-entropy of the mean-field reconstruction
sigma(W^T P(h|v) + b_v) -- a monitor, not the objective CD-1 follows.
"""
import numpy as np

from scratchae._validation import as_2d_array, check_layer_sizes, make_rng
from scratchae.models.base import Model
from scratchae.nn.activations import Sigmoid, Softplus
from scratchae.nn.losses import BernoulliNLL

__all__ = ["RBM"]

_SIGMOID = Sigmoid()
_SOFTPLUS = Softplus()


class RBM(Model):
    """Binary-binary RBM with ``layer_sizes = [n_visible, n_hidden]``.

    Parameters ``W`` (n_hidden, n_visible), ``b_hidden`` (n_hidden,), ``b_visible`` (n_visible,);
    ``W`` starts as N(0, 0.01^2) and the biases at zero (Hinton's practical guide).
    ``fit`` (inherited) follows CD-1; ``encode`` gives P(h = 1 | v), ``decode`` P(v = 1 | h).
    """

    requires_unit_interval = True

    def __init__(self, layer_sizes, seed=0, dtype=np.float64):
        sizes = check_layer_sizes(layer_sizes)
        if len(sizes) != 2:
            raise ValueError(f"an RBM has one visible and one hidden layer: layer_sizes must be "
                             f"[n_visible, n_hidden]; got {sizes}")
        self.layer_sizes = sizes
        self._init_streams(seed)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a floating type; got {self.dtype}")
        rng = self.stream("init")
        n_v, n_h = sizes
        self.W = (0.01 * rng.standard_normal((n_h, n_v))).astype(self.dtype)
        self.b_hidden = np.zeros(n_h, dtype=self.dtype)
        self.b_visible = np.zeros(n_v, dtype=self.dtype)
        self._bernoulli = BernoulliNLL()

    def get_config(self):
        return {"layer_sizes": list(self.layer_sizes), "seed": self.seed,
                "dtype": self.dtype.name}

    def params(self):
        return {"W": self.W, "b_hidden": self.b_hidden, "b_visible": self.b_visible}

    # ------------------------------------------------------------------ conditionals
    def _v(self, v, name="v"):
        return as_2d_array(v, name, n_features=self.layer_sizes[0], dtype=self.dtype)

    def hidden_probs(self, v):
        """P(h = 1 | v) = sigma(v W^T + b_h): (M, n_visible) -> (M, n_hidden)."""
        return _SIGMOID.f(self._v(v) @ self.W.T + self.b_hidden)

    def visible_probs(self, h):
        """P(v = 1 | h) = sigma(h W + b_v): (M, n_hidden) -> (M, n_visible)."""
        h = as_2d_array(h, "h", n_features=self.layer_sizes[1], dtype=self.dtype)
        return _SIGMOID.f(h @ self.W + self.b_visible)

    @staticmethod
    def sample(probs, rng):
        """Bernoulli samples of ``probs`` (0/1 of the same dtype)."""
        return (rng.random(probs.shape) < probs).astype(probs.dtype)

    encode = hidden_probs
    decode = visible_probs

    def reconstruct(self, v):
        """The mean-field reconstruction P(v = 1 | h = P(h = 1 | v))."""
        return self.visible_probs(self.hidden_probs(v))

    def gibbs_step(self, v, rng=None):
        """One step v -> h ~ P(h|v) -> v' ~ P(v|h); returns (h, v')."""
        rng = make_rng(rng)
        h = self.sample(self.hidden_probs(v), rng)
        return h, self.sample(self.visible_probs(h), rng)

    # --------------------------------------------------------------- free energy, CD-1
    def free_energy(self, v):
        """F(v) = -b_v . v - sum_i softplus(W_i v + b_h,i), per example (M,)."""
        v = self._v(v)
        return -(v @ self.b_visible) - _SOFTPLUS.f(v @ self.W.T + self.b_hidden).sum(axis=1)

    def free_energy_grads(self, v):
        """Gradients of mean_batch F(v): dW = -P(h|v)^T v / M, db_h = -mean P(h|v),
        db_v = -mean v."""
        v = self._v(v)
        ph = self.hidden_probs(v)
        M = v.shape[0]
        return {"W": -(ph.T @ v) / M, "b_hidden": -ph.mean(axis=0), "b_visible": -v.mean(axis=0)}

    def _loss_and_grads(self, batch, rng):
        """CD-1 on ``(v0,)``: grads = dF(v0) - dF(v1) (a descent direction on -log p); ``loss``
        is the mean-field reconstruction cross-entropy (a monitor)."""
        (v0,) = batch
        _, v1 = self.gibbs_step(v0, rng)
        positive = self.free_energy_grads(v0)
        negative = self.free_energy_grads(v1)
        grads = {k: (positive[k] - negative[k]).astype(self.dtype, copy=False) for k in positive}
        return {"loss": float(np.mean(self.reconstruction_loss(v0)))}, grads

    def reconstruction_loss(self, v):
        """Per-example cross-entropy -log p(v | mean-field reconstruction) (M,)."""
        v = self.check_input(v)
        z = self.hidden_probs(v) @ self.W + self.b_visible
        return self._bernoulli.per_example_from_logits(z, v)

    def squared_error(self, v):
        """Per-example sum_j (v_j - reconstruction_j)^2 (M,)."""
        v = self._v(v)
        d = (v - self.reconstruct(v)).astype(np.float64)
        return np.einsum("ij,ij->i", d, d)

    def evaluate(self, x):
        return {"loss": float(np.mean(self.reconstruction_loss(x))),
                "squared_error": float(np.mean(self.squared_error(x)))}

    def __repr__(self):
        return f"RBM(layer_sizes={self.layer_sizes}, dtype={self.dtype.name})"
