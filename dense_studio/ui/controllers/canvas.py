"""What is on the canvas: a drawing, a test image with its true label, or an image file.

The session holds the input (``session.canvas``: the 28×28 image the network sees and
where it came from); the canvas widget shows it large. A drawing goes to the session
through the prediction controller (preprocessed, throttled); a test image or a session
file's input comes back from the session and is put on the canvas widget.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject

from dense_studio.data import read_image
from dense_studio.errors import DenseStudioError, one_line
from dense_studio.session import InputSource
from dense_studio.ui.i18n import class_name_for_display
from dense_studio.ui.messages import fill

__all__ = ["CanvasController"]


class CanvasController(QObject):
    """Keeps the canvas widget and ``sampleLabel`` in step with ``session.canvas``.
    State (not the person's): ``rng``, the generator that picks random test images."""

    def __init__(self, session, canvas, sample_label, prediction, notices, busy,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._canvas = canvas
        self._label = sample_label
        self._prediction = prediction
        self._notices = notices
        self._busy = busy  # reads image files off the GUI thread
        self._placing = False  # True while this controller itself changes the canvas widget
        self.rng = np.random.default_rng()
        canvas.changed.connect(self._drawn)
        session.events.canvas.connect(self._shown)
        session.events.dataset.connect(lambda _event: self._shown_source())

    def show_random_sample(self) -> int | None:
        """Put a random test image on the canvas and show its true label; its index."""
        dataset = self._session.dataset
        if dataset is None:
            return None
        index = int(self.rng.integers(len(dataset.x_test)))
        self._session.show_test_sample(index)
        return index

    def open_image(self, path: str) -> bool:
        """Put an image file on the canvas; False (with a message, canvas unchanged) if bad."""
        if self._busy.is_busy:
            return False
        try:
            image = self._busy.run(read_image, path)
        except DenseStudioError as error:
            self._notices.error(self.tr("Open image"), str(error))
            return False
        except Exception as error:  # noqa: BLE001 - a file must never crash the window
            self._notices.error(self.tr("Open image"), f"{Path(path).name}: {one_line(error)}")
            return False
        with self._placed():
            self._canvas.set_image(image)
        # What the network sees is the canvas, preprocessed as a drawing would be.
        self._prediction.update_now(InputSource("image_file", file_name=Path(path).name))
        self._notices.status(fill(self.tr("Opened image %1"), path))
        return True

    @contextmanager
    def _placed(self):
        self._placing = True
        try:
            yield
        finally:
            self._placing = False

    def _drawn(self) -> None:
        if not self._placing:
            self._prediction.request()

    def _shown(self, event) -> None:
        """The session's input changed: show it (unless it came from the canvas itself)."""
        if not self._prediction.feeding:
            with self._placed():
                if event.value is None:
                    self._canvas.clear()
                else:
                    self._canvas.set_image(event.value)
        self._shown_source()

    def _shown_source(self) -> None:
        canvas = self._session.canvas
        source = canvas.source if canvas.image is not None else InputSource()
        if source.kind == "test_sample":
            names = self._session.class_names
            label = names[source.true_label] if source.true_label < len(names) \
                else str(source.true_label)
            self._label.setText(fill(self.tr("Test image #%1 — true label: <b>%2</b>"),
                                     source.test_index, class_name_for_display(label)))
        elif source.kind == "image_file":
            self._label.setText(fill(self.tr("Image file: %1"), source.file_name))
        else:
            self._label.clear()
