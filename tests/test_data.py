"""Tests of scratchae.data: MNIST/USPS loaders (no internet: downloads go to a local server) and
the synthetic sets.

Real digits come from ``$SCRATCHAE_DATA`` or, by default, ``../shared/data`` beside the repo.
"""
import functools
import gzip
import hashlib
import http.server
import os
import socket
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import scratchae.data as data
from scratchae.data import mnist as mnist_module

SHARED_DATA = Path(os.environ.get("SCRATCHAE_DATA")
                   or Path(__file__).resolve().parents[2] / "shared" / "data").resolve()
needs_mnist = pytest.mark.skipif(not (SHARED_DATA / "mnist").is_dir(),
                                 reason=f"no MNIST copy at {SHARED_DATA / 'mnist'}")
needs_usps = pytest.mark.skipif(not (SHARED_DATA / "usps" / "usps.npz").is_file(),
                                reason=f"no USPS copy at {SHARED_DATA / 'usps'}")

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
USPS_TRAIN_COUNTS = [1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644]
USPS_TEST_COUNTS = [359, 264, 198, 166, 200, 160, 170, 147, 166, 177]


# --------------------------------------------------------------------------- fixtures, helpers

def _closed_port_url():
    """An http URL on 127.0.0.1 where nothing listens (connections are refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Every test: an empty cache in tmp_path, an empty SCRATCHAE_DATA, no reachable mirror."""
    empty = tmp_path / "empty-data"
    empty.mkdir()
    monkeypatch.setenv("SCRATCHAE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SCRATCHAE_DATA", str(empty))
    monkeypatch.setenv("SCRATCHAE_MNIST_MIRROR", _closed_port_url())
    return tmp_path


@pytest.fixture
def shared_data(monkeypatch):
    monkeypatch.setenv("SCRATCHAE_DATA", str(SHARED_DATA))
    return SHARED_DATA


def idx_bytes(arr):
    """An uint8 array as an IDX file (written here independently of the parser under test)."""
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    return struct.pack(">BBBB", 0, 0, 0x08, arr.ndim) + struct.pack(
        f">{arr.ndim}I", *arr.shape) + arr.tobytes()


def write_fake_mnist(folder, split="test", n=20, seed=0, corrupt=False):
    """Write a small fake MNIST split into ``folder``; return (images, labels, sha256 table)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    image_name, label_name = mnist_module.MNIST_FILES[split]
    sums = {}
    for name, arr in ((image_name, images), (label_name, labels)):
        raw = idx_bytes(arr)
        sums[name] = hashlib.sha256(raw).hexdigest()
        if corrupt:
            raw = raw[:-1] + bytes([raw[-1] ^ 0xFF])
        (folder / f"{name}.gz").write_bytes(gzip.compress(raw))
    return images, labels, sums


@pytest.fixture
def server(tmp_path):
    """A local HTTP server on 127.0.0.1 (port 0) serving tmp_path/'www'; yields (url, www, log)."""
    www = tmp_path / "www"
    www.mkdir()
    log = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            log.append(self.path)
            super().do_GET()

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(www)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", www, log
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def patch_sums(monkeypatch, sums):
    monkeypatch.setattr(mnist_module, "MNIST_SHA256", {**mnist_module.MNIST_SHA256, **sums})


# --------------------------------------------------------------------------- (a) real MNIST

@needs_mnist
def test_mnist_train_and_test_from_shared_data(shared_data):
    x, y = data.load_mnist(split="train", download=False)
    assert x.shape == (60000, 784) and x.dtype == np.float32
    assert y.shape == (60000,) and y.dtype == np.int64
    assert x.min() == 0.0 and x.max() == 1.0
    assert np.bincount(y).tolist() == MNIST_TRAIN_COUNTS

    test = data.load_mnist(split="test", flatten=False, download=False)
    assert isinstance(test, data.Dataset)
    assert test.x.shape == (10000, 28, 28) and test.x.dtype == np.float32
    assert np.bincount(test.y).tolist() == MNIST_TEST_COUNTS
    assert 0.12 < test.x.mean() < 0.14  # the well-known mean grey level of MNIST, about 0.13


@needs_mnist
def test_mnist_validation_split_is_the_end_of_train(shared_data):
    x, y = data.load_mnist(download=False)
    split = data.load_mnist(validation_size=10000, download=False)
    assert isinstance(split, data.TrainValSplit)
    (x_train, y_train), (x_val, y_val) = split
    assert x_train.shape == (50000, 784) and x_val.shape == (10000, 784)
    np.testing.assert_array_equal(x_train, x[:50000])
    np.testing.assert_array_equal(x_val, x[50000:])
    np.testing.assert_array_equal(np.concatenate([y_train, y_val]), y)


@needs_mnist
def test_mnist_cached_call_is_fast_and_returns_fresh_arrays(shared_data):
    data.load_mnist(download=False)  # may be the first (slow) read in this process
    start = time.perf_counter()
    x, _ = data.load_mnist(download=False)
    assert time.perf_counter() - start < 2.0
    x[:] = -1.0  # the caller owns its copy: the cache is untouched
    x2, _ = data.load_mnist(download=False)
    assert x2.min() == 0.0


# --------------------------------------------------------------------------- lookup order

def test_explicit_path_then_env_then_cache(tmp_path, monkeypatch):
    good = tmp_path / "good"
    _, _, sums = write_fake_mnist(good)
    write_fake_mnist(tmp_path / "env" / "mnist", corrupt=True)
    write_fake_mnist(tmp_path / "cache" / "mnist")
    patch_sums(monkeypatch, sums)
    monkeypatch.setenv("SCRATCHAE_DATA", str(tmp_path / "env"))

    assert data.load_mnist(good, split="test", download=False).x.shape == (20, 784)
    # without path= the (corrupt) $SCRATCHAE_DATA copy comes before the (good) cached one
    with pytest.raises(data.DatasetIntegrityError, match="sha256"):
        data.load_mnist(split="test", download=False)
    assert (tmp_path / "env" / "mnist" / "t10k-images-idx3-ubyte.gz").exists()  # never deleted
    monkeypatch.delenv("SCRATCHAE_DATA")
    assert data.load_mnist(split="test", download=False).x.shape == (20, 784)


def test_cache_dir_honours_env(monkeypatch, tmp_path):
    monkeypatch.setenv("SCRATCHAE_CACHE", str(tmp_path / "c"))
    assert data.cache_dir("mnist") == tmp_path / "c" / "mnist"
    monkeypatch.delenv("SCRATCHAE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data.cache_dir("usps") == tmp_path / "xdg" / "scratchae" / "usps"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert data.cache_dir() == Path.home() / ".cache" / "scratchae"


def test_uncompressed_idx_accepted(tmp_path, monkeypatch):
    images, labels, sums = write_fake_mnist(tmp_path / "gz")
    plain = tmp_path / "plain"
    plain.mkdir()
    for name in sums:
        (plain / name).write_bytes(gzip.decompress((tmp_path / "gz" / f"{name}.gz").read_bytes()))
    patch_sums(monkeypatch, sums)
    x, y = data.load_mnist(plain, split="test", flatten=False, download=False)
    np.testing.assert_array_equal(x, images / np.float32(255))
    np.testing.assert_array_equal(y, labels)


# --------------------------------------------------------------------------- (b)-(d) downloads

def test_download_from_local_mirror(isolated, server, monkeypatch):
    url, www, log = server
    images, labels, sums = write_fake_mnist(www)
    patch_sums(monkeypatch, sums)
    # the first mirror is unreachable: the loader must fall back to the second
    monkeypatch.setenv("SCRATCHAE_MNIST_MIRROR", f"{_closed_port_url()} {url}")

    x, y = data.load_mnist(split="test", flatten=False)
    np.testing.assert_array_equal(x, images / np.float32(255))
    np.testing.assert_array_equal(y, labels)
    cache = isolated / "cache" / "mnist"
    assert sorted(p.name for p in cache.iterdir()) == [
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]  # no temporary files left
    for name in sums:
        assert (cache / f"{name}.gz").read_bytes() == (www / f"{name}.gz").read_bytes()
    assert sorted(log) == ["/t10k-images-idx3-ubyte.gz", "/t10k-labels-idx1-ubyte.gz"]

    data.load_mnist(split="test")  # now served from the cache: no new request
    assert len(log) == 2


def test_corrupt_download_is_refused_and_deleted(isolated, server, monkeypatch):
    url, www, _ = server
    _, _, sums = write_fake_mnist(www, corrupt=True)
    patch_sums(monkeypatch, sums)
    monkeypatch.setenv("SCRATCHAE_MNIST_MIRROR", url)
    with pytest.raises(data.DatasetIntegrityError) as info:
        data.load_mnist(split="test")
    message = str(info.value)
    assert "t10k-images-idx3-ubyte.gz" in message and "sha256" in message
    assert "deleted" in message and sums["t10k-images-idx3-ubyte"] in message
    assert list((isolated / "cache" / "mnist").iterdir()) == []


def test_download_of_non_gzip_is_refused(isolated, server, monkeypatch):
    url, www, _ = server
    _, _, sums = write_fake_mnist(www)
    (www / "t10k-images-idx3-ubyte.gz").write_bytes(b"<html>not found</html>")
    patch_sums(monkeypatch, sums)
    monkeypatch.setenv("SCRATCHAE_MNIST_MIRROR", url)
    with pytest.raises(data.DatasetIntegrityError, match="gzip"):
        data.load_mnist(split="test")
    assert list((isolated / "cache" / "mnist").iterdir()) == []


def test_offline_error_says_where_to_put_files(isolated):
    with pytest.raises(data.DatasetNotFoundError) as info:
        data.load_mnist(split="train")
    assert isinstance(info.value, FileNotFoundError)
    message = str(info.value)
    assert "SCRATCHAE_DATA" in message
    assert str(isolated / "cache" / "mnist") in message
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        assert name in message
    assert "127.0.0.1" in message  # the failed mirror is named

    with pytest.raises(data.DatasetNotFoundError, match="download=False"):
        data.load_mnist(split="test", download=False)


def test_missing_server_file_is_not_found(server, monkeypatch):
    url, _, log = server  # the server answers 404
    monkeypatch.setenv("SCRATCHAE_MNIST_MIRROR", url)
    with pytest.raises(data.DatasetNotFoundError, match="404|Not Found"):
        data.load_mnist(split="test")
    assert log == ["/t10k-images-idx3-ubyte.gz"]


# --------------------------------------------------------------------------- IDX parsing

def test_parse_idx_roundtrip_and_malformed_files():
    arr = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(data.parse_idx(idx_bytes(arr)), arr)
    raw = idx_bytes(arr)
    with pytest.raises(data.DatasetIntegrityError, match="not an IDX file"):
        data.parse_idx(b"\x01\x02" + raw[2:])
    with pytest.raises(data.DatasetIntegrityError, match="type byte"):
        data.parse_idx(raw[:2] + b"\x07" + raw[3:])
    with pytest.raises(data.DatasetIntegrityError, match=r"\(2, 3, 4\).*40 bytes.*39 bytes"):
        data.parse_idx(raw[:-1])
    with pytest.raises(data.DatasetIntegrityError, match="ends after"):
        data.parse_idx(raw[:6])
    ints = np.array([1, -2, 70000], dtype=">i4")
    header = struct.pack(">BBBBI", 0, 0, 0x0C, 1, 3)
    np.testing.assert_array_equal(data.parse_idx(header + ints.tobytes()), [1, -2, 70000])


def test_wrong_image_shape_is_reported(tmp_path, monkeypatch):
    folder = tmp_path / "m"
    folder.mkdir()
    sums = {}
    for name, arr in (("t10k-images-idx3-ubyte", np.zeros((3, 16, 16), np.uint8)),
                      ("t10k-labels-idx1-ubyte", np.zeros(3, np.uint8))):
        raw = idx_bytes(arr)
        sums[name] = hashlib.sha256(raw).hexdigest()
        (folder / f"{name}.gz").write_bytes(gzip.compress(raw))
    patch_sums(monkeypatch, sums)
    with pytest.raises(data.DatasetIntegrityError, match=r"\(n, 28, 28\).*\(3, 16, 16\)"):
        data.load_mnist(folder, split="test", download=False)


# --------------------------------------------------------------------------- (e) binarisation

@needs_mnist
def test_dynamic_binarisation_of_mnist(shared_data):
    grey, _ = data.load_mnist(split="test", download=False)
    a, _ = data.load_mnist(split="test", binarize="dynamic", rng=1, download=False)
    b, _ = data.load_mnist(split="test", binarize="dynamic", rng=np.random.default_rng(1),
                           download=False)
    c, _ = data.load_mnist(split="test", binarize="dynamic", rng=2, download=False)
    assert a.dtype == np.float32 and set(np.unique(a).tolist()) == {0.0, 1.0}
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert abs(a.mean() - grey.mean()) < 1e-3  # 7.8 million Bernoulli draws: std ~1.3e-4
    assert np.all(a[grey == 0] == 0) and np.all(a[grey == 1] == 1)

    s, _ = data.load_mnist(split="test", binarize="static", download=False)
    np.testing.assert_array_equal(s, (grey > 0.5).astype(np.float32))


def test_binarize_function():
    x = np.full((200, 50), 0.3)
    b = data.binarize(x, "dynamic", rng=0)
    assert b.dtype == np.float64 and b.shape == x.shape
    assert abs(b.mean() - 0.3) < 0.02
    np.testing.assert_array_equal(b, data.binarize(x, rng=0))
    np.testing.assert_array_equal(data.binarize([0.2, 0.5, 0.8], "static"), [0.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="'dynamic', 'static'.*'otsu'"):
        data.binarize(x, "otsu")


# --------------------------------------------------------------------------- (f) USPS

@needs_usps
def test_usps_counts_and_scales(shared_data):
    x, y = data.load_usps()
    assert x.shape == (7291, 256) and x.dtype == np.float32 and y.dtype == np.int64
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert np.bincount(y).tolist() == USPS_TRAIN_COUNTS
    xs, ys = data.load_usps(split="test", scale="symmetric")
    assert xs.shape == (2007, 256) and xs.dtype == np.float32
    assert np.bincount(ys).tolist() == USPS_TEST_COUNTS
    assert -1.0 <= xs.min() and xs.max() <= 1.0 and xs.min() < -0.99 and xs.max() > 0.99
    xt, _ = data.load_usps(split="test")
    np.testing.assert_allclose(xs, 2 * xt - 1, atol=1e-6)
    assert data.load_usps(split="test", flatten=False).x.shape == (2007, 16, 16)

    (x_tr, _), (x_val, y_val) = data.load_usps(validation_size=1000)
    assert x_tr.shape == (6291, 256) and x_val.shape == (1000, 256)
    np.testing.assert_array_equal(y_val, y[-1000:])

    xb, _ = data.load_usps(binarize="dynamic", scale="symmetric", rng=0)
    assert set(np.unique(xb).tolist()) == {-1.0, 1.0}


@needs_usps
def test_usps_from_explicit_file(tmp_path):
    x, _ = data.load_usps(SHARED_DATA / "usps" / "usps.npz", split="test")
    assert x.shape == (2007, 256)
    x[:] = 5  # the cached arrays are not shared with the caller
    assert data.load_usps(SHARED_DATA / "usps", split="test").x.max() <= 1.0


@needs_usps
@pytest.mark.parametrize("key", ["x_train", "y_test"])
def test_usps_changed_pixel_or_label_is_refused(tmp_path, key):
    """A copy of usps.npz with one pixel (or one label) changed, or stored as float64 and int64,
    is checked against the published SHA-256 of each array."""
    with np.load(SHARED_DATA / "usps" / "usps.npz") as archive:
        arrays = {k: archive[k] for k in archive.files}
    widened = {k: v.astype(np.float64 if k.startswith("x") else np.int64) for k, v in arrays.items()}
    np.savez(tmp_path / "wide.npz", **widened)
    split = key.split("_")[1]
    assert data.load_usps(tmp_path / "wide.npz", split=split).x.shape[1] == 256   # same values
    changed = dict(arrays)
    changed[key] = arrays[key].copy()
    if key.startswith("x"):
        changed[key][17, 100] = np.float32(0.5) if changed[key][17, 100] != 0.5 else 0.25
    else:
        changed[key][3] = (changed[key][3] + 1) % 10
    np.savez(tmp_path / "usps.npz", **changed)
    with pytest.raises(data.DatasetIntegrityError, match=f"{key} does not match.*SHA-256"):
        data.load_usps(tmp_path / "usps.npz", split=split)


def test_usps_missing_says_where_to_put_it(isolated):
    with pytest.raises(data.DatasetNotFoundError) as info:
        data.load_usps()
    message = str(info.value)
    assert "usps.npz" in message and "SCRATCHAE_DATA" in message
    assert str(isolated / "cache" / "usps" / "usps.npz") in message


def test_usps_bad_file_is_reported(tmp_path):
    bad = tmp_path / "usps.npz"
    np.savez(bad, x_train=np.zeros((10, 256), np.float32), y_train=np.zeros(10, np.uint8))
    with pytest.raises(data.DatasetIntegrityError, match=r"\(7291, 256\).*\(10, 256\)"):
        data.load_usps(bad)
    with pytest.raises(data.DatasetIntegrityError, match="x_test"):
        data.load_usps(bad, split="test")


# --------------------------------------------------------------------------- (g) synthetic

@pytest.mark.parametrize("make", [data.swiss_roll, data.s_curve])
def test_manifolds_shapes_and_determinism(make):
    X, t = make(500, rng=0)
    assert X.shape == (500, 3) and t.shape == (500,) and X.dtype == np.float64
    X2, t2 = make(500, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(t, t2)
    assert not np.array_equal(X, make(500, rng=1)[0])
    Xn, tn = make(500, noise=0.1, rng=0)
    np.testing.assert_array_equal(tn, t)  # noise is drawn after the manifold coordinates
    assert 0.05 < np.std(Xn - X) < 0.15


def test_swiss_roll_parameterisation():
    X, t = data.swiss_roll(2000, rng=3)
    assert 1.5 * np.pi <= t.min() and t.max() <= 4.5 * np.pi
    np.testing.assert_allclose(X[:, 0], t * np.cos(t))
    np.testing.assert_allclose(X[:, 2], t * np.sin(t))
    assert 0 <= X[:, 1].min() and X[:, 1].max() <= 21 and X[:, 1].max() > 20
    assert abs(np.corrcoef(t, X[:, 1])[0, 1]) < 0.1  # height independent of the roll position


def test_s_curve_parameterisation():
    X, t = data.s_curve(2000, rng=3)
    assert -1.5 * np.pi <= t.min() and t.max() <= 1.5 * np.pi
    np.testing.assert_allclose(X[:, 0], np.sin(t))
    np.testing.assert_allclose(X[:, 2], np.sign(t) * (np.cos(t) - 1))
    assert 0 <= X[:, 1].min() and X[:, 1].max() <= 2
    assert np.abs(X[:, [0, 2]]).max() <= 2.0


def test_gaussian_mixture_1d():
    x, labels = data.gaussian_mixture_1d(rng=0)
    assert x.shape == (100,) and labels.shape == (100,) and labels.dtype == np.int64
    np.testing.assert_array_equal(x, data.gaussian_mixture_1d(rng=0)[0])
    assert not np.array_equal(x, data.gaussian_mixture_1d(rng=1)[0])
    big, lab = data.gaussian_mixture_1d(20000, means=(-2.0, 5.0), std=(0.5, 1.0),
                                        weights=(0.25, 0.75), rng=0)
    assert abs(np.mean(lab == 0) - 0.25) < 0.015
    assert abs(big[lab == 0].mean() + 2.0) < 0.03 and abs(big[lab == 0].std() - 0.5) < 0.02
    assert abs(big[lab == 1].mean() - 5.0) < 0.03 and abs(big[lab == 1].std() - 1.0) < 0.03


def test_gaussian_mixture_1d_pdf():
    grid = np.linspace(-10, 13, 20001)
    p = data.gaussian_mixture_1d_pdf(grid)
    assert p.shape == grid.shape
    assert abs(np.sum(p) * (grid[1] - grid[0]) - 1.0) < 1e-6
    expected = 0.5 * (np.exp(-0.5 * grid ** 2) + np.exp(-0.5 * (grid - 3) ** 2))
    expected /= np.sqrt(2 * np.pi)
    np.testing.assert_allclose(p, expected, rtol=1e-12)
    assert data.gaussian_mixture_1d_pdf(np.zeros((2, 3))).shape == (2, 3)


def test_gaussian_mixture_2d_circle():
    X, labels = data.gaussian_mixture_2d_circle(5000, rng=0)
    assert X.shape == (5000, 2) and labels.shape == (5000,)
    assert set(labels.tolist()) == set(range(10))
    np.testing.assert_array_equal(X, data.gaussian_mixture_2d_circle(5000, rng=0)[0])
    assert not np.array_equal(X, data.gaussian_mixture_2d_circle(5000, rng=1)[0])
    centres = data.circle_means(10, 4.0)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 4.0)
    for k in range(10):
        np.testing.assert_allclose(X[labels == k].mean(0), centres[k], atol=0.1)
    assert abs(np.std(X - centres[labels]) - 0.5) < 0.02
    X3, l3 = data.gaussian_mixture_2d_circle(100, n_components=3, radius=1.0, std=0.1, rng=0)
    assert l3.max() <= 2 and np.abs(np.linalg.norm(X3, axis=1) - 1).max() < 0.6


# --------------------------------------------------------------------------- (h) bad input

@pytest.mark.parametrize("call, pattern", [
    (lambda: data.swiss_roll(-5), r"n must be a positive integer; got -5"),
    (lambda: data.s_curve(0), r"n must be a positive integer; got 0"),
    (lambda: data.swiss_roll(10, noise=-1.0), r"noise must be .*>= 0; got -1.0"),
    (lambda: data.gaussian_mixture_1d(2.5), r"n must be a positive integer; got 2.5"),
    (lambda: data.gaussian_mixture_1d(10, weights=(0.5, 0.6)), r"sum to 1; got \[0.5, 0.6\]"),
    (lambda: data.gaussian_mixture_1d(10, weights=(1.0,)), r"shape \(2,\).*got shape \(1,\)"),
    (lambda: data.gaussian_mixture_1d_pdf(0.0, std=(1.0, -1.0)), r"std must be positive"),
    (lambda: data.gaussian_mixture_2d_circle(-1), r"n must be a positive integer; got -1"),
    (lambda: data.gaussian_mixture_2d_circle(10, n_components=0), r"n_components .* got 0"),
    (lambda: data.load_mnist(split="valid"), r"'train', 'test'; got 'valid'"),
    (lambda: data.load_mnist(validation_size=60000), r"\[0, 59999\].*got 60000"),
    (lambda: data.load_mnist(validation_size=-1), r"\[0, 59999\].*got -1"),
    (lambda: data.load_mnist(validation_size=0.2), r"integer; got 0.2"),
    (lambda: data.load_mnist(split="test", validation_size=10), r"split='train'.*got split='test'"),
    (lambda: data.load_mnist(binarize="yes"), r"None, 'dynamic', 'static'; got 'yes'"),
    (lambda: data.load_mnist(flatten="no"), r"True or False; got 'no'"),
    (lambda: data.load_usps(split="all"), r"'train', 'test'; got 'all'"),
    (lambda: data.load_usps(scale="minmax"), r"'unit', 'symmetric'; got 'minmax'"),
    (lambda: data.load_usps(validation_size=7291), r"\[0, 7290\].*got 7291"),
])
def test_bad_input_raises_value_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
