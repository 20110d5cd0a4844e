"""Lesson 10: stacking -- greedy layer-wise pre-training, fine-tuning, the 30-code deep autoencoder, SDAE features, and the RBM beside the AE.

Slides, part 03 ("Restricted Boltzmann Machine", "Stacking RBM -> DBN", "Stacking Autoencoder",
"Fine-tuning by backpropagation", "Stacked Denoising Auto-Encoders"; Hinton & Salakhutdinov 2006,
Vincent et al. 2010). A deep autoencoder of logistic units trained from a random start sits on a
plateau for a long time. Training it one layer at a time -- each layer an autoencoder of the codes
below -- gives a starting point from which backprop through the whole unrolled stack works.
The RBM is the stochastic twin of a one-layer tied autoencoder; stacking RBMs gave the original
deep belief net.
"""
import time

import numpy as np

from scratchae import viz
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.models import RBM, Autoencoder, StackedAutoencoder

args = parse_args(__doc__.splitlines()[0])
header("Lesson 10 -- stacked autoencoders")
t_start = time.perf_counter()
N_TRAIN, N_TEST = (3000, 1000) if args.quick else (60000, 10000)
SIZES = [784, 256, 128, 30] if args.quick else [784, 1000, 500, 250, 30]
PRE_EPOCHS, FINE_EPOCHS = (2, 4) if args.quick else (5, 50)
(x_train, y_train), (x_test, y_test), source = load_digits_or_glyphs(N_TRAIN, N_TEST,
                                                                     rng=args.seed)
print(f"data: {source}, {len(x_train)} training and {len(x_test)} test digits\n")

# ------------------------------------------------------------- 1. the RBM beside the AE
print("1. The slide's table: AE z = sigma(W x + b_e), y = sigma(W^T z + b_d);")
print("   RBM P(h=1|v) = sigma(W v + b_h), P(v=1|h) = sigma(W^T h + b_v). Same formulas, tied W.")
rbm = RBM([784, 64], seed=args.seed, dtype=np.float32)
binary = (x_train > 0.5).astype(np.float32)               # the RBM's visible units are binary
rbm_hist = rbm.fit(binary, epochs=3 if args.quick else 20, batch_size=20, optimizer="momentum",
                   lr=0.05, progress=False)
ae1 = Autoencoder([784, 64], tied=True, seed=args.seed, dtype=np.float32)
ae1.fit(binary, epochs=3 if args.quick else 20, batch_size=20, lr=1e-3, progress=False)
v = (x_test[:1] > 0.5).astype(np.float32)
z_a, z_b = ae1.encode(v), ae1.encode(v)
draws = np.concatenate([rbm.gibbs_step(v, np.random.default_rng(s))[0] for s in range(200)])
p_h = rbm.hidden_probs(v)[0]
varying = int(np.sum(draws.min(axis=0) != draws.max(axis=0)))
print(f"   AE code of one digit, computed twice: identical = {np.array_equal(z_a, z_b)} "
      "(deterministic)")
print(f"   RBM: 200 draws of h ~ P(h|v) for the same digit: {varying} of 64 units take both values;"
      f"\n   the average of the draws matches P(h=1|v) to {np.max(np.abs(draws.mean(0) - p_h)):.3f}")
check(np.array_equal(z_a, z_b) and varying > 0,
      "the AE maps x to one z; the RBM draws h at random around P(h=1|v)")
binary_test = (x_test > 0.5).astype(np.float32)
print(f"   squared reconstruction error of binarised test digits: RBM (CD-1, mean field) "
      f"{np.mean(rbm.squared_error(binary_test)):.2f}, tied AE {np.mean(ae1.squared_error(binary_test)):.2f}")
check(rbm_hist["loss"][-1] < rbm_hist["loss"][0], "CD-1 lowers the RBM's reconstruction error")
fig = viz.image_grid(np.concatenate([rbm.W[:20], ae1.encoder.layers[0].W[:20]]), n_cols=10,
                     normalize=True, row_labels=["RBM", "", "AE", ""],
                     title="Filters W_j of an RBM (CD-1) and of a tied AE")
save_figure(fig, args, "10_rbm_vs_ae_filters.png")

# ------------------------------------------------ 2. greedy pre-training, then fine-tuning
print(f"\n2. A deep autoencoder {SIZES} (logistic units, linear {SIZES[-1]}-unit code)")
stacked = StackedAutoencoder(SIZES, activation="sigmoid", code_activation="identity",
                             seed=args.seed, dtype=np.float32)
t0 = time.perf_counter()
pre = stacked.pretrain(x_train, epochs=PRE_EPOCHS, batch_size=50, lr=2e-3, progress=False)
for k, h in enumerate(pre):
    print(f"   layer {k + 1} ({SIZES[k]} -> {SIZES[k + 1]}): reconstruction loss "
          f"{h['loss'][0]:.2f} -> {h['loss'][-1]:.2f}")
err_unrolled = float(np.mean(stacked.squared_error(x_test)))
print(f"   unrolled stack, before fine-tuning: test squared error {err_unrolled:.2f} "
      f"({time.perf_counter() - t0:.1f} s of pre-training)")
scratch = StackedAutoencoder(SIZES, activation="sigmoid", code_activation="identity",
                             seed=args.seed, dtype=np.float32)
curves = {"pre-trained, fine-tuned": [], "random start": []}
for name, model in (("pre-trained, fine-tuned", stacked), ("random start", scratch)):
    model.fit(x_train, epochs=FINE_EPOCHS, batch_size=50, lr=1e-3, progress=False,
              callback=lambda e, h, m=model, c=curves[name]:
              c.append(float(np.mean(m.squared_error(x_test)))) and False)
print("   fine-tuning epoch:     " + "  ".join(f"{e + 1:6d}" for e in range(FINE_EPOCHS)))
for name, c in curves.items():
    print(f"   {name:23s}" + "  ".join(f"{v:6.2f}" for v in c))
check(curves["pre-trained, fine-tuned"][-1] < err_unrolled,
      "fine-tuning the whole stack by backprop improves on the greedily built one")
check(curves["pre-trained, fine-tuned"][-1] < curves["random start"][-1],
      "with the same fine-tuning budget the pre-trained deep AE reconstructs better than one "
      "trained from a random start")
fig, axes = viz._plt().subplots(1, 2, figsize=(11, 4))
viz.curves({f"layer {k + 1}": h["loss"] for k, h in enumerate(pre)}, ylabel="training loss",
           title="greedy pre-training, layer by layer", ax=axes[0])
viz.curves({k: v for k, v in curves.items()}, ylabel="test squared error per image",
           title="fine-tuning the unrolled stack", ax=axes[1])
axes[1].axhline(err_unrolled, color="grey", ls=":", label="unrolled, not fine-tuned")
axes[1].legend()
fig.tight_layout()
save_figure(fig, args, "10_pretraining_vs_finetuning.png")
fig = viz.side_by_side([x_test, stacked.reconstruct(x_test), scratch.reconstruct(x_test)],
                       ["input", "pre-trained", "random start"], n=12,
                       title=f"{SIZES[-1]}-number codes of the deep autoencoder")
save_figure(fig, args, "10_deep_ae_reconstructions.png")

# --------------------------------------------- 3. stacked DAE as pre-training for a classifier
print("\n3. Stacked denoising autoencoders as pre-training: masking noise 10% / 20% per layer,")
print("   then a softmax layer on top and supervised fine-tuning of encoder + softmax")
CLF = SIZES[:3]
sdae = StackedAutoencoder(CLF, activation="sigmoid", n_classes=10, seed=args.seed,
                          dtype=np.float32)
sdae.pretrain(x_train, epochs=PRE_EPOCHS, batch_size=50, lr=2e-3, corruption="masking",
              level=[0.1, 0.2], progress=False)
plain = StackedAutoencoder(CLF, activation="sigmoid", n_classes=10, seed=args.seed,
                           dtype=np.float32)
errors = {}
for name, model in (("SDAE pre-trained", sdae), ("random start", plain)):
    model.fit_classifier(x_train, y_train, epochs=FINE_EPOCHS, batch_size=50, lr=1e-3,
                         progress=False)
    errors[name] = model.error_rate(x_test, y_test)
    print(f"   {name:17s}: test error {errors[name]:.1%} after {FINE_EPOCHS} epochs")
check(errors["SDAE pre-trained"] < 0.2, "the pre-trained stack classifies test digits (error "
      "below 20%)")
if errors["SDAE pre-trained"] >= errors["random start"]:
    print("   Here pre-training buys nothing: two small hidden layers of sigmoid units and Adam train")
    print("   well from a random start. Its gains (Vincent et al. 2010) come with deeper, wider")
    print("   stacks and little labelled data -- try exercise 1's opposite: 3 x 1000 units, 1000 labels.")

print(f"\nSummary ({time.perf_counter() - t_start:.0f} s):")
print("  * an RBM and a tied AE share their formulas; the AE is deterministic, the RBM samples.")
print("  * greedy pre-training builds a deep AE one shallow AE at a time; fine-tuning the")
print(f"    unrolled stack then takes the test error from {err_unrolled:.1f} to "
      f"{curves['pre-trained, fine-tuned'][-1]:.1f} (random start: {curves['random start'][-1]:.1f}).")
print("  * the same stack, denoising and with a softmax on top, is a pre-trained classifier.")
print("Exercises:")
print("  1. Replace the logistic units by ReLU (activation='relu'). Is pre-training still needed?")
print("  2. Pre-train with RBMs instead of AEs: train an RBM on the binarised codes of each layer")
print("     and copy W, b_h into the stack (the original DBN recipe).")
print("  3. Run `scratchae reproduce deep-ae-mnist` and compare with Hinton & Salakhutdinov's 3.00.")
