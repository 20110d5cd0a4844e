"""Lesson 04: the manifold hypothesis, and PCA -- the flat manifold -- on digits
=============================================================================

Slides, part 02 ("Manifold Hypothesis", "PCA"):

    "Natural data in high dimensional spaces concentrates close to lower dimensional manifolds.
    Probability density decreases very rapidly when moving away from the supporting manifold."

    PCA "finds k directions in which data has highest variance": ``h = f_theta(x) = W (x - mu)``.

1. Digits are not random images: a random point of ``[0, 1]^784`` is noise, and the straight line
   between two digits leaves the digits (its midpoint is a double exposure, far from any digit).
2. PCA by the SVD of the centred data: the mean digit and the principal directions (eigen-digits).
3. How flat is the digit cloud? The explained-variance curve: how many of the 784 directions hold
   most of the variance, and how close digits lie to a 30-dimensional plane (noise does not).
4. Reconstructions ``x_hat = mu + W^T W (x - mu)`` with 2, 10 and 30 components, and the squared
   error per test image (Hinton & Salakhutdinov 2006 report 13.87 on MNIST for 30 components).
5. The first two principal components as a 2-D map: how well do the classes separate there?

The lesson runs on MNIST, or on the glyph digits when MNIST cannot be had.
"""
import numpy as np

from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.manifold import PCA, knn
from scratchae.viz import _plt, image_grid, scatter_2d, side_by_side

args = parse_args("Lesson 04: the manifold hypothesis, and PCA on digits")
plt = _plt()
rng = np.random.default_rng(args.seed)
np.set_printoptions(precision=4, suppress=True)
header("Lesson 04 -- the manifold hypothesis and PCA")

# %%
# Knobs
# -----
# The number of training digits PCA is fitted on (``None`` = all 60,000 of MNIST), the code sizes
# compared in part 4, and how many test digits the 2-D map shows.
N_TRAIN = 10000 if args.quick else None
CODE_SIZES = (2, 10, 30)
N_MAP = 3000

# %%
# The data
# --------
# ``load_digits_or_glyphs`` gives a random subset of MNIST (all 10,000 test digits), or glyph
# digits rendered from a font when MNIST is not available.
(x_train, y_train), (x_test, y_test), source = load_digits_or_glyphs(N_TRAIN, None, rng=args.seed)
x_train, x_test = x_train.astype(np.float64), x_test.astype(np.float64)
n_train = len(x_train)
print(f"[data] {source}: {n_train} training, {len(x_test)} test digits "
      f"({'quick' if args.quick else 'full'} run)")

# %%
# 1. Digits are not random images
# -------------------------------
# Distances to the nearest training digit: from a new test digit, from the midpoint of two test
# digits, and from uniform noise.
print("\n1. Random images are noise; blends of two digits leave the digit manifold")
noise = rng.random((10, 784))
a = x_test[rng.choice(len(x_test), 200, replace=False)]
b = x_test[rng.choice(len(x_test), 200, replace=False)]
mid = 0.5 * (a + b)
d_digit, _ = knn(x_train, 1, query=x_test[:200])              # a test digit to the training set
d_mid, _ = knn(x_train, 1, query=mid)                         # a 50/50 blend of two test digits
d_noise, _ = knn(x_train, 1, query=noise)
print(f"   distance to the nearest training digit (median): test digit {np.median(d_digit):.2f}, "
      f"midpoint of two digits {np.median(d_mid):.2f}, uniform noise {np.median(d_noise):.2f}")
check(np.median(d_mid) > 1.05 * np.median(d_digit),
      "the midpoint of two digits is farther from the digits than a new digit is")
check(np.min(d_noise) > np.max(d_digit),
      "every random image is farther from the digits than every test digit")
steps = np.linspace(0, 1, 8)
pairs = [(0, 1), (2, 3), (4, 5)]
blend = np.concatenate([[(1 - s) * x_test[i] + s * x_test[j] for s in steps] for i, j in pairs])
fig = side_by_side([noise[:8], blend[:8], blend[8:16], blend[16:]],
                   ["uniform noise"] + [f"blend {y_test[i]} -> {y_test[j]}" for i, j in pairs], n=8,
                   title="Random points of [0,1]^784, and straight lines between digits")
save_figure(fig, args, "04_random_and_blends.png")

# %%
# 2. PCA
# ------
# The principal directions are the top right singular vectors of the centred data (equivalently
# the top eigenvectors of its covariance).
print("\n2. PCA: h = W (x - mu), W = the top right singular vectors of the centred data")
solver = "covariance_eigh" if args.quick else "svd"
pca = PCA(solver=solver).fit(x_train)                         # all 784 directions
print(f"   solver={solver}; components_ {pca.components_.shape}, "
      f"orthonormal: {np.allclose(pca.components_ @ pca.components_.T, np.eye(784), atol=1e-8)}")
fig = image_grid(np.vstack([pca.mean_, pca.components_[:9]]), n_cols=10, normalize=True,
                 title="The mean digit and the first 9 principal directions (eigen-digits)")
save_figure(fig, args, "04_mean_and_components.png")

# %%
# 3. The explained-variance curve
# -------------------------------
# The share of the total variance held by the top ``d`` directions, and how much of each digit's
# distance to the mean lies off the 30-dimensional plane.
print("\n3. How many of the 784 directions does the digit cloud use?")
cum = np.cumsum(pca.explained_variance_ratio_)
for share in (0.5, 0.8, 0.9, 0.95, 0.99):
    print(f"   {share:4.0%} of the variance lies in the top {np.searchsorted(cum, share) + 1:3d} "
          "directions")
n_dead = int(np.sum(x_train.std(0) == 0))
print(f"   ({n_dead} border pixels never change at all in these {n_train} images)")
check(np.searchsorted(cum, 0.9) + 1 < 784 // 5,
      "90% of the variance lies in fewer than a fifth of the 784 directions")
check(np.all(np.diff(pca.explained_variance_) <= 1e-12) and np.isclose(cum[-1], 1.0),
      "the variances come out decreasing and sum to the total variance")
# distance to the 30-dimensional plane: a digit is close, an equally spread noise image is not
p30 = PCA(30, solver=solver).fit(x_train)
check(np.allclose(p30.components_, pca.components_[:30], atol=1e-8),
      "PCA(30) is the first 30 directions of the full PCA (the directions are nested)")


def residual_share(x):
    """Share of ||x - mu||^2 that the 30-dimensional PCA plane cannot explain."""
    return p30.reconstruction_error(x) / np.sum((x - p30.mean_) ** 2, axis=1)


fake = p30.mean_ + rng.standard_normal((500, 784)) * np.sqrt(pca.explained_variance_.mean())
r_digit, r_fake = residual_share(x_test).mean(), residual_share(fake).mean()
print(f"   share of ||x - mu||^2 off the 30-D plane: test digits {r_digit:.3f}, "
      f"isotropic noise of the same total variance {r_fake:.3f} (chance: {1 - 30 / 784:.3f})")
check(r_digit < 0.35 < 0.9 < r_fake, "digits lie close to a 30-dimensional plane; noise does not")
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(np.arange(1, 785), cum, lw=2)
for d in (2, 10, 30):
    ax.axvline(d, color="0.6", ls=":")
    ax.annotate(f"d={d}: {cum[d - 1]:.0%}", (d, cum[d - 1]),
                xytext=(d * 1.4 + 4, cum[d - 1] - 0.08),
                arrowprops={"arrowstyle": "-", "color": "0.5"}, fontsize=8)
ax.set_xscale("log")
ax.set_xlabel("number of principal components d")
ax.set_ylabel("share of the variance explained")
ax.set_title(f"Explained-variance curve ({source}): d = 30 holds {cum[29]:.0%}")
ax.grid(alpha=0.3)
save_figure(fig, args, "04_explained_variance.png")

# %%
# 4. Reconstructions
# ------------------
# ``x_hat = mu + W_d^T W_d (x - mu)``: the squared error per image, on the training set (where it
# equals the variance left out) and on the test set.
print("\n4. Reconstructions x_hat = mu + W^T W (x - mu): squared error per test image")
errors, rows = {}, [x_test[:10]]


def reconstruct(x, d):
    """x_hat = mu + (x - mu) W_d^T W_d with the first d principal directions W_d (d, 784)."""
    W = pca.components_[:d]
    return pca.mean_ + ((x - pca.mean_) @ W.T) @ W


for d in CODE_SIZES:
    errors[d] = np.sum((x_test - reconstruct(x_test, d)) ** 2, axis=1).mean()
    train_err = np.sum((x_train - reconstruct(x_train, d)) ** 2, axis=1).mean()
    left_out = pca.explained_variance_[d:].sum() * (n_train - 1) / n_train
    print(f"   d = {d:2d}: test {errors[d]:6.2f}, training {train_err:6.2f} "
          f"(= variance left out, sum_(j>d) s_j^2 / n = {left_out:6.2f})")
    check(np.isclose(train_err, left_out, rtol=1e-6),
          f"d={d}: the training error is exactly the variance PCA leaves out")
    rows.append(np.clip(reconstruct(x_test[:10], d), 0, 1))
check(np.isclose(p30.reconstruction_error(x_test).mean(), errors[30], rtol=1e-9),
      "PCA(30).reconstruction_error gives the same 30-component error")
sizes = sorted(errors)
check(all(errors[a] > errors[b] for a, b in zip(sizes, sizes[1:])),
      "more components, smaller test reconstruction error: "
      + " > ".join(f"{errors[d]:.2f} (d={d})" for d in sizes))
if source == "mnist" and 30 in errors:
    print(f"   Hinton & Salakhutdinov (2006), PCA with 30 components on MNIST: 13.87 "
          f"(ours {errors[30]:.2f} from {n_train} training digits; "
          f"`scratchae reproduce pca-mnist` fits all 60,000)")
    check(abs(errors[30] - 13.87) < 0.3,
          f"30 components give the paper's 13.87 to within 0.3 (ours {errors[30]:.2f})")
else:
    print("   (the paper's 13.87 is for MNIST; glyph digits have no published value)")
fig = side_by_side(rows, ["input"] + [f"d = {d}" for d in CODE_SIZES], n=10,
                   title="PCA reconstructions of test digits")
save_figure(fig, args, "04_reconstructions.png")

# %%
# 5. The first two components as a map
# ------------------------------------
# Each test digit placed at its first two principal components, coloured by its class. We score
# the map by how often the nearest class centre is the digit's own class, and compare with the
# same score in the full 784-pixel space.
print("\n5. The top two components as a map of the digits")
H = pca.transform(x_test[:N_MAP])[:, :2]
labels = y_test[:N_MAP]


def centre_accuracy(F):
    """Share of rows of F whose nearest class centre (of F's own classes) is their class."""
    centres = np.array([F[labels == c].mean(0) for c in range(10)])
    return float(np.mean(knn(centres, 1, query=F)[1][:, 0] == labels))


acc, acc_pixels = centre_accuracy(H), centre_accuracy(x_test[:N_MAP])
print(f"   nearest class centre is the right class for {acc:.0%} of test digits on the 2-D map, "
      f"{acc_pixels:.0%} with all 784 pixels")
fig = scatter_2d(H, labels=labels, s=3,
                 title=f"Test digits on the first two principal components:\nnearest class "
                       f"centre right for {acc:.0%} (784 pixels: {acc_pixels:.0%})")
ax = fig.axes[0]
ax.set_xlabel("principal component 1")
ax.set_ylabel("principal component 2")
if ax.get_legend() is not None:
    ax.get_legend().set_title("digit")
save_figure(fig, args, "04_pca_2d.png")
check(acc < 0.6 and acc < acc_pixels - 0.1,
      f"in two linear dimensions the ten classes overlap: {acc:.0%} against {acc_pixels:.0%} "
      "with all pixels")

# %%
# Summary
# -------
print(f"""
Summary
-------
* 784 pixels, but digits fill a thin region: the nearest training digit is {np.median(d_digit):.2f}
  away (median) for a new digit, {np.median(d_mid):.2f} for a blend of two digits and
  {np.median(d_noise):.2f} for uniform noise (the manifold hypothesis).
* {np.searchsorted(cum, 0.9) + 1} of 784 directions hold 90% of the variance; a 30-D plane holds
  {cum[29]:.0%}, and leaves {r_digit:.0%} of a test digit's ||x - mu||^2 off it (noise: {r_fake:.0%}).
* PCA is the flat version of manifold learning: h = W (x - mu), x_hat = mu + W^T h. Its
  training error is exactly the variance it leaves out; 30 components give {errors[30]:.2f} per
  test image here ({source}, {n_train} training digits).
* A flat 2-D map mixes the classes ({acc:.0%} nearest-centre accuracy, {acc_pixels:.0%} in pixel
  space). Lesson 05 follows curved manifolds with neighbourhood graphs (Isomap, LLE); part 03
  learns the map.

Exercises
---------
1. Plot the test error against d from 1 to 200. Where does adding components stop paying?
2. Fit PCA on the digit 1 alone. How many components hold 90% of its variance, and why
   fewer than for all digits?
3. Move a test digit along the first principal direction, x + t w_1 for t in [-5, 5].
   What changes in the image? Where does it stop looking like a digit?
4. Write PCA (and Isomap's MDS step) yourself: scratchae exercises start 10_pca_isomap.
""")
