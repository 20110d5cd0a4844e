"""Sphinx configuration of the scratchae book.

Build it with ``scratchae book`` (see ``scratchae/book.py``), which copies this folder into a
staging folder, adds the chosen lessons and the generated pages, and runs Sphinx there. The
lessons run once, under sphinx-gallery, in quick mode unless ``--full`` was asked for.
"""
import re

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
html_title = "scratchae"
html_show_sourcelink = False
html_theme_options = {
    "show_prev_next": True,
    "navigation_with_keys": False,
    "navbar_end": ["theme-switcher"],
    # lesson pages have no sections: their width goes to the code and its output instead
    "secondary_sidebar_items": {"index": ["page-toc"], "api/*": ["page-toc"],
                                "reproductions": ["page-toc"], "speed*": ["page-toc"],
                                "lessons/*": []},
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_sidebars = {"index": [], "reproductions": []}   # single pages: no section navigation
html_static_path = ["_static"]
html_css_files = ["book.css"]

sphinx_gallery_conf = {
    "examples_dirs": ["lessons_src"],
    "gallery_dirs": ["lessons"],
    # every lesson is run (the default pattern runs only files named plot_*)
    "filename_pattern": r"/\d\d_\w+\.py$",
    "within_subsection_order": "sphinx_gallery.sorting.FileNameSortKey",
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
    # its timing pages load CSS/JS from CDNs; `scratchae book` prints the times instead
    "write_computation_times": False,
}


# The library's docstrings are plain text with a little RST (``literals``, ``::`` blocks). Three
# plain-text habits would be misread by RST, so each docstring is adjusted before it is parsed:
# a formula or code block indented under a paragraph (after a blank line) becomes a literal block
# (as written, in a fixed-width font, instead of a quotation with its lines run together); "|z|"
# (an absolute value) would be a substitution and "weights_" (a learned attribute) a link, so
# their "|" and trailing "_" are escaped outside literals.
_INDENT = re.compile(r"^(\s*)")
_FIELD = re.compile(r"^:[\w ]+:(\s|$)")          # ":param x: ...", not a role ":class:`X`"
_TRAILING_UNDERSCORE = re.compile(r"(?<=[A-Za-z0-9])_(?=[\s.,;:)\]]|$)")


def _indent(line):
    return len(_INDENT.match(line).group(1))


def _escape_inline(text):
    parts = text.split("``")
    for i in range(0, len(parts), 2):          # outside ``inline literals``
        if ":" in parts[i] and "`" in parts[i]:
            continue                           # a role such as :class:`~x.Y` stays as is
        parts[i] = parts[i].replace("|", "\\|")
        parts[i] = _TRAILING_UNDERSCORE.sub(r"\\_", parts[i])
    return "``".join(parts)


def _plain_text_docstring(app, what, name, obj, options, lines):
    literal_at = None                          # indentation of the line that opened a literal block
    for i, line in enumerate(lines):
        stripped = line.strip()
        if literal_at is not None:
            if not stripped or _indent(line) > literal_at:
                continue
            literal_at = None
        nxt = next((l for l in lines[i + 1:] if l.strip()), "")
        blank_follows = i + 1 < len(lines) and not lines[i + 1].strip()
        opens_block = (blank_follows and nxt and _indent(nxt) > _indent(line)
                       and not stripped.startswith(("..", ">>>")) and not _FIELD.match(stripped))
        if opens_block and not stripped.endswith("::"):
            # "text:" -> "text::" shows "text:"; "text ::" shows "text" -- both then a literal
            suffix = ":" if stripped.endswith(":") else " ::"
            line = line + suffix
            stripped += suffix
        if stripped.startswith(">>>"):
            continue
        lines[i] = _escape_inline(line)
        if stripped.endswith("::") and not stripped.startswith(".. "):
            literal_at = _indent(line)
        elif stripped.startswith(".. code") or stripped.startswith(".. math"):
            literal_at = _indent(line)


def setup(app):
    app.connect("autodoc-process-docstring", _plain_text_docstring, priority=600)
