"""The hand-written neural-network core (slides, part 01).

* :mod:`~scratchae.nn.activations` sigma(z) and sigma'(z)
* :mod:`~scratchae.nn.backprop`    the four equations BP1-BP4, one named function each
* :mod:`~scratchae.nn.layers`      :class:`Dense`
* :mod:`~scratchae.nn.network`     :class:`Network`, a stack of Dense layers
* :mod:`~scratchae.nn.losses`      losses as negative log-likelihoods
* :mod:`~scratchae.nn.optimizers`  SGD, momentum, Adam (a numba kernel)
* :mod:`~scratchae.nn.init`        Glorot and He initialisers
* :mod:`~scratchae.nn.training`    mini-batches, the NaN-guarded step, the fit loop
"""
from scratchae.nn import activations, backprop, init, losses, optimizers, training
from scratchae.nn.activations import get as get_activation
from scratchae.nn.backprop import bias_gradient, hidden_error, output_error, weight_gradient
from scratchae.nn.layers import Dense
from scratchae.nn.losses import BernoulliNLL, CategoricalNLL, GaussianNLL
from scratchae.nn.network import Network
from scratchae.nn.optimizers import SGD, Adam, Momentum
from scratchae.nn.training import History, TrainingDiverged, apply_step, fit_loop

__all__ = [
    "activations", "backprop", "init", "losses", "optimizers", "training", "get_activation",
    "output_error", "hidden_error", "bias_gradient", "weight_gradient", "Dense", "Network",
    "GaussianNLL", "BernoulliNLL", "CategoricalNLL", "SGD", "Momentum", "Adam", "History",
    "TrainingDiverged", "apply_step", "fit_loop",
]
