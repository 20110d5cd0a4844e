"""``scratchae bench import``: how long ``import scratchae`` takes, and each numba kernel's first
call with the on-disk cache cold (compile) and warm (load), each in a fresh interpreter."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from scratchae.report import Report

NAME = "import"
DESCRIPTION = "import time of scratchae, and each kernel's first call with numba's cache cold/warm"
# --quick times only the Adam kernel's first call (a smoke test); the full run times every kernel
# that declares an ``example``.

_IMPORT = "import time; t = time.perf_counter(); import scratchae, scratchae.nn; " \
          "print(time.perf_counter() - t)"

_FIRST_CALLS = r"""
import importlib, json, pkgutil, time
t = time.perf_counter(); import numba; out = {"import numba": time.perf_counter() - t}
import scratchae.kernels as K
import sys
only = sys.argv[1] if len(sys.argv) > 1 else None
for info in pkgutil.iter_modules(K.__path__):
    if only and info.name != only:
        continue
    mod = importlib.import_module("scratchae.kernels." + info.name)
    for name, obj in sorted(vars(mod).items()):
        if isinstance(obj, K.Kernel) and obj.example is not None:
            args = obj.example()
            t = time.perf_counter(); obj.jit(*args); out[name] = time.perf_counter() - t
print(json.dumps(out))
"""


def _run(code, env, *args):
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=env, check=True)
    return res.stdout.strip().splitlines()[-1]


def run(out, quick=False, seed=0):
    report = Report(NAME, params={"repeats": 3 if quick else 5})
    env = dict(os.environ)
    times = sorted(float(_run(_IMPORT, env)) for _ in range(report.params["repeats"]))
    report.add("import scratchae, scratchae.nn (median)", times[len(times) // 2], 1.0,
               source="target: under 1 s", unit="s")
    cache = tempfile.mkdtemp(prefix="scratchae-numba-cache-")
    try:
        env["NUMBA_CACHE_DIR"] = cache
        only = ("optim",) if quick else ()          # quick: the Adam kernel alone
        cold = json.loads(_run(_FIRST_CALLS, env, *only))
        warm = json.loads(_run(_FIRST_CALLS, env, *only))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    report.add("import numba (once, before any kernel)", cold.pop("import numba"), None, unit="s")
    warm.pop("import numba")
    for name in cold:
        report.add(f"{name}: first call, cache cold (compile)", cold[name], None, unit="s")
        report.add(f"{name}: first call, cache warm (load)", warm.get(name), None, unit="s")
    report.write(out)
    return report
