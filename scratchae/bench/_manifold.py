"""Shared body of ``scratchae bench isomap`` and ``scratchae bench lle``: time our estimator and
scikit-learn's on the same swiss roll in the same process, check that the embeddings agree."""
import numpy as np

from scratchae.bench._common import NOT_INSTALLED, best_of, blas_threads, optional, peak_rss_mb
from scratchae.data import swiss_roll
from scratchae.report import Report


def procrustes_disparity(A, B):
    """Sum of squared differences after centring, scaling to unit Frobenius norm and the best
    rotation/reflection of ``B`` onto ``A`` (0 = the same shape; 1 = unrelated)."""
    A = A - A.mean(axis=0)
    B = B - B.mean(axis=0)
    A = A / np.linalg.norm(A)
    B = B / np.linalg.norm(B)
    U, s, Vt = np.linalg.svd(A.T @ B)
    return float(max(0.0, 1.0 - s.sum() ** 2))


def compare(name, description, ours_factory, sklearn_factory, n, n_neighbors, target,
            target_text, out, quick, seed):
    """Time ``ours_factory().fit_transform(X)`` against ``sklearn_factory(sklearn.manifold)``.

    ``target``: the wanted ratio (sklearn seconds / our seconds).
    """
    repeat = 1 if quick else 3
    X, _ = swiss_roll(n, rng=seed)
    report = Report(name, params={"n_samples": n, "n_neighbors": n_neighbors, "data": "swiss roll",
                                  "repeat (best of)": repeat, "blas_threads": blas_threads(),
                                  "quick": quick, "seed": seed})
    numba = optional("numba")
    if numba is not None:
        report.params["numba_threads"] = numba.config.NUMBA_NUM_THREADS
    ours_factory().fit_transform(swiss_roll(60, rng=seed)[0])       # compile / load kernels
    t_ours, Y = best_of(lambda: ours_factory().fit_transform(X), repeat)
    skm = optional("sklearn.manifold")
    if skm is None:
        t_sk = Y_sk = None
        source = f"scikit-learn: {NOT_INSTALLED}"
    else:
        import sklearn
        sklearn_factory(skm).fit_transform(swiss_roll(60, rng=seed)[0])
        t_sk, Y_sk = best_of(lambda: sklearn_factory(skm).fit_transform(X), repeat)
        source = f"scikit-learn {sklearn.__version__}"
    report.add(f"{description} fit_transform, N={n}, k={n_neighbors}", t_ours, t_sk,
               source=source, unit="s")
    ratio = None if t_sk is None else t_sk / t_ours
    report.add("ratio (scikit-learn s / ours s)", ratio, target, source=target_text, unit="x")
    if Y_sk is not None:
        report.add("Procrustes disparity ours vs scikit-learn", procrustes_disparity(Y_sk, Y),
                   0.0, source="0 = same embedding up to rotation/scale", unit="")
        skm_trust = skm.trustworthiness
        report.add("trustworthiness (k=10), ours vs scikit-learn's",
                   skm_trust(X, Y, n_neighbors=10), skm_trust(X, Y_sk, n_neighbors=10),
                   source=source, unit="")
    report.add("peak RSS of this process", peak_rss_mb(), None, unit="MiB")
    report.write(out)
    return report
