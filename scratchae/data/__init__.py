"""Data: the MNIST and USPS digits, and small synthetic sets for the manifold/density lessons.

    from scratchae.data import load_mnist
    (x_train, y_train), (x_val, y_val) = load_mnist(validation_size=10000)   # (50000, 784) ...
    x_test, y_test = load_mnist(split="test")                                # (10000, 784)

Real data is found through ``path=``, then ``$SCRATCHAE_DATA/<name>``, then the user cache
:func:`cache_dir` (MNIST is downloaded there if missing; USPS has to be put there by hand).
Images are float32 in [0, 1] (rows are examples), labels int64.
"""
from scratchae.data._common import (
    Dataset, DatasetIntegrityError, DatasetNotFoundError, TrainValSplit, binarize, cache_dir,
    data_dir,
)
from scratchae.data.mnist import load_mnist, parse_idx
from scratchae.data.synthetic import (
    circle_means, gaussian_mixture_1d, gaussian_mixture_1d_pdf, gaussian_mixture_2d_circle,
    s_curve, swiss_roll,
)
from scratchae.data.corruption import (CORRUPTIONS, check_corruption, corrupt, gaussian_noise,
                                       mask_noise, salt_and_pepper)
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.data.glyphs import glyph_digits
from scratchae.data.usps import load_usps

__all__ = [
    "load_mnist", "load_usps", "parse_idx", "Dataset", "TrainValSplit",
    "DatasetNotFoundError", "DatasetIntegrityError", "binarize", "data_dir", "cache_dir",
    "swiss_roll", "s_curve", "gaussian_mixture_1d", "gaussian_mixture_1d_pdf",
    "gaussian_mixture_2d_circle", "circle_means", "mask_noise", "gaussian_noise",
    "salt_and_pepper", "corrupt", "CORRUPTIONS", "check_corruption", "glyph_digits",
    "load_digits_or_glyphs",
]
