"""``keras.utils``: ``set_random_seed`` and ``Progbar``."""

from __future__ import annotations

from dense_studio.keras._random import set_random_seed
from dense_studio.keras._unsupported import module_getattr
from dense_studio.keras.progbar import Progbar

__all__ = ["Progbar", "set_random_seed"]
__getattr__ = module_getattr("keras.utils", __all__)
