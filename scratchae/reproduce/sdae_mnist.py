"""``scratchae reproduce sdae-mnist``: stacked denoising autoencoders as pre-training for an MNIST
classifier (Vincent et al. 2010; the deeplearning.net Theano "SdA" tutorial, which reports a test
error of 1.3% with three hidden layers of 1000 sigmoid units, masking noise of 10%, 20%, 30%,
15 pre-training epochs and supervised fine-tuning with early stopping on a 10,000-image
validation set).

Ours: the same architecture and noise, greedy DAE pre-training (:class:`StackedAutoencoder`),
then encoder + softmax fine-tuned on the labels with Adam (the tutorial used SGD with batch size 1);
the parameters of the epoch with the lowest validation error are kept and scored on the test set.

The default run is the one the README reports (30 fine-tuning epochs).

    scratchae reproduce sdae-mnist [--quick] [--finetune-epochs 30]
"""
import time
from pathlib import Path

import numpy as np

from scratchae.reproduce._common import add_config_arguments, resolve

NAME = "sdae-mnist"
DESCRIPTION = "stacked denoising AE pre-training + supervised fine-tuning: MNIST test error"
SOURCE = "deeplearning.net Theano SdA tutorial (Vincent et al. 2010 architecture)"
PAPER_ERROR = 0.013

FULL = {"n_train": None, "n_val": 10000, "n_test": None, "hidden": [1000, 1000, 1000],
        "levels": [0.1, 0.2, 0.3], "pretrain_epochs": 15, "pretrain_lr": 1e-3,
        "finetune_epochs": 30, "finetune_lr": 1e-4, "batch_size": 64}
QUICK = {"n_train": 1000, "n_val": 300, "n_test": 500, "hidden": [128, 128, 128],
         "pretrain_epochs": 1, "finetune_epochs": 2, "finetune_lr": 1e-3}
HELP = {"n_train": "training images (a seeded subset of the first 50,000; none = all)",
        "n_val": "validation images: the last N of MNIST's training file",
        "n_test": "test images (a seeded subset; none = all 10,000)",
        "hidden": "hidden layer sizes", "levels": "masking noise of each layer's DAE",
        "pretrain_epochs": "DAE pre-training epochs per layer",
        "pretrain_lr": "Adam step size of pre-training",
        "finetune_epochs": "supervised fine-tuning epochs (the best validation epoch is kept)",
        "finetune_lr": "Adam step size of fine-tuning", "batch_size": "mini-batch size"}
TYPES = {"n_train": int, "n_test": int}


def add_arguments(parser):
    add_config_arguments(parser, FULL, QUICK, HELP, TYPES)


def run(out="scratchae-out", quick=False, seed=0, **flags):
    from scratchae.models import StackedAutoencoder
    from scratchae.report import Report
    from scratchae.reproduce._mnist_subsets import mnist_splits

    cfg = resolve(FULL, QUICK, quick, flags)
    report = Report(NAME, dict(cfg, activation="sigmoid", corruption="masking",
                               optimizer="adam", seed=seed, quick=quick))
    (x, y), (x_val, y_val), (x_test, y_test) = mnist_splits(cfg["n_train"], cfg["n_val"],
                                                            cfg["n_test"], seed)
    model = StackedAutoencoder([784] + list(cfg["hidden"]), activation="sigmoid", n_classes=10,
                               seed=seed, dtype=np.float32)
    t0 = time.perf_counter()
    model.pretrain(x, epochs=cfg["pretrain_epochs"], batch_size=cfg["batch_size"],
                   lr=cfg["pretrain_lr"], corruption="masking", level=list(cfg["levels"]),
                   progress=False)
    pretrain_seconds = time.perf_counter() - t0
    params = model.classifier_params()
    best = {"error": np.inf, "epoch": 0, "params": None}

    def keep_best(epoch, history):
        err = history["val_error"][-1]
        print(f"fine-tuning epoch {epoch + 1}: validation error {err:.2%}", flush=True)
        if err < best["error"]:
            best.update(error=err, epoch=epoch + 1,
                        params={k: v.copy() for k, v in params.items()})
        return False

    model.fit_classifier(x, y, epochs=cfg["finetune_epochs"], batch_size=cfg["batch_size"],
                         lr=cfg["finetune_lr"], validation_data=(x_val, y_val), progress=False,
                         callback=keep_best)
    for k, v in best["params"].items():
        params[k][...] = v
    test_error = model.error_rate(x_test, y_test)
    report.params.update(n_train=int(len(x)), n_val=int(len(x_val)), n_test=int(len(x_test)),
                         pretrain_seconds=round(pretrain_seconds, 1),
                         total_seconds=round(time.perf_counter() - t0, 1),
                         best_epoch=best["epoch"], best_val_error=best["error"])
    report.add("test error (best validation epoch)", test_error, PAPER_ERROR, source=SOURCE,
               unit="fraction")
    report.add("validation error", best["error"], None, source="", unit="fraction")
    Path(out).mkdir(parents=True, exist_ok=True)
    report.write(out)
    return report

