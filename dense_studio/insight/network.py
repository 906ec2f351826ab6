"""An immutable copy of a model's Dense layers: what every Inside view reads.

Why a copy: the model being trained belongs to the worker thread and the predictor to the
session's thread; the test split is evaluated in a third one. A :class:`Network` holds its
own read-only arrays, so any thread may read it while the weights move on. Flatten only
reshapes and Dropout does nothing at inference, so the Dense layers are the whole
computation: for each, ``z = x·W + b`` and ``a = activation(z)``, as Keras computes them
(rows are samples, ``W`` has shape ``(inputs, units)``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from dense_studio.engine import activations
from dense_studio.engine.model import Sequential
from dense_studio.errors import ConfigError

__all__ = ["DenseStep", "Network", "network_of"]


def _frozen(array: np.ndarray) -> np.ndarray:
    copy = np.array(array, dtype=np.float32, copy=True)
    copy.setflags(write=False)
    return copy


@dataclass(frozen=True, eq=False)
class DenseStep:
    """One Dense layer: ``name``, ``kernel`` (inputs, units), ``bias`` (units,), the
    activation's Keras ``activation`` name and its L2 factor ``l2`` (0: none)."""

    name: str
    kernel: np.ndarray
    bias: np.ndarray
    activation: str
    l2: float = 0.0

    @property
    def inputs(self) -> int:
        return int(self.kernel.shape[0])

    @property
    def units(self) -> int:
        return int(self.kernel.shape[1])

    def pre_activation(self, x: np.ndarray) -> np.ndarray:
        """``z = x·W + b`` for a batch ``x`` of shape (samples, inputs)."""
        z = np.matmul(x, self.kernel)
        z += self.bias
        return z

    def activate(self, z: np.ndarray) -> np.ndarray:
        return activations.get(self.activation)(z)


@dataclass(frozen=True, eq=False)
class Network:
    """The Dense steps of a model, its ``input_shape`` (e.g. (28, 28)) and its epoch
    (how many epochs of training these weights had; None when unknown)."""

    steps: tuple
    input_shape: tuple
    epoch: Optional[float] = None

    @property
    def input_size(self) -> int:
        return math.prod(self.input_shape)

    @property
    def num_classes(self) -> int:
        return self.steps[-1].units

    @property
    def nbytes(self) -> int:
        return sum(step.kernel.nbytes + step.bias.nbytes for step in self.steps)

    def weights(self) -> list[np.ndarray]:
        """Kernel then bias per layer: ``Sequential.get_weights()``'s order."""
        return [array for step in self.steps for array in (step.kernel, step.bias)]

    def same_shape(self, other: Optional["Network"]) -> bool:
        """Same layers, sizes and activations (the same architecture)."""
        return other is not None and self.input_shape == other.input_shape and len(
            self.steps) == len(other.steps) and all(
            a.kernel.shape == b.kernel.shape and a.activation == b.activation
            for a, b in zip(self.steps, other.steps))

    def same_weights(self, other: Optional["Network"]) -> bool:
        return self.same_shape(other) and all(
            np.array_equal(a, b) for a, b in zip(self.weights(), other.weights()))

    def flat_inputs(self, images: np.ndarray) -> np.ndarray:
        """A batch of images (or one image) as (samples, inputs) float32 rows."""
        x = np.asarray(images, dtype=np.float32)
        if x.shape == self.input_shape or x.shape == (self.input_size,):
            x = x[np.newaxis]
        if x.ndim < 2 or x[0].size != self.input_size:
            raise ConfigError(f"the network takes inputs of shape {self.input_shape}, "
                              f"not {tuple(x.shape)}")
        return x.reshape(len(x), self.input_size)

    def forward(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(z, a)`` of the last layer for a batch: the logits and the model's output."""
        a = self.flat_inputs(images)
        z = a
        for step in self.steps:
            z = step.pre_activation(a)
            a = step.activate(z)
        return z, a

    def with_epoch(self, epoch: Optional[float]) -> "Network":
        return Network(self.steps, self.input_shape, epoch)


def network_of(model: Sequential, epoch: Optional[float] = None) -> Network:
    """A copy of ``model``'s Dense layers as they are now (call it on the thread that owns
    the model)."""
    if model is None or not model.built:
        raise ConfigError("the model is not built yet")
    steps = []
    for layer in model.layers:
        if not model.is_dense(layer):
            continue
        bias = layer.bias if layer.use_bias else np.zeros(layer.units, np.float32)
        steps.append(DenseStep(layer.name, _frozen(layer.kernel), _frozen(bias),
                               layer.activation.name, float(layer.kernel_regularizer)))
    return Network(tuple(steps), tuple(int(d) for d in model.input_shape), epoch)


def network_from_weights(like: Network, weights: Sequence[np.ndarray],
                         epoch: Optional[float] = None) -> Network:
    """``like``'s architecture with other weights (kernel, bias per layer)."""
    weights = list(weights)
    if len(weights) != 2 * len(like.steps):
        raise ConfigError(f"expected {2 * len(like.steps)} weight arrays, got {len(weights)}")
    steps = tuple(DenseStep(step.name, _frozen(weights[2 * i]), _frozen(weights[2 * i + 1]),
                            step.activation, step.l2)
                  for i, step in enumerate(like.steps))
    return Network(steps, like.input_shape, epoch)
