"""
Lesson 01: the four equations of backpropagation
================================================

The four equations of backpropagation, checked number by number.

Slides, part 01 ("Backpropagation Algorithm")::

    BP1  delta^L = grad_a C (.) sigma'(z^L)               error at the output layer
    BP2  delta^l = sigma'(z^l) (.) (W^{l+1})^T delta^{l+1}  error one layer down
    BP3  grad_b^l C = delta^l                             bias gradient
    BP4  grad_W^l C = delta^l (a^{l-1})^T                 weight gradient

We build a 3-layer sigmoid network on a tiny problem (4 examples, 3 -> 4 -> 3 -> 2), run one
forward pass, compute every delta^l and every gradient with the four equations -- each a named
function in scratchae/nn/backprop.py -- and print them beside finite differences.
"""

# %%
# Imports and the command line: ``--quick`` (default) or ``--full``.
import numpy as np

from scratchae import gradcheck
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.nn import BernoulliNLL, Network
from scratchae.nn.backprop import bias_gradient, hidden_error, output_error, weight_gradient

args = parse_args("the four equations of backpropagation, checked number by number")
np.set_printoptions(precision=6, suppress=True, linewidth=110)
rng = np.random.default_rng(args.seed)

header("Lesson 01 -- the four equations of backpropagation")
sizes = [3, 4, 3, 2]
net = Network.from_sizes(sizes, activation="sigmoid", rng=rng)     # float64 for exact checks
x = rng.standard_normal((4, sizes[0]))
y = (rng.uniform(size=(4, sizes[-1])) > 0.5).astype(float)
loss = BernoulliNLL()
print(f"network {sizes}, sigmoid units, Bernoulli NLL (cross-entropy), batch of {x.shape[0]}")


# %%
# Forward: z^l = a^{l-1} W_l^T + b_l,  a^l = sigma(z^l)
a_out = net.forward(x)
C = loss.value(a_out, y)
print(f"\nforward pass: C = {C:.6f}")
for l, layer in enumerate(net.layers, 1):
    print(f"  z^{l} shape {layer.z.shape}, a^{l} shape {layer.a.shape}")


# %%
# Backward, one equation at a time
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

check(worst < gradcheck.SMOOTH_TOL,
      f"every delta and gradient agrees with finite differences (worst {worst:.1e} < 1e-7)")


# %%
# The shortcut of part 01: sigmoid + cross-entropy gives delta^L = (a - y)/M
shortcut = (a_out - y) / x.shape[0]
gap = np.max(np.abs(shortcut - deltas[L]))
print(f"\nCross-entropy shortcut: delta^L = (a - y)/M differs from BP1's product by {gap:.1e}")
check(gap < 1e-12, "for sigmoid + cross-entropy, BP1's product equals a - y")


# %%
# The library does the same in one call
report = gradcheck.check_network(net, x, y, loss)
print("\nThe library's one-call check, scratchae.gradcheck.check_network(net, x, y, loss):")
print(report)
check(report.passed, "check_network agrees")


# %%
# A picture: how big is delta at each layer? (the seed of the vanishing-gradient story)
import matplotlib.pyplot as plt  # noqa: E402

fig, ax = plt.subplots(figsize=(5, 3.2))
norms = [np.linalg.norm(deltas[l]) for l in range(1, L + 1)]
ax.bar([f"delta^{l}" for l in range(1, L + 1)], norms, color="tab:blue")
ax.set_ylabel("||delta^l|| over the batch")
ax.set_title("Sigmoid errors shrink on the way down (sigma' <= 1/4)")
save_figure(fig, args, "delta_norms.png")
print("||delta^l||, l = 1..L:", " ".join(f"{n:.4f}" for n in norms))

print("""
Summary
-------
* BP1 starts the error at the output; BP2 carries it down one layer, multiplied by W^T and by
  sigma'(z); BP3 and BP4 read the gradients off delta.  Four lines of code, shown above, each
  checked against finite differences to about 1e-10.
* With a sigmoid output and the cross-entropy loss, BP1's product collapses to a - y.

Exercises
---------
1. Replace the sigmoid by tanh (Network.from_sizes(..., activation="tanh")). Which of the four
   equations change, and which numbers?
2. Make the network deeper (ten layers of four units). Plot ||delta^l||: why does it shrink?
3. Break BP4 on purpose (use delta.T @ a instead of delta.T @ a_prev) and watch the check fail.
""")
