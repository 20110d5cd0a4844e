"""scratchae.evaluation: the Parzen-window protocol against a direct formula (and sigma chosen on
the validation set only), retrieval precision@k on constructed codes, the sliced Wasserstein
distance, and the small application helpers."""
from statistics import NormalDist

import numpy as np
import pytest

from scratchae.evaluation import (GOODFELLOW_SIGMAS, denoising_errors, gaussian_quantile_grid,
                                  interpolate_codes, nearest_neighbors, parzen_log_likelihood,
                                  precision_at_k, sliced_wasserstein)


def _direct_parzen(samples, x, sigma):
    """log (1/n) sum_j N(x; s_j, sigma^2 I), one example at a time, the plainest way."""
    n, D = samples.shape
    out = []
    for row in x:
        e = -np.sum((row - samples) ** 2, axis=1) / (2 * sigma ** 2)
        m = e.max()
        out.append(m + np.log(np.sum(np.exp(e - m))) - np.log(n)
                   - 0.5 * D * np.log(2 * np.pi * sigma ** 2))
    return np.array(out)


def test_parzen_protocol_equals_the_direct_formula():
    rng = np.random.default_rng(0)
    samples = rng.normal(0, 1, (40, 3))
    x_val = rng.normal(0, 1, (15, 3))
    x_test = rng.normal(0.2, 1.1, (25, 3))
    sigmas = [0.2, 0.4, 0.7, 1.0, 1.5]
    result = parzen_log_likelihood(samples, x_test, x_val, sigmas=sigmas)
    val_means = np.array([_direct_parzen(samples, x_val, s).mean() for s in sigmas])
    np.testing.assert_allclose(result.validation_scores, val_means, rtol=1e-10)
    assert result.sigma == sigmas[int(np.argmax(val_means))]
    direct = _direct_parzen(samples, x_test, result.sigma)
    np.testing.assert_allclose(result.log_likelihoods, direct, rtol=1e-10)
    np.testing.assert_allclose(result.mean, direct.mean(), rtol=1e-10)
    np.testing.assert_allclose(result.stderr, direct.std() / np.sqrt(25), rtol=1e-10)
    assert result.n_samples == 40 and "sigma = " in str(result)


def test_parzen_protocol_on_the_screened_path():
    """Large enough (n >= 1000, D >= 64) for ParzenWindows' screening: the protocol, which fits
    once and changes the width, still equals the direct formula for every sigma."""
    rng = np.random.default_rng(5)
    samples = rng.random((1000, 64))
    x_val, x_test = rng.random((20, 64)), rng.random((30, 64))
    sigmas = [0.15, 0.3, 0.6]
    result = parzen_log_likelihood(samples, x_test, x_val, sigmas=sigmas)
    np.testing.assert_allclose(result.validation_scores,
                               [_direct_parzen(samples, x_val, s).mean() for s in sigmas],
                               rtol=1e-9)
    np.testing.assert_allclose(result.log_likelihoods,
                               _direct_parzen(samples, x_test, result.sigma), rtol=1e-9)


def test_parzen_sigma_comes_from_the_validation_set_only():
    """Validation points sit on the samples (a narrow window wins), test points far away (a wide
    one would win): the chosen sigma is the validation's, whatever the test set."""
    rng = np.random.default_rng(1)
    samples = rng.normal(0, 1, (30, 2))
    x_val = samples[:10] + 0.01 * rng.normal(size=(10, 2))
    far = samples[:10] + 3.0
    sigmas = [0.05, 0.3, 1.0, 3.0]
    best_for_test = sigmas[int(np.argmax([_direct_parzen(samples, far, s).mean()
                                          for s in sigmas]))]
    result = parzen_log_likelihood(samples, far, x_val, sigmas=sigmas)
    assert result.sigma == 0.05 != best_for_test
    assert parzen_log_likelihood(samples, samples[10:20], x_val, sigmas=sigmas).sigma == 0.05
    # swapping the roles moves the choice
    assert parzen_log_likelihood(samples, x_val, far, sigmas=sigmas).sigma == best_for_test


def test_parzen_bad_input_and_default_grid():
    np.testing.assert_allclose(GOODFELLOW_SIGMAS[[0, -1]], [0.1, 1.0])
    assert len(GOODFELLOW_SIGMAS) == 10
    s = np.zeros((5, 3))
    with pytest.raises(ValueError, match=r"x_val must have shape \(batch, 3\)"):
        parzen_log_likelihood(s, s, np.zeros((5, 2)))
    with pytest.raises(ValueError, match="positive numbers"):
        parzen_log_likelihood(s, s, s, sigmas=[0.1, -1.0])
    with pytest.raises(ValueError, match="finite"):
        parzen_log_likelihood(np.full((5, 3), np.nan), s, s)


def test_precision_at_k_on_constructed_codes():
    # two clusters on a line, one mislabelled point (index 2 carries label 1 among the 0s)
    codes = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]])
    labels = np.array([0, 0, 1, 1, 1, 1])
    # leave-one-out, k = 1: nearest of 0 -> 1 (same), 1 -> 0 (tie with 2, index wins: same),
    # 2 -> 1 (different), 10 -> 11, 11 -> 10, 12 -> 11 (same): 5/6
    assert precision_at_k(codes, labels, k=1) == pytest.approx(5 / 6)
    # k = 2: point0 {1, 2}: 1/2; point1 {0, 2}: 1/2; point2 {1, 0}: 0; others {.,.}: 1
    value, per_query = precision_at_k(codes, labels, k=2, return_per_query=True)
    np.testing.assert_allclose(per_query, [0.5, 0.5, 0.0, 1.0, 1.0, 1.0])
    assert value == pytest.approx(4 / 6)
    both = precision_at_k(codes, labels, k=[1, 2])
    assert both == {1: pytest.approx(5 / 6), 2: pytest.approx(4 / 6)}
    # a separate database
    db = np.array([[0.5], [11.5], [20.0]])
    db_labels = np.array([0, 1, 1])
    queries = np.array([[0.0], [12.0]])
    assert precision_at_k(queries, np.array([0, 1]), db, db_labels, k=1) == 1.0
    assert precision_at_k(queries, np.array([0, 1]), db, db_labels, k=2) == pytest.approx(0.75)
    # cosine: direction only
    c = np.array([[1.0, 0.0], [5.0, 0.1], [0.0, 1.0], [0.1, 7.0]])
    assert precision_at_k(c, np.array([0, 0, 1, 1]), k=1, metric="cosine") == 1.0
    assert precision_at_k(c, np.array([0, 0, 1, 1]), k=1) < 1.0          # Euclidean differs


def test_nearest_neighbors_agree_with_brute_force():
    rng = np.random.default_rng(3)
    q, x = rng.normal(size=(37, 4)), rng.normal(size=(53, 4))
    nn = nearest_neighbors(q, x, k=5, chunk_size=8)
    d = ((q[:, None] - x[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(nn, np.argsort(d, axis=1, kind="stable")[:, :5])
    loo = nearest_neighbors(x, k=3)
    d = ((x[:, None] - x[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    np.testing.assert_array_equal(loo, np.argsort(d, axis=1, kind="stable")[:, :3])


def test_retrieval_bad_input():
    codes, labels = np.zeros((4, 2)), np.arange(4)
    with pytest.raises(ValueError, match="exceeds the number of other codes"):
        precision_at_k(codes, labels, k=4)
    with pytest.raises(ValueError, match=r"query_labels must have shape \(4,\)"):
        precision_at_k(codes, labels[:3], k=1)
    with pytest.raises(ValueError, match="both db_codes and db_labels"):
        precision_at_k(codes, labels, db_codes=codes, k=1)
    with pytest.raises(ValueError, match="metric"):
        precision_at_k(codes, labels, k=1, metric="manhattan")
    with pytest.raises(ValueError, match="non-zero codes"):
        precision_at_k(codes, labels, k=1, metric="cosine")
    with pytest.raises(ValueError, match="positive integer"):
        precision_at_k(codes, labels, k=0)


def test_sliced_wasserstein():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(500, 3))
    assert sliced_wasserstein(a, a[rng.permutation(500)], rng=1) == pytest.approx(0, abs=1e-12)
    # in one dimension every direction is +-1 and the transport is the shift itself
    x = rng.normal(size=(200, 1))
    assert sliced_wasserstein(x, x + 0.7, rng=2) == pytest.approx(0.7)
    near = sliced_wasserstein(a, rng.normal(size=(500, 3)), rng=1)
    far = sliced_wasserstein(a, 3 * rng.normal(size=(500, 3)), rng=1)
    assert near < 0.2 < 1.0 < far
    with pytest.raises(ValueError, match="same number of points"):
        sliced_wasserstein(a, a[:10])


def test_application_helpers():
    g = gaussian_quantile_grid(20, std=5.0)
    assert g.shape == (20,) and np.all(np.diff(g) > 0)
    np.testing.assert_allclose(g, -g[::-1], atol=1e-12)
    assert g[0] == pytest.approx(5.0 * NormalDist().inv_cdf(0.05))
    path = interpolate_codes(np.array([0.0, 1.0]), np.array([2.0, -1.0]), n=5)
    np.testing.assert_allclose(path[[0, 2, 4]], [[0, 1], [1, 0], [2, -1]])
    rng = np.random.default_rng(0)
    x = rng.random((50, 30))
    rows, (noisy, recon) = denoising_errors(lambda v: v, x, "masking", levels=(0.0, 0.5), rng=1)
    assert rows[0]["noisy"] == 0.0 and rows[0]["reconstructed"] == 0.0
    assert rows[1]["noisy"] == rows[1]["reconstructed"] > 0     # the identity denoises nothing
    np.testing.assert_array_equal(noisy, recon)
    # the mean image "reconstructs" salt-and-pepper inputs with an error independent of the level
    rows, _ = denoising_errors(lambda v: np.broadcast_to(x.mean(0), v.shape), x,
                               "salt_and_pepper", levels=(0.1, 0.4), rng=2)
    assert rows[0]["reconstructed"] == pytest.approx(rows[1]["reconstructed"])
    assert rows[0]["noisy"] < rows[1]["noisy"]
    with pytest.raises(ValueError, match="corruption must be one of"):
        denoising_errors(lambda v: v, x, "blur")
    with pytest.raises(ValueError, match="must return the input's shape"):
        denoising_errors(lambda v: v[:, :3], x)
