"""``scratchae`` command line: run the course, re-run the papers' numbers, time the code.

    scratchae lessons list
    scratchae lessons run N|N,M,...|all [--quick|--full] [--out DIR] [--seed S] [--threads N]
    scratchae reproduce list | all [--quick] | NAME [--quick] [NAME's flags]  (NAME --help)
    scratchae bench list | NAME|all [--quick] [--out DIR]
    scratchae exercises list | start NAME [--dir DIR] | check NAME [--file F]
    scratchae book [--quick|--full] [--out DIR] [--lessons N,M,...] [--run-notebooks]
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


_DIGIT_LOADERS = ("load_digits_or_glyphs", "load_mnist")
_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


def _probe_mnist(chosen, env):
    """Try MNIST once for the whole run (find it, or download it); after a failure set
    ``SCRATCHAE_OFFLINE=1`` in ``env`` so that no lesson tries again."""
    if env.get("SCRATCHAE_FORCE_GLYPHS", "").strip().lower() in ("1", "true", "yes"):
        return
    if not any(any(f in p.read_text(encoding="utf-8") for f in _DIGIT_LOADERS)
               for _, _, p in chosen):
        return
    from scratchae.data.mnist import ensure_mnist

    reason = ensure_mnist()
    if reason is not None:
        print(f"[notice] MNIST is {reason}; the lessons use glyph digits, and none of them "
              "tries to download it again in this run.", flush=True)
        env["SCRATCHAE_OFFLINE"] = "1"


def _pump(stream, sinks, lines, lock):
    """Copy ``stream`` (bytes) to ``sinks`` as it arrives; keep its finished lines in ``lines``
    (a progress bar's carriage-return updates reduced to their last state)."""
    pending = b""
    while True:
        try:
            chunk = os.read(stream, 4096)
        except OSError:           # a pty's reader gets EIO when the child closes it
            chunk = b""
        if not chunk:
            break
        with lock:
            for sink in sinks:
                sink.write(chunk)
                sink.flush()
            pending += chunk
            *done, pending = pending.split(b"\n")
            lines.extend(kept for kept in map(_last_state, done) if kept.strip())
    with lock:
        if _last_state(pending).strip():
            lines.append(_last_state(pending))


def _last_state(line):
    """What a terminal shows of ``line`` after its carriage returns (a pty ends lines in CR LF)."""
    return line.rstrip(b"\r").split(b"\r")[-1]


def _run_teed(cmd, env, log_path):
    """Run ``cmd`` showing its stdout and stderr live; write both (in order of arrival) to
    ``log_path``. stderr goes through a pseudo-terminal when ours is a terminal, so progress bars
    still show. Returns the exit code."""
    import threading

    lines, lock = [], threading.Lock()
    out_r, out_w = os.pipe()
    use_pty = sys.stderr.isatty() and os.name == "posix"
    if use_pty:
        import fcntl
        import pty
        import shutil
        import struct
        import termios
        err_r, err_w = pty.openpty()
        cols, rows = shutil.get_terminal_size((100, 24))   # a new pty is 0 x 0: bars would vanish
        fcntl.ioctl(err_w, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    else:
        err_r, err_w = os.pipe()
    proc = subprocess.Popen(cmd, env=env, stdout=out_w, stderr=err_w)
    os.close(out_w)
    os.close(err_w)
    threads = [threading.Thread(target=_pump, args=(fd, [sink.buffer], lines, lock))
               for fd, sink in ((out_r, sys.stdout), (err_r, sys.stderr))]
    for t in threads:
        t.start()
    code = proc.wait()
    for t in threads:
        t.join()
    os.close(out_r)
    os.close(err_r)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(b"\n".join(lines) + b"\n")
    return code


def _children_cpu():
    """CPU seconds (user + system) used so far by finished child processes."""
    try:
        import resource
    except ImportError:               # not on Windows
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _write_index(out, results):
    """``out/index.md``: per lesson its status, time, data source, checks and figures."""
    total = sum(r["seconds"] for r in results)
    total_cpu = sum(r["cpu"] for r in results)
    n_ok = sum(r["status"] == "ok" for r in results)
    md = ["# scratchae lessons", "",
          f"{n_ok} of {len(results)} lessons passed in {total:.1f} s ({total_cpu:.1f} s of CPU).",
          "", "| lesson | status | time (s) | CPU (s) | data | checks ok | checks failed |",
          "| --- | --- | ---: | ---: | --- | ---: | ---: |"]
    for r in results:
        md.append(f"| [{r['folder']}]({r['folder']}/output.txt) | {r['status']} | "
                  f"{r['seconds']:.1f} | {r['cpu']:.1f} | {r['data'] or '-'} | {len(r['ok'])} | "
                  f"{len(r['failed'])} |")
    for r in results:
        md += ["", f"## {r['folder']}", "",
               f"- status: {r['status']}, {r['seconds']:.1f} s ({r['cpu']:.1f} s CPU); printed "
               "text in "
               f"[output.txt]({r['folder']}/output.txt)",
               f"- data: {r['data'] or 'none printed'}"]
        for claim in r["ok"]:
            md.append(f"- [check ok] {claim}")
        for claim in r["failed"]:
            md.append(f"- **[check FAILED]** {claim}")
        for fig in r["figures"]:
            try:
                rel = Path(fig).resolve().relative_to(out.resolve()).as_posix()
            except ValueError:
                rel = fig
            md.append(f"- figure: [{Path(fig).name}]({rel})")
    path = out / "index.md"
    path.write_text("\n".join(md) + "\n", encoding="utf-8")
    return path


def _summarise(text):
    """The ``[data]``, ``[check ok]``, ``[check FAILED]`` and ``[figure]`` lines of a lesson."""
    found = {"data": None, "ok": [], "failed": [], "figures": []}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[data] ") and found["data"] is None:
            found["data"] = line[len("[data] "):]
        elif line.startswith("[check ok] "):
            found["ok"].append(line[len("[check ok] "):])
        elif line.startswith("[check FAILED] "):
            found["failed"].append(line[len("[check FAILED] "):])
        elif line.startswith("[figure] "):
            found["figures"].append(line[len("[figure] "):])
    return found


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
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MPLBACKEND="Agg")
    if args.threads:
        env.update({v: str(args.threads) for v in _THREAD_VARS})
    _probe_mnist(chosen, env)
    results, t_all = [], time.perf_counter()
    for i, (number, name, path) in enumerate(chosen, 1):
        folder = f"{number:02d}_{name}"
        print(f"\n[{i}/{len(chosen)}] lesson {number:02d} {name} "
              f"({'quick' if args.quick else 'full'})", flush=True)
        t0, cpu0 = time.perf_counter(), _children_cpu()
        cmd = [sys.executable, str(path), "--quick" if args.quick else "--full",
               "--out", str(out / folder)]
        if args.seed is not None:
            cmd += ["--seed", str(args.seed)]
        code = _run_teed(cmd, env, out / folder / "output.txt")
        dt, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
        status = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"[{i}/{len(chosen)}] lesson {number:02d} {name}: {status} in {dt:.1f} s "
              f"(CPU {cpu:.1f} s)", flush=True)
        text = (out / folder / "output.txt").read_text(encoding="utf-8", errors="replace")
        results.append(dict(folder=folder, status=status, seconds=dt, cpu=cpu, **_summarise(text)))
    total = time.perf_counter() - t_all
    index = _write_index(out, results)
    failures = [r["folder"] for r in results if r["status"] != "ok"]
    cpu = sum(r["cpu"] for r in results)
    print(f"\n{len(chosen) - len(failures)} of {len(chosen)} lessons ran in {total:.1f} s "
          f"({total / 60:.1f} min, {cpu:.1f} s of CPU); figures and printed text in {out}, "
          f"index in {index}")
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


_DESCRIPTION = """\
scratchae teaches autoencoders from scratch in NumPy. Its lessons/ are a course in the slides'
order: each lesson prints the numbers it teaches, checks its claims, and saves its figures.
Lessons read MNIST from $SCRATCHAE_DATA/mnist or the user cache (downloading it once), and use
font-rendered glyph digits when it cannot be had (SCRATCHAE_OFFLINE=1 forbids downloads;
SCRATCHAE_FORCE_GLYPHS=1 uses the glyph digits even when MNIST is there)."""

_EXAMPLES = """\
examples:
  scratchae lessons list                  name every lesson
  scratchae lessons run all               the whole course, quick mode
  scratchae lessons run 2                 one lesson
  scratchae lessons run 4,7 --full        two lessons at the papers' scale
  scratchae lessons run all --threads 1   one BLAS thread per lesson (a busy machine)
  scratchae reproduce list                the papers' numbers we re-run
  scratchae reproduce pca-mnist           one of them: our number beside the paper's
  scratchae bench list                    timings against PyTorch / scikit-learn
  scratchae exercises list                derive it yourself: the graded exercises
  scratchae exercises start 03_four_equations   copy one to ./scratchae-exercises/
  scratchae exercises check 03_four_equations   grade your copy
  scratchae book                          the course as a web book (the docs extra)

Each lesson's printed text goes to OUT/NN_name/output.txt beside its figures, and
OUT/index.md lists every lesson's status, time, data, checks and figures."""


def _book(args):
    from scratchae.book import build

    index = build(out=args.out, quick=args.quick, lessons=args.lessons,
                  lessons_dir=args.lessons_dir, results=args.results)
    if args.run_notebooks:
        from scratchae.book import run_notebooks

        run_notebooks(index.parent)
    print(index)
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
    parser = argparse.ArgumentParser(prog="scratchae", description=_DESCRIPTION,
                                     epilog=_EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    lessons = sub.add_parser("lessons", help="list or run the lessons in slide order")
    lsub = lessons.add_subparsers(dest="action", required=True)
    lsub.add_parser("list", help="name every lesson")
    run = lsub.add_parser("run", help="run lessons: a number, a comma list, or all")
    run.add_argument("which", help="N, N,M,... or all")
    mode = run.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="quick", action="store_true", default=True,
                      help="the default: small data and few epochs, the whole course in minutes")
    mode.add_argument("--full", dest="quick", action="store_false",
                      help="the papers' scale (all of MNIST, many epochs): hours in all")
    run.add_argument("--out", default="scratchae-out/lessons",
                     help="folder for each lesson's figures and output.txt, and index.md "
                          "(default %(default)s)")
    run.add_argument("--seed", type=int, default=None,
                     help="seed passed to every lesson (default: each lesson's own, 0)")
    run.add_argument("--threads", type=int, default=None, metavar="N",
                     help="limit BLAS/OpenMP/numba to N threads in each lesson (default: leave "
                          "as is); 1 helps when other jobs share the cores")

    _add_reproduce_parser(sub)
    p = sub.add_parser("bench", help="time ours against PyTorch / scikit-learn")
    p.add_argument("name", help="NAME, all, or list")
    _add_common_flags(p)
    from scratchae.exercises import cli as exercises_cli
    exercises_cli.add_parser(sub)

    book = sub.add_parser("book", help="build the course as a web book (needs the docs extra)")
    bmode = book.add_mutually_exclusive_group()
    bmode.add_argument("--quick", dest="quick", action="store_true", default=True,
                       help="run the lessons in quick mode (default)")
    bmode.add_argument("--full", dest="quick", action="store_false",
                       help="run the lessons at the papers' scale (long)")
    book.add_argument("--out", default="scratchae-out/book", help="folder of the built book")
    book.add_argument("--lessons", default="all", help="N,M,... or all (default)")
    book.add_argument("--lessons-dir", default=None, help="folder of lesson scripts")
    book.add_argument("--results", default=None,
                      help="folder of `scratchae reproduce` JSON (default: the parent of --out)")
    book.add_argument("--run-notebooks", action="store_true",
                      help="then run every lesson's .ipynb (quick) and compare its checks")
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
    if args.command == "exercises":
        from scratchae.exercises import cli as exercises_cli
        return exercises_cli.run(args)
    if args.command == "book":
        return _book(args)
    return _entries(args.command, args)


if __name__ == "__main__":
    sys.exit(main())
