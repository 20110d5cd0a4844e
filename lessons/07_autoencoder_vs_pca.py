"""Lesson 07: the autoencoder beside PCA -- a linear AE spans the PCA subspace, a nonlinear one does better.

Slides, part 03 ("Autoencoders", "Linear Autoencoder", "Principle Component Analysis"):
z = h(x), y = g(h(x)), minimise sum_x L(x, g(h(x))). With linear units and squared loss the
autoencoder learns the same subspace as PCA (Baldi & Hornik 1989) -- not the same basis, the same
span. We measure that with principal angles, then let nonlinear units beat PCA at the same code
size, and finally use glyph digits, whose true factors we know, to see which code follows them.
"""
import time

import numpy as np

from scratchae import viz
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.data.glyphs import glyph_digits
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.manifold import PCA
from scratchae.models import Autoencoder

args = parse_args(__doc__.splitlines()[0])
header("Lesson 07 -- the autoencoder beside PCA")
t_start = time.perf_counter()
N_TRAIN, N_TEST = (5000, 1000) if args.quick else (60000, 10000)
EPOCHS = 4 if args.quick else 30
(x_train, _), (x_test, y_test), source = load_digits_or_glyphs(N_TRAIN, N_TEST, rng=args.seed)
x64 = x_train.astype(np.float64)
print(f"data: {source}, {len(x_train)} training and {len(x_test)} test digits of 784 pixels\n")


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


# --------------------------------------------------------------- 1. linear AE = PCA subspace
K = 10
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
    linear.fit(x64, epochs=1, batch_size=100, lr=3e-3, progress=False)
    angle = largest_principal_angle(linear.decoder.layers[0].W, components.T)
    print(f"   {epoch:5d}   {linear.evaluate(x64)['loss']:8.3f}  {angle:6.2f} deg")
final_loss = linear.evaluate(x64)["loss"]
check(pca_loss * (1 - 1e-6) <= final_loss < 1.2 * pca_loss,
      "backprop drives the linear AE's loss down towards PCA's, never below it")
print("   The loss gets close long before the span does: the directions with the smallest")
print("   eigenvalue gaps (the 10th against the 11th) cost little loss and turn last.")
print("   The same loss can be minimised exactly block by block: with the encoder")
print("   fixed the decoder is a linear regression; with the decoder fixed the best code is a")
print("   least-squares projection (Autoencoder.fit_least_squares).")
losses = linear.fit_least_squares(x64, n_iter=150)
angle_ls = largest_principal_angle(linear.decoder.layers[0].W, components.T)
_, grads = linear.loss_and_grads(x64)
grad_norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
print(f"   after 150 alternating steps: loss {losses[-1]:.4f} (PCA {pca_loss:.4f}), largest angle "
      f"{angle_ls:.3f} deg, ||backprop gradient|| = {grad_norm:.1e}")
check(angle_ls < 2.0, "the linear AE's decoder spans the top-10 PCA subspace (angle < 2 degrees)")
basis_cos = np.abs(np.linalg.qr(linear.decoder.layers[0].W)[0].T @ components.T)
print(f"   ...but not PCA's basis: |cos| between matching columns = "
      f"{np.round(np.diag(basis_cos), 2)}")

fig = viz.image_grid(np.concatenate([components, linear.decoder.layers[0].W.T]), n_cols=K,
                     normalize=True, row_labels=["PCA W", "AE W_d"],
                     title="Same subspace, different basis: PCA directions vs linear-AE decoder")
save_figure(fig, args, "07_pca_vs_linear_ae_basis.png")

# ------------------------------------------------ 2. nonlinear AE vs PCA at the same code size
K2 = 30
print(f"\n2. Code size {K2}: PCA against a nonlinear autoencoder 784-256-{K2}-256-784")
pca_rec = PCA(n_components=K2).fit(x64).reconstruct(x_test)
err_pca = squared_error(x_test, pca_rec)
deep = Autoencoder([784, 256, K2], activation="relu", code_activation="identity",
                   loss="bernoulli", seed=args.seed, dtype=np.float32)
t0 = time.perf_counter()
deep.fit(x_train[:3000] if args.quick else x_train, epochs=2 * EPOCHS, batch_size=100, lr=2e-3,
         progress=False)
err_ae = float(np.mean(deep.squared_error(x_test)))
print(f"   test squared error per image: PCA-{K2} {err_pca:.2f}   nonlinear AE {err_ae:.2f} "
      f"({2 * EPOCHS} epochs, {time.perf_counter() - t0:.1f} s)")
check(err_ae < err_pca, f"nonlinear units reconstruct test digits better than PCA with {K2} "
      "numbers per image")
fig = viz.side_by_side([x_test, np.clip(pca_rec, 0, 1), deep.reconstruct(x_test)],
                       ["input", f"PCA-{K2}", f"AE-{K2}"], n=12,
                       title="Reconstructions of test digits at the same code size")
save_figure(fig, args, "07_reconstructions.png")

# ------------------------------------ 3. a curved 2-D manifold: 2 numbers, linear vs nonlinear
print("\n3. Glyph digits: one digit ('4') varied only by rotation and stroke thickness, both known")
print("   -- a 2-D manifold in 784 dimensions, curved because rotating is not adding a picture.")
g = glyph_digits(1500 if args.quick else 6000, args.seed, digits=[4], rotation=40.0,
                 thickness=(-0.4, 1.2), slant=0.0, shift=0.0, scale=1.0)
small = Autoencoder([784, 128, 2], activation="relu", code_activation="identity",
                    loss="bernoulli", seed=args.seed, dtype=np.float32)
small.fit(g.x, epochs=10 if args.quick else 30, batch_size=50, lr=3e-3, progress=False)
pca2 = PCA(n_components=2).fit(g.x)
codes = {"PCA": pca2.transform(g.x), "AE": small.encode(g.x)}
err2 = {"PCA": squared_error(g.x, pca2.inverse_transform(codes["PCA"])),
        "AE": float(np.mean(small.squared_error(g.x)))}


def r_squared(features, target):
    """How much of ``target``'s variance a quadratic function of 2-D ``features`` explains."""
    f = (features - features.mean(0)) / features.std(0)
    design = np.column_stack([np.ones(len(f)), f, f ** 2, f[:, :1] * f[:, 1:]])
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    return 1.0 - np.var(target - design @ coef) / np.var(target)


print("   code  squared error   R^2 of rotation / thickness from the code (quadratic fit)")
for name, code in codes.items():
    r2 = [r_squared(code, g.factors[f]) for f in ("rotation", "thickness")]
    print(f"   {name:4s}  {err2[name]:12.2f}   {r2[0]:.2f} / {r2[1]:.2f}")
check(err2["AE"] < 0.7 * err2["PCA"], "with 2 numbers per image the AE reconstructs the curved "
      "2-D manifold far better than the best plane (PCA-2)")
fig, axes = viz._plt().subplots(1, 2, figsize=(10, 4.5))
for ax, (name, code) in zip(axes, codes.items()):
    viz.scatter_2d(code, labels=g.factors["rotation"], ax=ax,
                   title=f"{name} code, colour = true rotation (deg)")
save_figure(fig, args, "07_codes_vs_true_factors.png")
lo, hi = np.percentile(codes["AE"], [2, 98], axis=0)
fig = viz.manifold_grid(small.decode, n=10,
                        grid=(np.linspace(lo[0], hi[0], 10), np.linspace(hi[1], lo[1], 10)),
                        title="Decoding a grid of 2-D AE codes: the learned manifold")
save_figure(fig, args, "07_glyph_manifold.png")

print(f"\nSummary ({time.perf_counter() - t_start:.0f} s):")
print(f"  * a linear AE with squared loss spans PCA's subspace (angle {angle_ls:.2f} deg) but not")
print("    its basis; its best loss is exactly PCA's.")
print(f"  * with nonlinear units the same 30 numbers reconstruct better ({err_ae:.1f} vs "
      f"{err_pca:.1f}).")
print("  * data made from 2 continuous factors lie on a curved 2-D manifold: 2 nonlinear code")
print(f"    units capture it ({err2['AE']:.1f}), the best plane does not ({err2['PCA']:.1f}).")
print("Exercises:")
print("  1. Tie the linear AE's weights (tied=True). Does it still find the PCA subspace? Which")
print("     basis does it pick now (compare W W^T with the identity)?")
print("  2. Give the linear AE sigmoid hidden units but keep linear outputs and squared loss")
print("     (the slide says it still spans the subspace). Measure the angle.")
print("  3. Plot the test error of PCA and of the AE against the code size 2, 5, 10, 30, 60.")
