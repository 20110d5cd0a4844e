"""numba kernels, each beside a plain-NumPy twin of the same signature.

A *kernel* here is a :class:`Kernel` object holding two functions:

* ``kernel.twin``  -- plain NumPy, the version a reader reads;
* ``kernel.loops`` -- explicit loops that numba compiles with ``@njit(cache=True)`` on first use.

Calling ``kernel(...)`` runs the compiled loops, unless the environment variable
``SCRATCHAE_NUMBA=0`` is set, in which case the whole library runs on the twins. Tests check that
both give the same numbers. numba is imported only when a kernel is first compiled, so
``import scratchae`` stays fast.

Every kernel is compiled with ``error_model="numpy"``: a float division by zero gives inf or nan,
as in the NumPy twin, instead of numba's default Python check that raises ZeroDivisionError
(that check is a branch in every division, which also keeps LLVM from vectorising the loop).
Every kernel is also compiled with ``nogil=True``: while it runs, other Python threads run too
(training on several threads, :mod:`scratchae.models.data_parallel`, updates two parameter groups
with Adam at the same time).
"""
import os

__all__ = ["Kernel", "numba_enabled"]


def numba_enabled():
    """True unless ``SCRATCHAE_NUMBA`` is set to ``0``, ``false`` or ``no``."""
    return os.environ.get("SCRATCHAE_NUMBA", "1").strip().lower() not in ("0", "false", "no", "off")


class Kernel:
    """A numba kernel and its NumPy twin, sharing one name and one signature.

    Parameters
    ----------
    twin : callable
        Plain-NumPy reference implementation.
    loops : callable
        The same computation written with explicit loops, compiled by numba on first call.
        It must have the same signature and return the same thing as ``twin``.
    parallel : bool
        Compile with ``parallel=True``: ``loops`` may then iterate with ``prange``, which its module
        binds to ``range`` (``prange = range``) and which becomes ``numba.prange`` at compile time.
    example : callable or None
        Returns a small tuple of arguments; ``scratchae bench import`` uses it to time the first
        call (compile, or load from numba's cache).
    """

    def __init__(self, twin, loops, parallel=False, example=None):
        self.twin = twin
        self.loops = loops
        self.parallel = parallel
        self.example = example
        self._jit = None
        self.__name__ = twin.__name__
        self.__doc__ = twin.__doc__

    @property
    def jit(self):
        """The compiled kernel (compiled, or loaded from numba's cache, on first access)."""
        if self._jit is None:
            import numba
            if self.parallel:
                # the loops' module defines ``prange = range`` so that it imports without numba
                # and stays plain Python; the compiled version gets numba's parallel range
                self.loops.__globals__["prange"] = numba.prange
            self._jit = numba.njit(cache=True, fastmath=False, error_model="numpy",
                                   parallel=self.parallel, nogil=True)(self.loops)
        return self._jit

    def __call__(self, *args):
        if numba_enabled():
            return self.jit(*args)
        return self.twin(*args)

    def __repr__(self):
        return f"<Kernel {self.__name__} ({'numba' if numba_enabled() else 'numpy twin'})>"
