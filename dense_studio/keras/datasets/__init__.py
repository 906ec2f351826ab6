"""``keras.datasets``: the Fashion-MNIST and MNIST that ship with Dense Studio, returned as
Keras returns them (uint8 arrays, no download)."""

from __future__ import annotations

from dense_studio.keras._unsupported import module_getattr
from dense_studio.keras.datasets import fashion_mnist, mnist  # noqa: F401

__all__ = ["fashion_mnist", "mnist"]
__getattr__ = module_getattr("keras.datasets", __all__, "ships Fashion-MNIST and MNIST", package=__name__)
