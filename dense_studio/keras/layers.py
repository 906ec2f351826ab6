"""``keras.layers`` for Dense Studio: ``Dense``, ``Flatten``, ``Dropout`` and ``Input``.

The layers are the engine's own (a ``dense_studio.keras`` model trains them with the
engine's loop), with Keras 3's signatures: the extra Keras arguments are accepted at their
defaults and refused by name otherwise, ``input_shape=`` may go on the first layer, and
layers are named as Keras names them ("dense", "dense_1", ...).
"""

from __future__ import annotations

import numpy as np

from dense_studio.engine import activations as _engine_activations
from dense_studio.engine import layers as _engine
from dense_studio.errors import ConfigError
from dense_studio.keras import _names
from dense_studio.keras._unsupported import module_getattr, not_available, refuse_unsupported

Layer = _engine.Layer


def _layer_options(where: str, stem: str, name, dtype, trainable, input_shape, **rest):
    """Check the keyword arguments every Keras layer takes; return (name, input_shape)."""
    if rest:
        raise TypeError(f"Unrecognized keyword arguments passed to {where}: {rest}")
    refuse_unsupported(where, trainable=(trainable, True))
    if dtype not in (None, "float32"):
        raise not_available(f"{where}(dtype={dtype!r})", "layers compute in float32")
    if input_shape is not None:
        input_shape = check_shape(input_shape)
    return (_names.unique(stem) if name is None else name), input_shape


def get_activation(identifier) -> _engine_activations.Activation:
    """An activation from a Keras name, ``keras.activations.*`` or None (linear)."""
    if isinstance(identifier, _engine_activations.Activation):
        return identifier
    if isinstance(identifier, str) or identifier is None:
        try:
            return _engine_activations.get(identifier)
        except ConfigError:
            pass
        raise ConfigError(
            f"Could not interpret activation function identifier: {identifier!r} "
            f"(Dense Studio has {', '.join(_engine_activations.NAMES)})"
        )
    if callable(identifier):
        raise not_available(
            f"the activation {getattr(identifier, '__name__', identifier)!r}",
            f"use a name or keras.activations.* ({', '.join(_engine_activations.NAMES)})",
        )
    raise ConfigError(f"Could not interpret activation function identifier: {identifier!r}")


def check_shape(shape) -> tuple:
    """A shape without the batch dimension, as positive whole numbers."""
    dims = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    if not dims or any(isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d <= 0
                       for d in dims):
        raise ConfigError(f"Cannot convert '{shape!r}' to a shape: expected positive whole numbers")
    return tuple(int(d) for d in dims)


class Dense(_engine.Dense):
    """``keras.layers.Dense``: ``activation(inputs @ kernel + bias)``."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, lora_alpha=None, *, name=None, dtype=None, trainable=True,
                 input_shape=None, input_dim=None, **kwargs):
        refuse_unsupported(
            "Dense", bias_regularizer=(bias_regularizer, None),
            activity_regularizer=(activity_regularizer, None),
            kernel_constraint=(kernel_constraint, None), bias_constraint=(bias_constraint, None),
            lora_rank=(lora_rank, None), lora_alpha=(lora_alpha, None))
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        name, self.declared_input_shape = _layer_options(
            "Dense", "dense", name, dtype, trainable, input_shape, **kwargs)
        if kernel_regularizer not in (None, "l2") and not isinstance(kernel_regularizer, (int, float)):
            raise not_available(f"Dense(kernel_regularizer={kernel_regularizer!r})",
                                "it takes None, 'l2' or an L2 factor")
        super().__init__(units, get_activation(activation), use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, name=name)


class Flatten(_engine.Flatten):
    """``keras.layers.Flatten``: each sample to one dimension (28×28 → 784)."""

    def __init__(self, data_format=None, *, name=None, dtype=None, trainable=True,
                 input_shape=None, **kwargs):
        if data_format not in (None, "channels_last", "channels_first"):
            raise ConfigError(f"Invalid value for argument `data_format`: {data_format!r}")
        name, input_shape = _layer_options("Flatten", "flatten", name, dtype, trainable,
                                           input_shape, **kwargs)
        super().__init__(input_shape=input_shape, name=name)


class Dropout(_engine.Dropout):
    """``keras.layers.Dropout``: while training, zeroes a fraction ``rate`` of its inputs."""

    def __init__(self, rate, noise_shape=None, seed=None, *, name=None, dtype=None,
                 trainable=True, input_shape=None, **kwargs):
        refuse_unsupported("Dropout", noise_shape=(noise_shape, None))
        name, self.declared_input_shape = _layer_options(
            "Dropout", "dropout", name, dtype, trainable, input_shape, **kwargs)
        super().__init__(rate, seed=seed, name=name)


class Softmax:
    """``keras.layers.Softmax``: turns a model's logits into probabilities, as in the
    tutorial's ``Sequential([model, layers.Softmax()])`` (for predictions only: a model
    trains with ``Dense(..., activation="softmax")`` or on logits with ``from_logits=True``)."""

    def __init__(self, axis=-1, *, name=None, dtype=None, trainable=True, **kwargs):
        refuse_unsupported("Softmax", axis=(axis, -1))
        self.name, _ = _layer_options("Softmax", "softmax", name, dtype, trainable, None, **kwargs)
        self.built = True

    def __call__(self, inputs, training=False) -> np.ndarray:
        return _engine_activations.softmax(np.asarray(inputs, dtype=np.float32))

    def count_params(self) -> int:
        return 0

    @property
    def weights(self) -> list:
        return []

    def __repr__(self) -> str:
        return f"<Softmax name={self.name!r}>"


class InputLayer:
    """``keras.layers.InputLayer`` / what ``keras.Input(shape)`` returns here: it only fixes
    the input shape of the ``Sequential`` it starts (and is not one of its ``layers``)."""

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 name=None, **kwargs):
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments passed to InputLayer: {kwargs}")
        refuse_unsupported("Input", sparse=(sparse, None))
        if dtype not in (None, "float32"):
            raise not_available(f"Input(dtype={dtype!r})", "inputs are float32")
        if shape is None and batch_shape is None:
            raise ConfigError("You must pass a `shape` argument.")
        if shape is None:
            batch_size, shape = batch_shape[0], batch_shape[1:]
        self.shape_without_batch = check_shape(shape)
        self.batch_shape = (batch_size, *self.shape_without_batch)
        self.shape = self.batch_shape  # as a KerasTensor's .shape
        self.name = _names.unique("input_layer") if name is None else name

    def __repr__(self) -> str:
        return f"<Input shape={self.shape} name={self.name}>"


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None, optional=False) -> InputLayer:
    """``keras.Input(shape=(28, 28))``: the input of a ``Sequential`` (its first entry)."""
    refuse_unsupported("Input", tensor=(tensor, None), optional=(optional, False))
    return InputLayer(shape, batch_size, dtype, sparse, batch_shape, name)


__all__ = ["Dense", "Dropout", "Flatten", "Input", "InputLayer", "Layer", "Softmax"]
__getattr__ = module_getattr(
    "keras.layers", __all__, "teaches Dense layers; models here stack Flatten, Dense and Dropout")
