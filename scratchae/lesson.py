"""Small helpers every lesson script uses: its command line, where figures go, and a loud check.

A lesson is run as ``python lessons/NN_topic.py [--quick|--full] [--out DIR]`` (or through
``scratchae lessons run``). ``--quick`` (the default) finishes in about a minute on a laptop CPU;
``--full`` runs at the scale of the paper the slide quotes.
"""
import argparse
import os
import sys
from pathlib import Path

__all__ = ["LessonArgs", "parse_args", "save_figure", "check", "LessonCheckFailed", "header"]


class LessonCheckFailed(AssertionError):
    """A claim the lesson teaches did not hold on this run."""


class LessonArgs(argparse.Namespace):
    quick: bool
    out: Path
    seed: int


def parse_args(description=None, argv=None):
    """Parse ``--quick/--full``, ``--out`` and ``--seed``; create the output folder."""
    parser = argparse.ArgumentParser(description=description)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="quick", action="store_true", default=True,
                      help="small, fast version (default)")
    mode.add_argument("--full", dest="quick", action="store_false",
                      help="the paper's scale (slow)")
    parser.add_argument("--out", type=Path,
                        default=Path(os.environ.get("SCRATCHAE_OUT", "scratchae-out")) / "lessons",
                        help="folder for figures (default ./scratchae-out/lessons)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random generator")
    args = parser.parse_args(argv, namespace=LessonArgs())
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def header(title):
    """Print a lesson's title underlined."""
    print(title)
    print("=" * len(title))


def save_figure(fig, args, name):
    """Save a matplotlib figure as ``args.out / name`` (PNG), close it, print where it went."""
    import matplotlib.pyplot as plt

    path = Path(args.out) / name
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    print(f"[figure] {path}")
    return path


def check(condition, claim):
    """Fail loudly if a claim the lesson makes does not hold; print it when it does."""
    if not condition:
        print(f"[check FAILED] {claim}", file=sys.stderr)
        raise LessonCheckFailed(claim)
    print(f"[check ok] {claim}")
