"""Lesson 13: the adversarial autoencoder -- a GAN on the codes, three steps per batch, any prior you can sample.

Slides, part 04 ("Adversarial Autoencoder", "Training Procedure", "VAE VS AAE", "Incorporating
Label Information"). The VAE's regulariser KL(q(z|x) || p(z)) needs q and p in closed form; the
AAE keeps only what it needs to *sample*: a discriminator d(z) learns to tell prior samples from
codes, and the encoder, as a GAN's generator, learns to fool it. With one prior sample z_i per
example x_i (the slides' V_i = log d(z_i) + log(1 - d(h(x_i)))), every mini-batch takes three
gradient steps:

    1. reconstruction   h, g  <-  -log p(x | g(h(x)))
    2. discriminator    d     <-  -log d(z_i) - log(1 - d(h(x_i)))
    3. generator        h     <-  -log d(h(x_i))

We check the three hand-written gradients, watch each step lower its own loss, pull 2-D codes of
digits onto N(0, 5^2 I), onto a ring of 10 Gaussians, and -- with labels shown to the
discriminator -- onto one Gaussian per digit, and compare the AAE's layout with a VAE's.
"""
import time

import numpy as np

from scratchae import gradcheck, viz
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.evaluation import sliced_wasserstein
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.models.aae import AAE, UNLABELLED
from scratchae.models.priors import GaussianPrior
from scratchae.models.vae import VAE
from scratchae.nn.optimizers import SGD
from scratchae.viz import _plt

args = parse_args(__doc__.splitlines()[0])
header("Lesson 13 -- the adversarial autoencoder")
t_start = time.perf_counter()
rng = np.random.default_rng(args.seed)
plt = _plt()


def objective(fn, key):
    def run():
        metrics, grads = fn()
        return metrics[key], grads
    return run


# ------------------------------------------------------------- 1. the three gradients
print("1. The three steps' gradients against finite differences (float64, tiny sizes)")
tiny = AAE([6, 5, 2], activation="tanh", prior=GaussianPrior(2, 1.0), discriminator_sizes=[4],
           discriminator_activation="tanh", dtype=np.float64, seed=args.seed)
for name, p in tiny.params().items():
    if name.endswith(".b"):
        p[...] = rng.uniform(-0.5, 0.5, p.shape)
xt, zt = rng.uniform(0, 1, (5, 6)), rng.standard_normal((5, 2))
reports = {
    "1 reconstruction (encoder, decoder)": gradcheck.check_gradients(
        objective(lambda: tiny.reconstruction_loss_and_grads(xt), "recon"),
        tiny.autoencoder_params()),
    "2 discriminator": gradcheck.check_gradients(
        objective(lambda: tiny.discriminator_loss_and_grads(xt, zt), "discriminator"),
        tiny.discriminator_params()),
    "3 generator (encoder, through d)": gradcheck.check_gradients(
        objective(lambda: tiny.generator_loss_and_grads(xt), "generator"), tiny.encoder_params()),
}
for step, report in reports.items():
    print(f"   step {step:<36} worst: {report.worst}")
check(all(r.passed for r in reports.values()),
      "the hand-written gradients of all three steps agree with finite differences")
print("   Step 3 reaches the encoder only through the discriminator: its error at the logit,\n"
      "   (d - 1)/M, goes down d by BP2 (d's own gradients are not used), and the input gradient\n"
      "   dL_G/dz that comes out is the encoder's grad_output.")

# ------------------------------------------------------------------------- data
# Quick mode works on 14 x 14 digits (2 x 2 averages) so that 2-D codes can settle in seconds.
n_train, n_test = (3000, 1000) if args.quick else (60000, 10000)
epochs = 12 if args.quick else 100
(x_train, y_train), (x_test, y_test), source = load_digits_or_glyphs(n_train, n_test,
                                                                     rng=args.seed)
side = 14 if args.quick else 28
if args.quick:
    x_train, x_test = (v.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4)).reshape(-1, 196)
                       for v in (x_train, x_test))
D = side * side
hidden = [64] if args.quick else [1000, 1000]
LR = 3e-3 if args.quick else 1e-3
disc = [32, 32] if args.quick else [1000, 1000]
print(f"\ndata: {len(x_train)} {source} digits of {side} x {side} for training, {len(x_test)} "
      f"for the plots; encoder {[D] + hidden + [2]}, discriminator {[2] + disc + [1]}, "
      f"{epochs} epochs of batches of 50, Adam {LR:g}")


def train(prior, n_classes=None, labels=None, title=""):
    model = AAE([D] + hidden + [2], activation="relu", prior=prior, discriminator_sizes=disc,
                n_classes=n_classes, seed=args.seed)
    t0 = time.perf_counter()
    history = model.fit(x_train, y=labels, epochs=epochs, batch_size=50, lr=LR, progress=False)
    h = history
    print(f"   {title}: {time.perf_counter() - t0:.1f} s; epoch 1 -> {epochs}: recon "
          f"{h['recon'][0]:.1f} -> {h['recon'][-1]:.1f}, D loss {h['discriminator'][0]:.2f} -> "
          f"{h['discriminator'][-1]:.2f}, D accuracy {h['disc_accuracy'][0]:.2f} -> "
          f"{h['disc_accuracy'][-1]:.2f}")
    return model, history


def codes_vs_prior(model, title, name, labels=None):
    codes = model.encode(x_test)
    z_prior = model.prior.sample(len(codes), rng=args.seed + 9)
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.scatter(z_prior[:, 0], z_prior[:, 1], s=3, c="0.8", label="prior samples")
    viz.scatter_2d(codes, y_test if labels is None else labels, title=title, ax=ax, s=4)
    save_figure(fig, args, name)
    return codes, z_prior


# --------------------------------------------------------- 2. one batch, step by step
# A gradient step lowers the loss only if it is small next to the loss's curvature. The full-size
# network's reconstruction gradient is about 10x larger (norm 358 against 35 on 14 x 14 digits),
# and one step of 1e-3 there overshoots (552 -> 903); a step of 1e-4 moves its weights about as
# far (358 x 1e-4) as 1e-3 moves the quick network's (35 x 1e-3).
STEP_LR = 1e-3 if args.quick else 1e-4
print(f"\n2. One batch, one step at a time (plain SGD, lr {STEP_LR:g}): each step lowers its own "
      "loss")
probe = AAE([D] + hidden + [2], prior=GaussianPrior(2, 5.0), discriminator_sizes=disc,
            seed=args.seed)
batch, z_batch = x_train[:100], probe.prior.sample(100, rng)
sgd = SGD(lr=STEP_LR)
steps = [("1 reconstruction", "recon", lambda: probe.reconstruction_loss_and_grads(batch),
          probe.autoencoder_params()),
         ("2 discriminator", "discriminator",
          lambda: probe.discriminator_loss_and_grads(batch, z_batch), probe.discriminator_params()),
         ("3 generator", "generator", lambda: probe.generator_loss_and_grads(batch),
          probe.encoder_params())]
lowered = []
for step, key, fn, params in steps:
    before, grads = fn()
    sgd.step(params, grads)
    after, _ = fn()
    print(f"   step {step:<17} {key:>13}: {before[key]:9.4f} -> {after[key]:9.4f}")
    lowered.append(after[key] < before[key])
check(all(lowered), "each of the three steps lowers the loss it descends on that batch")
print("   (step 3 raises the discriminator's loss: that is the game -- d and h pull the same\n"
      "    V_i in opposite directions.)")

# ------------------------------------------------------------- 3. the Gaussian prior
print("\n3. Prior N(0, 5^2 I) (the slides' 'VAE VS AAE' figure)")
gauss, hg = train(GaussianPrior(2, 5.0), title="Gaussian prior")
untrained = AAE([D] + hidden + [2], prior=GaussianPrior(2, 5.0), discriminator_sizes=disc,
                seed=args.seed)
codes_g, zp_g = codes_vs_prior(gauss, "AAE codes (colours) vs N(0, 5^2 I) (grey)",
                               "13_codes_gaussian.png")
sw0 = sliced_wasserstein(untrained.encode(x_test), zp_g, rng=1)
sw_g = sliced_wasserstein(codes_g, zp_g, rng=1)
print(f"   sliced Wasserstein distance codes <-> prior: {sw0:.2f} untrained -> {sw_g:.2f} trained;"
      f" code std per axis {codes_g.std(0).round(2)} (prior: 5)")
check(sw_g < 0.5 * sw0, "training moves the codes onto the prior (distance at least halved)")
check(np.mean(hg["disc_accuracy"][-3:]) < 0.7,
      "at the end the discriminator is close to guessing (accuracy < 0.7; chance = 0.5)")

# ------------------------------------------------------- 4. mixture of 10 Gaussians
print("\n4. Prior: 10 Gaussians on a circle of radius 4 (std 0.5), no labels")
mix, hm = train("mixture", title="mixture prior")
codes_m, zp_m = codes_vs_prior(mix, "AAE codes vs a mixture of 10 Gaussians",
                               "13_codes_mixture.png")
sw_m0 = sliced_wasserstein(untrained.encode(x_test), zp_m, rng=1)
sw_m = sliced_wasserstein(codes_m, zp_m, rng=1)
r = np.linalg.norm(codes_m, axis=1)
print(f"   distance to the prior {sw_m0:.2f} -> {sw_m:.2f}; code radius {r.mean():.2f} +- "
      f"{r.std():.2f} (prior: 4.0 +- 0.5)")
check(sw_m < 0.75 * sw_m0, "the codes move towards the ring")
print("   Without labels nothing ties a digit to a component: the encoder may spread one digit\n"
      "   over several Gaussians or put several digits on one (look at the colours).")

# ------------------------------------------------------------ 5. label information
hidden_fraction = 0.0 if args.quick else 0.5
print(f"\n5. Labels shown to the discriminator ({hidden_fraction:.0%} of them hidden: one-hot slot "
      "10 = 'unlabelled')")
partial = y_train.copy()
partial[rng.random(len(partial)) < hidden_fraction] = UNLABELLED
cond, hc = train("mixture", n_classes=10, labels=partial, title="label-conditioned mixture")
codes_c, _ = codes_vs_prior(cond, "Label-conditioned AAE: digit k -> Gaussian k",
                            "13_codes_label_conditioned.png")
nearest = np.argmin(((codes_c[:, None, :] - cond.prior.means[None]) ** 2).sum(-1), axis=1)
hit = float(np.mean(nearest == y_test))
hit_free = float(np.mean(np.argmin(((codes_m[:, None, :] - mix.prior.means[None]) ** 2)
                                   .sum(-1), axis=1) == y_test))
print(f"   test digits whose code lies nearest the Gaussian of their own label: {hit:.2f} "
      f"(unconditioned AAE: {hit_free:.2f}; chance 0.10)")
check(hit > 0.4 and hit > hit_free + 0.2,
      "with labels, each digit is sent to its own component (far above chance and above the "
      "unconditioned AAE)")
per_class = [float(np.mean(nearest[y_test == k] == k)) for k in range(10)]
stuck = [k for k in range(10) if per_class[k] < 0.3]
print(f"   per digit: {np.round(per_class, 2)}" + (
      f"; digits {stuck} sit mostly elsewhere: a class placed in the wrong part early must cross\n"
      "   regions the discriminator calls fake to reach its own -- adversarial training can stall"
      " there" if stuck else ""))
rows = np.concatenate([cond.sample(8, rng=args.seed + k, y=k) for k in range(10)])
save_figure(viz.image_grid(rows, n_cols=8, image_shape=(side, side), row_labels=[str(k) for k
                                                                                  in range(10)],
                           title="Samples of component k (one row per label)"),
            args, "13_samples_per_component.png")
if not args.quick:
    print("   the swiss-roll prior with labels (full mode)")
    roll, _ = train("swiss_roll", n_classes=10, labels=partial, title="label-conditioned roll")
    codes_vs_prior(roll, "Label-conditioned AAE, swiss-roll prior", "13_codes_swiss_roll.png")

# ---------------------------------------------------------------- 6. VAE vs AAE
print("\n6. VAE vs AAE with a Gaussian prior: the same encoder sizes, codes divided by the "
      "prior's std")
vae = VAE([D] + hidden + [2], activation="relu", seed=args.seed)
t0 = time.perf_counter()
vae.fit(x_train, epochs=epochs, batch_size=50, lr=LR, progress=False)
print(f"   VAE trained in {time.perf_counter() - t0:.1f} s")
codes_v = vae.encode(x_test)                       # mu(x); prior N(0, I)
unit = np.random.default_rng(args.seed + 3).standard_normal(codes_v.shape)


def empty_fraction(codes, prior_points, radius=0.5):
    """Fraction of prior samples with no code within ``radius`` (in prior-std units)."""
    d2 = ((prior_points[:, None, :] - codes[None]) ** 2).sum(-1)
    return float(np.mean(d2.min(axis=1) > radius ** 2))


stats = {}
for name, codes in (("AAE", codes_g / 5.0), ("VAE", codes_v)):
    stats[name] = (sliced_wasserstein(codes, unit, rng=1), empty_fraction(codes, unit),
                   np.abs(codes.mean(0)).max(), codes.std(0))
    print(f"   {name}: distance to N(0, I) {stats[name][0]:.2f}; prior samples with no code "
          f"within 0.5: {stats[name][1]:.2f}; |mean| <= {stats[name][2]:.2f}; std "
          f"{stats[name][3].round(2)}")
fig, axes = plt.subplots(1, 2, figsize=(10, 5))
for ax, (name, codes) in zip(axes, (("AAE / 5", codes_g / 5.0), ("VAE mu(x)", codes_v))):
    ax.scatter(unit[:, 0], unit[:, 1], s=3, c="0.8")
    viz.scatter_2d(codes, y_test, title=f"{name} vs N(0, I) (grey)", ax=ax, s=4,
                   legend=name.startswith("VAE"))
    ax.set_xlim(-4, 4)
    ax.set_ylim(-4, 4)
save_figure(fig, args, "13_vae_vs_aae.png")
check(stats["AAE"][0] < stats["VAE"][0] < 1.0,
      "both codes end at the scale of their prior, the AAE's closer to its shape (sliced "
      "Wasserstein distance to N(0, I): AAE < VAE < 1)")
gap = stats["AAE"][1] - stats["VAE"][1]
emptier = "both leave about the same part" if abs(gap) < 0.01 else \
    f"the {'AAE' if gap > 0 else 'VAE'} leaves more"
print("   The slides' reading: the VAE's KL term acts code by code (each mu(x) pulled to 0, each\n"
      "   sigma(x) to 1), so the *aggregate* of the codes may keep gaps and odd shapes, while the\n"
      "   AAE's discriminator sees only the aggregate and fills the prior's shape. In this short\n"
      f"   run {emptier} of the prior empty -- a count on 1,000 codes is a rough measure and the\n"
      "   paper's figure comes from long training: look at the panels of 13_vae_vs_aae.png (and\n"
      "   run --full) before believing either way.")

if not args.quick:
    print("\n7. Semi-supervised AAE (full mode): 100 labels, q(y|x) with a categorical adversary")
    from scratchae.models.aae_semi import SemiSupervisedAAE
    lab = np.concatenate([np.flatnonzero(y_train == k)[:10] for k in range(10)])
    semi = SemiSupervisedAAE([D, 1000, 1000, 10], n_classes=10, seed=args.seed)
    semi.fit(x_train[lab], y_train[lab], x_train, epochs=50, batch_size=100,
             labelled_batch_size=100, lr=1e-3, progress=False)
    print(f"   test error with 100 labels: {semi.evaluate(x_test, y_test)['error']:.3f} "
          f"(paper: 0.019 with batch norm and many more epochs)")

print(f"\nSummary ({time.perf_counter() - t_start:.0f} s)")
print("- The AAE swaps the VAE's KL term for a discriminator on the codes, so any prior you can\n"
      "  sample works: a wide Gaussian, a ring of Gaussians, a swiss roll.\n"
      "- Each batch takes three gradient steps; the generator step's gradient reaches the encoder\n"
      "  through the discriminator's input gradient (BP2 run down d without updating it).\n"
      "- Show the label to the discriminator (plus an 'unlabelled' slot) and each class is sent\n"
      "  to its own part of the prior; a decoder fed a part generates that class.\n"
      "- The discriminator sees the aggregate of the codes, so the AAE matches the prior's shape;\n"
      "  the VAE's per-example KL leaves the aggregate freer.")
print("\nExercises")
print("1. Replace step 3's -log d(h(x)) by the minimax loss log(1 - d(h(x))) (change one line of\n"
      "   generator_loss and its delta) and train again: what happens to the codes early on, when\n"
      "   d(h(x)) is near 0?")
print("2. Hide all labels (y = -1 everywhere) in section 5: does the conditioned model behave\n"
      "   like the unconditioned one of section 4?")
print("3. Give the prior 5 components instead of 10 (GaussianMixturePrior(5)) without labels:\n"
      "   which digits share a component?")
