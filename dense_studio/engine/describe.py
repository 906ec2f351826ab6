"""Facts about a network described by its layer specs, without building it: the rows of
``summary()`` (Keras's names, output shapes and parameter counts), readable sizes, and the
memory a training run needs. The layer editor, the command line and files all read them here.
"""

from __future__ import annotations

import math
from typing import Sequence

from dense_studio.engine.spec import DenseSpec, LayerSpec

# Copies of the parameters that live while the window trains: the two weight buffers of the
# training loop (the previous step's weights survive a diverging step), the gradient, and
# the predictor's copy the window predicts the drawing with.
_PARAMETER_COPIES = 4
# Per-parameter state of each optimizer (Adam: m and v; RMSprop: the running mean square,
# plus a momentum buffer when momentum is on; SGD: a momentum buffer when momentum is on).
OPTIMIZER_SLOTS = {"adam": 2, "rmsprop": 1, "sgd": 0}


def dense_params(inputs: int, units: int) -> int:
    """Parameters of ``Dense(units)`` on ``inputs`` inputs, as Keras counts them: one weight
    per (input, unit) pair plus one bias per unit."""
    return inputs * units + units


def layer_rows(layers: Sequence[LayerSpec], input_shape: Sequence[int] = (28, 28),
               num_classes: int = 10) -> list[tuple[str, tuple, int]]:
    """Rows of ``summary()`` for ``Flatten → hidden → Dense(num_classes)``:
    ``(name, output shape, params)``, names as Keras gives them (``dense``, ``dense_1``…)."""
    width = math.prod(input_shape)
    rows: list[tuple[str, tuple, int]] = [("flatten", (None, width), 0)]
    counts = {"dense": 0, "dropout": 0}

    def name(kind: str) -> str:
        number = counts[kind]
        counts[kind] += 1
        return kind if number == 0 else f"{kind}_{number}"

    for layer in layers:
        if isinstance(layer, DenseSpec):
            rows.append((name("dense"), (None, layer.units), dense_params(width, layer.units)))
            width = layer.units
        else:
            rows.append((name("dropout"), (None, width), 0))
    rows.append((name("dense"), (None, num_classes), dense_params(width, num_classes)))
    return rows


def count_params(layers: Sequence[LayerSpec], input_shape: Sequence[int] = (28, 28),
                 num_classes: int = 10) -> int:
    return sum(params for _name, _shape, params in layer_rows(layers, input_shape, num_classes))


def training_memory_bytes(layers: Sequence[LayerSpec], input_shape: Sequence[int] = (28, 28),
                          num_classes: int = 10, optimizer: str = "adam",
                          batch_size: int = 32, itemsize: int = 4) -> int:
    """Bytes a window training run holds for this network: every parameter copy (two
    weight buffers, the gradient, the predictor's copy, the optimizer's state) and the
    per-batch activations (each layer's output, its pre-activation and its error)."""
    params = count_params(layers, input_shape, num_classes)
    copies = _PARAMETER_COPIES + OPTIMIZER_SLOTS.get(optimizer, 2)
    widths = [shape[1] for _name, shape, _params in layer_rows(layers, input_shape, num_classes)]
    activations = batch_size * sum(3 * width for width in widths)
    return (params * copies + activations) * itemsize


def format_bytes(size: float) -> str:
    """Keras's ``readable_memory_size``: 1024-based units, two decimals (``397.54 KB``)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def format_shape(shape: Sequence) -> str:
    """``(None, 128)``, as Keras prints shapes."""
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


__all__ = ["OPTIMIZER_SLOTS", "count_params", "dense_params", "format_bytes", "format_shape",
           "layer_rows", "training_memory_bytes"]
