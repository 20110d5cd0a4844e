"""One quick build of the book for two short lessons, shared by test_book.py and test_browser.py.

The lessons are the course's own lessons 01 and 02 (the two shortest), from ``lessons/``.
"""
import atexit
import functools
import importlib.util
import shutil
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE_LESSONS = HERE.parent / "lessons"
LESSON_PAGES = ["01_four_equations", "02_mse_vs_cross_entropy"]
DOCS_PACKAGES = ["sphinx", "sphinx_gallery", "pydata_sphinx_theme", "myst_parser"]


def missing_docs_packages():
    return [n for n in DOCS_PACKAGES if importlib.util.find_spec(n) is None]


@functools.lru_cache(maxsize=None)
def built_book():
    """Build once per test session; return the folder holding index.html."""
    from scratchae.book import build

    root = Path(tempfile.mkdtemp(prefix="scratchae-book-test-"))
    atexit.register(shutil.rmtree, root, True)
    index = build(out=root / "book", quick=True, lessons="1,2", lessons_dir=FIXTURE_LESSONS,
                  results=root / "no-results", quiet=True)
    return index.parent
