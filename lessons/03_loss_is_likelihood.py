"""Lesson 03: a loss is a negative log-likelihood -- Gaussian gives MSE, Bernoulli gives cross-entropy
=====================================================================================================

Slides, part 01 ("Loss function viewpoints II: Maximum likelihood"): the network outputs the
*parameters* of a distribution over ``y``, and training minimises ``-log p(y | f_theta(x))``::

    Gaussian,  f(x) = mu, Sigma = I:  -log p = ||y - mu||^2 / 2 + (n/2) log(2 pi)         -> MSE
    Bernoulli, f(x) = p:   -log p = -sum_j [y_j log p_j + (1 - y_j) log(1 - p_j)]    -> CE
    Categorical (softmax p):          -log p = -log p_label

We evaluate each density by its textbook formula (a product of per-coordinate densities), take
``-log``, and compare with the library's losses: equal to round-off once the constant the slides
drop is put back. Then we see what the likelihood view buys: fitting the variance as well as the
mean (the Bengio slide's ``log sigma + ||f(x) - y||^2 / (2 sigma^2)``).
"""
import numpy as np

from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.nn import BernoulliNLL, CategoricalNLL, GaussianNLL
from scratchae.nn.activations import Softmax

args = parse_args("Lesson 03: a loss is a negative log-likelihood")
header("Lesson 03 -- losses are negative log-likelihoods")
rng = np.random.default_rng(args.seed)

# %%
# Knobs
# -----
# The batch shape of the comparisons, and the true mean and spread of the data whose noise level
# we learn at the end.
M, n = 5, 8                       # 5 examples, 8 features
TRUE_MU, TRUE_SIGMA = 2.0, 0.5
N_SAMPLES = 2000 if args.quick else 20000
print(f"[data] synthetic: random outputs and targets ({M} x {n}), and {N_SAMPLES} samples of "
      f"N({TRUE_MU}, {TRUE_SIGMA}^2)")

# %%
# Gaussian: the density written out, per coordinate
# -------------------------------------------------
# ``N(y_j; mu_j, 1) = exp(-(y_j - mu_j)^2 / 2) / sqrt(2 pi)``; the product over the ``n``
# coordinates is the density of the whole vector.
mu = rng.standard_normal((M, n))
y = mu + rng.standard_normal((M, n))
pdf = np.exp(-(y - mu) ** 2 / 2) / np.sqrt(2 * np.pi)           # N(y_j; mu_j, 1)
nll_direct = -np.log(np.prod(pdf, axis=1))                       # -log prod_j p(y_j | mu_j)
mse_part = GaussianNLL().per_example(mu, y)                      # ||y - mu||^2 / 2
const = GaussianNLL.constant(n)
print("Gaussian, sigma = 1 (per example):")
print("  -log prod_j N(y_j; mu_j, 1)     :", np.round(nll_direct, 6))
print("  ||y - mu||^2 / 2  (GaussianNLL) :", np.round(mse_part, 6))
print(f"  difference = (n/2) log(2 pi) = {const:.6f} for n = {n}:",
      np.round(nll_direct - mse_part, 6))
check(np.allclose(nll_direct, mse_part + const, rtol=0, atol=1e-10),
      "Gaussian NLL = ||y - mu||^2 / 2 + (n/2) log 2 pi, to 1e-10")

# %%
# Bernoulli: ``p^y (1 - p)^(1 - y)``
# ----------------------------------
p = rng.uniform(0.05, 0.95, size=(M, n))
yb = (rng.uniform(size=(M, n)) < 0.5).astype(float)
pmf = p ** yb * (1 - p) ** (1 - yb)                               # p^y (1 - p)^(1 - y)
nll_direct = -np.log(np.prod(pmf, axis=1))
ce = BernoulliNLL().per_example(p, yb)
print("\nBernoulli (per example):")
print("  -log prod_j p_j^y_j (1-p_j)^(1-y_j):", np.round(nll_direct, 6))
print("  cross-entropy (BernoulliNLL)       :", np.round(ce, 6))
check(np.allclose(nll_direct, ce, rtol=0, atol=1e-10),
      "Bernoulli NLL = cross-entropy exactly (no constant dropped)")

# %%
# Categorical: the softmax's probability of the label
# ---------------------------------------------------
logits = rng.standard_normal((M, 10))
probs = Softmax().f(logits)
labels = rng.integers(0, 10, size=M)
nll_direct = -np.log(probs[np.arange(M), labels])
cat = CategoricalNLL().per_example(probs, labels)
print("\nCategorical (softmax over 10 classes):")
print("  -log p_label          :", np.round(nll_direct, 6))
print("  CategoricalNLL        :", np.round(cat, 6))
check(np.allclose(nll_direct, cat, atol=1e-12), "categorical NLL = -log of the label's probability")

# %%
# The mean over the batch is what training minimises
# ---------------------------------------------------
batch_value = GaussianNLL().value(mu, y)
print(f"\nThe library's loss value is the batch mean: GaussianNLL().value = "
      f"{batch_value:.6f} = mean {np.mean(mse_part):.6f}")
check(np.isclose(batch_value, np.mean(mse_part), rtol=1e-12),
      "the loss value is the mean of the per-example losses")

# %%
# What the likelihood view buys: learning sigma too
# -------------------------------------------------
# With ``sigma`` free, ``-log N(y; mu, sigma^2) = log sigma + (y - mu)^2 / (2 sigma^2) + const``.
# We scan ``sigma`` on a grid of step 0.001 and find the minimum.
print("\nLearning the noise level: maximum likelihood of y ~ N(mu, sigma^2) over (mu, sigma)")
data = rng.normal(loc=TRUE_MU, scale=TRUE_SIGMA, size=N_SAMPLES)
grid = np.linspace(0.1, 1.5, 1401)           # steps of 0.001
nll_sigma = [np.mean(np.log(s) + (data - data.mean()) ** 2 / (2 * s ** 2)) + 0.5 * np.log(2 * np.pi)
             for s in grid]
best = grid[int(np.argmin(nll_sigma))]
print(f"  {data.size} samples from N(2, 0.5^2): the NLL is smallest at sigma = {best:.3f} "
      f"(sample std {data.std():.3f}); with sigma fixed at 1 (MSE) only mu is learned.")
check(abs(best - data.std()) < 0.0015, "the ML estimate of sigma is the sample standard deviation")

# %%
# The two NLLs as curves
# ----------------------
import matplotlib.pyplot as plt  # noqa: E402

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
t = np.linspace(-3, 3, 301)
axes[0].plot(t, t ** 2 / 2 + 0.5 * np.log(2 * np.pi), label="-log N(y; mu, 1)")
axes[0].plot(t, t ** 2 / 2, "--", label="(y - mu)^2 / 2  (MSE)")
axes[0].set_xlabel("y - mu")
axes[0].set_title("Gaussian: same curve, shifted")
axes[0].legend()
q = np.linspace(0.01, 0.99, 199)
axes[1].plot(q, -np.log(q), label="y = 1:  -log p")
axes[1].plot(q, -np.log(1 - q), label="y = 0:  -log(1 - p)")
axes[1].set_xlabel("predicted p")
axes[1].set_title("Bernoulli NLL = cross-entropy")
axes[1].legend()
axes[0].set_ylabel("loss for one coordinate")
axes[1].set_ylabel("loss for one coordinate")
fig.tight_layout()
save_figure(fig, args, "03_nll_curves.png")

# %%
# Summary
# -------
print(f"""
Summary
-------
* Choosing a loss is choosing a distribution for the target given the network's output:
  Gaussian -> squared error, Bernoulli -> cross-entropy, categorical -> -log p_label; each
  agreed with its density's formula to 1e-10 above.
* The Gaussian NLL and MSE differ only by (n/2) log(2 pi) = {const:.4f} for n = {n} (with
  sigma = 1): same gradients, same minimiser. Bernoulli NLL and cross-entropy are the same number.
* Letting sigma be learned too, the likelihood picked sigma = {best:.3f} for data whose sample
  standard deviation is {data.std():.3f}.
* For an autoencoder the target is the input itself: the decoder outputs the parameters of
  p(x | code), and the reconstruction loss is -log p(x | code).

Exercises
---------
1. Let the network output sigma as well as mu (Bengio's slide). Write dC/dsigma and check it with
   scratchae.gradcheck.check_gradient.
2. MNIST pixels are grey levels in [0, 1], not 0/1. Is BernoulliNLL still a likelihood? What is
   its minimum value over p for y = 0.5?
3. Show that the Bernoulli NLL with a sigmoid output is convex in the logit z.
4. Write the losses and the softmax yourself: scratchae exercises start 02_losses, then
   scratchae exercises start 04_softmax.
""")
