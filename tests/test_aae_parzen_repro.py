"""Smoke test: ``scratchae reproduce aae-parzen`` in quick mode runs end to end on real MNIST and
writes its JSON (a quick run's numbers are not the paper's; the full run is reported in the
issue)."""
import json
import math
import os
from pathlib import Path

import pytest

DATA = Path(os.environ.get("SCRATCHAE_DATA",
                           Path(__file__).resolve().parents[2] / "shared" / "data"))


def _have_mnist():
    folder = DATA / "mnist"
    return folder.is_dir() and any(folder.glob("t10k-images-idx3-ubyte*"))


@pytest.mark.skipif(not _have_mnist(), reason=f"MNIST not found in {DATA}/mnist "
                                              "(set SCRATCHAE_DATA)")
def test_aae_parzen_quick_run_writes_its_table(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRATCHAE_DATA", str(DATA))
    from scratchae.evaluation import GOODFELLOW_SIGMAS
    from scratchae.reproduce import aae_parzen

    aae_parzen.run(out=tmp_path, quick=True, seed=0)
    data = json.loads((tmp_path / "aae-parzen.json").read_text())
    rows = {r["metric"]: r for r in data["rows"]}
    ll = rows["test Parzen log-likelihood, 300 samples"]
    assert ll["unit"] == "nats" and ll["reference"] is None          # quick: not comparable
    assert math.isfinite(ll["ours"]) and 0 < rows["  standard error"]["ours"] < 20
    sigma = rows["sigma chosen on the validation images"]["ours"]
    assert min(abs(sigma - s) for s in GOODFELLOW_SIGMAS) < 1e-12
    assert data["params"]["passes_made"] == 2 and "configuration" in data["params"]["ended_by"]
    assert data["params"]["quick"] is True and data["params"]["n_samples"] == 300
