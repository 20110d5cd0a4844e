"""matplotlib figures used by the lessons: image grids, 2-D scatters, manifold grids, curves.

Every function returns a ``matplotlib.figure.Figure`` (save it with
:func:`scratchae.lesson.save_figure`); matplotlib is imported on first use only, with the
non-interactive Agg backend when no display is set.
"""
import os

import numpy as np

__all__ = ["image_grid", "scatter_2d", "manifold_grid", "curves", "side_by_side"]


def _plt():
    import matplotlib
    if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _as_images(x, image_shape):
    x = np.asarray(x)
    if x.ndim == 2:
        if image_shape is None:
            side = int(round(np.sqrt(x.shape[1])))
            if side * side != x.shape[1]:
                raise ValueError(f"cannot guess the image shape of rows of length {x.shape[1]}; "
                                 "pass image_shape")
            image_shape = (side, side)
        x = x.reshape((x.shape[0],) + tuple(image_shape))
    if x.ndim != 3:
        raise ValueError(f"images must have shape (n, h*w) or (n, h, w); got {x.shape}")
    return x


def image_grid(x, n_cols=10, image_shape=None, title=None, cmap="gray", normalize=False,
               row_labels=None, scale=1.0):
    """Rows of ``x`` (n, h*w) or (n, h, w) drawn as a grid of images.

    ``normalize=True`` stretches every image to its own min..max (for filters/weights).
    ``row_labels`` names each row of the grid on its left.
    """
    plt = _plt()
    imgs = _as_images(x, image_shape)
    n = imgs.shape[0]
    n_cols = min(n_cols, n)
    n_rows = int(np.ceil(n / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(scale * 1.0 * n_cols, scale * 1.0 * n_rows),
                             squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        if k < n:
            img = imgs[k]
            if normalize:
                lo, hi = img.min(), img.max()
                img = (img - lo) / (hi - lo + 1e-12)
                ax.imshow(img, cmap=cmap, vmin=0, vmax=1)
            else:
                ax.imshow(img, cmap=cmap, vmin=min(0.0, img.min()), vmax=max(1.0, img.max()))
    if row_labels is not None:
        for r, label in enumerate(row_labels[:n_rows]):
            axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def side_by_side(rows, labels, n=10, image_shape=None, title=None):
    """Several sets of images (e.g. input / reconstruction / other model), one per grid row."""
    stacked = np.concatenate([np.asarray(r)[:n] for r in rows], axis=0)
    return image_grid(stacked, n_cols=n, image_shape=image_shape, title=title, row_labels=labels)


def scatter_2d(z, labels=None, title=None, ax=None, s=4, cmap="tab10", legend=True):
    """A 2-D scatter of codes ``z`` (n, 2), coloured by integer ``labels`` (or by a continuous
    value such as the swiss roll's position)."""
    plt = _plt()
    z = np.asarray(z)
    if z.ndim != 2 or z.shape[1] < 2:
        raise ValueError(f"z must have shape (n, 2); got {z.shape}")
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 5))
    if labels is None:
        ax.scatter(z[:, 0], z[:, 1], s=s, c="k")
    else:
        labels = np.asarray(labels)
        sc = ax.scatter(z[:, 0], z[:, 1], s=s, c=labels, cmap=cmap if labels.dtype.kind in "iu"
                        else "viridis")
        if legend and labels.dtype.kind in "iu" and len(np.unique(labels)) <= 10:
            handles, names = sc.legend_elements()
            ax.legend(handles, names, fontsize=7, markerscale=0.8, loc="best")
    if title:
        ax.set_title(title)
    ax.set_aspect("equal", adjustable="datalim")
    return fig if fig is not None else ax.figure


def manifold_grid(decode, n=20, span=(-3.0, 3.0), image_shape=(28, 28), title=None, grid=None):
    """Decode an ``n x n`` grid of 2-D codes and tile the images (the slides' learned manifold).

    ``decode`` maps codes (m, 2) to images (m, h*w). ``grid`` may give the coordinates
    (two 1-D arrays); otherwise an even grid over ``span`` in both directions (for a VAE, use
    Gaussian quantiles such as ``scipy.stats.norm.ppf``).
    """
    plt = _plt()
    if grid is None:
        g = np.linspace(span[0], span[1], n)
        gx, gy = g, g[::-1]
    else:
        gx, gy = grid
    zz = np.array([[x, y] for y in gy for x in gx])
    imgs = np.asarray(decode(zz)).reshape(len(gy), len(gx), *image_shape)
    h, w = image_shape
    canvas = imgs.transpose(0, 2, 1, 3).reshape(len(gy) * h, len(gx) * w)
    fig, ax = plt.subplots(figsize=(7, 7))
    ax.imshow(canvas, cmap="gray", vmin=0, vmax=1)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return fig


def curves(series, xlabel="epoch", ylabel="loss", title=None, logy=False, ax=None):
    """Line plots of ``{label: values}`` (or ``{label: (x, y)}``) on one axis."""
    plt = _plt()
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4))
    for label, values in series.items():
        if isinstance(values, tuple) and len(values) == 2:
            ax.plot(values[0], values[1], label=label)
        else:
            ax.plot(np.arange(1, len(values) + 1), values, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return fig if fig is not None else ax.figure
