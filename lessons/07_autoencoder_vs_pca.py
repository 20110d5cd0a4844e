"""Lesson 07: the autoencoder beside PCA -- the same subspace when linear, better when not
=======================================================================================

Slides, part 03 ("Autoencoders", "Linear Autoencoder", "Principle Component Analysis"):
``z = h(x)``, ``y = g(h(x))``, minimise ``sum_x L(x, g(h(x)))``. With linear units and squared loss
the autoencoder learns the same subspace as PCA (Baldi & Hornik 1989) -- not the same basis, the
same span. We measure that with principal angles, then compare a nonlinear autoencoder with PCA
at the same code size on test digits, and finally use glyph digits whose true factors we know
(rotation and stroke thickness) to ask how well each 2-number code lets us read those factors
back.
"""
import time

import numpy as np

from scratchae import viz
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.data.glyphs import glyph_digits
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.manifold import PCA, knn
from scratchae.models import Autoencoder

args = parse_args("Lesson 07: the autoencoder beside PCA")
header("Lesson 07 -- the autoencoder beside PCA")
t_start = time.perf_counter()

# %%
# Knobs
# -----
# Data sizes, the epochs of the linear AE (the nonlinear one trains twice as many), the two code
# sizes compared, and the epochs of the 2-number AE on the rotated glyphs.
N_TRAIN, N_TEST = (5000, 1000) if args.quick else (60000, 10000)
EPOCHS = 4 if args.quick else 30
K, K2 = 10, 30
GLYPH_N, GLYPH_EPOCHS = (1500, 30) if args.quick else (6000, 60)
(x_train, _), (x_test, y_test), source = load_digits_or_glyphs(N_TRAIN, N_TEST, rng=args.seed)
x64 = x_train.astype(np.float64)
print(f"[data] {source}: {len(x_train)} training, {len(x_test)} test digits (and {GLYPH_N} "
      "rotated glyphs of the digit 4 in part 3)\n")


def largest_principal_angle(A, B):
    """Largest angle (degrees) between the column spaces of A (D, k) and B (D, k)."""
    qa, _ = np.linalg.qr(A)
    qb, _ = np.linalg.qr(B)
    cosines = np.linalg.svd(qa.T @ qb, compute_uv=False)
    return float(np.degrees(np.arccos(np.clip(cosines.min(), -1.0, 1.0))))


def squared_error(x, y):
    """Sum over pixels of (x - y)^2, averaged over images (Hinton & Salakhutdinov's measure)."""
    d = x.astype(np.float64) - y
    return float(np.mean(np.einsum("ij,ij->i", d, d)))


# %%
# 1. A linear autoencoder finds PCA's subspace
# --------------------------------------------
# The largest principal angle between the decoder's columns and PCA's top-``K`` directions
# measures how far apart the two subspaces are (0 degrees = the same span).
print(f"1. A linear autoencoder 784-{K}-784 (identity units, Gaussian NLL = 1/2 squared error)")
pca10 = PCA(n_components=K).fit(x64)                       # scratchae.manifold.PCA (lesson 04)
components = pca10.components_
pca_loss = 0.5 * float(np.mean(pca10.reconstruction_error(x64)))
print(f"   PCA-{K} on the training set leaves 1/2 ||x - x_hat||^2 = {pca_loss:.3f} per image")
linear = Autoencoder([784, K], activation="identity", code_activation="identity",
                     loss="gaussian", seed=args.seed)
print("   trained by backprop (Adam, lr 3e-3, batches of 100):")
print("   epoch   loss      largest angle to the PCA subspace")
angle0 = largest_principal_angle(linear.decoder.layers[0].W, components.T)
print(f"   {0:5d}   {linear.evaluate(x64)['loss']:8.3f}  {angle0:6.2f} deg  (random start)")
for epoch in range(1, EPOCHS + 1):
    linear.fit(x64, epochs=1, batch_size=100, lr=3e-3)
    angle = largest_principal_angle(linear.decoder.layers[0].W, components.T)
    print(f"   {epoch:5d}   {linear.evaluate(x64)['loss']:8.3f}  {angle:6.2f} deg")
final_loss = linear.evaluate(x64)["loss"]
check(pca_loss * (1 - 1e-6) <= final_loss < 1.2 * pca_loss,
      f"backprop drives the linear AE's loss down towards PCA's, never below it "
      f"({final_loss:.3f} against {pca_loss:.3f})")
var = PCA(n_components=K + 1).fit(x64).explained_variance_
print(f"   The loss is within {final_loss / pca_loss - 1:.1%} of PCA's while the largest angle is "
      f"still {angle:.1f} deg:")
print(f"   directions whose variances are close (the {K}th, {var[K - 1]:.2f}, against the "
      f"{K + 1}th, {var[K]:.2f}) cost little loss")
print("   when mixed, so they turn last.")
print("   The same loss can be minimised exactly block by block: with the encoder")
print("   fixed the decoder is a linear regression; with the decoder fixed the best code is a")
print("   least-squares projection (Autoencoder.fit_least_squares).")
losses = linear.fit_least_squares(x64, n_iter=150)
angle_ls = largest_principal_angle(linear.decoder.layers[0].W, components.T)
_, grads = linear.loss_and_grads(x64)
grad_norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
print(f"   after 150 alternating steps: loss {losses[-1]:.4f} (PCA {pca_loss:.4f}), largest angle "
      f"{angle_ls:.3f} deg, ||backprop gradient|| = {grad_norm:.1e}")
check(angle_ls < 2.0, f"the linear AE's decoder spans the top-{K} PCA subspace "
      f"(largest angle {angle_ls:.3f} < 2 degrees)")
basis_cos = np.abs(np.linalg.qr(linear.decoder.layers[0].W)[0].T @ components.T)
print(f"   ...but not PCA's basis: |cos| between matching columns = "
      f"{np.round(np.diag(basis_cos), 2)}")
check(np.min(np.diag(basis_cos)) < 0.9, f"the linear AE's basis is not PCA's (smallest |cos| "
      f"between matching columns {np.min(np.diag(basis_cos)):.2f})")

fig = viz.image_grid(np.concatenate([components, linear.decoder.layers[0].W.T]), n_cols=K,
                     normalize=True, row_labels=["PCA W", "AE W_d"],
                     title="Same subspace, different basis: PCA directions vs linear-AE decoder")
save_figure(fig, args, "07_pca_vs_linear_ae_basis.png")

# %%
# 2. A nonlinear autoencoder against PCA at the same code size
# ------------------------------------------------------------
# Both compress a test digit to ``K2`` numbers; we compare the squared error per test image
# (Hinton & Salakhutdinov's measure).
print(f"\n2. Code size {K2}: PCA against a nonlinear autoencoder 784-256-{K2}-256-784")
pca_rec = PCA(n_components=K2).fit(x64).reconstruct(x_test)
err_pca = squared_error(x_test, pca_rec)
deep = Autoencoder([784, 256, K2], activation="relu", code_activation="identity",
                   loss="bernoulli", seed=args.seed, dtype=np.float32)
t0 = time.perf_counter()
deep.fit(x_train[:3000] if args.quick else x_train, epochs=2 * EPOCHS, batch_size=100, lr=2e-3)
err_ae = float(np.mean(deep.squared_error(x_test)))
print(f"   test squared error per image: PCA-{K2} {err_pca:.2f}   nonlinear AE {err_ae:.2f} "
      f"({2 * EPOCHS} epochs, {time.perf_counter() - t0:.1f} s)")
check(err_ae < err_pca, f"nonlinear units reconstruct test digits better than PCA with {K2} "
      f"numbers per image ({err_ae:.2f} against {err_pca:.2f})")
fig = viz.side_by_side([x_test, np.clip(pca_rec, 0, 1), deep.reconstruct(x_test)],
                       ["input", f"PCA-{K2}", f"AE-{K2}"], n=12,
                       title="Reconstructions of test digits at the same code size")
save_figure(fig, args, "07_reconstructions.png")

# %%
# 3. A curved 2-D manifold whose factors we know
# ----------------------------------------------
# Glyphs of one digit ('4') varied only by rotation and stroke thickness: a 2-D manifold in 784
# dimensions, curved because rotating is not adding a picture. PCA-2 and an AE with a 2-number
# code each compress every image to two numbers. How well can the true factors be read back
# from those two numbers? Two ways to ask:
#
# * a quadratic fit of the factor on the code (assumes the code is a nearly flat function of the
#   factors, as PCA's linear projection is);
# * the average factor of the 10 nearest codes (assumes nothing about the chart's shape: only that
#   nearby codes mean nearby factors). R^2 = 1 - residual variance / variance.
print("\n3. Glyph digits: one digit ('4') varied only by rotation and stroke thickness, both known")
print("   -- a 2-D manifold in 784 dimensions, curved because rotating is not adding a picture.")
g = glyph_digits(GLYPH_N, args.seed, digits=[4], rotation=40.0, thickness=(-0.4, 1.2), slant=0.0,
                 shift=0.0, scale=1.0)
small = Autoencoder([784, 128, 2], activation="relu", code_activation="identity",
                    loss="bernoulli", seed=args.seed, dtype=np.float32)
small.fit(g.x, epochs=GLYPH_EPOCHS, batch_size=50, lr=3e-3)
pca2 = PCA(n_components=2).fit(g.x)
codes = {"PCA": pca2.transform(g.x), "AE": small.encode(g.x)}
err2 = {"PCA": squared_error(g.x, pca2.inverse_transform(codes["PCA"])),
        "AE": float(np.mean(small.squared_error(g.x)))}


def standardized(code):
    return (code - code.mean(0)) / code.std(0)


def r2_quadratic(code, target):
    """R^2 of the best quadratic function of the 2-D code (least squares)."""
    f = standardized(code)
    design = np.column_stack([np.ones(len(f)), f, f ** 2, f[:, :1] * f[:, 1:]])
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    return 1.0 - np.var(target - design @ coef) / np.var(target)


def r2_neighbours(code, target, k=10):
    """R^2 of predicting each image's factor by the mean factor of its k nearest other codes."""
    idx = knn(standardized(code), k)[1]
    return 1.0 - np.mean((target - target[idx].mean(1)) ** 2) / np.var(target)


FACTORS = ("rotation", "thickness")
r2 = {(name, how, f): fn(code, g.factors[f]) for name, code in codes.items()
      for how, fn in (("quadratic", r2_quadratic), ("10-NN", r2_neighbours)) for f in FACTORS}
print("   code  squared error   R^2 of rotation / thickness read from the code:")
print("                         quadratic fit      10 nearest codes")
for name in codes:
    q = " / ".join(f"{r2[name, 'quadratic', f]:.2f}" for f in FACTORS)
    n = " / ".join(f"{r2[name, '10-NN', f]:.2f}" for f in FACTORS)
    print(f"   {name:4s}  {err2[name]:12.2f}   {q:>15s}    {n:>15s}")
check(err2["AE"] < 0.7 * err2["PCA"], "with 2 numbers per image the AE reconstructs the curved "
      f"2-D manifold far better than the best plane ({err2['AE']:.2f} against {err2['PCA']:.2f})")
check(min(r2[n, "10-NN", "rotation"] for n in codes) > 0.9,
      "both codes determine the rotation (10-NN R^2 above 0.9 for PCA and AE)")
check(r2["AE", "10-NN", "thickness"] > r2["PCA", "10-NN", "thickness"] + 0.05,
      f"read by nearest codes, the AE's 2 numbers hold the thickness better than PCA's "
      f"({r2['AE', '10-NN', 'thickness']:.2f} against {r2['PCA', '10-NN', 'thickness']:.2f})")
quad_gap = r2["PCA", "quadratic", "thickness"] - r2["AE", "quadratic", "thickness"]
print(f"   The quadratic fit reads thickness {'better' if quad_gap > 0 else 'worse'} from PCA's code "
      f"({r2['PCA', 'quadratic', 'thickness']:.2f} against {r2['AE', 'quadratic', 'thickness']:.2f}):"
      " PCA's code is a")
print("   linear projection, so the factors are nearly flat functions of it; the AE's chart is "
      "curved,")
print("   which a quadratic cannot follow but neighbours can.")
check(r2["AE", "10-NN", "thickness"] > r2["AE", "quadratic", "thickness"] + 0.1,
      "the AE's code is a curved chart: nearest codes read its thickness far better than a "
      f"quadratic fit ({r2['AE', '10-NN', 'thickness']:.2f} against "
      f"{r2['AE', 'quadratic', 'thickness']:.2f})")
plt = viz._plt()
fig, axes = plt.subplots(2, 2, figsize=(10, 8.5))
for col, (name, code) in enumerate(codes.items()):
    for row, (factor, unit) in enumerate((("rotation", "degrees"), ("thickness", "pixels"))):
        ax = axes[row, col]
        sc = ax.scatter(code[:, 0], code[:, 1], c=g.factors[factor], s=4, cmap="viridis")
        fig.colorbar(sc, ax=ax, label=f"true {factor} ({unit})")
        ax.set_xlabel(f"{name} code 1")
        ax.set_ylabel(f"{name} code 2")
        ax.set_title(f"{name}: {factor} read from 10 nearest codes, "
                     f"R^2 {r2[name, '10-NN', factor]:.2f}", fontsize=9)
fig.suptitle(f"Two numbers per image: PCA (error {err2['PCA']:.1f}) and AE "
             f"(error {err2['AE']:.1f}), coloured by the true factors")
fig.tight_layout()
save_figure(fig, args, "07_codes_vs_true_factors.png")
lo, hi = np.percentile(codes["AE"], [2, 98], axis=0)
fig = viz.manifold_grid(small.decode, n=10,
                        grid=(np.linspace(lo[0], hi[0], 10), np.linspace(hi[1], lo[1], 10)),
                        title="Decoding a grid of 2-D AE codes: the learned manifold")
save_figure(fig, args, "07_glyph_manifold.png")

# %%
# Summary
# -------
print(f"""
Summary ({time.perf_counter() - t_start:.0f} s)
-------
* A linear AE with squared loss spans PCA's subspace (largest angle {angle_ls:.2f} deg after the
  alternating least-squares steps) but not its basis; its best loss is PCA's ({losses[-1]:.4f}
  against {pca_loss:.4f}).
* With nonlinear units the same {K2} numbers reconstruct test digits better ({err_ae:.2f} against
  PCA's {err_pca:.2f}, {source}).
* Images made from 2 continuous factors lie on a curved 2-D manifold: 2 nonlinear code units
  capture it (error {err2['AE']:.2f}), the best plane does not ({err2['PCA']:.2f}). Read by nearest
  codes, the AE's code holds the thickness better ({r2['AE', '10-NN', 'thickness']:.2f} against \
{r2['PCA', '10-NN', 'thickness']:.2f});
  a quadratic fit, which suits PCA's flat code, says {r2['AE', 'quadratic', 'thickness']:.2f} against \
{r2['PCA', 'quadratic', 'thickness']:.2f}.

Exercises
---------
1. Tie the linear AE's weights (tied=True). Does it still find the PCA subspace? Which basis does
   it pick now (compare W W^T with the identity)? Then: scratchae exercises start 05_tied_autoencoder
2. Give the linear AE sigmoid hidden units but keep linear outputs and squared loss (the slide
   says it still spans the subspace). Measure the angle.
3. Plot the test error of PCA and of the AE against the code size 2, 5, 10, 30, 60.
""")
