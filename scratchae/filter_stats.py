"""Numbers that describe what first-layer filters look like (slides, part 03, "Filters in 1 hidden
architecture": random-looking filters are badly trained, edge/stroke-like filters are well trained).

A filter is one row ``W_j`` of a first layer's weight matrix ``W`` (n_hidden, h*w), viewed as an
h x w image.

* :func:`neighbour_correlation` -- mean correlation of horizontally and vertically adjacent weights
  of each filter: about 0 for white noise, near 1 for a smooth image.
* :func:`energy_concentration` -- the share of a filter's energy sum_i (W_ji - mean_j)^2 held by its
  strongest ``fraction`` of pixels: about 0.44 for Gaussian white noise at fraction 0.1, 1 for a
  filter that is non-zero on only that many pixels. Local stroke detectors score high; filters
  spread over the whole image score low.
"""
import numpy as np

__all__ = ["neighbour_correlation", "energy_concentration"]


def _filters(W, image_shape):
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(f"W must have shape (n_filters, h*w); got shape {W.shape}")
    h, w = image_shape
    if W.shape[1] != h * w:
        raise ValueError(f"W must have shape (n_filters, {h * w}) for images {image_shape}; "
                         f"got shape {W.shape}")
    F = W.reshape(-1, h, w)
    return F - F.mean(axis=(1, 2), keepdims=True)                    # (n, h, w), zero mean


def neighbour_correlation(W, image_shape=(28, 28)):
    """mean_j (rho_horizontal(W_j) + rho_vertical(W_j)) / 2, each rho the correlation of a filter
    with itself shifted by one pixel. ``W``: (n_filters, h*w). Returns a float in [-1, 1]."""
    F = _filters(W, image_shape)
    std = F.std(axis=(1, 2), keepdims=True)
    if np.any(std == 0):
        raise ValueError("a constant filter has no correlation")
    F = F / std
    horizontal = np.mean(F[:, :, 1:] * F[:, :, :-1], axis=(1, 2))
    vertical = np.mean(F[:, 1:, :] * F[:, :-1, :], axis=(1, 2))
    return float(np.mean((horizontal + vertical) / 2))


def energy_concentration(W, image_shape=(28, 28), fraction=0.1):
    """mean_j of (sum of the k largest e_ji) / (sum_i e_ji), e_ji = (W_ji - mean_i W_ji)^2 and
    k = round(fraction * h * w). ``W``: (n_filters, h*w). Returns a float in (0, 1]."""
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must lie in (0, 1]; got {fraction!r}")
    F = _filters(W, image_shape)
    energy = (F * F).reshape(F.shape[0], -1)                          # (n, h*w)
    total = energy.sum(axis=1)
    if np.any(total == 0):
        raise ValueError("a constant filter has no energy")
    k = max(1, int(round(fraction * energy.shape[1])))
    top = -np.partition(-energy, k - 1, axis=1)[:, :k]                # the k largest per filter
    return float(np.mean(top.sum(axis=1) / total))
