"""``scratchae bench vae-train``: samples/s of one MNIST epoch of a 784-500-500-20 tanh VAE
(Bernoulli decoder, batch 128, Adam 1e-3, float32), ours against the same network in PyTorch CPU,
at 1 and at 2 threads, in the same run. Ours runs three ways (:data:`~scratchae.bench._training.
OUR_MODES`): one thread; two threads in the matrix products only (BLAS); two training threads,
each batch cut in halves (data parallel, ``SCRATCHAE_THREADS=2``). PyTorch runs with
``torch.set_num_threads(1)`` and ``(2)``. Three rounds (one with ``--quick``), every setting once
per round in turn, the fastest round of each kept; the scaling is also given as the median of
the rounds' paired ratios. Also reports the useful FLOP rate against NumPy's own float32 GEMM
rate at the same thread count, and peak memory."""
from scratchae.bench import _training as T
from scratchae.bench._common import blas_threads, gemm_gflops, peak_rss_mb
from scratchae.report import Report

NAME = "vae-train"
DESCRIPTION = ("one MNIST epoch of a 784-500-500-20 tanh VAE vs PyTorch CPU, 1 and 2 threads "
               "(samples/s)")


def run(out, quick=False, seed=0):
    n = 2048 if quick else 60000
    x, source = T.training_data(n, seed)
    report = Report(NAME, params={"layer_sizes": T.VAE_SIZES, "activation": "tanh",
                                  "likelihood": "bernoulli", "batch_size": 128, "optimizer": "adam",
                                  "lr": 1e-3, "dtype": "float32", "n_examples": int(x.shape[0]),
                                  "data": source, "blas_threads": blas_threads(),
                                  "rounds": 1 if quick else 3})
    gemm_before = T.gemm_rates(gemm_gflops)
    epochs = 1 if quick else 2
    rss = {}

    def ours(mode):
        seconds, loss, r = T.ours_vae_epoch(x, seed, epochs=epochs, mode=mode)
        rss[mode] = r
        return seconds / epochs, loss

    best, seconds = T.scaling_rounds(1 if quick else 3, ours,
                                     lambda threads: T.torch_vae_epoch(x, seed, threads))
    gemm_after = T.gemm_rates(gemm_gflops)
    gemm = {k: max(gemm_before[k], gemm_after[k]) for k in gemm_before}
    T.add_scaling_rows(report, x.shape[0], best, seconds, T.vae_useful_flops(), gemm, 1.5)
    if best.get(("torch", 1)) is not None:
        report.params["torch_build"] = T.torch_blas_note()
    report.add("peak RSS", peak_rss_mb(), None, unit="MiB")
    last = rss.get("2-data", [])
    if len(last) > 1:
        report.add("peak RSS growth epoch 1 -> 2 (last round, data parallel)", last[-1] - last[0],
                   0.0, source="flat memory: ~0", unit="MiB")
    report.write(out)
    return report
