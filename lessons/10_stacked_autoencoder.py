"""Lesson 10: stacked autoencoders
===============================

Slides, part 03 ("Restricted Boltzmann Machine", "Stacking RBM -> DBN", "Stacking Autoencoder",
"Fine-tuning by backpropagation", "Stacked Denoising Auto-Encoders"; Hinton & Salakhutdinov 2006,
Vincent et al. 2010). A deep autoencoder of logistic units trained from a random start sits on a
plateau for a long time. Training it one layer at a time -- each layer an autoencoder of the codes
below -- gives a starting point from which backprop through the whole unrolled stack works. The
same greedy pre-training, done with denoising autoencoders on *unlabelled* digits, gives a
classifier a better start when labels are few. The RBM is the stochastic twin of a one-layer tied
autoencoder; stacking RBMs gave the original deep belief net.
"""
# %%
# Knobs
# -----
# ``SIZES`` is the deep autoencoder's encoder; ``N_LABELS`` is how many of the training digits
# keep their label for the classifier of part 3 (all of them are used, unlabelled, for
# pre-training). Try ``N_LABELS = N_TRAIN`` to see what pre-training buys with many labels, and
# ``FINE_TUNING`` to compare optimisers.
import copy
import time

import numpy as np

from scratchae import viz
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.models import RBM, Autoencoder, StackedAutoencoder

args = parse_args("Lesson 10: stacking -- greedy layer-wise pre-training, fine-tuning, the deep "
                  "autoencoder, SDAE pre-training with few labels, and the RBM beside the AE")
N_TRAIN, N_TEST = (3000, 1000) if args.quick else (60000, 10000)
SIZES = [784, 256, 128, 30] if args.quick else [784, 1000, 500, 250, 30]
PRE_EPOCHS, FINE_EPOCHS = (2, 4) if args.quick else (5, 50)
N_LABELS = 100 if args.quick else 1000     # labelled digits for the classifier (part 3)
CLF_SIZES = [784, 500, 500] if args.quick else [784, 1000, 1000, 1000]
CLF_PRE_EPOCHS = 5 if args.quick else 20   # SDAE pre-training passes per layer
CLF_EPOCHS = 30 if args.quick else 100     # supervised passes over the labelled digits
CLF_BATCH = 20
FINE_TUNING = [("sgd", 0.1), ("adam", 1e-3)]   # (optimizer, learning rate) of fine-tuning
NOISE = [0.2, 0.3] if args.quick else [0.1, 0.2, 0.3]   # masking noise of each SDAE layer

header("Lesson 10 -- stacked autoencoders")
t_start = time.perf_counter()
(x_train, y_train), (x_test, y_test), source = load_digits_or_glyphs(N_TRAIN, N_TEST,
                                                                     rng=args.seed)
print(f"[data] {source}: {len(x_train)} training, {len(x_test)} test digits\n")

# %%
# 1. The RBM beside the AE
# ------------------------
# The slide's table: the same formulas with a tied ``W``, but the AE's code is a function of ``x``
# while the RBM's hidden units are random variables. We train both on binarised digits and draw
# the RBM's hidden units 200 times for one digit.
print("1. The slide's table: AE z = sigma(W x + b_e), y = sigma(W^T z + b_d);")
print("   RBM P(h=1|v) = sigma(W v + b_h), P(v=1|h) = sigma(W^T h + b_v). Same formulas, tied W.")
rbm = RBM([784, 64], seed=args.seed, dtype=np.float32)
binary = (x_train > 0.5).astype(np.float32)               # the RBM's visible units are binary
rbm_hist = rbm.fit(binary, epochs=3 if args.quick else 20, batch_size=20, optimizer="momentum",
                   lr=0.05)
ae1 = Autoencoder([784, 64], tied=True, seed=args.seed, dtype=np.float32)
ae1.fit(binary, epochs=3 if args.quick else 20, batch_size=20, lr=1e-3)
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
      f"the AE maps x to one z; the RBM draws h at random around P(h=1|v) ({varying} of 64 units "
      "vary)")
binary_test = (x_test > 0.5).astype(np.float32)
print(f"   squared reconstruction error of binarised test digits: RBM (CD-1, mean field) "
      f"{np.mean(rbm.squared_error(binary_test)):.2f}, tied AE "
      f"{np.mean(ae1.squared_error(binary_test)):.2f}")
check(rbm_hist["loss"][-1] < rbm_hist["loss"][0],
      f"CD-1 lowers the RBM's reconstruction error ({rbm_hist['loss'][0]:.2f} -> "
      f"{rbm_hist['loss'][-1]:.2f})")
fig = viz.image_grid(np.concatenate([rbm.W[:20], ae1.encoder.layers[0].W[:20]]), n_cols=10,
                     normalize=True, row_labels=["RBM", "", "AE", ""],
                     title="Filters W_j of an RBM (CD-1) and of a tied AE, each stretched to its "
                           "own range")
save_figure(fig, args, "10_rbm_vs_ae_filters.png")

# %%
# 2. Greedy pre-training, then fine-tuning
# ----------------------------------------
# Each layer is trained as a shallow autoencoder of the codes below it; the stack is then unrolled
# (encoder, then mirrored decoder) and fine-tuned end to end by backprop. A second deep AE of the
# same shape starts from random weights and gets the same fine-tuning budget.
print(f"\n2. A deep autoencoder {SIZES} (logistic units, linear {SIZES[-1]}-unit code)")
stacked = StackedAutoencoder(SIZES, activation="sigmoid", code_activation="identity",
                             seed=args.seed, dtype=np.float32)
t0 = time.perf_counter()
pre = stacked.pretrain(x_train, epochs=PRE_EPOCHS, batch_size=50, lr=2e-3)
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
    model.fit(x_train, epochs=FINE_EPOCHS, batch_size=50, lr=1e-3,
              callback=lambda e, h, m=model, c=curves[name]:
              c.append(float(np.mean(m.squared_error(x_test)))) and False)
print("   fine-tuning epoch:     " + "  ".join(f"{e + 1:6d}" for e in range(FINE_EPOCHS)))
for name, c in curves.items():
    print(f"   {name:23s}" + "  ".join(f"{v:6.2f}" for v in c))
tuned, rand = curves["pre-trained, fine-tuned"][-1], curves["random start"][-1]
check(tuned < err_unrolled,
      f"fine-tuning the whole stack by backprop improves on the greedily built one "
      f"({err_unrolled:.1f} -> {tuned:.1f})")
check(tuned < rand,
      f"with the same fine-tuning budget the pre-trained deep AE reconstructs better than one "
      f"trained from a random start ({tuned:.1f} vs {rand:.1f})")
fig, axes = viz._plt().subplots(1, 2, figsize=(11, 4))
viz.curves({f"layer {k + 1}": h["loss"] for k, h in enumerate(pre)}, ylabel="training loss",
           title="greedy pre-training, layer by layer", ax=axes[0])
viz.curves({k: v for k, v in curves.items()}, ylabel="test squared error per image",
           title=f"fine-tuning the unrolled stack: {tuned:.1f} vs {rand:.1f}", ax=axes[1])
axes[1].axhline(err_unrolled, color="grey", ls=":", label="unrolled, not fine-tuned")
axes[1].legend()
fig.tight_layout()
save_figure(fig, args, "10_pretraining_vs_finetuning.png")
fig = viz.side_by_side([x_test, stacked.reconstruct(x_test), scratch.reconstruct(x_test)],
                       ["input", "pre-trained", "random start"], n=12,
                       title=f"{SIZES[-1]}-number codes of the deep autoencoder after "
                             f"{FINE_EPOCHS} epochs of fine-tuning")
save_figure(fig, args, "10_deep_ae_reconstructions.png")

# %%
# 3. Stacked denoising autoencoders as pre-training for a classifier with few labels
# ----------------------------------------------------------------------------------
# The SDAE learns its features from all the digits *without* labels; then a softmax layer is put
# on top and encoder + softmax are fine-tuned on the few labelled ones. The same network from a
# random start sees only the labelled digits. We fine-tune both by plain SGD, as the papers of
# 2006-2010 did, and then both by Adam, a later optimiser.
label_idx = np.random.default_rng(args.seed).choice(N_TRAIN, size=N_LABELS, replace=False)
x_lab, y_lab = x_train[label_idx], y_train[label_idx]
counts = np.bincount(y_lab, minlength=10)
print(f"\n3. A classifier {CLF_SIZES} + softmax (logistic units), fine-tuned on {N_LABELS} "
      f"labelled digits\n   ({counts.min()}-{counts.max()} per class) for {CLF_EPOCHS} epochs "
      f"in batches of {CLF_BATCH}.")
print(f"   SDAE pre-training: {CLF_PRE_EPOCHS} epochs per layer on all {N_TRAIN} digits without "
      f"labels, masking noise {', '.join(f'{v:.0%}' for v in NOISE)} per layer.")
sdae = StackedAutoencoder(CLF_SIZES, activation="sigmoid", n_classes=10, seed=args.seed,
                          dtype=np.float32)
sdae.pretrain(x_train, epochs=CLF_PRE_EPOCHS, batch_size=50, lr=2e-3, corruption="masking",
              level=NOISE)
errors = {}
for optimizer, lr in FINE_TUNING:
    starts = {"SDAE pre-trained": copy.deepcopy(sdae),
              "random start": StackedAutoencoder(CLF_SIZES, activation="sigmoid", n_classes=10,
                                                 seed=args.seed, dtype=np.float32)}
    for name, model in starts.items():
        curve = []
        model.fit_classifier(x_lab, y_lab, epochs=CLF_EPOCHS, batch_size=CLF_BATCH,
                             optimizer=optimizer, lr=lr,
                             callback=lambda e, h, m=model, c=curve:
                             c.append(m.error_rate(x_test, y_test)) and False)
        errors[optimizer, name] = curve
        print(f"   {optimizer:4s} (lr {lr:g}), {name:16s}: test error {curve[-1]:6.1%} after "
              f"{CLF_EPOCHS} epochs; after {CLF_EPOCHS // 3}: {curve[CLF_EPOCHS // 3 - 1]:6.1%}")
gap = {opt: errors[opt, "random start"][-1] - errors[opt, "SDAE pre-trained"][-1]
       for opt, _ in FINE_TUNING}
sgd_pre, sgd_rand = errors["sgd", "SDAE pre-trained"], errors["sgd", "random start"]
check(sgd_pre[-1] < sgd_rand[-1] - 0.10,
      f"with {N_LABELS} labels and plain SGD, SDAE pre-training lowers the test error: "
      f"{sgd_pre[-1]:.1%} vs {sgd_rand[-1]:.1%} from a random start (margin 10 points)")
first = CLF_EPOCHS // 6
check(min(sgd_rand[:first]) > 0.8,
      f"from a random start, SGD sits on a plateau near chance (90% error): its error stays above "
      f"80% for the first {first} epochs (lowest {min(sgd_rand[:first]):.1%}), while the "
      f"pre-trained one is at {sgd_pre[first - 1]:.1%} after {first}")
adam_rand = errors["adam", "random start"]
check(adam_rand[-1] < sgd_rand[-1] - 0.10 and gap["adam"] < gap["sgd"],
      f"from a random start Adam gets off the plateau ({adam_rand[-1]:.1%} vs {sgd_rand[-1]:.1%} "
      f"with SGD), so the gap that pre-training opens narrows: {gap['adam']:+.1%} with Adam vs "
      f"{gap['sgd']:+.1%} with SGD (random minus pre-trained)")
fig, axes = viz._plt().subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, (optimizer, lr) in zip(axes, FINE_TUNING):
    for name in ("SDAE pre-trained", "random start"):
        curve = errors[optimizer, name]
        ax.plot(np.arange(1, CLF_EPOCHS + 1), 100 * np.array(curve),
                label=f"{name} ({curve[-1]:.1%})")
    ax.axhline(90, color="grey", ls=":", label="chance (90%)")
    ax.set_xlabel("supervised epoch (passes over the labelled digits)")
    ax.set_title(f"fine-tuned by {optimizer} (lr {lr:g})")
    ax.legend()
axes[0].set_ylabel("test error (%)")
fig.suptitle(f"{N_LABELS} labels, {N_TRAIN} unlabelled digits for pre-training ({source})")
fig.tight_layout()
save_figure(fig, args, "10_sdae_few_labels.png")

# %%
# Summary
# -------
print(f"\nSummary ({time.perf_counter() - t_start:.0f} s):")
print("  * an RBM and a tied AE share their formulas; the AE is deterministic, the RBM samples.")
print("  * greedy pre-training builds a deep AE one shallow AE at a time; fine-tuning the")
print(f"    unrolled stack then takes the test error from {err_unrolled:.1f} to {tuned:.1f} "
      f"(random start: {rand:.1f}).")
print(f"  * with {N_LABELS} labels and plain SGD, a classifier pre-trained as an SDAE on "
      f"unlabelled digits errs\n    on {sgd_pre[-1]:.1%} of the test digits, the same network from a random "
      f"start on {sgd_rand[-1]:.1%}.\n    With Adam the random start learns too and the gap "
      f"is {gap['adam']:+.1%} ({errors['adam', 'random start'][-1]:.1%} vs "
      f"{errors['adam', 'SDAE pre-trained'][-1]:.1%}).")

# %%
# Exercises
# ---------
# Run ``scratchae exercises start 08_rbm`` to write the RBM's contrastive-divergence update
# yourself. Then, with this lesson:
#
# 1. Set ``N_LABELS = N_TRAIN`` (all labels). Does pre-training still help the classifier?
# 2. Replace the logistic units by ReLU (``activation="relu"``). Is pre-training still needed?
# 3. Pre-train with RBMs instead of AEs: train an RBM on the binarised codes of each layer and
#    copy ``W``, ``b_h`` into the stack (the original DBN recipe).
# 4. Run ``scratchae reproduce deep-ae-mnist`` and compare with Hinton & Salakhutdinov's 3.00.
print("Exercises: scratchae exercises start 08_rbm (and the list in this file)")
