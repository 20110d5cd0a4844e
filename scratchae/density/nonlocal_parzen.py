"""Non-local Manifold Parzen windows (Bengio, Larochelle & Vincent, NIPS 2005/2006; slides,
part 02, "Non-local Manifold Parzen Windows").

Manifold Parzen windows estimate each point's tangent plane from its own k neighbours only: a
*local* estimate, noisy where data are scarce. The non-local version lets one neural network
predict, as smooth functions of x, everything the Gaussian at x needs -- so what is learnt in
one region of the manifold carries over to others:

    h(x)       = tanh(V x + c)                      (n_hidden units; one Dense layer)
    out(x)     = W h(x) + b                         (one linear Dense layer), read as
    F(x)       : d x D, the d predicted tangent vectors f_1 .. f_d (rows, not orthonormal)
    mu(x)      : D, a shift of the Gaussian's centre (optional)
    s2(x)      = sigma0^2 + softplus(s(x)),  s(x) the last output: the noise variance,
                 never below sigma0^2

    Sigma(x)   = s2(x) I + F(x)' F(x)

The density is the mixture over the n training points

    p(y) = (1/n) sum_t N(y; x_t + mu(x_t), Sigma(x_t)),

and the network is trained so that the Gaussian it predicts at x_t explains x_t's k nearest
neighbours x_j: it minimises the mean over all (t, j) pairs of

    NLL_tj = -log N(z_tj; 0, Sigma_t),   z_tj = x_j - x_t - mu_t.

The gradient of that NLL with respect to F, mu and s2 is worked out in
:func:`factor_gaussian_nll` (never forming a D x D matrix); the network's own gradients then
come from the four backprop equations of :mod:`scratchae.nn` (``Network.backward`` given
dC/d out). Both are checked against finite differences in ``tests/test_density.py``.

The slide's table: 3.64% test error on USPS as a Bayes classifier with d = 7, k = 10,
k_mu = 10, sigma0^2 = 0.05, n_hidden = 70 (k_mu = k: every neighbour also trains mu, which is
what this implementation does).
"""
import numbers

import numpy as np

from scratchae._validation import check_fitted, check_positive, make_rng
from scratchae.density._common import (check_data, check_int, kneighbors,
                                       one_blas_thread)
from scratchae.density.lowrank import LowRankMixture, factors_to_eigen
from scratchae.nn import optimizers as optimizers_module
from scratchae.nn.network import Network
from scratchae.nn.training import apply_step, fit_loop

__all__ = ["NonLocalManifoldParzen", "factor_gaussian_nll"]

LOG_2PI = np.log(2.0 * np.pi)


def _softplus(s):
    return np.maximum(s, 0.0) + np.log1p(np.exp(-np.abs(s)))


def _sigmoid(s):
    e = np.exp(-np.abs(s))
    return np.where(s >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def factor_gaussian_nll(Z, F, noise_var):
    """Mean negative log-likelihood of offsets under N(0, s2 I + F'F), and its gradients.

    Parameters
    ----------
    Z : (B, k, D)
        z_tj, the k offsets explained by Gaussian t (already shifted by mu_t)
    F : (B, d, D)
        the d factors (tangent vectors) of Gaussian t, as rows
    noise_var : (B,)
        s2_t > 0

    Returns
    -------
    loss : float
        the mean of NLL_tj over the B k pairs.
    dF : (B, d, D)
        dloss/dF.
    dZsum : (B, D)
        sum_j dloss/dz_tj (so dloss/dmu_t = -dZsum[t], since z = x_j - x_t - mu_t).
    dnoise : (B,)
        dloss/ds2.

    Notes
    -----
    Derivation (one pair; drop t and j). Sigma = s2 I + F'F (D x D) is never formed. Its small
    d x d sibling M = s2 I_d + F F' carries everything:

    * Woodbury: Sigma^-1 = (I - F' M^-1 F) / s2, so  w := Sigma^-1 z = (z - F' M^-1 F z) / s2
      and  z' Sigma^-1 z = (|z|^2 - (Fz)' M^-1 (Fz)) / s2.
    * Determinant lemma: log det Sigma = (D - d) log s2 + log det M.
    * NLL = (D log 2 pi + log det Sigma + z' Sigma^-1 z) / 2.

    Differentiating, dNLL = 1/2 tr((Sigma^-1 - w w') dSigma), because d log det Sigma =
    tr(Sigma^-1 dSigma) and d(z' Sigma^-1 z) = -w' dSigma w. Then

    * through F:  dSigma = dF' F + F' dF, and G = Sigma^-1 - w w' is symmetric, so
      dNLL/dF = F G = F Sigma^-1 - (F w) w'. And F Sigma^-1 = M^-1 F (from Sigma F' = F' M), so:

          dNLL/dF = M^-1 F - (F w) w'                           (d x D, no D x D term)

    * through s2: dSigma = I, so dNLL/ds2 = (tr Sigma^-1 - |w|^2) / 2 with:

          tr Sigma^-1 = (D - d)/s2 + tr M^-1      (from tr(F' M^-1 F) = tr(M^-1 (M - s2 I)))

    * through z:  dNLL/dz = Sigma^-1 z = w.

    Summed over the k offsets of Gaussian t: dF_t = k M^-1 F - (F W')W with W the k rows w_j;
    dnoise_t = (k tr Sigma^-1 - sum_j |w_j|^2) / 2; dZsum_t = sum_j w_j. All divided by B k.
    """
    B, k, dim = Z.shape
    d = F.shape[1]
    eye = np.eye(d)
    M = noise_var[:, None, None] * eye + F @ F.transpose(0, 2, 1)         # (B, d, d)
    chol = np.linalg.cholesky(M)
    M_inv = np.linalg.inv(M)
    FZ = Z @ F.transpose(0, 2, 1)                                          # (B, k, d)
    MinvFZ = FZ @ M_inv                                                    # (B, k, d), M sym.
    zz = np.einsum("bkD,bkD->bk", Z, Z)
    maha = (zz - np.einsum("bkd,bkd->bk", FZ, MinvFZ)) / noise_var[:, None]
    log_det = (dim - d) * np.log(noise_var) + 2.0 * np.sum(
        np.log(np.diagonal(chol, axis1=1, axis2=2)), axis=1)
    nll = 0.5 * (dim * LOG_2PI + log_det[:, None] + maha)                  # (B, k)
    loss = float(nll.mean())

    W = (Z - MinvFZ @ F) / noise_var[:, None, None]                        # (B, k, D), w_j
    scale = 1.0 / (B * k)
    dF = (k * (M_inv @ F) - (F @ W.transpose(0, 2, 1)) @ W) * scale       # (B, d, D)
    tr_sigma_inv = (dim - d) / noise_var + np.trace(M_inv, axis1=1, axis2=2)
    dnoise = 0.5 * (k * tr_sigma_inv - np.einsum("bkD,bkD->b", W, W)) * scale
    dZsum = W.sum(axis=1) * scale
    return loss, dF, dZsum, dnoise


class NonLocalManifoldParzen:
    """Non-local Manifold Parzen density estimator (scikit-learn style; module docstring).

    Attributes after ``fit``: ``X_``, ``neighbors_``, ``network_`` (a
    :class:`~scratchae.nn.network.Network`), ``history_`` (per-epoch mean NLL, and
    ``val_log_likelihood`` when ``X_val`` was given), ``best_epoch_``, ``n_features_in_``.

    Parameters
    ----------
    n_components : int >= 1
        d, tangent vectors predicted per point (<= D).
    n_neighbors : int >= 1
        k, neighbours each Gaussian is trained to explain (< n).
    n_hidden : int >= 1
        tanh hidden units of the network.
    sigma0_sq : float > 0
        floor of the predicted noise variance s2(x).
    use_mu : bool
        predict the centre shift mu(x) (else mu = 0).
    epochs, batch_size, lr, optimizer, weight_decay
        training by mini-batch gradient descent over training points (each with its k
        neighbours), through :mod:`scratchae.nn`.
    seed : int
        initial weights and batch order.
    dtype : float64 or float32
        of the network (gradient checks need float64).
    progress : bool or "auto"
        tqdm progress bar.
    """

    def __init__(self, n_components=7, n_neighbors=10, n_hidden=70, sigma0_sq=0.05,
                 use_mu=True, epochs=50, batch_size=32, lr=1e-3, optimizer="adam",
                 weight_decay=0.0, seed=0, dtype=np.float64, progress=False):
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.n_hidden = n_hidden
        self.sigma0_sq = sigma0_sq
        self.use_mu = use_mu
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.seed = seed
        self.dtype = dtype
        self.progress = progress

    def _check_params(self):
        """Check the hyperparameters (called by ``fit``)."""
        self.n_components = check_int(self.n_components, "n_components", 1)
        self.n_neighbors = check_int(self.n_neighbors, "n_neighbors", 1)
        self.n_hidden = check_int(self.n_hidden, "n_hidden", 1)
        self.sigma0_sq = float(check_positive(self.sigma0_sq, "sigma0_sq"))
        self.use_mu = bool(self.use_mu)
        self.epochs = check_int(self.epochs, "epochs", 0)
        self.batch_size = check_int(self.batch_size, "batch_size", 1)
        self.lr = float(check_positive(self.lr, "lr"))
        if isinstance(self.weight_decay, bool) or not isinstance(self.weight_decay, numbers.Real) \
                or not (np.isfinite(self.weight_decay) and self.weight_decay >= 0):
            raise ValueError(f"weight_decay must be >= 0; got {self.weight_decay!r}")
        self.weight_decay = float(self.weight_decay)
        self.dtype = np.dtype(self.dtype)

    def get_params(self):
        return {k: getattr(self, k) for k in (
            "n_components", "n_neighbors", "n_hidden", "sigma0_sq", "use_mu", "epochs",
            "batch_size", "lr", "optimizer", "weight_decay", "seed", "progress")}

    # ------------------------------------------------------------------------ the network
    def _n_outputs(self, dim):
        return self.n_components * dim + (dim if self.use_mu else 0) + 1

    def build_network(self, dim, noise_init=None):
        """A fresh network D -> n_hidden (tanh) -> d D [+ D] + 1 (linear). The bias of the
        noise output starts where s2 = ``noise_init`` (if given and > sigma0^2)."""
        self._check_params()
        net = Network.from_sizes([dim, self.n_hidden, self._n_outputs(dim)], activation="tanh",
                                 output_activation="identity", rng=make_rng(self.seed),
                                 dtype=self.dtype)
        if noise_init is not None and noise_init > self.sigma0_sq:
            excess = noise_init - self.sigma0_sq
            net.layers[-1].params["b"][-1] = excess + np.log(-np.expm1(-excess))  # softplus^-1
        return net

    def _split(self, out, dim):
        """Network outputs (B, n_out) -> F (B, d, D), mu (B, D), s (B,)."""
        d = self.n_components
        F = out[:, :d * dim].reshape(-1, d, dim)
        mu = out[:, d * dim:d * dim + dim] if self.use_mu else np.zeros((out.shape[0], dim))
        return F, mu, out[:, -1]

    def predict_gaussians(self, X):
        """The network's Gaussian at each row of ``X``: ``(F (m, d, D), mu (m, D), s2 (m,))``."""
        check_fitted(self, "network_")
        X = check_data(X, "X", n_features=self.n_features_in_)
        out = self.network_.forward(X.astype(self.dtype, copy=False)).astype(np.float64)
        F, mu, s = self._split(out, X.shape[1])
        return F, mu, self.sigma0_sq + _softplus(s)

    # ------------------------------------------------------------------ loss and gradients
    def loss_and_grads(self, X_t, neighbors_t):
        """Mean NLL of the neighbours ``neighbors_t`` (B, k, D) under the Gaussians predicted at
        ``X_t`` (B, D), and its gradient for every network parameter.

        Chain: out = net(x_t) -> (F, mu, s) -> s2 = sigma0^2 + softplus(s) ->
        z = x_j - x_t - mu -> NLL (:func:`factor_gaussian_nll`). Backwards:
        dL/dF, dL/dmu = -sum_j dL/dz_j, dL/ds = dL/ds2 * sigmoid(s), concatenated into
        dL/d out and handed to ``Network.backward`` (BP1-BP4).
        Returns ``(loss, grads)`` with grads named as ``network_.params()``.
        """
        net = self.network_
        dim = X_t.shape[1]
        out = net.forward(X_t.astype(self.dtype, copy=False)).astype(np.float64)
        F, mu, s = self._split(out, dim)
        noise = self.sigma0_sq + _softplus(s)
        Z = neighbors_t - X_t[:, None, :] - mu[:, None, :]
        loss, dF, dZsum, dnoise = factor_gaussian_nll(Z, F, noise)
        parts = [dF.reshape(len(X_t), -1)]
        if self.use_mu:
            parts.append(-dZsum)
        parts.append((dnoise * _sigmoid(s))[:, None])
        grad_out = np.concatenate(parts, axis=1).astype(self.dtype, copy=False)
        net.backward(grad_output=grad_out, need_input_grad=False)
        return loss, net.grads()

    # ---------------------------------------------------------------------------- fitting
    def fit(self, X, y=None, X_val=None, callback=None):
        """Train the network on the (point, neighbour) pairs of ``X`` (n, D). With ``X_val`` (a
        validation split of the training data), the mean validation log-likelihood is recorded
        after every epoch and the parameters of the best epoch are kept. ``callback(epoch,
        model)`` is called after every epoch (``model.score_samples`` then uses the current
        parameters); returning True stops training. Returns ``self``."""
        self._check_params()
        X = check_data(X, "X")
        n, dim = X.shape
        if self.n_neighbors >= n:
            raise ValueError(f"n_neighbors must be smaller than the number of training points "
                             f"({n}); got n_neighbors={self.n_neighbors}")
        if self.n_components > dim:
            raise ValueError(f"n_components must be <= the number of features ({dim}); "
                             f"got {self.n_components}")
        if X_val is not None:
            X_val = check_data(X_val, "X_val", n_features=dim)
        self.X_ = np.array(X, dtype=np.float64, copy=True)
        self.n_features_in_ = dim
        self.neighbors_ = kneighbors(self.X_, self.n_neighbors)
        offsets = self.X_[self.neighbors_] - self.X_[:, None, :]
        noise_init = float(np.mean(offsets * offsets))          # isotropic ML variance
        self.network_ = self.build_network(dim, noise_init)
        self._mixture = None
        params = self.network_.params()
        opt = optimizers_module.get(self.optimizer, lr=self.lr, weight_decay=self.weight_decay)
        rng = make_rng(self.seed)
        best = {"score": -np.inf, "epoch": self.epochs, "params": None}

        def step(idx):
            loss, grads = self.loss_and_grads(self.X_[idx], self.X_[self.neighbors_[idx]])
            apply_step(opt, params, grads, loss, where="in NonLocalManifoldParzen.fit")
            return {"loss": loss}

        def validate():
            self._mixture = None
            score = float(np.mean(self.score_samples(X_val)))
            if score > best["score"]:
                best.update(score=score, params={k: v.copy() for k, v in params.items()})
            return {"log_likelihood": score}

        def after_epoch(epoch, history):
            self._mixture = None
            return bool(callback(epoch, self)) if callback is not None else False

        if self.epochs > 0:
            with one_blas_thread():
                history = fit_loop(step, n, self.epochs, self.batch_size, rng=rng,
                                   validate=validate if X_val is not None else None,
                                   progress=self.progress, desc="NonLocalManifoldParzen",
                                   callback=after_epoch)
        else:
            from scratchae.nn.training import History
            history = History()
        self.history_ = history
        self.best_epoch_ = self.epochs
        if X_val is not None and best["params"] is not None:
            scores = history["val_log_likelihood"]
            self.best_epoch_ = int(np.argmax(scores)) + 1
            self.network_.set_params(best["params"])
        self._mixture = None
        return self

    # --------------------------------------------------------------------------- density
    def mixture(self):
        """The fitted density as a :class:`~scratchae.density.lowrank.LowRankMixture`:
        centres x_t + mu(x_t), directions and variances from the SVD of F(x_t), noise s2(x_t)."""
        check_fitted(self, "network_")
        if self._mixture is None:
            F, mu, noise = self.predict_gaussians(self.X_)
            U, lam = factors_to_eigen(F)
            self._mixture = LowRankMixture(self.X_ + mu, U, lam, noise)
        return self._mixture

    def score_samples(self, X):
        """log p(x) for each row of ``X`` (m, D) -> (m,) float64."""
        check_fitted(self, "network_")
        X = check_data(X, "X", n_features=self.n_features_in_)
        return self.mixture().score_samples(X)

    def score(self, X, y=None):
        """Total log-likelihood of ``X`` (scikit-learn's convention)."""
        return float(np.sum(self.score_samples(X)))

    def __repr__(self):
        return (f"NonLocalManifoldParzen(n_components={self.n_components}, "
                f"n_neighbors={self.n_neighbors}, n_hidden={self.n_hidden}, "
                f"sigma0_sq={self.sigma0_sq:.4g})")
