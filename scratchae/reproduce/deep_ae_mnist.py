"""``scratchae reproduce deep-ae-mnist``: the 784-1000-500-250-30 autoencoder of Hinton &
Salakhutdinov (2006, Science, "Reducing the dimensionality of data with neural networks") against
PCA with 30 components on MNIST.

Metric (the paper's): the squared reconstruction error per test image, summed over the 784 pixels
and averaged over the 10,000 test images. Paper: 3.00 for the deep autoencoder (logistic hidden
units, 30 linear code units, RBM pre-training, then 200 epochs of conjugate-gradient fine-tuning
of the cross-entropy), 13.87 for PCA (8.01 for logistic PCA).

Ours: the same architecture and loss (linear code, Bernoulli cross-entropy on a sigmoid output);
hidden units rectified by default (``--activation sigmoid`` for the paper's logistic units),
optionally greedy layer-wise *autoencoder* pre-training (:class:`StackedAutoencoder`; not RBMs),
then Adam with an L2 penalty on the weight matrices, its step size decaying geometrically from
``lr`` to ``lr_final`` over ``epochs`` (a constant step leaves Adam's iterates rattling around the
minimum).

Choosing the penalty and the length on validation data: the last ``n_val`` (10,000) images of
MNIST's training file are held out. One model is trained per penalty in ``weight_decays`` on the
other 50,000 for ``epochs`` epochs; after every epoch its squared error on the held-out images is
measured. The (penalty, epoch) pair with the lowest validation error is chosen, and only that
checkpoint is scored on the test set. PCA-30 is fitted on the same 50,000 images.
``--budget-minutes`` is an optional extra stop (the report then says which runs it cut short);
the chosen model is saved (atomically) to ``OUT/deep-ae-mnist.npz``.

    scratchae reproduce deep-ae-mnist [--epochs 100] [--weight-decays 0,3e-4,1e-3] [--quick]
"""
import time
from pathlib import Path

import numpy as np

from scratchae.reproduce._common import Budget, add_config_arguments, resolve

NAME = "deep-ae-mnist"
DESCRIPTION = ("784-1000-500-250-30 autoencoder vs PCA-30: squared error per MNIST test image, "
               "penalty and length chosen on validation")

LAYER_SIZES = [784, 1000, 500, 250, 30]
PAPER_AE, PAPER_PCA = 3.00, 13.87
SOURCE = "Hinton & Salakhutdinov 2006, Science 313:504"

#: the run of ``scratchae reproduce deep-ae-mnist`` (the paper fine-tuned 200 epochs of CG after
#: RBM pre-training of logistic units; with logistic units use ``--activation sigmoid`` and
#: ``--pretrain-epochs 1`` or more, which escapes the plateau of a randomly initialised deep
#: sigmoid network far sooner than plain Adam -- see lesson 10).
FULL = {"n_train": None, "n_val": 10000, "n_test": None, "activation": "relu",
        "pretrain_epochs": 0, "epochs": 100, "batch_size": 128, "lr": 1e-3, "lr_final": 1e-4,
        "weight_decays": [0.0, 3e-4, 1e-3], "pretrain_lr": 1e-3, "budget_minutes": None}
#: what ``--quick`` changes: a smoke run of a few seconds.
QUICK = {"n_train": 600, "n_val": 200, "n_test": 300, "pretrain_epochs": 1, "epochs": 2,
         "lr_final": 1e-3, "weight_decays": [0.0, 1e-3]}
HELP = {"n_train": "training images (a seeded subset of the 50,000 not held out; none = all)",
        "n_val": "validation images: the last N of MNIST's training file",
        "n_test": "test images (a seeded subset; none = all 10,000)",
        "activation": "hidden units: relu or sigmoid",
        "pretrain_epochs": "greedy layer-wise autoencoder pre-training epochs per layer",
        "epochs": "fine-tuning epochs of each candidate",
        "batch_size": "mini-batch size", "lr": "Adam step size of the first epoch",
        "lr_final": "Adam step size of the last epoch (geometric decay in between)",
        "weight_decays": "L2 penalties tried, chosen on validation",
        "pretrain_lr": "step size of pre-training",
        "budget_minutes": "optional wall-clock stop over all candidates"}
TYPES = {"n_train": int, "n_test": int, "budget_minutes": float}


def add_arguments(parser):
    add_config_arguments(parser, FULL, QUICK, HELP, TYPES)


def load_data(n_train, n_val, n_test, seed):
    """(x_train, x_val, x_test), MNIST grey levels in [0, 1] (float32): the validation images
    are the last ``n_val`` of the training file; seeded subsets when ``n_train``/``n_test``."""
    from scratchae.reproduce._mnist_subsets import mnist_splits

    (x_train, _), (x_val, _), (x_test, _) = mnist_splits(n_train, n_val, n_test, seed)
    return x_train, x_val, x_test


def pca_squared_error(x_train, x_test, k=30):
    """Squared error per test image of the rank-k PCA reconstruction fitted on ``x_train``
    (:class:`scratchae.manifold.PCA`, covariance solver: one GEMM)."""
    from scratchae.manifold import PCA

    pca = PCA(n_components=k, solver="covariance_eigh").fit(x_train)
    return float(np.mean(pca.reconstruction_error(x_test)))


def lr_schedule(lr, lr_final, epochs):
    """Step size of each epoch: lr (lr_final / lr)^(e / (epochs - 1)), e = 0 .. epochs - 1."""
    if epochs <= 1:
        return [float(lr)]
    return [float(lr * (lr_final / lr) ** (e / (epochs - 1))) for e in range(epochs)]


def train(cfg, x_train, x_val, weight_decay, seed=0, budget=None, verbose=True):
    """Train one candidate (penalty ``weight_decay``) for ``cfg["epochs"]`` epochs, measuring the
    validation squared error after each. Returns (model with the parameters of its best
    validation epoch, info dict with ``val_curve``, ``best_epoch``, ``epochs_run``)."""
    from scratchae.models.stacked import StackedAutoencoder

    budget = budget or Budget(None)
    model = StackedAutoencoder(LAYER_SIZES, activation=cfg["activation"],
                               code_activation="identity", loss="bernoulli", seed=seed,
                               dtype=np.float32)
    t0 = time.perf_counter()
    info = {"weight_decay": float(weight_decay)}
    if cfg["pretrain_epochs"]:
        model.pretrain(x_train, epochs=cfg["pretrain_epochs"], batch_size=cfg["batch_size"],
                       lr=cfg["pretrain_lr"], progress=False)
        info["pretrain_seconds"] = round(time.perf_counter() - t0, 1)
    val_curve, best = [], {"error": np.inf, "epoch": 0, "params": None}
    decay = lr_schedule(cfg["lr"], cfg["lr_final"], cfg["epochs"])

    def after_epoch(epoch, history):
        err = float(np.mean(model.squared_error(x_val)))
        val_curve.append(err)
        if err < best["error"]:
            best.update(error=err, epoch=epoch + 1,
                        params={k: v.copy() for k, v in model.params().items()})
        model.optimizer.lr = decay[min(epoch + 1, len(decay) - 1)]   # next epoch's step
        if verbose:
            print(f"  weight decay {weight_decay:g}, epoch {epoch + 1}: train loss "
                  f"{history['loss'][-1]:.2f}, validation squared error {err:.3f} "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)
        return budget.expired()

    history = model.fit(x_train, epochs=cfg["epochs"], batch_size=cfg["batch_size"],
                        optimizer="adam", lr=cfg["lr"], weight_decay=weight_decay,
                        progress=False, callback=after_epoch)
    for k, v in model.params().items():
        v[...] = best["params"][k]
    info.update(epochs_run=len(history["loss"]), seconds=round(time.perf_counter() - t0, 1),
                val_curve=[round(v, 4) for v in val_curve], best_epoch=best["epoch"],
                best_val_error=best["error"])
    return model, info


def run(out="scratchae-out", quick=False, seed=0, **flags):
    from scratchae.report import Report

    cfg = resolve(FULL, QUICK, quick, flags)
    Path(out).mkdir(parents=True, exist_ok=True)
    report = Report(NAME, dict(cfg, layer_sizes=LAYER_SIZES, code_activation="identity",
                               output_activation="sigmoid", loss="bernoulli cross-entropy",
                               optimizer="adam", dtype="float32", seed=seed, quick=quick,
                               selection="penalty and epoch with the lowest validation error",
                               pretraining="greedy autoencoders (not RBMs)"
                               if cfg["pretrain_epochs"] else "none"))
    print(f"{NAME}: {DESCRIPTION}\n{report.params}", flush=True)
    x_train, x_val, x_test = load_data(cfg["n_train"], cfg["n_val"], cfg["n_test"], seed)
    budget = Budget(cfg["budget_minutes"])
    t0 = time.perf_counter()
    candidates, chosen = [], None
    for wd in cfg["weight_decays"]:
        if budget.expired():
            candidates.append({"weight_decay": float(wd), "skipped": "budget"})
            continue
        model, info = train(cfg, x_train, x_val, wd, seed=seed, budget=budget)
        candidates.append(info)
        if chosen is None or info["best_val_error"] < chosen[1]["best_val_error"]:
            chosen = (model, info)
    train_seconds = time.perf_counter() - t0
    model, info = chosen
    model.save(Path(out) / f"{NAME}.npz")
    test_error = float(np.mean(model.squared_error(x_test)))
    pca_error = pca_squared_error(x_train, x_test)
    report.params.update(n_train=int(len(x_train)), n_val=int(len(x_val)),
                         n_test=int(len(x_test)), candidates=candidates,
                         chosen_weight_decay=info["weight_decay"],
                         chosen_epoch=info["best_epoch"], budget_fired=budget.fired,
                         train_seconds=round(train_seconds, 1))
    print(f"chosen on validation: weight decay {info['weight_decay']:g}, epoch "
          f"{info['best_epoch']} of {info['epochs_run']} (validation {info['best_val_error']:.3f})",
          flush=True)
    report.add("deep AE squared error per test image (chosen on validation)", test_error,
               PAPER_AE, source=SOURCE, unit="sum over 784 pixels")
    report.add("  its validation squared error", info["best_val_error"], None, "this run",
               "sum over 784 pixels")
    report.add("  chosen L2 penalty", info["weight_decay"], None, "validation", "")
    report.add("  chosen length (epoch of the best validation error)", info["best_epoch"], None,
               "validation", "epochs")
    report.add("PCA-30 squared error per test image", pca_error, PAPER_PCA, source=SOURCE,
               unit="sum over 784 pixels")
    runs = [c for c in candidates if "epochs_run" in c]
    cut = [c for c in runs if c["epochs_run"] < cfg["epochs"]]
    skipped = [c for c in candidates if "skipped" in c]
    ended = ("the configuration (--epochs)" if not (cut or skipped) else
             f"the {cfg['budget_minutes']:g}-minute budget (--budget-minutes): "
             f"{len(cut)} run(s) cut short, {len(skipped)} penalty(ies) not tried")
    report.params["ended_by"] = ended
    report.add(f"fine-tuning epochs per candidate, of {cfg['epochs']} configured; ended by "
               f"{ended}", min(c["epochs_run"] for c in runs), 200,
               source=SOURCE + " (CG epochs)", unit="epochs")
    report.add(f"training time, {len(runs)} candidate(s)", train_seconds, None,
               source="this machine", unit="s")
    report.write(out)
    return report
