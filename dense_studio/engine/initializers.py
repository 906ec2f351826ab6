"""Weight initializers by Keras name, drawn from a numpy Generator so runs repeat from a seed.

The formulas are Keras's ``VarianceScaling`` family for a kernel of shape
``(fan_in, fan_out)``:

- ``glorot_uniform``: U(-l, l), l = sqrt(6 / (fan_in + fan_out))   (Keras's Dense default)
- ``glorot_normal``: normal with std sqrt(2 / (fan_in + fan_out)) / 0.8796..., truncated at
  two standard deviations (as Keras does, so the truncated std is the nominal one)
- ``he_uniform``: U(-l, l), l = sqrt(6 / fan_in)
- ``he_normal``: truncated normal like glorot_normal with std sqrt(2 / fan_in) / 0.8796...
- ``zeros`` (the default bias initializer)

The random streams are numpy's, not TensorFlow's: the same seed gives the same weights
here every time, but not the same numbers as a Keras run.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from dense_studio.errors import ConfigError

# Std of a unit normal truncated to [-2, 2]; Keras divides by it so the result has the
# requested variance.
_TRUNCATED_STD = 0.87962566103423978


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def _uniform(shape, rng, scale: float, dtype) -> np.ndarray:
    limit = math.sqrt(3.0 * scale)
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def truncated_normal(shape, rng: np.random.Generator, stddev: float, dtype=np.float32):
    """Normal(0, stddev) redrawn until every value lies within two standard deviations."""
    values = rng.standard_normal(size=shape)
    bad = np.abs(values) > 2.0
    while bad.any():
        values[bad] = rng.standard_normal(size=int(bad.sum()))
        bad = np.abs(values) > 2.0
    return (values * stddev).astype(dtype)


def glorot_uniform(shape, rng, dtype=np.float32):
    fan_in, fan_out = _fans(shape)
    return _uniform(shape, rng, 2.0 / max(1.0, fan_in + fan_out), dtype)


def glorot_normal(shape, rng, dtype=np.float32):
    fan_in, fan_out = _fans(shape)
    scale = 2.0 / max(1.0, fan_in + fan_out)
    return truncated_normal(shape, rng, math.sqrt(scale) / _TRUNCATED_STD, dtype)


def he_uniform(shape, rng, dtype=np.float32):
    fan_in, _ = _fans(shape)
    return _uniform(shape, rng, 2.0 / max(1.0, fan_in), dtype)


def he_normal(shape, rng, dtype=np.float32):
    fan_in, _ = _fans(shape)
    scale = 2.0 / max(1.0, fan_in)
    return truncated_normal(shape, rng, math.sqrt(scale) / _TRUNCATED_STD, dtype)


def zeros(shape, rng=None, dtype=np.float32):
    return np.zeros(shape, dtype=dtype)


def ones(shape, rng=None, dtype=np.float32):
    return np.ones(shape, dtype=dtype)


_REGISTRY: dict[str, Callable] = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "zeros": zeros,
    "ones": ones,
}
NAMES = tuple(_REGISTRY)


def get(identifier: "str | Callable") -> Callable:
    """An initializer ``f(shape, rng, dtype) -> array`` by Keras name, or a callable as is."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _REGISTRY:
        return _REGISTRY[identifier]
    raise ConfigError(
        f"unknown initializer {identifier!r} (choose from {', '.join(NAMES)})"
    )

