"""Checks of the data and settings Keras's methods take, with Keras's one-line wording."""

from __future__ import annotations

import numpy as np

from dense_studio.errors import ConfigError
from dense_studio.keras._unsupported import not_available

DEFAULT_BATCH_SIZE = 32  # Keras's, for fit, evaluate and predict


def verbose(verbose) -> int:
    if verbose == "auto":
        return 1
    if isinstance(verbose, bool) or verbose not in (0, 1, 2):
        raise ConfigError(f"verbose must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
    return int(verbose)


def whole(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ConfigError(f"`{name}` must be a whole number >= 0. Received: {name}={value!r}")
    return int(value)


def batch_size(value) -> int:
    if value is None:
        return DEFAULT_BATCH_SIZE
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"`batch_size` must be a whole number >= 1. Received: batch_size={value!r}")
    return int(value)


def input_array(x, method: str) -> np.ndarray:
    if x is None:
        raise ConfigError(f"{method} needs the inputs x (a numpy array)")
    try:
        return np.asarray(x)
    except (TypeError, ValueError):
        raise ConfigError(f"{method}: x must be a numpy array, not {type(x).__name__}") from None


def arrays(x, y, method: str):
    x = input_array(x, method)
    if y is None:
        raise not_available(f"{method}() without y", "it takes arrays: x and the labels y")
    y = np.asarray(y)
    if len(x) != len(y):
        raise ConfigError(f"Data cardinality is ambiguous: x sizes: {len(x)}, y sizes: {len(y)}. "
                          "Make sure all arrays contain the same number of samples.")
    return x, y


def validation_pair(data):
    if isinstance(data, (tuple, list)) and len(data) == 3 and data[2] is None:
        data = data[:2]
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise ConfigError("validation_data must be a tuple (x_val, y_val)")
    return arrays(data[0], data[1], "validation_data")
