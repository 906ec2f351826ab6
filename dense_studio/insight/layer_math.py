"""Every Dense layer's computation for one input, with its real numbers and shapes.

Keras writes a Dense layer with the input as a *row*: ``z = x·W + b`` with ``W`` of shape
(inputs n, units m). Textbooks (and the Traditional Chinese tutorial the app follows) write
the input as a *column*: ``z = W·x + b`` with ``W`` of shape (m, n) — the transpose of
Keras's kernel. Both give the same numbers; :data:`ROW_VS_COLUMN` says so on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from dense_studio.engine.describe import format_shape
from dense_studio.insight.network import DenseStep, Network

__all__ = ["LayerMath", "UnitDetail", "layer_math", "unit_detail", "shape_formula"]


@dataclass(frozen=True, eq=False)
class LayerMath:
    """One Dense layer for one input: ``x`` (inputs,), ``kernel`` (inputs, units),
    ``bias`` (units,), ``z = x·W + b`` and ``a = activation(z)`` (units,)."""

    index: int
    name: str
    activation: str
    x: np.ndarray
    kernel: np.ndarray
    bias: np.ndarray
    z: np.ndarray
    a: np.ndarray

    @property
    def formula(self) -> str:
        """``(784,) · (784, 128) + (128,) → (128,)``."""
        return shape_formula(self.x.shape, self.kernel.shape, self.bias.shape, self.a.shape)

    def as_dict(self) -> dict:
        return {"x": self.x, "kernel": self.kernel, "bias": self.bias, "z": self.z, "a": self.a}


@dataclass(frozen=True, eq=False)
class UnitDetail:
    """Unit ``unit`` of a layer: its incoming ``weights`` (column ``unit`` of the kernel),
    ``bias``, ``z`` and ``a``; the layer's ``inputs`` and ``contributions`` = weight × input
    for every input, and the
    inputs that push z ``up`` / ``down`` most (indices, strongest first)."""

    unit: int
    weights: np.ndarray
    bias: float
    z: float
    a: float
    inputs: np.ndarray
    contributions: np.ndarray
    up: np.ndarray
    down: np.ndarray


def shape_formula(x_shape, kernel_shape, bias_shape, out_shape) -> str:
    return (f"{format_shape(x_shape)} · {format_shape(kernel_shape)} + "
            f"{format_shape(bias_shape)} → {format_shape(out_shape)}")


def layer_math(network: Network, image: Optional[np.ndarray]) -> Optional[list[LayerMath]]:
    """Each Dense layer's x, W, b, z and a for ``image`` (None for an empty canvas)."""
    if image is None:
        return None
    x = network.flat_inputs(image)[0]
    layers = []
    for index, step in enumerate(network.steps):
        z, a = step_math(step, x)
        for array in (z, a):
            array.setflags(write=False)
        layers.append(LayerMath(index, step.name, step.activation, x, step.kernel, step.bias,
                                z, a))
        x = a
    return layers


def unit_detail(layer: LayerMath, unit: int, top: int = 5) -> UnitDetail:
    """What drives unit ``unit``: its weights, bias, z, a and strongest contributions."""
    if not 0 <= unit < layer.kernel.shape[1]:
        raise IndexError(f"unit {unit} is not in a layer of {layer.kernel.shape[1]} units")
    weights = layer.kernel[:, unit]
    contributions = weights * layer.x
    order = np.argsort(contributions, kind="stable")
    up = [int(i) for i in order[::-1][:top] if contributions[i] > 0]
    down = [int(i) for i in order[:top] if contributions[i] < 0]
    return UnitDetail(unit, weights, float(layer.bias[unit]), float(layer.z[unit]),
                      float(layer.a[unit]), layer.x, contributions, np.array(up, np.int64),
                      np.array(down, np.int64))


def step_math(step: DenseStep, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(z, a)`` of one step for one input row."""
    z = step.pre_activation(x[np.newaxis])[0]
    return z, step.activate(z[np.newaxis])[0]
