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
        assert "parse_args" in text, f"{name}: use scratchae.lesson.parse_args"
        assert "Exercises" in text, f"{name}: end with exercises"


def test_lessons_list_command(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert cli.main(["lessons", "list"]) == 0
    out = capsys.readouterr().out
    assert "01  four_equations" in out and "Lesson 01" in out


def test_running_a_lesson_writes_its_figure(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert cli.main(["lessons", "run", "2", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "02_mse_vs_cross_entropy" / "mse_vs_cross_entropy.png").stat().st_size > 0


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
