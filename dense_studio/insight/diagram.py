"""Which units a diagram of the network shows, and the weights between them.

A layer wider than ``limit`` units shows ``limit`` of them, evenly spread over its indices
(first and last included), and "+N more": the same units every time, so the diagram stays
comparable from epoch to epoch. The input (784 pixels) shows a grid of pixels evenly spread
over the image's central part, where the drawings are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dense_studio.insight.network import Network

__all__ = ["DIAGRAM_LIMIT", "Column", "diagram_columns", "shown_units", "input_subset"]

#: Layers wider than this show a subset (TensorFlow Playground stops at 8).
DIAGRAM_LIMIT = 32
#: Pixels this far from the border are left out of the input subset (they are ~always 0).
_INPUT_MARGIN = 4


@dataclass(frozen=True, eq=False)
class Column:
    """One column of the diagram: ``units`` shown (indices, increasing) of ``size``."""

    name: str
    size: int
    units: np.ndarray

    @property
    def hidden(self) -> int:
        """How many units are not shown (the "+N more")."""
        return self.size - len(self.units)


def shown_units(size: int, limit: int = DIAGRAM_LIMIT) -> np.ndarray:
    """All of ``range(size)`` if it fits, else ``limit`` evenly spread indices."""
    if size <= limit:
        return np.arange(size)
    return np.unique(np.round(np.linspace(0, size - 1, limit)).astype(np.int64))


def input_subset(input_shape: tuple, limit: int = DIAGRAM_LIMIT) -> np.ndarray:
    """Flat indices of at most ``limit`` pixels on a grid over the image's centre."""
    size = math.prod(input_shape)
    if size <= limit or len(input_shape) != 2:
        return shown_units(size, limit)
    rows, cols = input_shape
    side = max(1, math.isqrt(limit))
    margin_r, margin_c = min(_INPUT_MARGIN, rows // 4), min(_INPUT_MARGIN, cols // 4)
    r = np.unique(np.round(np.linspace(margin_r, rows - 1 - margin_r, side)).astype(np.int64))
    c = np.unique(np.round(np.linspace(margin_c, cols - 1 - margin_c, side)).astype(np.int64))
    return (r[:, None] * cols + c[None, :]).reshape(-1)


def diagram_columns(network: Network, limit: int = DIAGRAM_LIMIT) -> list[Column]:
    """The input column, then one column per Dense layer."""
    columns = [Column("input", network.input_size, input_subset(network.input_shape, limit))]
    for step in network.steps:
        columns.append(Column(step.name, step.units, shown_units(step.units, limit)))
    return columns


def shown_kernel(network: Network, columns: list[Column], layer: int) -> np.ndarray:
    """The weights between the shown units of column ``layer`` and ``layer + 1``."""
    kernel = network.steps[layer].kernel
    return kernel[np.ix_(columns[layer].units, columns[layer + 1].units)]
