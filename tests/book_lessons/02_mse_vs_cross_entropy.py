"""
Lesson 02: MSE against cross-entropy on one sigmoid neuron
==========================================================

MSE against cross-entropy on one sigmoid neuron -- why a saturated neuron learns slowly.

Slides, part 01 ("Type 1: Mean Square Error", "Type 2: Cross Entropy"): one sigmoid neuron,
input x = 1, target y = 0, learning rate 0.15, started from (w, b) = (0.6, 0.9), output
a ~ 0.82, and from (w, b) = (2.0, 2.0), output a ~ 0.98::

    MSE:  C = (a - y)^2 / 2      delta = (a - y) sigma'(z)     <- sigma'(z) is tiny when a ~ 1
    CE:   C = -[y ln a + (1 - y) ln(1 - a)]      delta = a - y  <- no sigma'(z)

Both updates are  w <- w - eta x delta,  b <- b - eta delta. The deltas come from the library's
BP1 (scratchae.nn.backprop.output_error) with each loss's dC/da, so what is plotted is what
the library computes.
"""

# %%
# Imports and the command line: ``--quick`` (default) or ``--full``.
import numpy as np

from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.nn import BernoulliNLL, GaussianNLL
from scratchae.nn.activations import Sigmoid
from scratchae.nn.backprop import output_error
from scratchae.viz import curves

args = parse_args("MSE against cross-entropy on one sigmoid neuron")
header("Lesson 02 -- MSE vs cross-entropy on a single sigmoid neuron")

sigmoid = Sigmoid()
x = np.array([[1.0]])
y = np.array([[0.0]])
eta = 0.15
epochs = 300            # the slides' plots
long_run = 5000         # long enough to count epochs until a < 0.1 for every run
LOSSES = {"MSE (Gaussian NLL)": GaussianNLL(), "cross-entropy (Bernoulli NLL)": BernoulliNLL()}
STARTS = {"(w, b) = (0.6, 0.9)": (0.6, 0.9), "(w, b) = (2.0, 2.0)": (2.0, 2.0)}


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
# The slides' starting outputs
check(abs(runs[("(w, b) = (0.6, 0.9)", "MSE (Gaussian NLL)")][0][0] - 0.82) < 0.005,
      "start (0.6, 0.9) gives a_0 = 0.82 as on the slide")
check(abs(runs[("(w, b) = (2.0, 2.0)", "MSE (Gaussian NLL)")][0][0] - 0.98) < 0.005,
      "start (2.0, 2.0) gives a_0 = 0.98 as on the slide")


# %%
# The claim: the saturated MSE neuron learns slowly, cross-entropy does not
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


# %%
# Figures: output and cost per epoch, one panel per start
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
fig.suptitle("One sigmoid neuron, x = 1, y = 0, eta = 0.15")
fig.tight_layout()
save_figure(fig, args, "mse_vs_cross_entropy.png")

print("""
Summary
-------
* The MSE error delta = (a - y) sigma'(z) carries sigma'(z), which is near 0 for a saturated
  sigmoid: the neuron that is most wrong learns the slowest.
* The cross-entropy's dC/da = (a - y) / (a (1 - a)) cancels sigma'(z) exactly: delta = a - y.
* In a deep network the sigma' factors of BP2 remain, so cross-entropy cures only the output layer;
  that is one reason ReLU (sigma' = 1 or 0) helps.

Exercises
---------
1. Start from (w, b) = (-2, -2) with target y = 1. Which loss is slow now, and why?
2. Find the learning rate that makes MSE from (2, 2) reach a < 0.1 as fast as cross-entropy with
   eta = 0.15. Is that a fair fix?
3. Replace the sigmoid by the identity with the Gaussian NLL: what is delta, and is there a plateau?
""")
