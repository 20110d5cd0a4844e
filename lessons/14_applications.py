"""Lesson 14: applications of learned codes
========================================

Retrieval in code space, generation, denoising, and the 2-D learned manifold.

Slides, part 05 ("Applications": retrieval, generation) with the figures of parts 03-04 it leans
on (Hinton & Salakhutdinov's 2-D codes of PCA and of a deep autoencoder, the 2-D manifold, the
"VAE vs AE" latent layouts). What is a code good for once it is learned?

* Retrieval: search the database by nearest neighbours among short codes instead of pixels, and
  count how many of the k found share the query's label (precision@k). With two numbers per
  digit -- the size of Hinton & Salakhutdinov's figure -- a deep autoencoder's code keeps far more
  of the digits' classes than PCA's; with sixteen we see how close each comes to the pixels.
* Generation: a VAE decodes z ~ p(z); a plain AE has no p(z) to draw from. The Parzen-window
  log-likelihood of generated samples (Goodfellow et al. 2014) is the number papers quote.
* Denoising: reconstruct a corrupted digit (zero-masking, salt-and-pepper noise) with a plain AE
  and with denoising AEs trained on each corruption.
* The 2-D learned manifold: decode a 20 x 20 grid of z, and compare the layouts of the codes.
"""

# %%
# Knobs
# -----
# The settings a student may change. The 2-D models are deeper and trained longer than the
# 16-number ones: a one-hidden-layer AE trained for 6 epochs gave 2-D codes only a little better
# than PCA's at retrieval (precision@10 0.44 vs 0.40 on MNIST); [784, 256, 64, 2] trained for 20
# epochs at a larger step is clearly better, and the same two models serve retrieval (section 1)
# and the learned manifold (section 4).
import time

import numpy as np

from scratchae import viz
from scratchae.data.corruption import corrupt
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.evaluation import (GOODFELLOW_SIGMAS, denoising_errors, gaussian_quantile_grid,
                                  parzen_log_likelihood, precision_at_k, sliced_wasserstein)
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.manifold import PCA
from scratchae.models import Autoencoder, DenoisingAutoencoder
from scratchae.models.vae import VAE
from scratchae.viz import _plt

args = parse_args("Lesson 14: applications of learned codes (retrieval, generation, denoising, "
                  "the 2-D manifold)")

N_TRAIN, N_VAL, N_TEST = (3000, 500, 5000) if args.quick else (55000, 5000, 10000)
J = 16 if args.quick else 30                       # the code size of sections 1-2
HIDDEN = [128] if args.quick else [1000, 500, 250]
EPOCHS = 5 if args.quick else 30
HIDDEN_2D = [256, 64] if args.quick else [1000, 500, 250]     # the 2-D models (sections 1, 4)
EPOCHS_2D, LR_2D = (20, 2e-3) if args.quick else (50, 1e-3)
DENOISER = [784, 256, 64] if args.quick else [784, 1000, 500]
MASKING, SALT_AND_PEPPER = 0.25, 0.1               # the DAEs' training corruptions
N_QUERIES = 1000

header("Lesson 14 -- applications of learned codes")
t_start = time.perf_counter()
plt = _plt()

(x_all, y_all), (x_test, y_test), source = load_digits_or_glyphs(N_TRAIN + N_VAL, N_TEST,
                                                                 rng=args.seed)
x_train, y_train = x_all[:N_TRAIN], y_all[:N_TRAIN]
x_val = x_all[N_TRAIN:]                 # held out from training: it chooses the Parzen width
print(f"[data] {source}: {len(x_train)} training, {len(x_val)} validation, {len(x_test)} test "
      "digits")


def tiles(rows, labels, title, name, side=28):
    """Rows of images drawn as one picture (a single imshow, much faster than a grid of axes)."""
    rows = [np.asarray(r).reshape(-1, side, side) for r in rows]
    n, cell = max(len(r) for r in rows), side + 2
    canvas = np.ones((len(rows) * cell, n * cell))
    for i, r in enumerate(rows):
        for j, img in enumerate(r):
            canvas[i * cell + 1:i * cell + 1 + side, j * cell + 1:j * cell + 1 + side] = img
    fig, ax = plt.subplots(figsize=(0.55 * n + 1.2, 0.55 * len(rows) + 0.7))
    ax.imshow(canvas, cmap="gray", vmin=0, vmax=1)
    ax.set_xticks([])
    ax.set_yticks([(i + 0.5) * cell for i in range(len(rows))])
    ax.set_yticklabels(labels)
    ax.set_title(title, fontsize=10)
    save_figure(fig, args, name)


def timed(label, fn):
    t0 = time.perf_counter()
    out = fn()
    print(f"   trained {label} in {time.perf_counter() - t0:.1f} s")
    return out


# %%
# 1. Retrieval
# ------------
# Queries are 1,000 test digits, the database the training digits. For each code space we count
# the fraction of a query's 10 nearest database codes that share its label (precision@10; chance
# is about 0.1). First with codes of two numbers -- PCA's two leading components against the
# codes of a deep AE and a VAE -- then with sixteen.
print(f"\n1. Retrieval. Queries: {N_QUERIES} test digits; database: the {len(x_train)} training "
      "digits")
ae2 = Autoencoder([784] + HIDDEN_2D + [2], activation="relu", code_activation="identity",
                  loss="bernoulli", seed=args.seed, dtype=np.float32)
timed(f"the 2-D AE {[784] + HIDDEN_2D + [2]}",
      lambda: ae2.fit(x_train, epochs=EPOCHS_2D, batch_size=64, lr=LR_2D))
vae2 = VAE([784] + HIDDEN_2D + [2], activation="relu", seed=args.seed)
timed("the 2-D VAE", lambda: vae2.fit(x_train, epochs=EPOCHS_2D, batch_size=64, lr=LR_2D))
ae = Autoencoder([784] + HIDDEN + [J], activation="relu", code_activation="identity",
                 loss="bernoulli", seed=args.seed, dtype=np.float32)
timed(f"the {J}-number AE {[784] + HIDDEN + [J]}",
      lambda: ae.fit(x_train, epochs=EPOCHS, batch_size=64, lr=1e-3))
vae = VAE([784] + HIDDEN + [J], activation="relu", seed=args.seed)
timed(f"the {J}-number VAE", lambda: vae.fit(x_train, epochs=EPOCHS, batch_size=64, lr=1e-3))
pca2 = PCA(n_components=2).fit(x_train.astype(np.float64))
pca = PCA(n_components=J).fit(x_train.astype(np.float64))
queries, q_labels = x_test[:N_QUERIES], y_test[:N_QUERIES]
spaces = {"pixels (784)": (lambda v: v),
          "PCA (2)": (lambda v: pca2.transform(v.astype(np.float64))),
          "AE (2)": ae2.encode,
          "VAE mu (2)": vae2.encode,
          f"PCA ({J})": (lambda v: pca.transform(v.astype(np.float64))),
          f"AE ({J})": ae.encode,
          f"VAE mu ({J})": vae.encode}
ks = [1, 10, 50]
precision, per_query = {}, {}
print(f"   {'space':<14}" + "".join(f"  P@{k:<4}" for k in ks))
for name, encode in spaces.items():
    precision[name], pq = precision_at_k(encode(queries), q_labels, encode(x_train), y_train,
                                         k=ks, return_per_query=True)
    per_query[name] = pq[10]
    print(f"   {name:<14}" + "".join(f"  {precision[name][k]:.3f}" for k in ks))


def paired_gap(a, b):
    """Mean of a's per-query precision@10 minus b's, and its standard error (paired queries)."""
    d = per_query[a] - per_query[b]
    return d.mean(), d.std() / np.sqrt(d.size)


gap2, se2 = paired_gap("AE (2)", "PCA (2)")
gap2v, se2v = paired_gap("VAE mu (2)", "PCA (2)")
print(f"   two numbers: AE - PCA = {gap2:+.3f} +- {se2:.3f}, VAE - PCA = {gap2v:+.3f} +- "
      f"{se2v:.3f} (precision@10, paired over the queries, +- one standard error)")
check(gap2 > 3 * se2,
      f"with two numbers per digit the deep AE's code retrieves better than PCA's (precision@10 "
      f"{precision['AE (2)'][10]:.3f} vs {precision['PCA (2)'][10]:.3f}, a gap of "
      f"{gap2 / se2:.0f} standard errors): PCA's two straight directions cannot follow the "
      "curved manifold, the encoder's nonlinear map can")
coded = [name for name in precision if name.endswith(f"({J})")]
leader = max(coded, key=lambda name: precision[name][10])
gapj, sej = paired_gap(f"AE ({J})", f"PCA ({J})")
check(all(precision[name][10] > 0.5 for name in coded),
      f"every {J}-number code retrieves far above chance (precision@10 > 0.5; chance is 0.1)")
check(precision[leader][10] > 0.9 * precision["pixels (784)"][10],
      f"a {J}-number code keeps at least 90% of the 784 pixels' precision@10 ({leader}: "
      f"{precision[leader][10]:.3f} vs {precision['pixels (784)'][10]:.3f}; "
      f"{784 // J} times less to store and compare)")
print(f"   with {J} numbers the best code is {leader}; AE - PCA = {gapj:+.3f} +- {sej:.3f}. "
      + ("PCA's sixteen components\n   already keep nearly all the neighbourhoods of the pixels, "
         "and this short run's AE does not beat\n   them (Hinton & Salakhutdinov's wins at 30 "
         "numbers took deep, pre-trained AEs; --full)" if leader.startswith("PCA")
         else "The learned code leads at this size too."))
codes2 = {"PCA (2)": spaces["PCA (2)"](x_test), "AE (2)": ae2.encode(x_test),
          "VAE mu (2)": vae2.encode(x_test)}
fig, axes = plt.subplots(1, 3, figsize=(16, 5.4))
for ax, (name, c) in zip(axes, codes2.items()):
    viz.scatter_2d(c, y_test, title=f"{name}: precision@10 {precision[name][10]:.2f}", ax=ax, s=2,
                   legend=name.startswith("VAE"))
    ax.set_xlabel("code 1")
    ax.set_ylabel("code 2")
save_figure(fig, args, "14_codes_2d.png")
nn = np.argsort(((ae2.encode(queries[:8])[:, None, :]
                  - ae2.encode(x_train)[None]) ** 2).sum(-1), axis=1)[:, :9]
nn_pca = np.argsort(((pca2.transform(queries[:8].astype(np.float64))[:, None, :]
                      - pca2.transform(x_train.astype(np.float64))[None]) ** 2).sum(-1),
                    axis=1)[:, :9]
rows, labels = [], []
for i in range(4):
    rows += [np.concatenate([queries[i:i + 1], x_train[nn[i]]]),
             np.concatenate([queries[i:i + 1], x_train[nn_pca[i]]])]
    labels += [f"query {i}, AE", f"query {i}, PCA"]
tiles(rows, labels, "Query (left) and its 9 nearest training digits by 2-number codes",
      "14_retrieval.png")

# %%
# 2. Generation
# -------------
# Samples of each generator are scored by the Parzen-window protocol: a Gaussian kernel of width
# sigma on every sample, sigma chosen on held-out validation digits (never the test digits), and
# the mean log-density of test digits reported.
n_samples = 1000 if args.quick else 10000
x_eval = x_test[:1000] if args.quick else x_test
print(f"\n2. Generation: {n_samples} samples each, scored by the Parzen-window protocol (sigma "
      f"from logspace(-1, 0, 10) on {len(x_val)} held-out digits, log-likelihood of "
      f"{len(x_eval)} test digits)")
rng = np.random.default_rng(args.seed + 1)
codes_ae = ae.encode(x_train)
mean, cov = codes_ae.mean(0), np.cov(codes_ae.T)
generators = {
    "VAE: z ~ N(0, I)": vae.sample(n_samples, rng=rng),
    "AE: z ~ N(mean, cov) of its codes": ae.decode(rng.multivariate_normal(mean, cov, n_samples)),
    "untrained VAE decoder": VAE([784] + HIDDEN + [J], seed=args.seed + 5).sample(n_samples,
                                                                                   rng=rng),
    "training digits themselves": x_train[rng.choice(len(x_train), n_samples, replace=False)],
}
scores = {}
for name, samples in generators.items():
    scores[name] = parzen_log_likelihood(samples, x_eval, x_val, sigmas=GOODFELLOW_SIGMAS)
    print(f"   {name:<36} {scores[name].mean:8.1f} +- {scores[name].stderr:4.1f} nats "
          f"(sigma {scores[name].sigma:.3f})")
gain = scores["VAE: z ~ N(0, I)"].mean - scores["untrained VAE decoder"].mean
check(gain > 50, f"samples of the trained VAE score far above those of an untrained decoder "
      f"(+{gain:.0f} nats > 50)")
top = max(scores, key=lambda k: scores[k].mean)
print(f"   Highest: {top}." + (" Real digits do not top the list: the estimate rewards samples\n"
      "   that sit near test digits, blurred means included, more than it rewards realism."
      if top != "training digits themselves" else "")
      + f"\n   With {n_samples} samples it is far below its limit (the protocol uses 10,000), and "
      "Theis et al.\n   (2016) show it can rank models against their visual quality: a blunt "
      "instrument.")
tiles([generators["VAE: z ~ N(0, I)"][:12], generators["AE: z ~ N(mean, cov) of its codes"][:12],
       generators["untrained VAE decoder"][:12]], ["VAE", "AE", "untrained"],
      "Generated digits: VAE prior samples, a Gaussian fitted to AE codes, an untrained decoder",
      "14_generation.png")

# %%
# 3. Denoising
# ------------
# Three networks of the same size: a plain AE, a DAE trained with zero-masking and a DAE trained
# with salt-and-pepper noise. Each reconstructs test digits under both corruptions at two levels;
# we measure the squared error to the *clean* digit.
print(f"\n3. Denoising: networks {DENOISER} (a wider code than in section 1: here we want detail "
      f"back):\n   a plain AE, a DAE trained with zero-masking {MASKING}, a DAE trained with "
      f"salt-and-pepper {SALT_AND_PEPPER}")
kw = dict(activation="relu", code_activation="identity", loss="bernoulli", seed=args.seed,
          dtype=np.float32)
denoisers = {"AE": Autoencoder(DENOISER, **kw),
             "DAE masking": DenoisingAutoencoder(DENOISER, corruption="masking", level=MASKING,
                                                 **kw),
             "DAE s&p": DenoisingAutoencoder(DENOISER, corruption="salt_and_pepper",
                                             level=SALT_AND_PEPPER, **kw)}
for name, model in denoisers.items():
    timed(name, lambda: model.fit(x_train, epochs=EPOCHS, batch_size=64, lr=1e-3))
x_clean = x_test[:500]
print(f"   squared error to the clean digit, per image (500 test digits):\n"
      f"   {'corruption':>15} {'level':>5} {'noisy input':>12}" + "".join(f"{n:>13}"
                                                                      for n in denoisers))
errors = {}
for kind, levels in (("masking", (0.25, 0.5)), ("salt_and_pepper", (0.1, 0.2))):
    for name, model in denoisers.items():
        for row in denoising_errors(model.reconstruct, x_clean, kind, levels, rng=args.seed)[0]:
            errors.setdefault((kind, row["level"]), {"noisy": row["noisy"]})[name] = \
                row["reconstructed"]
for (kind, level), e in errors.items():
    print(f"   {kind:>15} {level:5.2f} {e['noisy']:12.1f}" + "".join(f"{e[n]:13.1f}"
                                                                  for n in denoisers))
check(all(e["DAE masking"] < min(e["noisy"], e["AE"]) for (kind, _), e in errors.items()
          if kind == "masking"),
      "on masked digits the masking DAE's output is closer to the clean digit than both the "
      "masked input and the plain AE's output, at both levels")
own = {"DAE masking": ("masking", MASKING), "DAE s&p": ("salt_and_pepper", SALT_AND_PEPPER)}
check(all(errors[own[name]][name] < min(errors[own[name]][other] for other in denoisers
                                         if other != name) for name in own),
      "on the corruption it was trained with, each DAE beats the plain AE and the other DAE "
      f"(masking {MASKING}: " + " / ".join(f"{errors['masking', MASKING][n]:.1f}"
                                           for n in denoisers)
      + f"; salt-and-pepper {SALT_AND_PEPPER}: "
      + " / ".join(f"{errors['salt_and_pepper', SALT_AND_PEPPER][n]:.1f}" for n in denoisers)
      + ", in the order " + " / ".join(denoisers) + ")")
sp = [(level, e) for (kind, level), e in errors.items() if kind == "salt_and_pepper"]
check(all(e["AE"] < 0.7 * e["noisy"] for _, e in sp),
      "the plain AE does not copy salt-and-pepper noise: its output is at least 30% closer to the "
      "clean digit than the noisy input (" + ", ".join(f"{lv:.1f}: {e['AE']:.1f} vs "
                                                    f"{e['noisy']:.1f}" for lv, e in sp)
      + "): it can only draw digits it knows")
mask_on_sp = ["better" if e["DAE masking"] < e["AE"] else "worse" for _, e in sp]
print("   On salt-and-pepper noise, which it never saw, the masking DAE is " + " and ".join(
      f"{w} than the plain AE at {lv:.1f}" for (lv, _), w in zip(sp, mask_on_sp)) + ":\n   "
      + ("what a DAE learns to undo is the corruption it saw in training."
         if mask_on_sp == ["worse", "worse"] else
         "part of what it learned carries over to a noise it never saw, but the DAE trained on\n"
         "   salt-and-pepper itself does better there." if mask_on_sp == ["better", "better"]
         else "the two levels disagree; the DAE trained on salt-and-pepper does better there."))
noisy_m = corrupt(x_clean[:10], "masking", 0.5, args.seed)
noisy_s = corrupt(x_clean[:10], "salt_and_pepper", 0.2, args.seed)
tiles([x_clean[:10], noisy_m] + [m.reconstruct(noisy_m) for m in denoisers.values()]
      + [noisy_s] + [m.reconstruct(noisy_s) for m in denoisers.values()],
      ["clean", "masked 0.5"] + list(denoisers) + ["s&p 0.2"] + list(denoisers), "Denoising",
      "14_denoising.png")

# %%
# 4. The 2-D learned manifold
# ---------------------------
# The 2-D VAE of section 1 decodes a 20 x 20 grid of z taken at Gaussian quantiles; then both 2-D
# models' codes, standardised per axis, are compared with N(0, I).
print(f"\n4. The 2-D models of section 1: the learned manifold and the layout of {len(x_test)} "
      "test codes")
q = gaussian_quantile_grid(20)
save_figure(viz.manifold_grid(vae2.decode, n=20, grid=(q, q[::-1]),
                              title="VAE: 20 x 20 grid of z (Gaussian quantiles 0.05 .. 0.95)"),
            args, "14_manifold_vae.png")


def layout(codes):
    """Codes standardised per axis (so the AE's arbitrary scale drops out) against N(0, I):
    the sliced Wasserstein distance, and the fraction of a 20 x 20 grid over [-2, 2]^2 with no
    code in its cell."""
    c = (codes - codes.mean(0)) / codes.std(0)
    unit = np.random.default_rng(args.seed + 7).standard_normal(c.shape)
    inside = c[np.all(np.abs(c) < 2, axis=1)]
    cells = np.floor((inside + 2) / 0.2).astype(int)
    occupied = len(set(map(tuple, cells)))
    return sliced_wasserstein(c, unit, rng=1), 1.0 - occupied / 400


lay = {"AE": layout(codes2["AE (2)"]), "VAE": layout(codes2["VAE mu (2)"])}
for name, (sw, empty) in lay.items():
    print(f"   {name}: standardised codes vs N(0, I): distance {sw:.3f}; empty cells of the "
          f"20 x 20 grid over [-2, 2]^2: {empty:.2f}")
check(lay["VAE"][0] < lay["AE"][0],
      f"the VAE's codes are laid out closer to its Gaussian prior than the AE's after "
      f"standardising both (distance {lay['VAE'][0]:.3f} vs {lay['AE'][0]:.3f}): the KL term "
      "packs them, the AE has no reason to (see 14_codes_2d.png)")
acc = precision_at_k(codes2["VAE mu (2)"], y_test, k=5)
print(f"   precision@5 among the 2-D VAE codes of the test digits themselves: {acc:.2f} (chance "
      "0.1)")

# %%
# Summary
# -------
sp_lo, sp_hi = (errors["salt_and_pepper", lv] for lv in (0.1, 0.2))
print(f"\nSummary ({time.perf_counter() - t_start:.0f} s)")
print(f"- With two numbers per digit, the deep AE's codes find neighbours of the same class\n"
      f"  better than PCA's (precision@10 {precision['AE (2)'][10]:.2f} vs "
      f"{precision['PCA (2)'][10]:.2f}; VAE {precision['VAE mu (2)'][10]:.2f}). With {J}, "
      f"{leader} leads ({precision[leader][10]:.2f}; pixels\n  "
      f"{precision['pixels (784)'][10]:.2f}) at {784 // J} times less to store and compare.")
print(f"- A VAE generates by decoding prior samples (Parzen {scores['VAE: z ~ N(0, I)'].mean:.0f}"
      f" nats against {scores['untrained VAE decoder'].mean:.0f} for an untrained decoder);\n"
      "  an AE has no prior, so we had to invent one. The Parzen estimate is a blunt instrument.")
print(f"- Each DAE undoes its own corruption best (masking {MASKING}: "
      f"{errors['masking', MASKING]['DAE masking']:.1f} vs AE "
      f"{errors['masking', MASKING]['AE']:.1f}; salt-and-pepper {SALT_AND_PEPPER}: "
      f"{sp_lo['DAE s&p']:.1f} vs AE {sp_lo['AE']:.1f}).\n"
      f"  The plain AE does not copy the noise -- it removes much of it too (s&p 0.2: "
      f"{sp_hi['noisy']:.1f} -> {sp_hi['AE']:.1f}) --\n  and the masking DAE is "
      f"{mask_on_sp[1]} than it on salt-and-pepper 0.2 ({sp_hi['DAE masking']:.1f}).")
print(f"- In 2-D the VAE's KL term lays the codes out closer to its prior than the AE's "
      f"({lay['VAE'][0]:.2f} vs {lay['AE'][0]:.2f}),\n  so a regular grid of z decodes to a "
      "map of digits (14_manifold_vae.png).")

# %%
# Exercises
# ---------
print("\nExercises")
print("- scratchae exercises start 10_pca_isomap (PCA, the baseline of section 1), 07_vae (the\n"
      "  VAE's KL term and sampling), 09_parzen (the Parzen windows of section 2),\n"
      "  05_tied_autoencoder (an AE like the ones of sections 1 and 3).")
print("1. Use cosine distance (precision_at_k(..., metric='cosine')) for retrieval: which code\n"
      "   space gains most, and why might the VAE's mu(x) care less about length?")
print("2. Set J = 4 and J = 8 in the knobs: at which code size does PCA catch up with the AE?")
print("3. Score the DAE as a generator: decode z ~ N(mean, cov) of its codes and run the Parzen\n"
      "   protocol. Is it better or worse than the plain AE, and does it look it?")
print("4. Set MASKING = 0.5 in the knobs: how does the masking DAE now fare on each corruption,\n"
      "   its own and salt-and-pepper?")
