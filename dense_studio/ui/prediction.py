"""Live prediction of the drawing: canvas → preprocessing → model → bars and 28×28 preview.

Every change of the canvas asks for a prediction through a leading-edge throttle: the
first change of a stroke is predicted at once, later ones at most every ``min_interval_ms``
and always including the last one. The prediction runs from the event loop (a zero or
short timer), i.e. after the canvas has handled the mouse event and painted the ink, so
drawing never waits for the model. One prediction (preprocessing + a single-image forward
pass) takes a few milliseconds. (A QTimer rather than superqt's throttler: importing
superqt costs 0.2 s, which the window's launch cannot spare.)

While a model trains, predictions are spaced further apart (30 a second), because every one
of them is GUI-thread Python time that the training thread waits for (the GIL).

The model used here belongs to the GUI thread: the window hands it a copy of the weights
taken by the training worker at the end of each epoch, never the model being trained.
"""

from __future__ import annotations

import logging
import time

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from dense_studio.data import preprocess

__all__ = ["PredictionController", "Throttle"]

log = logging.getLogger(__name__)

#: Minimum time between two predictions while drawing. With ~3 ms per prediction this
#: keeps stroke-to-bars latency around one frame.
MIN_INTERVAL_MS = 8
#: The same while a model trains: every prediction (and the repaint of the bars and the
#: preview) is GUI-thread Python time taken from the training thread, which shares the GIL;
#: 30 updates a second still look live.
TRAINING_INTERVAL_MS = 33


class Throttle(QObject):
    """Calls ``func`` from the event loop, at most once per ``interval_ms``: at once (next
    loop pass) after a quiet spell, then once more at the end of the interval if asked
    again meanwhile. Never calls it inside :meth:`request`."""

    def __init__(self, func, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._func = func
        self._interval = interval_ms
        self._last = -1e18
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._fire)

    def set_interval(self, interval_ms: int) -> None:
        self._interval = interval_ms

    def request(self) -> None:
        if self._timer.isActive():
            return  # the pending call will see this change too
        wait = self._last + self._interval - time.perf_counter() * 1000.0
        self._timer.start(max(0, int(wait + 0.999)))

    def _fire(self) -> None:
        self._last = time.perf_counter() * 1000.0
        self._func()


class PredictionController(QObject):
    """Keeps the prediction chart and input preview in step with the canvas."""

    #: Emitted after each prediction with the probabilities shown (None: nothing shown).
    predicted = Signal(object)

    def __init__(self, canvas, chart, preview, *, min_interval_ms: int = MIN_INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._canvas = canvas
        self._chart = chart
        self._preview = preview
        self._model = None
        self._style = "garment"
        self.last_seconds = 0.0  # duration of the last prediction, for the benchmark
        self._min_interval = min_interval_ms
        self._throttle = Throttle(self.update_now, min_interval_ms, parent=self)
        canvas.changed.connect(self.request)

    def set_model(self, model, style: str | None = None) -> None:
        """Predict with ``model`` (owned by the GUI thread) from now on, and refresh."""
        self._model = model
        if style is not None:
            self._style = style
        self.request()

    def set_training(self, training: bool) -> None:
        """Predict less often while a model trains (see TRAINING_INTERVAL_MS)."""
        self._throttle.set_interval(TRAINING_INTERVAL_MS if training else self._min_interval)

    def set_style(self, style: str) -> None:
        self._style = style
        self.request()

    def request(self, *_args) -> None:
        """Ask for a prediction soon (throttled, never inside the caller)."""
        self._throttle.request()

    def update_now(self) -> None:
        """Preprocess the drawing and predict it now."""
        start = time.perf_counter()
        probabilities = None
        image28 = None
        try:
            image = self._canvas.image()
            image28 = preprocess(image, self._style)
            if image28 is not None and self._model is not None:
                probabilities = np.asarray(
                    self._model.predict(image28[np.newaxis].astype(np.float32)), dtype=np.float32
                )[0]
        except Exception:  # noqa: BLE001 - a failed prediction must not break drawing
            log.exception("prediction failed")
            probabilities, image28 = None, None
        self._preview.set_image(image28)
        self._chart.set_probabilities(probabilities)
        self.last_seconds = time.perf_counter() - start
        self.predicted.emit(probabilities)
