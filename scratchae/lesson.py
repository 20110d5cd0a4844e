"""Small helpers every lesson script uses: its command line, where figures go, and a loud check.

A lesson is run as ``python lessons/NN_topic.py [--quick|--full] [--out DIR]`` (or through
``scratchae lessons run``). ``--quick`` (the default) finishes in about a minute on a laptop CPU;
``--full`` runs at the scale of the paper the slide quotes.

The same script runs unchanged in two other places:

* inside the book's build (sphinx-gallery), which passes ``--quick`` or ``--full`` as the script's
  arguments and collects every figure left open at the end of a cell, so ``save_figure`` keeps
  the figure open there;
* inside a Jupyter kernel (the book's ``.ipynb`` downloads), where ``sys.argv`` belongs to the
  kernel: ``parse_args`` ignores it, runs quick, and reads extra arguments, if any, from the
  environment variable ``SCRATCHAE_LESSON_ARGS`` (for example ``"--full --seed 3"``).

A plain run writes its figures to ``scratchae-out/lessons/NN_topic/`` (``$SCRATCHAE_OUT``
replaces ``scratchae-out``), the folder ``scratchae lessons run`` uses.
"""
import argparse
import os
import re
import shlex
import sys
from pathlib import Path

__all__ = ["LessonArgs", "parse_args", "save_figure", "check", "LessonCheckFailed", "header"]

_LESSON_NAME = re.compile(r"^\d\d_\w+$")


class LessonCheckFailed(AssertionError):
    """A claim the lesson teaches did not hold on this run."""


class LessonArgs(argparse.Namespace):
    quick: bool
    out: Path
    seed: int


def in_kernel():
    """True inside a Jupyter (IPython) kernel, whose ``sys.argv`` is not the lesson's."""
    if "IPython" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def in_gallery():
    """True while sphinx-gallery runs the script to build the book."""
    return "sphinx_gallery" in sys.modules


def _lesson_name():
    """``NN_topic`` of the running lesson, or None when it cannot be told."""
    candidates = [Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else ""]
    if in_kernel():   # recent Jupyter servers name the notebook in the kernel's environment
        candidates.insert(0, Path(os.environ.get("JPY_SESSION_NAME", "")).stem)
    for name in candidates:
        if _LESSON_NAME.match(name):
            return name
    return None


def _default_out():
    base = Path(os.environ.get("SCRATCHAE_OUT", "scratchae-out")) / "lessons"
    name = _lesson_name()
    return base / name if name else base


def parse_args(description=None, argv=None):
    """Parse ``--quick/--full``, ``--out`` and ``--seed``; create the output folder.

    ``argv`` defaults to the script's arguments, or, inside a Jupyter kernel, to
    ``$SCRATCHAE_LESSON_ARGS`` (empty: quick mode).
    """
    if argv is None and in_kernel():
        argv = shlex.split(os.environ.get("SCRATCHAE_LESSON_ARGS", ""))
    parser = argparse.ArgumentParser(description=description)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="quick", action="store_true", default=True,
                      help="small, fast version (default)")
    mode.add_argument("--full", dest="quick", action="store_false",
                      help="the paper's scale (slow)")
    parser.add_argument("--out", type=Path, default=_default_out(),
                        help="folder for figures (default ./scratchae-out/lessons/NN_topic)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random generator")
    args = parser.parse_args(argv, namespace=LessonArgs())
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def header(title):
    """Print a lesson's title underlined."""
    print(title)
    print("=" * len(title))


def save_figure(fig, args, name):
    """Save a matplotlib figure as ``args.out / name`` (PNG) and print where it went.

    A plain run closes the figure. Under the book's build or in a Jupyter kernel it stays open,
    so that the page or the notebook shows it under the cell that made it (both close it after).
    """
    import matplotlib.pyplot as plt

    path = Path(args.out) / name
    fig.savefig(path, dpi=110, bbox_inches="tight")
    if in_gallery():       # the page shows the figure; the build's scratch path means nothing there
        print(f"[figure] {name}")
    elif in_kernel():
        print(f"[figure] {path}")
    else:
        plt.close(fig)
        print(f"[figure] {path}")
    return path


def check(condition, claim):
    """Fail loudly if a claim the lesson makes does not hold; print it when it does."""
    if not condition:
        print(f"[check FAILED] {claim}", file=sys.stderr)
        raise LessonCheckFailed(claim)
    print(f"[check ok] {claim}")
