"""The API reference renders what the docstrings say.

Two ways a plain-text docstring goes wrong in the book are tested here, on every docstring the
book's API pages show (Sphinx's napoleon extension, then the book's own docstring hook in
``docs/conf.py``, then docutils, as in the build): parameters that are not parameters, and
formula blocks shown as quotations with their lines run together.

The book's API pages go through Sphinx's napoleon extension, which reads a numpy-style
``Parameters`` section up to the next section heading: a paragraph written after the parameters
(say "Attributes after ``fit``: ...") would be rendered as more parameters with nonsense names.
This test converts every docstring the API pages show, as the book does, and asks that every
documented parameter be a name. Skipped when the ``docs`` extra (Sphinx) is not installed.
"""
import importlib
import importlib.util
import inspect
import re
from pathlib import Path

import pytest

pytest.importorskip("sphinx.ext.napoleon", reason="the docs extra is not installed")
from sphinx.ext.napoleon import Config  # noqa: E402
from sphinx.ext.napoleon.docstring import GoogleDocstring, NumpyDocstring  # noqa: E402

from scratchae.book import api_modules  # noqa: E402

FIELD = re.compile(r"^\s*:(param|type)\s+([^:]*):")
NAME = re.compile(r"\*{0,2}[A-Za-z_]\w*(\s*,\s*\*{0,2}[A-Za-z_]\w*)*")


def documented_objects():
    """(qualified name, object, kind) of every docstring the book's API pages render."""
    for _, _, names in api_modules():
        for name in names:
            module = importlib.import_module(name)
            yield name, module, "module"
            for attr, value in vars(module).items():
                if attr.startswith("_") or getattr(value, "__module__", None) != name:
                    continue
                if inspect.isfunction(value):
                    yield f"{name}.{attr}", value, "function"
                elif inspect.isclass(value):
                    yield f"{name}.{attr}", value, "class"
                    for member, v in vars(value).items():
                        if isinstance(v, property):
                            v = v.fget
                        if isinstance(v, (staticmethod, classmethod)):
                            v = v.__func__
                        if inspect.isfunction(v) and (not member.startswith("_")
                                                      or member == "__init__"):
                            yield f"{name}.{attr}.{member}", v, "method"


def rendered(obj, kind):
    config = Config(napoleon_use_param=True, napoleon_use_rtype=True)
    doc = inspect.getdoc(obj) or ""
    return str(GoogleDocstring(str(NumpyDocstring(doc, config, what=kind)), config, what=kind))


def test_every_documented_parameter_is_a_name():
    wrong = []
    for qualname, obj, kind in documented_objects():
        for line in rendered(obj, kind).splitlines():
            m = FIELD.match(line)
            if m and not NAME.fullmatch(m.group(2).strip()):
                wrong.append(f"{qualname}: {line.strip()[:100]}")
    assert not wrong, ("text after a Parameters section is rendered as parameters; move it "
                       "before the section or under its own heading (Returns, Notes, "
                       "Examples):\n" + "\n".join(wrong))


def test_the_check_catches_a_paragraph_after_the_parameters():
    def f(x):
        """Do it.

        Parameters
        ----------
        x : int
            The input.

        Attributes after ``fit``: ``y_``.
        """
    lines = [l for l in rendered(f, "function").splitlines() if FIELD.match(l)]
    assert any(not NAME.fullmatch(FIELD.match(l).group(2).strip()) for l in lines)


def book_conf():
    """The book's ``docs/conf.py`` as a module (for its docstring hook)."""
    path = Path(__file__).resolve().parents[1] / "docs" / "conf.py"
    spec = importlib.util.spec_from_file_location("scratchae_book_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


def doctree(obj, kind, hook):
    """The docutils tree of ``obj``'s docstring as the book renders it, and the messages
    docutils reported (Sphinx's roles stand in as plain literals)."""
    from docutils import nodes
    from docutils.core import publish_doctree
    from docutils.parsers.rst import roles

    for role in ("class", "func", "mod", "meth", "data", "attr", "exc", "doc", "obj"):
        roles.register_generic_role(role, nodes.literal)
    lines = rendered(obj, kind).splitlines()
    hook(None, kind, getattr(obj, "__name__", ""), obj, {}, lines)
    tree = publish_doctree("\n".join(lines), settings_overrides={
        "report_level": 5, "halt_level": 5, "warning_stream": False})
    messages = [m.astext() for m in tree.findall(nodes.system_message) if m["level"] >= 2]
    return tree, messages


def test_formula_blocks_render_as_literal_blocks_and_docutils_does_not_warn():
    from docutils import nodes

    hook = book_conf()._plain_text_docstring
    quoted, warned = [], []
    for qualname, obj, kind in documented_objects():
        tree, messages = doctree(obj, kind, hook)
        for quote in tree.findall(nodes.block_quote):
            quoted.append(f"{qualname}: {quote.astext()[:70]!r}")
        warned += [f"{qualname}: {m[:100]}" for m in messages]
    assert not quoted, "indented blocks shown as quotations:\n" + "\n".join(quoted)
    assert not warned, "\n".join(warned)


def test_the_hook_turns_an_indented_formula_into_a_literal_block():
    from docutils import nodes

    def f():
        """Squared distances by one product

            |x - y|^2 = |x|^2 + |y|^2 - 2 x . y

        and a list:

        1. the density

            p(x) = (1/n) sum_i N(x; x_i, h^2 I)
        """
    hook = book_conf()._plain_text_docstring
    tree, messages = doctree(f, "function", hook)
    blocks = [b.astext() for b in tree.findall(nodes.literal_block)]
    assert blocks == ["|x - y|^2 = |x|^2 + |y|^2 - 2 x . y", "p(x) = (1/n) sum_i N(x; x_i, h^2 I)"]
    assert not list(tree.findall(nodes.block_quote)) and not messages
    assert "::" not in tree.astext()
