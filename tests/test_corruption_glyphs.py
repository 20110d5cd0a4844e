"""Corruption processes (statistics, bad levels), glyph digits (shapes, determinism, the true
factors act as they say) and the MNIST-or-glyphs fallback of the lessons."""
import numpy as np
import pytest

from scratchae.data import DatasetIntegrityError, DatasetNotFoundError
from scratchae.data import mnist as mnist_module
from scratchae.data.corruption import (CORRUPTIONS, corrupt, gaussian_noise, mask_noise,
                                       salt_and_pepper)
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.data.glyphs import FACTOR_NAMES, glyph_digits, render_glyphs

# the arrays below have 200,000 entries: a binomial standard error of at most 0.0012


def _x(dtype=np.float64):
    return np.random.default_rng(0).uniform(0.05, 0.95, size=(400, 500)).astype(dtype)


# ----------------------------------------------------------------------------- corruption
@pytest.mark.parametrize("level", [0.1, 0.5])
def test_mask_noise_zeroes_the_expected_fraction_and_keeps_the_rest(level):
    x = _x()
    before = x.copy()
    out = mask_noise(x, level, np.random.default_rng(1))
    np.testing.assert_array_equal(x, before)                 # the input is never changed
    zeroed = out == 0
    assert abs(zeroed.mean() - level) < 0.006
    np.testing.assert_array_equal(out[~zeroed], x[~zeroed])
    assert abs(out.mean() - (1 - level) * x.mean()) < 0.003  # E[x~] = (1 - level) x


def test_gaussian_noise_has_zero_mean_and_the_given_standard_deviation():
    x = _x()
    out = gaussian_noise(x, 0.3, np.random.default_rng(2))
    eps = out - x
    assert abs(eps.mean()) < 0.003 and abs(eps.std() - 0.3) < 0.003
    assert out.min() < 0 and out.max() > 1                   # it may leave [0, 1]


@pytest.mark.parametrize("level", [0.2, 0.6])
def test_salt_and_pepper_stays_in_the_unit_interval_with_half_salt(level):
    x = _x()
    out = salt_and_pepper(x, level, np.random.default_rng(3))
    assert out.min() >= 0.0 and out.max() <= 1.0
    hit = out != x                       # x is strictly inside (0, 1), so every hit shows
    assert abs(hit.mean() - level) < 0.006
    assert abs((out[hit] == 1).mean() - 0.5) < 0.01
    assert abs(out.mean() - ((1 - level) * x.mean() + level / 2)) < 0.003


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_corruptions_are_deterministic_keep_dtype_and_shape(kind):
    x = _x(np.float32)[:20, :30].reshape(20, 5, 6)
    a = corrupt(x, kind, 0.3, np.random.default_rng(4))
    b = corrupt(x, kind, 0.3, np.random.default_rng(4))
    c = corrupt(x, kind, 0.3, np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == x.shape and a.dtype == np.float32
    np.testing.assert_array_equal(corrupt(x, kind, 0.0, 0), x)   # level 0: no corruption


def test_full_masking_and_full_salt_and_pepper():
    x = _x()[:10]
    assert not mask_noise(x, 1.0, 0).any()
    assert set(np.unique(salt_and_pepper(x, 1.0, 0))) == {0.0, 1.0}


@pytest.mark.parametrize("level", [-0.01, 1.01, 2, float("nan"), "0.3", True])
@pytest.mark.parametrize("fn", [mask_noise, gaussian_noise, salt_and_pepper])
def test_levels_outside_the_unit_interval_are_refused(fn, level):
    with pytest.raises(ValueError, match=r"level must lie in \[0, 1\]"):
        fn(_x()[:2], level, 0)


def test_other_bad_corruption_input():
    with pytest.raises(ValueError, match=r"inputs of salt-and-pepper noise must lie in \[0, 1\]"):
        salt_and_pepper(np.array([[0.5, 1.5]]), 0.1, 0)
    with pytest.raises(ValueError, match="corruption must be one of"):
        corrupt(_x()[:2], "blur", 0.1, 0)
    with pytest.raises(ValueError, match="finite"):
        mask_noise(np.array([[np.nan, 0.5]]), 0.1, 0)


# ---------------------------------------------------------------------------- glyph digits
def test_glyph_digits_shapes_range_and_determinism():
    x, y, factors = glyph_digits(300, 7)
    assert x.shape == (300, 784) and x.dtype == np.float32
    assert y.shape == (300,) and y.dtype == np.int64 and set(np.unique(y)) == set(range(10))
    assert x.min() == 0.0 and x.max() == 1.0
    assert set(factors) == set(FACTOR_NAMES)
    assert all(f.shape == (300,) for f in factors.values())
    assert np.abs(factors["rotation"]).max() <= 15 and np.abs(factors["shift_x"]).max() <= 2
    x2, y2, f2 = glyph_digits(300, 7)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert all(np.array_equal(factors[k], f2[k]) for k in factors)
    assert not np.array_equal(glyph_digits(300, 8).x, x)
    # every image has ink, but leaves the border mostly empty as MNIST does
    img = x.reshape(-1, 28, 28)
    assert (x.sum(axis=1) > 20).all()
    assert img[:, :2, :].mean() < 0.01 and img[:, :, :2].mean() < 0.01


def test_glyph_digits_digit_subset_and_fixed_factors():
    x, y, factors = glyph_digits(50, 0, digits=[3, 8], rotation=0, slant=0, shift=0,
                                 scale=1.0, thickness=0.0)
    assert set(np.unique(y)) <= {3, 8}
    assert not factors["rotation"].any() and (factors["scale"] == 1).all()
    same = render_glyphs(y, scale=1.0)
    np.testing.assert_array_equal(x, same)


def _ink_moments(img):
    img = img.reshape(28, 28)
    rows, cols = np.mgrid[0:28, 0:28] + 0.5
    mass = img.sum()
    cy, cx = (img * rows).sum() / mass, (img * cols).sum() / mass
    sy = np.sqrt((img * (rows - cy) ** 2).sum() / mass)
    sx = np.sqrt((img * (cols - cx) ** 2).sum() / mass)
    return mass, cx, cy, sx, sy


def test_the_true_factors_do_what_they_say():
    one = np.array([1])
    # rotation by 90 degrees turns a tall "1" into a wide one
    _, _, _, sx0, sy0 = _ink_moments(render_glyphs(one))
    _, _, _, sx90, sy90 = _ink_moments(render_glyphs(one, rotation=90))
    assert sy0 > 2 * sx0 and sx90 > 2 * sy90
    # translation moves the centre of mass by that many pixels
    _, cx0, cy0, _, _ = _ink_moments(render_glyphs(np.array([8])))
    _, cx1, cy1, _, _ = _ink_moments(render_glyphs(np.array([8]), shift_x=2.0, shift_y=-1.5))
    assert cx1 - cx0 == pytest.approx(2.0, abs=0.05) and cy1 - cy0 == pytest.approx(-1.5, abs=0.05)
    # thickness and scale add ink monotonically; scale stretches the digit
    masses = [_ink_moments(render_glyphs(np.array([5]), thickness=t))[0] for t in (-0.5, 0, 1)]
    assert masses[0] < masses[1] < masses[2]
    _, _, _, _, small = _ink_moments(render_glyphs(np.array([7]), scale=0.8))
    _, _, _, _, large = _ink_moments(render_glyphs(np.array([7]), scale=1.1))
    assert large / small == pytest.approx(1.1 / 0.8, rel=0.05)
    # slant shears: the top of a "1" moves right of its bottom
    img = render_glyphs(one, slant=0.4).reshape(28, 28)
    cols = np.arange(28) + 0.5
    top, bottom = img[5:10].sum(0), img[18:23].sum(0)
    assert (top * cols).sum() / top.sum() > (bottom * cols).sum() / bottom.sum() + 1.5


def test_bad_glyph_arguments():
    with pytest.raises(ValueError, match="positive integer"):
        glyph_digits(0)
    with pytest.raises(ValueError, match="digits must be"):
        glyph_digits(5, digits=[10])
    with pytest.raises(ValueError, match="low <= high"):
        glyph_digits(5, scale=(1.2, 0.8))
    with pytest.raises(ValueError, match="scale must be positive"):
        render_glyphs(np.array([1]), scale=0.0)
    with pytest.raises(ValueError, match="digits 0-9"):
        render_glyphs(np.array([12]))


# -------------------------------------------------------------------------------- fallback
def test_fallback_uses_glyphs_when_mnist_is_not_found(monkeypatch, capsys):
    def not_found(*args, **kwargs):
        raise DatasetNotFoundError("MNIST file train-images-idx3-ubyte.gz was not found.")

    monkeypatch.setattr(mnist_module, "load_mnist", not_found)
    (x_tr, y_tr), (x_te, y_te), source = load_digits_or_glyphs(120, 30, rng=0)
    assert source == "glyphs" and x_tr.shape == (120, 784) and x_te.shape == (30, 784)
    assert y_tr.shape == (120,) and x_tr.dtype == np.float32
    assert "[notice] MNIST is not available" in capsys.readouterr().out
    again = load_digits_or_glyphs(120, 30, rng=0, verbose=False)
    np.testing.assert_array_equal(again.train.x, x_tr)
    assert not np.array_equal(x_tr[:30], x_te)               # independent streams


def test_fallback_does_not_hide_a_damaged_mnist(monkeypatch):
    def damaged(*args, **kwargs):
        raise DatasetIntegrityError("checksum mismatch")

    monkeypatch.setattr(mnist_module, "load_mnist", damaged)
    with pytest.raises(DatasetIntegrityError):
        load_digits_or_glyphs(10, 10, rng=0)


def test_fallback_can_be_forced_and_prefers_mnist(monkeypatch):
    monkeypatch.setenv("SCRATCHAE_FORCE_GLYPHS", "1")
    assert load_digits_or_glyphs(10, 10, rng=0, verbose=False).source == "glyphs"
    monkeypatch.delenv("SCRATCHAE_FORCE_GLYPHS")
    images = np.zeros((50, 784), np.float32)

    def fake_mnist(path=None, split="train", download=True):
        n = 50 if split == "train" else 20
        return images[:n] + (split == "test"), np.arange(n) % 10

    monkeypatch.setattr(mnist_module, "load_mnist", fake_mnist)
    (x_tr, y_tr), (x_te, _), source = load_digits_or_glyphs(10, 5, rng=0)
    assert source == "mnist" and x_tr.shape == (10, 784) and x_te.shape == (5, 784)
    assert (x_te == 1).all() and y_tr.shape == (10,)
    again = load_digits_or_glyphs(10, 5, rng=0)
    np.testing.assert_array_equal(again.train.y, y_tr)       # the subset is chosen by rng
