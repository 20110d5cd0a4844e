"""scratchae.density: Parzen windows, Manifold Parzen, Non-local Manifold Parzen, Bayes classifier.

Oracles: scikit-learn's KernelDensity, direct float64 formulas (scipy's logsumexp and
multivariate_normal on dense D x D covariances), brute-force leave-one-out, and finite
differences for every hand-written gradient.
"""
import numpy as np
import pytest

from scratchae.density import (BayesClassifier, LowRankMixture, ManifoldParzenWindows,
                               NonLocalManifoldParzen, ParzenWindows, factor_gaussian_nll,
                               factors_to_eigen, loo_log_likelihood, lowrank_gaussian_logpdf,
                               select_bandwidth, train_validation_split)
from scratchae.density._common import kneighbors
from scratchae.gradcheck import SMOOTH_TOL, check_gradient, check_gradients
from scratchae.density.parzen import PrincipalBound, _screened_lse
from scratchae.kernels.density import (bound_candidates, candidate_logsumexp,
                                       gaussian_logsumexp, lowrank_logsumexp)

scipy_special = pytest.importorskip("scipy.special")
scipy_stats = pytest.importorskip("scipy.stats")


def direct_parzen(X, Q, h):
    """log (1/n) sum_i N(q; x_i, h^2 I) from coordinate differences (no GEMM)."""
    d2 = ((Q[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    return (scipy_special.logsumexp(-d2 / (2 * h * h), axis=1) - np.log(len(X))
            - 0.5 * X.shape[1] * np.log(2 * np.pi * h * h))


def dense_mixture(centers, covs, Q):
    """log (1/n) sum_j N(q; c_j, C_j) with dense covariances (scipy)."""
    lp = np.array([scipy_stats.multivariate_normal(c, C).logpdf(Q) for c, C in zip(centers, covs)])
    return scipy_special.logsumexp(lp.reshape(len(centers), -1), axis=0) - np.log(len(centers))


# ----------------------------------------------------------------------------- Parzen windows
@pytest.mark.parametrize("h", [0.3, 0.7, 2.0])
def test_parzen_equals_sklearn_kernel_density(h):
    sk = pytest.importorskip("sklearn.neighbors")
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 3))
    Q = rng.standard_normal((60, 3))
    ours = ParzenWindows(h).fit(X).score_samples(Q)
    theirs = sk.KernelDensity(kernel="gaussian", bandwidth=h).fit(X).score_samples(Q)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours, direct_parzen(X, Q, h), rtol=0, atol=1e-10)


def test_parzen_far_from_data_equals_exact_sklearn_and_direct_formula():
    # Far from the data (log kernels around -500), sklearn's default tree gives wrong values
    # (scikit-learn issues #25799, #27186); with one leaf holding every point it sums exactly.
    sk = pytest.importorskip("sklearn.neighbors")
    rng = np.random.default_rng(1)
    X = rng.standard_normal((300, 3))
    Q = 3.0 * rng.standard_normal((80, 3))
    h = 0.1
    ours = ParzenWindows(h).fit(X).score_samples(Q)
    exact_sk = sk.KernelDensity(bandwidth=h, leaf_size=len(X)).fit(X).score_samples(Q)
    np.testing.assert_allclose(ours, exact_sk, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours, direct_parzen(X, Q, h), rtol=1e-12, atol=1e-9)
    assert ours.min() < -400          # the regime where exp() alone would underflow


def _near_subspace(rng, n, dim=70, rank=6, noise=0.05):
    """Points near a rank-6 subspace of R^70 (where the principal-subspace bound is tight)."""
    return rng.standard_normal((n, rank)) @ rng.standard_normal((rank, dim)) \
        + noise * rng.standard_normal((n, dim))


def test_principal_bound_is_a_lower_bound_on_distances():
    rng = np.random.default_rng(2)
    X, Q = _near_subspace(rng, 300), _near_subspace(rng, 20)
    bound = PrincipalBound(X)
    yq, sq_yq, r_q, _ = bound.project(Q)
    lb = ((yq[:, None] - bound.y[None]) ** 2).sum(-1) + (r_q[:, None] - bound.r[None]) ** 2
    d2 = ((Q[:, None] - X[None]) ** 2).sum(-1)
    assert np.all(lb <= d2 + 1e-9) and bound.P.shape == (70 // 4, 70)
    np.testing.assert_allclose(bound.P @ bound.P.T, np.eye(70 // 4), atol=1e-12)


def test_parzen_screened_path_equals_exact_path():
    rng = np.random.default_rng(2)
    X = _near_subspace(rng, 1200)              # D >= 64 and n >= 1000: "auto" screens
    Q = _near_subspace(rng, 150)
    for h in (0.3, 1.0):
        auto = ParzenWindows(h, chunk_size=64).fit(X)
        assert auto.bound_ is not None
        scale = 1 / (2 * h * h)
        screened = _screened_lse(Q, X, auto.bound_, scale, np.full(150, -1, dtype=np.int64))
        assert screened is not None            # the screen was selective: no fallback
        exact = ParzenWindows(h, screen=False).fit(X).score_samples(Q)
        np.testing.assert_allclose(auto.score_samples(Q), exact, rtol=0, atol=1e-10)
        np.testing.assert_allclose(exact, direct_parzen(X, Q, h), rtol=0, atol=1e-9)
    # a very wide bandwidth keeps every point: the screened path falls back to float64
    wide = ParzenWindows(50.0, screen=True).fit(X)
    assert _screened_lse(Q, X, wide.bound_, 1 / 5000.0, np.full(150, -1, dtype=np.int64)) is None
    np.testing.assert_allclose(wide.score_samples(Q), direct_parzen(X, Q, 50.0), rtol=0,
                               atol=1e-9)


def test_parzen_density_integrates_to_one_in_1d():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(0, 1, 50), rng.normal(3, 1, 50)])[:, None]
    grid = np.linspace(-12, 15, 20001)[:, None]
    for h in (0.1, 0.5, 2.0):
        p = np.exp(ParzenWindows(h).fit(x).score_samples(grid))
        trapezoid = getattr(np, "trapezoid", None) or np.trapz
        assert abs(trapezoid(p, grid[:, 0]) - 1.0) < 1e-6


def test_leave_one_out_equals_brute_force():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((40, 2))
    hs = [0.2, 0.5, 1.0]
    for h in hs:
        kde = ParzenWindows(h, chunk_size=7).fit(X)
        brute = np.array([ParzenWindows(h).fit(np.delete(X, i, 0)).score_samples(X[i:i + 1])[0]
                          for i in range(len(X))])
        np.testing.assert_allclose(kde.loo_score_samples(), brute, rtol=0, atol=1e-10)
    means = loo_log_likelihood(X, hs, chunk_size=9)
    np.testing.assert_allclose(
        means, [ParzenWindows(h).fit(X).loo_score_samples().mean() for h in hs], atol=1e-10)


def test_bandwidth_selection_is_interior_and_validation_variant_works():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((300, 2))
    hs = np.geomspace(0.01, 10, 13)
    best, scores = select_bandwidth(X, hs)
    assert hs[0] < best < hs[-1] and scores.shape == hs.shape
    # training log-likelihood alone would pick the smallest bandwidth; LOO does not
    train_ll = [ParzenWindows(h).fit(X).score_samples(X).mean() for h in hs]
    assert np.argmax(train_ll) == 0
    best_val, val_scores = select_bandwidth(X[:200], hs, X_val=X[200:])
    assert hs[0] < best_val < hs[-1] and np.argmax(val_scores) == list(hs).index(best_val)


# ------------------------------------------------------------------------- Manifold Parzen
def test_manifold_parzen_with_no_directions_is_parzen():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((80, 4))
    Q = rng.standard_normal((20, 4))
    mp = ManifoldParzenWindows(n_neighbors=5, n_components=0, sigma0_sq=0.3).fit(X)
    np.testing.assert_allclose(mp.score_samples(Q),
                               ParzenWindows(np.sqrt(0.3)).fit(X).score_samples(Q),
                               rtol=0, atol=1e-12)


def test_manifold_parzen_equals_dense_multivariate_normal_mixture():
    rng = np.random.default_rng(7)
    t = rng.uniform(0, 2 * np.pi, 60)
    X = np.column_stack([np.cos(t), np.sin(t), 0.5 * t, 0.1 * rng.standard_normal((60, 2))])
    Q = X[:10] + 0.05 * rng.standard_normal((10, 5))
    k, d, s2 = 6, 2, 0.05
    mp = ManifoldParzenWindows(k, d, s2, chunk_size=3).fit(X)
    covs = []
    for i in range(len(X)):
        off = X[mp.neighbors_[i]] - X[i]
        C = off.T @ off / k                                   # the local covariance, D x D
        w, V = np.linalg.eigh(C)
        np.testing.assert_allclose(mp.variances_[i], w[::-1][:d], rtol=1e-10, atol=1e-12)
        top = V[:, ::-1][:, :d]
        covs.append(s2 * np.eye(5) + top @ np.diag(w[::-1][:d]) @ top.T)
    np.testing.assert_allclose(mp.score_samples(Q), dense_mixture(X, covs, Q),
                               rtol=0, atol=1e-10)
    # one component alone, through the readable formula
    U, lam = mp.components_[3], mp.variances_[3]
    V = Q - X[3]
    np.testing.assert_allclose(lowrank_gaussian_logpdf(V, U, lam, s2),
                               scipy_stats.multivariate_normal(X[3], covs[3]).logpdf(Q),
                               rtol=0, atol=1e-10)


def test_manifold_parzen_handles_duplicate_points():
    rng = np.random.default_rng(8)
    X = np.repeat(rng.standard_normal((10, 3)), 4, axis=0)      # every point 4 times
    mp = ManifoldParzenWindows(3, 2, 0.1).fit(X)                 # neighbours all coincide
    assert np.all(mp.variances_ == 0)
    Q = rng.standard_normal((5, 3))
    # no direction has any variance, so the estimate is Parzen windows with h^2 = sigma0^2
    np.testing.assert_allclose(mp.score_samples(Q),
                               ParzenWindows(np.sqrt(0.1)).fit(X).score_samples(Q), atol=1e-12)


def test_kneighbors_matches_brute_force():
    rng = np.random.default_rng(9)
    X = rng.standard_normal((50, 4))
    nb = kneighbors(X, 5, chunk_size=8)
    d2 = ((X[:, None] - X[None]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    np.testing.assert_array_equal(nb, np.argsort(d2, axis=1)[:, :5])
    Y = rng.standard_normal((7, 4))
    d2y = ((Y[:, None] - X[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(kneighbors(X, 3, Y), np.argsort(d2y, axis=1)[:, :3])


# -------------------------------------------------------------- Non-local Manifold Parzen
def _nll_problem(seed=10, B=3, k=4, D=5, d=2):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((B, k, D)), 0.7 * rng.standard_normal((B, d, D)),
            rng.uniform(0.3, 1.3, B))


def test_factor_gaussian_nll_value_equals_dense_formula():
    Z, F, s2 = _nll_problem()
    loss, *_ = factor_gaussian_nll(Z, F, s2)
    dense = [[-scipy_stats.multivariate_normal(np.zeros(5), s2[b] * np.eye(5) + F[b].T @ F[b])
              .logpdf(Z[b, j]) for j in range(Z.shape[1])] for b in range(Z.shape[0])]
    assert abs(loss - np.mean(dense)) < 1e-10


def test_factor_gaussian_nll_gradients_match_finite_differences():
    Z, F, s2 = _nll_problem()
    results = [
        check_gradient(lambda f: factor_gaussian_nll(Z, f, s2)[0],
                       lambda f: factor_gaussian_nll(Z, f, s2)[1], F, name="F"),
        check_gradient(lambda v: factor_gaussian_nll(Z, F, v)[0],
                       lambda v: factor_gaussian_nll(Z, F, v)[3], s2, name="s2"),
        # z = x_j - x_t - mu:  dloss/dmu = -dZsum
        check_gradient(lambda m: factor_gaussian_nll(Z - m[:, None, :], F, s2)[0],
                       lambda m: -factor_gaussian_nll(Z - m[:, None, :], F, s2)[2],
                       np.random.default_rng(11).standard_normal((3, 5)), name="mu"),
    ]
    for r in results:
        assert r.passed and r.tol == SMOOTH_TOL, str(r)


@pytest.mark.parametrize("use_mu", [True, False])
def test_nonlocal_network_gradients_match_finite_differences(use_mu):
    rng = np.random.default_rng(12)
    X = rng.standard_normal((8, 5))
    model = NonLocalManifoldParzen(n_components=2, n_neighbors=3, n_hidden=4, sigma0_sq=0.1,
                                   use_mu=use_mu, epochs=0, seed=3).fit(X)
    for layer in model.network_.layers:                 # non-zero biases everywhere
        layer.params["b"][...] = 0.3 * rng.standard_normal(layer.params["b"].shape)
    neighbours = X[model.neighbors_]
    report = check_gradients(lambda: model.loss_and_grads(X, neighbours),
                             model.network_.params())
    report.assert_ok()
    assert all(r.tol == SMOOTH_TOL for r in report.results)


def test_nonlocal_density_is_the_predicted_gaussian_mixture():
    rng = np.random.default_rng(13)
    X = rng.standard_normal((25, 4))
    Q = rng.standard_normal((6, 4))
    model = NonLocalManifoldParzen(2, 4, 5, 0.2, epochs=2, batch_size=8, seed=1).fit(X)
    F, mu, s2 = model.predict_gaussians(X)
    assert F.shape == (25, 2, 4) and mu.shape == (25, 4) and np.all(s2 > 0.2)
    covs = [s2[t] * np.eye(4) + F[t].T @ F[t] for t in range(25)]
    np.testing.assert_allclose(model.score_samples(Q), dense_mixture(X + mu, covs, Q),
                               rtol=0, atol=1e-10)
    U, lam = factors_to_eigen(F)
    np.testing.assert_allclose(np.einsum("ncD,nc,ncE->nDE", U, lam, U),
                               F.transpose(0, 2, 1) @ F, atol=1e-12)


def test_nonlocal_training_lowers_the_loss_and_keeps_the_best_validation_epoch():
    rng = np.random.default_rng(14)
    t = rng.uniform(0, 2 * np.pi, 160)
    X = np.column_stack([np.cos(t), np.sin(t), 0.05 * rng.standard_normal(160)])
    a = NonLocalManifoldParzen(1, 5, 16, 0.001, epochs=12, batch_size=16, lr=3e-3,
                               seed=0).fit(X[:120], X_val=X[120:])
    b = NonLocalManifoldParzen(1, 5, 16, 0.001, epochs=12, batch_size=16, lr=3e-3,
                               seed=0).fit(X[:120], X_val=X[120:])
    loss = a.history_["loss"]
    assert loss[-1] < loss[0] - 1.0
    val = a.history_["val_log_likelihood"]
    assert a.best_epoch_ == int(np.argmax(val)) + 1
    assert abs(a.score_samples(X[120:]).mean() - max(val)) < 1e-9
    np.testing.assert_array_equal(a.score_samples(X[120:]), b.score_samples(X[120:]))  # seeded


# ---------------------------------------------------------------------- Bayes classifier
def test_bayes_classifier_on_two_gaussian_classes():
    rng = np.random.default_rng(15)
    X = np.vstack([rng.normal(0, 1, (150, 2)), rng.normal(3, 1, (50, 2))])
    y = np.array([0] * 150 + [1] * 50)
    (Xa, ya), (Xv, yv) = train_validation_split(X, y, 0.25, rng=0)
    assert len(yv) == 50 and np.sum(yv == 1) == round(0.25 * 50)
    clf = BayesClassifier(lambda: ParzenWindows(0.5)).fit(Xa, ya)
    assert clf.score(Xv, yv) > 0.9
    np.testing.assert_allclose(clf.class_log_prior_, np.log(np.bincount(ya) / len(ya)))
    assert abs(np.exp(clf.class_log_prior_[1]) - 0.25) < 0.01
    proba = clf.predict_proba(Xv)
    np.testing.assert_allclose(proba.sum(1), 1.0, atol=1e-12)
    manual = np.column_stack([d.score_samples(Xv) for d in clf.densities_]) + clf.class_log_prior_
    np.testing.assert_array_equal(clf.predict(Xv), clf.classes_[np.argmax(manual, 1)])
    np.testing.assert_allclose(clf.predict_log_proba(Xv),
                               manual - scipy_special.logsumexp(manual, axis=1)[:, None],
                               atol=1e-10)
    # a point near (3, 3) belongs to class 1 despite its smaller prior
    assert clf.predict(np.array([[3.0, 3.0]]))[0] == 1
    mp = BayesClassifier(lambda: ManifoldParzenWindows(5, 1, 0.2), priors="uniform").fit(Xa, ya)
    assert mp.score(Xv, yv) > 0.9 and np.allclose(mp.class_log_prior_, np.log(0.5))


# ------------------------------------------------------------------ kernels == their twins
def _kernel_inputs(seed=16, m=9, n=13, D=6, d=3):
    rng = np.random.default_rng(seed)
    A, B = rng.standard_normal((m, D)), rng.standard_normal((n, D))
    U = np.linalg.qr(rng.standard_normal((n, D, d)))[0].transpose(0, 2, 1)   # (n, d, D)
    return rng, A, B, U


def test_gaussian_logsumexp_kernel_equals_twin():
    rng, A, B, _ = _kernel_inputs()
    cross, sa, sb = A @ B.T, (A * A).sum(1), (B * B).sum(1)
    exclude = np.array([-1, 0, 4, -1, 12, 3, -1, 7, 1], dtype=np.int64)
    for scale in (0.01, 0.7, 300.0):
        jit = gaussian_logsumexp.jit(cross, sa, sb, scale, exclude)
        twin = gaussian_logsumexp.twin(cross, sa, sb, scale, exclude)
        np.testing.assert_allclose(jit, twin, rtol=1e-13, atol=1e-12)
    one = gaussian_logsumexp.jit(cross[:, :1].copy(), sa, sb[:1].copy(), 1.0,
                                 np.zeros(9, dtype=np.int64))
    assert np.all(np.isneginf(one))          # every term excluded: log 0


def test_lowrank_logsumexp_kernel_equals_twin():
    rng, A, B, U = _kernel_inputs()
    n, d, D = U.shape
    lam = rng.uniform(0, 2, (n, d))
    noise = rng.uniform(0.1, 1, n)
    args = (A @ B.T, (A * A).sum(1), (B * B).sum(1), A @ U.reshape(n * d, D).T,
            np.einsum("ncD,nD->nc", U, B).reshape(-1), 1 / (lam + noise[:, None]), 1 / noise,
            rng.standard_normal(n))
    np.testing.assert_allclose(lowrank_logsumexp.jit(*args), lowrank_logsumexp.twin(*args),
                               rtol=1e-13, atol=1e-12)


def test_screening_kernels_equal_twins():
    rng = np.random.default_rng(16)
    X, Q = _near_subspace(rng, 60, dim=12, rank=2), _near_subspace(rng, 11, dim=12, rank=2)
    bound = PrincipalBound(X, n_directions=3)
    yq, sq_yq, r_q, _ = bound.project(Q)
    exclude = np.where(rng.random(11) < 0.5, rng.integers(0, 60, 11), -1).astype(np.int64)
    args = (yq @ bound.y.T, sq_yq, bound.sq_y, r_q, bound.r, Q, X, 5.0, np.full(11, 1e-9),
            exclude)
    ptr_j, cols_j = bound_candidates.jit(*args)
    ptr_t, cols_t = bound_candidates.twin(*args)
    np.testing.assert_array_equal(ptr_j, ptr_t)
    np.testing.assert_array_equal(cols_j, cols_t)
    assert 11 <= len(cols_t) < 11 * 60
    for i in np.nonzero(exclude >= 0)[0]:
        assert exclude[i] not in cols_t[ptr_t[i]:ptr_t[i + 1]]
    np.testing.assert_allclose(candidate_logsumexp.jit(Q, X, ptr_t, cols_t, 0.4),
                               candidate_logsumexp.twin(Q, X, ptr_t, cols_t, 0.4),
                               rtol=1e-13, atol=1e-12)


def test_numpy_twins_run_the_whole_estimators(monkeypatch):
    rng = np.random.default_rng(17)
    X, Q = _near_subspace(rng, 1100, dim=64), _near_subspace(rng, 20, dim=64)
    with_numba = [ParzenWindows(0.5).fit(X).score_samples(Q),
                  ManifoldParzenWindows(4, 2, 0.05).fit(X[:200]).score_samples(Q)]
    monkeypatch.setenv("SCRATCHAE_NUMBA", "0")
    twins = [ParzenWindows(0.5).fit(X).score_samples(Q),
             ManifoldParzenWindows(4, 2, 0.05).fit(X[:200]).score_samples(Q)]
    for a, b in zip(with_numba, twins):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-10)


# ------------------------------------------------------------------------------ bad input
def test_bad_hyperparameters_raise_clear_errors_at_fit():
    """scikit-learn's rule: the constructor only stores its arguments; ``fit`` checks them before
    it changes anything, so a refit with a bad value leaves the fitted estimator as it was."""
    X = np.random.default_rng(3).standard_normal((12, 3))
    for bad in (0, -1.0, np.nan, np.inf, "1", True):
        kde = ParzenWindows(bad)
        assert kde.bandwidth is bad                     # stored as given
        with pytest.raises(ValueError, match="bandwidth"):
            kde.fit(X)
        assert not hasattr(kde, "X_")
    for est, name in ((ManifoldParzenWindows(5, 2, 0.0), "sigma0_sq"),
                      (ManifoldParzenWindows(0, 0, 0.1), "n_neighbors"),
                      (ManifoldParzenWindows(3, 1.5, 0.1), "n_components"),
                      (NonLocalManifoldParzen(n_components=0), "n_components"),
                      (NonLocalManifoldParzen(1, 3, 2, lr=-1.0), "lr"),
                      (NonLocalManifoldParzen(1, 3, 2, weight_decay=np.nan), "weight_decay")):
        with pytest.raises(ValueError, match=name):
            est.fit(X)
        assert not hasattr(est, "X_") and not hasattr(est, "network_")
    kde = ParzenWindows(0.5).fit(X)
    before = kde.score_samples(X[:2])
    kde.bandwidth = -1.0
    with pytest.raises(ValueError, match="bandwidth"):
        kde.fit(X[:5])                                  # refused before touching the fit
    with pytest.raises(ValueError, match="bandwidth"):
        kde.score_samples(X[:2])
    kde.bandwidth = 0.5
    np.testing.assert_array_equal(kde.score_samples(X[:2]), before)
    assert kde.X_.shape == X.shape
    with pytest.raises(ValueError, match="density_factory"):
        BayesClassifier("parzen")
    with pytest.raises(ValueError, match="bandwidths"):
        loo_log_likelihood(np.zeros((5, 2)), [])


def test_bad_data_raise_clear_errors():
    rng = np.random.default_rng(18)
    X = rng.standard_normal((10, 3))
    X_nan = X.copy()
    X_nan[2, 1] = np.nan
    for est in (ParzenWindows(1.0), ManifoldParzenWindows(3, 1, 0.1),
                NonLocalManifoldParzen(1, 3, 2, epochs=0)):
        with pytest.raises(ValueError, match="NaN"):
            est.fit(X_nan)
        with pytest.raises(RuntimeError, match="not fitted"):
            est.score_samples(X)
        est.fit(X)
        with pytest.raises(ValueError, match="NaN"):
            est.score_samples(X_nan)
        with pytest.raises(ValueError, match=r"shape \(batch, 3\)"):
            est.score_samples(X[:, :2])
    with pytest.raises(ValueError, match="smaller than the number of training points"):
        ManifoldParzenWindows(10, 1, 0.1).fit(X)
    with pytest.raises(ValueError, match="smaller than the number of training points"):
        NonLocalManifoldParzen(1, 12, 2, epochs=0).fit(X)
    with pytest.raises(ValueError, match=r"n_components must be <= min\(n_neighbors"):
        ManifoldParzenWindows(3, 4, 0.1).fit(X)
    with pytest.raises(ValueError, match="n_components must be <= the number of features"):
        NonLocalManifoldParzen(4, 3, 2, epochs=0).fit(X)
    with pytest.raises(ValueError, match="at least 2 training points"):
        ParzenWindows(1.0).fit(X[:1]).loo_score_samples()
    with pytest.raises(ValueError, match="at least 2 classes"):
        BayesClassifier(lambda: ParzenWindows(1.0)).fit(X, np.zeros(10))
    with pytest.raises(ValueError, match=r"y must have shape \(10,\)"):
        BayesClassifier(lambda: ParzenWindows(1.0)).fit(X, np.zeros(9))
