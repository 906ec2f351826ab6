"""Layers with Keras's names, arguments and shapes: ``Dense``, ``Flatten``, ``Dropout``.

Each layer is written in three steps, as Keras's ``dense.py``: ``__init__`` checks the
arguments, ``build`` fixes the shapes and creates the weights, ``call`` computes. Below
``call`` sit the two methods training runs, side by side with their formulas:

- ``forward(x, buffers)``: the layer's output, written into preallocated ``buffers``;
- ``backward(dy, buffers, scale)``: from the error ``dy = dLoss/dy`` at the output, the
  weights' gradients (into the model's gradient buffer) and the input's error ``dx``.

``make_buffers`` allocates what one batch size needs, once, so that a training step
allocates nothing; ``call`` is ``forward`` with freshly allocated buffers. Inside a
``Sequential`` model the weights live in the model's ``ParameterStore`` and a layer's
``kernel`` and ``bias`` are views into it (see ``parameters.py``).
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

    def regularization_loss(self) -> float:
        return 0.0

    # -- computation -------------------------------------------------------------------
    def call(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        """The output for ``inputs`` (Keras's ``call``): ``forward`` on new buffers."""
        rng = self._call_rng() if training else None
        return self.forward(inputs, self.make_buffers(len(inputs), _result_dtype(self, inputs),
                                                      rng=rng))

    def _call_rng(self) -> Optional[np.random.Generator]:
        return None

    def __call__(self, inputs, training: bool = False) -> np.ndarray:
        inputs = np.asarray(inputs)
        if not self.built:
            self.build(inputs.shape[1:])
        return self.call(inputs, training=training)

    def make_buffers(self, batch: int, dtype, *, grads: Optional[dict] = None,
                     rng: Optional[np.random.Generator] = None, input_grad: bool = True,
                     logits: bool = False):
        """The arrays ``forward`` and ``backward`` write into, for batches of ``batch``.

        ``grads``: this layer's views of the gradient buffer (the pass runs ``backward``);
        ``rng``: draw Dropout masks from it (without it, Dropout is the identity);
        ``input_grad`` False: ``backward`` need not compute ``dx`` (nothing uses it);
        ``logits``: stop at ``z``, the loss applies this output layer's activation.
        """
        return None

    def forward(self, x: np.ndarray, buffers) -> np.ndarray:
        """The output for the batch ``x``, written into ``buffers`` (``make_buffers``'s)."""
        return x

    def backward(self, dy: np.ndarray, buffers, scale: float = 1.0) -> Optional[np.ndarray]:
        """``dx`` for the error ``dy`` at the output (``scale``: the factor ``dy``
        carries, see ``BatchPlan.backward``), or None when no ``dx`` is wanted."""
        return dy

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


class _DenseBuffers:
    __slots__ = ("x", "z", "y", "work", "dx", "grad_kernel", "grad_bias", "ones", "l2_grad")


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

    # -- build -------------------------------------------------------------------------
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

    def regularization_loss(self) -> float:
        """``l2 * sum(W**2)``."""
        if not self.kernel_regularizer:
            return 0.0
        k = self.kernel.reshape(-1)
        return self.kernel_regularizer * float(np.dot(k, k))  # in float64

    # -- compute -----------------------------------------------------------------------
    def make_buffers(self, batch, dtype, *, grads=None, rng=None, input_grad=True,
                     logits=False) -> _DenseBuffers:
        b = _DenseBuffers()
        b.x = None  # the input, remembered by forward for backward's dW = xᵀ·dz
        b.z = np.empty((batch, self.units), dtype)
        applies_activation = not logits and self.activation is not _activations.linear
        b.y = np.empty_like(b.z) if applies_activation else b.z
        b.work = np.empty_like(b.z) if applies_activation else None
        backward = grads is not None
        b.grad_kernel = grads["kernel"] if backward else None
        b.grad_bias = grads["bias"] if backward and self.use_bias else None
        b.ones = np.ones(batch, dtype) if backward and self.use_bias else None
        b.dx = np.empty((batch, self.input_shape[0]), dtype) if backward and input_grad else None
        b.l2_grad = (np.empty((self.input_shape[0], self.units), dtype)
                     if backward and self.kernel_regularizer else None)
        return b

    def forward(self, x: np.ndarray, buffers: _DenseBuffers) -> np.ndarray:
        """``z = x · W + b``, then ``y = activation(z)``.

        (``np.dot`` with ``out=``: every buffer is C-contiguous, and it has about a
        microsecond less overhead per call than ``np.matmul``.)"""
        buffers.x = x
        z = np.dot(x, self.kernel, out=buffers.z)
        if self.use_bias:
            np.add(z, self.bias, out=z)
        if buffers.y is z:  # linear, or the loss applies the output's activation
            return z
        return self.activation.forward(z, buffers.y, buffers.work)

    def backward(self, dy: np.ndarray, buffers: _DenseBuffers,
                 scale: float = 1.0) -> Optional[np.ndarray]:
        """``dz = activation'(z) · dy`` (in place), then

        - ``dW = xᵀ · dz`` (+ ``2 · l2 · W``, times the ``scale`` ``dy`` carries),
        - ``db = Σ dz`` over the batch (as ``ones · dz``: BLAS beats a reduction),
        - ``dx = dz · Wᵀ``, skipped when nothing needs it (the first layer).
        """
        z = buffers.z
        dz = dy if buffers.y is z else self.activation.backward(z, buffers.y, dy, dy, buffers.work)
        np.dot(buffers.x.T, dz, out=buffers.grad_kernel)
        if self.use_bias:
            np.dot(buffers.ones, dz, out=buffers.grad_bias)
        if self.kernel_regularizer:
            np.multiply(self.kernel, 2.0 * self.kernel_regularizer * scale, out=buffers.l2_grad)
            buffers.grad_kernel += buffers.l2_grad
        if buffers.dx is None:
            return None
        return np.dot(dz, self.kernel.T, out=buffers.dx)


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

    def forward(self, x: np.ndarray, buffers=None) -> np.ndarray:
        """``y = x`` reshaped to ``(batch, features)`` (a view: nothing is copied)."""
        return x.reshape(len(x), -1)

    def backward(self, dy: np.ndarray, buffers=None, scale: float = 1.0) -> np.ndarray:
        """``dx = dy`` reshaped back to the input's shape."""
        return dy.reshape(len(dy), *self.input_shape)


class _DropoutBuffers:
    __slots__ = ("rng", "random", "mask", "y")


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

    def _call_rng(self) -> np.random.Generator:
        return self._rng

    def make_buffers(self, batch, dtype, *, grads=None, rng=None, input_grad=True,
                     logits=False) -> Optional[_DropoutBuffers]:
        if rng is None or self.rate == 0.0:
            return None  # not dropping: the identity needs no buffers
        shape = (batch, *self.input_shape)
        b = _DropoutBuffers()
        b.rng = rng
        b.random = np.empty(shape, dtype)
        b.mask = np.empty(shape, dtype)
        b.y = np.empty(shape, dtype)
        return b

    def forward(self, x: np.ndarray, buffers: Optional[_DropoutBuffers]) -> np.ndarray:
        """``mask = (u >= rate) / (1 - rate)`` with ``u`` uniform in [0, 1); ``y = x · mask``."""
        if buffers is None:
            return x
        buffers.rng.random(out=buffers.random, dtype=buffers.random.dtype)
        mask = np.greater_equal(buffers.random, self.rate, out=buffers.mask)
        mask *= 1.0 / (1.0 - self.rate)
        return np.multiply(x, mask, out=buffers.y)

    def backward(self, dy: np.ndarray, buffers: Optional[_DropoutBuffers],
                 scale: float = 1.0) -> np.ndarray:
        """``dx = dy · mask`` (in place)."""
        if buffers is None:
            return dy
        return np.multiply(dy, buffers.mask, out=dy)


def _result_dtype(layer: Layer, inputs: np.ndarray) -> np.dtype:
    """The dtype ``call`` computes in: the inputs' and the weights' common float type."""
    kinds = [inputs.dtype] + [w.dtype for w in layer.weights if w is not None]
    return np.result_type(np.float32, *kinds) if inputs.dtype.kind in "fiub" else inputs.dtype


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
