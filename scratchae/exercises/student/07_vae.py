"""Exercise 07: the variational autoencoder's pieces (lesson 11).

Slides: part 04, "Reparameterization Trick" (which writes z = mu + sigma^2 (.) eps: is that
right? compute the variance of z), "KL divergence ... Easy to compute!!", "Assumption 3-1"
(the Bernoulli decoder), and the importance-sampled log-likelihood of the IWAE bound
(Burda et al. 2015) that lesson 11 reports.

Notation: the encoder outputs mu and log_var = log sigma^2, each (M, J); eps ~ N(0, I) has the
same shape. Per-example values have shape (M,); the gradients asked for are those of the
per-example values (no 1/M).

Derive:
  1. z as a deterministic function of (mu, log_var, eps) such that z ~ N(mu, diag sigma^2);
     then dC/dmu and dC/dlog_var given dC/dz, with eps held fixed.
  2. KL(N(mu, diag sigma^2) || N(0, I)) per example, and its gradients w.r.t. mu and log_var.
     (It must stay finite for a near-zero variance, log_var = -800.)
  3. -log Bernoulli(x; sigmoid(l)) per example from the decoder's logits l, and its gradient
     w.r.t. l, finite for l = -800 and 800 (never take the log of a probability that may
     round to 0 or 1: rewrite log sigmoid(l) and log(1 - sigmoid(l)) in terms of l).
  4. log (1/k) sum_k exp(a_k) along the last axis, for log importance weights a around -1000
     (and around 800): the last step of the IWAE estimate of log p(x).
  5. The loss ledger (lesson 11 prints one for a trained model). Given each image's
     reconstruction NLL and KL in nats (sums over its pixels / latent units) and the number of
     pixels D, return a dict:
        "recon_per_image"  mean over the batch of the reconstruction NLL      (nats / image)
        "kl_per_image"     mean over the batch of the KL                      (nats / image)
        "loss_per_image"   the negative ELBO per image                        (nats / image)
        "recon_per_pixel"  what a framework's BCE with reduction="mean" reports (nats / pixel)
        "bits_per_dim"     the negative ELBO per image in bits per pixel
        "sum_reduction"    what a framework's BCE with reduction="sum" reports for this batch

You may use scratchae.nn.activations.Sigmoid and Softplus, and numpy.

Check your answers:  python 07_vae.py   (or: scratchae exercises check 07_vae)
"""
import numpy as np  # noqa: F401  (you will need it)


def reparameterize(mu, log_var, eps):
    """z ~ N(mu, diag exp(log_var)) written with eps ~ N(0, I). All (M, J). Returns z (M, J)."""
    raise NotImplementedError


def reparameterize_backward(grad_z, log_var, eps):
    """(dC/dmu, dC/dlog_var) given dC/dz, eps held fixed. All (M, J)."""
    raise NotImplementedError


def gaussian_kl(mu, log_var):
    """KL(N(mu, diag exp(log_var)) || N(0, I)) per example. (M, J) -> (M,)."""
    raise NotImplementedError


def gaussian_kl_grad(mu, log_var):
    """(dKL/dmu, dKL/dlog_var), each (M, J)."""
    raise NotImplementedError


def bernoulli_logits_nll(logits, x):
    """(-log Bernoulli(x; sigmoid(logits)) per example (M,), its gradient w.r.t. logits (M, D))."""
    raise NotImplementedError


def log_mean_exp(a):
    """log (1/k) sum_k exp(a[..., k]) along the last axis. (M, k) -> (M,)."""
    raise NotImplementedError


def loss_ledger(nll_rows, kl_rows, n_pixels):
    """The ledger dict described in the module docstring. nll_rows, kl_rows : (M,) in nats;
    n_pixels : int. Every value is a float."""
    raise NotImplementedError


if __name__ == "__main__":
    from scratchae.exercises import check_file
    raise SystemExit(check_file(__file__, "07_vae"))
