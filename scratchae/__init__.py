"""scratchae: autoencoders from scratch, with the backprop written by hand.

The package follows the lecture "Autoencoders" (slides in ``reference/autoencoders-slides.txt``)
part by part:

* ``scratchae.nn``        part 01 -- activations, Dense, losses as NLLs, the four backprop equations
* ``scratchae.gradcheck`` finite differences to check every hand-written gradient
* ``scratchae.manifold``  part 02 -- PCA, Isomap, LLE
* ``scratchae.density``   part 02 -- Parzen windows and their manifold variants
* ``scratchae.models``    parts 03-04 -- AE, DAE, CAE, stacked AE, RBM, VAE, CVAE, AAE
* ``scratchae.data``      MNIST / USPS loaders, synthetic manifolds, corruption processes

Sub-packages are imported lazily so that ``import scratchae`` stays fast (numba is only
loaded when a kernel is first called).
"""
import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "nn", "gradcheck", "data", "kernels", "models", "manifold", "density", "viz",
    "reproduce", "bench", "cli",
}


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f"scratchae.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'scratchae' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
