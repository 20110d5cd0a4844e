"""``scratchae bench vae-roofline``: the useful FLOPs per second of one VAE training epoch
(784-500-500-20 tanh, batch 128, float32) as a fraction of NumPy's own float32 GEMM rate at the
same thread count, measured in the same run (target >= 60% at 2 threads): at 1 thread, and at 2
threads both in the matrix products only and data parallel (``SCRATCHAE_THREADS=2``); the fastest
of three epochs each, taken in turn (one with ``--quick``). No competitor needed."""
from scratchae.bench import _training as T
from scratchae.bench._common import blas_threads, gemm_gflops
from scratchae.report import Report, blas_kernel_label

NAME = "vae-roofline"
DESCRIPTION = "VAE training FLOP rate as a fraction of NumPy's own float32 GEMM rate, 1 and 2 threads"


def run(out, quick=False, seed=0):
    n = 2048 if quick else 60000
    x, source = T.training_data(n, seed)
    report = Report(NAME, params={"layer_sizes": T.VAE_SIZES, "batch_size": 128,
                                  "n_examples": int(x.shape[0]), "data": source,
                                  "blas_threads": blas_threads(),
                                  "useful_flops_per_example": T.vae_useful_flops()})
    gemm_before = T.gemm_rates(gemm_gflops)
    best = {mode: float("inf") for mode in T.OUR_MODES}
    for _ in range(1 if quick else 3):
        for mode in T.OUR_MODES:
            best[mode] = min(best[mode], T.ours_vae_epoch(x, seed, mode=mode)[0])
    gemm_after = T.gemm_rates(gemm_gflops)
    for mode, threads, label in (("1", 1, "1 thread"),
                                 ("2-blas", 2, "2 threads, BLAS threads only"),
                                 ("2-data", 2, "2 threads, data parallel")):
        gemm = max(gemm_before[threads], gemm_after[threads])
        useful = T.vae_useful_flops() * x.shape[0] / best[mode] / 1e9
        report.add(f"useful GFLOP/s (training), {label}", useful, gemm,
                   source=f"NumPy float32 GEMM 128x784 @ 784x500 on {threads} BLAS thread(s) "
                          f"(OpenBLAS kernels: {blas_kernel_label()}), best of before/after",
                   unit="GFLOP/s")
        report.add(f"fraction of GEMM rate, {label}", useful / gemm,
                   0.6 if mode == "2-data" else None,
                   source="target >= 0.6" if mode == "2-data" else "", unit="")
    report.write(out)
    return report
