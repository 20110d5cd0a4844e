"""Autoencoders and their variational relatives, built only from :mod:`scratchae.nn`."""
from scratchae.models.base import Model, save_npz_atomic

__all__ = ["Model", "save_npz_atomic"]
