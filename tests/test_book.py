"""The book: Sphinx + sphinx-gallery render each lesson as a page, with its output and figures.

Builds the book for the two shortest lessons (01 and 02, from lessons/) and checks
what a student would rely on. Skipped when the ``docs`` extra is not installed.
"""
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from _bookbuild import FIXTURE_LESSONS, LESSON_PAGES, built_book, missing_docs_packages

import scratchae.lesson as lesson

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
needs_docs = pytest.mark.skipif(
    bool(missing_docs_packages()),
    reason=f"the docs extra is not installed (missing {', '.join(missing_docs_packages())}); "
           "pip install -e \".[docs]\"")


def page_text(path):
    """Visible text of an HTML page, tags removed and entities decoded."""
    raw = Path(path).read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", "", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def check_lines(text):
    return [l.strip() for l in text.splitlines() if l.strip().startswith("[check ok]")]


def plain_run_checks(name, tmp_path):
    """The [check ok] lines of the lesson run as a plain script."""
    env = dict(os.environ, MPLBACKEND="Agg", SCRATCHAE_OUT=str(tmp_path))
    res = subprocess.run([sys.executable, str(FIXTURE_LESSONS / f"{name}.py"), "--quick"],
                         capture_output=True, text=True, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    return check_lines(res.stdout)


def png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return width, height


@pytest.fixture(scope="module")
def book():
    if missing_docs_packages():
        pytest.skip("the docs extra is not installed")
    return built_book()


@needs_docs
def test_each_lesson_has_a_page_linked_from_the_front_page(book):
    front = (book / "index.html").read_text(encoding="utf-8")
    for name in LESSON_PAGES:
        assert (book / "lessons" / f"{name}.html").is_file()
        assert f'href="lessons/{name}.html"' in front, f"front page does not link {name}"
    for page in ("reproductions.html", "speed.html", "api/index.html", "exercises.html"):
        assert (book / page).is_file(), page
        assert f'href="{page}"' in front, f"front page does not link {page}"


@needs_docs
def test_exercises_page_lists_every_exercise_with_its_student_file(book):
    from scratchae import exercises

    text = page_text(book / "exercises.html").replace("\u2019", "'")   # Sphinx's smart quotes
    raw = (book / "exercises.html").read_text(encoding="utf-8")
    for name, _, title in exercises.EXERCISES:
        assert f"{name}: {title}" in text, name
        assert f"scratchae exercises start {name}" in text, name
        link = re.search(rf'href="(_downloads/[^"]*/{re.escape(name)}\.py)"', raw)
        assert link, f"no download link to the student file of {name}"
        assert (book / link.group(1)).read_bytes() == exercises.student_file(name).read_bytes()
    assert "Derive:" in text          # the tasks themselves, from the student files' docstrings


@needs_docs
def test_the_api_reference_builds_without_docstring_warnings(book):
    from scratchae.book import warnings_file

    path = warnings_file(book)
    assert path.is_file(), "the build keeps Sphinx's warnings in a file"
    text = re.sub(r"\x1b\[[0-9;]*m", "", path.read_text(encoding="utf-8"))
    docstrings = [l for l in text.splitlines() if "docstring of" in l]
    assert not docstrings, "\n".join(docstrings)


@needs_docs
def test_every_image_is_an_existing_valid_png(book):
    pages = [book / "index.html", book / "lessons" / "index.html"]
    pages += [book / "lessons" / f"{n}.html" for n in LESSON_PAGES]
    for page in pages:
        srcs = re.findall(r'<img[^>]*\bsrc="([^"]+)"', page.read_text(encoding="utf-8"))
        for src in srcs:
            target = (page.parent / src.split("?")[0]).resolve()
            assert target.is_file(), f"{page.name}: <img src={src}> does not exist"
            w, h = png_size(target)
            assert w > 10 and h > 10, f"{target} is {w}x{h}"
    # each lesson draws a figure, and it is on the page
    for name in LESSON_PAGES:
        text = (book / "lessons" / f"{name}.html").read_text(encoding="utf-8")
        assert f"sphx_glr_{name}_001.png" in text, f"{name}: its figure is not on the page"


@needs_docs
def test_the_checks_printed_by_a_plain_run_are_on_the_page(book, tmp_path):
    for name in LESSON_PAGES:
        expected = plain_run_checks(name, tmp_path / name)
        assert expected, f"{name} printed no [check ok] line when run as a script"
        shown = check_lines(page_text(book / "lessons" / f"{name}.html"))
        assert shown == expected


@needs_docs
def test_downloads_of_py_and_ipynb_exist(book):
    for name in LESSON_PAGES:
        page = book / "lessons" / f"{name}.html"
        links = re.findall(r'href="([^"]+\.(?:py|ipynb))"', page.read_text(encoding="utf-8"))
        found = {Path(l).suffix: (page.parent / l).resolve() for l in links
                 if Path(l).name.startswith(name)}
        assert set(found) == {".py", ".ipynb"}, f"{name}: download links {links}"
        for path in found.values():
            assert path.is_file() and path.stat().st_size > 500, path


@needs_docs
def test_no_page_needs_the_network_to_render(book):
    external = re.compile(r'<(?:script|img|link)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"')
    for page in book.rglob("*.html"):
        found = external.findall(page.read_text(encoding="utf-8"))
        assert not found, f"{page.relative_to(book)} loads {found}"


@needs_docs
def test_the_notebooks_run_and_show_the_same_checks(book, tmp_path):
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from scratchae.book import run_notebooks

    times = run_notebooks(book, workdir=tmp_path, timeout=600)
    assert sorted(times) == LESSON_PAGES
    for name, (seconds, shown) in times.items():
        assert shown >= 1, f"the notebook of {name} shows no figure"
    # each notebook left its figure in the per-lesson folder, named by the lesson's prefix
    saved = sorted(p.name for p in (tmp_path / "out" / "lessons").rglob("*.png"))
    assert saved, "the notebooks saved no figure"


@needs_docs
def test_a_notebook_that_prints_other_checks_is_caught(book, tmp_path):
    import shutil

    import nbformat
    from scratchae.book import run_notebooks

    pytest.importorskip("nbclient")
    copy = tmp_path / "book"
    (copy / "lessons").mkdir(parents=True)
    name = LESSON_PAGES[0]
    shutil.copy(book / "lessons" / f"{name}.html", copy / "lessons")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('print("[check ok] something else")')]
    (copy / "_downloads").mkdir()
    nbformat.write(nb, copy / "_downloads" / f"{name}.ipynb")
    with pytest.raises(SystemExit, match="other checks"):
        run_notebooks(copy, workdir=tmp_path / "work", timeout=120)


@needs_docs
def test_a_failed_check_fails_the_build(tmp_path):
    from scratchae.book import build

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01_fails.py").write_text('''"""
Lesson 01: a claim that does not hold
=====================================

The check below is false, so the book must not build.
"""
from scratchae.lesson import check, parse_args

args = parse_args("a failing lesson")
check(1 + 1 == 3, "one plus one is three")
''', encoding="utf-8")
    with pytest.raises(SystemExit, match="build failed"):
        build(out=tmp_path / "book", lessons_dir=lessons, results=tmp_path, quiet=True, api=False)
    assert not (tmp_path / "book" / "lessons" / "01_fails.html").exists()


def test_reproductions_page_shows_our_json_runs_and_the_readme_table(tmp_path):
    import json

    from scratchae.book import _reproductions_page

    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n## Reproductions\n\n| name | ours |\n| --- | --- |\n"
                      "| `pca-mnist` | 13.87 |\n\n## Speed\n\nfast\n", encoding="utf-8")
    page = _reproductions_page(readme, tmp_path)
    assert "No `scratchae reproduce` results" in page and "| `pca-mnist` | 13.87 |" in page
    assert "fast" not in page                         # the section ends at the next heading
    run = {"name": "pca-mnist", "rows": [{"metric": "squared error", "ours": 13.8712,
                                          "reference": 13.87, "source": "Hinton 2006",
                                          "unit": "per image"}],
           "params": {"components": 30}, "seconds": 9.6}
    (tmp_path / "pca-mnist.json").write_text(json.dumps(run), encoding="utf-8")
    (tmp_path / "not-a-run.json").write_text("{}", encoding="utf-8")
    page = _reproductions_page(readme, tmp_path)
    assert "| squared error | 13.87 | 13.87 | per image | Hinton 2006 |" in page
    assert "not-a-run" not in page and "| `pca-mnist` | 13.87 |" in page


def test_speed_page_takes_the_readme_section_and_the_speed_notes(tmp_path):
    from scratchae.book import _speed_pages

    docs, src = tmp_path / "docs", tmp_path / "src"
    docs.mkdir()
    src.mkdir()
    (docs / "speed_notes_flat_params.md").write_text("# Flat parameters\n\nmeasured\n")
    readme = tmp_path / "README.md"
    readme.write_text("## Speed\n\n| bench | ratio |\n| --- | --- |\n| `vae-train` | 2.0 |\n\n"
                      "## License\n\nMIT\n", encoding="utf-8")
    _speed_pages(readme, docs, src)
    page = (src / "speed.md").read_text(encoding="utf-8")
    assert "| `vae-train` | 2.0 |" in page and "MIT" not in page
    assert "```{toctree}" in page and "speed_notes_flat_params" in page


def test_exercises_page_takes_the_readme_section_and_each_student_docstring(tmp_path):
    from scratchae import exercises
    from scratchae.book import _exercises_page

    readme = tmp_path / "README.md"
    readme.write_text("## Exercises\n\nDerive it yourself.\n\n## Data\n\nMNIST\n",
                      encoding="utf-8")
    _exercises_page(readme, tmp_path)
    page = (tmp_path / "exercises.md").read_text(encoding="utf-8")
    assert "Derive it yourself." in page and "MNIST" not in page
    for name, _, _ in exercises.EXERCISES:
        first_line = exercises.student_file(name).read_text(encoding="utf-8").split("\n")[0]
        assert first_line.strip('"') in page, name
        assert (tmp_path / "exercise_files" / f"{name}.py").is_file()


def test_gallery_runs_lessons_in_the_mode_asked_for(monkeypatch):
    from scratchae.book import gallery_argv

    monkeypatch.setenv("SCRATCHAE_BOOK_MODE", "quick")
    assert gallery_argv({}, {}) == ["--quick"]
    monkeypatch.setenv("SCRATCHAE_BOOK_MODE", "full")
    assert gallery_argv({}, {}) == ["--full"]


def test_book_refuses_to_replace_a_folder_it_did_not_build(tmp_path):
    from scratchae.book import _prepare_out

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("keep me")
    with pytest.raises(SystemExit, match="not a book folder"):
        _prepare_out(tmp_path / "mine")
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "keep me"
    _prepare_out(tmp_path / "book")                   # new: created and marked
    (tmp_path / "book" / "old.html").write_text("stale")
    _prepare_out(tmp_path / "book")                   # a previous book: replaced
    assert not (tmp_path / "book" / "old.html").exists()


# ---- scratchae.lesson in its three homes (no docs extra needed)

def test_plain_run_writes_figures_to_the_lessons_own_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("SCRATCHAE_OUT", str(tmp_path))
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "08_denoising_autoencoder.py")])
    args = lesson.parse_args("test")
    assert args.out == tmp_path / "lessons" / "08_denoising_autoencoder"
    assert args.quick and args.out.is_dir()
    args = lesson.parse_args("test", argv=["--full", "--out", str(tmp_path / "x")])
    assert not args.quick and args.out == tmp_path / "x"


def test_kernel_argv_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("SCRATCHAE_OUT", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["/x/ipykernel_launcher.py", "-f", "/tmp/kernel-1.json"])
    monkeypatch.setattr(lesson, "in_kernel", lambda: True)
    monkeypatch.delenv("SCRATCHAE_LESSON_ARGS", raising=False)
    assert lesson.parse_args("test").quick
    monkeypatch.setenv("SCRATCHAE_LESSON_ARGS", "--full --seed 3")
    args = lesson.parse_args("test")
    assert not args.quick and args.seed == 3


def test_save_figure_keeps_the_figure_open_only_for_the_gallery(monkeypatch, tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    args = lesson.parse_args("test", argv=["--out", str(tmp_path)])
    fig = plt.figure()
    monkeypatch.setattr(lesson, "in_gallery", lambda: False)
    path = lesson.save_figure(fig, args, "01_a.png")
    assert png_size(path)[0] > 10 and not plt.fignum_exists(fig.number)
    fig = plt.figure()
    monkeypatch.setattr(lesson, "in_gallery", lambda: True)
    lesson.save_figure(fig, args, "01_b.png")
    assert plt.fignum_exists(fig.number)
    plt.close(fig)
