"""``scratchae bench deep-ae-train``: one MNIST epoch of the 784-1000-500-250-30 autoencoder
(sigmoid, linear code, Bernoulli loss, batch 128, Adam, float32), ours against PyTorch CPU at 1
and at 2 threads, ours at 2 threads both in the matrix products only and data parallel (see
``vae-train``): three rounds (one with ``--quick``), every setting once per round in turn, the
fastest round of each kept."""
from scratchae.bench import _training as T
from scratchae.bench._common import blas_threads, gemm_gflops
from scratchae.report import Report

NAME = "deep-ae-train"
DESCRIPTION = ("one MNIST epoch of the 784-1000-500-250-30 autoencoder vs PyTorch CPU, 1 and 2 "
               "threads")


def run(out, quick=False, seed=0):
    n = 2048 if quick else 60000
    x, source = T.training_data(n, seed)
    report = Report(NAME, params={"layer_sizes": T.DEEP_AE_SIZES, "activation": "sigmoid",
                                  "code_activation": "identity", "batch_size": 128,
                                  "dtype": "float32", "n_examples": int(x.shape[0]),
                                  "data": source, "blas_threads": blas_threads(),
                                  "rounds": 1 if quick else 3})
    gemm_before = T.gemm_rates(gemm_gflops)
    best, seconds = T.scaling_rounds(1 if quick else 3, lambda mode: T.ours_ae_epoch(x, seed, mode),
                                     lambda threads: T.torch_ae_epoch(x, seed, threads))
    gemm_after = T.gemm_rates(gemm_gflops)
    gemm = {k: max(gemm_before[k], gemm_after[k]) for k in gemm_before}
    T.add_scaling_rows(report, x.shape[0], best, seconds, T.ae_useful_flops(), gemm, 1.3)
    report.write(out)
    return report
