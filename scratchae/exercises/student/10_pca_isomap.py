"""Exercise 10: PCA by the SVD, and Isomap's classical MDS step (lessons 04-05).

Slides: part 02, "PCA" ("finds k directions in which data has highest variance -- principal
directions (eigenvectors) W; projecting inputs x on these vectors yields reduced dimension
representation: h = f(x) = W (x - mu)") and "Isomap" (step 3: "construct d-dimensional
embedding", classical MDS on the geodesic distances).

Derive:
  1. PCA by the thin SVD of the centred training data X_train - mu = U diag(s) V^T: the
     directions W (d, D), the code h = (x - mu) W^T, the reconstruction x_hat = mu + h W, and
     the squared reconstruction error sum_j (x_j - x_hat_j)^2 of each row of X.
  2. Double centring: if D holds the distances between N points y_i, the Gram matrix of the
     centred points is B = -1/2 J D^2 J with J = I - 1 1^T / N and D^2 squared entry by entry.
     (Expand |y_i - y_j|^2 to see why.)
  3. Classical MDS: the top d eigenpairs (lambda, v) of B give the coordinates
     Y = V_d diag(sqrt(lambda_d)), (N, d). Only Y Y^T is graded (eigenvector signs are free).

Check your answers:  python 10_pca_isomap.py   (or: scratchae exercises check 10_pca_isomap)
"""
import numpy as np  # noqa: F401  (you will need it)


def pca_reconstruction_error(X_train, X, d):
    """Fit PCA with d directions on X_train (n, D); return the squared reconstruction error of
    each row of X (m, D): shape (m,)."""
    raise NotImplementedError


def double_centering(D):
    """B = -1/2 J D^2 J for a distance matrix D (N, N). Returns (N, N)."""
    raise NotImplementedError


def mds_embedding(D, d):
    """Classical MDS coordinates Y (N, d) of the distance matrix D (N, N)."""
    raise NotImplementedError


if __name__ == "__main__":
    from scratchae.exercises import check_file
    raise SystemExit(check_file(__file__, "10_pca_isomap"))
