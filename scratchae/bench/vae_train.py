"""``scratchae bench vae-train``: samples/s of one MNIST epoch of a 784-500-500-20 tanh VAE
(Bernoulli decoder, batch 128, Adam 1e-3, float32), ours against the same network in PyTorch CPU
with ``torch.set_num_threads`` equal to NumPy's BLAS threads, in the same run: three rounds
(one with ``--quick``), ours and theirs in turn, the fastest round of each kept. Also reports the
useful FLOP rate against NumPy's own float32 GEMM rate (the better of a measurement before and
one after), and peak memory."""
from scratchae.bench import _training as T
from scratchae.bench._common import blas_threads, gemm_gflops, peak_rss_mb
from scratchae.report import Report

NAME = "vae-train"
DESCRIPTION = "one MNIST epoch of a 784-500-500-20 tanh VAE vs PyTorch CPU (samples/s)"


def run(out, quick=False, seed=0):
    n = 2048 if quick else 60000
    x, source = T.training_data(n, seed)
    report = Report(NAME, params={"layer_sizes": T.VAE_SIZES, "activation": "tanh",
                                  "likelihood": "bernoulli", "batch_size": 128, "optimizer": "adam",
                                  "lr": 1e-3, "dtype": "float32", "n_examples": int(x.shape[0]),
                                  "data": source, "threads": blas_threads()})
    gemm_before = gemm_gflops()
    (ours_s, ours_loss, rss), theirs = T.alternate(
        1 if quick else 3, lambda: T.ours_vae_epoch(x, seed, epochs=1 if quick else 2),
        lambda: T.torch_vae_epoch(x, seed))
    ours_s /= len(rss)
    gemm = max(gemm_before, gemm_gflops())
    useful = T.add_rows(report, x.shape[0], (ours_s, ours_loss), theirs, 2.0,
                        T.vae_useful_flops(), gemm)
    report.add("fraction of GEMM rate", useful / gemm, 0.6, source="target >= 0.6", unit="")
    if theirs is not None:
        report.params["torch_build"] = T.torch_blas_note()
    report.add("peak RSS", peak_rss_mb(), None, unit="MiB")
    if len(rss) > 1:
        report.add("peak RSS growth epoch 1 -> 2", rss[-1] - rss[0], 0.0,
                   source="flat memory: ~0", unit="MiB")
    report.write(out)
    return report
