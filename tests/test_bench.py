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
