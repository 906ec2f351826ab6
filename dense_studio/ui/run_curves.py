"""The learning curves as a view on the session's runs.

The session's run record holds every batch's running means (``record.batches``: loss,
accuracy, samples seen) and every epoch's metrics (``record.epochs``). This controller turns
them into what ``TrainingCurves`` draws: on each (throttled) ``run_progress`` it smooths the
rows recorded since the last one, on each ``epoch`` it adds the epoch's points, and when a
session file brings other runs it draws the last two of them (the older one dimmed).

The dimmed previous run is always named in the legend, with its dataset when that is not
the current one; early stopping's best epoch is marked when a run ends. A model file keeps
its final metrics but no curves (``model_file``'s description has no history): after one
is opened its stored metrics are drawn as single points at the epochs it was trained, and
the legend says that this is all the file holds.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QObject

from dense_studio.engine import BatchEnd
from dense_studio.errors import DenseStudioError
from dense_studio.ui.messages import fill

__all__ = ["BatchSmoother", "RunCurves", "POINTS_PER_EPOCH", "smoothed_points"]

#: Smoothed curve points kept per epoch (enough for a smooth line, cheap to redraw).
POINTS_PER_EPOCH = 200


class BatchSmoother:
    """Turns the engine's per-epoch running means into a smoothed per-batch curve.

    ``BatchEnd.loss`` is the mean over the epoch so far; the loss of batch ``b`` alone is
    ``b * mean_b - (b - 1) * mean_(b-1)``. An exponential moving average of those (time
    constant 5 % of an epoch, bias-corrected as TensorBoard does) is continuous across
    epochs, unlike the running mean which restarts at every epoch.
    """

    def __init__(self, batches_per_epoch: int, points_per_epoch: int = POINTS_PER_EPOCH):
        batches = max(1, int(batches_per_epoch))
        self._beta = math.exp(-1.0 / max(1.0, 0.05 * batches))
        self._stride = max(1, batches // max(1, points_per_epoch))
        self._loss = self._acc = self._weight = 0.0
        self._prev = (0, 0.0, 0.0)  # (batch, mean loss, mean accuracy) of the previous event
        self._points: list[tuple[float, float, float]] = []

    def add(self, event: BatchEnd) -> None:
        self.add_values(event.epoch, event.batch, event.batches, event.loss, event.accuracy)

    def add_values(self, epoch: int, batch: int, batches: int, mean_loss: float,
                   mean_accuracy: float) -> None:
        """Batch ``batch`` (1-based) of ``batches`` in ``epoch``, with the running means."""
        prev_batch, prev_loss, prev_acc = self._prev
        if batch <= prev_batch:  # a new epoch: the running means restarted
            prev_batch, prev_loss, prev_acc = 0, 0.0, 0.0
        steps = batch - prev_batch
        loss = (mean_loss * batch - prev_loss * prev_batch) / steps
        acc = (mean_accuracy * batch - prev_acc * prev_batch) / steps
        self._prev = (batch, mean_loss, mean_accuracy)
        if not (math.isfinite(loss) and math.isfinite(acc)):
            return
        beta = self._beta**steps
        self._loss = beta * self._loss + (1.0 - beta) * loss
        self._acc = beta * self._acc + (1.0 - beta) * acc
        self._weight = beta * self._weight + (1.0 - beta)
        if batch % self._stride == 0 or batch == batches:
            x = epoch + batch / max(1, batches)
            self._points.append((x, self._loss / self._weight, self._acc / self._weight))

    def take(self) -> np.ndarray:
        """The points gathered since the last call, as an ``(n, 3)`` array."""
        points = np.array(self._points, dtype=np.float64).reshape(-1, 3)
        self._points.clear()
        return points


class _RowFeed:
    """One run's recorded rows → smoothed points (x in epochs of the run, loss, accuracy)."""

    def __init__(self, record) -> None:
        config = record.config
        self.batches = max(1, record.batches_per_epoch)
        self.batch_size = max(1, config.batch_size)
        # Samples per epoch: the last batch of an epoch may be smaller than the others, so
        # batches × batch size is only an upper bound (and drew a spike at every epoch
        # start of a stored run).
        self.samples = record.samples_per_epoch or self.batches * self.batch_size
        self.smoother = BatchSmoother(self.batches)
        self.seen = 0

    def take(self, record) -> np.ndarray:
        rows = record.batches[self.seen:]
        self.seen += len(rows)
        n, bs, batches, add = self.samples, self.batch_size, self.batches, self.smoother.add_values
        for loss, accuracy, samples_seen in rows.tolist():
            epoch = (int(samples_seen) - 1) // n
            batch = min(batches, math.ceil((samples_seen - epoch * n) / bs))
            add(epoch, batch, batches, loss, accuracy)
        return self.smoother.take()


def smoothed_points(record) -> np.ndarray:
    """A recorded run's smoothed training curve, ``(n, 3)``: x in epochs of the run, loss,
    accuracy (0-1)."""
    return _RowFeed(record).take(record)


class RunCurves(QObject):
    """Keeps ``curves`` (a TrainingCurves) in step with ``session``'s runs."""

    def __init__(self, session, curves, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._curves = curves
        self._feed: _RowFeed | None = None
        self._drawn: tuple = ()  # ids of the runs on the plots (previous, current)
        self._predictor = None  # the last predictor seen (a new one: a model was opened)
        #: How the legend names a run (set by the runs view, which translates).
        self.describe = lambda record: record.label
        events = session.events
        events.run_started.connect(self._started)
        events.run_progress.connect(self._progress)
        events.epoch.connect(self._epoch)
        events.run_finished.connect(self._finished)
        events.runs.connect(self._runs)
        events.dataset_name.connect(lambda _event: self.name_previous())
        events.weights.connect(self._weights)

    def name_previous(self) -> None:
        """Name the dimmed run in the legend (again: its dataset may differ now)."""
        previous = self._drawn[0] if len(self._drawn) == 2 else None
        if isinstance(previous, str):  # the opened model file's stored metrics
            self._curves.set_previous_label(previous)
            return
        try:
            record = self._session.runs.get(previous) if previous is not None else None
        except DenseStudioError:  # deleted meanwhile
            record = None
        self._curves.set_previous_label(None if record is None else self.describe(record))

    def _started(self, event) -> None:
        record = event.value
        self._feed = _RowFeed(record)
        self._curves.start_run(record.initial_epoch, record.config.epochs)
        self._curves.set_note("")
        self._drawn = (self._drawn[-1:] + (record.id,))[-2:]
        self.name_previous()

    def _progress(self, event) -> None:
        if self._feed is not None:
            self._curves.add_points(self._feed.take(event.value))

    def _epoch(self, event) -> None:
        ev = event.value
        self._curves.add_epoch(ev.epoch, ev.loss, ev.accuracy, ev.val_loss, ev.val_accuracy)

    def _finished(self, event) -> None:
        if self._feed is not None:
            self._curves.add_points(self._feed.take(event.value))
        self._feed = None
        self._curves.end_run()
        self._curves.mark_best_epoch(event.value.best_epoch)

    def _runs(self, event) -> None:
        """Another history (a session file opened, runs deleted): draw its last two runs."""
        records = tuple(event.value)
        if self._session.runs.current is not None:
            return
        last = tuple(r.id for r in records[-2:])
        ids = {r.id for r in records}
        if last == self._drawn or (self._drawn and records and self._drawn[-1] == records[-1].id
                                   and all(isinstance(d, str) or d in ids for d in self._drawn)):
            return  # what is drawn is still there (e.g. a run just ended after a model file)
        self._drawn = last
        curves = self._curves
        curves.clear()
        for record in records[-2:]:
            curves.start_run(record.initial_epoch, record.config.epochs)
            curves.add_points(_RowFeed(record).take(record))
            for ev in record.epochs:
                curves.add_epoch(ev.epoch, ev.loss, ev.accuracy, ev.val_loss, ev.val_accuracy)
            curves.end_run()
        self.name_previous()
        if records:
            curves.mark_best_epoch(records[-1].best_epoch)

    def _weights(self, event) -> None:
        """A model file was opened (a new predictor from a file): show what it stores."""
        predictor, state = event.value, self._session.model
        if predictor is self._predictor:
            return
        self._predictor = predictor
        if predictor is None or state.path is None or state.training or not state.trained:
            return
        metrics, x = state.metrics, state.epochs_trained
        curves = self._curves
        curves.clear()
        self._drawn = (state.path.name,)
        if "loss" in metrics and "accuracy" in metrics:
            curves.start_run(x, 0)
            curves.add_epoch(-1, metrics["loss"], metrics["accuracy"],
                             metrics.get("val_loss"), metrics.get("val_accuracy"))
            curves.end_run()
        curves.set_note(fill(self.tr(
            "%1: trained %2 epochs before. A model file keeps its final metrics (the "
            "points), not its curves."), state.path.name, f"{x:g}"))
