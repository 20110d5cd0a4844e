"""Lesson 02: MSE against cross-entropy on one sigmoid neuron -- why a saturated neuron learns slowly
====================================================================================================

Slides, part 01 ("Type 1: Mean Square Error", "Type 2: Cross Entropy"): one sigmoid neuron,
input ``x = 1``, target ``y = 0``, learning rate 0.15, started from ``(w, b) = (0.6, 0.9)``
(output ``a ~ 0.82``) and from ``(w, b) = (2.0, 2.0)`` (output ``a ~ 0.98``)::

    MSE:  C = (a - y)^2 / 2                   delta = (a - y) sigma'(z)  <- tiny when a ~ 1
    CE:   C = -[y ln a + (1 - y) ln(1 - a)]   delta = a - y              <- no sigma'(z)

Both updates are ``w <- w - eta x delta`` and ``b <- b - eta delta``. The deltas come from the
library's BP1 (``scratchae.nn.backprop.output_error``) with each loss's ``dC/da``, so what is
plotted is what the library computes.
"""
import numpy as np

from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.nn import BernoulliNLL, GaussianNLL
from scratchae.nn.activations import Sigmoid
from scratchae.nn.backprop import output_error
from scratchae.viz import curves

args = parse_args("Lesson 02: MSE against cross-entropy on one sigmoid neuron")
header("Lesson 02 -- MSE vs cross-entropy on a single sigmoid neuron")

# %%
# Knobs
# -----
# The slide's settings; change the learning rate, the number of epochs plotted, or add a start.
# The checks below compare the slide's two starts, so keep those two.
ETA = 0.15
EPOCHS = 300            # the slides' plots
LONG_RUN = 5000         # long enough to count epochs until a < 0.1 for every run
STARTS = {"(w, b) = (0.6, 0.9)": (0.6, 0.9), "(w, b) = (2.0, 2.0)": (2.0, 2.0)}

# %%
# One neuron, two losses
# ----------------------
# ``train`` runs plain gradient descent and records, per epoch, the output ``a``, the cost and
# ``sigma'(z)``.
sigmoid = Sigmoid()
x = np.array([[1.0]])
y = np.array([[0.0]])
eta, epochs, long_run = ETA, EPOCHS, LONG_RUN
LOSSES = {"MSE (Gaussian NLL)": GaussianNLL(), "cross-entropy (Bernoulli NLL)": BernoulliNLL()}
print(f"[data] synthetic: one example, x = {x.item():g}, target y = {y.item():g}")


def train(w, b, loss, n_epochs):
    """Gradient descent on one neuron; returns per-epoch output a, cost C and sigma'(z)."""
    out, cost, slope = [], [], []
    for _ in range(n_epochs + 1):
        z = x * w + b
        a = sigmoid.f(z)
        out.append(a.item())
        cost.append(loss.value(a, y))
        slope.append(sigmoid.df(z).item())
        delta = output_error(loss.grad(a, y), z, sigmoid)       # BP1
        w -= eta * (x * delta).item()                           # BP4 (x = a_prev)
        b -= eta * delta.item()                                 # BP3
    return np.array(out), np.array(cost), np.array(slope)


def epochs_until(outputs, threshold=0.1):
    below = np.nonzero(outputs < threshold)[0]
    return int(below[0]) if below.size else None


runs = {}
print(f"x = 1, y = 0, learning rate {eta}, {epochs} epochs\n")
print(f"{'start':<22}{'loss':<32}{'a_0':>7}{'sigma_prime_0':>15}{'|delta_0|':>11}"
      f"{'a after 300':>13}{'epochs to a<0.1':>17}")
for start_name, (w0, b0) in STARTS.items():
    for loss_name, loss in LOSSES.items():
        a, c, s = train(w0, b0, loss, long_run)
        runs[(start_name, loss_name)] = (a, c, s)
        z0 = w0 + b0
        delta0 = abs(output_error(loss.grad(sigmoid.f(np.array([[z0]])), y),
                                  np.array([[z0]]), sigmoid).item())
        n = epochs_until(a)
        print(f"{start_name:<22}{loss_name:<32}{a[0]:>7.3f}{s[0]:>15.4f}{delta0:>11.4f}"
              f"{a[epochs]:>13.3f}{(str(n) if n is not None else f'> {long_run}'):>17}")

# %%
# The slide's starting outputs
# ----------------------------
check(abs(runs[("(w, b) = (0.6, 0.9)", "MSE (Gaussian NLL)")][0][0] - 0.82) < 0.005,
      "start (0.6, 0.9) gives a_0 = 0.82 as on the slide")
check(abs(runs[("(w, b) = (2.0, 2.0)", "MSE (Gaussian NLL)")][0][0] - 0.98) < 0.005,
      "start (2.0, 2.0) gives a_0 = 0.98 as on the slide")

# %%
# The claim: the saturated MSE neuron learns slowly, cross-entropy does not
# -------------------------------------------------------------------------
# We count the epochs until the output falls below 0.1, for both losses and both starts.
mse_sat = epochs_until(runs[("(w, b) = (2.0, 2.0)", "MSE (Gaussian NLL)")][0])
ce_sat = epochs_until(runs[("(w, b) = (2.0, 2.0)", "cross-entropy (Bernoulli NLL)")][0])
mse_ok = epochs_until(runs[("(w, b) = (0.6, 0.9)", "MSE (Gaussian NLL)")][0])
print(f"\nFrom the saturated start, MSE needs {mse_sat} epochs to bring a under 0.1, "
      f"cross-entropy {ce_sat}.")
check(ce_sat is not None and mse_sat is not None and mse_sat > 3 * ce_sat,
      "from a ~ 0.98, MSE takes more than three times as many epochs as cross-entropy")
check(mse_ok is not None and mse_sat is not None and mse_sat > mse_ok + 20,
      "MSE from a ~ 0.98 is slower than MSE from a ~ 0.82 (the plateau of the slide)")

a_sat, _, s_sat = runs[("(w, b) = (2.0, 2.0)", "MSE (Gaussian NLL)")]
first_50 = a_sat[0] - a_sat[50]
print(f"\nWhy: at z = 4, sigma'(z) = {s_sat[0]:.4f}, so the MSE delta = a sigma'(z) = "
      f"{a_sat[0] * s_sat[0]:.4f} while the cross-entropy delta = a = {a_sat[0]:.4f}.")
print(f"In its first 50 epochs the saturated MSE neuron moves its output by only {first_50:.3f}.")
check(a_sat[0] * s_sat[0] < 0.05 * a_sat[0],
      "the saturated MSE step is less than 5% of the cross-entropy step")
z_grid = np.linspace(-6, 6, 121)[:, None]
a_grid = sigmoid.f(z_grid)
ce_delta = output_error(BernoulliNLL().grad(a_grid, np.zeros_like(a_grid)), z_grid, sigmoid)
cancel_gap = float(np.max(np.abs(ce_delta * len(z_grid) - a_grid)))   # the loss averages over M
print(f"On z in [-6, 6], the cross-entropy delta from BP1 differs from a - y by at most "
      f"{cancel_gap:.1e}: sigma'(z) cancels.")
check(cancel_gap < 1e-12, "with the cross-entropy, BP1's delta is a - y for every z")

# %%
# Output and cost per epoch
# -------------------------
# One column per start: the dotted line is the threshold ``a = 0.1`` used above.
import matplotlib.pyplot as plt  # noqa: E402

fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex=True)
for col, start_name in enumerate(STARTS):
    out_series = {loss_name.split(" (")[0]: runs[(start_name, loss_name)][0][:epochs + 1]
                  for loss_name in LOSSES}
    cost_series = {loss_name.split(" (")[0]: runs[(start_name, loss_name)][1][:epochs + 1]
                   for loss_name in LOSSES}
    curves(out_series, ylabel="output a", title=f"start {start_name}", ax=axes[0, col])
    curves(cost_series, ylabel="cost C", ax=axes[1, col])
    axes[0, col].axhline(0.1, color="grey", lw=0.8, ls=":")
    axes[1, col].set_xlabel("epoch")
fig.suptitle(f"One sigmoid neuron, x = 1, y = 0, eta = {eta}: from a = {a_sat[0]:.2f}, MSE needs "
             f"{mse_sat} epochs to reach a < 0.1, cross-entropy {ce_sat}")
fig.tight_layout()
save_figure(fig, args, "02_mse_vs_cross_entropy.png")

# %%
# Summary
# -------
print(f"""
Summary
-------
* The MSE error delta = (a - y) sigma'(z) carries sigma'(z), which is near 0 for a saturated
  sigmoid (sigma'(4) = {s_sat[0]:.4f}): from a = {a_sat[0]:.2f} MSE needed {mse_sat} epochs to bring
  a under 0.1, from a = {runs[("(w, b) = (0.6, 0.9)", "MSE (Gaussian NLL)")][0][0]:.2f} only {mse_ok}.
* The cross-entropy's dC/da = (a - y) / (a (1 - a)) cancels sigma'(z): delta = a - y, and it
  needed {ce_sat} epochs from the saturated start.
* In a deep network the sigma' factors of BP2 (lesson 01) remain in the hidden layers: the
  cross-entropy removes only the output layer's.

Exercises
---------
1. Start from (w, b) = (-2, -2) with target y = 1. Which loss is slow now, and why?
2. Find the learning rate that makes MSE from (2, 2) reach a < 0.1 as fast as cross-entropy with
   eta = 0.15. Is that a fair fix?
3. Replace the sigmoid by the identity with the Gaussian NLL: what is delta, and is there a plateau?
4. Write the activations and losses yourself: scratchae exercises start 01_activations, then
   scratchae exercises start 02_losses.
""")
