"""What the first Dense layer learned: each unit's incoming weights as an image.

Column ``j`` of the first kernel (shape (784, units)) holds the weight of every pixel into
unit ``j``; reshaped to 28×28 it shows which pixels raise (positive) or lower (negative)
that unit. With no hidden layer the first layer is the output layer, so its ten columns are
the ten class templates.
"""

from __future__ import annotations

import numpy as np

from dense_studio.insight.network import Network

__all__ = ["first_layer_images", "symmetric_limit", "is_template_layer"]


def first_layer_images(network: Network) -> np.ndarray:
    """Float array (units, *input_shape): unit ``j``'s image is ``kernel[:, j]``."""
    kernel = network.steps[0].kernel
    return np.ascontiguousarray(kernel.T).reshape(kernel.shape[1], *network.input_shape)


def symmetric_limit(values: np.ndarray) -> float:
    """The colour scale's end, the same on both sides of zero (so white means 0)."""
    limit = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return limit if limit > 0 and np.isfinite(limit) else 1.0


def is_template_layer(network: Network) -> bool:
    """True when the first layer is the output layer: its units are the classes."""
    return len(network.steps) == 1
