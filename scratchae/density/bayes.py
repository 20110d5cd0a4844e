"""A Bayes classifier built from one density estimate per class (slides, part 02, "Use in Bayes
classifier on USPS").

    p(y = c | x) = p(x | c) P(c) / sum_c' p(x | c') P(c')

    log p(y = c | x) = log p(x | c) + log P(c) - LSE_c'( log p(x | c') + log P(c') )

``p(x | c)`` is any density estimator of this package fitted on the training points of class c
(Parzen windows, Manifold Parzen, Non-local Manifold Parzen), ``P(c)`` the class frequency in
the training set. The prediction is the class of highest posterior, ``argmax_c log p(x | c) +
log P(c)``.
"""
import numpy as np

from scratchae._validation import check_fitted
from scratchae.density._common import check_data

__all__ = ["BayesClassifier", "train_validation_split"]


def _lse(a, axis):
    mx = np.max(a, axis=axis, keepdims=True)
    mx = np.where(np.isfinite(mx), mx, 0.0)
    return np.squeeze(mx, axis) + np.log(np.sum(np.exp(a - mx), axis=axis))


def _check_labels(y, n):
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"y must have shape ({n},) (one label per row of X); got {y.shape}")
    return y


class BayesClassifier:
    """One density per class plus log priors (scikit-learn style classifier).

    Attributes after ``fit``: ``classes_`` (C,), ``densities_`` (list of C fitted estimators),
    ``class_log_prior_`` (C,), ``n_features_in_``.

    Parameters
    ----------
    density_factory : callable
        Called with no argument once per class, returns a fresh, unfitted density estimator
        with ``fit(X)`` and ``score_samples(X)``, e.g. ``lambda: ParzenWindows(0.8)``.
    priors : "empirical" or "uniform"
        Class frequencies of the training set, or equal priors.
    """

    def __init__(self, density_factory, priors="empirical"):
        if not callable(density_factory):
            raise ValueError(f"density_factory must be callable (returning a fresh density "
                             f"estimator); got {density_factory!r}")
        if priors not in ("empirical", "uniform"):
            raise ValueError(f"priors must be 'empirical' or 'uniform'; got {priors!r}")
        self.density_factory = density_factory
        self.priors = priors

    def fit(self, X, y):
        """Fit one density on the rows of each class. Returns ``self``."""
        X = check_data(X, "X")
        y = _check_labels(y, X.shape[0])
        classes, counts = np.unique(y, return_counts=True)
        if classes.size < 2:
            raise ValueError(f"a classifier needs at least 2 classes; got {classes.tolist()}")
        densities = []
        for c in classes:
            est = self.density_factory()
            if not (hasattr(est, "fit") and hasattr(est, "score_samples")):
                raise ValueError(f"density_factory() must return an estimator with fit and "
                                 f"score_samples; got {est!r}")
            densities.append(est.fit(X[y == c]))
        self.classes_ = classes
        self.densities_ = densities
        self.n_features_in_ = X.shape[1]
        if self.priors == "uniform":
            self.class_log_prior_ = np.full(classes.size, -np.log(classes.size))
        else:
            self.class_log_prior_ = np.log(counts / counts.sum())
        return self

    def class_log_densities(self, X):
        """log p(x | c) for each row and class, (m, C)."""
        check_fitted(self, "densities_")
        X = check_data(X, "X", n_features=self.n_features_in_)
        return np.column_stack([d.score_samples(X) for d in self.densities_])

    def joint_log_likelihood(self, X):
        """log p(x | c) + log P(c), (m, C)."""
        return self.class_log_densities(X) + self.class_log_prior_

    def predict_log_proba(self, X):
        """log p(c | x), (m, C); each row log-sum-exps to 0."""
        joint = self.joint_log_likelihood(X)
        return joint - _lse(joint, axis=1)[:, None]

    def predict_proba(self, X):
        """p(c | x), (m, C)."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """The class of highest posterior for each row, (m,)."""
        return self.classes_[np.argmax(self.joint_log_likelihood(X), axis=1)]

    def score(self, X, y):
        """Accuracy: the fraction of rows of ``X`` whose predicted class is ``y``."""
        X = check_data(X, "X")
        y = _check_labels(y, X.shape[0])
        return float(np.mean(self.predict(X) == y))


def train_validation_split(X, y, validation_fraction=0.2, rng=None):
    """Hold out a stratified random ``validation_fraction`` of each class of (X, y).

    For hyperparameter selection: choose on the validation part, never on the test set.
    Returns ``(X_train, y_train), (X_val, y_val)``.
    """
    from scratchae._validation import check_fraction, make_rng
    X = check_data(X, "X")
    y = _check_labels(y, X.shape[0])
    check_fraction(validation_fraction, "validation_fraction", closed_right=False)
    rng = make_rng(rng)
    val = np.zeros(X.shape[0], dtype=bool)
    for c in np.unique(y):
        idx = np.nonzero(y == c)[0]
        n_val = int(round(validation_fraction * idx.size))
        val[rng.choice(idx, size=n_val, replace=False)] = True
    return (X[~val], y[~val]), (X[val], y[val])
