"""Reference solution of exercise 10 (kept out of the package; used by the tests)."""
import numpy as np


def pca_reconstruction_error(X_train, X, d):
    mu = X_train.mean(axis=0)
    _, _, Vt = np.linalg.svd(X_train - mu, full_matrices=False)
    W = Vt[:d]
    x_hat = mu + ((X - mu) @ W.T) @ W
    return np.sum((X - x_hat) ** 2, axis=1)


def double_centering(D):
    N = D.shape[0]
    J = np.eye(N) - 1.0 / N
    return -0.5 * J @ (D ** 2) @ J


def mds_embedding(D, d):
    w, V = np.linalg.eigh(double_centering(D))
    w, V = w[::-1][:d], V[:, ::-1][:, :d]
    return V * np.sqrt(w)
