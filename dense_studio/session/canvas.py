"""The input on the canvas (the 28×28 image the network sees), where it came from, and the
prediction for it.

The window preprocesses what is drawn (``dense_studio.data.preprocessing``, throttled, on its
own thread) and hands the session the 28×28 result; the session predicts it with the
predictor, which is cheap (a few milliseconds) and never touches the model being trained.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from dense_studio.errors import ConfigError
from dense_studio.files.session_file import CANVAS_SHAPE, InputSource
from dense_studio.session.events import EmitterGroup

__all__ = ["CanvasInput", "InputSource", "checked_image"]


class CanvasInput:
    """Events: ``canvas`` (value: the image or None; ``origin``: its :class:`InputSource`) and
    ``prediction`` (value: the class probabilities, or None when there is nothing to
    predict or no model)."""

    def __init__(self) -> None:
        self.events = EmitterGroup.named(self, "canvas", "prediction")
        self.image: Optional[np.ndarray] = None
        self.source = InputSource()
        self.probabilities: Optional[np.ndarray] = None

    def set(self, image: Optional[np.ndarray], source: InputSource = InputSource()) -> None:
        """Show ``image`` (28×28, values 0…1; None: an empty canvas) from ``source``."""
        if image is not None:
            image = checked_image(image, "the canvas input must be")
        if not isinstance(source, InputSource):
            raise ConfigError(f"not an input source: {source!r}"[:100])
        same = (image is None and self.image is None) or (
            image is not None and self.image is not None and np.array_equal(image, self.image))
        if same and source == self.source:
            return
        self.image, self.source = image, source
        self.events.canvas(image, origin=source)

    def clear(self) -> None:
        self.set(None)

    def set_prediction(self, probabilities: Optional[np.ndarray]) -> None:
        """Announced only when it changes (new weights often leave an empty canvas empty)."""
        old = self.probabilities
        if old is None and probabilities is None:
            return
        if old is not None and probabilities is not None and np.array_equal(old, probabilities):
            return
        self.probabilities = probabilities
        self.events.prediction(probabilities)


def checked_image(image, what: str) -> np.ndarray:
    """A read-only float32 copy of a 28×28 input with values 0…1 (the caller may reuse its
    own array), else a ConfigError "``what`` 28×28 values from 0 to 1"."""
    array = np.array(image, dtype=np.float32)
    if array.shape != CANVAS_SHAPE or not np.isfinite(array).all() \
            or array.min() < 0 or array.max() > 1:
        raise ConfigError(f"{what} {CANVAS_SHAPE[0]}×{CANVAS_SHAPE[1]} values from 0 to 1")
    array.setflags(write=False)
    return array
