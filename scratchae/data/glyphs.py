"""Glyph digits: an embedded, offline stand-in for MNIST with *known* factors of variation.

The digits 0-9 are taken from the outline font DejaVu Sans that ships inside matplotlib
(``mpl-data/fonts/ttf/DejaVuSans.ttf``), so no download is ever needed. Each sample is the glyph
under a random

* rotation  (degrees, counter-clockwise),      * slant     (italic shear x += slant * y),
* scale     (1 = a 20-pixel-tall digit, as MNIST's 20x20 box),
* thickness (outline offset in pixels: > 0 bolder, < 0 thinner strokes),
* shift_x, shift_y (translation in pixels; y grows downwards),

rendered anti-aliased into a 28x28 image in [0, 1]. The images, the labels and these true factors
are returned, so a lesson can show that learned codes vary smoothly with the continuous factors
behind the data (slides, part 02/03: "the manifold follows naturally from continuous underlying
factors").

How it is drawn: once per process, each glyph outline (``TextPath``) is flattened to polygons and
turned into a signed distance field (SDF) on a fine grid -- negative inside the ink. A sample's
pixel centre p is mapped back into glyph coordinates g = A^{-1} (p - c) by the inverse of its
affine map A = flip_y . R(rotation) . (20 scale) . shear(slant); the intensity is
clip(1/2 - (SDF(g) - t) / pixel, 0, 1), with t the thickness and ``pixel`` the size of one output
pixel, both in glyph units. A one-pixel ramp at the outline is the anti-aliasing. All of this is
vectorised over samples; 10,000 digits take about a second.
"""
import functools
import os
from typing import NamedTuple

import numpy as np

from scratchae._validation import check_positive, make_rng

__all__ = ["glyph_digits", "render_glyphs", "GlyphDigits", "FACTOR_NAMES", "font_path"]

#: the names of the true factors, in the order of ``render_glyphs``' keyword arguments.
FACTOR_NAMES = ("rotation", "scale", "slant", "thickness", "shift_x", "shift_y")

IMAGE_SIDE = 28
DIGIT_HEIGHT = 20.0          # pixels, at scale 1 (MNIST fits digits in a 20x20 box)
_GRID = 192                  # SDF grid points per side
_GRID_HALF = 0.8             # the grid spans [-0.8, 0.8]^2 in glyph units (glyph height = 1)
_CHUNK = 4096


class GlyphDigits(NamedTuple):
    """``x`` float32 (n, 784) in [0, 1]; ``y`` int64 (n,) labels; ``factors`` a dict
    name -> float64 (n,) of the true factors (see :data:`FACTOR_NAMES`). Unpacks as
    ``x, y, factors``."""

    x: np.ndarray
    y: np.ndarray
    factors: dict


def font_path():
    """Path of DejaVu Sans inside matplotlib's own data folder (no system font needed)."""
    import matplotlib

    path = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
    if not os.path.exists(path):
        raise FileNotFoundError(f"matplotlib's DejaVu Sans font is missing (looked at {path}); "
                                "reinstall matplotlib")
    return path


def _segment_distances(points, polygons):
    """Distance from each point (P, 2) to the nearest edge of any polygon (one edge at a time)."""
    best = np.full(len(points), np.inf)
    px, py = points[:, 0], points[:, 1]
    for poly in polygons:
        nxt = np.roll(poly, -1, axis=0)
        for (ax, ay), (bx, by) in zip(poly, nxt):
            ex, ey = bx - ax, by - ay
            t = np.clip(((px - ax) * ex + (py - ay) * ey) / max(ex * ex + ey * ey, 1e-18), 0, 1)
            dx, dy = px - (ax + t * ex), py - (ay + t * ey)
            np.minimum(best, dx * dx + dy * dy, out=best)
    return np.sqrt(best)


@functools.lru_cache(maxsize=4)
def _glyph_sdfs(font=None):
    """Signed distance fields (10, G, G) of the digits 0-9, glyph height normalised to 1 and the
    ink's bounding box centred at 0; rows index y (upwards), columns x."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path as MplPath
    from matplotlib.textpath import TextPath

    prop = FontProperties(fname=font or font_path())
    axis = np.linspace(-_GRID_HALF, _GRID_HALF, _GRID)
    gx, gy = np.meshgrid(axis, axis)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    sdfs = np.empty((10, _GRID, _GRID))
    for digit in range(10):
        # a large size so that the curves are flattened finely
        polygons = TextPath((0, 0), str(digit), size=200.0, prop=prop).to_polygons(
            closed_only=True)
        allpts = np.concatenate(polygons)
        lo, hi = allpts.min(axis=0), allpts.max(axis=0)
        centre, height = (lo + hi) / 2.0, hi[1] - lo[1]
        polygons = [(poly - centre) / height for poly in polygons]
        inside = np.zeros(len(points), dtype=int)
        for poly in polygons:                 # even-odd rule: holes are separate contours
            inside += MplPath(poly).contains_points(points)
        sign = np.where(inside % 2 == 1, -1.0, 1.0)
        sdfs[digit] = (sign * _segment_distances(points, polygons)).reshape(_GRID, _GRID)
    return sdfs.astype(np.float32)


def _sample_sdf(sdfs, labels, gx, gy):
    """Bilinear interpolation of each label's SDF at glyph coordinates (n, P)."""
    step = 2.0 * _GRID_HALF / (_GRID - 1)
    fx = np.clip((gx + _GRID_HALF) / step, 0.0, _GRID - 1)
    fy = np.clip((gy + _GRID_HALF) / step, 0.0, _GRID - 1)
    ix = np.minimum(np.floor(fx), _GRID - 2).astype(np.int64)   # so that ix + 1 stays inside
    iy = np.minimum(np.floor(fy), _GRID - 2).astype(np.int64)
    wx, wy = fx - ix, fy - iy
    flat = sdfs.reshape(-1)
    base = (labels * (_GRID * _GRID))[:, None] + iy * _GRID + ix      # top-left corner
    v00, v01 = flat[base], flat[base + 1]
    v10, v11 = flat[base + _GRID], flat[base + _GRID + 1]
    return (1 - wy) * ((1 - wx) * v00 + wx * v01) + wy * ((1 - wx) * v10 + wx * v11)


def _as_factor(value, name, n):
    arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,))
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite; got {value!r}")
    return arr


def render_glyphs(labels, rotation=0.0, scale=1.0, slant=0.0, thickness=0.0, shift_x=0.0,
                  shift_y=0.0, font=None):
    """Render digits ``labels`` (n,) with the given factors (scalars or arrays of shape (n,)).

    Deterministic: the same labels and factors give the same images. Returns float32 (n, 784)
    in [0, 1]. ``font`` is a path to another .ttf (default: matplotlib's DejaVu Sans).
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D integer array; got shape {labels.shape}, "
                         f"dtype {labels.dtype}")
    if labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"labels must be digits 0-9; got values in [{labels.min()}, "
                         f"{labels.max()}]")
    n = labels.size
    rot, sc, sl, th, sx, sy = (_as_factor(v, k, n) for v, k in zip(
        (rotation, scale, slant, thickness, shift_x, shift_y), FACTOR_NAMES))
    if (sc <= 0).any():
        raise ValueError(f"scale must be positive; got minimum {sc.min()}")
    sdfs = _glyph_sdfs(font)
    centres = np.arange(IMAGE_SIDE) + 0.5
    px, py = np.meshgrid(centres, centres)                 # pixel centres; py grows downwards
    px, py = px.ravel().astype(np.float32), py.ravel().astype(np.float32)
    out = np.empty((n, IMAGE_SIDE * IMAGE_SIDE), dtype=np.float32)
    for s in range(0, n, _CHUNK):
        sl_ = slice(s, s + _CHUNK)
        # undo the translation and the y flip: u points right, v points up, in pixels
        u = px[None, :] - (IMAGE_SIDE / 2.0 + sx[sl_, None]).astype(np.float32)
        v = (IMAGE_SIDE / 2.0 + sy[sl_, None]).astype(np.float32) - py[None, :]
        # undo the rotation (rotate by -theta)
        theta = np.deg2rad(rot[sl_])[:, None]
        c, si = np.cos(theta).astype(np.float32), np.sin(theta).astype(np.float32)
        ur, vr = c * u + si * v, -si * u + c * v
        # undo the scale (pixels -> glyph units), then the shear x' = x + slant * y
        k = (DIGIT_HEIGHT * sc[sl_])[:, None].astype(np.float32)
        gy = vr / k
        gx = ur / k - sl[sl_, None].astype(np.float32) * gy
        sdf = _sample_sdf(sdfs, labels[sl_], gx, gy)
        pixel = 1.0 / k                                     # one output pixel in glyph units
        t = th[sl_, None].astype(np.float32) * pixel    # the outline offset in glyph units
        out[sl_] = np.clip(0.5 - (sdf - t) / pixel, 0.0, 1.0)
    return out


def _range(value, name, symmetric):
    """A (low, high) range from a number (symmetric: (-v, v)) or a pair."""
    if np.ndim(value) == 0:
        v = float(value)
        lo, hi = (-abs(v), abs(v)) if symmetric else (v, v)
    else:
        if len(value) != 2:
            raise ValueError(f"{name} must be a number or a (low, high) pair; got {value!r}")
        lo, hi = float(value[0]), float(value[1])
    if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
        raise ValueError(f"{name} must be a finite range with low <= high; got {value!r}")
    return lo, hi


def glyph_digits(n, rng=None, *, rotation=15.0, scale=(0.8, 1.1), slant=0.3,
                 thickness=(-0.5, 0.8), shift=2.0, digits=None, font=None):
    """``n`` random glyph digits with their labels and true factors.

    Parameters
    ----------
    n : int
        Number of images.
    rng : numpy.random.Generator or int or None
        Source of labels and factors (``None`` means seed 0): the same seed gives the same data.
    rotation : float or (low, high)
        Degrees; a number r means U(-r, r).
    scale : float or (low, high)
        Digit height / 20 px; U(low, high).
    slant : float or (low, high)
        Italic shear; a number s means U(-s, s).
    thickness : float or (low, high)
        Outline offset in pixels; U(low, high).
    shift : float or (low, high)
        Translation in pixels of each axis; a number d means U(-d, d).
    digits : sequence of int or None
        The classes to draw from (default 0-9), uniformly.

    Returns
    -------
    :class:`GlyphDigits` ``(x, y, factors)``: ``x`` float32 (n, 784) in [0, 1], ``y`` int64 (n,),
    ``factors`` dict of float64 (n,) arrays keyed by :data:`FACTOR_NAMES`.
    """
    n = int(check_positive(n, "n", integer=True))
    rng = make_rng(rng)
    classes = np.arange(10) if digits is None else np.asarray(digits)
    if classes.ndim != 1 or classes.size == 0 or classes.dtype.kind not in "iu" or \
            classes.min() < 0 or classes.max() > 9:
        raise ValueError(f"digits must be a non-empty list of integers in 0-9; got {digits!r}")
    ranges = {"rotation": _range(rotation, "rotation", True),
              "scale": _range(scale, "scale", False),
              "slant": _range(slant, "slant", True),
              "thickness": _range(thickness, "thickness", False),
              "shift_x": _range(shift, "shift", True),
              "shift_y": _range(shift, "shift", True)}
    if ranges["scale"][0] <= 0:
        raise ValueError(f"scale must be positive; got {scale!r}")
    y = classes[rng.integers(0, classes.size, size=n)].astype(np.int64)
    factors = {name: rng.uniform(lo, hi, size=n) for name, (lo, hi) in ranges.items()}
    x = render_glyphs(y, font=font, **factors)
    return GlyphDigits(x, y, factors)
