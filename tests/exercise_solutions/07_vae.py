"""Reference solution of exercise 07 (kept out of the package; used by the tests)."""
import numpy as np

from scratchae.nn.activations import Sigmoid, Softplus

_S, _SP = Sigmoid(), Softplus()


def reparameterize(mu, log_var, eps):
    return mu + np.exp(0.5 * log_var) * eps


def reparameterize_backward(grad_z, log_var, eps):
    return grad_z.copy(), grad_z * eps * 0.5 * np.exp(0.5 * log_var)


def gaussian_kl(mu, log_var):
    return 0.5 * np.sum(mu ** 2 + np.exp(log_var) - log_var - 1.0, axis=1)


def gaussian_kl_grad(mu, log_var):
    return mu.copy(), 0.5 * (np.exp(log_var) - 1.0)


def bernoulli_logits_nll(logits, x):
    return np.sum(_SP.f(logits) - x * logits, axis=1), _S.f(logits) - x


def log_mean_exp(a):
    m = a.max(axis=-1, keepdims=True)
    return np.log(np.mean(np.exp(a - m), axis=-1)) + m[..., 0]


def loss_ledger(nll_rows, kl_rows, n_pixels):
    rec, kl = float(np.mean(nll_rows)), float(np.mean(kl_rows))
    return {"recon_per_image": rec, "kl_per_image": kl, "loss_per_image": rec + kl,
            "recon_per_pixel": rec / n_pixels,
            "bits_per_dim": (rec + kl) / n_pixels / np.log(2),
            "sum_reduction": float(np.sum(nll_rows))}
