"""Stacked autoencoders (slides, part 03, "Stacking Autoencoder", "Fine-tuning by
backpropagation", "Stacked Denoising Auto-Encoders (SDAE)"; Hinton & Salakhutdinov 2006,
Bengio et al. 2007, Vincent et al. 2010).

Greedy layer-wise pre-training, then fine-tuning:

1. Train a one-hidden-layer autoencoder (or DAE) x -> h1 -> x'. Keep its encoder.
2. Train the next one on the codes h1 -> h2 -> h1'. Keep its encoder. And so on up to the code.
3. "Unroll": the deep encoder is the stack of kept encoders, the deep decoder the stack of their
   decoders in reverse order.
4. Fine-tune the whole stack by backprop, either as an autoencoder on the reconstruction loss
   (``fit``, the 784-1000-500-250-30 network of the slides) or, with a softmax classifier on the
   top code, on the labels (``fit_classifier``: stacked (denoising) AE as a pre-training method).

Every gradient here is the plain autoencoder's or the classifier's BP1-BP4; the softmax +
categorical NLL output uses the shortcut delta = (p - y) / M. The reconstruction loss does not
depend on the classifier, so :meth:`StackedAutoencoder.loss_and_grads` gives it an exactly-zero
gradient (no momentum carries over: the two phases use separate optimizers).
"""
import numpy as np

from scratchae._validation import as_2d_array, check_positive
from scratchae.models.autoencoder import Autoencoder
from scratchae.models.denoising import DenoisingAutoencoder
from scratchae.nn import losses as losses_module
from scratchae.nn.layers import Dense
from scratchae.nn.training import apply_step

__all__ = ["StackedAutoencoder"]


class StackedAutoencoder(Autoencoder):
    """A deep autoencoder built by greedy layer-wise pre-training, optionally with a classifier.

    Parameters as :class:`~scratchae.models.autoencoder.Autoencoder` (the decoder mirrors the
    encoder), plus ``n_classes``: if given, a softmax layer ``classifier`` (code -> n_classes)
    sits on the code for supervised fine-tuning.
    """

    def __init__(self, layer_sizes, activation="sigmoid", code_activation=None, loss="bernoulli",
                 tied=False, seed=0, dtype=np.float64, output_activation=None, n_classes=None):
        super().__init__(layer_sizes, activation, code_activation, loss, tied, seed, dtype,
                         output_activation)
        self.n_classes = None if n_classes is None else \
            int(check_positive(n_classes, "n_classes", integer=True))
        self.classifier = None
        if self.n_classes is not None:
            if self.n_classes < 2:
                raise ValueError(f"n_classes must be at least 2; got {n_classes}")
            self.classifier = Dense(self.layer_sizes[-1], self.n_classes, "softmax",
                                    rng=self.stream("classifier"), dtype=self.dtype)
        self.categorical = losses_module.CategoricalNLL()

    def get_config(self):
        config = super().get_config()
        config.pop("decoder_sizes")
        config["n_classes"] = self.n_classes
        return config

    def params(self):
        out = super().params()
        if self.classifier is not None:
            out.update({f"classifier.{k}": v for k, v in self.classifier.params.items()})
        return out

    def check_data(self, batch, name="x"):
        """``(x,)`` for the reconstruction, ``(x, y)`` (integer labels) for the classifier."""
        batch = batch if isinstance(batch, tuple) else (batch,)
        if len(batch) == 1:
            return super().check_data(batch, name)
        if len(batch) != 2:
            raise ValueError(f"StackedAutoencoder takes (x,) or (x, y); got {len(batch)} arrays")
        self._need_classifier()
        x = self.check_input(batch[0], name)
        y = np.asarray(batch[1])
        self._labels(y, x.shape[0], f"{name} labels")
        return x, y

    def _loss_and_grads(self, batch, rng):
        """``(x,)``: the reconstruction loss (the classifier's gradient is exactly zero);
        ``(x, y)``: the classifier's loss, :meth:`classifier_loss_and_grads`."""
        if len(batch) == 2:
            return self._classifier_loss_and_grads(*batch)
        metrics, grads = super()._loss_and_grads(batch, rng)
        if self.classifier is not None:
            grads.update({f"classifier.{k}": np.zeros_like(v)
                          for k, v in self.classifier.params.items()})
        return metrics, grads

    def train_step(self, batch, rng):
        """A reconstruction step on ``(x,)``, or a fine-tuning step of encoder and classifier
        on ``(x, y)`` (with its own optimizer)."""
        if len(batch) == 1:
            return super().train_step(batch, rng)
        metrics, grads = self._classifier_loss_and_grads(*batch)
        (opt,) = self._phase_optimizers(("classifier",)).values()
        apply_step(opt, self.classifier_params(), grads,
                   metrics["loss"], where="(classifier fine-tuning)")
        return metrics

    def evaluate(self, x, y=None):
        """The reconstruction metrics on ``x``; with labels ``y`` the classifier's ``loss``
        (mean cross-entropy) and ``error`` instead."""
        if y is None:
            return super().evaluate(x)
        x, y = self.check_data((x, y))
        p = self.predict_proba(x)
        return {"loss": self.categorical.value(p, self._labels(y, len(y))),
                "error": float(np.mean(np.argmax(p, axis=1) != y))}

    # --------------------------------------------------------------------- pre-training
    def layer_loss(self, k):
        """The reconstruction loss of the k-th shallow autoencoder: the model's own for the
        pixels (k = 0); above, Bernoulli on sigmoid codes in (0, 1), else Gaussian."""
        if k == 0:
            return self.loss_name
        return "bernoulli" if self.activation == "sigmoid" else "gaussian"

    def pretrain(self, x, epochs=5, batch_size=128, optimizer="adam", lr=1e-3, corruption=None,
                 level=0.25, n_samples=1, progress="auto", weight_decay=0.0):
        """Greedy layer-wise pre-training; copies each shallow AE into the stack.

        ``corruption`` (``None``, ``"masking"``, ``"gaussian"``, ``"salt_and_pepper"``) makes each
        shallow model a DAE (the SDAE); ``level`` is one number or one per layer. Returns the list
        of the shallow models' training :class:`~scratchae.nn.training.History` (also kept as
        ``pretrain_history_``).
        """
        x = self.check_input(x)
        n = len(self.encoder.layers)
        levels = list(level) if isinstance(level, (list, tuple)) else [level] * n
        if len(levels) != n:
            raise ValueError(f"level must be one number or one per layer ({n}); got {level!r}")
        histories, a = [], x
        seeds = self.stream("pretrain").integers(0, 2 ** 63, size=n)
        for k in range(n):
            enc_layer = self.encoder.layers[k]
            dec_layer = self.decoder.layers[n - 1 - k]
            kwargs = dict(layer_sizes=[enc_layer.n_in, enc_layer.n_out],
                          activation=enc_layer.activation.name, loss=self.layer_loss(k),
                          output_activation=dec_layer.activation.name, tied=self.tied,
                          seed=int(seeds[k]), dtype=self.dtype)
            if corruption is None:
                shallow = Autoencoder(**kwargs)
            else:
                shallow = DenoisingAutoencoder(corruption=corruption, level=levels[k],
                                               n_samples=n_samples, **kwargs)
            history = shallow.fit(a, epochs=epochs, batch_size=batch_size, optimizer=optimizer,
                                  lr=lr, progress=progress, weight_decay=weight_decay)
            histories.append(history)
            enc_layer.params["W"][...] = shallow.encoder.layers[0].W
            enc_layer.params["b"][...] = shallow.encoder.layers[0].b
            if not self.tied:
                dec_layer.params["W"][...] = shallow.decoder.layers[0].W
            dec_layer.params["b"][...] = shallow.decoder.layers[0].b
            a = shallow.encode(a)
        self.pretrain_history_ = histories
        return histories

    # ----------------------------------------------------------------------- classifier
    def _need_classifier(self):
        if self.classifier is None:
            raise ValueError("this StackedAutoencoder has no classifier: build it with n_classes")

    def _labels(self, y, n, name="y"):
        y = np.asarray(y)
        if y.shape != (n,) or y.dtype.kind not in "iu":
            raise ValueError(f"{name} must hold {n} integer labels, shape ({n},); got dtype "
                             f"{y.dtype}, shape {y.shape}")
        if n and (y.min() < 0 or y.max() >= self.n_classes):
            raise ValueError(f"{name} must lie in [0, {self.n_classes}); got values in "
                             f"[{y.min()}, {y.max()}]")
        return losses_module.one_hot(y, self.n_classes, dtype=self.dtype)

    def classifier_loss_and_grads(self, x, y):
        """Mean -log softmax(classifier(h(x)))_y and the gradients of the encoder and the
        classifier (the decoder is untouched). ``y``: integer labels (M,)."""
        x, y = self.check_data((x, y))
        return self._classifier_loss_and_grads(x, y)

    def _classifier_loss_and_grads(self, x, y):
        Y = self._labels(y, x.shape[0])
        h = self.encoder.forward(x)
        p = self.classifier.forward(h)
        value = self.categorical.value(p, Y)
        delta = self.categorical.delta(self.classifier.z, p, Y, self.classifier.activation)
        grad_h = self.classifier.backward_delta(delta)         # BP3, BP4 of the softmax layer
        self.encoder.backward(grad_output=grad_h, need_input_grad=False)
        grads = {f"encoder.{k}": v for k, v in self.encoder.grads().items()}
        grads.update({f"classifier.{k}": v for k, v in self.classifier.grads.items()})
        error = float(np.mean(np.argmax(p, axis=1) != np.asarray(y)))
        return {"loss": value, "error": error}, grads

    def classifier_params(self):
        """The parameters that supervised fine-tuning changes: encoder and classifier."""
        self._need_classifier()
        out = {f"encoder.{k}": v for k, v in self.encoder.params().items()}
        out.update({f"classifier.{k}": v for k, v in self.classifier.params.items()})
        return out

    def predict_proba(self, x):
        """softmax class probabilities (M, n_classes)."""
        self._need_classifier()
        return self._chunks(as_2d_array(x, "x", n_features=self.layer_sizes[0], dtype=self.dtype),
                            lambda c: self.classifier.forward(self.encoder.forward(c)).copy())

    def predict(self, x):
        """The most probable class of each row, (M,) int."""
        return np.argmax(self.predict_proba(x), axis=1)

    def error_rate(self, x, y):
        """Fraction of misclassified rows."""
        y = np.asarray(y)
        pred = self.predict(x)
        if y.shape != pred.shape:
            raise ValueError(f"y must have shape {pred.shape}; got {y.shape}")
        return float(np.mean(pred != y))

    def fit_classifier(self, x, y, epochs=10, batch_size=128, optimizer="adam", lr=1e-3,
                       validation_data=None, progress="auto", seed=None, weight_decay=0.0,
                       callback=None):
        """Supervised fine-tuning of encoder + classifier on (x, y) by mini-batch descent (the
        shared :meth:`~scratchae.models.base.Model._fit` loop, with its own optimizer).

        ``validation_data`` = (x_val, y_val) adds ``val_loss``/``val_error`` to the history.
        Returns a :class:`~scratchae.nn.training.History` (also ``classifier_history_``).
        """
        history = self._fit(self.check_data((x, y)), validation_data, epochs=epochs,
                            batch_size=batch_size, optimizer=optimizer, rates={"classifier": lr},
                            progress=progress, seed=seed, weight_decay=weight_decay,
                            callback=callback)
        self.classifier_history_ = history
        return history
