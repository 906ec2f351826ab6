"""Facts about a network described by its layer specs, without building it: the rows of
``summary()`` (Keras's names, output shapes and parameter counts), readable sizes, and the
memory a training run needs. The layer editor, the command line and files all read them here.
"""

from __future__ import annotations

import math
from typing import Sequence

from dense_studio.engine import optimizers
from dense_studio.engine.spec import DenseSpec, LayerSpec

# Copies of the parameters that live while the window trains: the two weight buffers of the
# training loop (the previous step's weights survive a diverging step), the gradient, and
# the predictor's copy the window predicts the drawing with. The optimizer's state comes on
# top (optimizers.Optimizer.state_slots).
PARAMETER_COPIES = 4
_INDEX_BYTES = 8  # labels and argmax are int64


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
                          num_classes: int = 10, optimizer="adam",
                          batch_size: int = 32, itemsize: int = 4) -> int:
    """Bytes a window training run holds for this network: every parameter copy (two
    weight buffers, the gradient, the predictor's copy), the optimizer's state (a name with
    Keras's defaults, or an ``Optimizer``) and the buffers of one training batch
    (``plan.BatchPlan``). Not counted: the data, and buffers that come and go (the smaller
    last batch of an epoch, validation and prediction chunks)."""
    params = count_params(layers, input_shape, num_classes)
    copies = PARAMETER_COPIES + optimizers.get(optimizer).state_slots
    return params * copies * itemsize + batch_buffer_bytes(
        layers, input_shape, num_classes, batch_size, itemsize)


def batch_buffer_bytes(layers: Sequence[LayerSpec], input_shape: Sequence[int] = (28, 28),
                       num_classes: int = 10, batch_size: int = 32, itemsize: int = 4) -> int:
    """Bytes of a training ``BatchPlan`` for ``Flatten → layers → Dense(num_classes,
    softmax)``: the batch, each layer's buffers, and the loss's."""
    b = batch_size
    width = math.prod(input_shape)
    values = b * width  # the batch's inputs
    first = True
    dense = [(spec.units, spec.activation) if isinstance(spec, DenseSpec) else spec.rate
             for spec in layers]
    for layer in (*dense, (num_classes, "linear")):  # the output stops at its logits
        if isinstance(layer, tuple):
            units, activation = layer
            values += b * units  # z
            if activation != "linear":
                values += 2 * b * units  # y = f(z) and the activation's scratch
            values += b  # ones, for the bias gradient Σ dz = ones · dz
            if not first:
                values += b * width  # dx
            first, width = False, units
        elif layer > 0:  # a dropout rate
            values += 3 * b * width  # uniform draws, mask, output
    values += b * num_classes + 2 * b  # the loss: one-hot labels, row maxima, row sums
    if b * math.log10(max(num_classes, 2)) >= 300:
        values += b  # per-row logs, when their product could overflow
    indices = (2 * b + num_classes) * _INDEX_BYTES  # labels, argmax, class numbers
    return values * itemsize + indices + b  # + the hits, one byte each


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


__all__ = ["PARAMETER_COPIES", "batch_buffer_bytes", "count_params", "dense_params", "format_bytes", "format_shape",
           "layer_rows", "training_memory_bytes"]
