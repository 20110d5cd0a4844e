"""Lesson 06: Parzen windows, the bandwidth, and windows that follow the manifold
==============================================================================

Slides, part 02 ("1D Example", "2D Example": classical, manifold and non-local Parzen windows)::

    p_hat(x) = (1/n) sum_i N(x; x_i, sigma_i^2)

1. The slide's 1-D example: the true density is a mixture of two unit Gaussians at 0 and 3;
   100 samples; a Gaussian kernel on each sample (grey); their average is the estimate (dashed).
2. The bandwidth h decides everything: too small and the estimate is a comb of spikes, too large
   and the two bumps merge. The training log-likelihood always prefers h -> 0, so h is chosen by
   the leave-one-out log-likelihood (each point scored by the others' windows).
3. In 2-D, data on a curve: round windows spill mass off the curve; Manifold Parzen windows
   (Vincent & Bengio 2003) flatten each window along the local direction of the curve,
   estimated from the point's k neighbours; Non-local Manifold Parzen (Bengio, Larochelle &
   Vincent 2006) lets a small network predict that direction from x, sharing what it learns.

Every hyperparameter is chosen on a validation split; the test set is only scored.
"""
import numpy as np

from scratchae.data import gaussian_mixture_1d, gaussian_mixture_1d_pdf
from scratchae.density import (ManifoldParzenWindows, NonLocalManifoldParzen, ParzenWindows,
                               select_bandwidth)
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.viz import _plt

args = parse_args("Lesson 06: Parzen windows and windows that follow the manifold")
plt = _plt()
rng = np.random.default_rng(args.seed)
np.set_printoptions(precision=4, suppress=True)
header("Lesson 06 -- Parzen windows")

# %%
# Knobs
# -----
# The number of 1-D samples (the slide's 100), the bandwidths called "too small" and "too large",
# the number of 2-D training points near the curve, and the training passes of the network that
# predicts the tangent.
N_1D = 100
TOO_SMALL, TOO_LARGE = 0.05, 2.0
N_2D = 200 if args.quick else 600
NL_EPOCHS = 200 if args.quick else 600   # Non-local MP training passes (60 left it undertrained)
print(f"[data] synthetic: {N_1D} samples of a two-Gaussian mixture in 1-D, and {N_2D} training "
      f"+ {N_2D} validation + 5000 test points near a spiral in 2-D")

# %%
# 1. The slide's 1-D example
# --------------------------
# The true density is ``0.5 N(0, 1) + 0.5 N(3, 1)``. The bandwidth ``h`` is chosen by the
# leave-one-out log-likelihood over a grid: each sample is scored by the windows of the others.
print(f"\n1. The slide's 1-D example: 0.5 N(0, 1) + 0.5 N(3, 1), n = {N_1D} samples")
x, _ = gaussian_mixture_1d(N_1D, rng=rng)
X = x[:, None]
x_test, _ = gaussian_mixture_1d(5000, rng=rng)
X_test = x_test[:, None]

grid_h = np.geomspace(0.02, 5.0, 25)
h_loo, loo = select_bandwidth(X, grid_h)                      # leave-one-out on the samples
print(f"   leave-one-out log-likelihood over {len(grid_h)} bandwidths; best h = {h_loo:.3f}")
xs = np.linspace(-4.5, 7.5, 1201)
trapezoid = getattr(np, "trapezoid", None) or np.trapz


def estimate(h):
    return np.exp(ParzenWindows(h).fit(X).score_samples(xs[:, None]))


fig, ax = plt.subplots(figsize=(8, 4))
for xi in x:                                                   # one kernel per sample, grey
    ax.plot(xs, np.exp(-0.5 * ((xs - xi) / h_loo) ** 2) / (h_loo * np.sqrt(2 * np.pi)) / len(x),
            color="0.7", lw=0.6)
ax.plot(xs, gaussian_mixture_1d_pdf(xs), color="tab:blue", lw=2, label="true density")
ax.plot(xs, estimate(h_loo), "k--", lw=2, label=f"Parzen estimate, h = {h_loo:.2f} (LOO)")
ax.plot(x, np.full_like(x, -0.01), "|", color="tab:red", ms=10, label=f"{len(x)} samples")
ax.set_xlabel("x")
ax.set_ylabel("density")
ax.set_ylim(-0.025, 0.27)
ax.legend(loc="upper right", ncol=3, fontsize=8)
ax.set_title("Kernel density estimate: the average of one Gaussian per sample")
save_figure(fig, args, "06_parzen_1d.png")

mass = trapezoid(estimate(h_loo), xs)
print(f"   integral of p_hat over [-4.5, 7.5] = {mass:.6f}")
check(abs(mass - 1.0) < 1e-3, "the Parzen estimate is a density: it integrates to 1")

# %%
# 2. The bandwidth matters
# ------------------------
# Too small, chosen by leave-one-out, too large: scored on the training samples, by leave-one-out,
# and on 5,000 fresh test samples.
print("\n2. Bandwidth too small, chosen by leave-one-out, too large")
choices = {"too small": TOO_SMALL, "leave-one-out": h_loo, "too large": TOO_LARGE}
print(f"   {'':14s} {'h':>6s} {'train LL':>10s} {'LOO LL':>10s} {'test LL':>10s}")
test_ll = {}
for name, h in choices.items():
    kde = ParzenWindows(h).fit(X)
    train_ll = kde.score_samples(X).mean()
    loo_ll = kde.loo_score_samples().mean()
    test_ll[name] = kde.score_samples(X_test).mean()
    print(f"   {name:14s} {h:6.3f} {train_ll:10.3f} {loo_ll:10.3f} {test_ll[name]:10.3f}")
true_ll = np.log(gaussian_mixture_1d_pdf(x_test)).mean()
print(f"   the true density scores {true_ll:.3f} per test point")
train_curve = [ParzenWindows(h).fit(X).score_samples(X).mean() for h in grid_h]
check(np.argmax(train_curve) == 0,
      "the training log-likelihood keeps growing as h -> 0 (so it cannot choose h)")
check(test_ll["leave-one-out"] > max(test_ll["too small"], test_ll["too large"]),
      "the leave-one-out bandwidth beats both extremes on 5,000 fresh test samples")

fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharey=True)
for ax, (name, h) in zip(axes, choices.items()):
    ax.plot(xs, gaussian_mixture_1d_pdf(xs), color="tab:blue", lw=2)
    ax.plot(xs, estimate(h), "k--", lw=1.5)
    ax.plot(x, np.full_like(x, -0.01), "|", color="tab:red", ms=8)
    ax.set_title(f"{name}: h = {h:.2f}, test LL {test_ll[name]:.2f}")
    ax.set_xlabel("x")
axes[0].set_ylabel("density")
axes[0].set_ylim(-0.03, 0.6)
save_figure(fig, args, "06_parzen_bandwidth.png")

test_curve = [ParzenWindows(h).fit(X).score_samples(X_test).mean() for h in grid_h]
h_test = grid_h[int(np.argmax(test_curve))]
print(f"   over the same grid, 5,000 fresh test samples prefer h = {h_test:.3f} "
      f"(leave-one-out chose {h_loo:.3f})")
fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.semilogx(grid_h, train_curve, "s--", label="training samples (fooled by h -> 0)")
ax.semilogx(grid_h, loo, "o-", label="leave-one-out on the training samples")
ax.semilogx(grid_h, test_curve, "^-", label="5,000 fresh test samples")
ax.axvline(h_loo, color="k", lw=0.8, ls=":")
bottom = max(test_curve) - 4.0                    # the spikes at tiny h fall off the bottom
ax.annotate(f"LOO choice h = {h_loo:.2f}", (h_loo, bottom), xytext=(4, 4),
            textcoords="offset points", fontsize=8)
ax.set_xlabel("bandwidth h (log scale)")
ax.set_ylabel("mean log-likelihood per sample")
ax.set_title(f"Choosing h: leave-one-out picks {h_loo:.2f}, the test set prefers {h_test:.2f}")
ax.set_ylim(bottom, max(max(train_curve), max(test_curve)) + 0.5)
ax.legend(fontsize=8)
save_figure(fig, args, "06_parzen_loo_curve.png")

# %%
# 3. In 2-D, data near a curve
# ----------------------------
# Round windows against windows flattened along the local direction of the curve. Every
# hyperparameter is chosen on the validation points; the test points are only scored, and the
# gains are paired differences on the same test points.
n_train = N_2D
print(f"\n3. 2-D data near a curve: n = {n_train} training points, noise 0.02 across the curve")


def curve_data(n, rng):
    """A noisy spiral arm: x(t) = (t cos t, t sin t) / 3, t in [1, 3 pi] (points spread evenly
    along the arm), plus noise 0.02 -- a 1-D manifold in 2-D."""
    t = np.sqrt(rng.uniform(1.0, (3 * np.pi) ** 2, n))
    pts = np.column_stack([t * np.cos(t), t * np.sin(t)]) / 3.0
    return pts + 0.02 * rng.standard_normal((n, 2))


X2 = curve_data(n_train, rng)
V2 = curve_data(n_train, rng)                  # validation split: chooses every hyperparameter
T2 = curve_data(5000, rng)                     # test: only scored

h2, _ = select_bandwidth(X2, np.geomspace(0.01, 1.0, 25), X_val=V2)
parzen = ParzenWindows(h2).fit(X2)
best = (-np.inf, None)
for k in (5, 10, 15):
    mp = ManifoldParzenWindows(n_neighbors=k, n_components=1, sigma0_sq=1e-3).fit(X2)
    for s2 in np.geomspace(1e-4, 0.05, 12):
        val = mp.set_sigma0_sq(s2).score_samples(V2).mean()
        if val > best[0]:
            best = (val, (k, s2))
k_mp, s2_mp = best[1]
manifold = ManifoldParzenWindows(k_mp, 1, s2_mp).fit(X2)

epochs = NL_EPOCHS
nonlocal_mp = NonLocalManifoldParzen(n_components=1, n_neighbors=10, n_hidden=20,
                                     sigma0_sq=3e-4, epochs=epochs, batch_size=16, lr=1e-2,
                                     seed=args.seed)
nonlocal_mp.fit(X2, X_val=V2)                  # keeps the epoch of best validation LL

per_point = {"Parzen": parzen.score_samples(T2),
             "Manifold Parzen": manifold.score_samples(T2),
             "Non-local MP": nonlocal_mp.score_samples(T2)}
scores = {name: ll.mean() for name, ll in per_point.items()}


def gain_over_parzen(name):
    """Mean test log-likelihood gain over round windows, and its standard error: both models
    score the same test points, so the error comes from the per-point differences (paired)."""
    d = per_point[name] - per_point["Parzen"]
    return d.mean(), d.std(ddof=1) / np.sqrt(d.size)


print(f"   Parzen windows       h = {h2:.3f}")
print(f"   Manifold Parzen      k = {k_mp}, d = 1, sigma0^2 = {s2_mp:.2g}")
print(f"   Non-local MP         d = 1, k = 10, 20 tanh units, sigma0^2 = 3e-4, "
      f"best validation epoch {nonlocal_mp.best_epoch_}/{epochs}")
for name, value in scores.items():
    print(f"   test log-likelihood per point, {name:16s}: {value:8.3f}")
gain_mp, se_mp = gain_over_parzen("Manifold Parzen")
gain_nl, se_nl = gain_over_parzen("Non-local MP")
print(f"   gain over Parzen on the same {len(T2):,} test points (+- standard error): "
      f"Manifold Parzen {gain_mp:+.3f} +- {se_mp:.3f}, Non-local MP {gain_nl:+.3f} +- {se_nl:.3f}")
check(gain_mp > 3 * se_mp,
      "flattening each window along the curve raises the test log-likelihood "
      "(by more than 3 standard errors)")
check(gain_nl > 3 * se_nl,
      "the non-local windows also beat round windows on the test set (by more than 3 standard "
      "errors)")

lo, hi = T2.min(0) - 0.4, T2.max(0) + 0.4
gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 220), np.linspace(lo[1], hi[1], 220))
G = np.column_stack([gx.ravel(), gy.ravel()])
fig, axes = plt.subplots(1, 3, figsize=(15, 5))
for ax, (name, est) in zip(axes, [("Parzen", parzen), ("Manifold Parzen", manifold),
                                   ("Non-local MP", nonlocal_mp)]):
    dens = np.exp(est.score_samples(G)).reshape(gx.shape)
    ax.imshow(dens ** 0.5, origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]), cmap="magma",
              aspect="equal")
    ax.plot(X2[:, 0], X2[:, 1], ".", color="c", ms=2)
    ax.set_title(f"{name}: test LL {scores[name]:.2f}")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
# draw a few local Gaussians of the manifold windows as 2-sigma ellipses
angle = np.linspace(0, 2 * np.pi, 60)
for i in range(0, n_train, max(1, n_train // 25)):
    u, lam = manifold.components_[i, 0], manifold.variances_[i, 0]
    w = np.array([-u[1], u[0]])
    pts = (X2[i] + 2 * np.sqrt(lam + s2_mp) * np.outer(np.cos(angle), u)
           + 2 * np.sqrt(s2_mp) * np.outer(np.sin(angle), w))
    axes[1].plot(pts[:, 0], pts[:, 1], color="w", lw=0.7)
fig.suptitle("Square root of the density: round windows vs windows along the manifold")
save_figure(fig, args, "06_parzen_2d_manifold.png")

# %%
# Summary
# -------
print(f"""
Summary
-------
* A Parzen estimate is an average of Gaussians, one per sample; it is a density (it integrated
  to {mass:.4f} here).
* Its bandwidth trades spikes for blur. The training likelihood always wants h -> 0;
  leave-one-out picked h = {h_loo:.2f}, which scored {test_ll["leave-one-out"]:.3f} per fresh test point
  against {test_ll["too small"]:.3f} (h = {TOO_SMALL}) and {test_ll["too large"]:.3f} (h = {TOO_LARGE});
  the true density scores {true_ll:.3f}.
* Near a curve, windows stretched along the local tangent (Manifold Parzen) gained
  {gain_mp:+.3f} +- {se_mp:.3f} test log-likelihood per point over round windows; a network
  predicting the tangent (Non-local MP) gained {gain_nl:+.3f} +- {se_nl:.3f}. On USPS these give
  the slide's table as Bayes classifiers: `scratchae reproduce usps-parzen`.

Exercises
---------
1. Repeat part 1 with n = 1,000 samples (N_1D). How does the LOO bandwidth change? (Theory:
   h ~ n^(-1/5).)
2. Give ManifoldParzenWindows n_components=2 on the 2-D spiral. What happens, and why is
   it then exactly a Parzen estimate with a per-point full covariance?
3. Shrink the training set to 60 points (N_2D). Which of the three estimators loses the least?
4. Write the Parzen log-density yourself: scratchae exercises start 09_parzen.
""")
