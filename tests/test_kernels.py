"""Every numba kernel agrees with its plain-NumPy twin, and SCRATCHAE_NUMBA=0 switches to twins."""
import numpy as np
import pytest

from scratchae.kernels import Kernel, numba_enabled
from scratchae.kernels.optim import adam_update


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_kernel_equals_twin(dtype):
    rng = np.random.default_rng(0)
    n = 1001
    arrays = [rng.standard_normal(n).astype(dtype) for _ in range(2)] + \
             [np.abs(rng.standard_normal(n)).astype(dtype) * s for s in (0.1, 0.01)]
    p1, g, m1, v1 = (a.copy() for a in arrays)
    p2, _, m2, v2 = (a.copy() for a in arrays)
    for t in range(1, 4):
        adam_update.twin(p1, g, m1, v1, 1e-3, 0.9, 0.999, 1e-8, float(t))
        adam_update.jit(p2, g, m2, v2, 1e-3, 0.9, 0.999, 1e-8, float(t))
    tol = 1e-6 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(p1, p2, rtol=tol, atol=tol)
    np.testing.assert_allclose(m1, m2, rtol=tol, atol=tol)
    np.testing.assert_allclose(v1, v2, rtol=tol, atol=tol)
    assert p1.dtype == dtype and not np.array_equal(p1, arrays[0])


def _ratio_twin(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        return a / b


def _ratio_loops(a, b):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        out[i] = a[i] / b[i]
    return out


def test_kernels_divide_by_zero_as_numpy_does():
    # error_model="numpy": inf and nan as in the twin, not ZeroDivisionError (numba's default,
    # whose check per division also stops LLVM from vectorising the loops)
    ratio = Kernel(_ratio_twin, _ratio_loops)
    a, b = np.array([1.0, -1.0, 0.0, 6.0]), np.array([0.0, 0.0, 0.0, 3.0])
    np.testing.assert_array_equal(ratio.jit(a, b), [np.inf, -np.inf, np.nan, 2.0])
    np.testing.assert_array_equal(ratio.twin(a, b), ratio.jit(a, b))


def test_environment_switch_selects_the_twin(monkeypatch):
    calls = []
    k = Kernel(lambda x: calls.append("twin") or x, lambda x: x)
    monkeypatch.setenv("SCRATCHAE_NUMBA", "0")
    assert not numba_enabled()
    k(1)
    assert calls == ["twin"]
    monkeypatch.setenv("SCRATCHAE_NUMBA", "1")
    assert numba_enabled()


def test_import_does_not_load_numba():
    import subprocess
    import sys
    code = "import sys, scratchae, scratchae.nn; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
