"""One output shape for reproductions and benchmarks (DESIGN.md).

``Report(name)`` collects rows ``{"metric", "ours", "reference", "source", "unit"}``, prints them as a
table and writes ``DIR/NAME.json``:

    {"name": ..., "rows": [...], "params": {...}, "seconds": ..., "machine": {...}}
"""
import json
import os
import platform
import time
from pathlib import Path

__all__ = ["Report", "machine_info", "blas_threads", "blas_kernel"]


def _blas_pool():
    """threadpoolctl's description of NumPy's BLAS (a dict), or None if it cannot tell."""
    try:
        import numpy  # noqa: F401  (the BLAS library must be loaded to be seen)
        from threadpoolctl import threadpool_info
        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        return pools[0] if pools else None
    except Exception:
        return None


def blas_threads():
    """Threads NumPy's BLAS runs on (threadpoolctl's report), or None if it cannot tell."""
    pool = _blas_pool()
    return int(pool["num_threads"]) if pool and pool.get("num_threads") else None


def blas_kernel():
    """The kernels NumPy's BLAS chose for this CPU (OpenBLAS's "architecture", e.g. "Haswell" or
    "SkylakeX"; the environment variable OPENBLAS_CORETYPE overrides its choice), or None."""
    pool = _blas_pool()
    return pool.get("architecture") if pool else None


def _cpuinfo_field(key, cpuinfo="/proc/cpuinfo"):
    """The value of the first ``key : value`` line of /proc/cpuinfo, or None (no such line, or
    no /proc/cpuinfo, e.g. on macOS or Windows)."""
    try:
        with open(cpuinfo) as fh:
            for line in fh:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_has_avx512(cpuinfo="/proc/cpuinfo"):
    """True if the CPU reports the avx512f flag, False if it does not, None if it cannot tell."""
    flags = _cpuinfo_field("flags", cpuinfo)
    return None if flags is None else "avx512f" in flags.split()


def blas_kernel_label(kernel=None, coretype=None, avx512=None):
    """Which OpenBLAS kernels ran, for a benchmark row: e.g. "SkylakeX", or "Haswell, set by
    OPENBLAS_CORETYPE=Haswell on a CPU with AVX-512" when the environment holds OpenBLAS below what
    the CPU could run (AVX2 kernels on an AVX-512 CPU make every float32 product about 1.6x slower
    here, which is why the training benchmarks say it). Arguments default to this machine's."""
    kernel = blas_kernel() if kernel is None else kernel
    coretype = os.environ.get("OPENBLAS_CORETYPE") if coretype is None else coretype
    avx512 = cpu_has_avx512() if avx512 is None else avx512
    label = kernel or "unknown"
    if coretype:
        label += f", set by OPENBLAS_CORETYPE={coretype}"
        if avx512 and kernel and kernel.lower() in ("haswell", "zen", "sandybridge", "prescott"):
            label += " on a CPU with AVX-512"
    return label


def machine_info():
    """Cores, CPU, Python, NumPy and the BLAS NumPy runs on (as far as NumPy reports it)."""
    import numpy as np

    info = {"platform": platform.platform(), "python": platform.python_version(),
            "cpu_count": os.cpu_count(), "numpy": np.__version__,
            "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
            "cpu_avx512": cpu_has_avx512()}
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        info["blas"] = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older NumPy: no dict mode
        info["blas"] = "unknown"
    pool = _blas_pool()
    if pool:
        info["blas_threads"] = pool.get("num_threads")
        info["blas_kernel"] = pool.get("architecture")
    cpu = _cpuinfo_field("model name")
    if cpu is not None:
        info["cpu"] = cpu
    return info


class Report:
    """Rows of ours-vs-reference numbers for one reproduction or benchmark."""

    def __init__(self, name, params=None):
        self.name = name
        self.rows = []
        self.params = dict(params or {})
        self._t0 = time.perf_counter()

    def add(self, metric, ours, reference=None, source="", unit=""):
        self.rows.append({"metric": metric, "ours": None if ours is None else float(ours),
                          "reference": None if reference is None else float(reference),
                          "source": source, "unit": unit})

    def to_dict(self):
        return {"name": self.name, "rows": self.rows, "params": self.params,
                "seconds": round(time.perf_counter() - self._t0, 3), "machine": machine_info()}

    def table(self):
        def fmt(v):
            if v is None:
                return "-"
            return f"{v:.4g}" if isinstance(v, float) else str(v)
        header = ("metric", "ours", "reference", "unit", "source")
        body = [(r["metric"], fmt(r["ours"]), fmt(r["reference"]), r["unit"], r["source"])
                for r in self.rows]
        widths = [max(len(str(x)) for x in col) for col in zip(header, *body)]
        line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
        out = [line(header), line("-" * w for w in widths)] + [line(r) for r in body]
        return "\n".join(out)

    def write(self, out_dir):
        """Print the table and write ``out_dir/NAME.json``; returns the path."""
        data = self.to_dict()
        print(f"\n{self.name}  ({data['seconds']:.1f} s)")
        print(self.table())
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{self.name}.json"
        path.write_text(json.dumps(data, indent=2))
        print(f"[json] {path}")
        return path
