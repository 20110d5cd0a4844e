"""Lesson 11: the variational autoencoder
======================================

Slides, part 04 ("Variational Autoencoders"). The loss of one example is the negative ELBO

.. code-block:: text

    L(x) = -E_{q(z|x)}[log p(x|z)] + KL(q(z|x) || p(z)),
    q(z|x) = N(mu, diag sigma^2),   p(z) = N(0, I)

with the expectation estimated by one sample z = mu + sigma (.) eps (the reparameterisation
trick) and the KL in closed form, 1/2 sum (mu^2 + sigma^2 - log sigma^2 - 1). We check each piece
of the derivation numerically, catch the slide's slip z = mu + sigma^2 (.) eps, train a VAE on
digits, estimate log p(x) by importance sampling, write the loss's ledger (how the two terms are
scaled, and what frameworks' ``reduction="sum"``/``"mean"`` report), show that weighting the KL
differently trains a different model, and draw the learned 2-D manifold.
"""

# %%
# Setup and knobs
# ---------------
# The knobs below are the settings a student is invited to change: the data sizes, the epochs of
# the 20-D VAE (sections 5-8) and of the 2-D VAE (section 9), and the manifold figure's grid.
import time
from statistics import NormalDist

import numpy as np

from scratchae import gradcheck, viz
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.ledger import KLWeightedVAE, active_units, loss_ledger
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.models import vae_math as vm
from scratchae.models.vae import VAE

args = parse_args("Lesson 11: the variational autoencoder -- ELBO, reparameterisation, KL, "
                  "IWAE, the loss ledger, the 2-D manifold")
header("Lesson 11 -- the variational autoencoder")
t_start = time.perf_counter()
rng = np.random.default_rng(args.seed)

# knobs ---------------------------------------------------------------------------------------
N_TRAIN, N_TEST = (5000, 1000) if args.quick else (60000, 10000)
EPOCHS = 3 if args.quick else 20           # the 784-400-20 VAE, Adam 1e-3, batch 128
EPOCHS_2D = (5, 30) if args.quick else (5, 60)   # 2-D VAE, Adam 3e-3: measured after each
GRID = 12                                  # the manifold figure shows GRID x GRID decoded codes
# ---------------------------------------------------------------------------------------------

# %%
# 1. The closed-form KL
# ---------------------
# The KL between q(z|x) = N(mu, diag sigma^2) and N(0, I) has a closed form; we compare it with a
# Monte Carlo average of log q(z) - log p(z) over samples of q.
print("1. The closed-form KL against a Monte Carlo estimate of E_q[log q(z) - log p(z)]")
mu = np.array([[0.8, -1.2, 0.3]])
log_var = np.array([[-0.7, 0.4, 1.1]])
n_mc = 200_000
eps = rng.standard_normal((n_mc, 3))
z = vm.reparameterize(np.repeat(mu, n_mc, 0), np.repeat(log_var, n_mc, 0), eps)
log_ratio = vm.gaussian_log_density(z, np.repeat(mu, n_mc, 0), np.repeat(log_var, n_mc, 0)) \
    - vm.standard_normal_log_density(z)
kl_closed = vm.gaussian_kl(mu, log_var)[0]
stderr = log_ratio.std() / np.sqrt(n_mc)
print(f"   closed form 1/2 sum(mu^2 + sigma^2 - log sigma^2 - 1) = {kl_closed:.4f}")
print(f"   Monte Carlo with {n_mc} samples                        = {log_ratio.mean():.4f} "
      f"+- {stderr:.4f}")
check(abs(log_ratio.mean() - kl_closed) < 4 * stderr, "closed-form KL = Monte Carlo KL")

# %%
# 2. The slide's slip
# -------------------
# The slide writes z = mu + sigma^2 (.) eps. Sampling both forms with sigma^2 = 4 tells them apart
# by the variance of z.
print("\n2. The slide writes z = mu + sigma^2 (.) eps. Which variance does z get?")
n_var = 100_000
mu1 = np.zeros((n_var, 1))
lv1 = np.full((n_var, 1), np.log(4.0))                        # sigma^2 = 4
e1 = rng.standard_normal((n_var, 1))
var_right = vm.reparameterize(mu1, lv1, e1).var()
var_slip = vm.reparameterize_slide_slip(mu1, lv1, e1).var()
print(f"   q(z|x) = N(0, sigma^2 = 4).  z = mu + sigma   eps: sample variance {var_right:6.3f}")
print(f"                                z = mu + sigma^2 eps: sample variance {var_slip:6.3f}"
      "  (= sigma^4)")
check(abs(var_right - 4) < 0.1 and abs(var_slip - 16) < 0.5,
      "only z = mu + sigma * eps samples N(mu, sigma^2); the slide's sigma^2 gives sigma^4")
print("   (where sigma = 1 the two coincide, which is why the slip trains without crashing --"
      " but it\n    optimises a different model from the ELBO the KL term assumes.)")

# %%
# 3. Gradients through the sampling step
# --------------------------------------
# With eps frozen, z is a differentiable function of mu and log_var; each hand-written gradient
# is compared with central finite differences.
print("\n3. Gradients through the sampling step, eps frozen (dC/dmu = dC/dz, "
      "dC/dlog_var = dC/dz * eps * sigma / 2)")
u = rng.standard_normal((4, 3))
m4, s4, e4 = (rng.standard_normal((4, 3)) for _ in range(3))
g_mu, g_lv = vm.reparameterize_backward(u, s4, e4)
r1 = gradcheck.check_gradient(lambda m: np.sum(u * vm.reparameterize(m, s4, e4)),
                              lambda m: g_mu, m4, name="dC/dmu")
r2 = gradcheck.check_gradient(lambda s: np.sum(u * vm.reparameterize(m4, s, e4)),
                              lambda s: g_lv, s4, name="dC/dlog_var")
k_mu, k_lv = vm.gaussian_kl_grad(m4, s4)
r3 = gradcheck.check_gradient(lambda m: vm.gaussian_kl(m, s4).sum(), lambda m: k_mu, m4,
                              name="dKL/dmu")
r4 = gradcheck.check_gradient(lambda s: vm.gaussian_kl(m4, s).sum(), lambda s: k_lv, s4,
                              name="dKL/dlog_var")
for r in (r1, r2, r3, r4):
    print("  ", r)
check(all(r.passed for r in (r1, r2, r3, r4)), "reparameterisation and KL gradients agree with "
      "finite differences")

# %%
# 4. The whole loss of a tiny VAE
# -------------------------------
# Every parameter of a 6-5-3 ReLU VAE, in float64, against finite differences (biases drawn away
# from zero so that no unit sits exactly on ReLU's kink).
print("\n4. The whole loss of a tiny VAE (6-5-3, ReLU), every parameter, eps frozen")
tiny = VAE([6, 5, 3], activation="relu", dtype=np.float64, seed=args.seed)
for name, p in tiny.params().items():
    if name.endswith(".b"):
        p[...] = rng.uniform(-0.5, 0.5, p.shape)
x_tiny, eps_tiny = rng.uniform(0, 1, (5, 6)), rng.standard_normal((5, 1, 3))


def tiny_objective():
    metrics, grads = tiny.loss_and_grads(x_tiny, eps=eps_tiny)
    return metrics["loss"], grads


report = gradcheck.check_gradients(tiny_objective, tiny.params(), kink=True)
print(report)
check(report.passed, "the VAE's hand-written backward pass agrees with finite differences")

# %%
# 5. Training a VAE on digits
# ---------------------------
# A 784-400-20 ReLU VAE with a Bernoulli decoder on grey-level digits. The history keeps both
# terms of -ELBO per epoch; a KL that fell to ~0 would mean the code carries nothing
# (posterior collapse).
(x_train, y_train), (x_test, y_test), source = load_digits_or_glyphs(N_TRAIN, N_TEST,
                                                                     rng=args.seed)
print(f"\n[data] {source}: {len(x_train)} training, {len(x_test)} test digits")
print(f"\n5. Training a 784-400-20 ReLU VAE on {len(x_train)} {source} digits (grey levels, "
      f"Bernoulli decoder), Adam 1e-3, batch 128, {EPOCHS} epochs")
vae = VAE([784, 400, 20], activation="relu", likelihood="bernoulli", seed=args.seed)


def show(epoch, history):
    print(f"   epoch {epoch + 1:2d}: -ELBO {history['loss'][-1]:7.2f} = recon "
          f"{history['recon'][-1]:7.2f} + KL {history['kl'][-1]:5.2f}   "
          f"({history.seconds[-1]:.1f} s)")


history = vae.fit(x_train, epochs=EPOCHS, batch_size=128, lr=1e-3, callback=show)
check(history["loss"][-1] < history["loss"][0], "training lowers -ELBO")
check(min(history["kl"]) > 1.0, "the KL term stays well above 0 (no posterior collapse)")

# %%
# 6. How good is the model?
# -------------------------
# The ELBO is a lower bound on log p(x); the importance-weighted bound with k samples (IWAE)
# rises towards log p(x) as k grows.
print("\n6. How good is the model? Three estimates of log p(x) on test digits (nats)")
x_eval = x_test[:200]
elbo = vae.elbo(x_eval, n_samples=10, rng=args.seed).mean()
ll = {k: vae.log_likelihood(x_eval, n_samples=k, rng=args.seed + 1).mean() for k in (1, 10, 100)}
print(f"   ELBO (z sampled, 10 samples averaged)  {elbo:8.2f}")
for k, v in ll.items():
    print(f"   IWAE, k = {k:<4d} log mean_k p(x|z)p(z)/q(z|x)  {v:8.2f}")
check(ll[1] < ll[10] < ll[100] and elbo < ll[100],
      "the importance-sampled bound rises with k and sits above the ELBO")
mean_img = np.clip(x_train.mean(0), 1e-3, 1 - 1e-3)
bce_mean = -np.mean(np.sum(x_eval * np.log(mean_img) + (1 - x_eval) * np.log(1 - mean_img), 1))
print(f"   for scale: coding every test digit with the mean image costs {bce_mean:.1f} nats")
check(-elbo < bce_mean, "the VAE codes test digits in fewer nats than the mean image")

recon = vae.reconstruct(x_test[:10])
save_figure(viz.side_by_side([x_test[:10], recon], ["input", "VAE"],
                             title="Reconstructions decode(mu(x))"), args, "11_reconstructions.png")
samples = vae.sample(40, rng=args.seed)
save_figure(viz.image_grid(samples, n_cols=10, title="Samples: z ~ N(0, I), x = mean of p(x|z)"),
            args, "11_samples.png")
save_figure(viz.curves({"-ELBO": history["loss"], "reconstruction": history["recon"],
                        "KL": history["kl"]}, ylabel="nats per image (training batches)",
                       title="Training terms per epoch"), args, "11_history.png")

# %%
# 7. The loss ledger
# ------------------
# The same two terms can be reported in many units. R(x) sums -log p(x_d | z) over the D = 784
# pixels, K(x) sums the KL over the J = 20 code units. Per pixel means divided by D; bits per
# dimension divides that by ln 2. A framework's element-wise loss with ``reduction="sum"`` adds
# all B x D numbers of a batch (B times the per-image value); ``reduction="mean"`` averages them
# (the per-pixel value). Below, each is computed from the element-wise arrays, on the test digits.
led = loss_ledger(vae, x_test, rng=args.seed, batch_size=128)
D, J, B = led["D"], led["J"], led["B"]
ln2 = np.log(2)
print(f"\n7. The loss ledger of this VAE on {len(x_test)} test digits (one z per digit; "
      f"D = {D} pixels, J = {J} code units)")
print(f"   {'term':<24}{'per image':>11}{'per pixel':>11}{'bits/dim':>10}"
      f"{'reduction=':>13}{'reduction=':>13}")
sum_head, mean_head = f'"sum", B={B}', '"mean"'
print(f"   {'':<24}{'(nats)':>11}{'(nats)':>11}{'':>10}{sum_head:>13}{mean_head:>13}")
rows = [("reconstruction R", led["recon_per_image"], led["recon_reduction_sum"],
         led["recon_reduction_mean"]),
        ("KL K", led["kl_per_image"], led["kl_reduction_sum"], led["kl_reduction_mean"])]
for name, per_image, red_sum, red_mean in rows:
    print(f"   {name:<24}{per_image:11.2f}{per_image / D:11.4f}{per_image / D / ln2:10.4f}"
          f"{red_sum:13.1f}{red_mean:13.4f}")
neg_elbo = led["recon_per_image"] + led["kl_per_image"]
print(f"   {'-ELBO = R + K':<24}{neg_elbo:11.2f}{neg_elbo / D:11.4f}{neg_elbo / D / ln2:10.4f}")
print(f"   reduction=\"sum\" over a batch of {B} is {B} x the per-image value of that batch "
      f"({led['recon_batch_per_image']:.2f}, {led['kl_batch_per_image']:.2f});")
print(f"   reduction=\"mean\" of the reconstruction is its per-pixel value (/ {D}), but of the "
      f"KL it is per code unit (/ {J}):")
print(f"   {led['kl_reduction_mean']:.4f} x {J} = {led['kl_reduction_mean'] * J:.2f} nats per "
      f"image, {led['kl_per_pixel']:.4f} nats per pixel -- the two 'means' are not on one scale.")
model_kl = vae.evaluate(x_test)["kl"]
rb, kb = led["recon_batch_per_image"], led["kl_batch_per_image"]
check(np.isclose(led["recon_reduction_sum"], B * rb, rtol=1e-6)
      and np.isclose(led["recon_reduction_mean"] * D, rb, rtol=1e-6)
      and np.isclose(led["kl_reduction_sum"], B * kb, rtol=1e-6)
      and np.isclose(led["kl_reduction_mean"] * J, kb, rtol=1e-6),
      "reduction='sum' reports B x the per-image loss; reduction='mean' the per-pixel "
      "reconstruction and the per-code-unit KL")
check(np.isclose(led["kl_per_image"], model_kl, rtol=1e-4),
      f"the ledger's KL per image ({led['kl_per_image']:.3f}) is the model's own "
      f"({model_kl:.3f})")

# %%
# 8. Weighting the KL is a different model
# ----------------------------------------
# A common slip adds the per-pixel mean reconstruction (``reduction="mean"``) to the per-image
# KL: R/D + K = (R + D K)/D, the KL weighted D = 784 times more than in the ELBO. Dividing *both*
# terms by D is a rescaling, which Adam (scale-free in its steps) barely notices. We train both
# beside the model above (same seed, data and steps) and score each by the true -ELBO.
print("\n8. Three losses, same seed and steps; each model scored by the true test -ELBO (nats)")
variants = {"R + K (the ELBO; section 5)": vae}
for label, (wr, wk) in {"R/D + K/D (both per pixel)": (1 / D, 1 / D),
                        "R/D + K (mean recon + KL)": (1 / D, 1.0)}.items():
    m = KLWeightedVAE([784, 400, 20], activation="relu", seed=args.seed, recon_weight=wr,
                      kl_weight=wk)
    m.fit(x_train, epochs=EPOCHS, batch_size=128, lr=1e-3)
    variants[label] = m
scores = {}
print(f"   {'loss trained on':<30}{'-ELBO':>9}{'recon':>9}{'KL':>8}{'active units':>14}")
for label, m in variants.items():
    ev = m.evaluate(x_test, rng=args.seed)
    scores[label] = (ev["loss"], ev["kl"], active_units(m, x_test))
    print(f"   {label:<30}{ev['loss']:9.2f}{ev['recon']:9.2f}{ev['kl']:8.2f}"
          f"{scores[label][2]:8d} of {J}")
(e_a, k_a, u_a), (e_c, k_c, u_c), (e_b, k_b, u_b) = scores.values()
print(f"   rescaling both terms moved -ELBO by {e_c - e_a:+.2f} nats; weighting the KL by {D} "
      f"moved it by {e_b - e_a:+.2f}")
check(abs(e_c - e_a) < 0.1 * (e_b - e_a),
      "dividing the whole loss by D trains (nearly) the same model: its -ELBO moves less than a "
      "tenth of the KL-weighted model's")
check(k_b < 0.5 * k_a and u_b < u_a,
      f"the per-pixel-mean reconstruction + per-image KL is a different model: KL {k_b:.2f} vs "
      f"{k_a:.2f} nats, {u_b} vs {u_a} active code units")
fig = viz.side_by_side([x_test[:10]] + [m.reconstruct(x_test[:10]) for m in variants.values()],
                       ["input", "R + K", "R/D + K/D", "R/D + K"],
                       title="Reconstructions by loss weighting (same seed and steps)")
save_figure(fig, args, "11_kl_weighting.png")

# %%
# 9. A 2-D code: the learned manifold
# -----------------------------------
# With J = 2 the decoder can be drawn: decode a grid of codes placed at Gaussian quantiles (so
# that each cell covers the same prior mass). We also ask whether digits of one class land
# together (5-nearest-neighbour accuracy of the codes, beside the same measure on PCA's best
# linear 2-D view), and where the KL puts the codes: their spread, and how far their centre sits
# from the prior's, early and late in training.
print(f"\n9. A VAE with a 2-D code (784-256-2, Adam 3e-3): measured after {EPOCHS_2D[0]} and "
      f"{EPOCHS_2D[1]} epochs")
vae2 = VAE([784, 256, 2], activation="relu", seed=args.seed)
n_ref = min(5000, len(x_train))


def knn_accuracy(codes, ref):
    """5-NN accuracy of test codes (n_test, 2) against the codes of n_ref training digits."""
    d2 = (codes ** 2).sum(1)[:, None] - 2 * codes @ ref.T + (ref ** 2).sum(1)[None]
    nn5 = np.argsort(d2, axis=1)[:, :5]
    votes = np.array([np.bincount(y_train[:n_ref][row], minlength=10).argmax() for row in nn5])
    return float(np.mean(votes == y_test))


# the same question for the best linear 2-D view of the digits: their first two principal axes
centre = x_train.mean(0)
axes2 = np.linalg.svd(x_train[:n_ref] - centre, full_matrices=False)[2][:2].T     # (784, 2)
acc_pca = knn_accuracy((x_test - centre) @ axes2, (x_train[:n_ref] - centre) @ axes2)

stages = []
done = 0
for ep in EPOCHS_2D:
    h2 = vae2.fit(x_train, epochs=ep - done, batch_size=128, lr=3e-3)
    done = ep
    codes = vae2.encode(x_test)
    stages.append({"epochs": ep, "loss": h2["loss"][-1], "kl": h2["kl"][-1],
                   "acc": knn_accuracy(codes, vae2.encode(x_train[:n_ref])),
                   "centre": codes.mean(0), "std": codes.std(0),
                   "inside2": float(np.mean((codes ** 2).sum(1) < 4))})
inside_prior = 1 - np.exp(-2)                      # P(|z| < 2) for z ~ N(0, I) in 2-D
print(f"   {'epochs':>6}{'-ELBO':>9}{'KL':>7}{'5-NN acc':>10}{'centre of mu(x)':>20}"
      f"{'std of mu(x)':>16}{'|mu| < 2':>10}")
for s in stages:
    print(f"   {s['epochs']:6d}{s['loss']:9.2f}{s['kl']:7.2f}{s['acc']:10.3f}"
          f"{np.array2string(s['centre'], precision=2):>20}"
          f"{np.array2string(s['std'], precision=2):>16}{s['inside2']:10.2f}")
first, last = stages
print(f"   (N(0, I) puts {inside_prior:.2f} of its mass inside |z| < 2.) 5-NN accuracy of the "
      f"first two principal\n   components (PCA, the best linear 2-D view): {acc_pca:.3f}; "
      f"chance: 0.1")
check(last["acc"] > acc_pca, f"digits of one class land nearer each other in the VAE's 2-D codes "
      f"than in PCA's 2-D projection (5-NN accuracy {last['acc']:.2f} vs {acc_pca:.2f}; "
      f"chance 0.1)")
check(np.all((last["std"] > 0.5) & (last["std"] < 2.0)),
      "the KL term keeps the codes at the prior's scale (std per axis between 0.5 and 2)")
d_first, d_last = (float(np.linalg.norm(s["centre"])) for s in stages)
check(d_last < 0.8 * d_first,
      f"the KL term pulls the codes' centre towards the prior's: |mean mu(x)| "
      f"{d_first:.2f} after {first['epochs']} epochs, {d_last:.2f} after {last['epochs']}")
print(f"   the centre moves slowly: being off by {d_last:.2f} costs only |m|^2 / 2 = "
      f"{d_last ** 2 / 2:.2f} nats of the KL per digit.")

q = np.array([NormalDist().inv_cdf(p) for p in np.linspace(0.05, 0.95, GRID)])
fig = viz.manifold_grid(vae2.decode, n=GRID, grid=(q, q[::-1]),
                        title=f"Learned 2-D manifold after {last['epochs']} epochs: codes at "
                              "Gaussian quantiles")
fig.set_size_inches(9, 9)
ax = fig.axes[0]
ticks = (np.arange(GRID) + 0.5) * 28
ax.set_xticks(ticks[::2], [f"{v:.1f}" for v in q[::2]])
ax.set_yticks(ticks[::2], [f"{v:.1f}" for v in q[::-1][::2]])
ax.set_xlabel("z_1 (5% ... 95% quantiles of N(0, 1))")
ax.set_ylabel("z_2")
save_figure(fig, args, "11_manifold.png")
codes = vae2.encode(x_test)
fig = viz.scatter_2d(codes, y_test, title=f"mu(x) of {len(x_test)} test digits (5-NN accuracy "
                                          f"{last['acc']:.2f}; + marks their mean)")
ax = fig.axes[0]
circle = np.linspace(0, 2 * np.pi, 200)
ax.plot(2 * np.cos(circle), 2 * np.sin(circle), "k--", lw=0.8, label="|z| = 2")
ax.plot(*last["centre"], "k+", ms=12, mew=2)
ax.set_xlabel("mu_1(x)")
ax.set_ylabel("mu_2(x)")
save_figure(fig, args, "11_latent_scatter.png")

# %%
# Summary and exercises
# ---------------------
# The summary is built from the numbers measured above.
print(f"\nSummary ({time.perf_counter() - t_start:.0f} s)")
print(f"- The VAE minimises -ELBO = reconstruction NLL + KL(q(z|x) || N(0, I)); on test digits\n"
      f"  the ELBO was {elbo:.1f} nats and importance sampling with k = 100 raised the bound to "
      f"{ll[100]:.1f}.")
print("- z = mu + sigma * eps with sigma = exp(log_var / 2) samples q(z|x) and lets gradients "
      f"reach\n  mu and log_var; the slide's sigma^2 * eps gave variance {var_slip:.1f} for "
      f"sigma^2 = 4.")
print(f"- Ledger: R = {led['recon_per_image']:.1f} and K = {led['kl_per_image']:.1f} nats per "
      f"image are {neg_elbo / D / ln2:.3f} bits/dim together; 'mean'\n  reduces the "
      f"reconstruction per pixel but the KL per code unit. Adding the per-pixel\n  "
      f"reconstruction to the per-image KL trained a model with KL {k_b:.2f} (not {k_a:.2f})\n"
      f"  and {u_b} (not {u_a}) active units.")
print(f"- With a 2-D code the decoder draws a continuous map of digits; its codes group the "
      f"classes\n  better than PCA's 2-D view (5-NN {last['acc']:.2f} vs {acc_pca:.2f}) and have "
      f"the prior's scale\n  (std {np.array2string(last['std'], precision=2)}, "
      f"{last['inside2']:.0%} inside |z| < 2, the prior: {inside_prior:.0%}); their centre is "
      f"{d_last:.2f} from the origin.")
print("\nExercises")
print("0. Derive and code the pieces yourself: scratchae exercises start 07_vae")
print("1. Train with the slip (replace reparameterize by reparameterize_slide_slip in a copy of\n"
      "   VAE._sample_and_decode) and compare the test ELBO: what goes wrong where sigma != 1?")
print("2. Train KLWeightedVAE with kl_weight = beta = 0, 0.1, 4 and watch the KL and the active\n"
      "   units: when does the posterior collapse, when do classes stop separating in 2-D?")
print("3. Estimate log p(x) with k = 1000 and compare with the ELBO digit by digit: which digits\n"
      "   have the loosest bound (largest KL(q(z|x) || p(z|x)))?")
