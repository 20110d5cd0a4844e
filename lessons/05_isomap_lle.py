"""Lesson 05: Isomap and LLE -- unrolling the swiss roll with a neighbourhood graph
=================================================================================

Slides, part 02 ("Isomap", "LLE")::

    Isomap  1. construct the neighbourhood graph d_x(i, j) (K nearest neighbours, or radius eps)
            2. shortest paths approximate geodesic distances (Floyd--Warshall:
               d_G(i, j) <- min{d_G(i, j), d_G(i, k) + d_G(k, j)} for k = 1..N)
            3. a d-dimensional embedding by MDS
    LLE     1. assign neighbours (k-NN)  2. reconstruct each point from its neighbours with
            weights summing to 1  3. embed so that the same weights reconstruct the coordinates

1. The swiss roll is a 2-D sheet rolled up in 3-D; straight-line (Euclidean) distances cut
   across the roll, distances along the k-NN graph follow it.
2. Dijkstra from every node gives the slide's Floyd--Warshall distances, much faster.
3. PCA vs Isomap vs LLE on the swiss roll and the S-curve, scored against the true unrolled
   coordinates.
4. The failure case: too many neighbours. Edges jump between layers of the roll
   ("short circuits"), geodesic distances collapse, and so does the embedding.
"""
import numpy as np

from scratchae.data import s_curve, swiss_roll
from scratchae.kernels.graph import shortest_paths
from scratchae.lesson import check, header, parse_args, save_figure
from scratchae.manifold import PCA, Isomap, LocallyLinearEmbedding, knn, knn_graph
from scratchae.viz import _plt

args = parse_args("Lesson 05: Isomap and LLE -- unrolling the swiss roll")
plt = _plt()
np.set_printoptions(precision=4, suppress=True)
header("Lesson 05 -- Isomap and LLE")

# %%
# Knobs
# -----
# The number of points on each surface, the neighbourhood size of Isomap (LLE uses ``K + 2``),
# and the too-large neighbourhood of part 4.
N = 1000 if args.quick else 2500
K = 10
K_TOO_MANY = 30
print(f"[data] synthetic: swiss roll and S-curve, {N} points each (and a second swiss roll of "
      "1000 points)")

# %%
# Helpers: the true coordinates and three scores
# ----------------------------------------------
# Each synthetic point comes with its true position on the sheet, so an embedding can be scored
# against the truth: rank correlation with the position along the curve, the share of true
# 10-nearest neighbours kept, and the Procrustes misfit of the shape.


def arc_length(t):
    """Length of the spiral (t cos t, t sin t) from 0 to t: 1/2 (t sqrt(1 + t^2) + asinh t)."""
    return 0.5 * (t * np.sqrt(1.0 + t * t) + np.arcsinh(t))


def unrolled(name, X, t):
    """The true 2-D coordinates of each point: position along the curve, and height."""
    along = arc_length(t) if name == "swiss roll" else t
    return np.column_stack([along, X[:, 1]])


def rank_corr(a, b):
    """Spearman's rank correlation."""
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def neighbours_kept(U, Y, k=10):
    """Mean share of each point's k nearest neighbours in the true coordinates U that are also
    among its k nearest in the embedding Y (1 = every neighbourhood kept)."""
    a, b = knn(U, k)[1], knn(Y, k)[1]
    return float(np.mean([len(np.intersect1d(p, q)) / k for p, q in zip(a, b)]))


def procrustes(U, Y):
    """1 - fit of Y to U after the best shift, scale, rotation and reflection (0 = same shape)."""
    U, Y = U - U.mean(0), Y - Y.mean(0)
    U, Y = U / np.linalg.norm(U), Y / np.linalg.norm(Y)
    return float(1.0 - np.linalg.svd(U.T @ Y, compute_uv=False).sum() ** 2)


def draw_graph(ax, X, graph, colour, bad=None, title=""):
    from mpl_toolkits.mplot3d.art3d import Line3DCollection
    r, c = graph.rows(), graph.indices
    keep = r < c
    segs = np.stack([X[r[keep]], X[c[keep]]], axis=1)
    ax.add_collection3d(Line3DCollection(segs, colors="0.55", linewidths=0.3))
    if bad is not None and bad.any():
        ax.add_collection3d(Line3DCollection(segs[bad[keep]], colors="red", linewidths=1.2))
    ax.scatter(X[:, 0], X[:, 1], X[:, 2], c=colour, s=3, cmap="viridis", depthshade=False)
    ax.view_init(elev=12, azim=-75)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_zticks([])


# %%
# 1. The neighbourhood graph
# --------------------------
# ``i -- j`` when ``j`` is among the ``K`` nearest of ``i`` or the other way round; the edge weight
# is the straight-line distance. Shortest paths through the graph estimate geodesic distances.
print(f"\n1. The swiss roll, N = {N}: the K = {K} nearest-neighbour graph")
X, t = swiss_roll(N, rng=args.seed)
U = unrolled("swiss roll", X, t)
graph = knn_graph(X, K)
r, c = graph.rows(), graph.indices
true_len = np.linalg.norm(U[r] - U[c], axis=1)
print(f"   {graph.n_edges // 2} edges (i -- j if j is among the {K} nearest of i or i among j's);"
      f" longest edge {graph.weights.max():.2f}, roll layers are 2 pi = {2 * np.pi:.2f} apart")
check(np.all(true_len < 2.0 * graph.weights + 1e-9),
      "every edge joins points that are also close along the sheet (no short circuit)")
iso = Isomap(n_neighbors=K).fit(X)
D_G = iso.dist_matrix_
E = np.linalg.norm(X[:, None] - X[None], axis=-1)
T = np.linalg.norm(U[:, None] - U[None], axis=-1)               # true geodesic distances
far = T > 20
err_graph = np.median(np.abs(D_G[far] - T[far]) / T[far])
err_eucl = np.median(np.abs(E[far] - T[far]) / T[far])
print(f"   pairs more than 20 apart along the sheet: median relative error of the distance "
      f"through the graph {err_graph:.1%}, of the straight line {err_eucl:.1%}")
check(err_graph < 0.1 < 0.3 < err_eucl,
      "graph distances follow the roll; straight lines cut across it")
sample = np.random.default_rng(args.seed).choice(np.flatnonzero(far.ravel()), 4000, replace=False)
fig = plt.figure(figsize=(11, 4.2))
draw_graph(fig.add_subplot(1, 2, 1, projection="3d"), X, graph, t,
           title=f"swiss roll and its {K}-NN graph (colour = position t)")
ax = fig.add_subplot(1, 2, 2)
ax.plot(T.ravel()[sample], E.ravel()[sample], ".", ms=2, color="tab:orange",
        label="straight line ||x_i - x_j||")
ax.plot(T.ravel()[sample], D_G.ravel()[sample], ".", ms=2, color="tab:blue",
        label="shortest path in the graph d_G")
ax.plot([0, T.max()], [0, T.max()], "k--", lw=1, label="true distance along the sheet")
ax.set_xlabel("true geodesic distance")
ax.set_ylabel("estimated distance")
ax.legend(fontsize=8, markerscale=4)
ax.set_title("Geodesic vs Euclidean distance")
save_figure(fig, args, "05_graph_and_geodesics.png")

# %%
# 2. Floyd--Warshall and Dijkstra
# -------------------------------
# The slide's triple loop and Dijkstra from every node compute the same distances; the library's
# kernel runs Dijkstra.
print("\n2. Shortest paths: the slide's Floyd--Warshall and Dijkstra from every node agree")
small = knn_graph(X[:300], K)
ident = np.arange(300, dtype=np.int64)
fw = shortest_paths.twin(small.indptr, small.indices, small.weights, ident)     # slide's form
dj = shortest_paths.jit(small.indptr, small.indices, small.weights, ident)     # compiled kernel
print(f"   300 points: max |Floyd-Warshall - Dijkstra| = {np.abs(fw - dj).max():.2e} "
      f"(N^3 = {300 ** 3:.1e} updates vs about N E log N = "
      f"{300 * small.n_edges * np.log2(300):.1e})")
check(np.allclose(fw, dj, rtol=1e-12, atol=0), "Floyd-Warshall and Dijkstra give the same d_G")
print(f"   MDS of d_G: top eigenvalues of -1/2 J D_G^2 J {np.array2string(iso.eigenvalues_)};"
      f" a 2-D sheet gives two large ones")

# %%
# 3. PCA, Isomap and LLE on two surfaces
# --------------------------------------
print("\n3. PCA vs Isomap vs LLE, scored against the true unrolled coordinates")
print("   (rank corr. of the best coordinate with t | share of 10-NN kept | Procrustes misfit)")
results = {}
fig, axes = plt.subplots(2, 4, figsize=(13, 6.2))
for row, (name, gen) in enumerate([("swiss roll", swiss_roll), ("S-curve", s_curve)]):
    Xs, ts = gen(N, rng=args.seed + 1)
    Us = unrolled(name, Xs, ts)
    ax = fig.add_subplot(2, 4, 4 * row + 1, projection="3d")
    axes[row, 0].remove()
    ax.scatter(Xs[:, 0], Xs[:, 1], Xs[:, 2], c=ts, s=3, cmap="viridis", depthshade=False)
    ax.view_init(elev=12, azim=-75)
    ax.set_title(f"{name} (3-D)", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_zticks([])
    for col, (method, est) in enumerate([("PCA", PCA(2)), ("Isomap", Isomap(n_neighbors=K)),
                                         ("LLE", LocallyLinearEmbedding(n_neighbors=K + 2))], 1):
        Y = est.fit_transform(Xs)
        rho = max(abs(rank_corr(Y[:, j], ts)) for j in range(2))
        kept, mis = neighbours_kept(Us, Y), procrustes(Us, Y)
        results[name, method] = (rho, kept, mis)
        print(f"   {name:10s} {method:6s}  {rho:.3f} | {kept:.2f} | {mis:.3f}")
        a = axes[row, col]
        a.scatter(Y[:, 0], Y[:, 1], c=ts, s=3, cmap="viridis")
        a.set_title(f"{method}: 10-NN kept {kept:.2f}", fontsize=9)
        a.set_xticks([])
        a.set_yticks([])
fig.suptitle("Colour = position along the curve: a good embedding shows a smooth gradient")
save_figure(fig, args, "05_pca_isomap_lle.png")
for name in ("swiss roll", "S-curve"):
    check(results[name, "Isomap"][0] > 0.99 and results[name, "Isomap"][2] < 0.05,
          f"{name}: Isomap unrolls the sheet (order along t kept, shape close to the truth)")
    check(results[name, "LLE"][1] > results[name, "PCA"][1],
          f"{name}: LLE keeps more neighbourhoods than PCA's flat projection")
check(results["swiss roll", "PCA"][0] < 0.9,
      "swiss roll: the linear projection cannot unroll it (points far apart along the roll land"
      " together)")
print("   LLE keeps neighbourhoods but not distances: its coordinates are scaled to unit "
      "variance\n   per direction (Y^T Y = I), so the sheet comes out squeezed and bent.")

# %%
# 4. Too many neighbours
# ----------------------
# An edge is a short circuit when the two points it joins are more than three times farther
# apart along the sheet than in space: the edge jumps between layers of the roll.
print("\n4. The failure case: too many neighbours short-circuit the roll (N = 1000)")
Xf, tf = swiss_roll(1000, rng=args.seed + 2)
Uf = unrolled("swiss roll", Xf, tf)
fig = plt.figure(figsize=(12, 7.5))
summary = {}
for col, k in enumerate((K, K_TOO_MANY)):
    g = knn_graph(Xf, k)
    rows_, cols_ = g.rows(), g.indices
    along = np.linalg.norm(Uf[rows_] - Uf[cols_], axis=1)
    short = along > 3.0 * g.weights                  # 3x longer along the sheet than the edge
    Y = Isomap(n_neighbors=k).fit_transform(Xf)
    rho = max(abs(rank_corr(Y[:, j], tf)) for j in range(2))
    summary[k] = (int(short.sum() // 2), rho)
    print(f"   K = {k:2d}: {short.sum() // 2:4d} short-circuit edges; Isomap's rank correlation "
          f"with t = {rho:.3f}")
    draw_graph(fig.add_subplot(2, 2, col + 1, projection="3d"), Xf, g, tf, bad=short,
               title=f"K = {k}: {short.sum() // 2} short circuits (red)")
    a = fig.add_subplot(2, 2, col + 3)
    a.scatter(Y[:, 0], Y[:, 1], c=tf, s=3, cmap="viridis")
    a.set_title(f"Isomap with K = {k}: rank corr. with t {rho:.2f}", fontsize=9)
    a.set_xticks([])
    a.set_yticks([])
save_figure(fig, args, "05_short_circuit.png")
check(summary[K][0] == 0 and summary[K_TOO_MANY][0] > 0,
      f"K = {K_TOO_MANY} adds edges across the layers ({summary[K_TOO_MANY][0]}); K = {K} has none")
check(summary[K_TOO_MANY][1] < 0.8 < 0.99 < summary[K][1],
      f"short circuits fold the embedding: rank correlation {summary[K][1]:.3f} with K = {K}, "
      f"{summary[K_TOO_MANY][1]:.3f} with K = {K_TOO_MANY}")

# %%
# Summary
# -------
sr, sc = results["swiss roll", "Isomap"], results["swiss roll", "PCA"]
print(f"""
Summary
-------
* Isomap replaces straight-line distances by shortest paths in a neighbourhood graph (median
  error {err_graph:.1%} against {err_eucl:.1%} for straight lines, on pairs far apart along the
  sheet), then runs classical MDS: on the swiss roll its two coordinates keep the order along the
  roll (rank correlation {sr[0]:.3f}; PCA's flat projection {sc[0]:.3f}). Dijkstra from every
  node computes the slide's Floyd-Warshall distances.
* LLE keeps only local geometry (each point as a barycentre of its neighbours): it kept
  {results["swiss roll", "LLE"][1]:.2f} of the true 10-NN on the swiss roll (PCA
  {results["swiss roll", "PCA"][1]:.2f}), with no notion of long distances.
* Both hinge on the neighbourhood size: with K = {K_TOO_MANY} the graph had
  {summary[K_TOO_MANY][0]} edges across the layers and Isomap's rank correlation fell to
  {summary[K_TOO_MANY][1]:.3f}.

Exercises
---------
1. Add noise (swiss_roll(N, noise=1.0)). Which K still works for Isomap, and for LLE?
2. Use epsilon-Isomap (Isomap(n_neighbors=None, radius=r)). Find the smallest r whose
   graph is connected and the largest without short circuits. Is there a gap between?
3. Fit Isomap on 1,000 MNIST digits of 3 classes. Does the 2-D map separate them better
   than PCA's (lesson 04)?
4. Write PCA and the MDS step of Isomap yourself: scratchae exercises start 10_pca_isomap.
""")
