"""The command line: lessons are found, listed in order, run, and failures are reported."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scratchae import cli
from scratchae.report import Report

ROOT = Path(__file__).resolve().parents[1]


def test_lessons_are_listed_in_order():
    lessons = cli.list_lessons(ROOT / "lessons")
    numbers = [n for n, _, _ in lessons]
    assert numbers[:3] == [1, 2, 3]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == len(numbers), "two lessons share a number"


def test_every_lesson_has_a_title_and_exercises():
    for _, name, path in cli.list_lessons(ROOT / "lessons"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith('"""Lesson'), f"{name}: the docstring must open with its title"
        title, underline = text[3:].splitlines()[:2]
        assert set(underline) == {"="} and len(underline) >= len(title), \
            f"{name}: the title needs an RST underline of '=' at least as long as the title"
        assert "# %%" in text, f"{name}: cells start with '# %%'"
        assert "parse_args" in text, f"{name}: use scratchae.lesson.parse_args"
        assert "Exercises" in text, f"{name}: end with exercises"


def test_lessons_list_command(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert cli.main(["lessons", "list"]) == 0
    out = capsys.readouterr().out
    assert "01  four_equations" in out and "Lesson 01" in out


def test_running_a_lesson_writes_its_figure_text_and_index(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert cli.main(["lessons", "run", "2", "--out", str(tmp_path)]) == 0
    folder = tmp_path / "02_mse_vs_cross_entropy"
    figures = sorted(folder.glob("02_*.png"))
    assert figures and all(f.stat().st_size > 0 for f in figures)
    text = (folder / "output.txt").read_text()
    assert "[check ok]" in text and "[data] " in text and "[figure] " in text
    index = (tmp_path / "index.md").read_text()
    assert "02_mse_vs_cross_entropy" in index and "| ok |" in index
    for line in text.splitlines():
        if line.startswith("[check ok] "):
            assert line[len("[check ok] "):] in index
    assert figures[0].name in index


def _fake_lessons(folder, bodies):
    folder.mkdir()
    for name, body in bodies.items():
        (folder / f"{name}.py").write_text(f'"""Lesson {name[:2]}: fake."""\n' + body)
    return folder


def test_output_txt_keeps_stdout_and_stderr_and_index_lists_failures(tmp_path, monkeypatch):
    body = ("import sys\nprint('[data] synthetic: 3 points')\nprint('[check ok] one holds')\n"
            "print('to stderr', file=sys.stderr)\nprint('[figure] /nowhere/01_a.png')\n"
            "print('[check FAILED] two does not', file=sys.stderr)\nraise SystemExit(2)\n")
    monkeypatch.setenv("SCRATCHAE_LESSONS",
                       str(_fake_lessons(tmp_path / "lessons", {"01_fake": body})))
    assert cli.main(["lessons", "run", "all", "--out", str(tmp_path / "out")]) == 1
    text = (tmp_path / "out" / "01_fake" / "output.txt").read_text()
    assert "to stderr" in text and "[check ok] one holds" in text
    index = (tmp_path / "out" / "index.md").read_text()
    assert "FAILED (exit 2)" in index and "synthetic: 3 points" in index
    assert "**[check FAILED]** two does not" in index and "01_a.png" in index


def test_seed_and_threads_reach_the_lesson(tmp_path, monkeypatch):
    body = ("import os, sys\nprint('argv', sys.argv[1:])\n"
            "print('threads', os.environ.get('OPENBLAS_NUM_THREADS'))\n")
    monkeypatch.setenv("SCRATCHAE_LESSONS",
                       str(_fake_lessons(tmp_path / "lessons", {"01_fake": body})))
    out = tmp_path / "out"
    assert cli.main(["lessons", "run", "1", "--out", str(out), "--seed", "3",
                     "--threads", "1"]) == 0
    text = (out / "01_fake" / "output.txt").read_text()
    assert "'--seed', '3'" in text and "threads 1" in text


def test_help_has_a_description_and_examples(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    assert "examples:" in text and "scratchae lessons run all" in text
    with pytest.raises(SystemExit):
        cli.main(["lessons", "run", "--help"])
    text = capsys.readouterr().out
    assert "papers' scale" in text and "--threads" in text


def test_a_failing_lesson_fails_the_run(tmp_path, monkeypatch):
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "01_broken.py").write_text('"""Lesson 01: broken."""\nraise SystemExit(3)\n')
    monkeypatch.setenv("SCRATCHAE_LESSONS", str(folder))
    assert cli.main(["lessons", "run", "all", "--out", str(tmp_path / "out")]) == 1


def test_unknown_lesson_number_is_a_clear_error(monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit, match="no lesson numbered"):
        cli.main(["lessons", "run", "99"])


def test_reproduce_and_bench_list(capsys):
    assert cli.main(["reproduce", "list"]) == 0
    assert cli.main(["bench", "list"]) == 0
    with pytest.raises(SystemExit, match="unknown reproduce"):
        cli.main(["reproduce", "no-such-thing"])


def test_report_json_has_the_shared_shape(tmp_path):
    report = Report("demo", params={"n": 3})
    report.add("error", 1.5, 2.0, source="paper", unit="%")
    path = report.write(tmp_path)
    data = json.loads(path.read_text())
    assert set(data) == {"name", "rows", "params", "seconds", "machine"}
    assert data["rows"][0] == {"metric": "error", "ours": 1.5, "reference": 2.0,
                               "source": "paper", "unit": "%"}
    assert data["machine"]["cpu_count"] >= 1


def test_console_script_entry_point():
    out = subprocess.run([sys.executable, "-m", "scratchae.cli", "lessons", "list"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0 and "four_equations" in out.stdout


def test_output_txt_keeps_the_last_state_of_progress_bars_and_crlf_lines():
    import io
    import os
    import threading

    r, w = os.pipe()
    os.write(w, b"[data] x\r\n\rbar 50%\rbar 100%\r\n[check FAILED] y\r\n\r\rcleared\r   \r")
    os.close(w)
    lines, shown = [], io.BytesIO()
    cli._pump(r, [shown], lines, threading.Lock())
    os.close(r)
    assert lines == [b"[data] x", b"bar 100%", b"[check FAILED] y"]
    assert shown.getvalue().startswith(b"[data] x\r\n\rbar 50%")    # the terminal sees it all
