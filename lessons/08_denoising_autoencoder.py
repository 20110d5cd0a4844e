"""Lesson 08: the denoising autoencoder -- corruption processes, the L-sample loss, edge-like filters, denoised digits.

Slides, part 03 ("Denoising AutoEncoder"; Vincent et al. 2008):

    L_DAE = sum_x E_{q(x~|x)} [L(x, g(h(x~)))]  ~=  sum_x (1/L) sum_l L(x, g(h(x~_l)))

The network sees a corrupted x~ and is scored against the clean x, so it must learn where the
data lie and "project back" onto that manifold. We look at the three corruptions, check the
L-sample estimate, compare first-layer filters of an AE and a DAE (the slide's "noise-like vs
edge-like"), and denoise test digits.
"""
import time

import numpy as np

from scratchae import viz
from scratchae.data.corruption import corrupt, gaussian_noise, mask_noise, salt_and_pepper
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.models import Autoencoder, DenoisingAutoencoder
from scratchae.models.denoising import corrupted_copies

args = parse_args(__doc__.splitlines()[0])
header("Lesson 08 -- the denoising autoencoder")
t_start = time.perf_counter()
N_TRAIN, N_TEST = (5000, 1000) if args.quick else (60000, 10000)
EPOCHS = 5 if args.quick else 50
(x_train, _), (x_test, _), source = load_digits_or_glyphs(N_TRAIN, N_TEST, rng=args.seed)
rng = np.random.default_rng(args.seed)
print(f"data: {source}, {len(x_train)} training and {len(x_test)} test digits\n")

# ------------------------------------------------------------------ 1. three corruptions
print("1. The corruption processes q(x~ | x), measured on the test set")
levels = [0.1, 0.25, 0.5]
x = x_test.astype(np.float64)
print("   level  masking: zeroed   gaussian: std of x~ - x   salt-and-pepper: changed, in [0,1]")
for level in levels:
    m = mask_noise(x, level, rng)
    gn = gaussian_noise(x, level, rng)
    sp = salt_and_pepper(x, level, rng)
    zeroed = np.mean((m == 0) & (x != 0)) / np.mean(x != 0)
    changed = np.mean(sp != x)
    print(f"   {level:5.2f}  {zeroed:15.3f}   {np.std(gn - x):23.3f}   {changed:8.3f}, "
          f"{bool(sp.min() >= 0 and sp.max() <= 1)}")
    check(abs(zeroed - level) < 0.01 and abs(np.std(gn - x) - level) < 0.01,
          f"masking zeroes a fraction {level} of the pixels; Gaussian noise has std {level}")
print("   (salt-and-pepper changes fewer than `level` of the pixels: a hit that draws 0 on a")
print("    pixel that is already 0 changes nothing -- MNIST is mostly background.)")
digit = x_test[:1]
rows = [np.concatenate([corrupt(digit, kind, lv, rng) for lv in [0.0] + levels])
        for kind in ("masking", "gaussian", "salt_and_pepper")]
fig = viz.image_grid(np.concatenate(rows), n_cols=4, row_labels=["masking", "gaussian", "s & p"],
                     title="Corruption levels 0, 0.1, 0.25, 0.5")
save_figure(fig, args, "08_corruptions.png")

# ------------------------------------------------------------ 2. the L-sample estimate
print("\n2. E_q[L(x, g(h(x~)))] cannot be computed exactly; the DAE averages L corrupted copies")
probe = DenoisingAutoencoder([784, 100], corruption="masking", level=0.25, seed=args.seed)
batch = x_train[:100].astype(np.float64)
spread = {}
for L in (1, 4, 16):
    estimates = []
    for s in range(30):                       # 30 independent draws of the L copies
        x_tilde, target = corrupted_copies(batch, "masking", 0.25, L, np.random.default_rng(s))
        probe.decoder.forward(probe.encoder.forward(x_tilde))
        estimates.append(np.mean(probe._per_example_loss(target)))
    spread[L] = np.std(estimates)
    print(f"   L = {L:2d}: loss estimate {np.mean(estimates):8.3f} +- {spread[L]:.3f} "
          "(untrained DAE; std over 30 draws of the noise)")
ratio = spread[1] / spread[16]
check(2.5 < ratio < 6.5, f"the spread of the estimate falls like 1/sqrt(L): std(L=1)/std(L=16) = "
      f"{ratio:.1f} (sqrt(16) = 4)")

# ------------------------------------------------------------------- 3. AE vs DAE filters
HIDDEN, LEVEL = 300, 0.5
print(f"\n3. One hidden layer of {HIDDEN} sigmoid units, tied weights, cross-entropy; the DAE "
      f"with {LEVEL:.0%}\n   zero-masking noise. Same initial weights, same epochs.")
ae = Autoencoder([784, HIDDEN], tied=True, seed=args.seed, dtype=np.float32)
dae = DenoisingAutoencoder([784, HIDDEN], tied=True, corruption="masking", level=LEVEL,
                           seed=args.seed, dtype=np.float32)
for name, model in (("AE", ae), ("DAE", dae)):
    t0 = time.perf_counter()
    h = model.fit(x_train, epochs=EPOCHS, batch_size=50, lr=2e-3, progress=False)
    print(f"   {name:3s}: {EPOCHS} epochs in {time.perf_counter() - t0:4.1f} s, "
          f"final training loss {h['loss'][-1]:.2f}")


def smoothness(W):
    """Mean correlation between horizontally and vertically adjacent weights of each filter:
    ~0 for noise, near 1 for smooth stroke/edge detectors."""
    F = W.reshape(-1, 28, 28).astype(np.float64)
    F = (F - F.mean(axis=(1, 2), keepdims=True)) / F.std(axis=(1, 2), keepdims=True)
    horizontal = np.mean(F[:, :, 1:] * F[:, :, :-1], axis=(1, 2))
    vertical = np.mean(F[:, 1:, :] * F[:, :-1, :], axis=(1, 2))
    return float(np.mean((horizontal + vertical) / 2))


s_ae, s_dae = smoothness(ae.encoder.layers[0].W), smoothness(dae.encoder.layers[0].W)
print(f"   neighbour correlation of the filters (0 = noise): AE {s_ae:.3f}   DAE {s_dae:.3f}")
print("   Vincent et al. trained by plain SGD for many epochs: their AE's filters stayed")
print("   noise-like while the DAE's became stroke/edge detectors. With Adam and a few epochs")
print("   both move far from their random start and the difference is small -- look at the two")
print("   figures, and see exercise 1.")
for name, model in (("ae", ae), ("dae", dae)):
    fig = viz.image_grid(model.encoder.layers[0].W[:50], n_cols=10, normalize=True,
                         title=f"First-layer filters: {name.upper()} "
                               f"(neighbour correlation {smoothness(model.encoder.layers[0].W):.2f})")
    save_figure(fig, args, f"08_filters_{name}.png")

# ----------------------------------------------------------------------- 4. denoising
print("\n4. Denoising test digits: squared error of g(h(x~)) to the clean x, summed over pixels")
results = {}
for kind, level in (("masking", LEVEL), ("salt_and_pepper", 0.1), ("gaussian", 0.3)):
    noisy = corrupt(x_test, kind, level, np.random.default_rng(1))
    results[kind] = {name: float(np.mean(np.sum((m.reconstruct(noisy) - x_test) ** 2, axis=1)))
                     for name, m in (("AE", ae), ("DAE", dae))}
    results[kind]["noisy"] = float(np.mean(np.sum((noisy - x_test) ** 2, axis=1)))
    r = results[kind]
    print(f"   {kind:16s} {level:4.2f}: noisy input {r['noisy']:7.2f}   AE {r['AE']:6.2f}   "
          f"DAE {r['DAE']:6.2f}")
check(results["masking"]["DAE"] < results["masking"]["AE"],
      "on the noise it was trained for, the DAE restores digits better than the plain AE")
print("   (on other kinds of noise it need not: a DAE learns to undo its own corruption q.)")
noisy = corrupt(x_test[:10], "masking", LEVEL, np.random.default_rng(1))
fig = viz.side_by_side([x_test, noisy, ae.reconstruct(noisy), dae.reconstruct(noisy)],
                       ["clean", f"{LEVEL:.0%} masked", "AE", "DAE"], n=10,
                       title="Denoising: the DAE projects corrupted digits back onto the data")
save_figure(fig, args, "08_denoised.png")

print(f"\nSummary ({time.perf_counter() - t_start:.0f} s):")
print("  * the corruptions are functions of (x, level, rng); masking and salt-and-pepper keep")
print("    pixels in [0, 1], Gaussian noise does not (fine for an input, never for a target).")
print("  * averaging L corrupted copies shrinks the spread of the loss estimate like 1/sqrt(L).")
print("  * trained on corrupted inputs, the DAE puts corrupted digits back closer to the clean")
print(f"    ones ({results['masking']['DAE']:.1f} vs {results['masking']['AE']:.1f} for "
      f"{LEVEL:.0%} masking).")
print("Exercises:")
print("  1. Train with optimizer='sgd', lr=0.1 for 50 epochs and compare the filters again; then")
print("     train DAEs at 0%, 10%, 20%, 50% masking and plot one filter at each level (the")
print("     slide's 'Neuron A / Neuron B' figure).")
print("  2. Train with salt-and-pepper noise and test on masking noise. Which AE wins now?")
print("  3. Add weight decay to the plain AE (fit(..., weight_decay=1e-4)). Do its filters look")
print("     like the DAE's (the slide's 'AE with weight decay' panel)?")
