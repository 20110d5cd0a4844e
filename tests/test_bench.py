"""Benchmark harness smoke tests: they run at tiny sizes, without torch, and write the JSON shape.
(No timing is asserted: speed is reported by `scratchae bench`, never tested.)"""
import json

from scratchae.bench import _common
from scratchae.cli import main


def test_import_bench_runs_and_reports_every_kernel(tmp_path):
    assert main(["bench", "import", "--quick", "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "import.json").read_text())
    metrics = [r["metric"] for r in data["rows"]]
    assert any(m.startswith("adam_update: first call, cache cold") for m in metrics)
    assert all(r["ours"] is not None and r["ours"] > 0 for r in data["rows"])


def test_optional_import_reports_missing_packages():
    assert _common.optional("surely_not_a_real_package_name") is None
    assert _common.optional("json") is json


def test_gemm_rate_and_memory_are_positive():
    assert _common.gemm_gflops(m=16, k=16, n=16, seconds=0.01) > 0
    assert _common.peak_rss_mb() > 0
    assert _common.blas_threads() >= 1


def test_training_benchmarks_run_without_torch(tmp_path, monkeypatch):
    """With torch absent the comparison column reads 'not installed' and ours still runs, at
    1 thread, 2 BLAS threads and 2 training threads (data parallel), with the scaling rows."""
    import numpy as np

    from scratchae.bench import _training

    monkeypatch.setattr(_training, "optional",
                        lambda name: None if name == "torch" else _common.optional(name))
    monkeypatch.setattr(_training, "training_data",
                        lambda n, seed=0: (np.random.default_rng(0).uniform(
                            size=(256, 784)).astype(np.float32), "random"))
    for name in ("vae-train", "deep-ae-train"):
        assert main(["bench", name, "--quick", "--out", str(tmp_path)]) == 0
        rows = {r["metric"]: r for r in json.loads((tmp_path / f"{name}.json").read_text())["rows"]}
        first = rows["samples/s, 1 thread"]
        assert first["ours"] > 0 and first["reference"] is None
        assert "not installed" in first["source"]
        assert rows["samples/s, 2 threads, data parallel (SCRATCHAE_THREADS=2)"]["ours"] > 0
        assert rows["samples/s, 2 threads, BLAS threads only (before)"]["ours"] > 0
        assert rows["scaling 1 -> 2 threads (data parallel; PyTorch in reference)"]["ours"] > 0
        assert rows["fraction of GEMM rate, 2 threads, data parallel (SCRATCHAE_THREADS=2)"][
            "ours"] > 0
    assert main(["bench", "vae-roofline", "--quick", "--out", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / "vae-roofline.json").read_text())["rows"]
    assert [r["metric"] for r in rows if r["metric"].startswith("fraction")] == [
        "fraction of GEMM rate, 1 thread", "fraction of GEMM rate, 2 threads, BLAS threads only",
        "fraction of GEMM rate, 2 threads, data parallel"]


def test_scaling_rounds_alternate_and_keep_the_fastest():
    from scratchae.bench._training import scaling_rounds

    order, times = [], iter([3.0, 2.0, 1.0, 5.0, 2.5, 2.0, 0.5, 4.0])
    best, seconds = scaling_rounds(
        2, lambda mode: order.append(mode) or (next(times), mode),
        lambda threads: order.append(threads) or None, modes=("a", "b"), torch_threads=(1,))
    assert order == ["a", "b", 1, "a", "b", 1]
    assert best[("ours", "a")] == (1.0, "a") and best[("ours", "b")] == (2.0, "b")
    assert seconds[("ours", "a")] == [3.0, 1.0] and best[("torch", 1)] is None


def test_flop_counts():
    from scratchae.bench._training import ae_useful_flops, dense_flops, vae_useful_flops

    assert dense_flops([3, 4, 2]) == 2 * (12 + 8)
    # 784-500-500-40 encoder + 20-500-500-784 decoder, backward twice, no gradient into the data
    fwd = 2 * (784 * 500 + 500 * 500 + 500 * 40) + 2 * (20 * 500 + 500 * 500 + 500 * 784)
    assert vae_useful_flops() == 3 * fwd - 2 * 784 * 500
    assert ae_useful_flops([4, 3, 2]) == 3 * 2 * (12 + 6 + 6 + 12) - 2 * 12


def test_blas_kernel_label_says_when_the_environment_holds_openblas_back(tmp_path):
    from scratchae.report import blas_kernel_label, cpu_has_avx512

    with_avx512 = tmp_path / "cpuinfo512"
    with_avx512.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma avx512f avx512bw\n")
    without = tmp_path / "cpuinfo2"
    without.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n")
    assert cpu_has_avx512(str(with_avx512)) is True
    assert cpu_has_avx512(str(without)) is False
    assert cpu_has_avx512(str(tmp_path / "missing")) is None
    assert blas_kernel_label("Haswell", "Haswell", True) == \
        "Haswell, set by OPENBLAS_CORETYPE=Haswell on a CPU with AVX-512"
    assert blas_kernel_label("Haswell", "Haswell", False) == \
        "Haswell, set by OPENBLAS_CORETYPE=Haswell"
    assert blas_kernel_label("SkylakeX", "SkylakeX", True) == \
        "SkylakeX, set by OPENBLAS_CORETYPE=SkylakeX"
    assert blas_kernel_label("Zen", "", True) == "Zen"          # OpenBLAS's own choice
