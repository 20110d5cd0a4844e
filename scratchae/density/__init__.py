"""Non-parametric density estimation (slides, part 02): Parzen windows, Manifold Parzen windows,
Non-local Manifold Parzen windows, and the Bayes classifier built from them.

Estimators follow scikit-learn's shape: the constructor takes hyperparameters only, ``fit(X)``
returns ``self``, learned attributes end in ``_``, ``score_samples(X)`` gives log densities (m,)
and ``score(X)`` their sum.

    from scratchae.density import ParzenWindows, ManifoldParzenWindows, BayesClassifier
    h, _ = select_bandwidth(X_train, [0.5, 0.8, 1.2])           # leave-one-out
    kde = ParzenWindows(bandwidth=h).fit(X_train)
    kde.score_samples(X_test)                                   # (m,) log p(x)
    clf = BayesClassifier(lambda: ManifoldParzenWindows(11, 11, 0.1)).fit(X_train, y_train)
    clf.score(X_test, y_test)                                   # accuracy
"""
from scratchae.density.bayes import BayesClassifier, train_validation_split
from scratchae.density.lowrank import (LowRankMixture, factors_to_eigen,
                                       lowrank_gaussian_logpdf)
from scratchae.density.manifold_parzen import ManifoldParzenWindows, local_principal_directions
from scratchae.density.nonlocal_parzen import NonLocalManifoldParzen, factor_gaussian_nll
from scratchae.density.parzen import ParzenWindows, loo_log_likelihood, select_bandwidth

__all__ = [
    "ParzenWindows", "loo_log_likelihood", "select_bandwidth",
    "ManifoldParzenWindows", "local_principal_directions",
    "NonLocalManifoldParzen", "factor_gaussian_nll",
    "BayesClassifier", "train_validation_split",
    "LowRankMixture", "factors_to_eigen", "lowrank_gaussian_logpdf",
]
