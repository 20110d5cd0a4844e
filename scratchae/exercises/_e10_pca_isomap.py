"""Grading of exercise 10_pca_isomap (lessons 04-05): PCA's reconstruction error by the SVD, and
classical MDS, the last step of Isomap (double centring, then the top eigenvectors).

Compared with :class:`scratchae.manifold.PCA` and :func:`scratchae.manifold.isomap.mds_embedding`
(an embedding is compared through its Gram matrix Y Y^T, which does not depend on the signs of
the eigenvectors; the library's MDS works in float32, hence the tolerance 1e-5).
"""
import numpy as np

from scratchae.manifold.isomap import mds_embedding
from scratchae.manifold.pca import PCA
from scratchae.exercises._grader import Task, compare

_NOT_CENTRED = "centre the data first: PCA is the SVD of X - mu, and x_hat = mu + h W"


def _pca_err(X_train, X, d):
    return PCA(n_components=d).fit(X_train).reconstruction_error(X)


def _cases_pca(rng):
    out = []
    for n, m, D, d in [(8, 3, 3, 1), (20, 5, 5, 2), (30, 4, 6, 3)]:
        scale = np.linspace(3.0, 0.2, D)
        X_train = rng.standard_normal((n, D)) * scale + 2.0        # not centred
        out.append((f"{n} training rows in {D}-D, {m} rows to reconstruct, d = {d}",
                    (X_train, rng.standard_normal((m, D)) * scale + 2.0, d)))
    return out


def _pca_variant(X_train, X, d, centre=True, add_mean=True, pick="rows"):
    mu = X_train.mean(0) if centre else np.zeros(X_train.shape[1])
    _, _, Vt = np.linalg.svd(X_train - mu, full_matrices=False)
    W = {"rows": Vt[:d], "last": Vt[-d:], "cols": Vt[:, :d].T}[pick]
    h = (X - mu) @ W.T
    x_hat = h @ W + (mu if add_mean else 0.0)
    return ((X - x_hat) ** 2).sum(1)


def _dist(rng, N, dim=3):
    P = rng.standard_normal((N, dim)) * np.array([3.0, 1.5, 0.6][:dim])
    return np.sqrt(((P[:, None] - P[None]) ** 2).sum(-1))


def _cases_D(rng):
    return [(f"{N} x {N} distances of points in 3-D", (_dist(rng, N),)) for N in (4, 7, 12)]


def _cases_mds(rng):
    return [(f"{N} x {N} distances of points in 3-D, d = {d}", (_dist(rng, N), d))
            for N, d in ((5, 1), (8, 2), (12, 2))]


def _double_centre(D, square=True, half=True, both=True):
    N = D.shape[0]
    J = np.eye(N) - np.ones((N, N)) / N
    K = (D * D if square else D) * (-0.5 if half else 1.0)
    return J @ K @ J if both else J @ K


def _mds(D, d):
    return mds_embedding(D, d, rng=np.random.default_rng(0))[0]


def _mds_variant(D, d, scale="sqrt", smallest=False):
    w, V = np.linalg.eigh(_double_centre(D))
    idx = np.argsort(w)[:d] if smallest else np.argsort(w)[::-1][:d]
    w, V = w[idx], V[:, idx]
    return V * {"sqrt": np.sqrt(np.abs(w)), "none": 1.0, "lam": w}[scale]


def _gram_compare(out, ref):
    if np.shape(out) != np.shape(ref):
        return float("inf")
    out = np.asarray(out, dtype=np.float64)
    return compare(out @ out.T, ref @ ref.T)


TASKS = [
    Task("pca_reconstruction_error", _cases_pca, _pca_err,
         [(_NOT_CENTRED, lambda Xt, X, d: _pca_variant(Xt, X, d, centre=False)),
          ("add the mean back: x_hat = mu + h W", lambda Xt, X, d: _pca_variant(
              Xt, X, d, add_mean=False)),
          ("kept the last d directions: the SVD sorts singular values in DEcreasing order, keep "
           "the first d rows of V^T", lambda Xt, X, d: _pca_variant(Xt, X, d, pick="last")),
          ("off by a transpose: the principal directions are the ROWS of V^T",
           lambda Xt, X, d: _pca_variant(Xt, X, d, pick="cols"))],
         source="scratchae.manifold.PCA"),
    Task("double_centering", _cases_D, _double_centre,
         [("square the distances: B = -1/2 J D^2 J with D^2 element by element",
           lambda D: _double_centre(D, square=False)),
          ("missing the -1/2", lambda D: _double_centre(D, half=False)),
          ("centred only the rows (J K); centre the columns too (J K J)",
           lambda D: _double_centre(D, both=False)),
          ("D^2 is the element-wise square, not the matrix product D @ D",
           lambda D: _double_centre(D @ D / np.where(D == 0, 1, D), square=False))],
         source="-1/2 J D^2 J, as in scratchae.manifold.isomap.mds_embedding"),
    Task("mds_embedding", _cases_mds, _mds,
         [("scale each eigenvector by sqrt(lambda): Y = V_d diag(sqrt(lambda_d))",
           lambda D, d: _mds_variant(D, d, scale="none")),
          ("scaled by lambda; the coordinates need sqrt(lambda)",
           lambda D, d: _mds_variant(D, d, scale="lam")),
          ("np.linalg.eigh sorts eigenvalues in ascending order: keep the d LARGEST",
           lambda D, d: _mds_variant(D, d, smallest=True))],
         tol=1e-5, compare=_gram_compare,
         source="scratchae.manifold.isomap.mds_embedding (as Y Y^T)"),
]
