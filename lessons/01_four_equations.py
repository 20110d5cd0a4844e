"""Lesson 01: the four equations of backpropagation, checked number by number
============================================================================

Slides, part 01 ("Backpropagation Algorithm")::

    BP1  delta^L = grad_a C (.) sigma'(z^L)                 error at the output layer
    BP2  delta^l = sigma'(z^l) (.) (W^{l+1})^T delta^{l+1}  error one layer down
    BP3  grad_b^l C = delta^l                               bias gradient
    BP4  grad_W^l C = delta^l (a^{l-1})^T                   weight gradient

We build a small sigmoid network on a tiny problem, run one forward pass, compute every
``delta^l`` and every gradient with the four equations -- each a named function in
``scratchae/nn/backprop.py`` -- and print them beside finite differences.
"""
import numpy as np

from scratchae import gradcheck
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.nn import BernoulliNLL, Network
from scratchae.nn.backprop import bias_gradient, hidden_error, output_error, weight_gradient

args = parse_args("Lesson 01: the four equations of backpropagation, checked number by number")
np.set_printoptions(precision=6, suppress=True, linewidth=110)
rng = np.random.default_rng(args.seed)
header("Lesson 01 -- the four equations of backpropagation")

# %%
# Knobs
# -----
# The settings a student may change: the layer sizes (input first), the hidden activation
# (``"sigmoid"``, ``"tanh"``, ``"relu"``) and the batch size. Everything runs in float64, so the
# finite differences are exact to about 1e-10.
SIZES = [3, 4, 3, 2]
ACTIVATION = "sigmoid"
BATCH = 4

# %%
# The network and one forward pass
# --------------------------------
# ``z^l = a^{l-1} W_l^T + b_l`` and ``a^l = sigma(z^l)``, row by row: rows are examples. The loss
# is the Bernoulli negative log-likelihood (cross-entropy) of 0/1 targets.
net = Network.from_sizes(SIZES, activation=ACTIVATION, output_activation="sigmoid", rng=rng)
x = rng.standard_normal((BATCH, SIZES[0]))
y = (rng.uniform(size=(BATCH, SIZES[-1])) > 0.5).astype(float)
loss = BernoulliNLL()
print(f"[data] synthetic: {BATCH} random examples of {SIZES[0]} features, random 0/1 targets")
print(f"network {SIZES}, {ACTIVATION} hidden units, sigmoid outputs, Bernoulli NLL, "
      f"batch of {BATCH}")
a_out = net.forward(x)
C = loss.value(a_out, y)
print(f"\nforward pass: C = {C:.6f}")
for l, layer in enumerate(net.layers, 1):
    print(f"  z^{l} shape {layer.z.shape}, a^{l} shape {layer.a.shape}")

# %%
# Backward, one equation at a time
# --------------------------------
# BP1 starts the error at the top layer, BP2 carries it down, BP3 and BP4 read the gradients
# off each ``delta^l``.
L = len(net.layers)
deltas = {}
top = net.layers[-1]
deltas[L] = output_error(loss.grad(a_out, y), top.z, top.activation)          # BP1
for l in range(L - 1, 0, -1):                                                  # BP2
    deltas[l] = hidden_error(deltas[l + 1], net.layers[l].W, net.layers[l - 1].z,
                             net.layers[l - 1].activation)
grads = {}
for l, layer in enumerate(net.layers, 1):
    grads[f"b{l}"] = bias_gradient(deltas[l])                                  # BP3
    grads[f"W{l}"] = weight_gradient(deltas[l], layer.a_prev)                  # BP4

# %%
# The same numbers by finite differences
# --------------------------------------
# ``delta^l = dC/dz^l``: perturb one entry of ``z^l``, finish the forward pass from there, and
# take the central difference ``(C(z + h) - C(z - h)) / 2h``.
print("\nEach delta^l = dC/dz^l, from the equations (BP1 for the top, BP2 below) and by finite")
print("differences on z^l (the layers above recomputed from the perturbed z^l):")


def loss_from_z(l, z_l):
    """C as a function of z^l: finish the forward pass from layer l."""
    a = net.layers[l - 1].activation.f(z_l)
    for layer in net.layers[l:]:
        a = layer.activation.f(a @ layer.W.T + layer.b)
    return loss.value(a, y)


worst = 0.0
for l in range(L, 0, -1):
    numeric = gradcheck.numerical_gradient(lambda z: loss_from_z(l, z), net.layers[l - 1].z)
    err = gradcheck.relative_error(deltas[l], numeric)
    worst = max(worst, err)
    eq = "BP1" if l == L else "BP2"
    print(f"\n  delta^{l} ({eq}), first example: {deltas[l][0]}")
    print(f"  finite differences          : {numeric[0]}")
    print(f"  relative error over the batch: {err:.2e}")

print("\nGradients of the parameters (BP3 for b, BP4 for W) against finite differences:")
params = net.params()
for l in range(1, L + 1):
    for kind in ("b", "W"):
        p = params[f"{l - 1}.{kind}"]
        numeric = gradcheck.numerical_gradient_inplace(lambda: loss.value(net.forward(x), y), p)
        err = gradcheck.relative_error(grads[f"{kind}{l}"], numeric)
        worst = max(worst, err)
        eq = "BP3" if kind == "b" else "BP4"
        shown = grads[f"{kind}{l}"].ravel()[:4]
        print(f"  {kind}{l} {eq} shape {str(p.shape):<7} first entries {shown}  "
              f"numeric {numeric.ravel()[:4]}  rel. error {err:.1e}")
tol = gradcheck.KINK_TOL if ACTIVATION == "relu" else gradcheck.SMOOTH_TOL
check(worst < tol,
      f"every delta and gradient agrees with finite differences (worst {worst:.1e} < {tol:.0e})")

# %%
# The shortcut of part 01
# -----------------------
# For a sigmoid output and the cross-entropy, ``dC/da = (a - y) / (a (1 - a)) / M`` and
# ``sigma'(z) = a (1 - a)``: BP1's product collapses to ``(a - y) / M``.
shortcut = (a_out - y) / x.shape[0]
gap = np.max(np.abs(shortcut - deltas[L]))
print(f"\nCross-entropy shortcut: delta^L = (a - y)/M differs from BP1's product by {gap:.1e}")
check(gap < 1e-12, f"for sigmoid + cross-entropy, BP1's product equals (a - y)/M (gap {gap:.1e})")

# %%
# The library does the same in one call
# -------------------------------------
report = gradcheck.check_network(net, x, y, loss)
print("\nThe library's one-call check, scratchae.gradcheck.check_network(net, x, y, loss):")
print(report)
check(report.passed, "check_network agrees")

# %%
# How big is delta at each layer?
# -------------------------------
# BP2 multiplies by ``W^T`` and by ``sigma'(z)``; for the sigmoid ``sigma' <= 1/4``, so one step
# down multiplies the error's norm by at most ``||W^{l+1}||_2 / 4``: with small weights the
# error shrinks layer after layer, the seed of the vanishing-gradient story. We print the
# measured ratio beside that bound.
import matplotlib.pyplot as plt  # noqa: E402

norms = [float(np.linalg.norm(deltas[l])) for l in range(1, L + 1)]
print("\n||delta^l||, l = 1..L:", " ".join(f"{n:.4f}" for n in norms))
max_slope = max(float(np.max(net.layers[l - 1].activation.df(net.layers[l - 1].z)))
                for l in range(1, L))
print(f"largest sigma'(z) met in the hidden layers: {max_slope:.4f}")
for l in range(L - 1, 0, -1):
    bound = np.linalg.norm(net.layers[l].W, 2) * max_slope
    print(f"  ||delta^{l}|| / ||delta^{l + 1}|| = {norms[l - 1] / norms[l]:.3f}   "
          f"bound ||W^{l + 1}||_2 max sigma' = {bound:.3f}")
    check(norms[l - 1] <= norms[l] * bound * (1 + 1e-12),
          f"BP2 shrinks or grows delta^{l + 1} by at most ||W^{l + 1}||_2 max sigma'")
if ACTIVATION == "sigmoid":
    check(max_slope <= 0.25, f"the sigmoid's slope never exceeds 1/4 (largest {max_slope:.4f})")
shrinks = norms[0] < norms[-1]
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.bar([f"delta^{l}" for l in range(1, L + 1)], norms, color="tab:blue")
ax.set_xlabel("layer")
ax.set_ylabel("||delta^l|| over the batch")
ax.set_title(f"||delta^1|| / ||delta^{L}|| = {norms[0] / norms[-1]:.2f} "
             f"({'smaller' if shrinks else 'larger'} at the bottom)")
save_figure(fig, args, "01_delta_norms.png")

# %%
# Summary
# -------
print(f"""
Summary
-------
* BP1 starts the error at the output; BP2 carries it down one layer, multiplied by W^T and by
  sigma'(z); BP3 and BP4 read the gradients off delta. Four lines of code, shown above, each
  checked against finite differences: worst relative error {worst:.1e} in this run.
* With a sigmoid output and the cross-entropy loss, BP1's product collapses to (a - y)/M
  (difference {gap:.1e}).
* Each step down multiplies the error by sigma' (at most {max_slope:.3f} here); in this network
  ||delta^1|| / ||delta^{L}|| = {norms[0] / norms[-1]:.2f}.

Exercises
---------
1. Replace the sigmoid by tanh (ACTIVATION = "tanh"). Which of the four equations change, and
   which numbers?
2. Make the network deeper (SIZES = [3] + [4] * 10 + [2]). Plot ||delta^l||: why does it shrink?
3. Break BP4 on purpose (use delta.T @ a instead of delta.T @ a_prev) and watch the check fail.
4. Write the four equations yourself: scratchae exercises start 03_four_equations
   (and the activations and their derivatives: scratchae exercises start 01_activations).
""")
