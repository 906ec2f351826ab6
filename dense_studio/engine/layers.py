"""Layers with Keras's names, arguments and shapes: ``Dense``, ``Flatten``, ``Dropout``.

A layer on its own works like a Keras layer: ``Dense(3, activation="relu")(x)`` builds it
from ``x``'s shape and returns ``activation(x @ kernel + bias)``. Inside a ``Sequential``
model the model owns one flat parameter buffer and the layers' ``kernel`` and ``bias`` are
views into it, which is what lets the optimizer update every parameter with a handful of
array operations per step (see ``training.py``); the training loop itself runs the layers
through preallocated buffers rather than through ``call``.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

from dense_studio.engine import activations as _activations
from dense_studio.engine import initializers as _initializers
from dense_studio.errors import ConfigError

Shape = tuple  # a shape without the batch dimension, as Keras's input_shape


class Layer:
    """Base class: a name, a build step that fixes shapes, and optional weights."""

    #: Keras's default name stem ("dense", "dense_1", ...).
    base_name = "layer"

    def __init__(self, name: Optional[str] = None) -> None:
        if name is not None and (not isinstance(name, str) or not name):
            raise ConfigError(f"a layer name must be a non-empty string, not {name!r}")
        self.name = name
        self.built = False
        self.input_shape: Optional[Shape] = None
        self.output_shape: Optional[Shape] = None

    # -- shapes and weights ------------------------------------------------------------
    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape)

    def param_shapes(self) -> list[tuple[str, tuple]]:
        """``[(attribute, shape), ...]`` of the trainable weights, in Keras's order."""
        return []

    def build(self, input_shape: Sequence[int], rng: Optional[np.random.Generator] = None):
        """Fix the shapes (batch dimension excluded) and create the weights."""
        input_shape = tuple(int(d) for d in input_shape)
        self.output_shape = self.compute_output_shape(input_shape)
        self.input_shape = input_shape
        self.initialize(rng if rng is not None else np.random.default_rng())
        self.built = True
        return self.output_shape

    def initialize(self, rng: np.random.Generator, dtype=np.float32) -> None:
        """(Re)create the weights with this layer's initializers."""

    @property
    def weights(self) -> list[np.ndarray]:
        return [getattr(self, attr) for attr, _ in self.param_shapes()]

    def count_params(self) -> int:
        return sum(math.prod(shape) for _, shape in self.param_shapes())

    def get_weights(self) -> list[np.ndarray]:
        return [np.array(w, copy=True) for w in self.weights]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        shapes = self.param_shapes()
        if len(weights) != len(shapes):
            raise ConfigError(
                f"layer {self.name!r} expects {len(shapes)} weight arrays, got {len(weights)}"
            )
        for (attr, shape), value in zip(shapes, weights):
            value = np.asarray(value)
            if value.shape != shape:
                raise ConfigError(
                    f"layer {self.name!r}: {attr} must have shape {shape}, not {value.shape}"
                )
            np.copyto(getattr(self, attr), value, casting="same_kind")

    # -- computation -------------------------------------------------------------------
    def call(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, inputs, training: bool = False) -> np.ndarray:
        inputs = np.asarray(inputs)
        if not self.built:
            self.build(inputs.shape[1:])
        return self.call(inputs, training=training)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


class Dense(Layer):
    """A fully connected layer: ``y = activation(x · W + b)``.

    ``x`` has shape ``(batch, input_dim)``, the kernel ``W`` has shape
    ``(input_dim, units)`` as in Keras, and the bias ``b`` has shape ``(units,)``. Each of
    the ``units`` outputs is a weighted sum of all inputs plus its bias, passed through the
    activation. Parameters: ``input_dim * units + units``.

    ``kernel_regularizer`` is an L2 factor ``l2`` (Keras's ``regularizers.L2(l2)``; the
    string ``"l2"`` means 0.01 as in Keras): ``l2 * sum(W**2)`` is added to the loss and
    ``2 * l2 * W`` to the kernel's gradient.
    """

    base_name = "dense"

    def __init__(
        self,
        units: int,
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        name: Optional[str] = None,
    ) -> None:
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ConfigError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units!r}"
            )
        if not isinstance(use_bias, (bool, np.bool_)):
            raise ConfigError(f"use_bias must be True or False, not {use_bias!r}")
        super().__init__(name)
        self.units = int(units)
        self.activation = _activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = _initializers.get(kernel_initializer)
        self.bias_initializer = _initializers.get(bias_initializer)
        self.kernel_regularizer = _l2_factor(kernel_regularizer)
        self.kernel: Optional[np.ndarray] = None
        self.bias: Optional[np.ndarray] = None

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 1:
            raise ConfigError(
                f"Dense layer {self.name or ''!s} expects flat inputs (features,), got "
                f"{tuple(input_shape)}; put a Flatten layer first".replace("  ", " ")
            )
        return (self.units,)

    def param_shapes(self) -> list[tuple[str, tuple]]:
        if self.input_shape is None:
            return []
        shapes = [("kernel", (self.input_shape[0], self.units))]
        if self.use_bias:
            shapes.append(("bias", (self.units,)))
        return shapes

    def initialize(self, rng: np.random.Generator, dtype=np.float32) -> None:
        kernel_shape = (self.input_shape[0], self.units)
        kernel = np.asarray(self.kernel_initializer(kernel_shape, rng, dtype), dtype=dtype)
        if self.kernel is not None and self.kernel.shape == kernel_shape:
            np.copyto(self.kernel, kernel)  # keep views into a model's buffer valid
        else:
            self.kernel = kernel
        if self.use_bias:
            bias = np.asarray(self.bias_initializer((self.units,), rng, dtype), dtype=dtype)
            if self.bias is not None and self.bias.shape == bias.shape:
                np.copyto(self.bias, bias)
            else:
                self.bias = bias

    def call(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        z = np.matmul(inputs, self.kernel)
        if self.use_bias:
            z += self.bias
        return self.activation.forward(z)

    def regularization_loss(self) -> float:
        if not self.kernel_regularizer:
            return 0.0
        k = self.kernel.reshape(-1)
        return float(self.kernel_regularizer * np.dot(k, k))


class Flatten(Layer):
    """Reshapes each sample to one dimension, e.g. a 28×28 image to 784 inputs.

    ``input_shape`` (without the batch dimension) may be given here, as in the classic
    ``Flatten(input_shape=(28, 28))`` of tf.keras code; it then fixes the model's input.
    """

    base_name = "flatten"

    def __init__(self, input_shape: Optional[Sequence[int]] = None, name: Optional[str] = None):
        super().__init__(name)
        if input_shape is not None:
            input_shape = _check_shape(input_shape)
        self.declared_input_shape = input_shape

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (math.prod(input_shape),)

    def call(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        return inputs.reshape(len(inputs), -1)


class Dropout(Layer):
    """While training, zeroes each input with probability ``rate`` and scales the rest by
    ``1 / (1 - rate)`` ("inverted dropout", as Keras), so nothing changes at inference."""

    base_name = "dropout"

    def __init__(self, rate: float, seed: Optional[int] = None, name: Optional[str] = None):
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) or not (
            math.isfinite(rate) and 0.0 <= rate < 1.0
        ):
            raise ConfigError(
                "Invalid value received for argument `rate`. Expected a float value between "
                f"0 and 1 (1 excluded). Received: rate={rate!r}"
            )
        super().__init__(name)
        self.rate = float(rate)
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    def call(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.rate == 0.0:
            return inputs
        keep = self._rng.random(inputs.shape, dtype=np.float32) >= self.rate
        return inputs * keep * np.asarray(1.0 / (1.0 - self.rate), dtype=inputs.dtype)


def _l2_factor(value) -> float:
    if value is None:
        return 0.0
    if value == "l2":
        return 0.01
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not (
        math.isfinite(value) and value >= 0
    ):
        raise ConfigError(
            f"kernel_regularizer must be None or an L2 factor >= 0, not {value!r}"
        )
    return float(value)


def _check_shape(shape) -> tuple[int, ...]:
    try:
        dims = tuple(shape)
    except TypeError:
        dims = (shape,)
    if not dims or any(
        isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d <= 0 for d in dims
    ):
        raise ConfigError(f"input_shape must be positive whole numbers, not {shape!r}")
    return tuple(int(d) for d in dims)
