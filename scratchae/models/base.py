"""What every model shares: the ``fit`` loop, parameter dicts, and ``save`` / ``load``.

A model subclass provides

* ``get_config()``  -- its constructor arguments (JSON-serialisable), so ``load`` can rebuild it;
* ``params()``      -- a flat dict ``{"encoder.0.W": array, ...}`` of its own arrays;
* ``loss_and_grads(x, rng)`` -- the mean loss on the batch ``x`` (plus any other metrics) and the
  gradients of the loss, same names as ``params()``: returns ``(metrics_dict, grads_dict)`` with
  ``metrics_dict["loss"]`` the value the gradients belong to;
* ``evaluate(x)`` -- metrics on held-out data (used for ``validation_data``), a dict.

and inherits ``fit``, ``save`` and ``load`` from :class:`Model`.

Checkpoints are ``.npz`` files written atomically (a temporary file in the same folder, then
``os.replace``), so a process killed while saving leaves the previous checkpoint intact; they are
read with ``allow_pickle=False``. The class name and the config are stored beside the arrays.
"""
import contextlib
import json
import os
import tempfile

import numpy as np

from scratchae._validation import as_2d_array, check_unit_interval, make_rng
from scratchae.nn import optimizers as optimizers_module
from scratchae.nn.training import apply_step, fit_loop

__all__ = ["Model", "save_npz_atomic", "MODEL_REGISTRY"]

#: class name -> class, filled by ``Model.__init_subclass__`` so ``Model.load`` can dispatch.
MODEL_REGISTRY = {}


def save_npz_atomic(path, arrays):
    """Write ``arrays`` (name -> ndarray) to ``path`` as .npz through a temporary file and a
    rename; a crash mid-write leaves any earlier file at ``path`` untouched."""
    path = os.fspath(path)
    if not path.endswith(".npz"):
        path += ".npz"
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
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

    #: the mini-batch a training step of ``fit`` is working on, cut from data that has passed
    #: :meth:`check_input` (see :meth:`_checked_batch`); None outside such a step
    _batch_from_checked_data = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        MODEL_REGISTRY[cls.__name__] = cls

    # -------------------------------------------------------------------------- contract
    def get_config(self):
        raise NotImplementedError

    def params(self):
        raise NotImplementedError

    def loss_and_grads(self, x, rng):
        raise NotImplementedError

    def evaluate(self, x):
        raise NotImplementedError

    # ------------------------------------------------------------------------- utilities
    @property
    def optimizer(self):
        """The optimizer of the last :meth:`fit` (None before the first). Its state, and its
        ``lr``, carry over to the next call with the same optimizer name and ``lr``; a
        ``callback`` may change ``optimizer.lr`` between epochs (a step-size schedule)."""
        return getattr(self, "_optimizer", None)

    @property
    def n_features(self):
        return int(self.get_config()["layer_sizes"][0])

    def check_input(self, x, name="x"):
        """x as a 2-D array of this model's dtype and width; [0, 1] if the likelihood needs it.
        The batch ``fit`` cut from data it has already checked is passed through unchanged."""
        if x is self._batch_from_checked_data:
            return x
        x = as_2d_array(x, name, n_features=self.n_features, dtype=self.dtype)
        if self.requires_unit_interval:
            check_unit_interval(x, name, "inputs of a model with a Bernoulli likelihood")
        return x

    @contextlib.contextmanager
    def _checked_batch(self, x, idx):
        """``with self._checked_batch(x, idx) as batch:`` -- ``x[idx]`` for one training step,
        where ``x`` has passed :meth:`check_input`.

        Rows of checked data need no second check, and the check of every batch (NaN/inf and
        the [0, 1] range: three passes over it) took 65 us of each ~4.5 ms step of the
        ``vae-train`` benchmark. So inside the block ``check_input`` lets this one array object
        through; any other array, however it was made, is checked as before, and after the
        block (even one left by an exception) the batch is forgotten.
        """
        self._batch_from_checked_data = batch = x[idx]
        try:
            yield batch
        finally:
            self._batch_from_checked_data = None

    def fit(self, x, epochs=10, batch_size=128, optimizer="adam", lr=1e-3, validation_data=None,
            progress="auto", seed=None, weight_decay=0.0, callback=None):
        """Train by mini-batch gradient descent; returns a :class:`~scratchae.nn.training.History`
        with per-epoch means of the training metrics (and ``val_`` metrics when
        ``validation_data`` is given). The optimizer's state persists across calls to ``fit``.
        A NaN/inf loss stops training with ``TrainingDiverged`` and leaves the parameters as they
        were before that step."""
        x = self.check_input(x)
        x_val = self.check_input(validation_data, "validation_data") \
            if validation_data is not None else None
        opt = getattr(self, "_optimizer", None)
        if opt is None or not isinstance(optimizer, str) or \
                type(opt).__name__.lower() != optimizer.lower() or opt.lr != lr:
            opt = optimizers_module.get(optimizer, lr=lr, weight_decay=weight_decay)
            self._optimizer = opt
        rng = make_rng(self.seed + 1 if seed is None else seed) if hasattr(self, "seed") \
            else make_rng(seed)
        params = self.params()

        def step(idx):
            with self._checked_batch(x, idx) as batch:
                metrics, grads = self.loss_and_grads(batch, rng)
            apply_step(opt, params, grads, metrics["loss"])
            return metrics

        validate = (lambda: self.evaluate(x_val)) if x_val is not None else None
        history = fit_loop(step, x.shape[0], epochs, batch_size, rng=rng, validate=validate,
                           progress=progress, desc=type(self).__name__, callback=callback)
        self.history_ = history
        return history

    # ------------------------------------------------------------------------ checkpoints
    def save(self, path):
        """Write the model to ``path`` (.npz, atomically). Returns the path written."""
        arrays = {f"param:{k}": np.asarray(v) for k, v in self.params().items()}
        arrays["__class__"] = np.array(type(self).__name__)
        arrays["__config__"] = np.array(json.dumps(self.get_config()))
        return save_npz_atomic(path, arrays)

    @classmethod
    def load(cls, path):
        """Read a model written by :meth:`save`. ``Model.load`` returns whatever class was saved;
        ``VAE.load`` refuses a file holding another class. A file whose arrays do not fit the
        stored architecture raises ``ValueError``."""
        with np.load(os.fspath(path), allow_pickle=False) as data:
            if "__class__" not in data or "__config__" not in data:
                raise ValueError(f"{path} is not a scratchae checkpoint (no __class__/__config__)")
            name = str(data["__class__"])
            config = json.loads(str(data["__config__"]))
            arrays = {k[len("param:"):]: data[k] for k in data.files if k.startswith("param:")}
        if name not in MODEL_REGISTRY:
            raise ValueError(f"{path} holds a {name}, which this version of scratchae does not know")
        target = MODEL_REGISTRY[name]
        if cls is not Model and not issubclass(target, cls):
            raise ValueError(f"{path} holds a {name}, not a {cls.__name__}")
        model = target(**config)
        own = model.params()
        if set(own) != set(arrays):
            raise ValueError(f"{path}: parameter names {sorted(arrays)} do not match the "
                             f"architecture's {sorted(own)}")
        for k, v in arrays.items():
            if own[k].shape != v.shape:
                raise ValueError(f"{path}: parameter {k} has shape {v.shape}, but the "
                                 f"architecture {config.get('layer_sizes')} needs {own[k].shape}")
            own[k][...] = v
        return model
