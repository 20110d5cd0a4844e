"""Lesson 14: applications -- retrieval in code space, generation, denoising, the 2-D learned manifold.

Slides, part 05 ("Applications": retrieval, generation) with the figures of part 04 it leans on
(the 2-D manifold, the code scatter coloured by label, "VAE vs AE" latent layouts). What is a
code good for once it is learned?

* Retrieval: search the database by nearest neighbours among short codes instead of pixels, and
  count how many of the k found share the query's label (precision@k).
* Generation: a VAE decodes z ~ p(z); a plain AE has no p(z) to draw from. The Parzen-window
  log-likelihood of generated samples (Goodfellow et al. 2014) is the number papers quote.
* Denoising: reconstruct a corrupted digit (zero-masking, salt-and-pepper noise).
* The 2-D learned manifold: decode a 20 x 20 grid of z, and scatter 5,000 test codes by label.
"""
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

args = parse_args(__doc__.splitlines()[0])
header("Lesson 14 -- applications of learned codes")
t_start = time.perf_counter()
plt = _plt()

n_train, n_test = (3000, 5000) if args.quick else (55000, 10000)
n_val = 500 if args.quick else 5000
epochs = 5 if args.quick else 30
(x_all, y_all), (x_test, y_test), source = load_digits_or_glyphs(n_train + n_val, n_test,
                                                                 rng=args.seed)
x_train, y_train = x_all[:n_train], y_all[:n_train]
x_val = x_all[n_train:]                 # held out from training: it chooses the Parzen width
J = 16 if args.quick else 30
hidden = [128] if args.quick else [1000, 500, 250]
print(f"data: {source}; {len(x_train)} training digits, {len(x_val)} validation, {len(x_test)} "
      f"test. Codes of {J} numbers; networks {[784] + hidden + [J]}, {epochs} epochs, Adam 1e-3")


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


# ------------------------------------------------------------------------ 1. retrieval
print(f"\n1. Retrieval: {J}-number codes vs 784 pixels. Queries: 1,000 test digits; database: "
      f"the {len(x_train)} training digits")
pca = PCA(n_components=J).fit(x_train.astype(np.float64))
ae = Autoencoder([784] + hidden + [J], activation="relu", code_activation="identity",
                 loss="bernoulli", seed=args.seed, dtype=np.float32)
timed("the AE", lambda: ae.fit(x_train, epochs=epochs, batch_size=64, lr=1e-3, progress=False))
vae = VAE([784] + hidden + [J], activation="relu", seed=args.seed)
timed("the VAE", lambda: vae.fit(x_train, epochs=epochs, batch_size=64, lr=1e-3, progress=False))
queries, q_labels = x_test[:1000], y_test[:1000]
spaces = {"pixels (784)": (lambda v: v),
          f"PCA ({J})": (lambda v: pca.transform(v.astype(np.float64))),
          f"AE ({J})": ae.encode,
          f"VAE mu ({J})": vae.encode}
ks = [1, 10, 50]
precision = {}
print(f"   {'space':<14}" + "".join(f"  P@{k:<4}" for k in ks))
for name, encode in spaces.items():
    precision[name] = precision_at_k(encode(queries), q_labels, encode(x_train), y_train, k=ks)
    print(f"   {name:<14}" + "".join(f"  {precision[name][k]:.3f}" for k in ks))
check(all(p[10] > 0.5 for p in precision.values()),
      "every code space retrieves far above chance (precision@10 > 0.5; chance is 0.1)")
best_code = max(p[10] for name, p in precision.items() if not name.startswith("pixels"))
leader = max((name for name in precision if not name.startswith("pixels")),
             key=lambda name: precision[name][10])
print(f"   best {J}-number code at P@10: {leader}" + (
      " -- PCA is a strong baseline on a few thousand digits; deep AEs overtake it with more\n"
      "   data and training (Hinton & Salakhutdinov 2006; run --full)" if leader.startswith("PCA")
      else ""))
check(best_code > 0.9 * precision["pixels (784)"][10],
      f"a {J}-number code keeps at least 90% of the 784 pixels' precision@10 "
      f"({784 // J} times less to store and compare)")
nn = np.argsort(((vae.encode(queries[:8])[:, None, :]
                  - vae.encode(x_train)[None]) ** 2).sum(-1), axis=1)[:, :9]
tiles([np.concatenate([queries[i:i + 1], x_train[nn[i]]]) for i in range(8)],
      [f"query {i}" for i in range(8)], "Query (left) and its 9 nearest training digits in VAE "
      "code space", "14_retrieval.png")

# ----------------------------------------------------------------------- 2. generation
n_samples = 1000 if args.quick else 10000
print(f"\n2. Generation: {n_samples} samples each, scored by the Parzen-window protocol (sigma "
      f"from logspace(-1, 0, 10) on {len(x_val)} held-out digits, log-likelihood of "
      f"{min(1000, len(x_test)) if args.quick else len(x_test)} test digits)")
rng = np.random.default_rng(args.seed + 1)
codes_ae = ae.encode(x_train)
mean, cov = codes_ae.mean(0), np.cov(codes_ae.T)
generators = {
    "VAE: z ~ N(0, I)": vae.sample(n_samples, rng=rng),
    "AE: z ~ N(mean, cov) of its codes": ae.decode(rng.multivariate_normal(mean, cov, n_samples)),
    "untrained VAE decoder": VAE([784] + hidden + [J], seed=args.seed + 5).sample(n_samples,
                                                                                   rng=rng),
    "training digits themselves": x_train[rng.choice(len(x_train), n_samples, replace=False)],
}
x_eval = x_test[:1000] if args.quick else x_test
scores = {}
for name, samples in generators.items():
    scores[name] = parzen_log_likelihood(samples, x_eval, x_val, sigmas=GOODFELLOW_SIGMAS)
    print(f"   {name:<36} {scores[name].mean:8.1f} +- {scores[name].stderr:4.1f} nats "
          f"(sigma {scores[name].sigma:.3f})")
check(scores["VAE: z ~ N(0, I)"].mean > scores["untrained VAE decoder"].mean + 50,
      "samples of the trained VAE score far above those of an untrained decoder")
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

# ------------------------------------------------------------------------ 3. denoising
den = [784, 256, 64] if args.quick else [784, 1000, 500]
print(f"\n3. Denoising: an AE {den} beside a denoising AE of the same size trained with "
      "zero-masking 0.25 (a wider code than in section 1: here we want detail back)")
ae_d = Autoencoder(den, activation="relu", code_activation="identity", loss="bernoulli",
                   seed=args.seed, dtype=np.float32)
timed("the AE", lambda: ae_d.fit(x_train, epochs=epochs, batch_size=64, lr=1e-3,
                                 progress=False))
dae = DenoisingAutoencoder(den, activation="relu", code_activation="identity", loss="bernoulli",
                           seed=args.seed, dtype=np.float32, corruption="masking", level=0.25)
timed("the DAE", lambda: dae.fit(x_train, epochs=epochs, batch_size=64, lr=1e-3, progress=False))
x_clean = x_test[:500]
print("   squared error to the clean digit, per image:   noisy input    AE      DAE")
errors = {}
for kind, levels in (("masking", (0.25, 0.5)), ("salt_and_pepper", (0.1, 0.2))):
    rows_ae, _ = denoising_errors(ae_d.reconstruct, x_clean, kind, levels, rng=args.seed)
    rows_dae, _ = denoising_errors(dae.reconstruct, x_clean, kind, levels, rng=args.seed)
    for ra, rd in zip(rows_ae, rows_dae):
        errors[kind, ra["level"]] = (ra["noisy"], ra["reconstructed"], rd["reconstructed"])
        print(f"   {kind:>15} {ra['level']:.2f}                  {ra['noisy']:8.1f}    "
              f"{ra['reconstructed']:6.1f}  {rd['reconstructed']:6.1f}")
check(all(errors["masking", lv][2] < min(errors["masking", lv][:2]) for lv in (0.25, 0.5)),
      "on masked digits the DAE's output is closer to the clean digit than both the masked input "
      "and the plain AE's output")
better = [lv for lv in (0.1, 0.2) if errors["salt_and_pepper", lv][2] < errors["salt_and_pepper",
                                                                             lv][1]]
print("   Salt-and-pepper noise was never shown to either network; both remove most of it (a few\n"
      "   random white pixels look like no digit they know), and the masking DAE is "
      + ("better" if len(better) == 2 else "not better" if not better else "mixed") +
      " than\n   the AE there: denoising is learned for the corruption seen in training.")
noisy_m = corrupt(x_clean[:10], "masking", 0.5, args.seed)
noisy_s = corrupt(x_clean[:10], "salt_and_pepper", 0.2, args.seed)
tiles([x_clean[:10], noisy_m, ae_d.reconstruct(noisy_m), dae.reconstruct(noisy_m), noisy_s,
       ae_d.reconstruct(noisy_s), dae.reconstruct(noisy_s)],
      ["clean", "masked 0.5", "AE", "DAE", "s&p 0.2", "AE", "DAE"], "Denoising",
      "14_denoising.png")

# ---------------------------------------------------------------- 4. the 2-D manifold
epochs2 = 6 if args.quick else 50
print(f"\n4. Codes of 2 numbers ({[784] + hidden[:1] + [2]}, {epochs2} epochs): the learned "
      f"manifold and the layout of {len(x_test)} test codes")
vae2 = VAE([784] + hidden[:1] + [2], activation="relu", seed=args.seed)
timed("the 2-D VAE", lambda: vae2.fit(x_train, epochs=epochs2, batch_size=64, lr=2e-3,
                                      progress=False))
ae2 = Autoencoder([784] + hidden[:1] + [2], activation="relu", code_activation="identity",
                  loss="bernoulli", seed=args.seed, dtype=np.float32)
timed("the 2-D AE", lambda: ae2.fit(x_train, epochs=epochs2, batch_size=64, lr=2e-3,
                                    progress=False))
q = gaussian_quantile_grid(20)
save_figure(viz.manifold_grid(vae2.decode, n=20, grid=(q, q[::-1]),
                              title="VAE: 20 x 20 grid of z (Gaussian quantiles 0.05 .. 0.95)"),
            args, "14_manifold_vae.png")
codes_v, codes_a = vae2.encode(x_test), ae2.encode(x_test)
fig, axes = plt.subplots(1, 2, figsize=(11, 5.2))
viz.scatter_2d(codes_a, y_test, title=f"AE codes of {len(x_test)} test digits", ax=axes[0], s=2,
               legend=False)
viz.scatter_2d(codes_v, y_test, title=f"VAE mu(x) of {len(x_test)} test digits", ax=axes[1], s=2)
save_figure(fig, args, "14_latent_ae_vs_vae.png")


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


lay = {"AE": layout(codes_a), "VAE": layout(codes_v)}
for name, (sw, empty) in lay.items():
    print(f"   {name}: standardised codes vs N(0, I): distance {sw:.3f}; empty cells of the "
          f"20 x 20 grid over [-2, 2]^2: {empty:.2f}")
check(lay["VAE"][0] < lay["AE"][0],
      "the VAE's codes are laid out closer to its Gaussian prior than the AE's (after "
      "standardising both): the KL term packs them, the AE has no reason to")
acc = precision_at_k(codes_v, y_test, k=5)
print(f"   precision@5 among the 2-D VAE codes themselves: {acc:.2f}: digits of a class land "
      "together even in 2 numbers")

print(f"\nSummary ({time.perf_counter() - t_start:.0f} s)")
print(f"- A {J}-number code retrieves similar digits almost as well as all 784 pixels, at a\n"
      "  fraction of the storage and comparison cost (Hinton & Salakhutdinov's use of deep AEs).\n"
      "- A VAE generates by decoding prior samples; an AE has no prior, so we had to invent one.\n"
      "  The Parzen estimate ranks generators but is a blunt instrument.\n"
      "- A DAE learns to undo the corruption it was trained with; the plain AE copies the noise.\n"
      "- In 2-D the VAE's KL term lays the codes out like its prior, so a regular grid of z\n"
      "  decodes to a smooth map of digits.")
print("\nExercises")
print("1. Use cosine distance (precision_at_k(..., metric='cosine')) for retrieval: which code\n"
      "   space gains most, and why might the VAE's mu(x) care less about length?")
print("2. Score the DAE as a generator: decode z ~ N(mean, cov) of its codes and run the Parzen\n"
      "   protocol. Is it better or worse than the plain AE, and does it look it?")
print("3. Train a second DAE with salt-and-pepper noise (corruption='salt_and_pepper', level=0.1)\n"
      "   and fill in the table again: does each DAE win on its own corruption only?")
