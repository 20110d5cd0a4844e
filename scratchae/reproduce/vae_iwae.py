"""vae-iwae: the one-stochastic-layer VAE of Burda, Grosse & Salakhutdinov (2015), "Importance
Weighted Autoencoders", Table 1 (VAE, k = 1): test log p(x) = -86.76 nats on MNIST.

Their setting: dynamically binarised MNIST (a fresh Bernoulli draw of every training image at
every use), encoder 784-200-200-50 and decoder 50-200-200-784 with tanh hidden units, Bernoulli
output, batch 20, Adam (beta1 0.9, beta2 0.999, eps 1e-4) with the schedule "3^i epochs at
lr = 1e-3 * 10^(-i/7) for i = 0..7" (3,280 passes), and log p(x) estimated on the test set by
importance sampling with k = 5,000 samples from q(z|x).

A run follows that schedule from its start for ``--epochs`` passes (default 461, the run the
README reports: stages i = 0..5 in full, 97 passes of stage 6; ``--epochs 3280`` is the whole
schedule, about 3 hours at ~3 s a pass on a 2-core machine). ``--budget-minutes`` is an optional
extra stop; the report then says how many passes ran. The k = 5,000 estimate is taken on the
first ``eval_examples`` test digits (default 1,000; the paper uses all 10,000), with the standard
error of that mean. The test images are binarised once, with a fixed seed. The test ELBO (one z
per digit) is reported on all 10,000.

``quick=True``: 2,000 training images, 2 passes at batch 100, k = 50 on 50 test digits.
"""
import time

import numpy as np

from scratchae.reproduce._common import (Budget, add_config_arguments, add_passes_row,
                                         resolve)

NAME = "vae-iwae"
DESCRIPTION = ("784-200-200-50 tanh VAE on dynamically binarised MNIST, test log p(x) by "
               "importance sampling with k = 5000 (Burda et al. 2015: -86.76 after 3,280 passes)")
REFERENCE = -86.76
SOURCE = "Burda et al. 2015, Table 1, VAE with 1 stochastic layer, k = 1"


def burda_schedule():
    """[(epochs, lr)] of Burda et al.: 3^i epochs at 1e-3 * 10^(-i/7), i = 0..7 (3,280 in all)."""
    return [(3 ** i, 1e-3 * 10 ** (-i / 7)) for i in range(8)]


def schedule_for(epochs):
    """The first ``epochs`` passes of :func:`burda_schedule`, as [(epochs, lr)] stages."""
    stages, left = [], int(epochs)
    for n, lr in burda_schedule():
        if left <= 0:
            break
        stages.append((min(n, left), lr))
        left -= n
    if left > 0:                                  # past 3,280: stay at the last rate
        stages.append((left, burda_schedule()[-1][1]))
    return stages


FULL = {"epochs": 461, "batch_size": 20, "k": 5000, "eval_examples": 1000, "n_train": None,
        "budget_minutes": None}
QUICK = {"epochs": 2, "batch_size": 100, "k": 50, "eval_examples": 50, "n_train": 2000}
HELP = {"epochs": "passes of Burda et al.'s schedule (3280 = all of it)",
        "batch_size": "mini-batch size", "k": "importance samples per test digit",
        "eval_examples": "test digits scored with k samples (the first N)",
        "n_train": "training images (the first N; none = all 60,000)",
        "budget_minutes": "optional wall-clock stop"}
TYPES = {"n_train": int, "budget_minutes": float}


def add_arguments(parser):
    add_config_arguments(parser, FULL, QUICK, HELP, TYPES)


def run(out="scratchae-out", quick=False, seed=0, **flags):
    from scratchae.data import binarize, load_mnist
    from scratchae.models.vae import VAE
    from scratchae.nn.optimizers import Adam
    from scratchae.report import Report

    cfg = resolve(FULL, QUICK, quick, flags)
    x_train, _ = load_mnist(split="train")
    x_test, _ = load_mnist(split="test")
    x_test_bin = binarize(x_test, "dynamic", rng=np.random.default_rng(seed + 12345))
    x_train = x_train[:cfg["n_train"]]
    batch, k = cfg["batch_size"], cfg["k"]
    schedule = schedule_for(cfg["epochs"])
    eval_examples = min(cfg["eval_examples"], len(x_test_bin))
    params = dict(cfg, layer_sizes=[784, 200, 200, 50], activation="tanh", schedule=schedule,
                  eval_examples=eval_examples, n_train=len(x_train), seed=seed,
                  binarize="dynamic", quick=quick, dtype="float32")
    report = Report(NAME, params)
    print(f"{NAME}: {DESCRIPTION}\n{params}")

    vae = VAE([784, 200, 200, 50], activation="tanh", likelihood="bernoulli", seed=seed,
              dtype=np.float32)
    budget = Budget(cfg["budget_minutes"])
    t0 = time.perf_counter()
    passes, stop = 0, False
    for stage, (epochs, lr) in enumerate(schedule):
        opt = Adam(lr=lr, eps=1e-4)       # the paper's Adam; moments kept below
        if stage > 0:
            opt.m, opt.v, opt.t = m, v, t

        def callback(epoch, history):
            nonlocal passes, stop
            passes += 1
            print(f"pass {passes:4d} (stage {stage}, lr {lr:.2e}): train -ELBO "
                  f"{history['loss'][-1]:7.3f} (KL {history['kl'][-1]:5.2f})  "
                  f"{history.seconds[-1]:.1f} s", flush=True)
            stop = budget.expired()
            return stop

        vae.fit(x_train, epochs=epochs, batch_size=batch, optimizer=opt, lr=lr,
                progress=False, seed=seed + 1 + stage, callback=callback, binarize="dynamic")
        m, v, t = opt.m, opt.v, opt.t
        if stop:
            break
    train_seconds = time.perf_counter() - t0

    t1 = time.perf_counter()
    elbo = vae.elbo(x_test_bin, rng=np.random.default_rng(seed + 7))
    ll = vae.log_likelihood(x_test_bin[:eval_examples], n_samples=k,
                            rng=np.random.default_rng(seed + 8), batch_size=20000)
    eval_seconds = time.perf_counter() - t1
    stderr = float(ll.std(ddof=1) / np.sqrt(len(ll))) if len(ll) > 1 else float("nan")
    report.add(f"test log p(x), IWAE k={k}, first {eval_examples} test digits", float(ll.mean()),
               None if quick or k != 5000 else REFERENCE,
               SOURCE + " (3,280 passes, all 10,000 digits)", "nats")
    report.add("  standard error of that mean", stderr, None, "", "nats")
    report.add(f"test ELBO, z sampled, same {eval_examples} digits",
               float(elbo[:eval_examples].mean()), None, "", "nats")
    report.add("test ELBO, z sampled, all 10,000 digits", float(elbo.mean()), None, "", "nats")
    add_passes_row(report, passes, cfg["epochs"], budget)
    report.add("  passes of the paper's schedule", None, 3280, "Burda et al. 2015", "epochs")
    report.add("training time", train_seconds, None, "", "s")
    report.add("evaluation time", eval_seconds, None, "", "s")
    return report.write(out)
