"""Live prediction of the drawing: canvas → preprocessing → session → bars and 28×28 preview.

The drawing is preprocessed here (the window's job: it knows the canvas) and handed to
the session (``session.set_input``), which predicts it with its predictor; the bars show
the session's ``prediction`` events and the preview its ``canvas`` events, whatever put
the input there (a drawing, a test image, a session file, new weights after an epoch).

Every change of the canvas asks for a prediction through a leading-edge throttle: the
first change of a stroke is predicted at once, later ones at most every ``min_interval_ms``
and always including the last one. The prediction runs from the event loop (a zero or
short timer), i.e. after the canvas has handled the mouse event and painted the ink, so
drawing never waits for the model. One prediction (preprocessing + a single-image forward
pass) takes a few milliseconds. (A QTimer rather than superqt's throttler: importing
superqt costs 0.2 s, which the window's launch cannot spare.)

While a model trains, predictions are spaced further apart (10 a second), because every one
of them is GUI-thread Python time that the training thread waits for (the GIL).

The session's predictor belongs to the GUI thread: it gets a copy of the weights taken by
the training worker at the end of each epoch, never the model being trained.
"""

from __future__ import annotations

import logging
import time

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from dense_studio.data import preprocess
from dense_studio.session import InputSource

__all__ = ["PredictionController", "Throttle"]

log = logging.getLogger(__name__)

#: Minimum time between two predictions while drawing. With ~3 ms per prediction this
#: keeps stroke-to-bars latency around one frame.
MIN_INTERVAL_MS = 8
#: The same while a model trains: every prediction (and the repaint of the bars, the
#: preview and, after it, the Inside views' layer math) is GUI-thread Python time taken
#: from the training thread, which shares the GIL: with a training step of a third of a
#: millisecond, 30 updates a second while drawing halved the window's training speed
#: (benchmarks/bench_gui.py --inside). The weights change only at the end of an epoch,
#: so the bars move only with the drawing: 10 updates a second still follow it.
TRAINING_INTERVAL_MS = 100


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
    """Feeds the canvas to the session and shows the session's input and prediction."""

    #: Emitted after each prediction with the probabilities shown (None: nothing shown).
    predicted = Signal(object)

    def __init__(self, session, canvas, chart, preview, *,
                 min_interval_ms: int = MIN_INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._canvas = canvas
        self._chart = chart
        self._preview = preview
        self._style = "garment"  # the last dataset's drawing recipe (kept while loading)
        self.feeding = False  # True while the canvas's own input goes to the session
        self._predicted_now = False
        self.last_seconds = 0.0  # duration of the last prediction, for the benchmark
        self._min_interval = min_interval_ms
        self._throttle = Throttle(self.update_now, min_interval_ms, parent=self)
        events = session.events
        events.canvas.connect(self._show_input)
        events.prediction.connect(self._show_prediction)
        events.run_started.connect(lambda _event: self._throttle.set_interval(
            TRAINING_INTERVAL_MS))
        events.run_finished.connect(lambda _event: self._throttle.set_interval(
            self._min_interval))
        events.dataset.connect(self._dataset)

    def _dataset(self, event) -> None:
        if event.value is not None and event.value.style != self._style:
            self._style = event.value.style
            if self._session.canvas.source.kind != "test_sample":
                self.request()  # the same drawing, prepared by the new dataset's recipe

    def request(self, *_args) -> None:
        """Ask for a prediction of the canvas soon (throttled, never inside the caller)."""
        self._throttle.request()

    def update_now(self, source: InputSource | None = None) -> None:
        """Preprocess the canvas and hand it to the session now (``source``: where it came
        from; a drawing by default)."""
        start = time.perf_counter()
        try:
            image28 = preprocess(self._canvas.image(), self._style)
        except Exception:  # noqa: BLE001 - a failed preprocessing must not break drawing
            log.exception("preprocessing failed")
            image28 = None
        self.feeding, self._predicted_now = True, False
        try:
            self._session.set_input(image28, source or InputSource())
        except Exception:  # noqa: BLE001 - a failed prediction must not break drawing
            log.exception("prediction failed")
        finally:
            self.feeding = False
        self.last_seconds = time.perf_counter() - start
        if self._predicted_now:  # announced once the timing is known (the benchmark reads it)
            self.predicted.emit(self._session.canvas.probabilities)

    def _show_input(self, event) -> None:
        self._preview.set_image(event.value)

    def _show_prediction(self, event) -> None:
        self._chart.set_probabilities(event.value)
        if self.feeding:
            self._predicted_now = True
        else:
            self.predicted.emit(event.value)
