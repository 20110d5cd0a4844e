"""Data parallelism in miniature: one training step on several CPU cores.

The textbook step (:meth:`Model.train_step`) computes the mean loss of a batch of M rows, its
gradients, and one optimizer update. Because the loss is a *mean over rows*, the batch can be
cut into parts of M_1, ..., M_K rows, each part's forward and backward pass run on its own
thread, and the full batch's gradient recovered exactly as the size-weighted sum

    grad = sum_k (M_k / M) grad_k,         grad_k = gradient of the mean loss on part k

(the same for every metric that is a batch mean). This is what distributed training does
between machines; here the "machines" are the cores of one CPU. Then the parameters are dealt
out to the threads in one group per thread, of about equal size, and each thread sums the parts' gradients
and runs the optimizer's update for its own group.

Why threads help at all in Python: NumPy's matrix products and element-wise loops, and the numba
kernels (compiled with ``nogil``), release the global interpreter lock while they run, so two
threads compute at the same time and only the Python glue between calls takes turns. NumPy's
BLAS is held to one thread while the parts run (threadpoolctl), so each product runs on the
thread that calls it and the two never fight over the cores.

Rules the machinery keeps:

* it is off unless asked for: ``SCRATCHAE_THREADS=2`` in the environment or
  ``with training_threads(2): model.fit(...)``; with one thread (the default) ``fit`` runs the
  textbook step unchanged, and ``SCRATCHAE_NUMBA=0`` (the plain-NumPy switch) turns it off too;
* the same seed gives the same bits for a given thread count: part k draws its noise from its
  own generator, spawned from the ``noise`` stream at the first split step and kept with it, so
  a second ``fit`` continues them as one longer ``fit`` would (the noise differs from the
  one-thread run's, and the losses with it, by sampling only);
* the gradients equal the one-thread gradients of the same batch and noise, to rounding;
* the guarded update: a NaN/inf loss or gradient stops training before any parameter changes;
* no thread outlives ``fit``, also when it raises (the pool is shut down and joined).

It applies to the models whose step is a batch mean with no other state
(:data:`SPLITTABLE`); the others (adversarial models with phases, semi-supervised models with
labelled and unlabelled parts) train single-threaded as before.
"""
import contextlib
import contextvars
import copy
import os

import numpy as np

from scratchae.kernels import numba_enabled
from scratchae.nn.network import Network
from scratchae.nn.optimizers import Optimizer, weighted_sum
from scratchae.nn.training import apply_step

__all__ = ["training_threads", "threads_requested", "SPLITTABLE", "ParallelSteps",
           "split_rows", "balanced_groups", "ENV"]

#: the environment variable that sets the number of training threads (default 1).
ENV = "SCRATCHAE_THREADS"

#: classes (by exact name) whose ``_loss_and_grads`` is a mean over the rows of ``(x,)`` or
#: ``(x, y)`` and writes no state but the caches of their networks: their batches may be split.
SPLITTABLE = ("Autoencoder", "DenoisingAutoencoder", "ContractiveAutoencoder",
              "StochasticContractiveAutoencoder", "VAE", "CVAE")

_requested = contextvars.ContextVar("scratchae_training_threads", default=None)


@contextlib.contextmanager
def training_threads(n):
    """Within the block, ``fit`` trains on ``n`` threads (overrides ``SCRATCHAE_THREADS``)."""
    n = _check_threads(n, "training_threads")
    token = _requested.set(n)
    try:
        yield n
    finally:
        _requested.reset(token)


def _check_threads(n, where):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{where}: the number of threads must be a positive integer; got {n!r}")
    return int(n)


def threads_requested():
    """Threads ``fit`` trains on: :func:`training_threads` if inside one, else the environment
    variable ``SCRATCHAE_THREADS``, else 1. Always 1 with ``SCRATCHAE_NUMBA=0``."""
    if not numba_enabled():
        return 1
    n = _requested.get()
    if n is not None:
        return n
    value = os.environ.get(ENV, "").strip()
    if not value:
        return 1
    try:
        return _check_threads(int(value), ENV)
    except ValueError:
        raise ValueError(f"{ENV} must be a positive integer; got {value!r}") from None


def split_rows(m, k):
    """Boundaries of ``k`` contiguous parts of ``m`` rows, sizes differing by at most one:
    ``split_rows(129, 2) == [0, 65, 129]``."""
    base, extra = divmod(m, k)
    bounds = [0]
    for i in range(k):
        bounds.append(bounds[-1] + base + (1 if i < extra else 0))
    return bounds


def balanced_groups(sizes, k):
    """Deal the names of ``sizes`` (name -> number of elements) into ``k`` groups of about equal
    total size: largest first, each to the lightest group (ties: the lower group). Deterministic.
    Returns a list of ``k`` lists of names."""
    groups, loads = [[] for _ in range(k)], [0] * k
    for name in sorted(sizes, key=lambda n: (-sizes[n], n)):
        j = loads.index(min(loads))
        groups[j].append(name)
        loads[j] += sizes[name]
    return groups


def _network_replica(net):
    """A Network whose layers share ``net``'s parameter arrays (the same ``params`` dicts) but
    keep their own caches (a_prev, z, a) and gradients."""
    layers = []
    for layer in net.layers:
        twin = copy.copy(layer)
        twin.grads = {k: np.zeros_like(v) for k, v in layer.grads.items()}
        twin.a_prev = twin.z = twin.a = None
        layers.append(twin)
    return Network(layers)


def model_replica(model):
    """A shallow copy of ``model`` whose networks are replicas (:func:`_network_replica`): it
    computes losses and gradients with the model's own parameters, on caches of its own, so it can
    run beside the model on another thread."""
    twin = copy.copy(model)
    for name, value in vars(model).items():
        if isinstance(value, Network):
            setattr(twin, name, _network_replica(value))
    return twin


def _small_and_finite(grads):
    """Every gradient's sum of squares is finite: then no element exceeds sqrt(max float), so a
    weighted mean of such gradients cannot overflow. (The one-thread step's check is the same
    dot product, see :func:`scratchae.nn.training.apply_step`.)"""
    with np.errstate(over="ignore", invalid="ignore"):
        for g in grads.values():
            g = g.reshape(-1)
            if not np.isfinite(np.dot(g, g)):
                return False
    return True


def _split_update_ok(opt):
    """The optimizer's update may be dealt out by parameter: it uses the base class's ``step``
    (``begin_step``, then one ``update`` per array, each touching only its own state)."""
    return isinstance(opt, Optimizer) and type(opt).step is Optimizer.step


class ParallelSteps:
    """The threads of one ``fit``: built by :meth:`Model._fit` when more than one thread is
    asked for, used by :meth:`Model.train_step`, closed (threads joined, BLAS threads restored)
    when ``fit`` ends. Use it as a context manager.

    ``step(opt, batch, rng)`` does what the textbook step does -- ``_loss_and_grads`` on the
    batch, then the guarded optimizer update -- with the batch cut into ``threads`` parts.
    """

    def __init__(self, model, threads):
        self.model = model
        self.threads = _check_threads(threads, "ParallelSteps")
        # a model whose _loss_and_grads is replaced on the instance (a spy, a patch) is not
        # split: a shallow copy would call the original's bound method from another thread
        self.enabled = (self.threads > 1 and type(model).__name__ in SPLITTABLE
                        and "_loss_and_grads" not in vars(model))
        self._pool = None
        self._blas = None
        self._replicas = None
        self._groups = None

    # ------------------------------------------------------------------- life cycle
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _start(self):
        """Threads and replicas, built at the first split step (or call)."""
        try:
            from threadpoolctl import threadpool_limits
        except ImportError as err:                      # pragma: no cover
            raise ImportError("training on several threads needs threadpoolctl (pip install "
                              "threadpoolctl) to hold NumPy's BLAS to one thread per caller"
                              ) from err
        from concurrent.futures import ThreadPoolExecutor

        self._blas = threadpool_limits(limits=1, user_api="blas")
        self._pool = ThreadPoolExecutor(max_workers=self.threads - 1,
                                        thread_name_prefix="scratchae-fit")
        self._replicas = [self.model] + [model_replica(self.model)
                                         for _ in range(self.threads - 1)]

    def close(self):
        """Join the worker threads and restore BLAS's thread count (idempotent)."""
        pool, blas = self._pool, self._blas
        self._pool = self._blas = None
        self._replicas = None
        try:
            if pool is not None:
                pool.shutdown(wait=True)
        finally:
            if blas is not None:
                blas.restore_original_limits()

    # ---------------------------------------------------------------------------- step
    def _run(self, fn, items):
        """``fn(i, item)`` for each item: item 0 on this thread, the others on the pool.
        Waits for all of them (also when one raises), then returns the results in order or
        raises the first error."""
        futures = [self._pool.submit(fn, i, item) for i, item in enumerate(items) if i > 0]
        results, error = [None] * len(items), None
        try:
            results[0] = fn(0, items[0])
        except BaseException as err:                    # wait for the others, then raise
            error = err
        for i, fut in enumerate(futures, start=1):
            try:
                results[i] = fut.result()
            except BaseException as err:
                error = error or err
        if error is not None:
            raise error
        return results

    def splits(self, batch):
        """Whether this batch is cut: the model is splittable and has at least one row per part."""
        m = batch[0].shape[0]
        return self.enabled and m >= self.threads and all(a.shape[0] == m for a in batch)

    def _parts(self, batch, rngs):
        """Each part's ``(metrics, grads, small_and_finite)``, computed on its own thread, and
        the parts' weights M_k / M."""
        if self._pool is None:
            self._start()
        m = batch[0].shape[0]
        bounds = split_rows(m, self.threads)
        parts = [tuple(a[bounds[i]:bounds[i + 1]] for a in batch) for i in range(self.threads)]
        weights = [(bounds[i + 1] - bounds[i]) / m for i in range(self.threads)]

        def forward_backward(i, part):
            metrics, grads = self._replicas[i]._loss_and_grads(part, rngs[i])
            return metrics, grads, _small_and_finite(grads)

        results = self._run(forward_backward, parts)
        metrics = {key: sum(w * float(r[0][key]) for w, r in zip(weights, results))
                   for key in results[0][0]}
        return metrics, [r[1] for r in results], all(r[2] for r in results), weights

    def loss_and_grads(self, batch, rngs):
        """The batch's metrics and gradients from its parts, as :meth:`Model._loss_and_grads`
        gives them for the whole batch; part k draws its noise from ``rngs[k]``."""
        metrics, per_part, _, weights = self._parts(batch, rngs)
        return metrics, {name: weighted_sum([g[name] for g in per_part], weights)
                         for name in per_part[0]}

    def _part_generators(self, rng):
        """One generator per part, spawned from ``rng`` (the fit's noise stream) the first time
        and kept on the model beside it, so that a second ``fit`` on the same stream continues
        them, as one longer fit would."""
        kept = getattr(self.model, "_part_rngs", None)
        if kept is None or kept[0] is not rng or len(kept[1]) != self.threads:
            kept = self.model._part_rngs = (rng, rng.spawn(self.threads))
        return kept[1]

    def step(self, opt, batch, rng):
        """One guarded update from the batch cut into parts; returns the batch's metrics.
        Part k draws its noise from its own generator (:meth:`_part_generators`)."""
        metrics, per_part, small, weights = self._parts(batch, self._part_generators(rng))
        params = self.model.params()
        names = list(per_part[0])
        if not (np.isfinite(metrics["loss"]) and small and _split_update_ok(opt)):
            # the rare path: sum on this thread, then the one-thread guarded step (it raises
            # TrainingDiverged, parameters untouched, if anything is NaN/inf)
            grads = {name: weighted_sum([g[name] for g in per_part], weights) for name in names}
            apply_step(opt, {k: params[k] for k in names}, grads, metrics["loss"])
            return metrics
        for name in names:
            if per_part[0][name].shape != params[name].shape:
                raise ValueError(f"gradient of {name} must have shape {params[name].shape}; "
                                 f"got {per_part[0][name].shape}")
        if self._groups is None or self._groups[0] != names:
            self._groups = (names, balanced_groups({k: params[k].size for k in names},
                                                   self.threads))
        opt.begin_step()

        def update(i, group):
            for name in group:
                opt.update_from_parts(name, params[name], [g[name] for g in per_part], weights)

        self._run(update, self._groups[1])
        return metrics
