"""Build the course as a static web book: ``scratchae book [--quick|--full] [--out DIR]``.

The lessons stay plain scripts in ``lessons/``; Sphinx with sphinx-gallery runs each of them
once, in slide order, and renders its prose, code, printed output, checks and figures as one
page, with the lesson as a ``.py`` and an ``.ipynb`` download. The Sphinx sources live in
``docs/``; this module copies them into a staging folder inside the output folder, adds the
chosen lessons and the generated pages (the lesson list of the front page, the API reference, the
reproductions and speed pages), and runs ``sphinx-build`` there in a child process.

Output layout (``DIR`` defaults to ``scratchae-out/book``)::

    DIR/index.html          the front page
    DIR/lessons/NN_*.html   one page per lesson
    DIR/_downloads/...      the lessons as .py and .ipynb

Beside it, ``.DIR-build/`` holds what Sphinx read (``src/``), its cache (``doctrees/``) and the
figure files the lessons saved themselves (``run/``); both folders are replaced on every build.
"""
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["build", "gallery_argv", "find_docs_dir", "PARTS"]

_MARK = ".scratchae-book"
_LESSON_RE = re.compile(r"^(\d\d)_(\w+)\.py$")

# The lecture's five parts and the lessons that follow each (by number).
PARTS = [
    ("01", "Revisit deep neural networks", range(1, 4)),
    ("02", "Manifold learning", range(4, 7)),
    ("03", "Autoencoders", range(7, 11)),
    ("04", "Variational autoencoders", range(11, 14)),
    ("05", "Applications", range(14, 100)),
]

# The library's public subpackages and modules, one API page each.
API_PAGES = [
    ("scratchae.nn", "layers, activations, losses, the four equations, networks, optimizers"),
    ("scratchae.models", "the autoencoder family, built from nn"),
    ("scratchae.manifold", "PCA, Isomap, LLE"),
    ("scratchae.density", "Parzen windows and their manifold variants"),
    ("scratchae.data", "MNIST, USPS, glyph digits, synthetic manifolds, corruption"),
    ("scratchae.kernels", "numba kernels and their NumPy twins"),
    ("scratchae.gradcheck", "finite differences"),
    ("scratchae.evaluation", "evaluation helpers"),
    ("scratchae.viz", "figures"),
    ("scratchae.lesson", "what every lesson script uses"),
]

_REQUIRED = ["sphinx", "sphinx_gallery", "pydata_sphinx_theme", "myst_parser"]


def gallery_argv(gallery_conf, script_vars):
    """sphinx-gallery's ``reset_argv``: the arguments each lesson runs with in the book."""
    return ["--full"] if os.environ.get("SCRATCHAE_BOOK_MODE") == "full" else ["--quick"]


def missing_requirements():
    """Names of the ``docs`` extra's packages that cannot be imported."""
    import importlib.util

    return [name for name in _REQUIRED if importlib.util.find_spec(name) is None]


def find_docs_dir():
    """The ``docs/`` folder with ``conf.py``: ``$SCRATCHAE_DOCS``, ``./docs`` or beside the package."""
    candidates = []
    if os.environ.get("SCRATCHAE_DOCS"):
        candidates.append(Path(os.environ["SCRATCHAE_DOCS"]))
    candidates += [Path.cwd() / "docs", Path(__file__).resolve().parents[1] / "docs"]
    for c in candidates:
        if (c / "conf.py").is_file() and (c / "index.rst").is_file():
            return c
    raise SystemExit("scratchae book: cannot find the docs/ folder (conf.py, index.rst); run from "
                     "the root of the scratchae clone or set SCRATCHAE_DOCS=/path/to/docs")


def _lesson_title(path):
    """The RST title at the top of a lesson's docstring, or its file name."""
    text = path.read_text(encoding="utf-8")
    m = re.search(r'"""\s*\n?(.+?)\n(=+)\s*\n', text)
    return m.group(1).strip() if m and len(m.group(2)) >= len(m.group(1).strip()) else path.stem


def _lesson_list(lessons):
    """RST for the front page: the lessons grouped by the part of the lecture they follow."""
    lines = []
    for number, title, numbers in PARTS:
        chosen = [(n, name) for n, name, _ in lessons if n in numbers]
        if not chosen:
            continue
        lines += [f"**Part {number}: {title}**", ""]
        lines += [f"* :doc:`lessons/{n:02d}_{name}`" for n, name in chosen]
        lines.append("")
    return "\n".join(lines) + "\n"


def api_modules():
    """[(package, blurb, module names)] of the API pages: each package of :data:`API_PAGES`
    followed by its public modules (names not starting with ``_``)."""
    import importlib
    import pkgutil

    pages = []
    for package, blurb in API_PAGES:
        mod = importlib.import_module(package)
        names = [package]
        if hasattr(mod, "__path__"):
            names += [m.name for m in pkgutil.iter_modules(mod.__path__, package + ".")
                      if not m.name.rsplit(".", 1)[1].startswith("_")]
        pages.append((package, blurb, names))
    return pages


def _api_pages(src):
    api = src / "api"
    api.mkdir()
    index = ["API reference", "=============", "",
             "Every public module of ``scratchae``, from its docstrings: each gives its formula, "
             "the shapes of its arrays and the slide it comes from.", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    for module, blurb, names in api_modules():
        title = f"``{module}``: {blurb}"
        body = [title, "=" * len(title), ""]
        for name in names:
            if name != module:
                body += [f"``{name}``", "-" * (len(name) + 4), ""]
            # a package's own page documents only its docstring; its modules follow
            opts = ["   :no-members:"] if name == module and len(names) > 1 else []
            body += [f".. automodule:: {name}", *opts, ""]
        (api / f"{module}.rst").write_text("\n".join(body), encoding="utf-8")
        index.append(f"   {module}")
    (api / "index.rst").write_text("\n".join(index) + "\n", encoding="utf-8")


def _readme_section(readme, heading):
    """The body of ``## heading`` in the README (Markdown), up to the next ``## ``."""
    if not readme.is_file():
        return ""
    text = readme.read_text(encoding="utf-8")
    m = re.search(rf"^## {re.escape(heading)}\s*\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return m.group(1).strip() + "\n" if m else ""


def _md_cell(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|") if value is not None else "--"


def _reproductions_page(readme, results):
    """Our runs' JSON (``scratchae reproduce``) where they exist, then the README's table."""
    try:
        from scratchae._registry import discover

        names = set(discover("scratchae.reproduce"))
    except Exception:          # the page still builds from the README
        names = set()
    runs = []
    if results and Path(results).is_dir():
        for path in sorted(Path(results).glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and data.get("name") in names and "rows" in data:
                runs.append((path, data))
    out = ["# Reproductions", ""]
    if runs:
        out += [f"Runs found in `{Path(results)}` (written by `scratchae reproduce NAME`), "
                "our number beside the paper's:", ""]
        for path, data in runs:
            secs = data.get("seconds")
            out += [f"## `{data['name']}`", "",
                    f"{len(data['rows'])} rows" + (f", {secs:.0f} s" if isinstance(secs, (int, float))
                                                    else "") +
                    f"; parameters: `{json.dumps(data.get('params', {}))}`", "",
                    "| metric | ours | reference | unit | source |",
                    "| --- | --- | --- | --- | --- |"]
            for row in data["rows"]:
                out.append("| " + " | ".join(_md_cell(row.get(k)) for k in
                                              ("metric", "ours", "reference", "unit", "source"))
                           + " |")
            out.append("")
        out += ["## As measured for the README", ""]
    else:
        out += ["No `scratchae reproduce` results were found beside the book "
                f"(`{results}/*.json`), so this page shows the table as measured for the README. "
                "Run `scratchae reproduce NAME` and build the book again to see your own numbers "
                "here.", ""]
    out.append(_readme_section(readme, "Reproductions") or "(the README has no table)")
    return "\n".join(out) + "\n"


def _speed_pages(readme, docs, src):
    notes = sorted(docs.glob("speed_notes*.md"))
    out = ["# Speed", "", _readme_section(readme, "Speed") or "(the README has no Speed section)"]
    if notes:
        out += ["", "```{toctree}", ":maxdepth: 1", ""] + [p.stem for p in notes] + ["```"]
    (src / "speed.md").write_text("\n".join(out) + "\n", encoding="utf-8")


def _exercises_page(readme, src):
    """``exercises.md``: the README's Exercises section, then each exercise's derivation tasks
    (its student file's docstring) with the blank student file to download."""
    from scratchae import exercises

    files = src / "exercise_files"
    files.mkdir()
    out = ["# Exercises", "", _readme_section(readme, "Exercises") or "", "",
           "## The exercises, one by one", "",
           "Each one below is the text at the top of its student file: what to derive, the "
           "notation and the slides. Download the blank file, or copy it with "
           "`scratchae exercises start NAME`.", ""]
    for name, lessons, title in exercises.EXERCISES:
        path = exercises.student_file(name)
        shutil.copy2(path, files / path.name)
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        out += [f"### `{name}`: {title}", "",
                f"Lessons {lessons}. {{download}}`The blank student file <exercise_files/"
                f"{path.name}>`; `scratchae exercises start {name}` copies it, "
                f"`scratchae exercises check {name}` grades it.", "",
                "```text", doc.strip(), "```", ""]
    (src / "exercises.md").write_text("\n".join(out) + "\n", encoding="utf-8")


def _stage(work, docs, lessons, results, api=True):
    """Fill ``work/src`` with what Sphinx reads."""
    src = work / "src"
    shutil.copytree(docs, src, ignore=shutil.ignore_patterns(
        "_build", "__pycache__", "GALLERY_HEADER.rst", "*.png~"))
    gal = src / "lessons_src"
    gal.mkdir()
    shutil.copy2(docs / "GALLERY_HEADER.rst", gal / "GALLERY_HEADER.rst")
    for _, _, path in lessons:
        shutil.copy2(path, gal / path.name)
    (src / "lesson_list.rst").write_text(_lesson_list(lessons), encoding="utf-8")
    if api:
        _api_pages(src)
    else:
        (src / "api").mkdir()
        (src / "api" / "index.rst").write_text("API reference\n=============\n\n"
                                               "(left out of this build)\n", encoding="utf-8")
    readme = docs.parent / "README.md"
    (src / "reproductions.md").write_text(_reproductions_page(readme, results), encoding="utf-8")
    _speed_pages(readme, docs, src)
    _exercises_page(readme, src)
    return src


def _work_dir(out):
    return out.parent / f".{out.name}-build"


def warnings_file(out):
    """Where a build into ``out`` keeps Sphinx's warnings (one per line; empty when none)."""
    return _work_dir(Path(out).resolve()) / "sphinx-warnings.txt"


def _prepare_out(out):
    """Empty ``out`` if it is a previous book (or empty); refuse any other folder."""
    if out.exists():
        if any(out.iterdir()) and not (out / _MARK).exists():
            raise SystemExit(f"scratchae book: {out} exists and is not a book folder; "
                             "choose another --out or remove it")
        shutil.rmtree(out)
    work = _work_dir(out)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    out.mkdir(parents=True)
    (out / _MARK).write_text("built by scratchae book; the whole folder is replaced on rebuild\n")


def select_lessons(lessons_dir=None, which=None):
    """[(number, name, path)] of the lessons to build: all, or the numbers in ``which``."""
    from scratchae.cli import list_lessons

    lessons = list_lessons(lessons_dir)
    if which in (None, "", "all"):
        return lessons
    wanted = {int(w) for w in str(which).split(",") if w.strip()}
    chosen = [l for l in lessons if l[0] in wanted]
    unknown = wanted - {l[0] for l in chosen}
    if unknown:
        raise SystemExit(f"scratchae book: no lesson numbered {sorted(unknown)}; "
                         f"have {[l[0] for l in lessons]}")
    return chosen


def lesson_times(book):
    """{lesson: seconds} as sphinx-gallery reported each lesson's run on its page."""
    found = {}
    for page in sorted((Path(book) / "lessons").glob("[0-9][0-9]_*.html")):
        m = re.search(r"Total running time of the script:\s*\((\d+) minutes? ([\d.]+) seconds?\)",
                      re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        found[page.stem] = int(m.group(1)) * 60 + float(m.group(2)) if m else float("nan")
    return found


def _check_lines(text):
    return [l.strip() for l in text.splitlines() if l.strip().startswith("[check ok]")]


def _page_text(path):
    import html

    raw = Path(path).read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", "", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def run_notebooks(book, workdir=None, timeout=1800):
    """Run every lesson notebook of a built book under nbclient (quick mode), in order.

    Each must run top to bottom and print the same ``[check ok]`` lines as its page. Returns
    {lesson: (seconds, figures shown)}; raises ``SystemExit`` naming the first notebook that fails or differs.
    """
    import nbclient
    import nbformat

    book = Path(book)
    workdir = Path(workdir) if workdir else _work_dir(book) / "notebooks"
    workdir.mkdir(parents=True, exist_ok=True)
    times = {}
    env_backup = dict(os.environ)
    os.environ["SCRATCHAE_OUT"] = str(workdir / "out")
    os.environ.pop("SCRATCHAE_LESSON_ARGS", None)
    os.environ.pop("MPLBACKEND", None)        # the notebook's first cell picks the inline backend
    try:
        for page in sorted((book / "lessons").glob("[0-9][0-9]_*.html")):
            found = list((book / "_downloads").rglob(f"{page.stem}.ipynb"))
            if not found:
                raise SystemExit(f"scratchae book: no notebook for {page.stem}")
            nb = nbformat.read(found[0], as_version=4)
            t0 = time.perf_counter()
            try:
                nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                        resources={"metadata": {"path": str(workdir)}}).execute()
            except Exception as exc:             # CellExecutionError, timeouts, a dead kernel
                raise SystemExit(f"scratchae book: notebook {page.stem} failed: {exc}") from exc
            seconds = time.perf_counter() - t0
            shown = sum("image/png" in o.get("data", {}) for c in nb.cells
                        if c.cell_type == "code" for o in c.get("outputs", []))
            times[page.stem] = (seconds, shown)
            printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                              for o in c.get("outputs", []) if o.get("output_type") == "stream")
            if _check_lines(printed) != _check_lines(_page_text(page)):
                raise SystemExit(f"scratchae book: notebook {page.stem} printed other checks "
                                 "than its page")
            print(f"  notebook {page.stem:<32} ok in {seconds:.1f} s, {shown} figures",
                  flush=True)
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    return times


def build(out="scratchae-out/book", quick=True, lessons=None, lessons_dir=None, results=None,
          docs_dir=None, quiet=False, api=True):
    """Build the book into ``out``; return the path of its ``index.html``.

    ``lessons`` is None (all), or ``"1,2"``/``[1, 2]``: the lesson numbers to include.
    ``results`` is where ``scratchae reproduce`` wrote its JSON (default: the parent of ``out``).
    ``api=False`` leaves the API reference out (a faster build, for tests).
    Raises ``SystemExit`` with a message if a dependency is missing or the build fails (a lesson
    whose check fails stops the build).
    """
    missing = missing_requirements()
    if missing:
        raise SystemExit(f"scratchae book: missing {', '.join(missing)}; "
                         "install the docs extra: pip install -e \".[docs]\"")
    if isinstance(lessons, (list, tuple, set)):
        lessons = ",".join(str(n) for n in lessons)
    chosen = select_lessons(lessons_dir, lessons)
    out = Path(out).resolve()
    docs = Path(docs_dir).resolve() if docs_dir else find_docs_dir()
    results = Path(results) if results else out.parent
    _prepare_out(out)
    work = _work_dir(out)
    src = _stage(work, docs, chosen, results, api=api)

    package_root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, MPLBACKEND="Agg", SCRATCHAE_BOOK_MODE="quick" if quick else "full",
               SCRATCHAE_OUT=str(work / "run"),
               PYTHONPATH=os.pathsep.join(filter(None, [package_root,
                                                         os.environ.get("PYTHONPATH")])))
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(work / "doctrees"),
           "-w", str(warnings_file(out)), str(src), str(out)]
    t0 = time.perf_counter()
    code = subprocess.call(cmd, env=env)
    seconds = time.perf_counter() - t0
    index = out / "index.html"
    if code != 0 or not index.is_file():
        raise SystemExit(f"scratchae book: the build failed (sphinx exit {code}) after "
                         f"{seconds:.0f} s; see the messages above")
    if not quiet:
        times = lesson_times(out)
        for name, secs in times.items():
            print(f"  {name:<32} {secs:7.1f} s")
        pages = len(times)
        figures = len([p for p in (out / "_images").glob("sphx_glr_*.png")
                       if not p.stem.endswith("_thumb")])
        print(f"scratchae book: {pages} lesson pages, {figures} figure files "
              f"({'quick' if quick else 'full'}) in {seconds:.0f} s")
        log = warnings_file(out)
        text = log.read_text(encoding="utf-8") if log.is_file() else ""
        warned = [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]
        if warned:
            print(f"scratchae book: Sphinx printed {len(warned)} warnings, kept in {log}")
    return index
