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
short pilot run), He initialisation instead of N(0, 0.01^2), and, by default, the length of
training -- the run stops after ``budget_minutes`` of training, which on a shared 2-core CPU is a
few passes, and reports how many it made. ``full=True`` (``python -m
scratchae.reproduce.aae_parzen --full``) trains for ``full_epochs`` passes without a time limit.

For scale, the report also gives the same Parzen estimate with 10,000 *real* training images in
place of the samples: a Parzen estimate rewards samples that sit close to test digits, and
Theis, van den Oord & Bethge (2016) showed it can rank models oddly -- read the numbers with that
in mind.

``quick=True``: 2,000 training images, a small network, 2 passes, 500 samples, 300 validation
and 500 test images (a smoke run, not comparable).
"""
import argparse
import time

import numpy as np

NAME = "aae-parzen"
DESCRIPTION = ("AAE (784-1000-1000-8, N(0, 5^2 I) prior) on MNIST: Parzen-window log-likelihood of "
               "10,000 samples on the test set (Makhzani et al. 2015: 340 +- 2; GAN 225 +- 2)")
REFERENCE = 340.0
REFERENCE_STDERR = 2.0
GAN_REFERENCE = 225.0
SOURCE = "Makhzani et al. 2015, Table 1, MNIST, 10K samples"




def run(out="scratchae-out", quick=False, seed=0, full=False, budget_minutes=12.0,
        full_epochs=200, lr=1e-3, lr_discriminator=5e-4, lr_generator=5e-4, layer_sizes=None,
        discriminator_sizes=None, n_samples=10000, n_validation=1000, data_baseline=True):
    from scratchae.data import load_mnist
    from scratchae.evaluation import GOODFELLOW_SIGMAS, parzen_log_likelihood
    from scratchae.models.aae import AAE
    from scratchae.models.priors import GaussianPrior
    from scratchae.report import Report, blas_threads

    (x_train, _), (x_val, _) = load_mnist(validation_size=10000)
    x_test, _ = load_mnist(split="test")
    layer_sizes = list(layer_sizes or (784, 1000, 1000, 8))
    discriminator_sizes = list(discriminator_sizes or (1000, 1000))
    epochs, budget = (full_epochs, None) if full else (10 ** 6, budget_minutes * 60.0)
    if quick:
        x_train, x_test = x_train[:2000], x_test[:500]
        layer_sizes, discriminator_sizes = [784, 64, 64, 8], [32, 32]
        epochs, budget, n_samples, n_validation, data_baseline = 2, None, 500, 300, False
    x_val = x_val[:n_validation]
    lr_d = lr if lr_discriminator is None else lr_discriminator
    lr_g = lr if lr_generator is None else lr_generator
    params = {"layer_sizes": layer_sizes, "discriminator_sizes": discriminator_sizes,
              "activation": "relu", "prior": "N(0, 5^2 I)", "loss": "squared error, sigmoid "
              "output", "optimizer": "adam", "lr": lr, "lr_discriminator": lr_d,
              "lr_generator": lr_g, "batch_size": 100, "n_train": len(x_train),
              "epochs": epochs if budget is None else None,
              "budget_minutes": None if budget is None else budget_minutes,
              "n_samples": n_samples, "n_validation": len(x_val), "n_test": len(x_test),
              "sigmas": "logspace(-1, 0, 10)", "seed": seed, "quick": quick, "full": full,
              "dtype": "float32", "blas_threads": blas_threads()}
    report = Report(NAME, params)
    print(f"{NAME}: {DESCRIPTION}\n{params}", flush=True)

    model = AAE(layer_sizes, activation="relu", prior=GaussianPrior(layer_sizes[-1], 5.0),
                discriminator_sizes=discriminator_sizes, loss="gaussian",
                output_activation="sigmoid", seed=seed, dtype=np.float32)
    t0 = time.perf_counter()

    def show(epoch, history):
        print(f"epoch {epoch + 1:3d}: recon {history['recon'][-1]:7.3f}  D loss "
              f"{history['discriminator'][-1]:.3f}  G loss {history['generator'][-1]:.3f}  "
              f"D accuracy {history['disc_accuracy'][-1]:.3f}  {history.seconds[-1]:.0f} s",
              flush=True)
        return budget is not None and time.perf_counter() - t0 > budget

    history = model.fit(x_train, epochs=epochs, batch_size=100, lr=lr, lr_discriminator=lr_d,
                        lr_generator=lr_g, progress=False, callback=show)
    train_seconds = time.perf_counter() - t0

    t1 = time.perf_counter()
    samples = model.sample(n_samples, rng=np.random.default_rng(seed + 100))
    result = parzen_log_likelihood(samples, x_test, x_val, sigmas=GOODFELLOW_SIGMAS)
    eval_seconds = time.perf_counter() - t1
    print(result, flush=True)
    comparable = not quick
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
    report.add("std of test codes (prior: 5)", float(z_test.std()), 5.0, "prior N(0, 5^2 I)", "")
    report.add("test reconstruction, 1/2 squared error per image",
               float(np.mean(model.reconstruction_loss(x_test))), None, "", "nats")
    report.add("discriminator accuracy, last pass", history["disc_accuracy"][-1], 0.5,
               "equilibrium", "")
    report.add("passes over the training set made", len(history["recon"]), None, "", "epochs")
    report.add("training time", train_seconds, None, "", "s")
    report.add("evaluation time", eval_seconds, None, "", "s")
    return report.write(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smoke run (< 1 min)")
    mode.add_argument("--full", action="store_true",
                      help="no time limit: --full-epochs passes of the paper's model")
    parser.add_argument("--budget-minutes", type=float, default=12.0,
                        help="training time limit of the default run (default 12)")
    parser.add_argument("--full-epochs", type=int, default=200)
    parser.add_argument("--lr", type=float, default=1e-3, help="reconstruction step")
    parser.add_argument("--lr-adversarial", type=float, default=5e-4,
                        help="discriminator and generator steps")
    parser.add_argument("--out", default="scratchae-out")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    return run(out=args.out, quick=args.quick, seed=args.seed, full=args.full,
               budget_minutes=args.budget_minutes, full_epochs=args.full_epochs, lr=args.lr,
               lr_discriminator=args.lr_adversarial, lr_generator=args.lr_adversarial)


if __name__ == "__main__":
    main()
