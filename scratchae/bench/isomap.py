"""``scratchae bench isomap``: our Isomap against ``sklearn.manifold.Isomap`` on the swiss roll,
N = 5000, k = 10, in the same run (target: at least 2x faster). ``quick`` uses N = 400."""
from scratchae.bench._manifold import compare
from scratchae.manifold import Isomap

NAME = "isomap"
DESCRIPTION = "Isomap, swiss roll N=5000, k=10: ours vs scikit-learn (target >= 2x faster)"


def run(out, quick=False, seed=0):
    n, k = (400, 10) if quick else (5000, 10)
    return compare(NAME, "Isomap", lambda: Isomap(n_neighbors=k, n_components=2, seed=seed),
                   lambda skm: skm.Isomap(n_neighbors=k, n_components=2), n, k, 2.0,
                   "target: >= 2x faster", out, quick, seed)
