"""Conditional VAE and the semi-supervised M2 model (Kingma, Rezende, Mohamed & Welling 2014;
slides, part 04, "Conditional VAE").

:class:`CVAE` -- "CVAE (M2): supervised version". The label y (one-hot) is given to both networks:

    q(z | x, y) = N(mu(x, y), diag sigma^2(x, y)),   p(x | y, z) = Bernoulli(sigmoid(g(z, y)))
    -ELBO(x, y) = -E_q[log p(x | y, z)] + KL(q(z | x, y) || N(0, I))       (a bound on -log p(x|y))

Because y carries the digit's identity, z is left to carry its *style*: fixing z and varying y
draws one handwriting in every class (analogies); encoding a real digit with its own label and
decoding with others transfers its style (slides, "Analogies").

:class:`M2` -- the semi-supervised version. A classifier q(y|x) = Categorical(softmax(c(x))) is
added, and with p(y) uniform over K classes (slides' ELBO with log p(y)):

    labelled   L(x, y) = -E_q(z|x,y)[log p(x|y,z)] + KL(q(z|x,y) || p(z)) - log p(y)
    unlabelled U(x)    = sum_y q(y|x) L(x, y) - H(q(y|x))        (y marginalised over K classes)
    loss = lambda mean_labelled L(x, y) + alpha mean_labelled [-log q(y|x)] + mean_unlabelled U(x)

(lambda = ``labelled_weight``; Kingma et al.'s sum over the data set weighs every example alike,
i.e. lambda = N_labelled / N_unlabelled, alpha = 0.1 N_total / N_unlabelled in this per-batch form.)

Gradients, by hand (``vae_math``): the VAE parts of U are those of L weighted by q(y|x) per
class; the classifier gets, for an unlabelled x,

    dU/dc = pi (.) (L - E_pi[L])  -  dH/dc,    dH/dc = -pi (.) (log pi + H),   pi = softmax(c)

(:func:`~scratchae.models.vae_math.expectation_grad`, :func:`~scratchae.models.vae_math.
categorical_entropy_grad`), and for a labelled x the cross-entropy's alpha (pi - onehot(y)).
"""
import numpy as np

from scratchae._validation import check_layer_sizes, check_positive
from scratchae.models.vae import VAE
from scratchae.models.vae_math import (
    categorical_entropy, categorical_entropy_grad, expectation_grad, log_softmax,
)
from scratchae.nn.grouped import grouped_dense_backward, grouped_dense_forward
from scratchae.nn.losses import one_hot
from scratchae.nn.network import Network

__all__ = ["CVAE", "M2"]


class CVAE(VAE):
    """Conditional VAE: q(z|x, y) and p(x|y, z), with y one-hot concatenated to both inputs.

    Parameters as :class:`~scratchae.models.vae.VAE`, plus ``n_classes`` (K). The encoder is
    (D + K) -> hidden -> 2J, the decoder (J + K) -> hidden -> D. Every method that sees data takes
    the integer labels ``y`` (n,) beside ``x`` (n, D).
    """

    def __init__(self, layer_sizes=(784, 500, 2), n_classes=10, activation="relu",
                 likelihood="bernoulli", seed=0, dtype=np.float32, n_samples=1,
                 decoder_sizes=None, gaussian_variance=1.0, init=None):
        if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) \
                or n_classes < 2:
            raise ValueError(f"n_classes must be an integer >= 2; got {n_classes!r}")
        self.n_classes = int(n_classes)
        self.n_conditions = self.n_classes
        super().__init__(layer_sizes=layer_sizes, activation=activation, likelihood=likelihood,
                         seed=seed, dtype=dtype, n_samples=n_samples, decoder_sizes=decoder_sizes,
                         gaussian_variance=gaussian_variance, init=init)

    def get_config(self):
        config = super().get_config()
        config["n_classes"] = self.n_classes
        return config

    # ------------------------------------------------------------------------ labels
    def _one_hot(self, y, n, name="y"):
        """Integer labels (n,) -> one-hot (n, K) in the model's dtype, checked."""
        return one_hot(self._check_labels(y, n, name), self.n_classes, dtype=self.dtype)

    def _check_labels(self, y, n, name="y"):
        """Integer labels (n,) (or one label for all n) in [0, K), as int64, or ValueError."""
        if y is None:
            raise ValueError(f"{name}: a {type(self).__name__} is conditioned on the labels; "
                             f"give integer labels of shape ({n},) (or one label for all)")
        y = np.asarray(y)
        if y.ndim == 0:
            y = np.full(n, int(y))
        if y.ndim != 1 or y.shape[0] != n:
            raise ValueError(f"{name} must be integer labels of shape ({n},); got shape {y.shape}")
        if y.dtype.kind not in "iu":
            if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
                y = y.astype(np.int64)
            else:
                raise ValueError(f"{name} must hold integer labels; got dtype {y.dtype}")
        if n and (y.min() < 0 or y.max() >= self.n_classes):
            raise ValueError(f"{name} must lie in [0, {self.n_classes}); got values in "
                             f"[{y.min()}, {y.max()}]")
        return y.astype(np.int64)

    # ---------------------------------------------------------------------- training
    def check_data(self, batch, name="x"):
        """``(x, y)``: x (M, D) and integer labels y (M,), checked; y stays integer."""
        if not isinstance(batch, tuple) or len(batch) != 2:
            raise ValueError(f"a {type(self).__name__} takes the labelled data (x, y)")
        x = self.check_input(batch[0], name)
        return x, self._check_labels(batch[1], x.shape[0], f"{name} labels")

    def loss_and_grads(self, batch, rng=None, eps=None):
        """Mean -ELBO(x, y) over the batch ``(x, y)`` (y integer labels (M,)) and its
        gradients. Returns ``({"loss", "recon", "kl"}, grads)``; ``eps`` (M, L, J) freezes the
        noise."""
        return super().loss_and_grads(batch, rng, eps)

    def _inputs(self, batch):
        """(x, c) of a checked batch (x, y): the condition is the one-hot label."""
        x, y = batch
        return x, one_hot(y, self.n_classes, dtype=self.dtype)

    def fit(self, x, y, epochs=10, batch_size=128, optimizer="adam", lr=1e-3,
            validation_data=None, progress="auto", seed=None, weight_decay=0.0, callback=None,
            binarize=None):
        """Train on labelled data ``(x, y)``; as :meth:`VAE.fit` (``validation_data=(x, y)``)."""
        self._set_binarize(binarize)
        self.history_ = self._fit(self.check_data((x, y)), validation_data, epochs=epochs,
                                  batch_size=batch_size, optimizer=optimizer, rates={"model": lr},
                                  progress=progress, seed=seed, weight_decay=weight_decay,
                                  callback=callback)
        return self.history_

    def evaluate(self, x, y, rng=None, batch_size=1000):
        """Mean -ELBO(x, y), reconstruction and KL on held-out labelled data (z sampled)."""
        x = self.check_input(x)
        recon, kl = self._terms(x, self._one_hot(y, x.shape[0]), rng, None, batch_size)
        r, k = float(np.mean(recon)), float(np.mean(kl))
        return {"loss": r + k, "recon": r, "kl": k}

    # --------------------------------------------------------------------- inference
    def elbo(self, x, y, n_samples=None, rng=None, batch_size=1000, return_terms=False):
        """ELBO of log p(x | y) per example, z sampled from q(z|x, y).  (n, D), (n,) -> (n,)."""
        x = self.check_input(x)
        n_samples = self.n_samples if n_samples is None else check_positive(
            n_samples, "n_samples", integer=True)
        recon, kl = self._terms(x, self._one_hot(y, x.shape[0]), rng, n_samples, batch_size)
        elbo = -(recon + kl)
        return (elbo, recon, kl) if return_terms else elbo

    def log_likelihood(self, x, y, n_samples=1000, rng=None, batch_size=20000):
        """log p(x | y) per example by importance sampling with q(z|x, y) (the IWAE estimator)."""
        x = self.check_input(x)
        return self._iwae(x, self._one_hot(y, x.shape[0]), n_samples, rng, batch_size)

    def encode(self, x, y, return_log_var=False):
        """mu(x, y) (n, J), and log sigma^2(x, y) with ``return_log_var``."""
        x = self.check_input(x)
        h = self.encoder.forward(self._with_condition(x, self._one_hot(y, x.shape[0])))
        J = self.latent_dim
        mu, log_var = h[:, :J].copy(), h[:, J:].copy()
        return (mu, log_var) if return_log_var else mu

    def decode(self, z, y):
        """Mean of p(x | y, z).  ``z`` (n, J), ``y`` labels (n,) or one label -> (n, D)."""
        z = self._check_codes(z)
        return self._means(self._decoder_output(z, self._one_hot(y, z.shape[0])))

    def reconstruct(self, x, y):
        """decode(encode(x, y), y)."""
        return self.decode(self.encode(x, y), y)

    def sample(self, n, y=None, rng=None, return_codes=False):
        """n examples of the classes ``y`` (labels (n,) or one label; default: uniform random
        labels), z ~ N(0, I). Returns the means of p(x|y, z) (n, D) (and z, y)."""
        check_positive(n, "n", integer=True)
        rng = self._rng(rng, "sample")
        z = rng.standard_normal((n, self.latent_dim), dtype=self.dtype)
        y = rng.integers(0, self.n_classes, n) if y is None else np.broadcast_to(np.asarray(y), (n,))
        x = self.decode(z, y)
        return (x, z, np.asarray(y)) if return_codes else x

    def analogies(self, z, labels=None):
        """Fix the style z, vary the label (slides, "Analogies"): every code decoded with every
        label. ``z`` (m, J) -> images (m, len(labels), D); row i is one handwriting."""
        z = self._check_codes(z)
        labels = np.arange(self.n_classes) if labels is None else np.asarray(labels)
        m, k = z.shape[0], labels.shape[0]
        images = self.decode(np.repeat(z, k, axis=0), np.tile(labels, m))
        return images.reshape(m, k, -1)

    def style_transfer(self, x, y, labels=None):
        """Encode real digits with their own labels, z = mu(x, y), and decode that style with
        every label in ``labels`` (default all): (n, D), (n,) -> (n, len(labels), D)."""
        return self.analogies(self.encode(x, y), labels)


class M2(CVAE):
    """Semi-supervised M2 (Kingma et al. 2014): a CVAE plus a classifier q(y|x).

    Parameters as :class:`CVAE`, plus ``classifier_sizes`` (default: ``layer_sizes`` with the
    code width replaced by K, so 784 -> 500 -> 10), ``alpha``, the weight of the labelled
    cross-entropy, and ``labelled_weight`` (lambda), the weight of the labelled -ELBO, both
    relative to the mean unlabelled loss of a batch. ``alpha=None`` lets :meth:`fit` use
    0.1 * (n_labelled + n_unlabelled) / n_labelled (Kingma et al.'s beta = 0.1 N_total / N_labelled
    per labelled example, at ``labelled_weight=1``). Defaults follow the paper's M2 for MNIST:
    one hidden layer of 500 softplus units and J = 50.
    """

    fitted_settings = ("alpha_",)

    def __init__(self, layer_sizes=(784, 500, 50), n_classes=10, activation="softplus",
                 likelihood="bernoulli", seed=0, dtype=np.float32, n_samples=1,
                 decoder_sizes=None, classifier_sizes=None, alpha=None, labelled_weight=1.0,
                 gaussian_variance=1.0, init=None):
        super().__init__(layer_sizes=layer_sizes, n_classes=n_classes, activation=activation,
                         likelihood=likelihood, seed=seed, dtype=dtype, n_samples=n_samples,
                         decoder_sizes=decoder_sizes, gaussian_variance=gaussian_variance,
                         init=init)
        if classifier_sizes is None:
            classifier_sizes = list(self.layer_sizes[:-1]) + [self.n_classes]
        classifier_sizes = check_layer_sizes(classifier_sizes, "classifier_sizes")
        if classifier_sizes[0] != self.n_inputs or classifier_sizes[-1] != self.n_classes:
            raise ValueError(f"classifier_sizes must run from {self.n_inputs} to {self.n_classes}; "
                             f"got {classifier_sizes}")
        if alpha is not None:
            check_positive(alpha, "alpha")
            alpha = float(alpha)
        self.alpha = alpha
        check_positive(labelled_weight, "labelled_weight")
        self.labelled_weight = float(labelled_weight)
        self.classifier_sizes = classifier_sizes
        self.classifier = Network.from_sizes(classifier_sizes, activation=activation,
                                             output_activation="identity",
                                             rng=self.stream("classifier"), dtype=self.dtype,
                                             init=init)
        #: compute the encoder's first layer once per distinct x (:mod:`scratchae.nn.grouped`);
        #: False runs the plain Network on the repeated rows (same numbers, slower).
        self.group_encoder = True

    # ---------------------------------------------------- the encoder on (x, y) pairs
    def _encode_pairs(self, x_unique, counts, c):
        """The encoder's output [mu, log_var] for every pair (x, y) the loss needs: row r pairs
        x_unique[g(r)] (the groups of ``counts`` are consecutive) with the one-hot c_r.
        Returns h (rows, 2J)."""
        if not self.group_encoder:
            x_rows = np.repeat(x_unique, counts, axis=0)
            return self.encoder.forward(self._with_condition(x_rows, c))
        layers = self.encoder.layers
        a = grouped_dense_forward(layers[0], x_unique, counts, c)
        for layer in layers[1:]:
            a = layer.forward_unchecked(a)
        return a

    def _encode_pairs_backward(self, delta_h, x_unique, counts, c):
        """Fill the encoder's grads from delta_h = dC/dh (rows, 2J) after :meth:`_encode_pairs`."""
        if not self.group_encoder:
            self.encoder.backward(delta=delta_h, need_input_grad=False)
            return
        layers = self.encoder.layers
        grad = delta_h
        for layer in layers[:0:-1]:                 # top layer down to layer 1: BP1/BP2..BP4
            grad = layer.backward(grad)
        grouped_dense_backward(layers[0], grad, x_unique, counts, c)

    def get_config(self):
        config = super().get_config()
        config.update(classifier_sizes=list(self.classifier_sizes), alpha=self.alpha,
                      labelled_weight=self.labelled_weight)
        return config

    def params(self):
        out = super().params()
        out.update({f"classifier.{k}": v for k, v in self.classifier.params().items()})
        return out

    # ---------------------------------------------------------------------- the loss
    def _resolve_alpha(self, alpha):
        if alpha is not None:
            return float(alpha)
        if self.alpha is not None:
            return self.alpha
        return float(getattr(self, "alpha_", 1.0))

    def check_data(self, batch, name="x"):
        """``(x, y)`` as :meth:`CVAE.check_data`, or the semi-supervised layout
        ``(x_labelled, y_labelled, x_unlabelled)``, where either part may be ``None``."""
        if not isinstance(batch, tuple) or len(batch) != 3:
            return super().check_data(batch, name)
        xl, yl, xu = batch
        if xl is None and xu is None:
            raise ValueError("give a labelled batch, an unlabelled batch, or both")
        if xl is not None:
            xl = self.check_input(xl, "x_labelled")
            yl = self._check_labels(yl, xl.shape[0], "y_labelled")
        if xu is not None:
            xu = self.check_input(xu, "x_unlabelled")
        return xl, yl, xu

    def loss_and_grads(self, batch, rng=None, eps_labelled=None, eps_unlabelled=None,
                       alpha=None):
        """The M2 loss on ``batch = (x_labelled, y_labelled, x_unlabelled)``: a labelled batch
        (M_l examples) and an unlabelled batch (M_u), and its gradients for every parameter
        (names as in :meth:`params`).

        Either part may be ``None`` (but not both). ``eps_labelled`` (M_l, L, J) and
        ``eps_unlabelled`` (M_u * K, L, J) -- row i*K + k for example i paired with class k --
        freeze the noise for gradient checks. ``alpha`` defaults to the model's ``alpha``, else
        the value the last :meth:`fit` chose (``alpha_``), else 1.
        Returns ``({"loss", "labelled", "unlabelled", "classification", "entropy"}, grads)``.
        """
        return self._loss_and_grads(self.check_data(batch), self._rng(rng, "noise"),
                                    eps_labelled, eps_unlabelled, alpha)

    def _loss_and_grads(self, batch, rng, eps_labelled=None, eps_unlabelled=None, alpha=None):
        if len(batch) == 2:                             # (x, y): the CVAE's -ELBO(x, y)
            return super()._loss_and_grads(batch, rng, eps_labelled)
        xl, yl, xu = batch
        cl = None if xl is None else one_hot(yl, self.n_classes, dtype=self.dtype)
        return self._m2_loss_and_grads(xl, cl, xu, rng, eps_labelled, eps_unlabelled,
                                       self._resolve_alpha(alpha))

    def _m2_loss_and_grads(self, xl, cl, xu, rng, eps_l, eps_u, alpha):
        if xl is None and xu is None:
            raise ValueError("give a labelled batch, an unlabelled batch, or both")
        K = self.n_classes
        Ml = 0 if xl is None else xl.shape[0]
        Mu = 0 if xu is None else xu.shape[0]
        # every (x, y) pair whose ELBO we need: labelled pairs, then each unlabelled x with each y
        xs, cs, eps = [], [], []
        if Ml:
            xs.append(xl)
            cs.append(cl)
            eps.append(self._draw_eps(rng, Ml) if eps_l is None else self._check_eps(eps_l, Ml))
        if Mu:
            xs.append(np.repeat(xu, K, axis=0))
            cs.append(np.tile(np.eye(K, dtype=self.dtype), (Mu, 1)))
            eps.append(self._draw_eps(rng, Mu * K) if eps_u is None
                       else self._check_eps(eps_u, Mu * K))
        if len(eps) == 2 and eps[0].shape[1] != eps[1].shape[1]:
            raise ValueError("eps_labelled and eps_unlabelled must use the same number of samples")
        x_all = xs[0] if len(xs) == 1 else np.concatenate(xs)
        c_all = cs[0] if len(cs) == 1 else np.concatenate(cs)
        eps_all = eps[0] if len(eps) == 1 else np.concatenate(eps)
        # distinct x: labelled rows are groups of 1, unlabelled rows groups of K
        x_unique = xl if not Mu else (xu if not Ml else np.concatenate([xl, xu]))
        counts = np.concatenate([np.ones(Ml, dtype=np.int64), np.full(Mu, K, dtype=np.int64)])
        h = self._encode_pairs(x_unique, counts, c_all)
        recon, kl, cache = self._sample_and_decode(h, x_all, c_all, eps_all, need_grad=True)
        metrics, weights, delta_cls = self._m2_terms(x_unique, Ml, Mu, cl, recon + kl, alpha)
        delta_h, grads = self._backward_from_terms(cache, weights, weights)
        self._encode_pairs_backward(delta_h, x_unique, counts, c_all)
        grads.update({f"encoder.{k}": v for k, v in self.encoder.grads().items()})
        self.classifier.backward(delta=delta_cls.astype(self.dtype, copy=False),
                                 need_input_grad=False)
        grads.update({f"classifier.{k}": v for k, v in self.classifier.grads().items()})
        return metrics, grads

    def _m2_terms(self, x_unique, Ml, Mu, cl, elbo_terms, alpha):
        """The M2 loss from the per-pair terms recon + KL (Ml + Mu K,), with the classifier's
        forward on the distinct x (labelled rows first). Returns ``(metrics, weights,
        delta_cls)``: ``weights`` (Ml + Mu K,) = dC/d(recon + KL) of each pair, ``delta_cls``
        (Ml + Mu, K) the error at the classifier's logits."""
        K = self.n_classes
        elbo_loss = elbo_terms + float(np.log(K))             # L(x, y), with -log p(y) = log K
        logits = self.classifier.forward(x_unique)
        delta_cls = np.zeros_like(logits)
        weights = np.empty(Ml + Mu * K, dtype=self.dtype)
        metrics = {"labelled": 0.0, "unlabelled": 0.0, "classification": 0.0, "entropy": 0.0}
        loss = 0.0
        if Ml:
            log_pi_l = log_softmax(logits[:Ml])
            ce = -np.sum(cl * log_pi_l, axis=1)
            metrics["labelled"] = float(np.mean(elbo_loss[:Ml]))
            metrics["classification"] = float(np.mean(ce))
            lam = self.labelled_weight
            loss += lam * metrics["labelled"] + alpha * metrics["classification"]
            weights[:Ml] = lam / Ml
            delta_cls[:Ml] = alpha * (np.exp(log_pi_l) - cl) / Ml
        if Mu:
            c_u = logits[Ml:]
            L_u = elbo_loss[Ml:].reshape(Mu, K)
            pi_u = np.exp(log_softmax(c_u))
            H = categorical_entropy(c_u)
            metrics["unlabelled"] = float(np.mean(np.sum(pi_u * L_u, axis=1) - H))
            metrics["entropy"] = float(np.mean(H))
            loss += metrics["unlabelled"]
            weights[Ml:] = (pi_u / Mu).reshape(-1)
            delta_cls[Ml:] = (expectation_grad(c_u, L_u) - categorical_entropy_grad(c_u)) / Mu
        metrics["loss"] = float(loss)
        return metrics, weights, delta_cls

    # ------------------------------------------------------------------------ fitting
    def fit(self, x_labelled, y_labelled, x_unlabelled, epochs=10, batch_size=100,
            labelled_batch_size=100, optimizer="adam", lr=1e-3, validation_data=None,
            progress="auto", seed=None, weight_decay=0.0, callback=None, binarize=None):
        """Semi-supervised training (the shared :meth:`~scratchae.models.base.Model._fit`
        loop). An epoch is one pass over ``x_unlabelled`` in batches of ``batch_size``; every
        step also takes ``labelled_batch_size`` labelled examples, cycling through the labelled
        set in a fresh random order each time round. ``validation_data`` = (x, y) adds
        ``val_error`` (test error of the classifier) to the history.
        ``binarize="dynamic"`` redraws binary images from the grey levels at every step.
        Sets ``alpha_``, the alpha of this fit (saved with the model).
        """
        self._set_binarize(binarize)
        xl, yl, xu = self.check_data((x_labelled, y_labelled, x_unlabelled))
        if xl is None or xu is None:
            raise ValueError("M2.fit needs both labelled and unlabelled data")
        self.alpha_ = self.alpha if self.alpha is not None else \
            0.1 * (xl.shape[0] + xu.shape[0]) / xl.shape[0]
        self.history_ = self._fit((xu,), validation_data, epochs=epochs, batch_size=batch_size,
                                  optimizer=optimizer, rates={"model": lr}, progress=progress,
                                  seed=seed, weight_decay=weight_decay, callback=callback,
                                  labelled=(xl, yl), labelled_batch_size=labelled_batch_size)
        return self.history_

    # --------------------------------------------------------------------- classifying
    def predict_log_proba(self, x, batch_size=5000):
        """log q(y|x) = log_softmax(c(x)) (n, K)."""
        x = self.check_input(x)
        check_positive(batch_size, "batch_size", integer=True)
        out = [log_softmax(self.classifier.forward(x[s:s + batch_size]))
               for s in range(0, x.shape[0], batch_size)]
        return np.concatenate(out)

    def predict_proba(self, x, batch_size=5000):
        """q(y|x) = softmax(c(x)) (n, K)."""
        return np.exp(self.predict_log_proba(x, batch_size))

    def predict(self, x, batch_size=5000):
        """The most probable class under q(y|x), (n,) int64."""
        return np.argmax(self.predict_proba(x, batch_size), axis=1).astype(np.int64)

    def evaluate(self, x, y, rng=None, batch_size=1000):
        """Classification ``error`` (fraction) and mean cross-entropy of q(y|x) on (x, y)."""
        x = self.check_input(x)
        c = self._one_hot(y, x.shape[0])
        log_p = self.predict_log_proba(x)
        ce = -np.sum(c * log_p, axis=1)
        return {"error": float(np.mean(np.argmax(log_p, 1) != np.argmax(c, 1))),
                "classification": float(np.mean(ce))}
