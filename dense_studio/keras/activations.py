"""``keras.activations``: the engine's activations under Keras's names. Each is a callable
(``activations.relu(x)``) and is accepted wherever Keras takes an activation, as its name is."""

from __future__ import annotations

from dense_studio.engine.activations import (  # noqa: F401  (re-exported under Keras's names)
    NAMES, elu, gelu, leaky_relu, linear, relu, sigmoid, softmax, swish, tanh,
)
from dense_studio.keras._unsupported import module_getattr
from dense_studio.keras.layers import get_activation as get

silu = swish  # Keras 3's other name for it


def serialize(activation) -> str:
    """The Keras name of an activation."""
    return get(activation).name


__all__ = [*NAMES, "silu", "get", "serialize"]
__getattr__ = module_getattr("keras.activations", __all__)
