import numpy as np
import pytest

from scratchae.filter_stats import energy_concentration, neighbour_correlation


def test_white_noise_has_no_neighbour_correlation_and_the_gaussian_concentration():
    W = np.random.default_rng(0).normal(size=(400, 784))
    assert abs(neighbour_correlation(W)) < 0.01
    # E[x^2; |x| > z_0.95] = 2 (z phi(z) + 0.05) = 0.439 for a standard normal x
    assert abs(energy_concentration(W, fraction=0.1) - 0.439) < 0.01


def test_smooth_filters_correlate_and_local_filters_concentrate():
    yy, xx = np.mgrid[0:28, 0:28]
    wide = np.sin(xx / 5.0).ravel()[None, :]                         # smooth, spread out
    blob = np.exp(-((yy - 14) ** 2 + (xx - 10) ** 2) / 4.0).ravel()[None, :]   # smooth, local
    assert neighbour_correlation(wide) > 0.9
    assert neighbour_correlation(blob) > 0.8
    assert energy_concentration(blob) > 0.95
    assert energy_concentration(wide) < 0.3
    spike = np.zeros((1, 784))
    spike[0, 100] = 1.0
    # after the mean 1/784 is removed: one pixel at 783/784, the other 783 at -1/784
    top, total = (783 / 784) ** 2 + 77 / 784 ** 2, (783 / 784) ** 2 + 783 / 784 ** 2
    assert energy_concentration(spike) == pytest.approx(top / total, rel=1e-12)


def test_shapes_are_checked():
    with pytest.raises(ValueError, match=r"\(n_filters, 784\)"):
        neighbour_correlation(np.ones((3, 100)))
    with pytest.raises(ValueError, match="constant"):
        energy_concentration(np.ones((2, 784)))
    with pytest.raises(ValueError, match="fraction"):
        energy_concentration(np.random.default_rng(0).normal(size=(2, 784)), fraction=0)
