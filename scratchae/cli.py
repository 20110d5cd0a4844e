"""``scratchae`` command line.

    scratchae lessons list
    scratchae lessons run N|all [--quick|--full] [--out DIR]
    scratchae reproduce list | all [--quick] | NAME [--quick] [NAME's flags]  (NAME --help)
    scratchae bench list | NAME|all [--quick] [--out DIR]
"""
import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["main", "find_lessons_dir", "list_lessons"]

_LESSON_RE = re.compile(r"^(\d\d)_(\w+)\.py$")


def find_lessons_dir():
    """The ``lessons/`` folder: ``$SCRATCHAE_LESSONS``, ``./lessons``, or the one beside the
    package (a clone installed with ``pip install -e .`` or run from its root)."""
    candidates = []
    if os.environ.get("SCRATCHAE_LESSONS"):
        candidates.append(Path(os.environ["SCRATCHAE_LESSONS"]))
    candidates += [Path.cwd() / "lessons", Path(__file__).resolve().parents[1] / "lessons"]
    for c in candidates:
        if c.is_dir() and any(_LESSON_RE.match(p.name) for p in c.iterdir()):
            return c
    raise SystemExit("scratchae: cannot find the lessons/ folder; run from the root of the "
                     "scratchae clone or set SCRATCHAE_LESSONS=/path/to/lessons")


def list_lessons(folder=None):
    """[(number, name, path)] in order."""
    folder = Path(folder) if folder else find_lessons_dir()
    found = []
    for p in sorted(folder.iterdir()):
        m = _LESSON_RE.match(p.name)
        if m:
            found.append((int(m.group(1)), m.group(2), p))
    return found


def _first_doc_line(path):
    text = path.read_text(encoding="utf-8")
    m = re.search(r'"""(.*?)(?:\n|""")', text, re.S)
    return m.group(1).strip() if m else ""


def _lessons(args):
    lessons = list_lessons()
    if args.action == "list":
        for number, name, path in lessons:
            print(f"{number:02d}  {name:<28} {_first_doc_line(path)}")
        return 0
    if args.which == "all":
        chosen = lessons
    else:
        wanted = {int(w) for w in args.which.split(",")}
        chosen = [l for l in lessons if l[0] in wanted]
        unknown = wanted - {l[0] for l in chosen}
        if unknown:
            raise SystemExit(f"scratchae: no lesson numbered {sorted(unknown)}; "
                             f"have {[l[0] for l in lessons]}")
    out = Path(args.out)
    env = dict(os.environ, MPLBACKEND="Agg")
    failures, t_all = [], time.perf_counter()
    for i, (number, name, path) in enumerate(chosen, 1):
        print(f"\n[{i}/{len(chosen)}] lesson {number:02d} {name} "
              f"({'quick' if args.quick else 'full'})", flush=True)
        t0 = time.perf_counter()
        cmd = [sys.executable, str(path), "--quick" if args.quick else "--full",
               "--out", str(out / f"{number:02d}_{name}")]
        code = subprocess.call(cmd, env=env)
        dt = time.perf_counter() - t0
        status = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"[{i}/{len(chosen)}] lesson {number:02d} {name}: {status} in {dt:.1f} s", flush=True)
        if code != 0:
            failures.append(f"{number:02d}_{name}")
    total = time.perf_counter() - t_all
    print(f"\n{len(chosen) - len(failures)} of {len(chosen)} lessons ran in {total:.1f} s "
          f"({total / 60:.1f} min); figures in {out}")
    if failures:
        print(f"failed: {', '.join(failures)}")
        return 1
    return 0


def _entries(kind, args):
    from scratchae._registry import discover

    entries = discover(f"scratchae.{kind}")
    if args.name == "list":
        if not entries:
            print(f"no {kind} entries yet")
        for name, module in entries.items():
            print(f"{name:<22} {module.DESCRIPTION}")
        return 0
    names = list(entries) if args.name == "all" else [args.name]
    for name in names:
        if name not in entries:
            raise SystemExit(f"scratchae: unknown {kind} {name!r}; try: scratchae {kind} list")
    flags = {}
    if kind == "reproduce" and args.name != "all":
        flags = {k: v for k, v in vars(args).items() if k not in _COMMON_DESTS}
    for name in names:
        entries[name].run(out=Path(args.out), quick=args.quick, seed=args.seed, **flags)
    return 0


_COMMON_DESTS = {"command", "name", "quick", "out", "seed"}


def _add_common_flags(parser):
    parser.add_argument("--quick", action="store_true", help="smaller run, for a smoke test")
    parser.add_argument("--out", default="scratchae-out", help="folder for NAME.json "
                        "(default scratchae-out)")
    parser.add_argument("--seed", type=int, default=0, help="(default 0)")


def _add_reproduce_parser(sub):
    """``scratchae reproduce list|all|NAME``: one sub-command per reproduction, carrying the flags
    its module declares with ``add_arguments(parser)``."""
    from scratchae._registry import discover

    p = sub.add_parser("reproduce", help="re-run a paper's number on real data",
                       description="re-run a paper's number on real data; "
                                   "`scratchae reproduce NAME --help` lists NAME's flags")
    rsub = p.add_subparsers(dest="name", required=True, metavar="NAME")
    rsub.add_parser("list", help="name every reproduction")
    _add_common_flags(rsub.add_parser("all", help="run every reproduction with its defaults"))
    for name, module in discover("scratchae.reproduce").items():
        q = rsub.add_parser(name, help=module.DESCRIPTION.replace("%", "%%"),
                            description=module.DESCRIPTION)
        _add_common_flags(q)
        if hasattr(module, "add_arguments"):
            module.add_arguments(q)


def build_parser():
    parser = argparse.ArgumentParser(prog="scratchae", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    lessons = sub.add_parser("lessons", help="list or run the lessons in slide order")
    lsub = lessons.add_subparsers(dest="action", required=True)
    lsub.add_parser("list", help="name every lesson")
    run = lsub.add_parser("run", help="run lessons: a number, a comma list, or all")
    run.add_argument("which", help="N, N,M,... or all")
    mode = run.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="quick", action="store_true", default=True)
    mode.add_argument("--full", dest="quick", action="store_false")
    run.add_argument("--out", default="scratchae-out/lessons", help="folder for figures")

    _add_reproduce_parser(sub)
    p = sub.add_parser("bench", help="time ours against PyTorch / scikit-learn")
    p.add_argument("name", help="NAME, all, or list")
    _add_common_flags(p)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) >= 2 and argv[0] == "reproduce" and not argv[1].startswith("-"):
        from scratchae._registry import discover
        if argv[1] not in {"list", "all", *discover("scratchae.reproduce")}:
            raise SystemExit(f"scratchae: unknown reproduce {argv[1]!r}; "
                             "try: scratchae reproduce list")
    args = build_parser().parse_args(argv)
    if args.command == "lessons":
        return _lessons(args)
    return _entries(args.command, args)


if __name__ == "__main__":
    sys.exit(main())
