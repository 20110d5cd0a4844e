"""Autoencoders and their variational relatives, built only from :mod:`scratchae.nn`."""
from scratchae.models.base import Model, save_npz_atomic

__all__ = ["Model", "save_npz_atomic"]

# --- autoencoders ---
from scratchae.models.autoencoder import Autoencoder, tied_gradient
from scratchae.models.contractive import (ContractiveAutoencoder, StochasticContractiveAutoencoder,
                                          average_jacobian_norm, contraction_stats,
                                          jacobian_frobenius_norms, jacobian_penalty,
                                          saturated_fraction)
from scratchae.models.denoising import DenoisingAutoencoder
from scratchae.models.rbm import RBM
from scratchae.models.stacked import StackedAutoencoder

__all__ += ["Autoencoder", "tied_gradient", "DenoisingAutoencoder",
            "StochasticContractiveAutoencoder", "ContractiveAutoencoder", "jacobian_penalty",
            "jacobian_frobenius_norms", "average_jacobian_norm", "saturated_fraction",
            "contraction_stats", "StackedAutoencoder", "RBM"]

# --- variational autoencoders ---
from scratchae.models.cvae import CVAE, M2
from scratchae.models.vae import VAE

__all__ += ["VAE", "CVAE", "M2"]

# --- adversarial autoencoders ---
from scratchae.models.aae import AAE
from scratchae.models.aae_semi import SemiSupervisedAAE
from scratchae.models.priors import GaussianMixturePrior, GaussianPrior, SwissRollPrior, get_prior

__all__ += ["AAE", "SemiSupervisedAAE", "GaussianPrior", "GaussianMixturePrior", "SwissRollPrior",
            "get_prior"]
