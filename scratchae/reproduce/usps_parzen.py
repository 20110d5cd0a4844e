"""usps-parzen: the slide's Bayes-classifier table on USPS (slides, part 02, "Use in Bayes
classifier on USPS"; Vincent & Bengio 2003; Bengio, Larochelle & Vincent 2006).

One density per digit class, fitted on that class's training images, plus the class
frequencies as priors; a test image goes to the class of highest ``log p(x | c) + log P(c)``.
Pixels on the original USPS scale [-1, 1] (the scale the papers' kernel widths refer to).

Protocol: 20% of each class of the 7,291 training images is held out (stratified, seeded) as a
validation split; every hyperparameter (bandwidth h; k, d, sigma0^2; sigma0^2 and the number of
epochs of the non-local network) is chosen by validation error, ties broken by the validation
log-likelihood of the true class. The chosen model is then refitted on all 7,291 training images
and scored once on the 2,007 test images. The test set is never used to choose anything.

Paper (test error): Parzen windows 5.08% (sigma = 0.8), Manifold Parzen 4.08% (d = 11, k = 11,
sigma0^2 = 0.1), Non-local Manifold Parzen 3.64% (d = 7, k = 10, k_mu = 10, sigma0^2 = 0.05,
n_hidden = 70). The papers' validation errors (1.8%, 0.9%, 0.6%) come from a different
validation set and are not comparable with ours.

Where the Parzen row differs from the paper: the width is not the cause (a Gaussian Parzen
classifier is unchanged when the pixels and h are scaled together, and no width, not even one
picked on the test set, reaches the paper's error on these files), nor the priors or the split.
The diagnostic rows below show it: the test error at the paper's own sigma = 0.8, and the
1-nearest-neighbour error, the h -> 0 limit of the same classifier -- they tell whether our files
are harder for a Euclidean-distance classifier than the paper's. Both are reported, never used
to choose anything. The README gives the numbers.

``quick=True``: 600 training and 300 test images, tiny grids, a few epochs (a smoke run, its
numbers are not comparable with the paper's).
"""
import time

import numpy as np

from scratchae.reproduce._common import add_config_arguments, parse_pairs, resolve

NAME = "usps-parzen"
DESCRIPTION = ("Bayes classifiers on USPS [-1, 1]: test error of Parzen (5.08%), Manifold Parzen "
               "(4.08%), Non-local Manifold Parzen (3.64%), hyperparameters by validation")
PAPER = {"parzen": 5.08, "manifold": 4.08, "nonlocal": 3.64}
SOURCES = {"parzen": "Vincent & Bengio 2003 (slide table), sigma = 0.8",
           "manifold": "Vincent & Bengio 2003 (slide table), d=11, k=11, sigma0^2=0.1",
           "nonlocal": "Bengio, Larochelle & Vincent 2006 (slide table), d=7, k=10, "
                       "sigma0^2=0.05, n_hid=70"}


def _stratified_subset(x, y, n, rng):
    idx = []
    for c in np.unique(y):
        members = np.nonzero(y == c)[0]
        take = int(round(n * members.size / y.size))
        idx.append(rng.choice(members, size=take, replace=False))
    idx = np.sort(np.concatenate(idx))
    return x[idx], y[idx]


def _log_prior(y, classes):
    counts = np.array([np.sum(y == c) for c in classes], dtype=np.float64)
    return np.log(counts / counts.sum())


def _error_and_ll(ll, log_prior, y):
    """Bayes error (%) and mean log p(x | true class) from class log densities (m, C)."""
    pred = np.argmax(ll + log_prior, axis=1)
    return 100.0 * float(np.mean(pred != y)), float(np.mean(ll[np.arange(len(y)), y]))


def _better(candidate, best):
    """Lower validation error first, then higher validation log-likelihood."""
    return best is None or (candidate[0], -candidate[1]) < (best[0], -best[1])


def _select_parzen(xa, ya, xv, yv, classes, grid):
    from scratchae.density import ParzenWindows
    lp = _log_prior(ya, classes)
    rows, best = [], None
    for h in grid:
        ll = np.column_stack([ParzenWindows(h).fit(xa[ya == c]).score_samples(xv)
                              for c in classes])
        err, vll = _error_and_ll(ll, lp, yv)
        rows.append({"h": float(h), "val_error": err, "val_ll": vll})
        if _better((err, vll), best):
            best = (err, vll, float(h))
    return best, rows


def _select_manifold(xa, ya, xv, yv, classes, grid_kd, grid_s2):
    from scratchae.density import ManifoldParzenWindows
    lp = _log_prior(ya, classes)
    rows, best = [], None
    for k, d in grid_kd:
        models = [ManifoldParzenWindows(k, d, grid_s2[0]).fit(xa[ya == c]) for c in classes]
        projections = [m.mixture().project(xv) for m in models]      # shared by all sigma0^2
        for s2 in grid_s2:
            ll = np.column_stack([m.set_sigma0_sq(s2).mixture().score_projected(*p)
                                  for m, p in zip(models, projections)])
            err, vll = _error_and_ll(ll, lp, yv)
            rows.append({"k": k, "d": d, "sigma0_sq": float(s2), "val_error": err,
                         "val_ll": vll})
            if _better((err, vll), best):
                best = (err, vll, (k, d, float(s2)))
    return best, rows


def _nonlocal_factory(cfg, s2, epochs, seed):
    from scratchae.density import NonLocalManifoldParzen
    return lambda: NonLocalManifoldParzen(
        n_components=cfg["d"], n_neighbors=cfg["k"], n_hidden=cfg["n_hidden"], sigma0_sq=s2,
        epochs=epochs, batch_size=cfg["batch_size"], lr=cfg["lr"], seed=seed)


def _select_nonlocal(xa, ya, xv, yv, classes, cfg, grid_s2, seed):
    """Train one network per class for ``cfg["epochs"]`` epochs; every ``cfg["eval_every"]``
    epochs score the whole validation split under every class's current density, so that one
    run per sigma0^2 gives the validation error of every (sigma0^2, epochs) pair."""
    lp = _log_prior(ya, classes)
    rows, best = [], None
    for s2 in grid_s2:
        per_class = []
        for c in classes:
            scores = {}

            def record(epoch, model):
                if (epoch + 1) % cfg["eval_every"] == 0:
                    scores[epoch + 1] = model.score_samples(xv)

            _nonlocal_factory(cfg, s2, cfg["epochs"], seed)().fit(xa[ya == c], callback=record)
            per_class.append(scores)
        for epoch in sorted(per_class[0]):
            ll = np.column_stack([sc[epoch] for sc in per_class])
            err, vll = _error_and_ll(ll, lp, yv)
            rows.append({"sigma0_sq": float(s2), "epochs": int(epoch), "val_error": err,
                         "val_ll": vll})
            if _better((err, vll), best):
                best = (err, vll, (float(s2), int(epoch)))
    return best, rows


def _nearest_neighbour_error(x_train, y_train, x_test, y_test):
    """Test error (%) of the 1-nearest-neighbour rule in Euclidean distance."""
    d2 = ((x_test ** 2).sum(1)[:, None] - 2.0 * x_test @ x_train.T
          + (x_train ** 2).sum(1)[None, :])                       # (m, n)
    return 100.0 * float(np.mean(y_train[np.argmin(d2, axis=1)] != y_test))


def _test_error(factory, x_train, y_train, x_test, y_test):
    from scratchae.density import BayesClassifier
    clf = BayesClassifier(factory).fit(x_train, y_train)
    return 100.0 * (1.0 - clf.score(x_test, y_test))


FULL = {"n_train": None, "n_test": None, "validation_fraction": 0.2,
        "bandwidths": [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0],
        "manifold_kd": [[8, 6], [11, 7], [11, 11], [15, 11], [15, 15]],
        "manifold_sigma0_sq": [0.05, 0.1, 0.2, 0.4], "nonlocal_d": 7, "nonlocal_k": 10,
        "nonlocal_hidden": 70, "nonlocal_batch_size": 64, "nonlocal_lr": 3e-3,
        "nonlocal_epochs": 40, "nonlocal_eval_every": 5,
        "nonlocal_sigma0_sq": [0.05, 0.1, 0.2, 0.4]}
QUICK = {"n_train": 600, "n_test": 300, "bandwidths": [0.6, 0.8, 1.2], "manifold_kd": [[11, 11]],
         "manifold_sigma0_sq": [0.1, 0.2], "nonlocal_hidden": 20, "nonlocal_epochs": 2,
         "nonlocal_eval_every": 1, "nonlocal_sigma0_sq": [0.1]}
HELP = {"n_train": "training images (a stratified seeded subset; none = all 7,291)",
        "n_test": "test images (a stratified seeded subset; none = all 2,007)",
        "validation_fraction": "share of each class of the training images held out to choose",
        "bandwidths": "Parzen widths h tried on validation",
        "manifold_kd": "Manifold Parzen (k neighbours : d directions) pairs tried",
        "manifold_sigma0_sq": "Manifold Parzen sigma0^2 tried",
        "nonlocal_d": "Non-local MP directions", "nonlocal_k": "Non-local MP neighbours",
        "nonlocal_hidden": "Non-local MP hidden units",
        "nonlocal_batch_size": "Non-local MP mini-batch size",
        "nonlocal_lr": "Non-local MP step size",
        "nonlocal_epochs": "Non-local MP epochs (the best multiple of eval-every is chosen)",
        "nonlocal_eval_every": "epochs between validation scores of the Non-local MP",
        "nonlocal_sigma0_sq": "Non-local MP sigma0^2 tried"}
TYPES = {"n_train": int, "n_test": int, "manifold_kd": parse_pairs}


def add_arguments(parser):
    add_config_arguments(parser, FULL, QUICK, HELP, TYPES)


def run(out="scratchae-out", quick=False, seed=0, **flags):
    from scratchae.data import load_usps
    from scratchae.density import ManifoldParzenWindows, ParzenWindows, train_validation_split
    from scratchae.report import Report

    t_start = time.perf_counter()
    x_train, y_train = load_usps(split="train", scale="symmetric")
    x_test, y_test = load_usps(split="test", scale="symmetric")
    x_train, x_test = x_train.astype(np.float64), x_test.astype(np.float64)
    rng = np.random.default_rng(seed)
    cfg = resolve(FULL, QUICK, quick, flags)
    if cfg["n_train"] is not None and cfg["n_train"] < len(x_train):
        x_train, y_train = _stratified_subset(x_train, y_train, cfg["n_train"], rng)
    if cfg["n_test"] is not None and cfg["n_test"] < len(x_test):
        x_test, y_test = _stratified_subset(x_test, y_test, cfg["n_test"], rng)
    grid_h = cfg["bandwidths"]
    grid_kd, grid_s2 = [tuple(p) for p in cfg["manifold_kd"]], cfg["manifold_sigma0_sq"]
    nl_cfg = {"d": cfg["nonlocal_d"], "k": cfg["nonlocal_k"], "n_hidden": cfg["nonlocal_hidden"],
              "batch_size": cfg["nonlocal_batch_size"], "lr": cfg["nonlocal_lr"],
              "epochs": cfg["nonlocal_epochs"], "eval_every": cfg["nonlocal_eval_every"]}
    nl_s2 = cfg["nonlocal_sigma0_sq"]
    classes = np.unique(y_train)
    (xa, ya), (xv, yv) = train_validation_split(x_train, y_train, cfg["validation_fraction"],
                                                rng=seed)
    held_out = f"{cfg['validation_fraction']:.0%} of each class of the training set"
    params = {**cfg, "quick": quick, "seed": seed, "scale": "[-1, 1]",
              "n_train": int(len(x_train)), "n_test": int(len(x_test)), "validation": held_out,
              "n_fit_during_selection": int(len(xa)), "n_validation": int(len(xv))}
    report = Report(NAME, params)
    params = report.params                  # the report keeps its own copy: fill that one
    print(f"{NAME}: {DESCRIPTION}\n{params}", flush=True)

    # --- Parzen windows
    t0 = time.perf_counter()
    (p_val, _, h), p_rows = _select_parzen(xa, ya, xv, yv, classes, grid_h)
    p_test = _test_error(lambda: ParzenWindows(h), x_train, y_train, x_test, y_test)
    p_test_paper_h = _test_error(lambda: ParzenWindows(0.8), x_train, y_train, x_test, y_test)
    nn1_test = _nearest_neighbour_error(x_train, y_train, x_test, y_test)
    params["parzen"] = {"grid": p_rows, "chosen_h": h, "seconds": time.perf_counter() - t0}
    print(f"Parzen: h = {h} (val error {p_val:.2f}%), test error {p_test:.2f}%  "
          f"[{time.perf_counter() - t0:.0f} s]", flush=True)

    # --- Manifold Parzen windows
    t0 = time.perf_counter()
    (m_val, _, (k, d, s2)), m_rows = _select_manifold(xa, ya, xv, yv, classes, grid_kd, grid_s2)
    m_test = _test_error(lambda: ManifoldParzenWindows(k, d, s2), x_train, y_train, x_test,
                         y_test)
    params["manifold"] = {"grid": m_rows, "chosen": {"k": k, "d": d, "sigma0_sq": s2},
                          "seconds": time.perf_counter() - t0}
    print(f"Manifold Parzen: k = {k}, d = {d}, sigma0^2 = {s2} (val error {m_val:.2f}%), "
          f"test error {m_test:.2f}%  [{time.perf_counter() - t0:.0f} s]", flush=True)

    # --- Non-local Manifold Parzen windows
    t0 = time.perf_counter()
    (n_val, _, (ns2, nep)), n_rows = _select_nonlocal(xa, ya, xv, yv, classes, nl_cfg, nl_s2,
                                                      seed)
    n_test = _test_error(_nonlocal_factory(nl_cfg, ns2, nep, seed), x_train, y_train, x_test,
                         y_test)
    params["nonlocal"] = {"config": nl_cfg, "grid": n_rows,
                          "chosen": {"sigma0_sq": ns2, "epochs": nep},
                          "seconds": time.perf_counter() - t0}
    print(f"Non-local MP: d = {nl_cfg['d']}, k = {nl_cfg['k']}, n_hidden = "
          f"{nl_cfg['n_hidden']}, sigma0^2 = {ns2}, {nep} epochs (val error {n_val:.2f}%), "
          f"test error {n_test:.2f}%  [{time.perf_counter() - t0:.0f} s]", flush=True)

    report.add("Parzen windows: test error", p_test, PAPER["parzen"], SOURCES["parzen"], "%")
    report.add("Manifold Parzen: test error", m_test, PAPER["manifold"], SOURCES["manifold"],
               "%")
    report.add("Non-local Manifold Parzen: test error", n_test, PAPER["nonlocal"],
               SOURCES["nonlocal"], "%")
    report.add("Parzen windows: test error at the paper's h = 0.8 (diagnostic, not chosen)",
               p_test_paper_h, PAPER["parzen"], SOURCES["parzen"], "%")
    report.add("1-nearest-neighbour test error (Parzen's h -> 0 limit; diagnostic)", nn1_test,
               None, "this run", "%")
    report.add("Parzen windows: validation error", p_val, None, "our validation split", "%")
    report.add("Manifold Parzen: validation error", m_val, None, "our validation split", "%")
    report.add("Non-local MP: validation error", n_val, None, "our validation split", "%")
    params["total_seconds"] = time.perf_counter() - t_start
    report.write(out)
    return report
