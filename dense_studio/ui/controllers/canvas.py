"""What is on the canvas: a drawing, a test image with its true label, or an image file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject

from dense_studio.data import read_image
from dense_studio.errors import DenseStudioError, one_line
from dense_studio.ui.i18n import class_name_for_display
from dense_studio.ui.messages import fill

__all__ = ["CanvasController"]


class CanvasController(QObject):
    """State: where the picture on the canvas came from (shown in ``sampleLabel``) and
    ``rng``, the generator that picks random test images."""

    def __init__(self, canvas, sample_label, notices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._canvas = canvas
        self._label = sample_label
        self._notices = notices
        self._placing = False  # True while this controller itself changes the canvas
        self.rng = np.random.default_rng()
        canvas.changed.connect(self._drawn)

    def show_random_sample(self, dataset) -> int | None:
        """Put a random test image on the canvas and show its true label; its index."""
        if dataset is None:
            return None
        index = int(self.rng.integers(len(dataset.x_test)))
        self._place(dataset.x_test[index])
        label = class_name_for_display(dataset.class_names[int(dataset.y_test[index])])
        self._label.setText(fill(self.tr("Test image #%1 — true label: <b>%2</b>"), index, label))
        return index

    def open_image(self, path: str) -> bool:
        """Put an image file on the canvas; False (with a message, canvas unchanged) if bad."""
        try:
            image = read_image(path)
        except DenseStudioError as error:
            self._notices.error(self.tr("Open image"), str(error))
            return False
        except Exception as error:  # noqa: BLE001 - a file must never crash the window
            self._notices.error(self.tr("Open image"), f"{Path(path).name}: {one_line(error)}")
            return False
        self._place(image)
        self._label.setText(fill(self.tr("Image file: %1"), Path(path).name))
        self._notices.status(fill(self.tr("Opened image %1"), path))
        return True

    def forget_source(self) -> None:
        self._label.clear()

    def _place(self, array) -> None:
        self._placing = True
        try:
            self._canvas.set_image(array)
        finally:
            self._placing = False

    def _drawn(self) -> None:
        if not self._placing and self._label.text():
            self._label.clear()
