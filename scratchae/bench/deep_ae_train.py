"""``scratchae bench deep-ae-train``: one MNIST epoch of the 784-1000-500-250-30 autoencoder
(sigmoid, linear code, Bernoulli loss, batch 128, Adam, float32), ours against PyTorch CPU: three
rounds (one with ``--quick``), ours and theirs in turn, the fastest round of each kept."""
from scratchae.bench import _training as T
from scratchae.bench._common import blas_threads, gemm_gflops
from scratchae.report import Report

NAME = "deep-ae-train"
DESCRIPTION = "one MNIST epoch of the 784-1000-500-250-30 autoencoder vs PyTorch CPU"


def run(out, quick=False, seed=0):
    n = 2048 if quick else 60000
    x, source = T.training_data(n, seed)
    report = Report(NAME, params={"layer_sizes": T.DEEP_AE_SIZES, "activation": "sigmoid",
                                  "code_activation": "identity", "batch_size": 128,
                                  "dtype": "float32", "n_examples": int(x.shape[0]),
                                  "data": source, "threads": blas_threads()})
    gemm_before = gemm_gflops()
    (ours_s, ours_loss), theirs = T.alternate(1 if quick else 3, lambda: T.ours_ae_epoch(x, seed),
                                              lambda: T.torch_ae_epoch(x, seed))
    T.add_rows(report, x.shape[0], (ours_s, ours_loss), theirs, 1.5, T.ae_useful_flops(),
               max(gemm_before, gemm_gflops()))
    report.write(out)
    return report
