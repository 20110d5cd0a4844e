"""The VAE's loss ledger: how the two terms of -ELBO are scaled, and what a KL weight changes.

For a VAE with a Bernoulli decoder (slides, part 04, "Final Optimization Problem") the loss of
one image x with D pixels and a code of J numbers is

    -ELBO(x) = R(x) + K(x),   R(x) = sum_{d=1..D} r_d(x),   K(x) = sum_{j=1..J} k_j(x),
    r_d(x) = softplus(l_d) - x_d l_d           (-log Bernoulli(x_d; sigmoid(l_d)), l = g(z))
    k_j(x) = 1/2 (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1),      z = mu + sigma (.) eps.

Frameworks reduce such element-wise arrays in two ways over a batch of B images:
``reduction="sum"`` adds all B*D (or B*J) elements, ``reduction="mean"`` averages them. So
"sum" reports B * mean_x R(x), and "mean" reports mean_x R(x) / D, a per-pixel number.
Dividing nats by ln 2 gives bits; per pixel, that is *bits per dimension*.

Adding a per-pixel-mean reconstruction to a per-image KL, R/D + K = (R + D K)/D, weights the KL
D times more than the ELBO does: with an optimiser that ignores the loss's overall scale (Adam),
that is the loss R + D K, a beta-VAE with beta = D -- a different model, not a rescaling.
:class:`KLWeightedVAE` trains a VAE on ``recon_weight * R + kl_weight * K`` so that both
choices can be trained and compared.
"""
import numpy as np

from scratchae._validation import make_rng
from scratchae.models.vae import VAE
from scratchae.models.vae_math import reparameterize

__all__ = ["elementwise_terms", "loss_ledger", "KLWeightedVAE", "active_units"]

LN2 = float(np.log(2.0))


def _check_bernoulli_vae(vae):
    if not isinstance(vae, VAE) or vae.likelihood != "bernoulli" or vae.n_conditions:
        raise ValueError("the ledger needs an unconditional VAE with likelihood='bernoulli'; "
                         f"got {vae!r}")


def elementwise_terms(vae, x, eps):
    """The loss's element-wise pieces for a batch, one sample of z per image.

    ``x`` (B, D) in [0, 1], ``eps`` (B, J). Returns ``(r, k)``: ``r`` (B, D), the per-pixel
    -log p(x_d | z) in nats, and ``k`` (B, J), the per-code-unit KL in nats
    (``r.sum(1)`` is R(x), ``k.sum(1)`` is K(x)).
    """
    _check_bernoulli_vae(vae)
    x = vae.check_input(x)
    J = vae.latent_dim
    eps = np.asarray(eps, dtype=vae.dtype)
    if eps.shape != (x.shape[0], J):
        raise ValueError(f"eps must have shape ({x.shape[0]}, {J}); got {eps.shape}")
    h = vae.encoder.forward(x)                                   # (B, 2J)
    mu, log_var = h[:, :J].astype(np.float64), h[:, J:].astype(np.float64)
    z = reparameterize(mu, log_var, eps.astype(np.float64))      # (B, J)
    logits = vae.decoder.forward(z.astype(vae.dtype)).astype(np.float64)  # (B, D)
    xd = x.astype(np.float64)
    r = np.maximum(logits, 0) - xd * logits + np.log1p(np.exp(-np.abs(logits)))  # (B, D)
    k = 0.5 * (mu * mu + np.exp(log_var) - log_var - 1.0)        # (B, J)
    return r, k


def loss_ledger(vae, x, rng=None, batch_size=128):
    """The ledger of one model on images ``x`` (n, D): each term per image and per pixel, in
    nats and bits per dimension, and what a framework's ``reduction`` reports for one batch.

    Returns a dict of floats:
    ``D``, ``J``, ``B`` (the batch the reductions are taken over: the first ``batch_size`` rows);
    ``recon_per_image``, ``kl_per_image`` (means over x of R(x), K(x), nats);
    ``recon_per_pixel``, ``kl_per_pixel`` (the same divided by D, nats);
    ``recon_bits_per_dim``, ``kl_bits_per_dim`` (per pixel, divided by ln 2);
    ``recon_reduction_sum``, ``recon_reduction_mean`` (sum / mean of all B*D elements r_d);
    ``kl_reduction_sum``, ``kl_reduction_mean`` (sum / mean of all B*J elements k_j);
    ``recon_batch_per_image``, ``kl_batch_per_image`` (means of R and K over that batch).
    One eps ~ N(0, I) per image, drawn from ``rng``.
    """
    _check_bernoulli_vae(vae)
    x = vae.check_input(x)
    rng = make_rng(rng)
    n, D, J = x.shape[0], x.shape[1], vae.latent_dim
    r, k = elementwise_terms(vae, x, rng.standard_normal((n, J)))
    R, K = r.sum(1), k.sum(1)                                    # (n,), (n,)
    B = min(int(batch_size), n)
    rb, kb = r[:B], k[:B]
    return {
        "D": D, "J": J, "B": B,
        "recon_per_image": float(R.mean()), "kl_per_image": float(K.mean()),
        "recon_per_pixel": float(R.mean() / D), "kl_per_pixel": float(K.mean() / D),
        "recon_bits_per_dim": float(R.mean() / D / LN2),
        "kl_bits_per_dim": float(K.mean() / D / LN2),
        "recon_reduction_sum": float(rb.sum()), "recon_reduction_mean": float(rb.mean()),
        "kl_reduction_sum": float(kb.sum()), "kl_reduction_mean": float(kb.mean()),
        "recon_batch_per_image": float(R[:B].mean()), "kl_batch_per_image": float(K[:B].mean()),
    }


class KLWeightedVAE(VAE):
    """A Bernoulli VAE trained on ``recon_weight * R + kl_weight * K`` (batch mean) instead of
    -ELBO = R + K. ``recon_weight = 1/D, kl_weight = 1`` is "per-pixel mean reconstruction plus
    per-image KL"; ``kl_weight = beta`` with ``recon_weight = 1`` is a beta-VAE. Its ``evaluate``,
    ``elbo`` and ``log_likelihood`` are the plain VAE's (the true, unweighted bound).
    """

    def __init__(self, layer_sizes=(784, 400, 20), activation="relu", seed=0, dtype=np.float32,
                 recon_weight=1.0, kl_weight=1.0, init=None):
        super().__init__(layer_sizes=layer_sizes, activation=activation, likelihood="bernoulli",
                         seed=seed, dtype=dtype, init=init)
        self.recon_weight = float(recon_weight)
        self.kl_weight = float(kl_weight)
        if not (self.recon_weight > 0 and self.kl_weight >= 0):
            raise ValueError(f"recon_weight must be > 0 and kl_weight >= 0; got "
                             f"{recon_weight}, {kl_weight}")

    def get_config(self):
        config = super().get_config()
        for key in ("likelihood", "n_samples", "decoder_sizes", "gaussian_variance"):
            config.pop(key)
        config.update(recon_weight=self.recon_weight, kl_weight=self.kl_weight)
        return config

    def _loss_and_grads(self, batch, rng, eps=None):
        """mean_x [recon_weight R(x) + kl_weight K(x)] on a checked batch, and its gradients:
        the VAE's own forward and backward, with dC/dR_i = recon_weight / M and
        dC/dK_i = kl_weight / M in place of 1/M each. ``recon`` and ``kl`` in the returned
        metrics are the unweighted batch means."""
        x, c = self._inputs(batch)
        M = x.shape[0]
        eps = self._draw_eps(rng, M) if eps is None else self._check_eps(eps, M)
        h = self.encoder.forward(x)                                   # [mu, log_var] (M, 2J)
        recon, kl, cache = self._sample_and_decode(h, x, c, eps, need_grad=True)
        d_recon = np.full(M, self.recon_weight / M, dtype=self.dtype)
        d_kl = np.full(M, self.kl_weight / M, dtype=self.dtype)
        delta_h, grads = self._backward_from_terms(cache, d_recon, d_kl)
        self.encoder.backward(delta=delta_h, need_input_grad=False)
        grads.update({f"encoder.{k}": v for k, v in self.encoder.grads().items()})
        r, k = float(np.mean(recon)), float(np.mean(kl))
        return {"loss": self.recon_weight * r + self.kl_weight * k, "recon": r, "kl": k}, grads


def active_units(vae, x, threshold=0.01):
    """Number of code units j whose mean mu_j(x) varies over the data: Var_x[mu_j(x)] > threshold
    (Burda et al. 2015's activity statistic). An inactive unit carries no information about x."""
    mu = vae.encode(x)                                           # (n, J)
    return int(np.sum(mu.var(axis=0) > threshold))
