"""The README's code runs as printed, and every ``scratchae`` command it prints is accepted by the
real argument parser (long runs are parsed, not executed)."""
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from scratchae.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

# placeholders the README writes in a command, and a real value for each (by sub-command)
PLACEHOLDERS = {"reproduce": {"NAME": "pca-mnist"}, "bench": {"NAME": "vae-train"},
                "exercises": {"NAME": "03_four_equations", "F": "answers.py", "DIR": "exercises"},
                "lessons": {"N": "2", "DIR": "out"}, "book": {"DIR": "out"}}


def section(title):
    """The text of the README section ``## title`` (up to the next ``## ``)."""
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert m, f"README has no section '## {title}'"
    return m.group(1)


def readme_commands():
    """Every ``scratchae ...`` command line in the README: in code spans, in code blocks (after
    ``&&`` or an environment assignment), and the flags each reproductions-table row cites
    (a row naming `NAME` and `--flag value` stands for ``scratchae reproduce NAME --flag value``)."""
    found = []
    spans = re.findall(r"`([^`\n]+)`", README)
    blocks = re.findall(r"```(?:bash|sh|console)?\n(.*?)```", README, re.S)
    for text in spans + [line for b in blocks for line in b.splitlines()]:
        for part in text.split("&&"):
            if not re.search(r"(^|\s)scratchae\s", part):
                continue
            words = shlex.split(part.strip())
            while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):   # VAR=value prefix
                words = words[1:]
            if words and words[0] == "scratchae":
                found.append(" ".join(shlex.quote(w) for w in words))
    for row in section("Reproductions").splitlines():
        cells = row.split("|")
        if len(cells) < 3:
            continue
        name = re.fullmatch(r"\s*`([\w-]+)`\s*", cells[1])
        flags = [s for s in re.findall(r"`([^`]+)`", row) if s.startswith("--")]
        if name and flags:
            found.append(f"scratchae reproduce {name.group(1)} {' '.join(flags)}")
    return sorted(set(found))


COMMANDS = readme_commands()


def test_the_readme_names_the_course_commands():
    assert "scratchae lessons run all" in COMMANDS
    assert "scratchae lessons list" in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_parses(command):
    words = shlex.split(command)[1:]
    values = PLACEHOLDERS.get(words[0], {}) if words else {}
    words = [values.get(w, w) for w in words]
    try:
        build_parser().parse_args(words)
    except SystemExit as exc:
        if exc.code == 0:                  # --help: printed and accepted
            return
        pytest.fail(f"the README prints `{command}`, which scratchae refuses (exit {exc.code})")


def test_library_in_one_screen_runs_as_printed(tmp_path):
    code = re.search(r"```python\n(.*?)```", section("The library in one screen"), re.S)
    assert code, "the section has no python block"
    script = tmp_path / "snippet.py"
    script.write_text(code.group(1), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr


def test_library_in_one_screen_has_no_unused_import():
    code = re.search(r"```python\n(.*?)```", section("The library in one screen"), re.S).group(1)
    names = []
    for line in code.splitlines():
        m = re.match(r"\s*from \S+ import (.+)", line) or re.match(r"\s*import (\S+)(?: as (\w+))?",
                                                                     line)
        if m:
            part = m.group(2) if m.lastindex == 2 and m.group(2) else m.group(1)
            names += [n.split(" as ")[-1].strip() for n in part.split(",")]
    body = "\n".join(l for l in code.splitlines() if not re.match(r"\s*(from|import) ", l))
    unused = [n for n in names if not re.search(rf"\b{re.escape(n)}\b", body)]
    assert not unused, f"imported but unused in the README snippet: {unused}"
