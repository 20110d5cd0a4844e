"""Lesson 11: the variational autoencoder -- ELBO, reparameterisation, closed-form KL, IWAE, the 2-D manifold.

Slides, part 04 ("Variational Autoencoders"). The loss of one example is the negative ELBO

    L(x) = -E_{q(z|x)}[log p(x|z)] + KL(q(z|x) || p(z)),   q(z|x) = N(mu, diag sigma^2), p(z) = N(0, I)

with the expectation estimated by one sample z = mu + sigma (.) eps (the reparameterisation trick)
and the KL in closed form, 1/2 sum (mu^2 + sigma^2 - log sigma^2 - 1). We check each piece of the
derivation numerically, catch the slide's slip z = mu + sigma^2 (.) eps, train a VAE on MNIST,
estimate log p(x) by importance sampling, and draw the learned 2-D manifold.
"""
import time
from statistics import NormalDist

import numpy as np

from scratchae import gradcheck, viz
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.models import vae_math as vm
from scratchae.models.vae import VAE

args = parse_args(__doc__.splitlines()[0])
header("Lesson 11 -- the variational autoencoder")
t_start = time.perf_counter()
rng = np.random.default_rng(args.seed)

# ------------------------------------------------------------------ 1. the pieces, checked
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

print("\n4. The whole loss of a tiny VAE (6-5-3, ReLU), every parameter, eps frozen")
tiny = VAE([6, 5, 3], activation="relu", dtype=np.float64, seed=args.seed)
for name, p in tiny.params().items():
    if name.endswith(".b"):
        p[...] = rng.uniform(-0.5, 0.5, p.shape)               # no unit exactly on the kink
x_tiny, eps_tiny = rng.uniform(0, 1, (5, 6)), rng.standard_normal((5, 1, 3))


def tiny_objective():
    metrics, grads = tiny.loss_and_grads(x_tiny, eps=eps_tiny)
    return metrics["loss"], grads


report = gradcheck.check_gradients(tiny_objective, tiny.params(), kink=True)
print(report)
check(report.passed, "the VAE's hand-written backward pass agrees with finite differences")

# ------------------------------------------------------------------------- 2. training
n_train, n_test, epochs = (5000, 1000, 3) if args.quick else (60000, 10000, 20)
(x_train, y_train), (x_test, y_test), source = load_digits_or_glyphs(n_train, n_test,
                                                                     rng=args.seed)
print(f"\n5. Training a 784-400-20 ReLU VAE on {len(x_train)} {source} digits (grey levels, "
      f"Bernoulli decoder), Adam 1e-3, batch 128, {epochs} epochs")
vae = VAE([784, 400, 20], activation="relu", likelihood="bernoulli", seed=args.seed)


def show(epoch, history):
    print(f"   epoch {epoch + 1:2d}: -ELBO {history['loss'][-1]:7.2f} = recon "
          f"{history['recon'][-1]:7.2f} + KL {history['kl'][-1]:5.2f}   "
          f"({history.seconds[-1]:.1f} s)")


history = vae.fit(x_train, epochs=epochs, batch_size=128, lr=1e-3, progress=False, callback=show)
check(history["loss"][-1] < history["loss"][0], "training lowers -ELBO")
check(min(history["kl"]) > 1.0, "the KL term stays well above 0 (no posterior collapse)")

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
                        "KL": history["kl"]}, title="Training terms per epoch"),
            args, "11_history.png")

# ---------------------------------------------------------------- 3. the 2-D manifold
epochs2 = 5 if args.quick else 30
print(f"\n7. A VAE with a 2-D code (784-256-2, Adam 3e-3, {epochs2} epochs): the learned manifold")
vae2 = VAE([784, 256, 2], activation="relu", seed=args.seed)
h2 = vae2.fit(x_train, epochs=epochs2, batch_size=128, lr=3e-3, progress=False)
print(f"   final -ELBO {h2['loss'][-1]:.2f} (recon {h2['recon'][-1]:.2f}, KL {h2['kl'][-1]:.2f}):"
      " a 2-D code reconstructs worse than a 20-D one")
n_grid = 20
q = [NormalDist().inv_cdf(p) for p in np.linspace(0.05, 0.95, n_grid)]   # Gaussian quantiles
save_figure(viz.manifold_grid(vae2.decode, n=n_grid, grid=(np.array(q), np.array(q[::-1])),
                              title="Learned 2-D manifold (grid of Gaussian quantiles of z)"),
            args, "11_manifold.png")
codes = vae2.encode(x_test)
save_figure(viz.scatter_2d(codes, y_test, title=f"mu(x) of {len(x_test)} test digits"),
            args, "11_latent_scatter.png")
# do digits of one class land together? 5-nearest-neighbour accuracy in the 2-D code space
n_ref = min(5000, len(x_train))
train_codes = vae2.encode(x_train[:n_ref])
d2 = ((codes[:, None, :] - train_codes[None, :, :]) ** 2).sum(-1)
nn5 = np.argsort(d2, axis=1)[:, :5]
votes = np.array([np.bincount(y_train[:n_ref][row], minlength=10).argmax() for row in nn5])
acc = float(np.mean(votes == y_test))
print(f"   5-NN accuracy of test codes against training codes (2 numbers per digit): {acc:.3f}")
print(f"   codes mu(x): mean {codes.mean(0).round(2)}, std {codes.std(0).round(2)} -- the prior's "
      "scale; the KL\n   term (mu^2 in it) also pulls their centre to 0, slowly: longer runs "
      "(--full) centre them better")
check(acc > 0.3, "digits of one class land near each other in the 2-D code space "
      "(5-NN accuracy far above the 0.1 of chance)")
check(np.all((codes.std(0) > 0.5) & (codes.std(0) < 2.0)),
      "the KL term keeps the codes at the prior's scale (std per axis between 0.5 and 2)")

print(f"\nSummary ({time.perf_counter() - t_start:.0f} s)")
print("- The VAE minimises -ELBO = reconstruction NLL + KL(q(z|x) || N(0, I)); the ELBO is a lower\n"
      "  bound on log p(x), and importance sampling with k samples tightens it (IWAE).\n"
      "- z = mu + sigma * eps with sigma = exp(log_var / 2) samples q(z|x) and lets gradients reach\n"
      "  mu and log_var; the slide's sigma^2 * eps samples a different distribution (variance sigma^4).\n"
      "- The KL is closed-form for Gaussians; its gradient is mu and (sigma^2 - 1) / 2.\n"
      "- With a 2-D code the decoder draws a continuous map of digits, and the KL keeps the codes\n"
      "  packed around the origin, so every point of the grid decodes to something digit-like.")
print("\nExercises")
print("1. Train with the slip (replace reparameterize by reparameterize_slide_slip in a copy of\n"
      "   VAE._sample_and_decode) and compare the test ELBO: what goes wrong where sigma != 1?")
print("2. Multiply the KL term by beta = 0, 0.1, 4 and watch the history's 'kl' column and the\n"
      "   2-D scatter: when does the posterior collapse, when do classes stop separating?")
print("3. Estimate log p(x) with k = 1000 and compare with the ELBO digit by digit: which digits\n"
      "   have the loosest bound (largest KL(q(z|x) || p(z|x)))?")
