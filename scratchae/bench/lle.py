"""``scratchae bench lle``: our LocallyLinearEmbedding against scikit-learn's (standard LLE,
its default ARPACK shift-invert solver) on the swiss roll, N = 5000, k = 12, in the same run
(target: no slower). ``quick`` uses N = 400."""
from scratchae.bench._manifold import compare
from scratchae.manifold import LocallyLinearEmbedding

NAME = "lle"
DESCRIPTION = "LLE, swiss roll N=5000, k=12: ours vs scikit-learn (target: no slower)"


def run(out, quick=False, seed=0):
    n, k = (400, 12) if quick else (5000, 12)
    return compare(NAME, "LocallyLinearEmbedding",
                   lambda: LocallyLinearEmbedding(n_neighbors=k, n_components=2, seed=seed),
                   lambda skm: skm.LocallyLinearEmbedding(n_neighbors=k, n_components=2,
                                                          random_state=seed),
                   n, k, 1.0, "target: >= 1x (no slower)", out, quick, seed)
