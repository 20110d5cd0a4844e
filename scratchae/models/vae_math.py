"""The pieces of a VAE that ``scratchae.nn`` lacks, each beside its gradient (slides, part 04).

A VAE's loss for one example x (slides, "Final Optimization Problem"):

    L(x) = -E_{q(z|x)}[log p(x|z)] + KL(q(z|x) || p(z)),   q(z|x) = N(mu, diag sigma^2),
                                                           p(z) = N(0, I)

needs, beyond the networks and their losses:

* :func:`reparameterize` / :func:`reparameterize_backward`   z = mu + sigma (.) eps and its
  gradients with eps held fixed (slides, "Reparameterization Trick");
* :func:`gaussian_kl` / :func:`gaussian_kl_grad`             the closed-form KL to N(0, I)
  (slides, "KL divergence ... Easy to compute!!");
* :func:`gaussian_log_density`, :func:`standard_normal_log_density`, :func:`log_mean_exp`
  for the importance-sampled log-likelihood (IWAE, Burda et al. 2015);
* :func:`bernoulli_logit_nll_grad`                          -log Bernoulli(x; sigmoid(l)) and
  its gradient in one call, for a decoder that outputs logits (slides, "Assumption 3-1");
* :func:`gaussian_nll` / :func:`gaussian_nll_grad`           -log N(x; m, diag e^s) for a
  Gaussian decoder whose variance is learned (slides, "Assumption 3-2");
* :func:`log_softmax`, :func:`categorical_entropy` / :func:`categorical_entropy_grad` and
  :func:`expectation_grad` for the semi-supervised M2 model (Kingma et al. 2014).

Shapes: rows are examples. ``mu``, ``log_var``, ``eps``, ``z`` are ``(batch, J)`` (or any shape
that broadcasts the same way); per-example values are ``(batch,)``. Gradients returned here are
of the *per-example sums* (no 1/M); the model divides by the batch size where it averages.

The slide writes the sampling step as z = mu + sigma^2 (.) eps; that is a slip -- it gives z the
variance sigma^4. :func:`reparameterize_slide_slip` keeps the slip for the lesson that shows a check
telling the two apart; nothing in the library uses it.
"""
import numpy as np

from scratchae.nn.activations import Sigmoid
from scratchae.nn.losses import bernoulli_logit_nll_rows

__all__ = [
    "LOG_2PI", "reparameterize", "reparameterize_backward", "reparameterize_slide_slip",
    "gaussian_kl", "gaussian_kl_grad", "gaussian_log_density", "standard_normal_log_density",
    "log_sum_exp", "log_mean_exp", "bernoulli_logit_nll_grad", "gaussian_nll", "gaussian_nll_grad",
    "log_softmax", "categorical_entropy", "categorical_entropy_grad", "expectation_grad",
]

LOG_2PI = float(np.log(2.0 * np.pi))
_SIGMOID = Sigmoid()


def _same_shape(a, b, name_a, name_b):
    if np.shape(a) != np.shape(b):
        raise ValueError(f"{name_a} and {name_b} must have the same shape; got {np.shape(a)} and "
                         f"{np.shape(b)}")


# ------------------------------------------------------------------------ reparameterisation
def reparameterize(mu, log_var, eps):
    """z = mu + sigma (.) eps,  sigma = exp(log_var / 2)   (slides, "Reparameterization Trick").

    If eps ~ N(0, I) then z ~ N(mu, diag sigma^2): the randomness sits in eps, which does not
    depend on the encoder's parameters, so z is a deterministic, differentiable function of
    (mu, log_var) and backprop can run through it.

    Inputs: ``mu``, ``log_var``, ``eps`` of one shape, e.g. (batch, J). Returns ``z`` (same shape).
    The encoder outputs log sigma^2 rather than sigma so that sigma = exp(log_var / 2) is positive
    without a constraint. Note the 1/2: exp(log_var) would be the *variance*.
    """
    _same_shape(mu, log_var, "mu", "log_var")
    _same_shape(mu, eps, "mu", "eps")
    return mu + np.exp(0.5 * log_var) * eps


def reparameterize_backward(grad_z, log_var, eps):
    """Gradients through z = mu + exp(log_var / 2) (.) eps, with eps held fixed.

    Derivation (element by element; z_j depends only on mu_j and log_var_j):

        dz_j/dmu_j      = 1                          =>  dC/dmu      = dC/dz
        dz_j/dlog_var_j = eps_j * exp(log_var_j/2)/2  =>  dC/dlog_var = dC/dz (.) eps (.) sigma / 2
                        = (z_j - mu_j) / 2

    Inputs: ``grad_z`` = dC/dz, ``log_var``, ``eps`` of one shape. Returns
    ``(grad_mu, grad_log_var)`` of that shape.
    """
    _same_shape(grad_z, log_var, "grad_z", "log_var")
    _same_shape(grad_z, eps, "grad_z", "eps")
    grad_mu = np.array(grad_z, copy=True)
    grad_log_var = grad_z * eps * (0.5 * np.exp(0.5 * log_var))
    return grad_mu, grad_log_var


def reparameterize_slide_slip(mu, log_var, eps):
    """THE SLIDE'S SLIP, kept only to show that it is wrong: z = mu + sigma^2 (.) eps.

    Its z has variance sigma^4, not sigma^2, so it does not sample q(z|x) = N(mu, sigma^2)
    (they agree only where sigma = 1). The lesson and a test tell the two apart by the sample
    variance of z. Never used for training.
    """
    _same_shape(mu, log_var, "mu", "log_var")
    _same_shape(mu, eps, "mu", "eps")
    return mu + np.exp(log_var) * eps


# ------------------------------------------------------------------------------------- KL
def gaussian_kl(mu, log_var):
    """KL(N(mu, diag sigma^2) || N(0, I)) per example, in closed form (slides, part 04):

        KL = 1/2 sum_j (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1)

    It is the general formula 1/2 {tr(S1^-1 S0) + (m1 - m0)^T S1^-1 (m1 - m0) - k + ln |S1|/|S0|}
    with m1 = 0, S1 = I, S0 = diag sigma^2. Computed from log_var, so log 0 is never taken.

    Inputs: ``mu``, ``log_var`` (batch, J). Returns (batch,).
    """
    _same_shape(mu, log_var, "mu", "log_var")
    mu = np.asarray(mu)
    if mu.ndim < 1:
        raise ValueError("mu must have shape (batch, J); got a scalar")
    return 0.5 * np.sum(mu * mu + np.exp(log_var) - log_var - 1.0, axis=-1)


def gaussian_kl_grad(mu, log_var):
    """Gradient of :func:`gaussian_kl` for each example:

        dKL/dmu_j      = mu_j
        dKL/dlog_var_j = 1/2 (d/ds (e^s - s))  = 1/2 (sigma_j^2 - 1)      (s = log sigma_j^2)

    The KL is smallest (zero) at mu = 0, sigma = 1, where both gradients vanish.
    Inputs: ``mu``, ``log_var`` (batch, J). Returns ``(grad_mu, grad_log_var)``, each (batch, J).
    """
    _same_shape(mu, log_var, "mu", "log_var")
    return np.array(mu, copy=True), 0.5 * (np.exp(log_var) - 1.0)


# ------------------------------------------------------------------------ log densities
def gaussian_log_density(z, mu, log_var):
    """log N(z; mu, diag sigma^2) per row:

        -1/2 sum_j [log 2 pi + log sigma_j^2 + (z_j - mu_j)^2 / sigma_j^2]

    Inputs: ``z``, ``mu``, ``log_var`` of one shape (..., J). Returns shape (...,).
    """
    _same_shape(z, mu, "z", "mu")
    _same_shape(z, log_var, "z", "log_var")
    d = z - mu
    return -0.5 * np.sum(LOG_2PI + log_var + d * d * np.exp(-log_var), axis=-1)


def standard_normal_log_density(z):
    """log N(z; 0, I) = -1/2 sum_j (log 2 pi + z_j^2) per row.  (..., J) -> (...,)."""
    z = np.asarray(z)
    return -0.5 * np.sum(LOG_2PI + z * z, axis=-1)


def log_sum_exp(a, axis=-1):
    """log sum_k exp(a_k) along ``axis``, computed as m + log sum_k exp(a_k - m), m = max_k a_k,
    so that nothing overflows (and an all -inf row gives -inf, not NaN)."""
    a = np.asarray(a)
    if a.size == 0 or a.shape[axis] == 0:
        raise ValueError(f"log_sum_exp needs at least one value along axis {axis}; got shape "
                         f"{a.shape}")
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):               # log 0 = -inf only for an all -inf row
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return np.squeeze(out, axis=axis)


def log_mean_exp(a, axis=-1):
    """log (1/k) sum_k exp(a_k) = log_sum_exp(a) - log k: the IWAE estimator's last step,

        log p(x) ~= log (1/k) sum_k p(x|z_k) p(z_k) / q(z_k|x),   z_k ~ q(z|x)

    with ``a`` the log importance weights. Stable for very negative ``a`` (log p(x|z) ~ -100).
    """
    a = np.asarray(a)
    return log_sum_exp(a, axis=axis) - np.log(a.shape[axis])


# ------------------------------------------------------------ Bernoulli decoder likelihood
def bernoulli_logit_nll_grad(logits, x):
    """-log Bernoulli(x; sigmoid(l)) per row and its gradient, from the decoder's logits l:

        nll_r = sum_j softplus(l_rj) - x_rj l_rj      (no overflow, no log 0)
        g_rj  = d nll_r / d l_rj = sigmoid(l_rj) - x_rj

    (the from-logits forms of :class:`scratchae.nn.losses.BernoulliNLL`, per-example sums, no 1/M;
    the sums are :func:`scratchae.nn.losses.bernoulli_logit_nll_rows` and the sigmoid is
    :class:`scratchae.nn.activations.Sigmoid`, both working in place).

    (Why this is NumPy and not a numba kernel: ``docs/speed_notes_models.md``.)

    (rows, D), (rows, D) -> ((rows,), (rows, D)), both in the logits' dtype.
    """
    logits = np.asarray(logits)
    _same_shape(logits, x, "logits", "x")
    grad = _SIGMOID.f(logits)
    grad -= x                                           # sigmoid(l) - x
    return bernoulli_logit_nll_rows(logits, x), grad


# ------------------------------------------------------------- Gaussian decoder likelihood
def gaussian_nll(x, mean, log_var):
    """-log N(x; mean, diag e^{log_var}) per row, constant included (slides, Assumption 3-2):

        1/2 sum_j [log 2 pi + log_var_j + (x_j - mean_j)^2 e^{-log_var_j}]

    ``log_var`` may be (batch, D) (a variance per example and pixel) or (D,) (one per pixel,
    shared by all examples); it broadcasts against ``x``, ``mean`` (batch, D). Returns (batch,).
    """
    _same_shape(x, mean, "x", "mean")
    d = x - mean
    return 0.5 * np.sum(LOG_2PI + log_var + d * d * np.exp(-log_var), axis=-1)


def gaussian_nll_grad(x, mean, log_var):
    """Gradients of :func:`gaussian_nll` element by element (per-example sums, no 1/M):

        d/dmean_j    = (mean_j - x_j) e^{-log_var_j}
        d/dlog_var_j = 1/2 (1 - (x_j - mean_j)^2 e^{-log_var_j})

    Returns ``(grad_mean, grad_log_var)``, both of the broadcast shape (batch, D); a caller whose
    ``log_var`` is shared over the batch sums ``grad_log_var`` over rows.
    """
    _same_shape(x, mean, "x", "mean")
    inv_var = np.exp(-np.asarray(log_var))
    d = mean - x
    return d * inv_var, 0.5 * (1.0 - d * d * inv_var)


# ------------------------------------------------------------------------ categorical (M2)
def log_softmax(logits):
    """log softmax(c)_k = c_k - log sum_j exp(c_j), row by row, without overflow.
    (batch, K) -> (batch, K)."""
    logits = np.asarray(logits)
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (batch, K); got {logits.shape}")
    return logits - log_sum_exp(logits, axis=1)[:, None]


def categorical_entropy(logits):
    """H(pi) = -sum_k pi_k log pi_k with pi = softmax(logits), per row.  (batch, K) -> (batch,).

    Computed from log_softmax, so log 0 is never taken (pi_k log pi_k -> 0 as pi_k -> 0)."""
    log_pi = log_softmax(logits)
    return -np.sum(np.exp(log_pi) * log_pi, axis=1)


def categorical_entropy_grad(logits):
    """dH/dc for H = -sum_k pi_k log pi_k, pi = softmax(c):

        dH/dpi_k = -(log pi_k + 1),   dpi_k/dc_j = pi_k (delta_kj - pi_j)
        dH/dc_j  = sum_k dH/dpi_k pi_k (delta_kj - pi_j)
                 = -pi_j (log pi_j + 1) + pi_j sum_k pi_k (log pi_k + 1)
                 = -pi_j (log pi_j + H)

    (batch, K) -> (batch, K).
    """
    log_pi = log_softmax(logits)
    pi = np.exp(log_pi)
    entropy = -np.sum(pi * log_pi, axis=1, keepdims=True)
    return -pi * (log_pi + entropy)


def expectation_grad(logits, values):
    """d/dc of E_pi[v] = sum_k pi_k v_k with pi = softmax(c) and ``values`` v held fixed:

        d/dc_j sum_k pi_k v_k = sum_k v_k pi_k (delta_kj - pi_j) = pi_j (v_j - E_pi[v])

    It is how the M2 classifier q(y|x) learns from unlabelled data: the classes whose ELBO-loss
    v_y = L(x, y) is below average gain probability. (batch, K), (batch, K) -> (batch, K).
    """
    _same_shape(logits, values, "logits", "values")
    pi = np.exp(log_softmax(logits))
    return pi * (values - np.sum(pi * values, axis=1, keepdims=True))
