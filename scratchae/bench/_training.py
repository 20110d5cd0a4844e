"""Training-throughput workloads shared by ``vae-train``, ``vae-roofline`` and ``deep-ae-train``:
one epoch of ours and of the same network in PyTorch CPU, in the same process run."""
import contextlib
import statistics
import time

import numpy as np

from scratchae.bench._common import NOT_INSTALLED, blas_threads, optional, peak_rss_mb
from scratchae.report import blas_kernel_label

VAE_SIZES = [784, 500, 500, 20]
DEEP_AE_SIZES = [784, 1000, 500, 250, 30]


def training_data(n, seed=0):
    """The first ``n`` MNIST training images (float32 in [0, 1]); if MNIST cannot be found, a
    seeded random stand-in of the same shape (the timing does not depend on the pixel values)."""
    try:
        from scratchae.data import load_mnist
        x, _ = load_mnist(split="train", download=False)
        return x[:n], "MNIST"
    except Exception:  # no MNIST on this machine: timings are the same on any values
        rng = np.random.default_rng(seed)
        return rng.uniform(size=(n, 784)).astype(np.float32), "random stand-in (MNIST not found)"


def dense_flops(sizes):
    """Multiply-adds x 2 of one forward pass through Dense layers ``sizes`` for one example."""
    return sum(2 * a * b for a, b in zip(sizes[:-1], sizes[1:]))


def vae_useful_flops(sizes=VAE_SIZES):
    """FLOPs of one training example: forward, plus backward (dW and da_prev, i.e. twice the
    forward) except that no gradient flows into the data (the first layer's da_prev)."""
    enc = sizes[:-1] + [2 * sizes[-1]]
    dec = sizes[::-1]
    fwd = dense_flops(enc) + dense_flops(dec)
    return 3 * fwd - 2 * sizes[0] * sizes[1]


def ae_useful_flops(sizes=DEEP_AE_SIZES):
    full = sizes + sizes[-2::-1]
    return 3 * dense_flops(full) - 2 * sizes[0] * sizes[1]


def alternate(repeats, ours, theirs):
    """Call ``ours()`` and ``theirs()`` in turn, ``repeats`` times each, so that a machine that
    slows down part-way slows both alike, and keep for each the call whose time (element 0 of
    what it returns) was shortest. ``theirs()`` returns None when its library is not installed.
    Returns ``(best of ours, best of theirs or None)``."""
    best_ours = best_theirs = None
    for _ in range(repeats):
        result = ours()
        if best_ours is None or result[0] < best_ours[0]:
            best_ours = result
        result = theirs()
        if result is not None and (best_theirs is None or result[0] < best_theirs[0]):
            best_theirs = result
    return best_ours, best_theirs


#: how ours runs in the thread-scaling benchmarks:
#: "1"         one thread: NumPy's BLAS held to one thread, one training thread;
#: "2-blas"    two threads in the matrix products only (BLAS on 2 threads, one training thread:
#:             the library's default, and all there was before data parallelism);
#: "2-data"    two training threads, each batch cut in two halves, BLAS on one thread per half
#:             (``SCRATCHAE_THREADS=2``, :mod:`scratchae.models.data_parallel`).
OUR_MODES = ("1", "2-blas", "2-data")


def our_threads(mode):
    """The context a mode of :data:`OUR_MODES` runs in (whatever ``SCRATCHAE_THREADS`` says)."""
    from scratchae.models.data_parallel import training_threads

    if mode not in OUR_MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {OUR_MODES}")
    stack = contextlib.ExitStack()
    if mode == "1":
        threadpoolctl = optional("threadpoolctl")
        if threadpoolctl is None:          # pragma: no cover
            raise RuntimeError("the one-thread rows need threadpoolctl to hold BLAS to 1 thread")
        stack.enter_context(threadpoolctl.threadpool_limits(limits=1, user_api="blas"))
    stack.enter_context(training_threads(2 if mode == "2-data" else 1))
    return stack


def scaling_rounds(repeats, ours, theirs, modes=OUR_MODES, torch_threads=(1, 2)):
    """Rounds in which every mode of ours (``ours(mode)``) and every thread count of PyTorch
    (``theirs(threads)``, None when it is not installed) runs once, in turn; for each, the
    fastest round is kept (element 0 of a result is its seconds). Also returns every round's
    seconds, for medians and paired ratios. -> ``(best, seconds)``, both keyed by
    ``("ours", mode)`` and ``("torch", threads)``."""
    best, seconds = {}, {}
    jobs = [(("ours", m), lambda m=m: ours(m)) for m in modes] + \
           [(("torch", t), lambda t=t: theirs(t)) for t in torch_threads]
    for _ in range(repeats):
        for key, job in jobs:
            result = job()
            if result is None:
                best.setdefault(key, None)
                continue
            seconds.setdefault(key, []).append(result[0])
            if best.get(key) is None or result[0] < best[key][0]:
                best[key] = result
    return best, seconds


def add_scaling_rows(report, n, best, seconds, flops_per_example, gemm, ratio_target,
                     scaling_target=1.7, fraction_target=0.6):
    """The rows of a thread-scaling training benchmark: samples/s of ours and PyTorch at 1 and
    2 threads (ours at 2 threads both ways: BLAS threads only, and data parallel), the ratios,
    each side's scaling from 1 to 2 threads, the useful GFLOP/s against NumPy's GEMM rate at the
    same thread count (``gemm``: {1: rate, 2: rate}), and the ceiling of the ratio at 2 threads.
    ``best`` and ``seconds`` come from :func:`scaling_rounds`."""
    torch_note = None
    if best.get(("torch", 1)) is not None:
        version = best[("torch", 1)][3]
        torch_note = f"PyTorch {version} CPU ({torch_kernel()})"
    labels = {"1": "1 thread", "2-blas": "2 threads, BLAS threads only (before)",
              "2-data": "2 threads, data parallel (SCRATCHAE_THREADS=2)"}
    torch_of = {"1": 1, "2-blas": 2, "2-data": 2}
    for mode, label in labels.items():
        ours_s, theirs = best[("ours", mode)][0], best.get(("torch", torch_of[mode]))
        if theirs is None:
            report.add(f"samples/s, {label}", n / ours_s, None,
                       source=f"PyTorch CPU: {NOT_INSTALLED}", unit="samples/s")
            continue
        report.add(f"samples/s, {label}", n / ours_s, n / theirs[0],
                   source=f"{torch_note}, set_num_threads({torch_of[mode]})", unit="samples/s")
        report.add(f"ratio (ours / PyTorch), {label}", theirs[0] / ours_s,
                   ratio_target if mode == "2-data" else None,
                   source=f"target >= {ratio_target:g}" if mode == "2-data" else "", unit="x")
    ours_scale = best[("ours", "1")][0] / best[("ours", "2-data")][0]
    theirs_scale = None
    if best.get(("torch", 1)) is not None and best.get(("torch", 2)) is not None:
        theirs_scale = best[("torch", 1)][0] / best[("torch", 2)][0]
    report.add("scaling 1 -> 2 threads (data parallel; PyTorch in reference)", ours_scale,
               theirs_scale, source=f"target >= {scaling_target:g} for ours", unit="x")
    report.add("scaling 1 -> 2 threads, BLAS threads only",
               best[("ours", "1")][0] / best[("ours", "2-blas")][0], None, unit="x")
    paired = [a / b for a, b in zip(seconds[("ours", "1")], seconds[("ours", "2-data")])]
    report.add("scaling 1 -> 2 threads (data parallel), median of paired rounds",
               statistics.median(paired), None,
               source="rounds: " + ", ".join(f"{r:.2f}" for r in paired), unit="x")
    for threads, mode in ((1, "1"), (2, "2-data")):
        useful = flops_per_example * n / best[("ours", mode)][0] / 1e9
        report.add(f"useful GFLOP/s, {labels[mode]}", useful, gemm[threads],
                   source=f"NumPy float32 GEMM 128x784 @ 784x500 on {threads} BLAS thread(s) "
                          f"(OpenBLAS kernels: {blas_kernel_label()}), same run, best of "
                          "before/after", unit="GFLOP/s")
        report.add(f"fraction of GEMM rate, {labels[mode]}", useful / gemm[threads],
                   fraction_target if threads == 2 else None,
                   source=f"target >= {fraction_target:g}" if threads == 2 else "", unit="")
    if best.get(("torch", 2)) is not None:
        report.add("ceiling of the ratio at 2 threads (all time in GEMM at NumPy's 2-thread "
                   "rate)", gemm[2] * 1e9 / flops_per_example / (n / best[("torch", 2)][0]),
                   ratio_target, source="GEMM rate / useful FLOPs per example / PyTorch "
                                        "samples/s", unit="x")
        report.add("last-batch loss (sanity), 2 threads data parallel",
                   best[("ours", "2-data")][1], best[("torch", 2)][1], source="PyTorch",
                   unit="nats")


def gemm_rates(measure):
    """NumPy's GEMM rate at 1 and at 2 BLAS threads: ``{1: rate, 2: rate}`` (``measure()``
    returns one rate in GFLOP/s)."""
    with our_threads("1"):
        one = measure()
    return {1: one, 2: measure()}


def add_rows(report, n, ours, theirs, target, flops_per_example, gemm):
    """The rows both training benchmarks print, for an epoch of ``n`` examples: samples/s beside
    PyTorch's, their ratio against ``target``, the last-batch losses, our useful GFLOP/s beside
    NumPy's GEMM rate ``gemm``, and the *ceiling* -- the ratio we would reach if every second ran
    GEMM at that rate, i.e. the best any implementation built on NumPy's BLAS could do.
    ``ours`` = (seconds, last loss); ``theirs`` = (seconds, last loss, threads, version) or None.
    Returns our useful GFLOP/s."""
    ours_s, ours_loss = ours
    if theirs is None:
        report.add("samples/s", n / ours_s, None, source=f"PyTorch CPU: {NOT_INSTALLED}",
                   unit="samples/s")
    else:
        theirs_s, theirs_loss, threads, version = theirs
        report.add("samples/s", n / ours_s, n / theirs_s,
                   source=f"PyTorch {version} CPU ({torch_kernel()}), {threads} threads",
                   unit="samples/s")
        report.add("ratio (ours / PyTorch samples/s)", theirs_s / ours_s, target,
                   source=f"target >= {target:g}", unit="x")
        report.add("last-batch loss (sanity)", ours_loss, theirs_loss, source="PyTorch",
                   unit="nats")
    useful = flops_per_example * n / ours_s / 1e9
    report.add("useful GFLOP/s", useful, gemm,
               source=f"NumPy float32 GEMM (128x784 @ 784x500, OpenBLAS kernels: "
                      f"{blas_kernel_label()}), same run, best of before/after", unit="GFLOP/s")
    if theirs is not None:
        report.add("ceiling of the ratio (all time in GEMM at NumPy's rate)",
                   gemm * 1e9 / flops_per_example / (n / theirs[0]), target,
                   source="GEMM rate / useful FLOPs per example / PyTorch samples/s", unit="x")
    return useful


def ours_vae_epoch(x, seed=0, epochs=1, mode=None):
    """Seconds of ``epochs`` epochs of our VAE (after a warm-up on 512 examples), the last
    batch-mean loss, and the peak RSS after each epoch; ``mode`` one of :data:`OUR_MODES`
    (None: as the environment says)."""
    from scratchae.models.vae import VAE

    with (our_threads(mode) if mode is not None else contextlib.nullcontext()):
        model = VAE(layer_sizes=VAE_SIZES, activation="tanh", likelihood="bernoulli", seed=seed,
                    dtype=np.float32)
        model.fit(x[:512], epochs=1, batch_size=128, lr=1e-3, progress=False)  # compile kernels
        rss = []
        t0 = time.perf_counter()
        for _ in range(epochs):
            history = model.fit(x, epochs=1, batch_size=128, optimizer="adam", lr=1e-3,
                                progress=False)
            rss.append(peak_rss_mb())
        return time.perf_counter() - t0, history["loss"][-1], rss


def ours_ae_epoch(x, seed=0, mode=None):
    from scratchae.models.autoencoder import Autoencoder

    with (our_threads(mode) if mode is not None else contextlib.nullcontext()):
        model = Autoencoder(layer_sizes=DEEP_AE_SIZES, activation="sigmoid",
                            code_activation="identity", loss="bernoulli", seed=seed,
                            dtype=np.float32)
        model.fit(x[:512], epochs=1, batch_size=128, lr=1e-3, progress=False)
        t0 = time.perf_counter()
        history = model.fit(x, epochs=1, batch_size=128, optimizer="adam", lr=1e-3,
                            progress=False)
        return time.perf_counter() - t0, history["loss"][-1]


def _torch_mlp(torch, sizes, act, last_identity=True):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2 or not last_identity:
            layers.append(act())
    return torch.nn.Sequential(*layers)


def _timed_torch_epoch(torch, x, seed, enc, dec, batch_loss):
    """Adam on ``enc`` and ``dec``; one warm-up pass over 512 examples, then one timed epoch of
    batches of 128. ``batch_loss(xb, gen)`` returns the mean loss of a batch.
    Returns (seconds, last loss, torch threads, torch version)."""
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    data = torch.from_numpy(np.ascontiguousarray(x))
    gen = torch.Generator().manual_seed(seed)

    def epoch(xs):
        last = None
        for idx in torch.randperm(xs.shape[0], generator=gen).split(128):
            loss = batch_loss(xs[idx], gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            last = float(loss.detach())
        return last

    epoch(data[:512])
    t0 = time.perf_counter()
    last = epoch(data)
    return time.perf_counter() - t0, last, torch.get_num_threads(), torch.__version__


def torch_vae_epoch(x, seed=0, threads=None):
    """The same VAE in PyTorch CPU on ``threads`` threads (default: NumPy's BLAS threads):
    returns (seconds, last loss, torch threads, version) or None when torch is not installed."""
    torch = optional("torch")
    if torch is None:
        return None
    torch.manual_seed(seed)
    torch.set_num_threads(threads or blas_threads())
    J = VAE_SIZES[-1]
    enc = _torch_mlp(torch, VAE_SIZES[:-1] + [2 * J], torch.nn.Tanh)
    dec = _torch_mlp(torch, VAE_SIZES[::-1], torch.nn.Tanh)

    def batch_loss(xb, gen):
        h = enc(xb)
        mu, log_var = h[:, :J], h[:, J:]
        z = mu + torch.exp(0.5 * log_var) * torch.randn(mu.shape, generator=gen)
        recon = torch.nn.functional.binary_cross_entropy_with_logits(
            dec(z), xb, reduction="sum") / xb.shape[0]
        kl = 0.5 * torch.sum(mu ** 2 + log_var.exp() - log_var - 1) / xb.shape[0]
        return recon + kl

    return _timed_torch_epoch(torch, x, seed, enc, dec, batch_loss)


def torch_ae_epoch(x, seed=0, threads=None):
    """The same deep autoencoder in PyTorch CPU on ``threads`` threads, or None when torch is
    not installed."""
    torch = optional("torch")
    if torch is None:
        return None
    torch.manual_seed(seed)
    torch.set_num_threads(threads or blas_threads())
    enc = _torch_mlp(torch, DEEP_AE_SIZES, torch.nn.Sigmoid)
    dec = _torch_mlp(torch, DEEP_AE_SIZES[::-1], torch.nn.Sigmoid)

    def batch_loss(xb, gen):
        return torch.nn.functional.binary_cross_entropy_with_logits(
            dec(enc(xb)), xb, reduction="sum") / xb.shape[0]

    return _timed_torch_epoch(torch, x, seed, enc, dec, batch_loss)


def torch_kernel():
    """PyTorch's matrix back end and the vector instructions it uses here, e.g. "mkl, AVX512"."""
    torch = optional("torch")
    if torch is None:
        return None
    blas = "mkl" if "BLAS_INFO=mkl" in torch.__config__.show() else "its BLAS"
    return f"{blas}, {torch.backends.cpu.get_cpu_capability()}"


def torch_blas_note():
    """Which BLAS/GEMM back end PyTorch reports (its build configuration), or None."""
    torch = optional("torch")
    if torch is None:
        return None
    cfg = torch.__config__.show()
    picks = [line.strip() for line in cfg.splitlines()
             if any(k in line for k in ("BLAS_INFO", "LAPACK_INFO", "CPU capability", "MKL",
                                        "oneDNN", "USE_MKLDNN"))]
    return "; ".join(picks)[:400]
