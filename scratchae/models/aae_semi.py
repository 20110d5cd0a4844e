"""The semi-supervised adversarial autoencoder (Makhzani et al. 2015, section 5; slides, part 04,
"Semi-Supervised Adversarial Autoencoders": "when no label is given, an auxiliary classifier
predicts it, and an extra discriminator checks that prediction").

The encoder q(y, z | x) has two heads on one trunk: a categorical label y = softmax(c(x)) (K
classes) and a continuous style z (J numbers, linear). The decoder reconstructs x from [y, z].
Two discriminators impose two priors:

    d_y on y:  prior Cat(1/K) -- real samples are one-hot vectors, so the encoder learns to output
               (nearly) one-hot y: a clustering of the data into K groups;
    d_z on z:  prior N(0, std^2 I) -- the style carries what the label does not.

Every mini-batch runs the paper's three phases (four gradient steps):

    1 reconstruction   update encoder, decoder on  L_rec = (1/M) sum -log p(x | g([y(x), z(x)]))
    2 regularisation   a) update d_y and d_z on their L_D (one prior sample per example each)
                       b) update the encoder on L_G = L_G(d_y, y(x)) + L_G(d_z, z(x))
    3 classification   update the encoder's trunk and y head on the labelled mini-batch:
                       L_cls = (1/M_l) sum -log q(y_i | x_i)

Gradients, by hand: the decoder's input gradient splits into dL/dy and dL/dz; dL/dy goes through
the softmax by its Jacobian-vector product  dL/dc = y (.) (dL/dy - <y, dL/dy>)
(:meth:`~scratchae.nn.activations.Softmax.backward`), and [dL/dc, dL/dz] is the error at the
encoder's linear output layer. In 2b the same happens with the two discriminators' input
gradients. In 3 the error at the logits is the softmax + categorical shortcut (q - onehot)/M_l,
and 0 at the z outputs. Finite-difference checks of all four steps are in ``tests/test_aae.py``.

What is simpler than the paper: no batch normalisation and no input noise; Adam instead of SGD
with momentum; Bernoulli (cross-entropy) reconstruction.
"""
import numpy as np

from scratchae._validation import as_2d_array, check_layer_sizes, check_positive, make_rng
from scratchae.models.aae import discriminator_loss, generator_loss
from scratchae.models.base import Model
from scratchae.models.vae_math import log_softmax
from scratchae.nn import activations as activations_module
from scratchae.nn.activations import Sigmoid, Softmax
from scratchae.nn.losses import BernoulliNLL, one_hot
from scratchae.nn.network import Network
from scratchae.nn.training import apply_step

__all__ = ["SemiSupervisedAAE"]

_SIGMOID, _SOFTMAX, _BERNOULLI = Sigmoid(), Softmax(), BernoulliNLL()
PHASES = ("reconstruction", "discriminator", "generator", "classification")


class SemiSupervisedAAE(Model):
    """Semi-supervised AAE (see the module docstring).

    Parameters
    ----------
    layer_sizes : list of int
        Encoder widths from the input to the style code, e.g. ``[784, 1000, 1000, 10]``: the trunk
        is ``layer_sizes[:-1]`` and the last layer outputs K logits and J = ``layer_sizes[-1]``
        style numbers. The decoder is (K + J) -> reversed hidden widths -> D, sigmoid output.
    n_classes : int
        K, the number of categories of y.
    activation : str
        Hidden activation of every network.
    discriminator_sizes : list of int
        Hidden widths of both discriminators.
    style_std : float
        The standard deviation of the style prior N(0, style_std^2 I).
    seed, dtype : as everywhere.

    Notes
    -----
    Parameters are named ``encoder.*``, ``decoder.*``, ``disc_y.*``, ``disc_z.*``.
    """

    requires_unit_interval = True

    def __init__(self, layer_sizes=(784, 1000, 1000, 10), n_classes=10, activation="relu",
                 discriminator_sizes=(1000, 1000), style_std=1.0, seed=0, dtype=np.float32):
        self.layer_sizes = check_layer_sizes(layer_sizes)
        if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) \
                or n_classes < 2:
            raise ValueError(f"n_classes must be an integer >= 2; got {n_classes!r}")
        self.n_classes = int(n_classes)
        self.activation = activations_module.get(activation).name
        self.discriminator_sizes = [] if not discriminator_sizes else \
            check_layer_sizes(discriminator_sizes, "discriminator_sizes", min_len=1)
        check_positive(style_std, "style_std")
        self.style_std = float(style_std)
        self._init_streams(seed)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64; got {self.dtype}")
        K, J = self.n_classes, self.layer_sizes[-1]
        self.latent_dim = J
        hidden = self.layer_sizes[1:-1]
        rng = self.stream("init")
        self.encoder = Network.from_sizes([self.layer_sizes[0]] + hidden + [K + J],
                                          self.activation, output_activation="identity",
                                          rng=rng, dtype=self.dtype)
        self.decoder = Network.from_sizes([K + J] + hidden[::-1] + [self.layer_sizes[0]],
                                          self.activation, output_activation="sigmoid",
                                          rng=rng, dtype=self.dtype)
        drng = self.stream("discriminator")
        self.disc_y = Network.from_sizes([K] + self.discriminator_sizes + [1], self.activation,
                                         output_activation="identity", rng=drng, dtype=self.dtype)
        self.disc_z = Network.from_sizes([J] + self.discriminator_sizes + [1], self.activation,
                                         output_activation="identity", rng=drng, dtype=self.dtype)

    # ------------------------------------------------------------------------ contract
    def get_config(self):
        return {"layer_sizes": list(self.layer_sizes), "n_classes": self.n_classes,
                "activation": self.activation,
                "discriminator_sizes": list(self.discriminator_sizes),
                "style_std": self.style_std, "seed": self.seed, "dtype": self.dtype.name}

    def _named(self, prefix, net):
        return {f"{prefix}.{k}": v for k, v in net.params().items()}

    def _named_grads(self, prefix, net):
        return {f"{prefix}.{k}": v for k, v in net.grads().items()}

    def params(self):
        out = self._named("encoder", self.encoder)
        out.update(self._named("decoder", self.decoder))
        out.update(self._named("disc_y", self.disc_y))
        out.update(self._named("disc_z", self.disc_z))
        return out

    def phase_params(self, phase):
        """The parameters a phase updates (``PHASES``): encoder + decoder, both discriminators,
        or the encoder."""
        if phase == "reconstruction":
            return {**self._named("encoder", self.encoder), **self._named("decoder", self.decoder)}
        if phase == "discriminator":
            return {**self._named("disc_y", self.disc_y), **self._named("disc_z", self.disc_z)}
        if phase in ("generator", "classification"):
            return self._named("encoder", self.encoder)
        raise ValueError(f"phase must be one of {PHASES}; got {phase!r}")

    # -------------------------------------------------------------------------- pieces
    def _heads(self, x):
        """Encoder forward: (logits (M, K), y = softmax (M, K), z (M, J))."""
        out = self.encoder.forward(x)
        K = self.n_classes
        logits, z = out[:, :K], out[:, K:]
        return logits, _SOFTMAX.f(logits), z

    def _encoder_backward(self, logits, grad_y, grad_z, grad_logits=None):
        """Error at the encoder's linear output from dL/dy (through the softmax) and dL/dz."""
        g = _SOFTMAX.backward(logits, grad_y) if grad_y is not None else 0.0
        if grad_logits is not None:
            g = g + grad_logits
        if np.isscalar(g):
            g = np.zeros_like(logits)
        if grad_z is None:
            grad_z = np.zeros((logits.shape[0], self.latent_dim), dtype=self.dtype)
        self.encoder.backward(delta=np.concatenate([g, grad_z], axis=1).astype(self.dtype,
                                                                                copy=False),
                              need_input_grad=False)

    def _labels(self, y, n, name="y"):
        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != n:
            raise ValueError(f"{name} must be integer labels of shape ({n},); got {y.shape}")
        if y.dtype.kind not in "iu" or (n and (y.min() < 0 or y.max() >= self.n_classes)):
            raise ValueError(f"{name} must be integers in [0, {self.n_classes}); got dtype "
                             f"{y.dtype}" + (f", values in [{y.min()}, {y.max()}]" if n and
                                             y.dtype.kind in "iu" else ""))
        return y.astype(np.int64)

    def check_data(self, batch, name="x"):
        """``(x, y)`` with integer labels in [0, K), checked; or the training layout
        ``(x_labelled, y_labelled, x_unlabelled)``."""
        if not isinstance(batch, tuple) or len(batch) not in (2, 3):
            raise ValueError("SemiSupervisedAAE takes (x, y) or (x_labelled, y_labelled, "
                             "x_unlabelled)")
        x = self.check_input(batch[0], name if len(batch) == 2 else "x_labelled")
        y = self._labels(batch[1], x.shape[0], f"{name} labels" if len(batch) == 2
                         else "y_labelled")
        if len(batch) == 2:
            return x, y
        return x, y, self.check_input(batch[2], "x_unlabelled")

    # ----------------------------------------------------------------------- the phases
    def reconstruction_loss_and_grads(self, x):
        """Phase 1: mean -log p(x | g([y(x), z(x)])) and the encoder/decoder gradients."""
        return self._reconstruction(self.check_input(x))

    def _reconstruction(self, x):
        M = x.shape[0]
        logits, y, z = self._heads(x)
        self.decoder.forward(np.concatenate([y, z], axis=1))
        top = self.decoder.layers[-1]
        value = _BERNOULLI.value_from_logits(top.z, x)
        g_in = self.decoder.backward(delta=((top.a - x) / M).astype(self.dtype, copy=False))
        K = self.n_classes
        self._encoder_backward(logits, g_in[:, :K], g_in[:, K:])
        grads = self._named_grads("encoder", self.encoder)
        grads.update(self._named_grads("decoder", self.decoder))
        return {"recon": value}, grads

    def discriminator_loss_and_grads(self, x, y_prior, z_prior):
        """Phase 2a: the two discriminators' losses, with one-hot prior samples ``y_prior``
        (M, K) and style prior samples ``z_prior`` (M, J); their gradients."""
        x = self.check_input(x)
        M = x.shape[0]
        y_prior = as_2d_array(y_prior, "y_prior", n_features=self.n_classes, dtype=self.dtype)
        z_prior = as_2d_array(z_prior, "z_prior", n_features=self.latent_dim, dtype=self.dtype)
        if y_prior.shape[0] != M or z_prior.shape[0] != M:
            raise ValueError(f"give one prior sample per example ({M}); got {y_prior.shape[0]} "
                             f"and {z_prior.shape[0]}")
        return self._discrimination(x, y_prior, z_prior)

    def _discrimination(self, x, y_prior, z_prior):
        M = x.shape[0]
        _, y, z = self._heads(x)
        metrics, grads = {}, {}
        for name, net, real, fake in (("disc_y", self.disc_y, y_prior, y),
                                      ("disc_z", self.disc_z, z_prior, z)):
            logits = net.forward(np.concatenate([real, fake]))
            value, d_real, d_fake = discriminator_loss(logits[:M], logits[M:])
            net.backward(delta=np.concatenate([d_real, d_fake]).astype(self.dtype, copy=False),
                         need_input_grad=False)
            grads.update(self._named_grads(name, net))
            p = _SIGMOID.f(logits[:, 0])
            metrics[name] = value
            metrics[f"{name}_accuracy"] = float((np.sum(p[:M] > 0.5) + np.sum(p[M:] <= 0.5))
                                                / (2 * M))
        metrics["discriminator"] = metrics["disc_y"] + metrics["disc_z"]
        return metrics, grads

    def generator_loss_and_grads(self, x):
        """Phase 2b: L_G = -mean log d_y(y(x)) - mean log d_z(z(x)), encoder gradients only."""
        return self._generation(self.check_input(x))

    def _generation(self, x):
        logits, y, z = self._heads(x)
        v_y, delta_y = generator_loss(self.disc_y.forward(y))
        g_y = self.disc_y.backward(delta=delta_y.astype(self.dtype, copy=False))
        v_z, delta_z = generator_loss(self.disc_z.forward(z))
        g_z = self.disc_z.backward(delta=delta_z.astype(self.dtype, copy=False))
        self._encoder_backward(logits, g_y, g_z)
        return ({"generator": v_y + v_z, "generator_y": v_y, "generator_z": v_z},
                self._named_grads("encoder", self.encoder))

    def classification_loss_and_grads(self, x, y):
        """Phase 3: mean -log q(y_i | x_i) on labelled examples; encoder gradients (the z head
        gets none)."""
        x = self.check_input(x)
        return self._classification(x, self._labels(y, x.shape[0]))

    def _classification(self, x, y):
        t = one_hot(y, self.n_classes, dtype=self.dtype)
        logits, q, _ = self._heads(x)
        value = float(-np.mean(np.sum(t * log_softmax(logits), axis=1)))
        self._encoder_backward(logits, None, None, grad_logits=(q - t) / x.shape[0])
        return {"classification": value}, self._named_grads("encoder", self.encoder)

    def _loss_and_grads(self, batch, rng):
        """The :class:`Model` contract: phase 1 on the unlabelled part ``x_u`` of
        ``(x_l, y_l, x_u)`` (or on ``x`` of ``(x, y)``): ``{"loss"}`` and encoder/decoder
        gradients."""
        metrics, grads = self._reconstruction(batch[-1] if len(batch) == 3 else batch[0])
        return {"loss": metrics["recon"]}, grads

    def sample_priors(self, n, rng):
        """(one-hot y (n, K) from Cat(1/K), z (n, J) from N(0, style_std^2 I))."""
        rng = make_rng(rng)
        y = one_hot(rng.integers(0, self.n_classes, n), self.n_classes, dtype=self.dtype)
        z = (self.style_std * rng.standard_normal((n, self.latent_dim))).astype(self.dtype)
        return y, z

    def train_step(self, batch, rng):
        """One checked mini-batch ``(x_l, y_l, x_u)``: phases 1 and 2 on ``x_u``, phase 3 on the
        labelled part; each of the four steps with its own optimizer. Returns the metrics."""
        opts = self._phase_optimizers(PHASES)
        x_l, y_l, x_u = batch
        steps = (("reconstruction", lambda: self._reconstruction(x_u), "recon"),
                 ("discriminator", lambda: self._discrimination(
                     x_u, *self.sample_priors(len(x_u), rng)), "discriminator"),
                 ("generator", lambda: self._generation(x_u), "generator"),
                 ("classification", lambda: self._classification(x_l, y_l), "classification"))
        metrics = {}
        for phase, run, key in steps:
            m, g = run()
            apply_step(opts[phase], self.phase_params(phase), g, m[key], f"in the {phase} step")
            metrics.update(m)
        metrics["loss"] = metrics["recon"]
        return metrics

    def fit(self, x_labelled, y_labelled, x_unlabelled, epochs=10, batch_size=100,
            labelled_batch_size=100, optimizer="adam", lr=1e-3, lr_adversarial=None,
            lr_classification=None, validation_data=None, progress="auto", seed=None,
            weight_decay=0.0, callback=None):
        """Train on a few labelled and many unlabelled examples (the shared
        :meth:`~scratchae.models.base.Model._fit` loop). An epoch is one pass over
        ``x_unlabelled``; every step also takes ``labelled_batch_size`` labelled examples,
        cycling through them in a fresh order each time round. ``lr`` is phase 1's rate,
        ``lr_adversarial`` phase 2's (both steps), ``lr_classification`` phase 3's (defaults:
        ``lr``). ``validation_data = (x, y)`` adds ``val_error``. Returns a History."""
        x_l, y_l, x_u = self.check_data((x_labelled, y_labelled, x_unlabelled))
        adversarial = lr if lr_adversarial is None else lr_adversarial
        rates = {"reconstruction": lr, "discriminator": adversarial, "generator": adversarial,
                 "classification": lr if lr_classification is None else lr_classification}
        self.history_ = self._fit((x_u,), validation_data, epochs=epochs, batch_size=batch_size,
                                  optimizer=optimizer, rates=rates, progress=progress, seed=seed,
                                  weight_decay=weight_decay, callback=callback,
                                  labelled=(x_l, y_l), labelled_batch_size=labelled_batch_size)
        return self.history_

    # --------------------------------------------------------------------- inference
    def predict_proba(self, x, batch_size=5000):
        """q(y|x) (n, K)."""
        x = self.check_input(x)
        check_positive(batch_size, "batch_size", integer=True)
        return np.concatenate([self._heads(x[s:s + batch_size])[1].copy()
                               for s in range(0, x.shape[0], batch_size)])

    def predict(self, x, batch_size=5000):
        """argmax_y q(y|x), (n,) int64."""
        return np.argmax(self.predict_proba(x, batch_size), axis=1).astype(np.int64)

    def evaluate(self, x, y):
        """{"error": test error of q(y|x), "recon": mean reconstruction NLL} on (x, y)."""
        x = self.check_input(x)
        y = self._labels(y, x.shape[0])
        q = self.predict_proba(x)
        _, yy, zz = self._heads(x)
        self.decoder.forward(np.concatenate([yy, zz], axis=1))
        recon = _BERNOULLI.value_from_logits(self.decoder.layers[-1].z, x)
        return {"error": float(np.mean(np.argmax(q, 1) != y)), "recon": recon}

    def encode(self, x):
        """(q(y|x) (n, K), style z (n, J))."""
        x = self.check_input(x)
        _, y, z = self._heads(x)
        return y.copy(), z.copy()

    def decode(self, y, z):
        """Mean of p(x | y, z): ``y`` labels (n,) or one-hot/probabilities (n, K), ``z`` (n, J)."""
        z = as_2d_array(z, "z", n_features=self.latent_dim, dtype=self.dtype)
        y = np.asarray(y)
        if y.ndim == 1:
            y = one_hot(self._labels(y, z.shape[0]), self.n_classes, dtype=self.dtype)
        y = as_2d_array(y, "y", n_features=self.n_classes, dtype=self.dtype)
        if y.shape[0] != z.shape[0]:
            raise ValueError(f"y and z must have the same number of rows; got {y.shape[0]} and "
                             f"{z.shape[0]}")
        return self.decoder.forward(np.concatenate([y, z], axis=1)).copy()

    def reconstruct(self, x):
        """decode(encode(x)) with the soft label q(y|x)."""
        y, z = self.encode(x)
        return self.decode(y, z)

    def sample(self, n, rng=None, y=None):
        """n examples: y from Cat(1/K) (or the given labels), z from the style prior."""
        check_positive(n, "n", integer=True)
        rng = self._rng(rng, "sample")
        yy, z = self.sample_priors(n, rng)
        if y is not None:
            yy = one_hot(self._labels(np.broadcast_to(np.asarray(y), (n,)).astype(np.int64), n),
                         self.n_classes, dtype=self.dtype)
        return self.decode(yy, z)

    def __repr__(self):
        return (f"SemiSupervisedAAE(layer_sizes={self.layer_sizes}, n_classes={self.n_classes}, "
                f"activation={self.activation!r}, dtype={self.dtype.name})")
