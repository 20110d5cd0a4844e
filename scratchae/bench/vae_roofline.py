"""``scratchae bench vae-roofline``: the useful FLOPs per second of one VAE training epoch
(784-500-500-20 tanh, batch 128, float32) as a fraction of NumPy's own float32 GEMM rate measured
in the same run (target >= 60%); the fastest of three epochs (one with ``--quick``). No
competitor needed."""
from scratchae.bench import _training as T
from scratchae.bench._common import blas_threads, gemm_gflops
from scratchae.report import Report, blas_kernel_label

NAME = "vae-roofline"
DESCRIPTION = "VAE training FLOP rate as a fraction of NumPy's own float32 GEMM rate"


def run(out, quick=False, seed=0):
    n = 2048 if quick else 60000
    x, source = T.training_data(n, seed)
    report = Report(NAME, params={"layer_sizes": T.VAE_SIZES, "batch_size": 128,
                                  "n_examples": int(x.shape[0]), "data": source,
                                  "threads": blas_threads(),
                                  "useful_flops_per_example": T.vae_useful_flops()})
    gemm_before = gemm_gflops()
    seconds = min(T.ours_vae_epoch(x, seed)[0] for _ in range(1 if quick else 3))
    gemm_after = gemm_gflops()
    gemm = max(gemm_before, gemm_after)
    useful = T.vae_useful_flops() * x.shape[0] / seconds / 1e9
    report.add("useful GFLOP/s (training)", useful, gemm,
               source=f"NumPy float32 GEMM 128x784 @ 784x500 (OpenBLAS kernels: "
                      f"{blas_kernel_label()}), best of before/after", unit="GFLOP/s")
    report.add("fraction of GEMM rate", useful / gemm, 0.6, source="target >= 0.6", unit="")
    report.write(out)
    return report
