"""Shared pieces of the benchmarks: optional competitors, best-of-n timing, GEMM rate, memory.

A benchmark times ours and the competitor *in the same process run*, so that a noisy machine
slows both; it reports seconds (or samples/s), and a ``ratio`` row = how many times faster we are.
When the competitor is not installed, its column reads "not installed" (``reference`` None) and
the benchmark still runs ours.
"""
import importlib
import os
import resource
import time

import numpy as np

__all__ = ["optional", "best_of", "gemm_gflops", "peak_rss_mb", "blas_threads", "NOT_INSTALLED"]

NOT_INSTALLED = "not installed"


def optional(module_name):
    """Import ``module_name`` or return None if it is not installed."""
    try:
        return importlib.import_module(module_name)
    except ImportError:
        return None


def best_of(fn, repeat=3):
    """The smallest wall time of ``repeat`` calls of ``fn()`` (seconds), and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def gemm_gflops(m=128, k=784, n=500, dtype=np.float32, seconds=0.5, seed=0):
    """NumPy's own matrix-product rate (GFLOP/s) for an (m, k) @ (k, n) product, measured now."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    a @ b
    count, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        a @ b
        count += 1
    return 2.0 * m * k * n * count / (time.perf_counter() - t0) / 1e9


def peak_rss_mb():
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def blas_threads():
    """Threads NumPy's BLAS uses (threadpoolctl if present, else the environment, else cores)."""
    from scratchae.report import blas_threads as reported

    if reported() is not None:
        return reported()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(var):
            return int(os.environ[var])
    return os.cpu_count() or 1
