"""Why usps-parzen's Parzen row differs from the paper's: the Parzen Bayes classifier's test error
over a range of widths, with and without class priors, fitted on all or part of the training
set, on two pixel scales, and the 1-nearest-neighbour error.

This *looks at the test set on purpose*, to diagnose a gap, and chooses nothing; the
reproduction itself (``scratchae reproduce usps-parzen``) chooses every width on validation.

    python -m scratchae.reproduce._usps_parzen_diagnosis
"""
import numpy as np

WIDTHS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 3.0)


def class_log_densities(x_fit, y_fit, x, h):
    """log p(x | c) under a Parzen window of width h on each class's images, (m, 10)."""
    from scratchae.density import ParzenWindows
    return np.column_stack([ParzenWindows(h).fit(x_fit[y_fit == c]).score_samples(x)
                            for c in range(10)])


def log_prior(y):
    counts = np.bincount(y, minlength=10).astype(np.float64)
    return np.log(counts / counts.sum())


def error(ll, prior, y):
    """Bayes error (%) of argmax_c log p(x | c) + prior_c."""
    return 100.0 * float(np.mean(np.argmax(ll + prior, axis=1) != y))


def main():
    from scratchae.data import load_usps

    x, y = load_usps(split="train", scale="symmetric")
    xt, yt = load_usps(split="test", scale="symmetric")
    x, xt = x.astype(np.float64), xt.astype(np.float64)
    print(f"train {x.shape}, test {xt.shape}, pixels in [{x.min()}, {x.max()}]")
    print("train class counts", np.bincount(y).tolist())
    print("test class counts ", np.bincount(yt).tolist())
    d2 = (xt ** 2).sum(1)[:, None] - 2.0 * xt @ x.T + (x ** 2).sum(1)[None, :]   # (m, n)
    print(f"1-nearest-neighbour test error: {100.0 * np.mean(y[d2.argmin(1)] != yt):.2f}%")
    fits = {"all 7,291": (x, y), "first 6,291": (x[:6291], y[:6291]),
            "last 6,291": (x[1000:], y[1000:])}
    for name, (xf, yf) in fits.items():
        print(f"fitted on {name}: h, test error with priors / without")
        for h in WIDTHS:
            ll = class_log_densities(xf, yf, xt, h)
            print(f"  h = {h:3.1f}: {error(ll, log_prior(yf), yt):5.2f}% / "
                  f"{error(ll, 0.0, yt):5.2f}%", flush=True)
    print("fitted on the first 6,291, validation error on the last 1,000:")
    for h in WIDTHS[2:10]:
        ll = class_log_densities(x[:6291], y[:6291], x[6291:], h)
        print(f"  h = {h:3.1f}: {error(ll, log_prior(y[:6291]), y[6291:]):5.2f}%")
    ll = class_log_densities((x + 1) / 2, y, (xt + 1) / 2, 0.4)
    print(f"pixels in [0, 1], h = 0.4 (= 0.8 on [-1, 1]): {error(ll, log_prior(y), yt):.2f}%")


if __name__ == "__main__":
    main()
