"""Offline: SCRATCHAE_OFFLINE=1 forbids downloads, the lessons fall back to glyph digits, and a
``scratchae lessons run`` tries the download once for the whole run. No test here needs the
internet: downloads go to a closed local port or are switched off."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scratchae.data import DatasetNotFoundError
from scratchae.data import mnist
from scratchae.data.fallback import load_digits_or_glyphs

ROOT = Path(__file__).resolve().parents[1]
CLOSED_PORT = "http://127.0.0.1:9/"      # the discard port: nothing listens, refused at once


@pytest.fixture
def no_mnist(tmp_path, monkeypatch):
    """An environment with no MNIST anywhere: empty data folder, cache and home."""
    for name in ("data", "cache", "home"):
        (tmp_path / name).mkdir()
    env = {"SCRATCHAE_DATA": str(tmp_path / "data"), "SCRATCHAE_CACHE": str(tmp_path / "cache"),
           "HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "home" / ".cache"),
           "SCRATCHAE_MNIST_MIRROR": CLOSED_PORT}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("SCRATCHAE_FORCE_GLYPHS", raising=False)
    return env


def test_offline_switch_forbids_downloading(no_mnist, monkeypatch):
    monkeypatch.setenv("SCRATCHAE_OFFLINE", "1")
    monkeypatch.setattr(mnist, "_download", lambda *a: pytest.fail("tried to download"))
    with pytest.raises(DatasetNotFoundError, match="SCRATCHAE_OFFLINE=1"):
        mnist.load_mnist(split="test")
    assert "SCRATCHAE_OFFLINE=1 forbids downloading" in mnist.ensure_mnist()


def test_ensure_mnist_tries_once_and_says_why(no_mnist, monkeypatch):
    monkeypatch.delenv("SCRATCHAE_OFFLINE", raising=False)
    calls = []
    monkeypatch.setattr(mnist, "_download", lambda name, d: calls.append(name) or ["refused"])
    reason = mnist.ensure_mnist()
    assert calls == ["train-images-idx3-ubyte"] and "download failed: refused" in reason


def test_fallback_under_the_offline_switch(no_mnist, monkeypatch, capsys):
    monkeypatch.setenv("SCRATCHAE_OFFLINE", "1")
    (x, y), (xt, yt), source = load_digits_or_glyphs(20, 10, rng=0)
    assert source == "glyphs" and x.shape == (20, 784) and xt.shape == (10, 784)
    notice = capsys.readouterr().out
    assert notice.count("\n") == 1 and "SCRATCHAE_OFFLINE=1" in notice


def test_a_run_tries_the_download_once_then_every_lesson_uses_glyphs(no_mnist, tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    body = ("from scratchae.data.fallback import load_digits_or_glyphs\n"
            "_, _, source = load_digits_or_glyphs(5, 5, rng=0)\n"
            "print(f'[data] {source}: 5 training, 5 test digits')\n")
    for n in (1, 2, 3):
        (lessons / f"0{n}_uses_digits.py").write_text(f'"""Lesson 0{n}: fake."""\n' + body)
    env = dict(os.environ, **no_mnist, SCRATCHAE_LESSONS=str(lessons),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("SCRATCHAE_OFFLINE", None)
    out = subprocess.run([sys.executable, "-m", "scratchae.cli", "lessons", "run", "all",
                          "--out", str(tmp_path / "out")], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stderr.count("scratchae: downloading") == 1, out.stderr
    assert out.stdout.count("[notice] MNIST is not in") == 1
    assert out.stdout.count("[notice] MNIST is not available") == 3     # one line per lesson
    index = (tmp_path / "out" / "index.md").read_text()
    assert index.count("glyphs: 5 training, 5 test digits") >= 3


def test_lesson_04_falls_back_to_glyph_digits(no_mnist, tmp_path):
    env = dict(os.environ, **no_mnist, SCRATCHAE_OFFLINE="1", MPLBACKEND="Agg",
               OPENBLAS_NUM_THREADS="1",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, str(ROOT / "lessons" / "04_manifold_hypothesis_pca.py"),
                          "--quick", "--out", str(tmp_path / "out")], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "[data] glyphs:" in out.stdout and "[check FAILED]" not in out.stdout
