"""aae-parzen: the Parzen-window log-likelihood of an adversarial autoencoder's samples on the MNIST
test set (Makhzani et al. 2015, Table 1: AAE 340 +- 2 nats; GAN 225 +- 2, Goodfellow et al. 2014).

The protocol (Goodfellow et al.'s ``parzen_ll.py``, which Makhzani et al. reuse): draw 10,000
samples from the trained model (z from the prior, x = the decoder's mean image), put an isotropic
Gaussian window of width sigma on each, choose sigma from ``logspace(-1, 0, 10)`` by the mean
log-likelihood of the first 1,000 validation images (the last 10,000 of MNIST's training file,
never trained on), and report the mean log-likelihood of the 10,000 test images with its
standard error (:func:`scratchae.evaluation.parzen_log_likelihood`).

The model is the paper's MNIST model: encoder 784-1000-1000-8 and mirrored decoder with ReLU
hidden units, linear code, sigmoid output trained on the "Euclidean" (squared-error) cost;
discriminator 8-1000-1000-1 with ReLU; prior N(0, 5^2 I); batches of 100; 50,000 training
images (grey levels). Where we differ: Adam (separate moments per step) instead of SGD with
momentum (lr 1e-3 for the reconstruction step, 5e-4 for the two adversarial steps, chosen on a
short pilot run), He initialisation instead of N(0, 0.01^2), and the length of training: the
paper does not state it; the default, 126 passes (``--epochs``), is the run the README reports.
``--budget-minutes`` is an optional extra stop; the report then says how many passes ran.

For scale, the report also gives the same Parzen estimate with 10,000 *real* training images in
place of the samples: a Parzen estimate rewards samples that sit close to test digits, and
Theis, van den Oord & Bethge (2016) showed it can rank models oddly -- read the numbers with that
in mind.

``quick=True``: 1,000 training images, a small network, 2 passes, 300 samples, 200 validation
and 300 test images (a smoke run, not comparable).
"""
import time

import numpy as np

from scratchae.reproduce._common import (Budget, add_config_arguments, add_passes_row,
                                         resolve)

NAME = "aae-parzen"
DESCRIPTION = ("AAE (784-1000-1000-8, N(0, 5^2 I) prior) on MNIST: Parzen-window log-likelihood of "
               "10,000 samples on the test set (Makhzani et al. 2015: 340 +- 2; GAN 225 +- 2)")
REFERENCE = 340.0
REFERENCE_STDERR = 2.0
GAN_REFERENCE = 225.0
SOURCE = "Makhzani et al. 2015, Table 1, MNIST, 10K samples"


FULL = {"epochs": 126, "layer_sizes": [784, 1000, 1000, 8], "discriminator_sizes": [1000, 1000],
        "lr": 1e-3, "lr_adversarial": 5e-4, "batch_size": 100, "prior_std": 5.0,
        "n_train": None, "n_test": None,
        "n_samples": 10000, "n_validation": 1000, "data_baseline": True,
        "budget_minutes": None}
QUICK = {"epochs": 2, "layer_sizes": [784, 64, 64, 8], "discriminator_sizes": [32, 32],
         "n_train": 1000, "n_test": 300, "n_samples": 300, "n_validation": 200,
         "data_baseline": False}
HELP = {"epochs": "passes over the 50,000 training images",
        "layer_sizes": "encoder sizes, input to code (decoder mirrored)",
        "discriminator_sizes": "hidden sizes of the discriminator",
        "lr": "Adam step size of the reconstruction step",
        "lr_adversarial": "Adam step size of the discriminator and generator steps",
        "batch_size": "mini-batch size", "prior_std": "standard deviation of the Gaussian prior",
        "n_train": "training images (the first N; none = all 50,000)",
        "n_test": "test images (the first N; none = all 10,000)",
        "n_samples": "samples drawn for the Parzen estimate",
        "n_validation": "validation images that choose sigma",
        "data_baseline": "also score real training images with the same estimator",
        "budget_minutes": "optional wall-clock stop"}
TYPES = {"n_train": int, "n_test": int, "budget_minutes": float}


def add_arguments(parser):
    add_config_arguments(parser, FULL, QUICK, HELP, TYPES)


def run(out="scratchae-out", quick=False, seed=0, **flags):
    from scratchae.data import load_mnist
    from scratchae.evaluation import GOODFELLOW_SIGMAS, parzen_log_likelihood
    from scratchae.models.aae import AAE
    from scratchae.models.priors import GaussianPrior
    from scratchae.report import Report, blas_threads

    cfg = resolve(FULL, QUICK, quick, flags)
    (x_train, _), (x_val, _) = load_mnist(validation_size=10000)
    x_test, _ = load_mnist(split="test")
    x_train, x_test = x_train[:cfg["n_train"]], x_test[:cfg["n_test"]]
    x_val = x_val[:cfg["n_validation"]]
    layer_sizes, discriminator_sizes = cfg["layer_sizes"], cfg["discriminator_sizes"]
    lr, lr_d = cfg["lr"], cfg["lr_adversarial"]
    n_samples, data_baseline, epochs = cfg["n_samples"], cfg["data_baseline"], cfg["epochs"]
    params = dict(cfg, activation="relu", prior=f"N(0, {cfg['prior_std']:g}^2 I)",
                  loss="squared error, sigmoid output", optimizer="adam",
                  n_train=len(x_train), n_validation=len(x_val), n_test=len(x_test),
                  sigmas="logspace(-1, 0, 10)", seed=seed, quick=quick, dtype="float32",
                  blas_threads=blas_threads())
    report = Report(NAME, params)
    print(f"{NAME}: {DESCRIPTION}\n{params}", flush=True)

    model = AAE(layer_sizes, activation="relu",
                prior=GaussianPrior(layer_sizes[-1], cfg["prior_std"]),
                discriminator_sizes=discriminator_sizes, loss="gaussian",
                output_activation="sigmoid", seed=seed, dtype=np.float32)
    budget = Budget(cfg["budget_minutes"])
    t0 = time.perf_counter()

    def show(epoch, history):
        print(f"epoch {epoch + 1:3d}: recon {history['recon'][-1]:7.3f}  D loss "
              f"{history['discriminator'][-1]:.3f}  G loss {history['generator'][-1]:.3f}  "
              f"D accuracy {history['disc_accuracy'][-1]:.3f}  {history.seconds[-1]:.0f} s",
              flush=True)
        return budget.expired()

    history = model.fit(x_train, epochs=epochs, batch_size=cfg["batch_size"], lr=lr,
                        lr_discriminator=lr_d, lr_generator=lr_d, progress=False,
                        callback=show)
    train_seconds = time.perf_counter() - t0

    t1 = time.perf_counter()
    samples = model.sample(n_samples, rng=np.random.default_rng(seed + 100))
    result = parzen_log_likelihood(samples, x_test, x_val, sigmas=GOODFELLOW_SIGMAS)
    eval_seconds = time.perf_counter() - t1
    print(result, flush=True)
    comparable = not quick and n_samples == 10000 and len(x_test) == 10000
    report.add(f"test Parzen log-likelihood, {n_samples} samples", result.mean,
               REFERENCE if comparable else None, SOURCE, "nats")
    report.add("  standard error", result.stderr, REFERENCE_STDERR if comparable else None,
               SOURCE, "nats")
    report.add("  the same protocol for a GAN", None, GAN_REFERENCE if comparable else None,
               "Goodfellow et al. 2014, Table 1", "nats")
    report.add("sigma chosen on the validation images", result.sigma, None, "", "")
    if data_baseline:
        t2 = time.perf_counter()
        real = x_train[np.random.default_rng(seed + 200).choice(len(x_train), n_samples,
                                                                  replace=False)]
        base = parzen_log_likelihood(real, x_test, x_val, sigmas=GOODFELLOW_SIGMAS)
        print(f"real training images as samples: {base}", flush=True)
        report.add(f"  same estimate with {n_samples} real training images as 'samples'",
                   base.mean, None, "our run (scale of the estimator)", "nats")
        eval_seconds += time.perf_counter() - t2
    z_test = model.encode(x_test)
    report.add(f"std of test codes (prior: {cfg['prior_std']:g})", float(z_test.std()),
               cfg["prior_std"], params["prior"], "")
    report.add("test reconstruction, 1/2 squared error per image",
               float(np.mean(model.reconstruction_loss(x_test))), None, "", "nats")
    report.add("discriminator accuracy, last pass", history["disc_accuracy"][-1], 0.5,
               "equilibrium", "")
    add_passes_row(report, len(history["recon"]), epochs, budget)
    report.add("training time", train_seconds, None, "", "s")
    report.add("evaluation time", eval_seconds, None, "", "s")
    return report.write(out)

