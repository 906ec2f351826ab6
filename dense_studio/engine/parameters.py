"""``ParameterStore``: every weight of a model in one flat array, and each layer's views.

Why flat: the optimizer then updates all parameters with a handful of whole-array numpy
operations per step instead of a Python loop over layers, and a gradient is one array too.
A layer's ``kernel`` and ``bias`` are views into the store's *current* buffer, so they
always show the weights as they are.

Why two buffers: while training, the optimizer writes the new weights into the *previous*
buffer and the store then ``swap()``s, so the weights before the last step are still there,
at no cost, for when a step makes the loss blow up (``swap()`` again restores them).
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np


class ParameterStore:
    """The flat weight buffers (current and previous), the gradient and per-layer views.

    ``layers`` must have their shapes fixed (``layer.input_shape`` set): each one's
    ``param_shapes()`` gives its slice of the buffer, in Keras's weight order.
    """

    def __init__(self, layers: Sequence, dtype=np.float32) -> None:
        self.layers = list(layers)
        self.dtype = np.dtype(dtype)
        self._layouts = []  # per layer: [(attribute, offset, shape), ...]
        size = 0
        for layer in self.layers:
            entries = []
            for attr, shape in layer.param_shapes():
                entries.append((attr, size, shape))
                size += math.prod(shape)
            self._layouts.append(entries)
        self.size = size
        self._index = {id(layer): i for i, layer in enumerate(self.layers)}
        self._buffers = [np.zeros(size, self.dtype)]
        self._views = [self._make_views(self._buffers[0])]
        self._current = 0
        self.grad: Optional[np.ndarray] = None
        self.grad_views: list[dict] = []
        self._bindings: list[tuple] = []
        self.bind()

    def _make_views(self, buffer: np.ndarray) -> list[dict]:
        return [{attr: buffer[offset:offset + math.prod(shape)].reshape(shape)
                 for attr, offset, shape in entries} for entries in self._layouts]

    # -- the buffers --------------------------------------------------------------------
    @property
    def current(self) -> np.ndarray:
        """The flat weights the layers use now."""
        return self._buffers[self._current]

    @property
    def previous(self) -> np.ndarray:
        """The other weight buffer: the weights before the last ``swap()`` (training only)."""
        self._require_training()
        return self._buffers[1 - self._current]

    @property
    def training_ready(self) -> bool:
        return self.grad is not None

    def allocate_training(self) -> None:
        """Create the second weight buffer and the gradient (once; training needs them)."""
        if self.grad is not None:
            return
        self._buffers.append(np.zeros(self.size, self.dtype))
        self._views.append(self._make_views(self._buffers[1]))
        self.grad = np.zeros(self.size, self.dtype)
        self.grad_views = self._make_views(self.grad)
        self._bindings = [(layer, attr, views0[attr], views1[attr])
                          for layer, views0, views1 in zip(self.layers, *self._views)
                          for attr in views0]

    def _require_training(self) -> None:
        if self.grad is None:
            raise RuntimeError("call allocate_training() first")

    def keep_previous(self) -> None:
        """Make the previous buffer a copy of the current one (before a run's first step)."""
        np.copyto(self.previous, self.current)

    def swap(self) -> None:
        """Make the previous buffer the current one and point the layers at it."""
        index = self._current = 1 - self._current
        for layer, attr, view0, view1 in self._bindings:
            setattr(layer, attr, view1 if index else view0)

    def bind(self) -> None:
        """Point every layer's weight attributes at the current buffer's views."""
        for layer, views in zip(self.layers, self._views[self._current]):
            for attr, view in views.items():
                setattr(layer, attr, view)

    # -- per-layer views ----------------------------------------------------------------
    def views_for(self, layer) -> dict:
        """``{"kernel": ..., "bias": ...}``: ``layer``'s weights in the current buffer."""
        return self._views[self._current][self._index[id(layer)]]

    def grad_views_for(self, layer) -> dict:
        """``layer``'s slices of the gradient buffer (training only)."""
        self._require_training()
        return self.grad_views[self._index[id(layer)]]

    def weight_views(self) -> list[tuple[object, str, np.ndarray]]:
        """``(layer, attribute, view)`` of every weight, in Keras's ``get_weights()`` order."""
        return [(layer, attr, view) for layer, views in zip(self.layers, self._views[self._current])
                for attr, view in views.items()]

    def gradient_views(self) -> list[np.ndarray]:
        """The gradient's views in ``get_weights()`` order (training only)."""
        self._require_training()
        return [view for views in self.grad_views for view in views.values()]

    @property
    def nbytes(self) -> int:
        """Bytes of the weight buffers and the gradient."""
        return sum(b.nbytes for b in self._buffers) + (0 if self.grad is None else self.grad.nbytes)


def all_finite(array: np.ndarray, block: int = 1 << 18) -> bool:
    """``np.isfinite(array).all()`` a block at a time: no boolean copy of a large array
    (weights set on a model, weights read from a file)."""
    flat = array.reshape(-1)
    return all(np.isfinite(flat[i:i + block]).all() for i in range(0, flat.size, block))
