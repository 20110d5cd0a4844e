"""The denoising autoencoder (slides, part 03, "Denoising AutoEncoder"; Vincent et al. 2008).

    L_DAE = sum_x E_{q(x~|x)} [ L(x, g(h(x~))) ]
          ~= sum_x (1/L) sum_{l=1}^{L} L(x, g(h(x~_l))),   x~_l ~ q(x~ | x)

The expectation over the corruption cannot be computed exactly, so it is replaced by the average
over ``L = n_samples`` corrupted copies (the slide's "L개 샘플에 대한 평균으로 대체"). The network
sees the corrupted input x~ but is scored against the *clean* x: it learns to project corrupted
points back onto the data manifold.

Implementation: the L copies of a batch of M examples are stacked into one batch of L*M rows
(targets: x repeated L times); the mean of the NLL over these L*M rows is exactly
(1/M) sum_m (1/L) sum_l L(x_m, g(h(x~_ml))). For a *fixed* draw of the noise (a generator seeded
anew for each call) the objective is an ordinary smooth function of the weights, and its gradient is
the autoencoder's -- which the tests check against finite differences.
"""
import numpy as np

from scratchae._validation import check_positive, make_rng
from scratchae.data.corruption import check_corruption, corrupt
from scratchae.models.autoencoder import Autoencoder

__all__ = ["DenoisingAutoencoder", "corrupted_copies"]


def corrupted_copies(x, kind, level, n_samples, rng):
    """(L*M, d) corrupted inputs (copy l in rows l*M:(l+1)*M) and the (L*M, d) clean targets."""
    x_tilde = np.concatenate([corrupt(x, kind, level, rng) for _ in range(n_samples)])
    return x_tilde, np.tile(x, (n_samples, 1))


class DenoisingAutoencoder(Autoencoder):
    """An :class:`~scratchae.models.autoencoder.Autoencoder` trained to reconstruct x from x~.

    Extra parameters
    ----------------
    corruption : ``"masking"`` | ``"gaussian"`` | ``"salt_and_pepper"``
        The process q(x~ | x) of :mod:`scratchae.data.corruption`.
    level : float in [0, 1]
        Its level (masking/salt-and-pepper probability, or the Gaussian standard deviation).
    n_samples : int
        L, the corrupted copies per example that approximate the expectation.

    ``encode``/``decode``/``reconstruct`` are deterministic and take any input (``reconstruct``
    of a noisy image is the denoised image, see :meth:`denoise`); ``evaluate`` reports the clean
    reconstruction metrics and the denoising loss for one fixed draw of the noise.
    """

    def __init__(self, layer_sizes, activation="sigmoid", code_activation=None, loss="bernoulli",
                 tied=False, seed=0, dtype=np.float64, output_activation=None, decoder_sizes=None,
                 corruption="masking", level=0.25, n_samples=1):
        super().__init__(layer_sizes, activation, code_activation, loss, tied, seed, dtype,
                         output_activation, decoder_sizes)
        self.corruption, self.level = check_corruption(corruption, level)
        self.n_samples = int(check_positive(n_samples, "n_samples", integer=True))

    def get_config(self):
        config = super().get_config()
        config.update(corruption=self.corruption, level=self.level, n_samples=self.n_samples)
        return config

    def corrupt(self, x, rng=None):
        """One draw of q(x~ | x) with this model's corruption and level."""
        return corrupt(x, self.corruption, self.level, make_rng(rng))

    def denoise(self, x_noisy):
        """g(h(x~)): the reconstruction of a (noisy) input."""
        return self.reconstruct(x_noisy)

    def _loss_and_grads(self, batch, rng):
        """(1/M) sum_m (1/L) sum_l -log p(x_m | g(h(x~_ml))) on ``(x,)`` and its gradients; the
        noise is drawn from ``rng`` (pass a freshly seeded generator to freeze it)."""
        (x,) = batch
        x_tilde, target = corrupted_copies(x, self.corruption, self.level, self.n_samples, rng)
        return self._reconstruction_loss_and_grads(x_tilde, target)

    def evaluate(self, x):
        metrics = super().evaluate(x)
        x = self.check_input(x)
        noisy = self.corrupt(x, rng=0)
        self.decoder.forward(self.encoder.forward(noisy))
        metrics["denoising_loss"] = float(np.mean(self._per_example_loss(x)))
        return metrics
