"""Part 02 of the slides, "Manifold Learning": PCA, Isomap and LLE as scikit-learn-style estimators.

    from scratchae.manifold import PCA, Isomap, LocallyLinearEmbedding, knn
    Y = Isomap(n_neighbors=10, n_components=2).fit_transform(X)     # X (N, D) -> Y (N, 2)
    dist, idx = knn(X, k=10)                                        # (N, 10) each, self excluded

Every estimator takes hyperparameters only in its constructor; ``fit(X)`` returns ``self``;
learned attributes end in ``_``. The neighbour search (one GEMM of squared distances, chunked)
lives in :mod:`scratchae.manifold.neighbors` and is shared with ``scratchae.density``.
"""
from scratchae.manifold.eigen import EigenNotConverged, fix_signs, top_eigenpairs
from scratchae.manifold.isomap import Isomap, mds_embedding
from scratchae.manifold.lle import LocallyLinearEmbedding, barycenter_weights
from scratchae.manifold.neighbors import (
    DisconnectedGraphError, NeighborGraph, connected_components, knn, knn_graph,
    pairwise_sq_distances, radius_graph, radius_neighbors,
)
from scratchae.manifold.pca import PCA

__all__ = [
    "PCA", "Isomap", "LocallyLinearEmbedding", "knn", "radius_neighbors", "knn_graph",
    "radius_graph", "pairwise_sq_distances", "NeighborGraph", "connected_components",
    "DisconnectedGraphError", "mds_embedding", "barycenter_weights", "top_eigenpairs",
    "fix_signs", "EigenNotConverged",
]
