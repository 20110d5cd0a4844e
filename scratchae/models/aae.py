"""The adversarial autoencoder (Makhzani, Shlens, Jaitly, Goodfellow & Frey 2015; slides, part 04,
"Adversarial Autoencoder (AAE)", "Training Procedure", "Incorporating Label Information").

A deterministic autoencoder ``z = h(x)``, ``x_hat = g(z)`` whose codes are pushed towards a prior
p(z) by a GAN played in code space. The VAE's KL term needs a closed form for q(z|x) and p(z);
the AAE needs only *samples* of p(z) (:mod:`scratchae.models.priors`): a discriminator d(z) in
(0, 1) learns to tell prior samples ("real") from codes ("fake"), and the encoder, as the
generator, learns to fool it. The slides' value function for one example x_i and one prior
sample z_i is

    V_i = log d(z_i) + log(1 - d(h(x_i)))

and every mini-batch is trained in the slides' three steps (each a gradient step of its own):

    Step 1  reconstruction   update h, g on   L_rec = (1/M) sum_i -log p(x_i | g(h(x_i)))
    Step 2  discriminator    update d on      L_D   = (1/M) sum_i [-log d(z_i) - log(1 - d(h(x_i)))]
    Step 3  generator        update h on      L_G   = (1/M) sum_i  -log d(h(x_i))

(step 3 is the "non-saturating" generator loss the slides write, -log d, not log(1 - d)).

The discriminator is a :class:`~scratchae.nn.network.Network` whose last layer is linear: it
outputs the logit l, d = sigmoid(l), and both losses are Bernoulli NLLs from the logits,
-log d = softplus(-l), -log(1 - d) = softplus(l), so log 0 is never taken. Their errors at the
logit are the cross-entropy shortcut (:meth:`~scratchae.nn.losses.BernoulliNLL.delta_from_logits`):

    dL_D/dl = (d - t) / M   with target t = 1 for prior samples, 0 for codes
    dL_G/dl = (d - 1) / M

Step 3 back-propagates through the discriminator *without updating it*: ``Network.backward``
returns dL_G/d(input), whose first columns are dL_G/dz; the encoder's ``backward`` takes that as
its ``grad_output``. Step 2 needs no input gradient (the codes are data to the discriminator).

Label information (slides: "Condition on latent space"). With ``n_classes = K`` the discriminator
also sees a one-hot vector of K + 1 entries: the label k of a labelled example, or the extra entry
K for an unlabelled one. A labelled pair (x_i, k) is matched with a prior sample drawn from
component k (``prior.sample_given_labels``), an unlabelled one with a sample of the whole prior;
the discriminator thus learns one decision boundary per label, and the encoder is pushed to map
the digits of label k into the k-th part of the prior.

Every gradient is checked by finite differences in ``tests/test_aae.py``.
"""
import numpy as np

from scratchae._validation import as_2d_array, check_layer_sizes, check_positive
from scratchae.models.autoencoder import Autoencoder
from scratchae.models.priors import get_prior
from scratchae.nn import activations as activations_module
from scratchae.nn.activations import Sigmoid
from scratchae.nn.losses import BernoulliNLL
from scratchae.nn.network import Network
from scratchae.nn.training import apply_step

__all__ = ["AAE", "UNLABELLED", "discriminator_loss", "generator_loss"]

#: the label that marks an unlabelled example in ``y`` (it switches on the extra one-hot entry).
UNLABELLED = -1

_SIGMOID = Sigmoid()
_BERNOULLI = BernoulliNLL()


def discriminator_loss(logits_real, logits_fake):
    """L_D = (1/M) sum_i [-log d(z_i) - log(1 - d(h(x_i)))] from the logits, and its errors.

    ``logits_real`` (M, 1) of prior samples, ``logits_fake`` (M, 1) of codes (the same M: one
    prior sample per example, as in the slides' V_i). Returns ``(value, delta_real, delta_fake)``
    with ``delta = dL_D/dl``: (d - 1)/M for real, d/M for fake.
    """
    lr, lf = np.asarray(logits_real), np.asarray(logits_fake)
    if lr.shape != lf.shape or lr.ndim != 2 or lr.shape[1] != 1:
        raise ValueError(f"logits_real and logits_fake must both have shape (M, 1); got "
                         f"{lr.shape} and {lf.shape}")
    M = lr.shape[0]
    ones, zeros = np.ones_like(lr), np.zeros_like(lf)
    value = (np.sum(_BERNOULLI.per_example_from_logits(lr, ones))
             + np.sum(_BERNOULLI.per_example_from_logits(lf, zeros))) / M
    return float(value), (_SIGMOID.f(lr) - 1.0) / M, _SIGMOID.f(lf) / M


def generator_loss(logits_fake):
    """L_G = (1/M) sum_i -log d(h(x_i)) from the logits (M, 1); returns ``(value, dL_G/dl)``
    with dL_G/dl = (d - 1)/M."""
    lf = np.asarray(logits_fake)
    if lf.ndim != 2 or lf.shape[1] != 1:
        raise ValueError(f"logits_fake must have shape (M, 1); got {lf.shape}")
    return (_BERNOULLI.value_from_logits(lf, np.ones_like(lf)),
            _BERNOULLI.delta_from_logits(lf, np.ones_like(lf)))


#: the three steps of a mini-batch, each with its own optimizer
PHASES = ("reconstruction", "discriminator", "generator")


class AAE(Autoencoder):
    """Adversarial autoencoder: an :class:`~scratchae.models.autoencoder.Autoencoder` whose codes
    are matched to ``prior`` by a discriminator (see the module docstring).

    Parameters
    ----------
    layer_sizes : list of int
        Encoder widths from the input to the code, e.g. ``[784, 1000, 1000, 8]`` (the paper's
        MNIST model); the decoder mirrors it unless ``decoder_sizes`` says otherwise.
    activation : str
        Hidden activation of encoder and decoder (the paper: ReLU).
    prior : str, dict or :class:`~scratchae.models.priors.Prior`
        ``"gaussian"`` (N(0, 5^2 I) in the code's width), ``"mixture"`` (10 Gaussians on a
        circle, 2-D codes), ``"swiss_roll"`` (2-D), a config dict, or a Prior instance.
    discriminator_sizes : list of int
        Hidden widths of the discriminator, e.g. ``[1000, 1000]``; its input is the code (plus
        the K + 1 one-hot entries when ``n_classes`` is set), its output one logit.
    discriminator_activation : str
        Hidden activation of the discriminator.
    n_classes : int or None
        K for the label-conditioned discriminator (the prior must have K components); ``None``
        for the unsupervised AAE.
    loss : ``"bernoulli"`` (cross-entropy, sigmoid output, inputs in [0, 1]) or ``"gaussian"``
        (squared error; the paper's "Euclidean cost" on a sigmoid output: pass
        ``output_activation="sigmoid"``).
    code_activation : str
        Activation of the code layer (linear, as in the paper).
    seed : int
        Seeds the weights (the discriminator from its own stream) and, in ``fit``, the shuffling
        and the prior samples.
    dtype : float32 (training) or float64 (gradient checks).

    Notes
    -----
    Parameters are named ``encoder.*``, ``decoder.*`` and ``discriminator.*``.
    """

    def __init__(self, layer_sizes=(784, 1000, 1000, 8), activation="relu", prior="gaussian",
                 discriminator_sizes=(1000, 1000), discriminator_activation="relu",
                 n_classes=None, loss="bernoulli", code_activation="identity", seed=0,
                 dtype=np.float32, output_activation=None, decoder_sizes=None):
        super().__init__(layer_sizes, activation=activation, code_activation=code_activation,
                         loss=loss, tied=False, seed=seed, dtype=dtype,
                         output_activation=output_activation, decoder_sizes=decoder_sizes)
        self.latent_dim = self.layer_sizes[-1]
        self.prior = get_prior(prior, dim=self.latent_dim)
        if n_classes is not None:
            if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) \
                    or n_classes < 2:
                raise ValueError(f"n_classes must be None or an integer >= 2; got {n_classes!r}")
            n_classes = int(n_classes)
            if self.prior.n_components != n_classes:
                raise ValueError(
                    f"a label-conditioned AAE with n_classes={n_classes} needs a prior with "
                    f"{n_classes} labelled components; got {self.prior!r}")
        self.n_classes = n_classes
        hidden = [] if discriminator_sizes is None else list(discriminator_sizes)
        if hidden:
            hidden = check_layer_sizes(hidden, "discriminator_sizes", min_len=1)
        self.discriminator_sizes = hidden
        self.discriminator_activation = activations_module.get(discriminator_activation).name
        self.n_condition_inputs = 0 if n_classes is None else n_classes + 1
        self.discriminator = Network.from_sizes(
            [self.latent_dim + self.n_condition_inputs] + hidden + [1],
            activation=self.discriminator_activation, output_activation="identity",
            rng=self.stream("discriminator"), dtype=self.dtype)

    @property
    def conditioned(self):
        """True for the label-conditioned discriminator."""
        return self.n_classes is not None

    # ------------------------------------------------------------------------ contract
    def get_config(self):
        config = super().get_config()
        for key in ("tied",):
            config.pop(key)
        config.update(prior=self.prior.get_config(),
                      discriminator_sizes=list(self.discriminator_sizes),
                      discriminator_activation=self.discriminator_activation,
                      n_classes=self.n_classes)
        return config

    def params(self):
        """{"encoder.0.W": ..., "decoder.0.b": ..., "discriminator.0.W": ...} (own arrays)."""
        out = super().params()
        out.update({f"discriminator.{k}": v for k, v in self.discriminator.params().items()})
        return out

    def autoencoder_params(self):
        """The parameters step 1 updates: encoder and decoder."""
        return {k: v for k, v in self.params().items() if not k.startswith("discriminator.")}

    def encoder_params(self):
        """The parameters step 3 updates: the encoder (the generator of codes)."""
        return {f"encoder.{k}": v for k, v in self.encoder.params().items()}

    def discriminator_params(self):
        """The parameters step 2 updates."""
        return {f"discriminator.{k}": v for k, v in self.discriminator.params().items()}

    # ------------------------------------------------------------------------- labels
    def _conditions(self, y, n, name="y"):
        """The discriminator's one-hot condition block (n, K + 1) from labels ``y`` (n,) with
        ``UNLABELLED`` (-1) for unlabelled rows; ``None`` for an unconditioned model."""
        if not self.conditioned:
            if y is not None:
                raise ValueError("labels were given to an AAE without a label-conditioned "
                                 "discriminator; build it with n_classes=K to use them")
            return None
        K = self.n_classes
        if y is None:
            y = np.full(n, UNLABELLED, dtype=np.int64)
        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != n:
            raise ValueError(f"{name} must be integer labels of shape ({n},); got shape {y.shape}")
        if y.dtype.kind not in "iu":
            raise ValueError(f"{name} must hold integer labels (-1 for unlabelled); got dtype "
                             f"{y.dtype}")
        if n and (y.min() < UNLABELLED or y.max() >= K):
            raise ValueError(f"{name} must lie in [0, {K}) or be {UNLABELLED} (unlabelled); got "
                             f"values in [{y.min()}, {y.max()}]")
        c = np.zeros((n, K + 1), dtype=self.dtype)
        c[np.arange(n), np.where(y == UNLABELLED, K, y)] = 1
        return c

    def _prior_samples(self, n, y, rng):
        """One prior sample per example: from the component of its label when the model is
        conditioned and the label is known, else from the whole prior. (n, J) in the model dtype."""
        if not self.conditioned or y is None:
            return self.prior.sample(n, rng).astype(self.dtype, copy=False)
        y = np.asarray(y)
        z = np.empty((n, self.latent_dim))
        known = y != UNLABELLED
        if known.any():
            z[known] = self.prior.sample_given_labels(y[known].astype(np.int64), rng)
        if (~known).any():
            z[~known] = self.prior.sample(int((~known).sum()), rng)
        return z.astype(self.dtype, copy=False)

    def _disc_input(self, z, c):
        return z if c is None else np.concatenate([z, c], axis=1)

    # ----------------------------------------------------------------- the three steps
    def check_data(self, batch, name="x"):
        """``(x,)``, or ``(x, y)`` with integer labels (-1 unlabelled) for a conditioned model;
        returns the checked ``(x,)`` or ``(x, y)`` (y as int64)."""
        batch = batch if isinstance(batch, tuple) else (batch,)
        if len(batch) not in (1, 2):
            raise ValueError(f"AAE takes (x,) or (x, y); got a tuple of {len(batch)} arrays")
        x = self.check_input(batch[0], name)
        if len(batch) == 1 or batch[1] is None:
            return (x,)
        self._conditions(batch[1], x.shape[0], f"{name} labels")
        return x, np.asarray(batch[1]).astype(np.int64)

    def reconstruction_loss_and_grads(self, x):
        """Step 1: L_rec on the batch ``x`` (M, D) and its gradients for encoder and decoder.
        Returns ``({"recon"}, grads)``."""
        x = self.check_input(x)
        metrics, grads = self._reconstruction_loss_and_grads(x, x)
        return {"recon": metrics["loss"]}, grads

    def discriminator_loss_and_grads(self, x, z_prior, y=None):
        """Step 2: L_D with one prior sample ``z_prior`` (M, J) per example of ``x`` (M, D) and
        its gradients for the discriminator. ``y`` (M,) labels (-1 unlabelled) for a conditioned
        model: each pair (z_prior_i, h(x_i)) is shown with the condition of y_i.

        Returns ``({"discriminator", "d_real", "d_fake", "disc_accuracy"}, grads)``: mean
        d on prior samples and on codes, and the fraction of the 2M inputs it classifies right.
        """
        x = self.check_input(x)
        z_prior = as_2d_array(z_prior, "z_prior", n_features=self.latent_dim, dtype=self.dtype)
        if z_prior.shape[0] != x.shape[0]:
            raise ValueError(f"z_prior must hold one prior sample per example: shape "
                             f"({x.shape[0]}, {self.latent_dim}); got {z_prior.shape}")
        return self._discriminator_step(x, z_prior, self._conditions(y, x.shape[0]))

    def _discriminator_step(self, x, z_prior, c):
        M = x.shape[0]
        codes = self.encoder.forward(x)
        logits = self.discriminator.forward(
            self._disc_input(np.concatenate([z_prior, codes]),
                             None if c is None else np.concatenate([c, c])))
        value, d_real, d_fake = discriminator_loss(logits[:M], logits[M:])
        self.discriminator.backward(delta=np.concatenate([d_real, d_fake]), need_input_grad=False)
        grads = {f"discriminator.{k}": v for k, v in self.discriminator.grads().items()}
        p = _SIGMOID.f(logits[:, 0])
        metrics = {"discriminator": value, "d_real": float(np.mean(p[:M])),
                   "d_fake": float(np.mean(p[M:])),
                   "disc_accuracy": float((np.sum(p[:M] > 0.5) + np.sum(p[M:] <= 0.5)) / (2 * M))}
        return metrics, grads

    def generator_loss_and_grads(self, x, y=None):
        """Step 3: L_G = (1/M) sum -log d(h(x_i)) and its gradients for the *encoder* only.

        The error at the logit, (d - 1)/M, goes down the discriminator by BP2 (its own
        gradients are computed on the way but not returned: step 3 does not update it); the
        returned input gradient's first J columns are dL_G/dz, which the encoder's backward
        pass takes as ``grad_output``. Returns ``({"generator"}, grads)``.
        """
        x = self.check_input(x)
        return self._generator_step(x, self._conditions(y, x.shape[0]))

    def _generator_step(self, x, c):
        codes = self.encoder.forward(x)
        logits = self.discriminator.forward(self._disc_input(codes, c))
        value, delta = generator_loss(logits)
        grad_in = self.discriminator.backward(delta=delta.astype(self.dtype, copy=False))
        self.encoder.backward(grad_output=np.ascontiguousarray(grad_in[:, :self.latent_dim]),
                              need_input_grad=False)
        return {"generator": value}, {f"encoder.{k}": v for k, v in self.encoder.grads().items()}

    def _loss_and_grads(self, batch, rng):
        """The autoencoder's own objective, step 1, on ``(x,)`` or ``(x, y)`` (``{"loss"}`` and
        the encoder/decoder gradients). The adversarial steps have their own methods above."""
        x = batch[0]
        return self._reconstruction_loss_and_grads(x, x)

    def train_step(self, batch, rng):
        """One checked mini-batch ``(x,)`` or ``(x, y)`` of the slides' three steps, each
        followed by its own optimizer's update (the ones :meth:`fit` built). Prior samples come
        from ``rng``. Returns the batch's metrics (recon, discriminator, d_real, d_fake,
        disc_accuracy, generator, and ``loss`` = recon)."""
        opts = self._phase_optimizers(PHASES)
        x = batch[0]
        y = batch[1] if len(batch) == 2 else None
        c = self._conditions(y, x.shape[0])
        m1, g1 = self._reconstruction_loss_and_grads(x, x)
        apply_step(opts["reconstruction"], self.autoencoder_params(), g1, m1["loss"],
                   "in the reconstruction step")
        z_prior = self._prior_samples(x.shape[0], y, rng)
        m2, g2 = self._discriminator_step(x, z_prior, c)
        apply_step(opts["discriminator"], self.discriminator_params(), g2, m2["discriminator"],
                   "in the discriminator step")
        m3, g3 = self._generator_step(x, c)
        apply_step(opts["generator"], self.encoder_params(), g3, m3["generator"],
                   "in the generator step")
        return {"loss": m1["loss"], "recon": m1["loss"], **m2, **m3}

    # -------------------------------------------------------------------------- fitting
    def fit(self, x, epochs=10, batch_size=100, optimizer="adam", lr=1e-3, validation_data=None,
            progress="auto", seed=None, weight_decay=0.0, callback=None, y=None,
            lr_discriminator=None, lr_generator=None):
        """Train by the three steps on every mini-batch of ``x`` (n, D) (the shared
        :meth:`~scratchae.models.base.Model._fit` loop).

        ``lr`` is the learning rate of step 1; ``lr_discriminator`` and ``lr_generator`` those
        of steps 2 and 3 (default: ``lr``). Each step has its own optimizer (so its own Adam
        moments), kept across calls to ``fit`` while its configuration is unchanged. ``y`` (n,)
        labels with -1 for unlabelled examples, for a label-conditioned model (optional there:
        without it every example is unlabelled). ``validation_data`` is ``x_val`` or
        ``(x_val, y_val)``.

        Returns a :class:`~scratchae.nn.training.History` with per-epoch means of ``recon``,
        ``discriminator``, ``generator``, ``d_real``, ``d_fake``, ``disc_accuracy`` (and
        ``loss`` = ``recon``), plus their ``val_`` versions.
        """
        rates = {"reconstruction": lr,
                 "discriminator": lr if lr_discriminator is None else lr_discriminator,
                 "generator": lr if lr_generator is None else lr_generator}
        self.history_ = self._fit(self.check_data((x, y)), validation_data, epochs=epochs,
                                  batch_size=batch_size, optimizer=optimizer, rates=rates,
                                  progress=progress, seed=seed, weight_decay=weight_decay,
                                  callback=callback)
        return self.history_

    def evaluate(self, x, y=None, rng=None, batch_size=1000):
        """Mean ``recon``, ``discriminator``, ``generator`` losses and ``disc_accuracy`` on
        held-out ``x`` (prior samples from a fixed seed, so the same call gives the same numbers;
        no parameter changes). ``loss`` = ``recon``."""
        x = self.check_input(x)
        self._conditions(y, x.shape[0])
        check_positive(batch_size, "batch_size", integer=True)
        rng = self._rng(rng, "evaluate")
        sums, n = {}, x.shape[0]
        for s in range(0, n, batch_size):
            xb = x[s:s + batch_size]
            yb = None if y is None else np.asarray(y)[s:s + batch_size]
            m = {"recon": float(np.mean(self.reconstruction_loss(xb)))}
            m.update(self._adversarial_metrics(xb, self._prior_samples(len(xb), yb, rng), yb))
            for k, v in m.items():
                sums[k] = sums.get(k, 0.0) + v * len(xb)
        out = {k: v / n for k, v in sums.items()}
        out["loss"] = out["recon"]
        return out

    def _adversarial_metrics(self, x, z_prior, y):
        c = self._conditions(y, x.shape[0])
        codes = self.encoder.forward(x)
        lr = self.discriminator.forward(self._disc_input(z_prior, c)).copy()
        lf = self.discriminator.forward(self._disc_input(codes, c))
        value, _, _ = discriminator_loss(lr, lf)
        pr, pf = _SIGMOID.f(lr[:, 0]), _SIGMOID.f(lf[:, 0])
        return {"discriminator": value, "generator": generator_loss(lf)[0],
                "d_real": float(pr.mean()), "d_fake": float(pf.mean()),
                "disc_accuracy": float((np.sum(pr > 0.5) + np.sum(pf <= 0.5)) / (2 * len(x)))}

    # ------------------------------------------------------------------------ inference
    def discriminate(self, z, y=None):
        """d(z) in (0, 1): the discriminator's probability that codes ``z`` (n, J) came from the
        prior (with labels ``y`` for a conditioned model; -1 or ``None`` = unlabelled)."""
        z = as_2d_array(z, "z", n_features=self.latent_dim, dtype=self.dtype)
        c = self._conditions(y, z.shape[0])
        return _SIGMOID.f(self.discriminator.forward(self._disc_input(z, c))[:, 0]).copy()

    def sample(self, n, rng=None, y=None, return_codes=False):
        """n new examples: z from the prior (from the components of labels ``y`` (n,) when given,
        for a prior with labelled parts), decoded to the mean of p(x|z). Returns (n, D) (and z)."""
        check_positive(n, "n", integer=True)
        rng = self._rng(rng, "sample")
        if y is None:
            z = self.prior.sample(n, rng)
        else:
            y = np.broadcast_to(np.asarray(y), (n,))
            z = self.prior.sample_given_labels(y, rng)
        z = z.astype(self.dtype, copy=False)
        x = self.decode(z)
        return (x, z) if return_codes else x

    def __repr__(self):
        return (f"AAE(layer_sizes={self.layer_sizes}, activation={self.activation!r}, "
                f"prior={self.prior!r}, discriminator_sizes={self.discriminator_sizes}, "
                f"n_classes={self.n_classes}, loss={self.loss_name!r}, dtype={self.dtype.name})")

