"""MNIST (LeCun, Cortes & Burges): 60,000 training and 10,000 test digits, 28x28 grey levels.

The files are the original IDX ones, gzip-compressed (an uncompressed copy is accepted too):

    train-images-idx3-ubyte.gz  train-labels-idx1-ubyte.gz
    t10k-images-idx3-ubyte.gz   t10k-labels-idx1-ubyte.gz

They are looked for in ``path=``, then ``$SCRATCHAE_DATA/mnist``, then the user cache
(``$SCRATCHAE_CACHE/mnist``, else ``$XDG_CACHE_HOME/scratchae/mnist``, else
``~/.cache/scratchae/mnist``); a missing file is downloaded into the user cache from the mirrors
in ``MNIST_MIRRORS`` (or the whitespace/comma-separated list in ``$SCRATCHAE_MNIST_MIRROR``).
Setting ``SCRATCHAE_OFFLINE=1`` forbids every download (a missing file then raises at once).
Every file, found or downloaded, must match the sha256 of its *decompressed* bytes in
``MNIST_SHA256``; a download that does not is deleted.

Parsed files are kept in memory (keyed by resolved path, size and modification time), so the
second ``load_mnist`` in a process only converts uint8 to float32.
"""
import functools
import gzip
import hashlib
import os
import re
import sys
import tempfile
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from scratchae.data._common import (
    BINARIZE_METHODS, SPLITS, DatasetIntegrityError, DatasetNotFoundError, cache_dir,
    candidate_dirs, check_choice, check_validation_size, finish,
)

__all__ = ["load_mnist", "parse_idx", "MNIST_SHA256", "MNIST_MIRRORS", "MNIST_FILES",
           "offline", "ensure_mnist"]

#: sha256 of the decompressed IDX files of the official distribution.
MNIST_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

#: (images, labels) file names of each split, without the ``.gz``.
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

#: Public mirrors of the original files, tried in order.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

DOWNLOAD_TIMEOUT = 60.0  # seconds per connection attempt / read

# IDX type byte -> big-endian numpy dtype
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}

# (resolved path, size, mtime_ns, sha256) of files whose checksum already matched in this process
_VERIFIED = set()


def load_mnist(path=None, split="train", binarize=None, validation_size=0, rng=None,
               flatten=True, download=True):
    """Load one split of MNIST as float32 grey levels in [0, 1] and int64 labels 0..9.

    Parameters
    ----------
    path : folder searched first for the IDX files (it or its ``mnist/`` sub-folder), optional.
    split : ``"train"`` (60,000 images) or ``"test"`` (10,000).
    binarize : ``None`` (grey levels), ``"dynamic"`` (Bernoulli(x) samples drawn with ``rng``) or
        ``"static"`` (1 where x > 0.5).
    validation_size : number of examples held out from the *end* of the training set (the usual
        choice is 10,000, leaving the first 50,000 for training); needs ``split="train"``.
    rng : ``numpy.random.Generator`` or seed for dynamic binarisation (``None`` means seed 0).
    flatten : rows of 784 features if True, else images of shape (28, 28).
    download : fetch missing files into the user cache (see the module docstring).

    Returns
    -------
    ``Dataset(x, y)`` with ``x`` of shape (n, 784) (or (n, 28, 28)) and ``y`` of shape (n,);
    it unpacks as ``x, y``. With ``validation_size > 0``: ``TrainValSplit(train, val)`` of two
    ``Dataset``, which unpacks as ``(x_train, y_train), (x_val, y_val)``.

    Raises ``DatasetNotFoundError`` (saying where to put the files) if a file is neither found nor
    downloadable, ``DatasetIntegrityError`` if one is damaged, ``ValueError`` for bad arguments.
    """
    check_choice(split, "split", SPLITS)
    check_choice(binarize, "binarize", BINARIZE_METHODS)
    check_validation_size(validation_size, split, 60000)  # cheap early check on the type/range
    if not isinstance(flatten, bool):
        raise ValueError(f"flatten must be True or False; got {flatten!r}")

    image_name, label_name = MNIST_FILES[split]
    images = _load_verified(_locate(image_name, path, download))
    labels = _load_verified(_locate(label_name, path, download))

    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise DatasetIntegrityError(
            f"{image_name}: expected uint8 images of shape (n, 28, 28); "
            f"got {images.dtype} of shape {images.shape}")
    if labels.ndim != 1 or len(labels) != len(images):
        raise DatasetIntegrityError(
            f"{label_name}: expected {len(images)} labels to match {image_name}; "
            f"got shape {labels.shape}")
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        raise DatasetIntegrityError(
            f"{label_name}: expected labels in 0..9; "
            f"got values in [{labels.min()}, {labels.max()}]")
    validation_size = check_validation_size(validation_size, split, len(images))

    x = images.reshape(len(images), -1) if flatten else images
    x = np.divide(x, np.float32(255.0), dtype=np.float32)  # a fresh array: callers may mutate it
    y = labels.astype(np.int64)
    return finish(x, y, binarize_method=binarize, rng=rng, validation_size=validation_size)


# --------------------------------------------------------------------------- IDX format

def parse_idx(data, source="<bytes>"):
    """Parse the bytes of an IDX file into a read-only array of the shape it declares.

    Layout: two zero bytes, one type byte (0x08 = uint8, ...), one byte giving the number of
    dimensions d, then d big-endian uint32 sizes, then the values in C order.
    """
    data = memoryview(data)
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise DatasetIntegrityError(
            f"{source}: not an IDX file (it must start with two zero bytes, a type byte and a "
            f"dimension count); got first bytes {bytes(data[:4]).hex() or 'none'}")
    type_code, ndim = data[2], data[3]
    if type_code not in _IDX_DTYPES:
        raise DatasetIntegrityError(
            f"{source}: unknown IDX type byte 0x{type_code:02x}; expected one of "
            f"{', '.join(f'0x{c:02x}' for c in _IDX_DTYPES)}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DatasetIntegrityError(
            f"{source}: IDX header declares {ndim} dimensions but the file ends after "
            f"{len(data)} bytes")
    shape = tuple(int(s) for s in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[type_code])
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        raise DatasetIntegrityError(
            f"{source}: IDX header declares shape {shape} of {dtype.name}, i.e. {expected} bytes "
            f"in all; the file has {len(data)} bytes")
    arr = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return arr.astype(dtype.newbyteorder("="), copy=False) if dtype.itemsize > 1 else arr


def _read_bytes(path, gzipped=None):
    """The decompressed bytes of ``path`` (gunzipped if ``gzipped``; default: if named *.gz)."""
    raw = path.read_bytes()
    if not (path.suffix == ".gz" if gzipped is None else gzipped):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise DatasetIntegrityError(f"{path}: not a valid gzip file ({exc})") from None


def _expected_sha256(name):
    try:
        return MNIST_SHA256[name]
    except KeyError:
        raise DatasetIntegrityError(f"no known sha256 for a file named {name!r}") from None


def _identity(path):
    path = Path(path).resolve()
    st = path.stat()
    return str(path), st.st_size, st.st_mtime_ns


def _load_verified(path):
    """The parsed array of IDX file ``path``, checked against its sha256 (once per process)."""
    name = Path(path).name.removesuffix(".gz")
    return _parse_cached(*_identity(path), _expected_sha256(name))


@functools.lru_cache(maxsize=8)
def _parse_cached(resolved, size, mtime_ns, sha256):
    path = Path(resolved)
    data = _read_bytes(path)
    key = (resolved, size, mtime_ns, sha256)
    if key not in _VERIFIED:
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256:
            raise DatasetIntegrityError(
                f"{path}: sha256 of the decompressed bytes is {digest}, expected {sha256}. The "
                f"file is damaged or is not the official one; delete it (it is re-downloaded into "
                f"the user cache) or replace it with a good copy.")
        _VERIFIED.add(key)
    return parse_idx(data, source=str(path))


# --------------------------------------------------------------------------- finding files

def offline():
    """True when ``$SCRATCHAE_OFFLINE`` is set to 1/true/yes: no download is attempted."""
    return os.environ.get("SCRATCHAE_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def ensure_mnist(path=None, download=True):
    """Make sure the four MNIST files are at hand (found, or downloaded once), without parsing them.

    Returns ``None`` when they are, else a one-line reason they are not. A damaged file still
    raises ``DatasetIntegrityError``. ``scratchae lessons run`` calls this once per run, so that
    lessons after a failed download do not try again.
    """
    where = " or ".join(str(d) for d in candidate_dirs("mnist", path))
    for pair in MNIST_FILES.values():
        for name in pair:
            try:
                _locate(name, path, download=False)
                continue
            except DatasetNotFoundError:
                pass
            if not download or offline():
                switch = "SCRATCHAE_OFFLINE=1" if download else "download=False"
                return f"not in {where}, and {switch} forbids downloading"
            result = _download(name, cache_dir("mnist"))
            if not isinstance(result, Path):
                return (f"not in {where}, and the download failed: "
                        f"{result[0] if result else 'no mirror to try'}")
    return None


def _mirrors():
    env = os.environ.get("SCRATCHAE_MNIST_MIRROR", "").strip()
    return tuple(m for m in re.split(r"[\s,]+", env) if m) if env else MNIST_MIRRORS


def _locate(name, path, download):
    """Path of the file ``name`` (``.gz`` or plain) in the first folder that has it, else a fresh
    download into the cache."""
    for folder in candidate_dirs("mnist", path):
        for candidate in (folder / f"{name}.gz", folder / name):
            if candidate.is_file():
                return candidate
    failures = []
    if download and offline():
        download = "offline"
    elif download:
        path_or_failures = _download(name, cache_dir("mnist"))
        if isinstance(path_or_failures, Path):
            return path_or_failures
        failures = path_or_failures
    raise DatasetNotFoundError(_not_found_message(name, path, download, failures))


def _not_found_message(name, path, download, failures):
    looked = "\n".join(f"  {d}" for d in candidate_dirs("mnist", path))
    files = "\n".join(f"  {n}.gz" for pair in MNIST_FILES.values() for n in pair)
    lines = [
        f"MNIST file {name}.gz was not found. Looked in:\n{looked}",
        f"Put the four MNIST files\n{files}\n(the original IDX files, gzip-compressed or not) in "
        f"one of these folders:\n  $SCRATCHAE_DATA/mnist  (set the environment variable "
        f"SCRATCHAE_DATA to a folder holding an mnist/ sub-folder)\n  {cache_dir('mnist')}  "
        f"(the user cache; move it with SCRATCHAE_CACHE or XDG_CACHE_HOME)",
    ]
    if download == "offline":
        lines.append("Downloading was switched off (SCRATCHAE_OFFLINE=1).")
    elif not download:
        lines.append("Downloading was switched off (download=False).")
    elif failures:
        lines.append("Downloading failed:\n" + "\n".join(f"  {f}" for f in failures))
        lines.append("Set SCRATCHAE_MNIST_MIRROR to other base URLs to try other mirrors.")
    return "\n".join(lines)


def _download(name, dest_dir):
    """Fetch ``name.gz`` from the first mirror that serves a file with the right checksum.

    The bytes are written to a temporary file in ``dest_dir`` and moved into place with
    ``os.replace`` only once verified, so a half-written or wrong file never carries the real name.
    Returns the new path, or the list of reasons each mirror failed. A file that arrives but fails
    the checksum is deleted and raises ``DatasetIntegrityError`` (after all mirrors were tried).
    """
    sha256 = _expected_sha256(name)
    dest = dest_dir / f"{name}.gz"
    failures, refused = [], []
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return [f"cannot create the cache folder {dest_dir}: {exc}"]
    for base in _mirrors():
        url = base.rstrip("/") + f"/{name}.gz"
        print(f"scratchae: downloading {url} -> {dest}", file=sys.stderr)
        fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=f".{name}.", suffix=".part")
        try:
            try:
                with os.fdopen(fd, "wb") as out:
                    request = urllib.request.Request(url, headers={"User-Agent": "scratchae"})
                    with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response:
                        while chunk := response.read(1 << 20):
                            out.write(chunk)
            except (urllib.error.URLError, OSError, ValueError) as exc:
                status = f"HTTP {exc.code} " if isinstance(exc, urllib.error.HTTPError) else ""
                failures.append(f"{url}: {status}{getattr(exc, 'reason', None) or exc}")
                continue
            try:
                digest = hashlib.sha256(_read_bytes(Path(tmp), gzipped=True)).hexdigest()
            except DatasetIntegrityError as exc:
                digest = f"unreadable ({exc})"
            if digest != sha256:
                refused.append(f"{url}: sha256 of the decompressed bytes is {digest}, "
                               f"expected {sha256}")
                continue
            os.replace(tmp, dest)
            _VERIFIED.add((*_identity(dest), sha256))
            return dest
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    if refused:
        raise DatasetIntegrityError(
            f"refused the downloaded MNIST file {name}.gz: its checksum does not match, so it was "
            f"deleted and not stored in {dest_dir}.\n" + "\n".join(f"  {r}" for r in refused
                                                                  + failures))
    return failures
