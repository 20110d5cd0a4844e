"""Lesson 04: the manifold hypothesis, and PCA -- the flat manifold -- on MNIST.

Slides, part 02 ("Manifold Hypothesis", "PCA"):

    "Natural data in high dimensional spaces concentrates close to lower dimensional manifolds.
     Probability density decreases very rapidly when moving away from the supporting manifold."

    PCA "finds k directions in which data has highest variance":  h = f_theta(x) = W (x - mu).

1. Digits are not random images: a random point of [0, 1]^784 is noise, and the straight line
   between two digits leaves the digits (its midpoint is a double exposure, far from any digit).
2. PCA by the SVD of the centred data: the mean digit and the principal directions (eigen-digits).
3. How flat is the digit cloud? The explained-variance curve: a few dozen of 784 directions hold
   most of the variance. Digits lie close to a 30-dimensional plane; noise images do not.
4. Reconstructions x_hat = mu + W^T W (x - mu) with 2, 10 and 30 components, and the squared error
   per test image (Hinton & Salakhutdinov 2006 report 13.87 for 30 components).
5. The first two principal components as a 2-D map: the classes overlap -- a flat map of a curved
   manifold is entangled (lesson 05 bends the map; the autoencoders of part 03 learn one).
"""
import numpy as np

from scratchae.data import load_mnist
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.manifold import PCA, knn
from scratchae.viz import _plt, image_grid, scatter_2d, side_by_side

args = parse_args(__doc__.splitlines()[0])
plt = _plt()
rng = np.random.default_rng(args.seed)
np.set_printoptions(precision=4, suppress=True)

header("Lesson 04 -- the manifold hypothesis and PCA")
n_train = 10000 if args.quick else 60000
x_all, y_all = load_mnist(split="train")
x_train = x_all[:n_train].astype(np.float64)
y_train = y_all[:n_train]
x_test, y_test = load_mnist(split="test")
x_test = x_test.astype(np.float64)
print(f"MNIST: {x_train.shape[0]} training and {x_test.shape[0]} test digits, 784 pixels in [0, 1]"
      f" ({'quick' if args.quick else 'full'} run)")

# ------------------------------------------------------------ 1. digits are not random images
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

# ------------------------------------------------------------------------------ 2. PCA by SVD
print("\n2. PCA: h = W (x - mu), W = the top right singular vectors of the centred data")
solver = "covariance_eigh" if args.quick else "svd"
pca = PCA(solver=solver).fit(x_train)                         # all 784 directions
print(f"   solver={solver}; components_ {pca.components_.shape}, "
      f"orthonormal: {np.allclose(pca.components_ @ pca.components_.T, np.eye(784), atol=1e-8)}")
fig = image_grid(np.vstack([pca.mean_, pca.components_[:9]]), n_cols=10, normalize=True,
                 title="The mean digit and the first 9 principal directions (eigen-digits)")
save_figure(fig, args, "04_mean_and_components.png")

# ----------------------------------------------------------- 3. the explained-variance curve
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
ax.set_title("Explained-variance curve of MNIST")
ax.grid(alpha=0.3)
save_figure(fig, args, "04_explained_variance.png")

# ---------------------------------------------------------------- 4. reconstructions 2/10/30
print("\n4. Reconstructions x_hat = mu + W^T W (x - mu): squared error per test image")
errors, rows = {}, [x_test[:10]]


def reconstruct(x, d):
    """x_hat = mu + (x - mu) W_d^T W_d with the first d principal directions W_d (d, 784)."""
    W = pca.components_[:d]
    return pca.mean_ + ((x - pca.mean_) @ W.T) @ W


for d in (2, 10, 30):
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
print(f"   Hinton & Salakhutdinov (2006), PCA with 30 components: 13.87 "
      f"(ours {errors[30]:.2f}; `scratchae reproduce pca-mnist` fits all 60,000)")
check(errors[2] > errors[10] > errors[30], "more components, smaller reconstruction error")
check(abs(errors[30] - 13.87) < 0.3, "30 components give the paper's 13.87 to within 0.3")
fig = side_by_side(rows, ["input", "d = 2", "d = 10", "d = 30"], n=10,
                   title="PCA reconstructions of test digits")
save_figure(fig, args, "04_reconstructions.png")

# ----------------------------------------------------------- 5. the first two components
print("\n5. The top two components as a map of the digits")
H = pca.transform(x_test[:3000])[:, :2]
fig = scatter_2d(H, labels=y_test[:3000], title="Test digits on the first two principal "
                 "components", s=3)
save_figure(fig, args, "04_pca_2d.png")
centroids = np.array([H[y_test[:3000] == c].mean(0) for c in range(10)])
near = knn(centroids, 1, query=H)[1][:, 0]
acc = np.mean(near == y_test[:3000])
print(f"   nearest class centre in this 2-D map is the right class for {acc:.0%} of test digits")
check(acc < 0.6, "in two linear dimensions the ten classes overlap (entangled)")

print("\nSummary")
print(" - 784 pixels, but digits fill a thin region: random images and blends of digits are far")
print("   from all digits (the manifold hypothesis), and a 30-D plane holds ~3/4 of the variance.")
print(" - PCA is the flat version of manifold learning: h = W (x - mu), x_hat = mu + W^T h. Its")
print("   training error is exactly the variance it leaves out; 30 components give 13.87/image.")
print(" - A flat 2-D map of MNIST mixes the classes: the manifold is curved. Lesson 05 follows")
print("   curved manifolds with neighbourhood graphs (Isomap, LLE); part 03 learns the map.")
print("\nExercises")
print(" 1. Plot the test error against d from 1 to 200. Where does adding components stop paying?")
print(" 2. Fit PCA on the digit 1 alone. How many components hold 90% of its variance, and why")
print("    fewer than for all digits?")
print(" 3. Move a test digit along the first principal direction, x + t w_1 for t in [-5, 5].")
print("    What changes in the image? Where does it stop looking like a digit?")
