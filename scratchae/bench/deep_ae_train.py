"""``scratchae bench deep-ae-train``: one MNIST epoch of the 784-1000-500-250-30 autoencoder
(sigmoid, linear code, Bernoulli loss, batch 128, Adam, float32), ours against PyTorch CPU: three
rounds (one with ``--quick``), ours and theirs in turn, the fastest round of each kept."""
from scratchae.bench import _training as T
from scratchae.bench._common import NOT_INSTALLED, blas_threads, gemm_gflops
from scratchae.report import Report, blas_kernel

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
    if theirs is None:
        report.add("samples/s", x.shape[0] / ours_s, None, source=f"PyTorch CPU: {NOT_INSTALLED}",
                   unit="samples/s")
    else:
        theirs_s, theirs_loss, threads, version = theirs
        report.add("samples/s", x.shape[0] / ours_s, x.shape[0] / theirs_s,
                   source=f"PyTorch {version} CPU ({T.torch_kernel()}), {threads} threads",
                   unit="samples/s")
        report.add("ratio (ours / PyTorch samples/s)", theirs_s / ours_s, 1.5,
                   source="target >= 1.5", unit="x")
        report.add("last-batch loss (sanity)", ours_loss, theirs_loss, source="PyTorch", unit="nats")
    gemm = max(gemm_before, gemm_gflops())
    useful = T.ae_useful_flops() * x.shape[0] / ours_s / 1e9
    report.add("useful GFLOP/s", useful, gemm,
               source=f"NumPy float32 GEMM (128x784 @ 784x500, OpenBLAS {blas_kernel()} kernels), "
               "same run, best of before/after", unit="GFLOP/s")
    if theirs is not None:
        # the best ratio any NumPy-BLAS implementation could reach: every second spent in GEMM
        ceiling = gemm * 1e9 / T.ae_useful_flops() / (x.shape[0] / theirs[0])
        report.add("ceiling of the ratio (all time in GEMM at NumPy's rate)", ceiling, 1.5,
                   source="GEMM rate / useful FLOPs per example / PyTorch samples/s", unit="x")
    report.write(out)
    return report
