"""Sphinx configuration of the scratchae book.

Build it with ``scratchae book`` (see ``scratchae/book.py``), which copies this folder into a
staging folder, adds the chosen lessons and the generated pages, and runs Sphinx there. The
lessons run once, under sphinx-gallery, in quick mode unless ``--full`` was asked for.
"""
import os
import re

from sphinx_gallery.sorting import FileNameSortKey

project = "scratchae"
author = "the scratchae authors"
copyright = "the scratchae authors, MIT licence"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "lesson_list.rst", "lessons_src/GALLERY_HEADER.rst"]
templates_path = []
# Nothing is fetched while building: no inventories of other projects' docs.
intersphinx_mapping = {}
myst_heading_anchors = 3
suppress_warnings = ["myst.xref_missing", "myst.header"]

autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_google_docstring = True
napoleon_numpy_docstring = True

html_theme = "pydata_sphinx_theme"
html_title = "scratchae: autoencoders from scratch"
html_show_sourcelink = False
html_theme_options = {
    "show_prev_next": True,
    "navigation_with_keys": False,
    "navbar_end": ["theme-switcher"],
    "secondary_sidebar_items": ["page-toc", "sg_download_links"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_static_path = []

sphinx_gallery_conf = {
    "examples_dirs": ["lessons_src"],
    "gallery_dirs": ["lessons"],
    # every lesson is run (the default pattern runs only files named plot_*)
    "filename_pattern": r"/\d\d_\w+\.py$",
    "within_subsection_order": FileNameSortKey,
    # --quick or --full, from `scratchae book`'s flag
    "reset_argv": "scratchae.book.gallery_argv",
    # a failed check fails the build at once
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "capture_repr": (),
    "image_scrapers": ("matplotlib",),
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "show_signature": False,
    "backreferences_dir": None,
    "reference_url": {},
    "min_reported_time": 0,
}


# Plain-text formulas in the library's docstrings sit in indented blocks after a line ending with
# a colon. RST would show them as quotes in a proportional font, squashing their alignment; turn
# such a colon into "::" so they render as literal blocks, as written.
_INDENT = re.compile(r"^(\s*)")


def _literal_formula_blocks(app, what, name, obj, options, lines):
    for i in range(len(lines) - 2):
        line = lines[i]
        stripped = line.strip()
        if (not stripped.endswith(":") or stripped.endswith("::") or stripped.startswith((":", ".."))
                or lines[i + 1].strip()):
            continue
        here = len(_INDENT.match(line).group(1))
        nxt = lines[i + 2]
        if nxt.strip() and len(_INDENT.match(nxt).group(1)) > here:
            lines[i] = line + ":"


def setup(app):
    app.connect("autodoc-process-docstring", _literal_formula_blocks, priority=600)
