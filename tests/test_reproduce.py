"""``scratchae reproduce``: every reproduction is defined by data, seed and passes.

- a ``--quick`` run twice with the same seed writes the same numbers (every reproduction);
- every command the README's Reproductions section prints parses with the real parser;
- ``scratchae reproduce NAME --help`` lists that reproduction's settings with their defaults;
- a time budget only stops a run early, and the report says that it did;
- m2-100-labels trains with the alpha it reports; deep-ae-mnist chooses on validation data.
"""
import json
import os
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

from scratchae import cli
from scratchae._registry import discover
from scratchae.reproduce._common import Budget, add_config_arguments, parse_pairs, resolve

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("SCRATCHAE_DATA", ROOT.parent / "shared" / "data"))
REPRODUCTIONS = discover("scratchae.reproduce")


def _have(name):
    if name == "usps-parzen":
        return (DATA / "usps" / "usps.npz").is_file()
    folder = DATA / "mnist"
    return folder.is_dir() and any(folder.glob("t10k-images-idx3-ubyte*"))


def _run(name, out, monkeypatch, **flags):
    if not _have(name):
        pytest.skip(f"data for {name} not found under {DATA} (set SCRATCHAE_DATA)")
    monkeypatch.setenv("SCRATCHAE_DATA", str(DATA))
    REPRODUCTIONS[name].run(out=out, quick=True, seed=flags.pop("seed", 0), **flags)
    return json.loads((Path(out) / f"{name}.json").read_text())


def _numbers(data):
    """(metric, ours) of every row that is not a time."""
    return [(r["metric"], r["ours"]) for r in data["rows"] if r["unit"] != "s"]


def test_every_reproduction_is_listed_and_declares_its_settings():
    assert set(REPRODUCTIONS) == {"aae-parzen", "cae-jacobian", "deep-ae-mnist", "m2-100-labels",
                                  "pca-mnist", "sdae-mnist", "usps-parzen", "vae-iwae",
                                  "vae-pytorch-example"}
    for name, module in REPRODUCTIONS.items():
        assert hasattr(module, "add_arguments") and isinstance(module.FULL, dict), name
        assert set(module.QUICK) <= set(module.FULL), name


@pytest.mark.parametrize("name", sorted(REPRODUCTIONS))
def test_quick_run_twice_with_one_seed_gives_the_same_numbers(name, tmp_path, monkeypatch):
    first = _run(name, tmp_path / "a", monkeypatch)
    second = _run(name, tmp_path / "b", monkeypatch)
    numbers = _numbers(first)
    assert any(isinstance(v, float) and np.isfinite(v) for _, v in numbers)
    assert numbers == _numbers(second)
    assert first["params"]["quick"] is True


def test_a_different_seed_gives_different_numbers(tmp_path, monkeypatch):
    """The test above could pass by ignoring the seed; this one could not."""
    a = _run("vae-pytorch-example", tmp_path / "a", monkeypatch, seed=0)
    b = _run("vae-pytorch-example", tmp_path / "b", monkeypatch, seed=1)
    assert _numbers(a)[0][1] != _numbers(b)[0][1]


def _readme_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Reproductions", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]   # the table
    return [c for row in rows for c in re.findall(r"`(scratchae reproduce [^`]*)`", row)]


def test_every_readme_reproduction_command_parses_with_the_real_parser():
    commands = _readme_commands()
    assert len(commands) >= len(REPRODUCTIONS)
    named = set()
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "scratchae"
        args = cli.build_parser().parse_args(argv[1:])     # SystemExit on an unknown flag
        assert args.command == "reproduce"
        if args.name in REPRODUCTIONS:
            module = REPRODUCTIONS[args.name]
            flags = {k: v for k, v in vars(args).items() if k in module.FULL}
            resolve(module.FULL, module.QUICK, args.quick, flags)
            named.add(args.name)
    assert named == set(REPRODUCTIONS), f"README rows without a command: " \
                                        f"{sorted(set(REPRODUCTIONS) - named)}"


@pytest.mark.parametrize("name", sorted(REPRODUCTIONS))
def test_help_lists_every_setting_with_its_default(name, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["reproduce", name, "--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for key in REPRODUCTIONS[name].FULL:
        assert "--" + key.replace("_", "-") in text, key
    assert "--seed" in text and "--quick" in text


def test_reproduce_help_names_every_reproduction(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["reproduce", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert all(name in text for name in REPRODUCTIONS)


def test_flags_reach_run_and_unknown_ones_are_refused(monkeypatch, capsys):
    seen = {}
    module = REPRODUCTIONS["sdae-mnist"]
    monkeypatch.setattr(module, "run", lambda **kw: seen.update(kw))
    cli.main(["reproduce", "sdae-mnist", "--finetune-epochs", "7", "--hidden", "32,16",
              "--seed", "3", "--out", "somewhere"])
    assert seen["finetune_epochs"] == 7 and seen["hidden"] == [32, 16] and seen["seed"] == 3
    assert seen["pretrain_epochs"] is None and str(seen["out"]) == "somewhere"
    with pytest.raises(SystemExit):
        cli.main(["reproduce", "sdae-mnist", "--budget-minutes", "5"])   # not one of its flags
    with pytest.raises(SystemExit, match="unknown reproduce"):
        cli.main(["reproduce", "no-such-thing"])


def test_sdae_help_shows_the_readme_default():
    parser = cli.build_parser()
    sub = parser._subparsers._group_actions[0].choices["reproduce"]
    help_text = sub._subparsers._group_actions[0].choices["sdae-mnist"].format_help()
    assert "default 30" in " ".join(help_text.split())


def test_resolve_merges_defaults_quick_and_flags():
    full, quick = {"epochs": 10, "lr": 1e-3, "sizes": [4, 2]}, {"epochs": 2}
    assert resolve(full, quick, False, {"lr": None}) == full
    assert resolve(full, quick, True, {"lr": 0.5}) == {"epochs": 2, "lr": 0.5, "sizes": [4, 2]}
    assert resolve(full, quick, True, {"epochs": 7})["epochs"] == 7
    with pytest.raises(TypeError, match="unknown settings"):
        resolve(full, quick, False, {"epoch": 3})
    assert parse_pairs("8:6,11:7") == [[8, 6], [11, 7]]


def test_config_arguments_parse_types_from_the_defaults():
    import argparse
    parser = argparse.ArgumentParser()
    add_config_arguments(parser, {"n": 1, "x": 0.5, "flag": True, "sizes": [1, 2], "name": "a"})
    args = parser.parse_args(["--n", "3", "--x", "2", "--flag", "false", "--sizes", "5,6"])
    assert (args.n, args.x, args.flag, args.sizes, args.name) == (3, 2.0, False, [5, 6], None)


def test_budget_never_fires_without_minutes_and_remembers_when_it_did():
    assert not Budget(None).expired()
    b = Budget(0.0)
    assert b.expired() and b.fired


def test_a_budget_stop_is_reported_as_such(tmp_path, monkeypatch):
    data = _run("vae-iwae", tmp_path, monkeypatch, epochs=3, budget_minutes=0.0)
    assert data["params"]["passes_made"] == 1 and data["params"]["passes_configured"] == 3
    assert "budget" in data["params"]["ended_by"]
    row = next(r for r in data["rows"] if r["metric"].startswith("passes over"))
    assert row["ours"] == 1 and "budget" in row["metric"]
    full = _run("vae-iwae", tmp_path / "b", monkeypatch, epochs=2)
    assert "configuration" in full["params"]["ended_by"]


def test_m2_trains_with_the_alpha_it_reports(tmp_path, monkeypatch):
    data = _run("m2-100-labels", tmp_path, monkeypatch)
    rows = {r["metric"]: r["ours"] for r in data["rows"]}
    n_u = data["params"]["n_unlabelled"]
    assert rows["alpha, weight of the labelled cross-entropy"] == pytest.approx(
        0.1 * (100 + n_u) / 100)                  # 0.1 N_total / N_labelled over the whole set
    given = _run("m2-100-labels", tmp_path / "b", monkeypatch, alpha=7.0)
    assert given["params"]["alpha"] == 7.0 and given["params"]["alpha_rule"] == "given"


def test_m2_alpha_reaches_the_model(monkeypatch):
    """The alpha M2 trains with is the one the reproduction passes (not one fitted to a chunk)."""
    from scratchae.models.cvae import M2

    rng = np.random.default_rng(0)
    m2 = M2([16, 8, 2], n_classes=3, seed=0, alpha=50.0)
    m2.fit(rng.random((6, 16)), np.array([0, 1, 2, 0, 1, 2]), rng.random((30, 16)), epochs=1,
           batch_size=10, labelled_batch_size=3, progress=False)
    assert m2.alpha_ == 50.0


def test_deep_ae_choice_does_not_depend_on_the_test_images(tmp_path, monkeypatch):
    from scratchae.reproduce import deep_ae_mnist as d

    original = d.load_data

    def with_fake_test(fill):
        def load(*args):
            x_train, x_val, x_test = original(*args)
            return x_train, x_val, np.full_like(x_test, fill)
        return load

    runs = []
    for fill in (0.0, 1.0):
        monkeypatch.setattr(d, "load_data", with_fake_test(fill))
        runs.append(_run("deep-ae-mnist", tmp_path / str(fill), monkeypatch))
    strip = lambda cands: [{k: v for k, v in c.items() if k not in ("seconds",
                                                                   "pretrain_seconds")}
                           for c in cands]
    a, b = runs
    assert strip(a["params"]["candidates"]) == strip(b["params"]["candidates"])
    assert a["params"]["chosen_weight_decay"] == b["params"]["chosen_weight_decay"]
    assert _numbers(a)[0][1] != _numbers(b)[0][1]           # the test images did change
    best = min(a["params"]["candidates"], key=lambda c: c["best_val_error"])
    assert a["params"]["chosen_weight_decay"] == best["weight_decay"]
    assert a["params"]["chosen_epoch"] == best["best_epoch"]


def test_deep_ae_step_size_decays_geometrically_from_lr_to_lr_final():
    from scratchae.reproduce.deep_ae_mnist import lr_schedule

    np.testing.assert_allclose(lr_schedule(1e-3, 1e-5, 3), [1e-3, 1e-4, 1e-5], rtol=1e-12)
    assert lr_schedule(1e-3, 1e-4, 1) == [1e-3]
    steps = lr_schedule(1e-3, 1e-4, 50)
    assert len(steps) == 50 and all(a > b for a, b in zip(steps, steps[1:]))


def test_deep_ae_training_follows_the_schedule_and_the_penalty(monkeypatch):
    from scratchae.reproduce import deep_ae_mnist as d

    if not _have("deep-ae-mnist"):
        pytest.skip("MNIST not found")
    monkeypatch.setenv("SCRATCHAE_DATA", str(DATA))
    x_train, x_val, _ = d.load_data(200, 50, 50, 0)
    cfg = d.resolve(d.FULL, d.QUICK, True, {"epochs": 3, "lr_final": 1e-5})
    model, info = d.train(cfg, x_train, x_val, 1e-3, verbose=False)
    assert info["epochs_run"] == 3 and len(info["val_curve"]) == 3
    assert model.optimizer.lr == pytest.approx(1e-5)         # the last epoch ran at lr_final
    assert model.optimizer.weight_decay == 1e-3
    assert info["best_val_error"] == pytest.approx(min(info["val_curve"]), abs=1e-4)  # rounded
    kept = float(np.mean(model.squared_error(x_val)))        # the best epoch's parameters
    assert kept == pytest.approx(info["best_val_error"], rel=1e-6)
