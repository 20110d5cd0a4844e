"""Lesson 09: contractive autoencoders
===================================

Slides, part 03 ("Stochastic Contractive AutoEncoder", "Contractive AutoEncoder"; Rifai et al.
2011). The DAE makes the reconstruction robust; the SCAE and the CAE make the *representation*
robust::

    SCAE:  L(x, g(h(x))) + lambda E||h(x) - h(x + eps)||^2,   eps ~ N(0, sigma^2 I)
    CAE:   L(x, g(h(x))) + lambda ||J_h(x)||_F^2,   ||J||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ji^2

(one sigmoid layer, tied weights). We check the Taylor argument that links the two penalties,
train AE, AE + weight decay, DAE, SCAE and CAE side by side, and print Rifai et al.'s table: the
average ``||J_h(x)||_F`` on test digits and SAT, the average fraction of saturated hidden units
(activation below 0.05 or above 0.95) per digit.
"""
# %%
# Knobs
# -----
# ``LAMBDA`` is the CAE's penalty weight. The factor ``h_j (1 - h_j)`` of the penalty can shrink in
# two ways: small weights, or units pushed to 0 or 1 (saturated). A moderate ``LAMBDA`` trained for
# many epochs gives Rifai et al.'s picture (smallest Jacobian *and* most saturated units); a large
# one (try 50) contracts through small weights and leaves the units in their linear middle.
import time

import numpy as np

from scratchae import viz
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.models import (Autoencoder, ContractiveAutoencoder, DenoisingAutoencoder,
                              StochasticContractiveAutoencoder, contraction_stats,
                              jacobian_frobenius_norms)

args = parse_args("Lesson 09: contractive autoencoders -- the SCAE's noise penalty, the CAE's "
                  "Jacobian penalty, and the Jacobian/saturation table")
N_TRAIN, N_TEST = (2000, 1000) if args.quick else (50000, 10000)
HIDDEN = 200 if args.quick else 1000   # hidden sigmoid units (Rifai et al.: 1000)
EPOCHS = 50                            # passes of Adam over the training digits (both scales)
LAMBDA = 4.0                           # CAE penalty weight
SIGMA = 0.1                            # the SCAE's noise std; its weight is LAMBDA / SIGMA^2
WEIGHT_DECAY = 1e-2                    # for "AE+wd"
LR, BATCH = 2e-3, 50

header("Lesson 09 -- contractive autoencoders")
t_start = time.perf_counter()
(x_train, _), (x_test, _), source = load_digits_or_glyphs(N_TRAIN, N_TEST, rng=args.seed)
print(f"[data] {source}: {len(x_train)} training, {len(x_test)} test digits\n")

# %%
# 1. From the SCAE to the CAE: the Taylor step
# --------------------------------------------
# ``h(x + eps) = h(x) + J eps + ...``, so ``E||h(x) - h(x + eps)||^2 ~= sigma^2 ||J_h(x)||_F^2``
# for small ``sigma``. We estimate the left side by 500 noise samples per digit and compare it
# with the closed form on the right.
print("1. h(x + eps) = h(x) + J eps + ...  so  E||h(x) - h(x + eps)||^2 ~= sigma^2 ||J_h(x)||_F^2")
probe = StochasticContractiveAutoencoder([784, 50], n_samples=500, seed=args.seed)
xs = x_test[:20].astype(np.float64)
exact = float(np.mean(jacobian_frobenius_norms(probe, xs) ** 2))
print(f"   ||J_h(x)||_F^2 (closed form, mean of 20 digits) = {exact:.4f}")
print("   sigma     E||h(x) - h(x~)||^2 / sigma^2   (500 noise samples per digit)")
ratios = {}
for sigma in (0.3, 0.1, 0.03, 0.01):
    probe.noise_std = sigma
    ratios[sigma] = probe.stochastic_penalty(xs, rng=args.seed) / sigma ** 2
    print(f"   {sigma:5.2f}    {ratios[sigma]:.4f}")
check(abs(ratios[0.01] / exact - 1) < 0.05,
      f"for small noise the SCAE penalty is sigma^2 times the CAE penalty: ratio "
      f"{ratios[0.01] / exact:.3f} at sigma = 0.01 (within 5% of 1)")
print("   (the slide writes the two as approximately equal; the factor sigma^2 is absorbed into")
print("    lambda, so a SCAE with (lambda, sigma) matches a CAE with lambda * sigma^2.)")

# %%
# 2. Five models, Rifai et al.'s table
# ------------------------------------
# Same architecture, same initial weights, same optimiser and epochs for all five; only the
# training criterion differs. ``contraction_stats`` measures the average ``||J_h(x)||_F`` (the
# closed form, per test digit) and SAT.
print(f"\n2. One sigmoid layer of {HIDDEN} units, tied weights, cross-entropy, {EPOCHS} epochs "
      f"of Adam (lr {LR}) each")
models = {
    "AE": (Autoencoder([784, HIDDEN], tied=True, seed=args.seed, dtype=np.float32), {}),
    "AE+wd": (Autoencoder([784, HIDDEN], tied=True, seed=args.seed, dtype=np.float32),
              {"weight_decay": WEIGHT_DECAY}),
    "DAE-b": (DenoisingAutoencoder([784, HIDDEN], tied=True, corruption="masking", level=0.25,
                                   seed=args.seed, dtype=np.float32), {}),
    "SCAE": (StochasticContractiveAutoencoder([784, HIDDEN], contraction=LAMBDA / SIGMA ** 2,
                                              noise_std=SIGMA, seed=args.seed,
                                              dtype=np.float32), {}),
    "CAE": (ContractiveAutoencoder([784, HIDDEN], contraction=LAMBDA, seed=args.seed,
                                   dtype=np.float32), {}),
}
print(f"   AE+wd: weight decay {WEIGHT_DECAY:g};  DAE-b: 25% masking;  SCAE: lambda "
      f"{LAMBDA / SIGMA ** 2:g}, sigma {SIGMA};  CAE: lambda {LAMBDA:g}")
rows = {}
for name, (model, extra) in models.items():
    t0 = time.perf_counter()
    model.fit(x_train, epochs=EPOCHS, batch_size=BATCH, lr=LR, **extra)
    stats = contraction_stats(model, x_test)
    rows[name] = dict(stats, error=float(np.mean(model.squared_error(x_test))),
                      seconds=time.perf_counter() - t0)

print("\n   model   test squared error   average ||J_h(x)||_F   SAT (units < 0.05 or > 0.95)")
for name, r in rows.items():
    print(f"   {name:6s}  {r['error']:18.2f}   {r['jacobian_norm']:20.3f}   {r['saturation']:9.1%}")
print("   Rifai et al. 2011 (MNIST, 1000 units): CAE 0.73e-4 / 86%, DAE-b 7.87e-4 / 68%,")
print("   AE+wd 5.00e-4 / 13%, AE 17.5e-4 / 50% -- their norm is on another scale (the paper does")
print("   not say how it is normalised); compare orderings, not values.")
j = {name: r["jacobian_norm"] for name, r in rows.items()}
sat = {name: r["saturation"] for name, r in rows.items()}
others = ("AE", "AE+wd", "DAE-b")
check(j["CAE"] < min(j[n] for n in others),
      f"the CAE has the smallest Jacobian norm of AE, AE+wd, DAE-b and CAE: {j['CAE']:.2f} vs "
      f"at least {min(j[n] for n in others):.2f} (Rifai et al.'s ordering)")
runner_up = max(others, key=sat.get)
check(sat["CAE"] > sat[runner_up] + 0.03,
      f"the CAE also has the most saturated units: SAT {sat['CAE']:.1%} vs {sat[runner_up]:.1%} "
      f"for the next ({runner_up}; margin 3 points)")
check(j["SCAE"] < j["AE"],
      f"the SCAE's noise penalty contracts too: {j['SCAE']:.2f} vs {j['AE']:.2f} for the AE")
check(rows["CAE"]["error"] > rows["AE"]["error"],
      f"contraction costs reconstruction: test error CAE {rows['CAE']['error']:.1f} vs AE "
      f"{rows['AE']['error']:.1f}")

# %%
# Where does the contraction come from?
# -------------------------------------
# ``||J||_F^2 = sum_j (h_j(1-h_j))^2 ||W_j||^2``: we print both factors for the AE and the CAE.
w_norm = {name: float(np.sqrt(np.mean(np.sum(models[name][0].encoder.layers[0].W ** 2, axis=1))))
          for name in ("AE", "CAE")}
slope = {name: float(np.sqrt(np.mean(np.sum((h * (1 - h)) ** 2, axis=1))))
         for name in ("AE", "CAE") for h in [models[name][0].encode(x_test)]}
print("   ||J||_F^2 = sum_j (h_j(1-h_j))^2 ||W_j||^2, the two factors on test digits:")
print(f"   rms row norm ||W_j||:          AE {w_norm['AE']:.2f}   CAE {w_norm['CAE']:.2f}")
print(f"   sqrt(sum_j (h_j(1-h_j))^2):    AE {slope['AE']:.2f}   CAE {slope['CAE']:.2f}")
print(f"   SAT:                           AE {sat['AE']:.1%}   CAE {sat['CAE']:.1%}")
check(slope["CAE"] < slope["AE"],
      f"the CAE's units sit on flatter parts of the sigmoid: sqrt(sum_j (h_j(1-h_j))^2) "
      f"{slope['CAE']:.2f} vs {slope['AE']:.2f}")

names = list(rows)
fig, axes = viz._plt().subplots(1, 2, figsize=(10, 3.8))
colours = ["tab:grey" if n in others else "tab:blue" for n in names]
axes[0].bar(names, [j[n] for n in names], color=colours)
axes[0].set_ylabel("average ||J_h(x)||_F on test digits")
axes[0].set_title(f"CAE {j['CAE']:.2f}, next lowest {min(j[n] for n in others):.2f}")
axes[1].bar(names, [100 * sat[n] for n in names], color=colours)
axes[1].set_ylabel("SAT: saturated hidden units (%)")
axes[1].set_title(f"CAE {sat['CAE']:.0%}, next highest {sat[runner_up]:.0%} ({runner_up})")
for ax in axes:
    ax.set_xlabel("model (blue: a contractive penalty, by noise or in closed form)")
fig.suptitle(f"Rifai et al.'s table as bars ({source}, {HIDDEN} units, {EPOCHS} epochs)")
fig.tight_layout()
save_figure(fig, args, "09_jacobian_saturation.png")

fig, ax = viz._plt().subplots(figsize=(6.5, 4))
bins = np.linspace(0, 1, 41)
for name in ("AE", "CAE"):
    ax.hist(models[name][0].encode(x_test[:200]).ravel(), bins=bins, histtype="step", lw=2,
            density=True, label=f"{name} (SAT {sat[name]:.0%})")
for edge in (0.05, 0.95):
    ax.axvline(edge, color="grey", ls=":")
ax.set_yscale("log")
ax.set_xlabel("hidden activation h_j(x) (dotted: the SAT thresholds 0.05 and 0.95)")
ax.set_ylabel("density (log scale)")
ax.set_title(f"Hidden activations on 200 test digits: {sat['CAE']:.0%} of the CAE's are "
             f"saturated, {sat['AE']:.0%} of the AE's", fontsize=10)
ax.legend()
save_figure(fig, args, "09_activation_histogram.png")

# %%
# Summary
# -------
print(f"\nSummary ({time.perf_counter() - t_start:.0f} s):")
print("  * the SCAE's noise penalty divided by sigma^2 tends to ||J_h(x)||_F^2: the CAE is its")
print(f"    analytic, noise-free limit (ratio {ratios[0.01] / exact:.3f} at sigma = 0.01).")
print(f"  * of AE, AE+wd, DAE-b and CAE, the CAE contracts the representation most "
      f"({j['CAE']:.2f} vs {j['AE']:.2f}\n    for the AE; the SCAE, the same penalty estimated "
      f"with noise, {j['SCAE']:.2f}) and has the most\n    saturated units (SAT "
      f"{sat['CAE']:.0%} vs {sat['AE']:.0%} for the AE, {sat['DAE-b']:.0%} for the DAE-b):")
print(f"    of sum_j (h_j(1-h_j))^2 ||W_j||^2 it shrank the slope factor "
      f"({slope['CAE']:.2f} vs {slope['AE']:.2f});\n    its rms weight row norm is "
      f"{w_norm['CAE']:.2f} (AE {w_norm['AE']:.2f}).")
print(f"  * the price is reconstruction: test error {rows['CAE']['error']:.1f} vs "
      f"{rows['AE']['error']:.1f} for the AE.")

# %%
# Exercises
# ---------
# Run ``scratchae exercises start 06_contractive`` to write the CAE's penalty and its gradient
# yourself, checked by finite differences. Then, with this lesson:
#
# 1. Sweep ``LAMBDA`` over 0.5, 1, 4, 10, 50 and plot ``||J||_F``, SAT and the test error. Where
#    does the CAE stop saturating and start shrinking its weights instead?
# 2. The CAE's Jacobian has a few large singular values (tangent directions of the digit
#    manifold). Compute the SVD of ``J_h(x)`` for one digit and draw the top right-singular
#    vectors as images (Rifai et al. 2011b).
# 3. Train the SCAE with ``n_samples`` = 1, 4, 16. How does the training time grow?
print("Exercises: scratchae exercises start 06_contractive (and the list in this file)")
