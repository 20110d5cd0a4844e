"""Training-throughput workloads shared by ``vae-train``, ``vae-roofline`` and ``deep-ae-train``:
one epoch of ours and of the same network in PyTorch CPU, in the same process run."""
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


def ours_vae_epoch(x, seed=0, epochs=1):
    from scratchae.models.vae import VAE

    model = VAE(layer_sizes=VAE_SIZES, activation="tanh", likelihood="bernoulli", seed=seed,
                dtype=np.float32)
    model.fit(x[:512], epochs=1, batch_size=128, lr=1e-3, progress=False)   # compile kernels
    rss = []
    t0 = time.perf_counter()
    for _ in range(epochs):
        history = model.fit(x, epochs=1, batch_size=128, optimizer="adam", lr=1e-3, progress=False)
        rss.append(peak_rss_mb())
    return time.perf_counter() - t0, history["loss"][-1], rss


def ours_ae_epoch(x, seed=0):
    from scratchae.models.autoencoder import Autoencoder

    model = Autoencoder(layer_sizes=DEEP_AE_SIZES, activation="sigmoid",
                        code_activation="identity", loss="bernoulli", seed=seed, dtype=np.float32)
    model.fit(x[:512], epochs=1, batch_size=128, lr=1e-3, progress=False)
    t0 = time.perf_counter()
    history = model.fit(x, epochs=1, batch_size=128, optimizer="adam", lr=1e-3, progress=False)
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


def torch_vae_epoch(x, seed=0):
    """The same VAE in PyTorch CPU: returns (seconds, last loss, torch threads, version) or
    None when torch is not installed."""
    torch = optional("torch")
    if torch is None:
        return None
    torch.manual_seed(seed)
    torch.set_num_threads(blas_threads())
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


def torch_ae_epoch(x, seed=0):
    """The same deep autoencoder in PyTorch CPU, or None when torch is not installed."""
    torch = optional("torch")
    if torch is None:
        return None
    torch.manual_seed(seed)
    torch.set_num_threads(blas_threads())
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
