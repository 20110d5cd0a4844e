"""``scratchae exercises list | start NAME [--dir DIR] | check NAME [--file F]``."""
import shutil
from pathlib import Path

from scratchae import exercises as ex

__all__ = ["add_parser", "run"]


def add_parser(subparsers):
    p = subparsers.add_parser("exercises", help="derive it yourself: start and check exercises")
    sub = p.add_subparsers(dest="action", required=True)
    lst = sub.add_parser("list", help="the exercises in slide order, and how your copies do")
    lst.add_argument("--dir", default=ex.DEFAULT_DIR, help="where your copies are")
    start = sub.add_parser("start", help="copy an exercise's student file (never overwrites)")
    start.add_argument("name")
    start.add_argument("--dir", default=ex.DEFAULT_DIR, help="folder for the copy")
    check = sub.add_parser("check", help="grade your functions")
    check.add_argument("name")
    check.add_argument("--file", default=None, help="your file (default DIR/NAME.py)")
    check.add_argument("--dir", default=ex.DEFAULT_DIR, help="where `start` put your copy")
    return p


def _known(name):
    if name not in ex.names():
        raise SystemExit(f"scratchae: no exercise named {name!r}; "
                         f"try: scratchae exercises list")


def _status(path, name):
    if not path.is_file():
        return "not started"
    try:
        return ex.summary(ex.grade(name, ex.load_file(path)))
    except Exception as exc:
        return f"does not import ({type(exc).__name__})"


def run(args):
    if args.action == "list":
        folder = Path(args.dir)
        print(f"{'exercise':<22} {'lesson':<8} {'your copy in ' + str(folder) + '/':<34} topic")
        for name, lessons, title in ex.EXERCISES:
            print(f"{name:<22} {lessons:<8} {_status(folder / (name + '.py'), name):<34} {title}")
        return 0
    _known(args.name)
    if args.action == "start":
        folder = Path(args.dir)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{args.name}.py"
        if target.exists():
            print(f"{target} exists already; not overwritten (delete it to start afresh)")
        else:
            shutil.copyfile(ex.student_file(args.name), target)
            print(f"wrote {target}\nfill in the functions, then run:  python {target}\n"
                  f"                               or:  scratchae exercises check {args.name}"
                  + ("" if args.dir == ex.DEFAULT_DIR else f" --dir {args.dir}"))
        return 0
    path = Path(args.file) if args.file else Path(args.dir) / f"{args.name}.py"
    return ex.check(args.name, path)
