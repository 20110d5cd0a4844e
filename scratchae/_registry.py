"""Discovery of reproductions and benchmarks: every module in ``scratchae.reproduce`` /
``scratchae.bench`` that defines ``NAME``, ``DESCRIPTION`` and ``run(out, quick, seed)`` is one
entry (a reproduction's ``run`` also takes its settings as keywords, declared as flags by its
``add_arguments(parser)``); adding a file is all it takes to add a command."""
import importlib
import pkgutil

__all__ = ["discover"]


def discover(package_name):
    """{NAME: module} for the entries of ``package_name`` (modules starting with ``_`` skipped)."""
    package = importlib.import_module(package_name)
    entries = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package_name}.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "run"):
            entries[module.NAME] = module
    return entries
