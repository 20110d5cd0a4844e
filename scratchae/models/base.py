"""What every model shares: the training contract, the one ``fit`` loop, named random streams,
and ``save`` / ``load``.

A model subclass provides

* ``get_config()`` -- its constructor arguments (JSON-serialisable), so ``load`` can rebuild it;
* ``params()``     -- a flat dict ``{"encoder.0.W": array, ...}`` of its own arrays;
* ``check_data(batch)`` -- the tuple of arrays a step works on, checked: ``(x,)``, ``(x, y)``,
  or labelled and unlabelled parts ``(x_l, y_l, x_u)``; the default takes ``(x,)``;
* ``_loss_and_grads(batch, rng)`` -- on a checked batch: ``(metrics, grads)``, with
  ``metrics["loss"]`` the batch-mean loss the gradients ``grads`` (names as ``params()``) belong to;
* ``evaluate(*data)`` -- metrics on held-out data (used for ``validation_data``), a dict;

and inherits ``loss_and_grads(batch, rng)`` (check, then ``_loss_and_grads``), ``train_step``,
``fit``, ``save`` and ``load``.

Training. :meth:`Model._fit` is the only training loop. It checks *all* the data (training and
validation) before the first step, builds the optimizers (or keeps the ones of the last ``fit``
when their whole configuration is unchanged), then for each shuffled mini-batch calls
``train_step(batch, rng)``: by default one guarded optimizer step on ``loss_and_grads``; a model
with phases (the adversarial autoencoders) overrides it. Each public ``fit`` only names its data
and options and hands them to ``_fit``.

Randomness. A model's seed is split by ``numpy.random.SeedSequence(seed).spawn`` into named
streams (:data:`STREAMS`): ``init`` draws the weights, ``shuffle`` the order of the examples,
``noise`` the training noise (corruption, z samples, prior samples), ``evaluate`` and ``sample``
the noise of the evaluation and sampling methods. The shuffle and noise generators live on the
model, so a second ``fit`` continues them (fresh noise), while a new model with the same seed
repeats the same bits. ``fit(seed=s)`` runs on streams of its own, spawned from ``s``.

Checkpoints are ``.npz`` files written atomically (a temporary file in the same folder, then
``os.replace``), with the permissions ``np.savez`` would give (the umask applies); they are read
with ``allow_pickle=False``. The class name, the config and any fitted settings are stored beside
the arrays; a file that is not such a checkpoint raises ``ValueError`` naming its path.
"""
import json
import os
import tempfile

import numpy as np

from scratchae._validation import as_2d_array, check_positive, check_seed, check_unit_interval
from scratchae.models.data_parallel import ParallelSteps, threads_requested
from scratchae.nn import optimizers as optimizers_module
from scratchae.nn.training import LabelledBatches, apply_step, fit_loop

__all__ = ["Model", "save_npz_atomic", "MODEL_REGISTRY", "STREAMS"]

#: class name -> class, filled by ``Model.__init_subclass__`` so ``Model.load`` can dispatch.
MODEL_REGISTRY = {}

#: the named random streams of a model, in spawn order (append new names at the end only: the
#: k-th child of a SeedSequence does not depend on how many are spawned after it).
STREAMS = ("init", "shuffle", "noise", "evaluate", "sample", "discriminator", "classifier",
           "pretrain")


def seed_streams(seed):
    """{name: SeedSequence} for every name of :data:`STREAMS`, spawned from ``seed``."""
    return dict(zip(STREAMS, np.random.SeedSequence(seed).spawn(len(STREAMS))))


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_npz_atomic(path, arrays):
    """Write ``arrays`` (name -> ndarray) to ``path`` as .npz through a temporary file and a
    rename; a crash mid-write leaves any earlier file at ``path`` untouched. The file gets the
    mode a plain ``open`` would give it (0o666 less the umask)."""
    path = os.fspath(path)
    if not path.endswith(".npz"):
        path += ".npz"
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=folder)   # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


class Model:
    """Base class of every trainable model (see the module docstring for the contract)."""

    #: the input must lie in [0, 1] (a Bernoulli decoder); subclasses set it from their likelihood.
    requires_unit_interval = False

    #: attributes set by ``fit`` (not constructor arguments) that a checkpoint must keep.
    fitted_settings = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        MODEL_REGISTRY[cls.__name__] = cls

    # -------------------------------------------------------------------- random streams
    def _init_streams(self, seed):
        """Check ``seed`` (None: fresh entropy, recorded in ``self.seed``) and spawn the streams."""
        self.seed = check_seed(seed)
        self._seeds = seed_streams(self.seed)
        self._fit_rngs = {name: np.random.default_rng(self._seeds[name])
                          for name in ("shuffle", "noise")}
        self._optimizers = {}

    def stream(self, name):
        """A new generator on the named stream of the model's seed: the same bits on every call."""
        return np.random.default_rng(self._seeds[name])

    # -------------------------------------------------------------------------- contract
    def get_config(self):
        raise NotImplementedError

    def params(self):
        raise NotImplementedError

    def evaluate(self, x):
        raise NotImplementedError

    def _loss_and_grads(self, batch, rng):
        raise NotImplementedError

    def check_data(self, batch, name="x"):
        """The data tuple ``(x,)`` (a bare array ``x`` means the same), checked by
        :meth:`check_input`. Models that take labels override this."""
        batch = batch if isinstance(batch, tuple) else (batch,)
        if len(batch) != 1:
            raise ValueError(f"{type(self).__name__} takes the data (x,); got a tuple of "
                             f"{len(batch)} arrays")
        return (self.check_input(batch[0], name),)

    def loss_and_grads(self, batch, rng=None):
        """The mean loss on ``batch`` (a tuple of arrays, see :meth:`check_data`) and its
        gradients: ``(metrics, grads)``. ``rng`` draws any noise (default: a fresh generator on
        the model's ``noise`` stream, so the same call gives the same numbers)."""
        return self._loss_and_grads(self.check_data(batch), self._rng(rng, "noise"))

    def train_step(self, batch, rng):
        """One update on a checked ``batch``: by default one guarded step of the optimizer of
        the last :meth:`fit` on :meth:`loss_and_grads`. Returns the batch's metrics."""
        (opt,) = self._phase_optimizers(("model",)).values()
        parallel = getattr(self, "_parallel", None)
        if parallel is not None and parallel.splits(batch):     # fit on several threads
            return parallel.step(opt, batch, rng)
        metrics, grads = self._loss_and_grads(batch, rng)
        params = self.params()
        apply_step(opt, {k: params[k] for k in grads}, grads, metrics["loss"])
        return metrics

    def _phase_optimizers(self, phases):
        """{phase: optimizer} of the last :meth:`fit` for these phases, or ValueError."""
        missing = [p for p in phases if p not in self._optimizers]
        if missing:
            raise ValueError(f"train_step needs optimizers for {missing}: they are built by "
                             "fit, so call fit first")
        return {p: self._optimizers[p] for p in phases}

    # ------------------------------------------------------------------------- utilities
    def _rng(self, rng, stream):
        """``rng`` as a generator; ``None`` gives a fresh one on the named stream."""
        if rng is None:
            return self.stream(stream)
        if isinstance(rng, np.random.Generator):
            return rng
        return np.random.default_rng(rng)

    @property
    def optimizer(self):
        """The optimizer of the last :meth:`fit` (None before the first). It, and its state,
        carry over to the next call whose optimizer has the same configuration (name, lr,
        weight_decay, ...); a ``callback`` may change ``optimizer.lr`` between epochs."""
        return self._optimizers.get("model")

    @property
    def n_features(self):
        return int(self.get_config()["layer_sizes"][0])

    def check_input(self, x, name="x"):
        """x as a 2-D array of this model's dtype and width; [0, 1] if the likelihood needs it."""
        x = as_2d_array(x, name, n_features=self.n_features, dtype=self.dtype)
        if self.requires_unit_interval:
            check_unit_interval(x, name, "inputs of a model with a Bernoulli likelihood")
        return x

    # ------------------------------------------------------------------------ training
    def fit(self, x, epochs=10, batch_size=128, optimizer="adam", lr=1e-3, validation_data=None,
            progress="auto", seed=None, weight_decay=0.0, callback=None):
        """Train by mini-batch gradient descent on ``x`` (n, D); returns a
        :class:`~scratchae.nn.training.History` with per-epoch means of the training metrics
        (and ``val_`` metrics when ``validation_data`` is given). See :meth:`_fit`."""
        self.history_ = self._fit(self.check_data((x,)), validation_data, epochs=epochs,
                                  batch_size=batch_size, optimizer=optimizer,
                                  rates={"model": lr}, progress=progress, seed=seed,
                                  weight_decay=weight_decay, callback=callback)
        return self.history_

    def _optimizers_for(self, optimizer, rates, weight_decay):
        """One optimizer per phase (``rates``: phase -> learning rate). The optimizer of the
        last fit is kept, with its state, when its whole config equals the one asked for."""
        if isinstance(optimizer, optimizers_module.Optimizer):
            if len(rates) != 1:
                raise ValueError(f"{type(self).__name__} trains {len(rates)} phases, each with "
                                 "its own optimizer: give the optimizer by name")
            return {phase: optimizer for phase in rates}
        out = {}
        for phase, rate in rates.items():
            check_positive(rate, f"learning rate of the {phase} phase" if len(rates) > 1
                           else "lr")
            wanted = optimizers_module.get(optimizer, lr=rate, weight_decay=weight_decay)
            old = self._optimizers.get(phase)
            same = old is not None and old.get_config() == wanted.get_config()
            out[phase] = old if same else wanted
        return out

    def _fit(self, data, validation_data, epochs, batch_size, optimizer, rates, progress, seed,
             weight_decay, callback, labelled=None, labelled_batch_size=None):
        """The training loop of every model.

        ``data``: checked arrays of the same length, cut by one shuffled index per step (an
        epoch is one pass over them). ``labelled``: checked arrays (x_l, y_l) cycled in batches
        of ``labelled_batch_size`` (:class:`~scratchae.nn.training.LabelledBatches`); each step's
        batch is then ``labelled part + data part``. ``validation_data`` (x, or a tuple in the
        layout of :meth:`evaluate`) is checked here, before the first step, and evaluated after
        each epoch. ``rates``: phase -> learning rate, one optimizer each.

        Each step calls ``train_step(batch, rng)`` with the ``noise`` generator. With more than
        one training thread (``SCRATCHAE_THREADS``, see :mod:`scratchae.models.data_parallel`)
        the default step cuts the batch into one part per thread. A NaN/inf loss
        stops training with ``TrainingDiverged`` and leaves the parameters as they were before
        that step. Returns the :class:`~scratchae.nn.training.History`.
        """
        val = None
        if validation_data is not None:
            val = self.check_data(validation_data, "validation_data")
        check_positive(epochs, "epochs", integer=True)
        check_positive(batch_size, "batch_size", integer=True)
        if labelled is not None:
            check_positive(labelled_batch_size, "labelled_batch_size", integer=True)
        self._optimizers.update(self._optimizers_for(optimizer, rates, weight_decay))
        rngs = self._fit_rngs if seed is None else {
            name: np.random.default_rng(s) for name, s in seed_streams(check_seed(seed)).items()}
        shuffle, noise = rngs["shuffle"], rngs["noise"]
        cycle = None if labelled is None else LabelledBatches(labelled, labelled_batch_size,
                                                              shuffle)

        def step(idx):
            batch = tuple(a[idx] for a in data)
            if cycle is not None:
                batch = next(cycle) + batch
            return self.train_step(batch, noise)

        validate = None if val is None else (lambda: self.evaluate(*val))
        # with more than one training thread (SCRATCHAE_THREADS), the default train_step cuts
        # each batch into one part per thread (models/data_parallel.py); the threads end here
        with ParallelSteps(self, threads_requested()) as self._parallel:
            try:
                return fit_loop(step, data[0].shape[0], epochs, batch_size, rng=shuffle,
                                validate=validate, progress=progress, desc=type(self).__name__,
                                callback=callback)
            finally:
                self._parallel = None

    # ------------------------------------------------------------------------ checkpoints
    def save(self, path):
        """Write the model to ``path`` (.npz, atomically). Returns the path written."""
        arrays = {f"param:{k}": np.asarray(v) for k, v in self.params().items()}
        arrays["__class__"] = np.array(type(self).__name__)
        arrays["__config__"] = np.array(json.dumps(self.get_config()))
        settings = {k: getattr(self, k) for k in self.fitted_settings if hasattr(self, k)}
        arrays["__fitted__"] = np.array(json.dumps(settings))
        return save_npz_atomic(path, arrays)

    @classmethod
    def load(cls, path):
        """Read a model written by :meth:`save`. ``Model.load`` returns whatever class was saved;
        ``VAE.load`` refuses a file holding another class. A file that is not a readable
        checkpoint, or whose arrays do not fit the stored architecture or are not finite, raises
        ``ValueError`` naming the path."""
        path = os.fspath(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                if "__class__" not in data or "__config__" not in data:
                    raise ValueError("no __class__/__config__ entries")
                name = str(data["__class__"])
                config = json.loads(str(data["__config__"]))
                settings = json.loads(str(data["__fitted__"])) if "__fitted__" in data else {}
                arrays = {k[len("param:"):]: data[k] for k in data.files
                          if k.startswith("param:")}
        except FileNotFoundError:
            raise
        except Exception as err:       # BadZipFile, EOFError, JSONDecodeError, pickled arrays...
            raise ValueError(f"{path} is not a readable scratchae checkpoint: "
                             f"{type(err).__name__}: {err}") from err
        if name not in MODEL_REGISTRY:
            raise ValueError(f"{path} holds a {name}, which this version of scratchae does not know")
        target = MODEL_REGISTRY[name]
        if cls is not Model and not issubclass(target, cls):
            raise ValueError(f"{path} holds a {name}, not a {cls.__name__}")
        if not isinstance(config, dict):
            raise ValueError(f"{path}: the stored config is not a dict of arguments: {config!r}")
        try:
            model = target(**config)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{path}: its config does not build a {name}: {err}") from err
        own = model.params()
        if set(own) != set(arrays):
            raise ValueError(f"{path}: parameter names {sorted(arrays)} do not match the "
                             f"architecture's {sorted(own)}")
        for k, v in arrays.items():
            if own[k].shape != v.shape:
                raise ValueError(f"{path}: parameter {k} has shape {v.shape}, but the "
                                 f"architecture {config.get('layer_sizes')} needs {own[k].shape}")
            if v.dtype.kind not in "fiu" or not np.isfinite(v).all():
                raise ValueError(f"{path}: parameter {k} holds NaN/inf or non-numeric values")
            own[k][...] = v
        for k, v in settings.items():
            if k in target.fitted_settings:
                setattr(model, k, v)
        return model
