"""vae-pytorch-example: the VAE of PyTorch's official example (pytorch/examples, vae/main.py),
rebuilt with hand-written gradients.

Settings as in the example: 784-400-20 encoder (ReLU), mirrored decoder with a Bernoulli output
(logits), grey-level MNIST (60,000 training images, not binarised), loss = summed binary
cross-entropy + KL per image, Adam with lr 1e-3, batch 128, 10 epochs. The example reports the
test loss with z *sampled* (its ``reparameterize`` samples in evaluation too), summed over the
10,000 test images and divided by 10,000: about 105.6 nats after 10 epochs. We report the same
quantity, -ELBO(x) with one z per image, averaged over the test set.

``quick=True``: 3,000 training images, 2 epochs, 1,000 test images (a smoke run, not comparable).
"""
import time

import numpy as np

from scratchae.reproduce._common import add_config_arguments, resolve

NAME = "vae-pytorch-example"
DESCRIPTION = ("784-400-20 ReLU VAE, Adam 1e-3, batch 128, 10 epochs on grey-level MNIST: test "
               "-ELBO with z sampled (PyTorch's example: ~105.6)")
REFERENCE = 105.6
SOURCE = "pytorch/examples vae/main.py, test loss after 10 epochs"


FULL = {"epochs": 10, "n_train": 60000, "n_test": 10000, "batch_size": 128, "lr": 1e-3}
QUICK = {"epochs": 2, "n_train": 3000, "n_test": 1000}
HELP = {"epochs": "passes over the training images", "n_train": "training images (the first N)",
        "n_test": "test images (the first N)", "batch_size": "mini-batch size",
        "lr": "Adam step size"}


def add_arguments(parser):
    add_config_arguments(parser, FULL, QUICK, HELP)


def run(out="scratchae-out", quick=False, seed=0, **flags):
    from scratchae.data import load_mnist
    from scratchae.models.vae import VAE
    from scratchae.report import Report, blas_threads

    x_train, _ = load_mnist(split="train")
    x_test, _ = load_mnist(split="test")
    cfg = resolve(FULL, QUICK, quick, flags)
    epochs, n_train, n_test = cfg["epochs"], cfg["n_train"], cfg["n_test"]
    x_train, x_test = x_train[:n_train], x_test[:n_test]
    params = {"layer_sizes": [784, 400, 20], "activation": "relu", "likelihood": "bernoulli",
              "optimizer": "adam", "lr": cfg["lr"], "batch_size": cfg["batch_size"],
              "epochs": epochs,
              "n_train": n_train, "n_test": n_test, "data": "grey-level MNIST", "seed": seed,
              "dtype": "float32", "quick": quick, "blas_threads": blas_threads()}
    report = Report(NAME, params)
    print(f"{NAME}: {DESCRIPTION}\n{params}")

    def show(epoch, history):
        print(f"epoch {epoch + 1:2d}  train -ELBO {history['loss'][-1]:8.3f}  "
              f"(recon {history['recon'][-1]:7.3f}, KL {history['kl'][-1]:6.3f})  "
              f"{history.seconds[-1]:.1f} s", flush=True)

    vae = VAE([784, 400, 20], activation="relu", likelihood="bernoulli", seed=seed,
              dtype=np.float32)
    t0 = time.perf_counter()
    history = vae.fit(x_train, epochs=epochs, batch_size=cfg["batch_size"], optimizer="adam",
                      lr=cfg["lr"], progress=False, callback=show)
    train_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    elbo, recon, kl = vae.elbo(x_test, rng=np.random.default_rng(seed + 100), return_terms=True)
    eval_seconds = time.perf_counter() - t1
    report.add("test -ELBO, z sampled (nats per image)", float(-elbo.mean()),
               None if quick or n_test != 10000 else REFERENCE, SOURCE, "nats")
    report.add("test reconstruction term (summed BCE)", float(recon.mean()), None, "", "nats")
    report.add("test KL(q(z|x) || p(z))", float(kl.mean()), None, "", "nats")
    report.add("train -ELBO, last epoch (running mean)", history["loss"][-1], None, "", "nats")
    report.add("training time", train_seconds, None, "", "s")
    report.add("mean time per epoch", float(np.mean(history.seconds)), None, "", "s")
    report.add("test evaluation time", eval_seconds, None, "", "s")
    return report.write(out)
