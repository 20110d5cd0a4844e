"""Lesson 08: the denoising autoencoder
====================================

Slides, part 03 ("Denoising AutoEncoder"; Vincent et al. 2008, 2010)::

    L_DAE = sum_x E_{q(x~|x)} [L(x, g(h(x~)))]  ~=  sum_x (1/L) sum_l L(x, g(h(x~_l)))

The network sees a corrupted ``x~`` and is scored against the clean ``x``, so it must learn where
the data lie and "project back" onto that manifold. We look at the three corruptions, check the
L-sample estimate, compare the first-layer filters of an AE and a DAE (the slide's "noise-like vs
edge-like" filters), and denoise test digits.
"""
# %%
# Knobs
# -----
# The settings a student may change. ``HIDDEN`` and ``LEVEL`` follow the slide's MNIST figure
# (100 hidden units, zero-masking noise); the filters are trained by plain SGD, as Vincent et al.
# did -- with Adam and a few epochs the AE's and the DAE's filters look alike (exercise 1). The
# filters are compared after a short run (``FILTER_EPOCHS`` passes over ``FILTER_N`` digits) in
# both modes; ``--full`` then also trains both models for ``EPOCHS`` passes over all
# ``N_TRAIN`` digits and prints their filter numbers beside the short run's (section 3).
import math
import time

import numpy as np

from scratchae import viz
from scratchae.data.corruption import corrupt, gaussian_noise, mask_noise, salt_and_pepper
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.filter_stats import energy_concentration, neighbour_correlation
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.models import Autoencoder, DenoisingAutoencoder
from scratchae.models.denoising import corrupted_copies

args = parse_args("Lesson 08: the denoising autoencoder -- corruptions, the L-sample loss, "
                  "stroke-like filters, denoised digits")
N_TRAIN, N_TEST = (2000, 1000) if args.quick else (60000, 10000)
EPOCHS = 40 if args.quick else 100   # passes of plain SGD over the training digits
FILTER_N, FILTER_EPOCHS = 2000, 40   # the filters are compared after this short run
HIDDEN = 100                         # hidden sigmoid units, tied weights
LEVEL = 0.5                          # fraction of pixels the DAE's masking noise zeroes
LR, BATCH = 0.3, 20                  # plain SGD step and mini-batch size

header("Lesson 08 -- the denoising autoencoder")
t_start = time.perf_counter()
(x_train, _), (x_test, _), source = load_digits_or_glyphs(N_TRAIN, N_TEST, rng=args.seed)
rng = np.random.default_rng(args.seed)
print(f"[data] {source}: {len(x_train)} training, {len(x_test)} test digits\n")

# %%
# 1. Three corruption processes
# -----------------------------
# ``q(x~ | x)`` is a function of the clean digit, a level and a random generator: zero-masking sets
# a fraction of the pixels to 0, Gaussian noise adds ``N(0, level^2)``, salt-and-pepper sets a
# fraction of the pixels to 0 or 1 at random. We measure each on the test digits.
print("1. The corruption processes q(x~ | x), measured on the test set")
levels = [0.1, 0.25, 0.5]
x = x_test.astype(np.float64)
print("   level  masking: zeroed   gaussian: std of x~ - x   salt-and-pepper: changed, in [0,1]")
changed = {}
for level in levels:
    m = mask_noise(x, level, rng)
    gn = gaussian_noise(x, level, rng)
    sp = salt_and_pepper(x, level, rng)
    zeroed = np.mean((m == 0) & (x != 0)) / np.mean(x != 0)
    changed[level] = np.mean(sp != x)
    print(f"   {level:5.2f}  {zeroed:15.3f}   {np.std(gn - x):23.3f}   {changed[level]:8.3f}, "
          f"{bool(sp.min() >= 0 and sp.max() <= 1)}")
    check(abs(zeroed - level) < 0.01 and abs(np.std(gn - x) - level) < 0.01,
          f"masking zeroes a fraction {level} of the pixels; Gaussian noise has std {level}")
check(all(changed[lv] < lv for lv in levels),
      "salt-and-pepper changes fewer than `level` of the pixels (a hit that draws 0 on a pixel "
      "that is already 0 changes nothing; digits are mostly background)")
digit = x_test[:1]
rows = [np.concatenate([corrupt(digit, kind, lv, rng) for lv in [0.0] + levels])
        for kind in ("masking", "gaussian", "salt_and_pepper")]
fig = viz.image_grid(np.concatenate(rows), n_cols=4, row_labels=["masking", "gaussian", "s & p"],
                     title="Corruption levels 0, 0.1, 0.25, 0.5 (left to right)")
save_figure(fig, args, "08_corruptions.png")

# %%
# 2. The L-sample estimate of the loss
# ------------------------------------
# The expectation over ``q`` cannot be computed exactly, so the DAE averages the loss over ``L``
# corrupted copies of each digit. An average of ``L`` independent draws has a spread that falls
# like ``1/sqrt(L)``; we measure it on an untrained DAE over 30 independent draws of the noise.
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

# %%
# 3. AE and DAE filters
# ---------------------
# The slide: filters of a one-hidden-layer network "must capture low-level features"; ones that
# still look like noise are badly trained, stroke- or edge-like ones are well trained. We train an
# AE and a DAE from the same initial weights with the same plain SGD and compare their filters
# (the rows ``W_j`` of the first layer, drawn as images). Two numbers describe a filter
# (:mod:`scratchae.filter_stats`): its *neighbour correlation* (0 for white noise, near 1 for a
# smooth image) and its *energy concentration*, the share of its energy held by its strongest 10%
# of pixels (0.44 for white noise, near 1 for a local stroke detector).


def train_pair(x, epochs):
    """An AE and a DAE from the same initial weights, trained by the same plain SGD on ``x``."""
    ae = Autoencoder([784, HIDDEN], tied=True, seed=args.seed, dtype=np.float32)
    dae = DenoisingAutoencoder([784, HIDDEN], tied=True, corruption="masking", level=LEVEL,
                               seed=args.seed, dtype=np.float32)
    for name, model in (("AE", ae), ("DAE", dae)):
        t0 = time.perf_counter()
        h = model.fit(x, epochs=epochs, batch_size=BATCH, optimizer="sgd", lr=LR)
        print(f"   {name:3s}: {epochs} epochs over {len(x)} digits in "
              f"{time.perf_counter() - t0:4.1f} s, final training loss {h['loss'][-1]:.2f}")
    return ae, dae


def filter_numbers(ae, dae):
    """Energy concentration and neighbour correlation of both models' first-layer filters."""
    W = {"AE": ae.encoder.layers[0].W, "DAE": dae.encoder.layers[0].W}
    return (W, {name: energy_concentration(w) for name, w in W.items()},
            {name: neighbour_correlation(w) for name, w in W.items()})


def print_filter_numbers(conc, corr):
    print("   filters of            energy in strongest 10% of pixels   neighbour correlation")
    for name in ("noise", "AE", "DAE"):
        label = "white noise (reference)" if name == "noise" else name
        print(f"   {label:23s} {conc[name]:20.3f}   {corr[name]:20.3f}")


print(f"\n3. One hidden layer of {HIDDEN} sigmoid units, tied weights, cross-entropy, plain SGD "
      f"(lr {LR}, batches of {BATCH})\n   for {FILTER_EPOCHS} epochs over the first {FILTER_N} "
      f"digits; the DAE with {LEVEL:.0%} zero-masking noise. Same initial weights.")
x_filter = x_train[:FILTER_N]
filter_steps = FILTER_EPOCHS * math.ceil(len(x_filter) / BATCH)   # mini-batches, the last one short
ae, dae = train_pair(x_filter, FILTER_EPOCHS)
W, conc, corr = filter_numbers(ae, dae)
noise = np.random.default_rng(args.seed).normal(size=(HIDDEN, 784))
conc["noise"], corr["noise"] = energy_concentration(noise), neighbour_correlation(noise)
print_filter_numbers(conc, corr)
check(conc["DAE"] > conc["AE"] + 0.05,
      f"after {filter_steps:,} SGD steps the DAE's filters are more local than the AE's: "
      f"energy concentration {conc['DAE']:.3f} vs {conc['AE']:.3f} (margin 0.05)")
check(corr["DAE"] > corr["AE"],
      f"and smoother: neighbour correlation {corr['DAE']:.3f} vs {corr['AE']:.3f}")
for name in ("AE", "DAE"):
    fig = viz.image_grid(W[name][:50], n_cols=10, normalize=True,
                         title=f"First-layer filters of the {name} (each stretched to its own "
                               f"range): energy concentration {conc[name]:.2f}, neighbour "
                               f"correlation {corr[name]:.2f}")
    save_figure(fig, args, f"08_filters_{name.lower()}.png")
per_filter = {name: [energy_concentration(w[j:j + 1]) for j in range(HIDDEN)]
              for name, w in W.items()}
fig, ax = viz._plt().subplots(figsize=(6.5, 3.8))
bins = np.linspace(0.3, 1.0, 36)
for name in ("AE", "DAE"):
    ax.hist(per_filter[name], bins=bins, histtype="step", lw=2,
            label=f"{name} (mean {conc[name]:.2f})")
ax.axvline(conc["noise"], color="grey", ls=":", label=f"white noise ({conc['noise']:.2f})")
ax.set_xlabel("share of a filter's energy in its strongest 10% of pixels")
ax.set_ylabel("number of filters")
ax.set_title(f"DAE filters are more local ({source}, {FILTER_EPOCHS} epochs of SGD "
             f"over {FILTER_N} digits)")
ax.legend()
save_figure(fig, args, "08_filter_concentration.png")

long_conc = None
if len(x_train) > FILTER_N or EPOCHS != FILTER_EPOCHS:
    # --full: the long run, at the papers' scale. Its filters are printed, not claimed: with
    # many more SGD steps the plain AE's filters can grow local too.
    print(f"\n   The same pair for {EPOCHS} epochs over all {len(x_train)} training digits "
          f"({EPOCHS * math.ceil(len(x_train) / BATCH):,} steps); section 4 uses these models:")
    ae, dae = train_pair(x_train, EPOCHS)
    _, long_conc, long_corr = filter_numbers(ae, dae)
    long_conc["noise"], long_corr["noise"] = conc["noise"], corr["noise"]
    print_filter_numbers(long_conc, long_corr)
    gap, long_gap = conc["DAE"] - conc["AE"], long_conc["DAE"] - long_conc["AE"]
    print(f"   gap in energy concentration (DAE - AE): {gap:+.3f} after the short run, "
          f"{long_gap:+.3f} after the long one")
    if long_gap < gap:
        print("   -- the gap shrank: the masking noise made the filters local early, and the "
              "plain AE's\n   filters moved the same way given more steps.")
    else:
        print("   -- the gap did not shrink with the longer run.")

# %%
# 4. Denoising test digits
# ------------------------
# The DAE was trained to undo its own corruption. We corrupt test digits, pass them through both
# models and measure the squared error to the *clean* digits. On other kinds of noise the DAE need
# not win: it learned to undo ``q``, not every corruption.
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
masked = results["masking"]
check(masked["DAE"] < masked["AE"],
      f"on the noise it was trained for, the DAE restores digits better than the plain AE "
      f"({masked['DAE']:.1f} vs {masked['AE']:.1f})")
check(masked["DAE"] < masked["noisy"],
      f"the DAE's output is closer to the clean digit than its masked input "
      f"({masked['DAE']:.1f} vs {masked['noisy']:.1f})")
noisy = corrupt(x_test[:10], "masking", LEVEL, np.random.default_rng(1))
fig = viz.side_by_side([x_test, noisy, ae.reconstruct(noisy), dae.reconstruct(noisy)],
                       ["clean", f"{LEVEL:.0%} masked", "AE", "DAE"], n=10,
                       title=f"Denoising {LEVEL:.0%}-masked digits: squared error per digit "
                             f"AE {masked['AE']:.1f}, DAE {masked['DAE']:.1f}")
save_figure(fig, args, "08_denoised.png")

# %%
# Summary
# -------
print(f"\nSummary ({time.perf_counter() - t_start:.0f} s):")
print("  * the corruptions are functions of (x, level, rng); masking and salt-and-pepper keep")
print("    pixels in [0, 1], Gaussian noise does not (fine for an input, never for a target).")
print(f"  * averaging L corrupted copies shrinks the spread of the loss estimate like 1/sqrt(L) "
      f"(ratio {ratio:.1f} for L = 16).")
print(f"  * after a short SGD run from the same start, the DAE's filters were more local "
      f"(mean energy\n    concentration {conc['DAE']:.2f}) than the AE's ({conc['AE']:.2f}; "
      f"white noise {conc['noise']:.2f}).")
if long_conc is not None:
    print(f"  * after the long run: DAE {long_conc['DAE']:.2f}, AE {long_conc['AE']:.2f}.")
print("  * trained on corrupted inputs, the DAE puts corrupted digits back closer to the clean")
print(f"    ones ({masked['DAE']:.1f} vs {masked['AE']:.1f} for {LEVEL:.0%} masking).")

# %%
# Exercises
# ---------
# Run ``scratchae exercises start 05_tied_autoencoder`` to write the tied autoencoder's forward
# and backward pass yourself. Then, with this lesson:
#
# 1. Train both models with ``optimizer="adam", lr=2e-3`` for 5 epochs on 5000 digits and measure
#    the two filter numbers again. Does the difference survive?
# 2. Train DAEs at 0%, 10%, 20% and 50% masking and draw one filter at each level (the slide's
#    "Neuron A / Neuron B" figure).
# 3. Train with salt-and-pepper noise and test on masking noise. Which model wins now?
# 4. Add weight decay to the plain AE (``fit(..., weight_decay=1e-4)``). Do its filters look like
#    the DAE's (the slide's "AE with weight decay" panel)?
print("Exercises: scratchae exercises start 05_tied_autoencoder (and the list in this file)")
