"""pca-mnist: PCA with 30 components on MNIST, squared reconstruction error per test image.

Hinton & Salakhutdinov (Science 2006, Fig. 2 and text) compare a 784-1000-500-250-30 deep
autoencoder with 30-component PCA on the MNIST digits (grey levels in [0, 1]): the average squared
error per test image, summed over the 784 pixels, is 3.00 for the autoencoder, 8.01 for logistic
PCA and 13.87 for PCA. This reproduces the PCA number with :class:`scratchae.manifold.PCA`:

    fit PCA(30) on the 60,000 training images (mean and top 30 right singular vectors of the
    centred data), reconstruct each of the 10,000 test images as mu + (x - mu) W^T W, and average
    sum_j (x_j - x_hat_j)^2 over the test images.

The full run fits by the thin SVD of the centred 60,000 x 784 data (the default solver) and, as
a check, once more through the eigendecomposition of the 784 x 784 scatter matrix; the two
numbers must agree (``--check``). ``quick=True`` fits on the first 10,000 training images with the
scatter matrix only (seconds instead of minutes; the number moves by about 0.1).
"""
import time

import numpy as np

from scratchae.report import Report
from scratchae.reproduce._common import add_config_arguments, resolve

NAME = "pca-mnist"
DESCRIPTION = "PCA-30 on MNIST: squared reconstruction error per test image (paper 13.87)"
PAPER = 13.87
SOURCE = "Hinton & Salakhutdinov 2006 (Science), PCA with 30 components"


FULL = {"n_components": 30, "n_train": 60000, "solver": "svd", "check": True}
QUICK = {"n_train": 10000, "solver": "covariance_eigh", "check": False}
HELP = {"n_components": "principal components kept", "n_train": "training images (the first N)",
        "solver": "svd or covariance_eigh",
        "check": "fit again with the other solver; the numbers must agree"}


def add_arguments(parser):
    add_config_arguments(parser, FULL, QUICK, HELP)


def run(out="scratchae-out", quick=False, seed=0, **flags):
    from scratchae.data import load_mnist
    from scratchae.manifold import PCA

    cfg = resolve(FULL, QUICK, quick, flags)
    n_train, solver, k = cfg["n_train"], cfg["solver"], cfg["n_components"]
    x_train, _ = load_mnist(split="train")
    x_test, _ = load_mnist(split="test")
    x_train = x_train[:n_train].astype(np.float64)
    x_test = x_test.astype(np.float64)
    report = Report(NAME, {"n_components": k, "n_train": int(x_train.shape[0]),
                           "n_test": int(x_test.shape[0]), "pixels": "grey levels in [0, 1]",
                           "solver": solver, "dtype": "float64", "quick": quick, "seed": seed})
    t0 = time.perf_counter()
    pca = PCA(n_components=k, solver=solver).fit(x_train)
    fit_seconds = time.perf_counter() - t0
    test_err = float(pca.reconstruction_error(x_test).mean())
    train_err = float(pca.reconstruction_error(x_train).mean())
    report.add(f"PCA-{k} squared error per test image", test_err, PAPER if k == 30 else None,
               source=SOURCE,
               unit="sum over 784 pixels")
    report.add(f"PCA-{k} squared error per training image", train_err, None,
               source="this run (the variance left out, sum_{j>30} s_j^2 / n)",
               unit="sum over 784 pixels")
    report.add(f"share of the variance kept by {k} components",
               float(pca.explained_variance_ratio_.sum()), None, source="this run", unit="fraction")
    report.add(f"PCA fit time (solver={solver})", fit_seconds, None, source="this machine",
               unit="s")
    if cfg["check"]:
        other = "covariance_eigh" if solver == "svd" else "svd"
        check = PCA(n_components=k, solver=other).fit(x_train)
        report.add(f"same, fitted by solver={other}",
                   float(check.reconstruction_error(x_test).mean()), test_err,
                   source=f"this run: must equal the {solver} number", unit="sum over 784 pixels")
    report.write(out)
    return report
