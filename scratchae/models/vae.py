"""The variational autoencoder (Kingma & Welling 2014; slides, part 04).

Generative model:  z ~ p(z) = N(0, I),   x ~ p(x|z) = Bernoulli(sigmoid(g(z)))  or  N(g(z), sigma^2)
Inference model:   q(z|x) = N(mu(x), diag sigma^2(x)), the encoder outputs [mu, log sigma^2]

Loss per example (slides, "Final Optimization Problem"), with L samples of z (default L = 1):

    L(x) = -ELBO(x) = (1/L) sum_l -log p(x | z_l)  +  KL(q(z|x) || N(0, I))
                      \\------ reconstruction ----/     \\-- closed form (vae_math) --/
    z_l = mu + sigma (.) eps_l,  eps_l ~ N(0, I)          (reparameterisation, vae_math)

and the training loss is the mean of L(x) over the batch. Backward pass, by hand:

    decoder:  delta at the output from the likelihood (Bernoulli from logits: (sigmoid(g) - x)/(M L))
              -> Network.backward gives dC/dz
    sampling: dC/dmu = dC/dz,  dC/dlog_var = dC/dz (.) eps (.) sigma / 2   (summed over the L samples)
    KL:       + mu / M  and  + (sigma^2 - 1) / (2 M)
    encoder:  Network.backward(delta = [dC/dmu, dC/dlog_var])  (its last layer is linear)

Every formula above is a named function in :mod:`scratchae.models.vae_math` with a finite-
difference test in ``tests/test_vae.py``.

In the code (:meth:`VAE._loss_and_grads`): ``encoder.forward`` gives [mu, log sigma^2];
:meth:`VAE._sample_and_decode` draws z, runs the decoder and returns the two terms per example;
:meth:`VAE._backward_from_terms` takes dC/d(term_i) (1/M each for the batch mean) back through
the decoder, the sampling step and the KL to the encoder's output; ``encoder.backward`` finishes.
The conditional models extend these pieces: :class:`~scratchae.models.cvae.CVAE` appends a
one-hot label c to both networks' inputs (``_inputs``; c is None here), and
:class:`~scratchae.models.cvae.M2` weighs each (x, y) pair's terms by q(y|x) through the same
``_backward_from_terms``.
"""
import numpy as np

from scratchae._validation import as_2d_array, check_layer_sizes, check_positive
from scratchae.models.base import Model
from scratchae.models.vae_math import (
    bernoulli_logit_nll_grad, gaussian_kl, gaussian_kl_grad, gaussian_log_density, gaussian_nll,
    gaussian_nll_grad, log_mean_exp, reparameterize, reparameterize_backward,
    standard_normal_log_density,
)
from scratchae.nn.activations import Sigmoid
from scratchae.nn.losses import BernoulliNLL
from scratchae.nn.network import Network

__all__ = ["VAE"]

LIKELIHOODS = ("bernoulli", "gaussian")
_SIGMOID = Sigmoid()
_BERNOULLI = BernoulliNLL()


def _dtype_name(dtype):
    dt = np.dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64; got {dt}")
    return dt.name


class VAE(Model):
    """A variational autoencoder with a Gaussian encoder and a Bernoulli or Gaussian decoder.

    Attributes: ``encoder`` and ``decoder`` (:class:`~scratchae.nn.network.Network`),
    ``latent_dim``, ``history_`` after ``fit``.

    Parameters
    ----------
    layer_sizes : list of int
        Encoder widths from the input to the code, e.g. ``[784, 400, 20]``: the encoder is
        784 -> 400 -> 2*20 (its last layer linear, outputting [mu, log sigma^2]); the decoder
        mirrors it, 20 -> 400 -> 784 (last layer linear: logits or means).
    activation : str
        Hidden-layer activation of both networks (``"relu"``, ``"tanh"``, ``"softplus"``, ...).
    likelihood : ``"bernoulli"`` or ``"gaussian"``
        p(x|z). Bernoulli needs data in [0, 1] (grey levels allowed) and works from logits.
    seed : int or None
        Seeds the model's named random streams (initial weights, shuffling, training noise,
        evaluation and sampling); None draws fresh entropy (kept in ``seed``).
    dtype : float32 (training speed) or float64 (gradient checks).
    n_samples : int
        L, the number of z drawn per example in the training loss (slides: "Usually L is set to 1").
    decoder_sizes : list of int or None
        Decoder widths from the code to the output; default: ``layer_sizes`` reversed.
    gaussian_variance : float, ``"learned"`` or ``"output"``
        For ``likelihood="gaussian"``: a fixed variance sigma^2 (1.0 gives the slides' squared
        error), one learned log-variance per feature (parameter ``decoder.log_var``), or a
        log-variance per example and feature output by the decoder (slides, Assumption 3-2).
        A learned variance can shrink without bound on features that never vary (MNIST's
        border pixels); use it on data without constant features.
    init : str or None
        Weight initialiser (default: He for rectifiers, Glorot otherwise).
    """

    #: width of the conditioning vector (one-hot label) appended to both networks' inputs
    n_conditions = 0

    def __init__(self, layer_sizes=(784, 400, 20), activation="relu", likelihood="bernoulli",
                 seed=0, dtype=np.float32, n_samples=1, decoder_sizes=None,
                 gaussian_variance=1.0, init=None):
        sizes = check_layer_sizes(layer_sizes)
        if likelihood not in LIKELIHOODS:
            raise ValueError(f"likelihood must be one of {LIKELIHOODS}; got {likelihood!r}")
        check_positive(n_samples, "n_samples", integer=True)
        self.layer_sizes = sizes
        self.activation = activation
        self.likelihood = likelihood
        self._init_streams(seed)
        self.dtype = np.dtype(_dtype_name(dtype))
        self.n_samples = int(n_samples)
        self.init = init
        self.latent_dim = sizes[-1]
        self.n_inputs = sizes[0]
        if decoder_sizes is None:
            decoder_sizes = sizes[::-1]
        decoder_sizes = check_layer_sizes(decoder_sizes, "decoder_sizes")
        if decoder_sizes[0] != self.latent_dim or decoder_sizes[-1] != self.n_inputs:
            raise ValueError(f"decoder_sizes must run from the code width {self.latent_dim} to the "
                             f"input width {self.n_inputs}; got {decoder_sizes}")
        self.decoder_sizes = decoder_sizes
        self.gaussian_variance = self._check_variance(gaussian_variance)
        self.requires_unit_interval = likelihood == "bernoulli"

        rng = self.stream("init")
        C = self.n_conditions
        enc = [sizes[0] + C] + sizes[1:-1] + [2 * self.latent_dim]
        out_width = self.n_inputs * (2 if self._variance_is_output else 1)
        dec = [decoder_sizes[0] + C] + decoder_sizes[1:-1] + [out_width]
        self.encoder = Network.from_sizes(enc, activation=activation, output_activation="identity",
                                          rng=rng, dtype=self.dtype, init=init)
        self.decoder = Network.from_sizes(dec, activation=activation, output_activation="identity",
                                          rng=rng, dtype=self.dtype, init=init)
        self.decoder_log_var = None
        if self.likelihood == "gaussian" and self.gaussian_variance == "learned":
            self.decoder_log_var = np.zeros(self.n_inputs, dtype=self.dtype)
        self._fit_binarize = False

    def _check_variance(self, v):
        if isinstance(v, str):
            if v not in ("learned", "output"):
                raise ValueError(f"gaussian_variance must be a positive number, 'learned' or "
                                 f"'output'; got {v!r}")
            return v
        check_positive(v, "gaussian_variance")
        return float(v)

    @property
    def _variance_is_output(self):
        return self.likelihood == "gaussian" and self.gaussian_variance == "output"

    # ----------------------------------------------------------------------- Model contract
    def get_config(self):
        return {"layer_sizes": list(self.layer_sizes), "activation": self.activation,
                "likelihood": self.likelihood, "seed": self.seed, "dtype": self.dtype.name,
                "n_samples": self.n_samples, "decoder_sizes": list(self.decoder_sizes),
                "gaussian_variance": self.gaussian_variance, "init": self.init}

    def params(self):
        out = {f"encoder.{k}": v for k, v in self.encoder.params().items()}
        out.update({f"decoder.{k}": v for k, v in self.decoder.params().items()})
        if self.decoder_log_var is not None:
            out["decoder.log_var"] = self.decoder_log_var
        return out

    def __repr__(self):
        return (f"{type(self).__name__}(layer_sizes={self.layer_sizes}, activation="
                f"{self.activation!r}, likelihood={self.likelihood!r}, n_samples={self.n_samples}, "
                f"dtype={self.dtype.name})")

    # ------------------------------------------------------------------- the two passes
    def _draw_eps(self, rng, m, n_samples=None):
        L = self.n_samples if n_samples is None else n_samples
        return rng.standard_normal((m, L, self.latent_dim), dtype=self.dtype)

    def _check_eps(self, eps, m):
        eps = np.asarray(eps, dtype=self.dtype)
        if eps.ndim == 2:
            eps = eps[:, None, :]
        if eps.ndim != 3 or eps.shape[0] != m or eps.shape[2] != self.latent_dim:
            raise ValueError(f"eps must have shape ({m}, L, {self.latent_dim}) (or ({m}, "
                             f"{self.latent_dim}) for L = 1); got {np.shape(eps)}")
        return eps

    def _with_condition(self, a, c):
        """[a, c] (rows, . + C): a network's input with the condition appended; a if c is None."""
        return a if c is None else np.concatenate([a, c.astype(a.dtype, copy=False)], axis=1)

    def _decoder_output(self, z, c=None):
        """The decoder's output for codes z (and conditions c): logits (Bernoulli) or means
        (Gaussian; with ``gaussian_variance="output"`` followed by log-variances)."""
        return self.decoder.forward(self._with_condition(z, c))

    def _gaussian_parts(self, out):
        """(mean, log sigma^2) of p(x|z) from the decoder output (Gaussian likelihood)."""
        D = self.n_inputs
        if self._variance_is_output:
            return out[:, :D], out[:, D:]
        if self.decoder_log_var is not None:
            return out, self.decoder_log_var
        return out, float(np.log(self.gaussian_variance))

    def _recon_nll(self, out, x):
        """-log p(x | z) per row from the decoder output ``out``: (rows, .) -> (rows,)."""
        if self.likelihood == "bernoulli":
            return _BERNOULLI.per_example_from_logits(out, x)
        return gaussian_nll(x, *self._gaussian_parts(out)).astype(out.dtype, copy=False)

    def _recon_nll_and_grad(self, out, x):
        """-log p(x | z) per row, and its derivatives (one per row, no 1/rows):

        * ``g_out`` (rows, .) = d nll_r / d out_r, the error at the decoder's linear output:
          Bernoulli from logits, sigmoid(out) - x (``bernoulli_logit_nll_grad``); Gaussian,
          d/d mean (and d/d log-variance when the decoder outputs it, ``gaussian_nll_grad``);
        * ``g_log_var`` (rows, D) = d nll_r / d log_var for a learned per-feature
          ``decoder.log_var``, else None.
        """
        if self.likelihood == "bernoulli":
            nll, g_out = bernoulli_logit_nll_grad(out, x)
            return nll, g_out, None
        mean, log_var = self._gaussian_parts(out)
        g_mean, g_lv = gaussian_nll_grad(x, mean, log_var)
        nll = gaussian_nll(x, mean, log_var).astype(out.dtype, copy=False)
        if self._variance_is_output:
            return nll, np.concatenate([g_mean, g_lv], axis=1).astype(out.dtype), None
        g_out = g_mean.astype(out.dtype, copy=False)
        if self.decoder_log_var is not None:
            return nll, g_out, g_lv.astype(out.dtype, copy=False)
        return nll, g_out, None

    def _sample_and_decode(self, h, x, c, eps, need_grad=False):
        """Forward from the encoder's output h = [mu, log sigma^2] (M, 2J) to the two terms of
        the loss per example, with the noise ``eps`` (M, L, J) and decoder conditions ``c``
        (None for the plain VAE):

            z_il = mu_i + sigma_i (.) eps_il                        (M, L, J)
            recon_i = (1/L) sum_l -log p(x_i | z_il)                (M,)
            kl_i = KL(N(mu_i, sigma_i^2) || N(0, I))                (M,)

        Returns ``(recon, kl, cache)``; ``cache`` feeds :meth:`_backward_from_terms` (with
        ``need_grad``, it holds d nll / d out, computed with the NLL in one pass).
        """
        M, L, J = eps.shape
        mu, log_var = h[:, :J], h[:, J:]
        shape = (M, L, J)
        z = reparameterize(np.broadcast_to(mu[:, None, :], shape),
                           np.broadcast_to(log_var[:, None, :], shape), eps)
        c_rep = None if c is None else (c if L == 1 else np.repeat(c, L, axis=0))
        out = self._decoder_output(z.reshape(M * L, J), c_rep)            # (M L, D_out)
        x_rep = x if L == 1 else np.repeat(x, L, axis=0)
        if need_grad:
            nll, g_out, g_log_var = self._recon_nll_and_grad(out, x_rep)
        else:
            nll, g_out, g_log_var = self._recon_nll(out, x_rep), None, None
        recon = nll.reshape(M, L).mean(axis=1)
        kl = gaussian_kl(mu, log_var)
        return recon, kl, (mu, log_var, eps, g_out, g_log_var)

    def _backward_from_terms(self, cache, d_recon, d_kl):
        """Backward pass of C = sum_i d_recon_i recon_i + d_kl_i kl_i after
        :meth:`_sample_and_decode` (``need_grad=True``), down to the encoder's output.

        ``d_recon``, ``d_kl`` (M,) are dC/drecon_i and dC/dkl_i (for the batch-mean loss,
        1/M each). Following the module docstring:

            decoder:  error at its output  (d_recon_i / L) * d nll_il / d out   -> Network.backward
            sampling: dC/dmu = sum_l dC/dz_il,  dC/dlog_var = sum_l dC/dz_il (.) eps_il (.) sigma_i / 2
            KL:       + d_kl_i * mu_i  and  + d_kl_i * (sigma_i^2 - 1) / 2

        Fills the decoder's grads; returns ``(delta_h (M, 2J), grads)``: the error at the
        encoder's linear output, and the decoder's gradients named as in :meth:`params`.
        """
        mu, log_var, eps, g_out, g_log_var = cache
        M, L, J = eps.shape
        w = np.repeat(d_recon / L, L)[:, None].astype(self.dtype, copy=False)   # dC/dnll (M L, 1)
        grad_in = self.decoder.backward(delta=g_out * w)                  # dC/d[z, c]
        grad_z = grad_in[:, :J].reshape(M, L, J)
        g_mu, g_lv = reparameterize_backward(
            grad_z, np.broadcast_to(log_var[:, None, :], eps.shape), eps)
        k_mu, k_lv = gaussian_kl_grad(mu, log_var)
        d_kl = d_kl[:, None].astype(self.dtype, copy=False)
        delta_h = np.concatenate([g_mu.sum(axis=1) + d_kl * k_mu,
                                  g_lv.sum(axis=1) + d_kl * k_lv], axis=1)
        grads = {f"decoder.{k}": v for k, v in self.decoder.grads().items()}
        if g_log_var is not None:
            grads["decoder.log_var"] = np.sum(g_log_var * w, axis=0)
        return delta_h, grads

    def _binarize(self, x, rng):
        """A fresh Bernoulli(x) draw of the batch (dynamic binarisation)."""
        return (rng.random(x.shape, dtype=self.dtype) < x).astype(self.dtype)

    # ------------------------------------------------------------------------- training
    def loss_and_grads(self, batch, rng=None, eps=None):
        """Mean -ELBO over the batch ``(x,)`` (x: (M, D); a bare ``x`` also works) and its
        gradients for every parameter.

        ``eps`` (M, L, J) freezes the noise (gradient checks); otherwise it is drawn from ``rng``
        (default: a fresh generator on the model's ``noise`` stream).
        Returns ``({"loss", "recon", "kl"}, grads)``: ``loss = recon + kl``, batch means.
        """
        return self._loss_and_grads(self.check_data(batch), self._rng(rng, "noise"), eps)

    def _inputs(self, batch):
        """(x, c) of a checked batch: the plain VAE has no condition c."""
        (x,) = batch
        return x, None

    def _loss_and_grads(self, batch, rng, eps=None):
        """Forward and backward of the batch-mean loss of the module docstring."""
        x, c = self._inputs(batch)
        M = x.shape[0]
        eps = self._draw_eps(rng, M) if eps is None else self._check_eps(eps, M)
        h = self.encoder.forward(self._with_condition(x, c))          # [mu, log_var] (M, 2J)
        recon, kl, cache = self._sample_and_decode(h, x, c, eps, need_grad=True)
        mean = np.full(M, 1.0 / M, dtype=self.dtype)                  # d mean / d term_i
        delta_h, grads = self._backward_from_terms(cache, mean, mean)
        self.encoder.backward(delta=delta_h, need_input_grad=False)
        grads.update({f"encoder.{k}": v for k, v in self.encoder.grads().items()})
        r, k = float(np.mean(recon)), float(np.mean(kl))
        return {"loss": r + k, "recon": r, "kl": k}, grads

    def train_step(self, batch, rng):
        """One optimizer step; with ``fit(binarize="dynamic")`` on a fresh binary draw of the
        batch's images (its float arrays; labels are integers and stay)."""
        if self._fit_binarize:
            batch = tuple(self._binarize(a, rng) if a.dtype.kind == "f" else a for a in batch)
        return super().train_step(batch, rng)

    def _set_binarize(self, binarize):
        if binarize not in (None, "dynamic"):
            raise ValueError(f"binarize must be None or 'dynamic'; got {binarize!r}")
        if binarize == "dynamic" and self.likelihood != "bernoulli":
            raise ValueError("dynamic binarisation needs likelihood='bernoulli'; this model has "
                             f"likelihood={self.likelihood!r}")
        self._fit_binarize = binarize == "dynamic"

    def fit(self, x, epochs=10, batch_size=128, optimizer="adam", lr=1e-3, validation_data=None,
            progress="auto", seed=None, weight_decay=0.0, callback=None, binarize=None):
        """Train on ``x`` (the shared :meth:`Model.fit`), recording per-epoch ``loss``, ``recon``
        and ``kl`` (a KL that falls to ~0 is posterior collapse, visible in the history).

        ``binarize="dynamic"`` replaces each batch, at every step, by a fresh Bernoulli draw with
        the grey levels as probabilities (the protocol of the likelihood literature, e.g. Burda et
        al. 2015); it needs the Bernoulli likelihood. Validation data are used as given.
        """
        self._set_binarize(binarize)
        return super().fit(x, epochs=epochs, batch_size=batch_size, optimizer=optimizer, lr=lr,
                           validation_data=validation_data, progress=progress, seed=seed,
                           weight_decay=weight_decay, callback=callback)

    def evaluate(self, x, rng=None, batch_size=1000):
        """Mean ``loss`` (-ELBO), ``recon`` and ``kl`` on ``x``, z sampled (seeded: the same
        call gives the same numbers)."""
        recon, kl = self._terms(self.check_input(x), None, rng, None, batch_size)
        r, k = float(np.mean(recon)), float(np.mean(kl))
        return {"loss": r + k, "recon": r, "kl": k}

    # ---------------------------------------------------------------------- inference
    def _terms(self, x, c, rng, n_samples, batch_size):
        check_positive(batch_size, "batch_size", integer=True)
        rng = self._rng(rng, "evaluate")
        recon, kl = [], []
        for s in range(0, x.shape[0], batch_size):
            xb = x[s:s + batch_size]
            cb = None if c is None else c[s:s + batch_size]
            h = self.encoder.forward(self._with_condition(xb, cb))
            r, k, _ = self._sample_and_decode(h, xb, cb,
                                              self._draw_eps(rng, xb.shape[0], n_samples))
            recon.append(r)
            kl.append(k)
        return np.concatenate(recon), np.concatenate(kl)

    def elbo(self, x, n_samples=None, rng=None, batch_size=1000, return_terms=False):
        """ELBO(x) = (1/L) sum_l log p(x | z_l) - KL(q(z|x) || p(z)) per example, z_l sampled
        from q(z|x) (not set to mu). A lower bound on log p(x), in nats.

        ``x`` (n, D) -> (n,). ``n_samples`` defaults to the model's L. ``return_terms`` also
        returns the reconstruction term -(1/L) sum_l log p(x|z_l) and the KL, each (n,).
        """
        n_samples = self.n_samples if n_samples is None else check_positive(
            n_samples, "n_samples", integer=True)
        recon, kl = self._terms(self.check_input(x), None, rng, n_samples, batch_size)
        elbo = -(recon + kl)
        return (elbo, recon, kl) if return_terms else elbo

    def _log_weights(self, x, c, mu, log_var, eps):
        """log w = log p(x|z) + log p(z) - log q(z|x) for z = mu + sigma eps; (m, k)."""
        m, k, J = eps.shape
        shape = (m, k, J)
        mu_b = np.broadcast_to(mu[:, None, :], shape)
        lv_b = np.broadcast_to(log_var[:, None, :], shape)
        z = reparameterize(mu_b, lv_b, eps)
        c_rep = None if c is None else np.repeat(c, k, axis=0)
        out = self._decoder_output(z.reshape(m * k, J), c_rep)
        log_px = -self._recon_nll(out, np.repeat(x, k, axis=0)).reshape(m, k)
        log_pz = standard_normal_log_density(z)
        log_qz = gaussian_log_density(z, mu_b, lv_b)
        return log_px.astype(np.float64) + (log_pz - log_qz).astype(np.float64)

    def _iwae(self, x, c, n_samples, rng, batch_size):
        check_positive(n_samples, "n_samples", integer=True)
        check_positive(batch_size, "batch_size", integer=True)
        rng = self._rng(rng, "evaluate")
        out = np.empty(x.shape[0])
        per_block = max(1, batch_size // n_samples)        # examples per block
        chunk = min(n_samples, batch_size)                  # samples per decoder pass
        for s in range(0, x.shape[0], per_block):
            xb = x[s:s + per_block]
            cb = None if c is None else c[s:s + per_block]
            h = self.encoder.forward(self._with_condition(xb, cb))
            J = self.latent_dim
            mu, log_var = h[:, :J].copy(), h[:, J:].copy()
            logw = np.empty((xb.shape[0], n_samples))
            for t in range(0, n_samples, chunk):
                k = min(chunk, n_samples - t)
                eps = rng.standard_normal((xb.shape[0], k, J), dtype=self.dtype)
                logw[:, t:t + k] = self._log_weights(xb, cb, mu, log_var, eps)
            out[s:s + xb.shape[0]] = log_mean_exp(logw, axis=1)
        return out

    def log_likelihood(self, x, n_samples=1000, rng=None, batch_size=20000):
        """log p(x) per example by importance sampling with q(z|x) as the proposal (the IWAE
        estimator, Burda et al. 2015):

            log p(x) ~= log (1/k) sum_{i=1..k} p(x|z_i) p(z_i) / q(z_i|x),   z_i ~ q(z|x)

        computed as ``log_mean_exp`` of the log weights (never exponentiating log p(x|z) ~ -100).
        Its expectation is a lower bound on log p(x) that rises with k towards log p(x); k = 1
        gives a one-sample ELBO. ``x`` (n, D) -> (n,), in nats.
        ``batch_size`` bounds the rows (examples x samples) sent through the decoder at once.
        """
        return self._iwae(self.check_input(x), None, n_samples, rng, batch_size)

    def encode(self, x, return_log_var=False):
        """mu(x) (n, J) -- the code used for plots and retrieval; with ``return_log_var`` also
        log sigma^2(x)."""
        x = self.check_input(x)
        h = self.encoder.forward(x)
        J = self.latent_dim
        mu, log_var = h[:, :J].copy(), h[:, J:].copy()
        return (mu, log_var) if return_log_var else mu

    def _check_codes(self, z):
        return as_2d_array(z, "z", n_features=self.latent_dim, dtype=self.dtype)

    def _means(self, out):
        if self.likelihood == "bernoulli":
            return _SIGMOID.f(out)
        return out[:, :self.n_inputs].copy()

    def decode(self, z):
        """The mean of p(x|z): Bernoulli probabilities sigmoid(g(z)) or the Gaussian mean.
        ``z`` (n, J) -> (n, D)."""
        return self._means(self._decoder_output(self._check_codes(z)))

    def reconstruct(self, x):
        """decode(encode(x)): the mean of p(x | z = mu(x))."""
        return self.decode(self.encode(x))

    def sample(self, n, rng=None, return_codes=False):
        """n new examples: z ~ N(0, I), returned as the means of p(x|z) (n, D)."""
        check_positive(n, "n", integer=True)
        rng = self._rng(rng, "sample")
        z = rng.standard_normal((n, self.latent_dim), dtype=self.dtype)
        x = self.decode(z)
        return (x, z) if return_codes else x
