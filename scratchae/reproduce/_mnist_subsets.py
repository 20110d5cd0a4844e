"""MNIST splits for the autoencoder reproductions: seeded subsets of the official files."""
import numpy as np

__all__ = ["mnist_splits"]


def mnist_splits(n_train=None, n_val=0, n_test=None, seed=0):
    """``(x_train, y_train), (x_val, y_val), (x_test, y_test)``, float32 in [0, 1] / int64.

    The validation set is the *last* ``n_val`` of the 60,000 training images (the usual 50k/10k
    split when ``n_val=10000``); ``n_train``/``n_test`` (``None`` = all) pick seeded random subsets
    of the rest and of the test set. Raises the loader's ``DatasetNotFoundError`` when MNIST is
    absent: a reproduction runs on the real data or not at all.
    """
    from scratchae.data import load_mnist

    rng = np.random.default_rng(seed)
    x, y = load_mnist(split="train")
    x_test, y_test = load_mnist(split="test")
    cut = len(x) - n_val
    x_val, y_val = x[cut:], y[cut:]
    x, y = x[:cut], y[:cut]
    if n_train is not None and n_train < len(x):
        keep = np.sort(rng.choice(len(x), n_train, replace=False))
        x, y = x[keep], y[keep]
    if n_test is not None and n_test < len(x_test):
        keep = np.sort(rng.choice(len(x_test), n_test, replace=False))
        x_test, y_test = x_test[keep], y_test[keep]
    return (x, y), (x_val, y_val), (x_test, y_test)
