"""The bridge between the engine's training loop and the window.

``Sequential.train()`` is a generator that yields after every batch (about 2 000 times a
second for the reference model). Sending each of those across threads would flood the GUI
event loop, so :class:`TrainingWorker` runs the generator in a superqt ``GeneratorWorker``
(a QThreadPool thread) and thins it on the worker side:

* batch progress is forwarded at most ``max_rate`` times a second (10 by default), always
  with the *latest* batch, and the last batch of every epoch is always delivered;
* every batch still feeds a smoothed (exponential moving average) loss/accuracy curve, so
  the points the window draws are batch-level even though the signals are not;
* every ``EpochEnd`` and the final ``TrainingEnd`` are always delivered, each with a *copy*
  of the weights taken in the worker between two batches. The window predicts with that
  snapshot, so drawing never reads weights the worker is halfway through updating;
* any exception becomes a one-line ``failed`` message, never a traceback.

Pause, resume and stop go through the engine's thread-safe ``TrainingControl``, which the
loop checks between batches (and which still reacts to stop while paused), so stopping is
quick even though this generator yields rarely.

BLAS is limited to ``blas_threads`` threads while training (threadpoolctl): on a 2-core
machine a 2-thread BLAS leaves the GUI thread no core and the window stutters.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal
from superqt.utils import GeneratorWorker

from dense_studio.engine import BatchEnd, EpochEnd, TrainingControl, TrainingEnd
from dense_studio.engine.run import batches_per_epoch
from dense_studio.errors import DenseStudioError, one_line

__all__ = [
    "BatchProgress",
    "EpochReport",
    "EndReport",
    "Failure",
    "BatchSmoother",
    "throttled_training",
    "TrainingWorker",
    "one_line",
]

log = logging.getLogger(__name__)

#: Signals per second for batch progress. Each one costs the GUI thread about a millisecond
#: of Python (GIL) time that training waits for; 10 a second look smooth and keep the
#: window's training speed within 10 % of the bare engine's (benchmarks/bench_gui.py).
DEFAULT_MAX_RATE = 10.0
#: Smoothed curve points kept per epoch (enough for a smooth line, cheap to redraw).
POINTS_PER_EPOCH = 200


@dataclass(frozen=True)
class BatchProgress:
    """The latest batch, plus the smoothed curve points gathered since the last one.

    ``points`` is an ``(n, 3)`` float array of (epochs into this run, smoothed loss,
    smoothed accuracy); it may be empty.
    """

    event: BatchEnd
    points: np.ndarray


@dataclass(frozen=True)
class EpochReport:
    """An epoch's metrics and a copy of the weights at its end."""

    event: EpochEnd
    weights: list


@dataclass(frozen=True)
class EndReport:
    """The end of a run (finished, stopped or diverged) and a copy of the final weights."""

    event: TrainingEnd
    weights: list


@dataclass(frozen=True)
class Failure:
    """Training raised; ``message`` is one line for the person at the window."""

    message: str


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
        batch = event.batch
        prev_batch, prev_loss, prev_acc = self._prev
        if batch <= prev_batch:  # a new epoch: the running means restarted
            prev_batch, prev_loss, prev_acc = 0, 0.0, 0.0
        steps = batch - prev_batch
        loss = (event.loss * batch - prev_loss * prev_batch) / steps
        acc = (event.accuracy * batch - prev_acc * prev_batch) / steps
        self._prev = (batch, event.loss, event.accuracy)
        if not (math.isfinite(loss) and math.isfinite(acc)):
            return
        beta = self._beta**steps
        self._loss = beta * self._loss + (1.0 - beta) * loss
        self._acc = beta * self._acc + (1.0 - beta) * acc
        self._weight = beta * self._weight + (1.0 - beta)
        if batch % self._stride == 0 or batch == event.batches:
            x = event.epoch + batch / max(1, event.batches)
            self._points.append((x, self._loss / self._weight, self._acc / self._weight))

    def take(self) -> np.ndarray:
        """The points gathered since the last call, as an ``(n, 3)`` array."""
        points = np.array(self._points, dtype=np.float64).reshape(-1, 3)
        self._points.clear()
        return points


def _weights_copy(model) -> list:
    return [np.array(w, copy=True) for w in model.get_weights()]


def throttled_training(
    model,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    seed: int = 0,
    control: TrainingControl | None = None,
    max_rate: float = DEFAULT_MAX_RATE,
    blas_threads: int | None = 1,
    clock: Callable[[], float] = time.perf_counter,
) -> Iterator[BatchProgress | EpochReport | EndReport | Failure]:
    """``model.train(...)`` with batch events thinned to at most ``max_rate`` per second.

    Yields ``BatchProgress`` (throttled), ``EpochReport`` (every epoch, after flushing the
    epoch's last batch), then exactly one ``EndReport`` or ``Failure``. Runs in any thread;
    it touches no Qt object.
    """
    interval = 1.0 / max_rate if max_rate > 0 else 0.0
    batches = max(1, batches_per_epoch(len(x), max(1, batch_size)))
    smoother = BatchSmoother(batches)
    last_sent = -math.inf
    pending: BatchEnd | None = None
    try:
        with _blas_limit(blas_threads):
            for event in model.train(
                x,
                y,
                epochs=epochs,
                batch_size=batch_size,
                validation_data=validation_data,
                seed=seed,
                control=control,
            ):
                if isinstance(event, BatchEnd):
                    smoother.add(event)
                    now = clock()
                    if now - last_sent >= interval:
                        last_sent, pending = now, None
                        yield BatchProgress(event, smoother.take())
                    else:
                        pending = event
                    continue
                if pending is not None:  # never lose the last batch of an epoch / run
                    yield BatchProgress(pending, smoother.take())
                    pending = None
                    last_sent = clock()
                if isinstance(event, EpochEnd):
                    yield EpochReport(event, _weights_copy(model))
                elif isinstance(event, TrainingEnd):
                    yield EndReport(event, _weights_copy(model))
                    return
    except Exception as error:  # noqa: BLE001 - every failure must reach the user
        if not isinstance(error, DenseStudioError):
            log.exception("training failed")
        yield Failure(one_line(error))
        return
    # The engine promises a TrainingEnd; if it ever ends without one, say so.
    yield Failure("training ended without a result (engine error)")


@contextlib.contextmanager
def _blas_limit(threads: int | None) -> Iterator[None]:
    """``threadpool_limits(threads, "blas")`` for the block; nothing when threads is None.

    Used as a context manager on purpose: with OpenBLAS's process-wide pool, threadpoolctl
    lets only one "controlling" thread set limits and silently ignores the others; leaving
    the ``with`` block hands control back. A standalone limit + restore would keep it, and
    the next run, started on another pool thread, could no longer limit BLAS.
    """
    limiter = None
    if threads is not None:
        try:
            from threadpoolctl import threadpool_limits

            limiter = threadpool_limits(limits=threads, user_api="blas")
        except Exception:  # noqa: BLE001 - a missing BLAS is no reason not to train
            log.debug("could not limit BLAS threads", exc_info=True)
    if limiter is None:
        yield
        return
    with limiter:
        yield


class _Runner(GeneratorWorker):
    """A GeneratorWorker that also says, thread-safely, when its thread is really done."""

    def __init__(self, func, *args, **kwargs):
        super().__init__(func, *args, **kwargs)
        self.done = threading.Event()

    def run(self) -> None:  # called by QThreadPool in the worker thread
        try:
            super().run()
        finally:
            self.done.set()


class TrainingWorker(QObject):
    """Trains a run's model in a pool thread and reports through Qt signals (GUI thread).

    Signals carry :class:`BatchProgress`, :class:`EpochReport` and :class:`EndReport`;
    ``failed`` carries a one-line message; ``finished`` comes last, once the thread has
    let go of the model. Exactly one of ``trainingEnded`` / ``failed`` is emitted per run.
    The model must not be touched by anyone else until ``finished``.
    """

    progress = Signal(object)
    epochEnded = Signal(object)
    trainingEnded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, run, *, max_rate: float = DEFAULT_MAX_RATE,
                 blas_threads: int | None = 1, parent: QObject | None = None) -> None:
        """Train ``run`` (an ``engine.run.Run`` from ``prepare_run``): its model, its
        training and validation parts, its config's epochs, batch size and seed."""
        super().__init__(parent)
        self.control = TrainingControl()
        self._ended = False
        config = run.config
        self._runner = _Runner(
            throttled_training, run.model, run.x_train, run.y_train, epochs=config.epochs,
            batch_size=config.batch_size, validation_data=run.validation, seed=config.seed,
            control=self.control, max_rate=max_rate, blas_threads=blas_threads,
        )
        self._runner.yielded.connect(self._dispatch)
        self._runner.errored.connect(self._on_errored)
        self._runner.finished.connect(self._on_finished)
        self._started = False

    # -- control (GUI thread) --------------------------------------------------------
    def start(self) -> None:
        if self._started:
            raise RuntimeError("a TrainingWorker runs once; make a new one")
        self._started = True
        self._runner.start()

    def pause(self) -> None:
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()

    def stop(self) -> None:
        """Ask the loop to stop after the current batch (also when paused)."""
        self.control.stop()

    @property
    def is_paused(self) -> bool:
        return bool(self.control.paused)

    @property
    def is_running(self) -> bool:
        """True from start() until the worker thread has returned."""
        return self._started and not self._runner.done.is_set()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until the worker thread is done; False if it still runs after the timeout."""
        if not self._started:
            return True
        return self._runner.done.wait(None if timeout_ms < 0 else timeout_ms / 1000.0)

    def stop_and_wait(self, timeout_ms: int = 1000) -> bool:
        self.stop()
        return self.wait(timeout_ms)

    # -- delivery (GUI thread, queued from the worker) ----------------------------------
    def _dispatch(self, item: object) -> None:
        if isinstance(item, BatchProgress):
            self.progress.emit(item)
        elif isinstance(item, EpochReport):
            self.epochEnded.emit(item)
        elif isinstance(item, EndReport):
            self._ended = True
            self.trainingEnded.emit(item)
        elif isinstance(item, Failure):
            self._ended = True
            self.failed.emit(item.message)

    def _on_errored(self, error: Exception) -> None:  # only if the generator itself broke
        if not self._ended:
            self._ended = True
            self.failed.emit(one_line(error))

    def _on_finished(self) -> None:
        # superqt emits finished just before the thread returns: give it that moment, so
        # that after our own `finished` the thread is really gone.
        self._runner.done.wait(1.0)
        if not self._ended:  # e.g. aborted by superqt's await_workers()
            self._ended = True
            self.failed.emit("training was interrupted")
        self.finished.emit()
