"""Checkpoints: the permissions ``np.savez`` would give, fitted settings kept, and every
unreadable or inconsistent file refused with a ValueError that names it."""
import json
import os
import stat

import numpy as np
import pytest

from scratchae.models import M2, VAE, Autoencoder, Model


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_checkpoint_gets_the_mode_of_np_savez_under_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        path = Autoencoder([6, 3]).save(tmp_path / "ae")
        np.savez(tmp_path / "plain.npz", a=np.zeros(2))
    finally:
        os.umask(old)
    assert _mode(path) == _mode(tmp_path / "plain.npz") == 0o666 & ~umask


def test_m2_alpha_chosen_by_fit_survives_save_and_load(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 1, (40, 6)), rng.integers(0, 3, 40)
    m2 = M2([6, 4, 2], n_classes=3, dtype=np.float64)
    m2.fit(x[:8], y[:8], x, epochs=1, batch_size=20, progress=False)
    assert m2.alpha is None and m2.alpha_ == pytest.approx(0.1 * 48 / 8)
    again = Model.load(m2.save(tmp_path / "m2"))
    assert again.alpha_ == m2.alpha_
    batch = (x[:4], y[:4], x[4:8])
    assert again.loss_and_grads(batch, 0)[0] == m2.loss_and_grads(batch, 0)[0]
    fresh = Model.load(M2([6, 4, 2], n_classes=3).save(tmp_path / "fresh"))
    assert not hasattr(fresh, "alpha_")


def _valid_bytes(tmp_path):
    return open(VAE([6, 4, 2]).save(tmp_path / "good"), "rb").read()


@pytest.mark.parametrize("make", [
    lambda good: good[:len(good) // 2],                     # truncated
    lambda good: b"",                                       # empty
    lambda good: b"this is not a zip archive\n" * 4,        # not a zip file
], ids=["truncated", "empty", "not-zip"])
def test_an_unreadable_file_raises_a_value_error_naming_it(tmp_path, make):
    path = tmp_path / "bad.npz"
    path.write_bytes(make(_valid_bytes(tmp_path)))
    with pytest.raises(ValueError, match="bad.npz"):
        Model.load(path)


def _write(path, **arrays):
    np.savez(path, **arrays)
    return path


def test_inconsistent_contents_raise_value_errors_naming_the_file(tmp_path):
    good = VAE([6, 4, 2])
    params = {f"param:{k}": v for k, v in good.params().items()}
    config = json.dumps(good.get_config())
    cases = {
        "badjson.npz": dict(__class__=np.array("VAE"), __config__=np.array("{not json"), **params),
        "unknown.npz": dict(__class__=np.array("Transformer"), __config__=np.array(config),
                            **params),
        "wrongclass.npz": dict(__class__=np.array("Autoencoder"), __config__=np.array(config),
                               **params),
        "notdict.npz": dict(__class__=np.array("VAE"), __config__=np.array("[1, 2]"), **params),
        "nokeys.npz": dict(**params),
        "nan.npz": dict(__class__=np.array("VAE"), __config__=np.array(config),
                        **{**params, "param:encoder.0.W": np.full_like(
                            params["param:encoder.0.W"], np.nan)}),
    }
    for name, arrays in cases.items():
        path = _write(tmp_path / name, **arrays)
        with pytest.raises(ValueError, match=name.replace(".", r"\.")):
            Model.load(path)
    with pytest.raises(FileNotFoundError):
        Model.load(tmp_path / "missing.npz")


def test_a_pickled_object_array_is_refused_not_unpickled(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, __class__=np.array("VAE"), __config__=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickled.npz"):
        Model.load(path)
