"""Lesson 12: the conditional VAE -- analogies, style transfer, per-label manifolds, and M2 with few labels.

Slides, part 04 ("Conditional VAE"). Give the label y to both networks,

    q(z | x, y) = N(mu(x, y), diag sigma^2(x, y)),    p(x | y, z),
    -ELBO(x, y) = -E_q[log p(x | y, z)] + KL(q(z | x, y) || N(0, I)),

and z no longer has to say *which* digit it is -- only *how* it is written. Fixing z and varying y
writes every digit in one hand (analogies); encoding a real digit with its label and decoding with
another label transfers its style. Kingma et al. (2014) add a classifier q(y|x) and treat y as a
latent variable for unlabelled digits (M2): the unlabelled loss marginalises y over the 10 classes,

    U(x) = sum_y q(y|x) L(x, y) - H(q(y|x)),

so 100 labels and many unlabelled digits train a classifier.
"""
import time

import numpy as np

from scratchae import gradcheck, viz
from scratchae.data.fallback import load_digits_or_glyphs
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.models import vae_math as vm
from scratchae.models.cvae import CVAE, M2
from scratchae.models.vae import VAE
from scratchae.nn import Adam, CategoricalNLL, Network

args = parse_args(__doc__.splitlines()[0])
header("Lesson 12 -- the conditional VAE and semi-supervised M2")
t_start = time.perf_counter()
rng = np.random.default_rng(args.seed)


def randomize_biases(model):
    for name, p in model.params().items():
        if name.endswith(".b"):
            p[...] = rng.uniform(-0.5, 0.5, p.shape)


def as_objective(fn):
    def objective():
        metrics, grads = fn()
        return metrics["loss"], grads
    return objective


# ------------------------------------------------------------------- 1. gradients, checked
print("1. Hand-written gradients against finite differences (float64, eps frozen)")
cv = CVAE([6, 5, 2], n_classes=3, activation="tanh", dtype=np.float64, seed=args.seed)
randomize_biases(cv)
xt, yt, et = rng.uniform(0, 1, (4, 6)), np.array([0, 2, 1, 2]), rng.standard_normal((4, 1, 2))
rep_cvae = gradcheck.check_gradients(as_objective(lambda: cv.loss_and_grads((xt, yt), eps=et)),
                                     cv.params())
print(f"   CVAE, every parameter: worst {rep_cvae.worst}")
m2t = M2([6, 5, 2], n_classes=3, activation="tanh", dtype=np.float64, alpha=0.5, seed=args.seed)
randomize_biases(m2t)
xl, yl, xu = rng.uniform(0, 1, (3, 6)), np.array([0, 2, 1]), rng.uniform(0, 1, (4, 6))
el, eu = rng.standard_normal((3, 1, 2)), rng.standard_normal((12, 1, 2))
reports = {}
for path, a in (("labelled", (xl, yl, None)), ("unlabelled", (None, None, xu))):
    reports[path] = gradcheck.check_gradients(as_objective(
        lambda a=a: m2t.loss_and_grads(a, eps_labelled=el, eps_unlabelled=eu)), m2t.params())
    print(f"   M2 {path:<10} path: worst {reports[path].worst}")
logits = rng.standard_normal((3, 10))
rep_h = gradcheck.check_gradient(lambda c: vm.categorical_entropy(c).sum(),
                                 vm.categorical_entropy_grad, logits, name="dH/dlogits")
print(f"   entropy of q(y|x), dH/dc = -pi (log pi + H): {rep_h}")
check(rep_cvae.passed and all(r.passed for r in reports.values()) and rep_h.passed,
      "CVAE and M2 gradients (both paths, entropy term included) agree with finite differences")

# ----------------------------------------------------------------- 2. a CVAE on digits
n_train, n_test, epochs = (5000, 1000, 5) if args.quick else (60000, 10000, 30)
(x_train, y_train), (x_test, y_test), source = load_digits_or_glyphs(n_train, n_test,
                                                                     rng=args.seed)
print(f"\n2. A CVAE with a 2-D z (784+10 -> 256 -> 2, 2+10 -> 256 -> 784) on {len(x_train)} "
      f"{source} digits, {epochs} epochs; a plain VAE of the same size beside it")
cvae = CVAE([784, 256, 2], n_classes=10, activation="relu", seed=args.seed)
hc = cvae.fit(x_train, y_train, epochs=epochs, batch_size=128, lr=3e-3, progress=False)
vae = VAE([784, 256, 2], activation="relu", seed=args.seed)
hv = vae.fit(x_train, epochs=epochs, batch_size=128, lr=3e-3, progress=False)
ev_c, ev_v = cvae.evaluate(x_test, y_test), vae.evaluate(x_test)
print(f"   test -ELBO: CVAE (bound on -log p(x|y)) {ev_c['loss']:.1f}, VAE (on -log p(x)) "
      f"{ev_v['loss']:.1f}")
check(ev_c["loss"] < ev_v["loss"], "knowing the label, the CVAE codes a digit in fewer nats")

# -------------------------------------------------------------------- 3. analogies
centroids = np.stack([x_train[y_train == k].mean(0) for k in range(10)])


def nearest_centroid(images):
    d = ((images[:, None, :] - centroids[None]) ** 2).sum(-1)
    return d.argmin(1)


z_fixed = rng.standard_normal((6, 2)).astype(np.float32)
grid = cvae.analogies(z_fixed)                                 # (6 styles, 10 labels, 784)
save_figure(viz.image_grid(grid.reshape(-1, 784), n_cols=10,
                           row_labels=[f"z{i + 1}" for i in range(6)],
                           title="Analogies: one z per row, labels 0-9 across"),
            args, "12_analogies.png")
labels_grid = np.tile(np.arange(10), 6)
acc_gen = float(np.mean(nearest_centroid(grid.reshape(-1, 784)) == labels_grid))
acc_real = float(np.mean(nearest_centroid(x_test) == y_test))
print(f"\n3. Analogies: a nearest-class-mean classifier reads the intended label in "
      f"{100 * acc_gen:.0f}% of the 60 generated digits (on real test digits it manages "
      f"{100 * acc_real:.0f}%)")
check(acc_gen > 0.7, "with z fixed, the label alone decides which digit is drawn")

# --------------------------------------------------------------- 4. style transfer
idx = np.array([np.nonzero(y_test == k)[0][0] for k in (3, 7, 2, 5)])
transfer = cvae.style_transfer(x_test[idx], y_test[idx])       # (4, 10, 784)
rows = np.concatenate([np.concatenate([x_test[i][None], t], 0) for i, t in zip(idx, transfer)])
save_figure(viz.image_grid(rows, n_cols=11, row_labels=[f"real {y_test[i]}" for i in idx],
                           title="Style transfer: a real digit (left), its z = mu(x, y) decoded "
                                 "with labels 0-9"), args, "12_style_transfer.png")
own = transfer[np.arange(len(idx)), y_test[idx]]
err_own = float(np.mean((own - x_test[idx]) ** 2))
print(f"\n4. Style transfer: decoding a real digit's z with its own label reconstructs it "
      f"(mean squared error {err_own:.3f} per pixel)")

# -------------------------------------------------------------- 5. per-label manifolds
for k in (2, 4, 7):
    save_figure(viz.manifold_grid(lambda z, k=k: cvae.decode(z, k), n=12, span=(-2.0, 2.0),
                                  title=f"Label {k}: handwriting styles over the z plane"),
                args, f"12_manifold_label{k}.png")
print("\n5. Per-label manifolds saved: one label, z varied over [-2, 2]^2")

# ----------------------------------------------- 6. where the codes go: CVAE vs VAE


def separation(codes, labels):
    """Between-class share of the codes' variance (0: classes on top of each other)."""
    total = ((codes - codes.mean(0)) ** 2).sum()
    between = sum((labels == k).sum() * ((codes[labels == k].mean(0) - codes.mean(0)) ** 2).sum()
                  for k in range(10))
    return between / total


codes_c, codes_v = cvae.encode(x_test, y_test), vae.encode(x_test)
sep_c, sep_v = separation(codes_c, y_test), separation(codes_v, y_test)
save_figure(viz.scatter_2d(codes_c, y_test, title="CVAE: mu(x, y) of test digits"), args,
            "12_codes_cvae.png")
save_figure(viz.scatter_2d(codes_v, y_test, title="VAE: mu(x) of test digits"), args,
            "12_codes_vae.png")
print(f"\n6. Share of the code variance explained by the class: VAE {sep_v:.2f}, CVAE {sep_c:.2f}")
print("   (slides: 'Things are messy here, in contrast to VAE's Q(z|X)': for each y, "
      "q(z|x, y) is roughly N(0, I))")
check(sep_c < 0.5 * sep_v, "the CVAE's codes mix the classes: the label lives in y, not in z")

# ------------------------------------------------------------- 7. M2 with few labels
n_lab_per_class = 10
lab = np.concatenate([rng.choice(np.nonzero(y_train == k)[0], n_lab_per_class, replace=False)
                      for k in range(10)])
m2_sizes, m2_epochs, n_unlab = ([784, 128, 8], 2, 3000) if args.quick else \
    ([784, 500, 50], 30, len(x_train))
print(f"\n7. M2 with {len(lab)} labels and {n_unlab} unlabelled digits "
      f"({m2_sizes}, ReLU, {m2_epochs} epochs; alpha = 0.1 N / N_labelled)")
m2 = M2(m2_sizes, n_classes=10, activation="relu", seed=args.seed)
t0 = time.perf_counter()
hm = m2.fit(x_train[lab], y_train[lab], x_train[:n_unlab], epochs=m2_epochs, batch_size=100, lr=1e-3,
            progress=False, binarize="dynamic")
err_m2 = m2.evaluate(x_test, y_test)["error"]
print(f"   {time.perf_counter() - t0:.1f} s; unlabelled loss U per epoch "
      f"{np.round(hm['unlabelled'], 1)}; test error {100 * err_m2:.1f}%")

# the same classifier network trained on the labelled digits alone
clf = Network.from_sizes(m2.classifier_sizes, activation="relu", output_activation="softmax",
                         rng=args.seed)
opt, loss = Adam(lr=1e-3), CategoricalNLL()
for step in range(300):
    _, grads = clf.loss_and_grads(x_train[lab], y_train[lab], loss)
    opt.step(clf.params(), grads)
err_sup = float(np.mean(clf.forward(x_test).argmax(1) != y_test))
print(f"   the same classifier trained on the {len(lab)} labels only: test error "
      f"{100 * err_sup:.1f}%")
check(err_m2 < 0.5, "M2 classifies test digits far better than chance (90% error) from 10 "
      "labels per class")
if not args.quick:
    check(err_m2 < err_sup, "the unlabelled digits help: M2 beats the labelled-only classifier")
else:
    print("   (quick mode trains a small M2 for 60 steps only; run --full to see the "
          "unlabelled digits pay off)")

print(f"\nSummary ({time.perf_counter() - t_start:.0f} s)")
print("- A CVAE conditions both networks on y; z is then free to code style alone, so fixing z\n"
      "  and changing y writes all ten digits in one hand, and a real digit's z transfers its style.\n"
      "- Its codes mix the classes (each q(z|x, y) is near N(0, I)), unlike the VAE's clusters.\n"
      "- M2 treats y as latent when it is missing: U(x) = sum_y q(y|x) L(x, y) - H(q(y|x)). The\n"
      "  classifier's gradient pi (L - E_pi L) + pi (log pi + H) moves probability towards the\n"
      "  labels under which the digit is cheapest to code.")
print("\nExercises")
print("1. Train the CVAE with a 20-D z: do the analogies keep the style as well? Does the test\n"
      "   -ELBO gap to the VAE grow or shrink?")
print("2. Set alpha to 0 in M2: the classifier then learns from the unlabelled term only. What\n"
      "   test error do you get, and why is the labelled cross-entropy needed?")
print("3. Replace the exact sum over y in U(x) by one sample y ~ q(y|x): what estimator of the\n"
      "   classifier's gradient do you need then (hint: the score function, REINFORCE)?")
