"""scratchae.manifold: PCA, k-NN / graphs, Isomap, LLE, their kernels, and bad input.

* PCA against NumPy's SVD/eigh and scikit-learn's PCA (same sign convention).
* k-NN and epsilon-neighbourhoods against brute force, ties broken by index.
* Kernels against their NumPy twins (Dijkstra vs Floyd--Warshall, k-NN selection, band Cholesky),
  and the whole Isomap/LLE pipeline with SCRATCHAE_NUMBA=0 against the compiled one.
* Isomap and LLE against scikit-learn on the swiss roll and the S-curve: Procrustes disparity and
  trustworthiness; geodesic distances, eigenvalues and out-of-sample transforms too.
* Bad input: clear errors, never a silent NaN embedding.
"""
import numpy as np
import pytest

from scratchae.data import s_curve, swiss_roll
from scratchae.kernels.banded import band_cholesky, band_cholesky_solve, band_to_dense
from scratchae.kernels.graph import shortest_paths
from scratchae.kernels.knn import knn_direct, knn_select
from scratchae.manifold import (
    PCA, DisconnectedGraphError, Isomap, LocallyLinearEmbedding, NeighborGraph,
    connected_components, fix_signs, knn, knn_graph, pairwise_sq_distances, radius_graph,
    radius_neighbors, top_eigenpairs,
)
from scratchae.manifold.ordering import bandwidth, reverse_cuthill_mckee

sklearn = pytest.importorskip("sklearn", reason="scikit-learn (test extra) compares embeddings")
from sklearn import decomposition as skd  # noqa: E402
from sklearn import manifold as skm  # noqa: E402


def procrustes_disparity(A, B):
    """1 - (trace norm of A^T B)^2 after centring and unit Frobenius scaling: 0 = same shape up
    to rotation, reflection, scale and shift (scipy.spatial.procrustes' disparity)."""
    A = A - A.mean(0)
    B = B - B.mean(0)
    A, B = A / np.linalg.norm(A), B / np.linalg.norm(B)
    return max(0.0, 1.0 - np.linalg.svd(A.T @ B, compute_uv=False).sum() ** 2)


def align_signs(A, B):
    """Flip the columns of B to match A (embeddings from eigenvectors differ by column signs)."""
    return B * np.sign(np.sum(A * B, axis=0))


# ----------------------------------------------------------------------------------------- PCA

def test_pca_matches_numpy_svd_and_covariance_eigenvalues():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 6)) @ rng.standard_normal((6, 6)) + 3.0
    pca = PCA(n_components=4).fit(X)
    Xc = X - X.mean(0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    np.testing.assert_allclose(np.abs(pca.components_), np.abs(Vt[:4]), atol=1e-12)
    np.testing.assert_allclose(pca.singular_values_, s[:4], rtol=1e-12)
    evals = np.linalg.eigvalsh(np.cov(X, rowvar=False))[::-1]
    np.testing.assert_allclose(pca.explained_variance_, evals[:4], rtol=1e-10)
    np.testing.assert_allclose(pca.explained_variance_ratio_, evals[:4] / evals.sum(), rtol=1e-10)
    np.testing.assert_allclose(pca.components_ @ pca.components_.T, np.eye(4), atol=1e-12)
    H = pca.transform(X)
    np.testing.assert_allclose(np.cov(H, rowvar=False), np.diag(evals[:4]), atol=1e-9)


def test_pca_matches_sklearn_including_signs():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((120, 10)) * np.linspace(3, 0.5, 10)
    ours = PCA(n_components=5).fit(X)
    ref = skd.PCA(n_components=5, svd_solver="full").fit(X)
    # the same convention (largest |entry| of each component positive) as sklearn's svd_flip
    np.testing.assert_allclose(ours.components_, ref.components_, atol=1e-10)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-10)
    np.testing.assert_allclose(ours.transform(X), ref.transform(X), atol=1e-9)
    Z = ours.transform(X[:7])
    np.testing.assert_allclose(ours.inverse_transform(Z), ref.inverse_transform(Z), atol=1e-9)


def test_pca_covariance_solver_matches_svd():
    rng = np.random.default_rng(21)
    X = rng.standard_normal((300, 12)) * np.linspace(4, 0.2, 12) + 1.0
    a = PCA(6).fit(X)
    b = PCA(6, solver="covariance_eigh").fit(X)
    for name in ("components_", "explained_variance_", "singular_values_", "mean_"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(b.reconstruction_error(X), a.reconstruction_error(X), rtol=1e-8)
    with pytest.raises(ValueError, match="solver"):
        PCA(2, solver="lanczos").fit(X)


def test_pca_sign_convention_is_deterministic():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((50, 5)) @ rng.standard_normal((5, 5))
    a = PCA(3).fit(X).components_
    b = PCA(3).fit(X[rng.permutation(50)]).components_        # row order changes the SVD's signs
    np.testing.assert_allclose(a, b, atol=1e-12)
    pivots = a[np.arange(3), np.argmax(np.abs(a), axis=1)]
    assert np.all(pivots > 0)


def test_pca_reconstruction_error_is_the_discarded_variance():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((60, 8)) @ rng.standard_normal((8, 8))
    full = PCA().fit(X)
    assert full.n_components_ == 8
    np.testing.assert_allclose(full.inverse_transform(full.transform(X)), X, atol=1e-10)
    assert np.isclose(full.explained_variance_ratio_.sum(), 1.0)
    for d in (1, 3, 6):
        pca = PCA(d).fit(X)
        mean_err = pca.reconstruction_error(X).mean()
        left_out = full.explained_variance_[d:].sum() * (60 - 1) / 60
        assert np.isclose(mean_err, left_out, rtol=1e-10)


@pytest.mark.parametrize("bad", [0, -1, 9, 2.5, True])
def test_pca_rejects_bad_n_components(bad):
    X = np.random.default_rng(0).standard_normal((20, 8))
    with pytest.raises(ValueError, match="n_components"):
        PCA(bad).fit(X)


def test_pca_bad_input():
    X = np.random.default_rng(0).standard_normal((10, 4))
    with pytest.raises(ValueError, match=r"n_components must lie in \[1, .* = 3\]"):
        PCA(4).fit(X[:3])                                      # n < D: at most n components
    Xn = X.copy()
    Xn[2, 1] = np.nan
    with pytest.raises(ValueError, match="finite"):
        PCA(2).fit(Xn)
    pca = PCA(2).fit(X)
    with pytest.raises(ValueError, match=r"\(batch, 4\)"):
        pca.transform(X[:, :3])
    with pytest.raises(ValueError, match=r"\(batch, 2\)"):
        pca.inverse_transform(np.zeros((3, 3)))
    with pytest.raises(RuntimeError, match="not fitted"):
        PCA(2).transform(X)
    with pytest.raises(ValueError, match="at least 2 samples"):
        PCA(1).fit(X[:1])


# --------------------------------------------------------------------------------- neighbours

def brute_knn(X, k, Q=None):
    self_query = Q is None
    Q = X if self_query else Q
    S = ((Q[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    if self_query:
        np.fill_diagonal(S, np.inf)
    idx = np.argsort(S, axis=1, kind="stable")[:, :k]
    return np.sqrt(np.take_along_axis(S, idx, 1)), idx


@pytest.mark.parametrize("D", [3, 40])        # the direct kernel (D <= 16) and the GEMM path
def test_knn_matches_brute_force(D):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((150, D))
    Q = rng.standard_normal((30, D))
    for query in (None, Q):
        d, i = knn(X, 7, query=query)
        bd, bi = brute_knn(X, 7, query)
        np.testing.assert_array_equal(i, bi)
        np.testing.assert_allclose(d, bd, rtol=1e-12)
        assert d.dtype == np.float64 and i.dtype == np.int64
    d2, _ = knn(X, 7, squared=True)
    np.testing.assert_allclose(d2, brute_knn(X, 7)[0] ** 2, rtol=1e-12)
    # chunking never changes the answer
    for chunk in (1, 17, 1000):
        np.testing.assert_array_equal(knn(X, 7, chunk_size=chunk)[1], brute_knn(X, 7)[1])


@pytest.mark.parametrize("D", [2, 20])
def test_knn_breaks_ties_by_index(D):
    # integer grid: many exactly equal distances
    g = np.arange(6.0)
    X = np.array([[a, b] for a in g for b in g])
    if D > 2:
        X = np.hstack([X, np.zeros((X.shape[0], D - 2))])
    d, i = knn(X, 5)
    bd, bi = brute_knn(X, 5)
    np.testing.assert_array_equal(i, bi)
    np.testing.assert_array_equal(d, bd)
    assert i[7].tolist() == [1, 6, 8, 13, 0]      # (1,1): 4 at distance 1 in index order, then 0


def test_knn_finds_duplicates_at_distance_zero_but_not_itself():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [5.0, 5.0]])
    d, i = knn(X, 1)
    assert i[:, 0].tolist() == [2, 0, 0, 1] and d[0, 0] == 0.0 and d[2, 0] == 0.0


def test_pairwise_sq_distances_clip_and_match():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((20, 5)) * 1e3
    S = pairwise_sq_distances(X, X)
    assert S.min() >= 0.0
    np.testing.assert_allclose(S, ((X[:, None] - X[None]) ** 2).sum(-1), rtol=1e-9, atol=1e-6)


def test_radius_neighbors_matches_brute_force():
    rng = np.random.default_rng(6)
    X = rng.random((120, 3))
    indptr, indices, dist = radius_neighbors(X, 0.2)
    S = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    for a in range(120):
        got = indices[indptr[a]:indptr[a + 1]]
        want = np.flatnonzero((S[a] <= 0.2) & (np.arange(120) != a))
        assert sorted(got.tolist()) == want.tolist()
        assert np.all(np.diff(dist[indptr[a]:indptr[a + 1]]) >= 0)
    g = radius_graph(X, 0.2)
    dense = g.to_dense()
    np.testing.assert_array_equal(np.isfinite(dense), (S <= 0.2))


def test_knn_graph_is_the_symmetric_union_and_permutes():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((60, 3))
    g = knn_graph(X, 4)
    _, idx = brute_knn(X, 4)
    A = np.zeros((60, 60), bool)
    A[np.repeat(np.arange(60), 4), idx.ravel()] = True
    np.testing.assert_array_equal(np.isfinite(g.to_dense()) & ~np.eye(60, dtype=bool), A | A.T)
    dense = g.to_dense()
    np.testing.assert_array_equal(dense, dense.T)
    perm = rng.permutation(60)
    np.testing.assert_array_equal(g.permute(perm).to_dense(), dense[np.ix_(perm, perm)])


def test_connected_components_and_rcm():
    # two chains 0-1-2-3 and 4-5, plus an isolated node 6
    g = NeighborGraph.from_edges(7, [0, 1, 2, 4], [1, 2, 3, 5], [1.0, 1.0, 1.0, 1.0])
    n, labels = connected_components(g)
    assert n == 3 and labels.tolist() == [0, 0, 0, 0, 1, 1, 2]
    # a path numbered at random gets bandwidth 1 back from reverse Cuthill-McKee
    rng = np.random.default_rng(8)
    order = rng.permutation(40)
    path = NeighborGraph.from_edges(40, order[:-1], order[1:], np.ones(39))
    perm = reverse_cuthill_mckee(path)
    assert sorted(perm.tolist()) == list(range(40))
    assert bandwidth(path) > 1 and bandwidth(path, perm) == 1


@pytest.mark.parametrize("k", [0, -2, 30, 2.0, True])
def test_knn_rejects_bad_k(k):
    X = np.random.default_rng(0).standard_normal((30, 2))
    with pytest.raises(ValueError, match="n_neighbors"):
        knn(X, k)


def test_knn_bad_input():
    X = np.random.default_rng(0).standard_normal((30, 2))
    assert knn(X, 30, query=X[:3])[1].shape == (3, 30)          # with a query, k = n is fine
    with pytest.raises(ValueError, match=r"\(batch, 2\)"):
        knn(X, 3, query=np.zeros((4, 3)))
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        knn(bad, 3)
    with pytest.raises(ValueError, match="radius"):
        radius_neighbors(X, 0.0)
    with pytest.raises(ValueError, match="chunk_size"):
        knn(X, 3, chunk_size=0)


# ------------------------------------------------------------------------ kernels vs twins

def _graph_args(g, labels=None):
    labels = np.arange(g.n_nodes, dtype=np.int64) if labels is None else labels
    return g.indptr, g.indices, g.weights, labels


def test_dijkstra_kernel_equals_floyd_warshall_twin():
    rng = np.random.default_rng(9)
    X, _ = swiss_roll(150, rng=rng)
    g = knn_graph(X, 6)
    labels = rng.permutation(150).astype(np.int64)
    D_k = shortest_paths.jit(*_graph_args(g))
    np.testing.assert_allclose(D_k, shortest_paths.twin(*_graph_args(g)), rtol=1e-12, atol=0)
    D_p = shortest_paths.jit(*_graph_args(g, labels))      # node i becomes row/column labels[i]
    np.testing.assert_allclose(D_p, shortest_paths.twin(*_graph_args(g, labels)), rtol=1e-12)
    np.testing.assert_array_equal(D_p[np.ix_(labels, labels)], D_k)
    assert np.all(np.isfinite(D_k)) and np.all(np.diag(D_k) == 0)
    np.testing.assert_array_equal(D_k, D_k.T)
    # triangle inequality and edges: d_G <= the edge length, >= the straight line
    E = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    assert np.all(D_k >= E - 1e-9)
    dense = g.to_dense()
    assert np.all(D_k <= dense + 1e-12)


def test_dijkstra_on_a_disconnected_graph():
    # 0 - 1 - 2 (a path), 3 - 4, node 5 alone
    g = NeighborGraph.from_edges(6, [0, 1, 3], [1, 2, 4], [1.5, 2.0, 0.5])
    for labels in (None, np.array([5, 3, 1, 0, 2, 4])):
        D_k = shortest_paths.jit(*_graph_args(g, labels))
        D_t = shortest_paths.twin(*_graph_args(g, labels))
        np.testing.assert_array_equal(D_k, D_t)
    D = shortest_paths.jit(*_graph_args(g))
    assert D[0, 2] == D[2, 0] == 3.5 and D[4, 3] == 0.5 and np.isinf(D[0, 5])
    assert np.isinf(D[2, 3]) and np.isinf(D[5, 4]) and np.all(np.diag(D) == 0)


def test_dijkstra_matches_scipy():
    csgraph = pytest.importorskip("scipy.sparse.csgraph")
    import scipy.sparse as sp
    X, _ = s_curve(300, rng=10)
    g = knn_graph(X, 7)
    G = sp.csr_matrix((g.weights, g.indices, g.indptr), shape=(300, 300))
    np.testing.assert_allclose(shortest_paths(*_graph_args(g)),
                               csgraph.shortest_path(G, method="D", directed=False), rtol=1e-12)


@pytest.mark.parametrize("offset", [-1, 0, 5])
def test_knn_selection_kernels_equal_twins(offset):
    rng = np.random.default_rng(11)
    X = np.round(rng.standard_normal((70, 3)), 1)       # rounded: ties happen
    Q = X[5:35] if offset == 5 else (X[:30] if offset == 0 else rng.standard_normal((30, 3)))
    G = Q @ X.T
    q_sq, x_sq = (Q ** 2).sum(1), (X ** 2).sum(1)
    for k in (1, 4, 69):
        a = knn_select.jit(G, q_sq, x_sq, k, offset)
        b = knn_select.twin(G, q_sq, x_sq, k, offset)
        np.testing.assert_array_equal(a[1], b[1])
        np.testing.assert_array_equal(a[0], b[0])
        c = knn_direct.jit(Q, X, k, offset)
        d = knn_direct.twin(Q, X, k, offset)
        np.testing.assert_array_equal(c[1], d[1])
        np.testing.assert_array_equal(c[0], d[0])
        if offset >= 0:
            assert not np.any(a[1] == (np.arange(30) + offset)[:, None])


def _random_band_spd(n, b, rng):
    A = np.zeros((n, n))
    for t in range(b + 1):
        v = rng.standard_normal(n - t)
        i = np.arange(t, n)
        A[i, i - t] = v
    A = A @ A.T + 0.1 * np.eye(n)                      # SPD with half-bandwidth 2b
    ab = np.zeros((n, 2 * b + 1))
    for t in range(2 * b + 1):
        i = np.arange(t, n)
        ab[t:, t] = A[i, i - t]
    return A, ab


def test_band_cholesky_kernels_equal_twins():
    rng = np.random.default_rng(12)
    A, ab = _random_band_spd(40, 3, rng)
    np.testing.assert_array_equal(band_to_dense(ab), A)
    L_k, L_t = band_cholesky.jit(ab), band_cholesky.twin(ab)
    np.testing.assert_allclose(L_k, L_t, rtol=1e-11, atol=1e-13)
    L = band_to_dense(L_k, symmetric=False)
    np.testing.assert_allclose(L @ L.T, A, atol=1e-12)
    rhs = rng.standard_normal((40, 3))
    x_k, x_t = band_cholesky_solve.jit(L_k, rhs), band_cholesky_solve.twin(L_k, rhs)
    np.testing.assert_allclose(x_k, x_t, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(A @ x_k, rhs, atol=1e-10)
    bad = ab.copy()
    bad[5, 0] = -1.0
    for fn in (band_cholesky.jit, band_cholesky.twin):
        with pytest.raises(ValueError, match="not positive definite"):
            fn(bad)


def test_whole_pipelines_on_twins_match_kernels(monkeypatch):
    X, _ = swiss_roll(120, rng=13)
    iso_k = Isomap(n_neighbors=8).fit(X)
    lle_k = LocallyLinearEmbedding(n_neighbors=8).fit(X)
    monkeypatch.setenv("SCRATCHAE_NUMBA", "0")
    iso_t = Isomap(n_neighbors=8).fit(X)
    lle_t = LocallyLinearEmbedding(n_neighbors=8).fit(X)
    np.testing.assert_allclose(iso_t.dist_matrix_, iso_k.dist_matrix_, rtol=1e-12)
    np.testing.assert_allclose(iso_t.embedding_, iso_k.embedding_, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(lle_t.embedding_, lle_k.embedding_, atol=1e-7)


# ------------------------------------------------------------------------------ eigensolver

def test_top_eigenpairs_against_eigh_with_negative_eigenvalues():
    rng = np.random.default_rng(14)
    Q, _ = np.linalg.qr(rng.standard_normal((200, 200)))
    lam = np.concatenate([[50.0, 20.0, 10.0], rng.uniform(-8, 1, 197)])  # big negatives too
    A = (Q * lam) @ Q.T
    vals, vecs, _ = top_eigenpairs(lambda V: A @ V, 200, 3, rng, tol=1e-12)
    np.testing.assert_allclose(vals, [50.0, 20.0, 10.0], rtol=1e-10)
    np.testing.assert_allclose(np.abs(vecs.T @ Q[:, :3]), np.eye(3), atol=1e-8)
    # a block as wide as the matrix is exact in one step
    vals2, _, it = top_eigenpairs(lambda V: A[:8, :8] @ V, 8, 8, rng)
    np.testing.assert_allclose(vals2, np.linalg.eigvalsh(A[:8, :8])[::-1], atol=1e-12)
    assert it == 1
    V = fix_signs(-np.eye(3)[:, :2] + 0.1)
    assert np.all(V[np.argmax(np.abs(V), 0), [0, 1]] > 0)


# ------------------------------------------------------------------- Isomap / LLE vs sklearn

@pytest.fixture(scope="module", params=["swiss_roll", "s_curve"])
def manifold_data(request):
    gen = {"swiss_roll": swiss_roll, "s_curve": s_curve}[request.param]
    X, t = gen(700, rng=15)
    return request.param, X


def test_isomap_agrees_with_sklearn(manifold_data):
    name, X = manifold_data
    ours = Isomap(n_neighbors=10, n_components=2).fit(X)
    ref = skm.Isomap(n_neighbors=10, n_components=2).fit(X)
    np.testing.assert_allclose(ours.dist_matrix_, ref.dist_matrix_, rtol=1e-12)
    assert procrustes_disparity(ours.embedding_, ref.embedding_) < 1e-9
    np.testing.assert_allclose(align_signs(ours.embedding_, ref.embedding_), ours.embedding_,
                               rtol=0, atol=1e-4 * np.abs(ours.embedding_).max())
    np.testing.assert_allclose(ours.eigenvalues_, ref.kernel_pca_.eigenvalues_, rtol=1e-5)
    t_ours = skm.trustworthiness(X, ours.embedding_, n_neighbors=10)
    t_ref = skm.trustworthiness(X, ref.embedding_, n_neighbors=10)
    assert abs(t_ours - t_ref) < 1e-6
    # out of sample: training points map to their own rows, new points as sklearn maps them
    np.testing.assert_allclose(ours.transform(X[:20]), ours.embedding_[:20], rtol=1e-4,
                               atol=1e-4 * np.abs(ours.embedding_).max())
    X_new = X[:15] + 0.05 * np.random.default_rng(16).standard_normal((15, 3))
    Y_new, Y_ref = ours.transform(X_new), ref.transform(X_new)
    signs = np.sign(np.sum(ours.embedding_ * ref.embedding_, axis=0))
    np.testing.assert_allclose(Y_new, Y_ref * signs, atol=1e-4 * np.abs(Y_ref).max())


def test_epsilon_isomap_agrees_with_sklearn():
    X, _ = swiss_roll(500, rng=17)
    ours = Isomap(n_neighbors=None, radius=4.0).fit(X)
    ref = skm.Isomap(n_neighbors=None, radius=4.0).fit(X)
    np.testing.assert_allclose(ours.dist_matrix_, ref.dist_matrix_, rtol=1e-12)
    assert procrustes_disparity(ours.embedding_, ref.embedding_) < 1e-9
    assert ours.transform(X[:5]).shape == (5, 2)


def test_lle_agrees_with_sklearn(manifold_data):
    name, X = manifold_data
    ours = LocallyLinearEmbedding(n_neighbors=12, n_components=2).fit(X)
    ref = skm.LocallyLinearEmbedding(n_neighbors=12, n_components=2, random_state=0).fit(X)
    assert procrustes_disparity(ours.embedding_, ref.embedding_) < 1e-8
    np.testing.assert_allclose(align_signs(ours.embedding_, ref.embedding_), ours.embedding_,
                               atol=1e-6)
    np.testing.assert_allclose(ours.reconstruction_error_, ref.reconstruction_error_,
                               rtol=1e-5)
    np.testing.assert_allclose(ours.embedding_.T @ ours.embedding_, np.eye(2), atol=1e-10)
    np.testing.assert_allclose(ours.embedding_.sum(0), 0.0, atol=1e-10)
    t_ours = skm.trustworthiness(X, ours.embedding_, n_neighbors=10)
    t_ref = skm.trustworthiness(X, ref.embedding_, n_neighbors=10)
    assert abs(t_ours - t_ref) < 1e-6
    # the barycentric weights: rows sum to 1, reconstruct each point from its neighbours
    assert np.allclose(ours.weights_.sum(1), 1.0)
    X_new = X[:10] + 0.01
    signs = np.sign(np.sum(ours.embedding_ * ref.embedding_, axis=0))
    np.testing.assert_allclose(ours.transform(X_new), ref.transform(X_new) * signs, atol=1e-6)


def test_lle_wide_band_dense_path_agrees_with_sklearn():
    # 10-D Gaussian data: neighbourhoods do not line up, the band of M is wider than N/4 and the
    # dense LAPACK factorisation is used
    X = np.random.default_rng(22).standard_normal((300, 10))
    ours = LocallyLinearEmbedding(n_neighbors=12).fit(X)
    ref = skm.LocallyLinearEmbedding(n_neighbors=12, random_state=0, eigen_solver="dense").fit(X)
    assert ours.bandwidth_ > 300 // 4
    assert procrustes_disparity(ours.embedding_, ref.embedding_) < 1e-8
    np.testing.assert_allclose(ours.reconstruction_error_, ref.reconstruction_error_, rtol=1e-6)


def test_embeddings_are_deterministic_and_seed_free():
    X, _ = s_curve(300, rng=18)
    for Est in (Isomap, LocallyLinearEmbedding):
        a = Est(n_neighbors=10, seed=0).fit_transform(X)
        b = Est(n_neighbors=10, seed=0).fit_transform(X)
        c = Est(n_neighbors=10, seed=123).fit_transform(X)
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, atol=1e-4 * np.abs(a).max())


# ---------------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("Est", [Isomap, LocallyLinearEmbedding])
@pytest.mark.parametrize("k", [0, -1, 40, 41, 3.5, True])
def test_bad_n_neighbors(Est, k):
    X, _ = swiss_roll(40, rng=0)
    with pytest.raises(ValueError, match="n_neighbors"):
        Est(n_neighbors=k).fit(X)


@pytest.mark.parametrize("Est,d", [(Isomap, 40), (Isomap, 0), (LocallyLinearEmbedding, 39),
                                   (LocallyLinearEmbedding, 0), (Isomap, 1.5)])
def test_bad_n_components(Est, d):
    X, _ = swiss_roll(40, rng=0)
    with pytest.raises(ValueError, match="n_components"):
        Est(n_neighbors=8, n_components=d).fit(X)


def test_isomap_n_components_beyond_the_data_rank():
    X = np.outer(np.random.default_rng(0).random(80), [1.0, 2.0, 3.0])     # points on a line
    with pytest.raises(ValueError, match="only 1 of the top 3 eigenvalues"):
        Isomap(n_neighbors=5, n_components=3).fit(X)
    assert Isomap(n_neighbors=5, n_components=1).fit_transform(X).shape == (80, 1)


@pytest.mark.parametrize("Est", [Isomap, LocallyLinearEmbedding])
def test_nan_is_rejected(Est):
    X, _ = swiss_roll(50, rng=0)
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="finite"):
        Est(n_neighbors=5).fit(X)


def test_isomap_needs_exactly_one_of_k_and_radius():
    X, _ = swiss_roll(50, rng=0)
    with pytest.raises(ValueError, match="exactly one"):
        Isomap(n_neighbors=5, radius=1.0).fit(X)
    with pytest.raises(ValueError, match="exactly one"):
        Isomap(n_neighbors=None).fit(X)
    with pytest.raises(ValueError, match="radius"):
        Isomap(n_neighbors=None, radius=-1.0).fit(X)


@pytest.mark.parametrize("Est,kw", [(Isomap, {"n_neighbors": 5}),
                                    (Isomap, {"n_neighbors": None, "radius": 3.0}),
                                    (LocallyLinearEmbedding, {"n_neighbors": 5})])
def test_disconnected_graph_names_its_components(Est, kw):
    rng = np.random.default_rng(19)
    X = np.vstack([rng.standard_normal((40, 3)), rng.standard_normal((25, 3)) + 50.0,
                   rng.standard_normal((15, 3)) - 50.0])
    with pytest.raises(DisconnectedGraphError, match="3 connected components") as err:
        Est(**kw).fit(X)
    assert err.value.n_components == 3 and err.value.sizes == [40, 25, 15]
    assert isinstance(err.value, ValueError)


def test_lle_merges_duplicate_points():
    X, _ = swiss_roll(200, rng=20)
    Xd = np.vstack([X, X[:30], X[:5]])                  # 35 duplicates
    lle = LocallyLinearEmbedding(n_neighbors=10).fit(Xd)
    ref = LocallyLinearEmbedding(n_neighbors=10).fit(X)
    assert np.all(np.isfinite(lle.embedding_)) and lle.embedding_.shape == (235, 2)
    np.testing.assert_array_equal(lle.embedding_[200:230], lle.embedding_[:30])
    np.testing.assert_array_equal(lle.embedding_[230:], lle.embedding_[:5])
    np.testing.assert_allclose(lle.embedding_[:200], ref.embedding_, atol=1e-10)
    assert lle.X_fit_.shape == (200, 3)
    # too few distinct points for the neighbourhood size: a clear error
    with pytest.raises(ValueError, match="distinct samples"):
        LocallyLinearEmbedding(n_neighbors=4).fit(np.repeat(X[:4], 3, axis=0))


def test_isomap_tolerates_duplicates():
    X, _ = swiss_roll(200, rng=21)
    Y = Isomap(n_neighbors=10).fit_transform(np.vstack([X, X[:20]]))
    assert np.all(np.isfinite(Y))
    np.testing.assert_allclose(Y[200:], Y[:20], atol=1e-6 * np.abs(Y).max())


def test_transform_checks_its_input():
    X, _ = swiss_roll(100, rng=22)
    for est in (Isomap(n_neighbors=8).fit(X), LocallyLinearEmbedding(n_neighbors=8).fit(X)):
        with pytest.raises(ValueError, match=r"\(batch, 3\)"):
            est.transform(np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="not fitted"):
        Isomap().transform(X)
    with pytest.raises(RuntimeError, match="not fitted"):
        LocallyLinearEmbedding().transform(X)


# ------------------------------------------------------------ benchmark / reproduction smoke

@pytest.mark.parametrize("name", ["isomap", "lle"])
def test_benchmarks_run_quick_and_write_json(name, tmp_path, monkeypatch):
    import json

    from scratchae.bench import _manifold
    from scratchae.cli import main

    assert main(["bench", name, "--quick", "--out", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / f"{name}.json").read_text())["rows"]
    assert rows[0]["ours"] > 0 and rows[0]["reference"] > 0
    assert rows[1]["metric"].startswith("ratio") and rows[1]["ours"] > 0
    assert rows[2]["metric"].startswith("Procrustes") and rows[2]["ours"] < 1e-6
    # without scikit-learn the comparison reads "not installed" and ours still runs
    monkeypatch.setattr(_manifold, "optional", lambda module: None)
    assert main(["bench", name, "--quick", "--out", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / f"{name}.json").read_text())["rows"]
    assert rows[0]["reference"] is None and "not installed" in rows[0]["source"]
    assert rows[1]["ours"] is None and rows[0]["ours"] > 0


def test_pca_mnist_reproduction_quick(tmp_path, monkeypatch):
    import json
    import os
    from pathlib import Path

    data = Path(os.environ.get("SCRATCHAE_DATA",
                               Path(__file__).resolve().parents[2] / "shared" / "data"))
    if not (data / "mnist" / "t10k-images-idx3-ubyte.gz").exists():
        pytest.skip(f"MNIST not found under {data} (set SCRATCHAE_DATA)")
    from scratchae.reproduce import pca_mnist

    monkeypatch.setenv("SCRATCHAE_DATA", str(data))
    pca_mnist.run(tmp_path, quick=True)
    rows = json.loads((tmp_path / "pca-mnist.json").read_text())["rows"]
    assert rows[0]["reference"] == 13.87 and abs(rows[0]["ours"] - 13.87) < 0.3
