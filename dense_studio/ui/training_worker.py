"""The bridge between a session's training run and the window.

The session puts a run together (``Session.start_run`` → a ``RunRecord``); its
``record.train(control)`` is the engine's generator, recording every batch into the record
as it goes, and yields after every batch (about 2 000 times a second for the reference
model). Sending each of those across threads would flood the GUI event loop, so
:class:`TrainingWorker` runs it in a superqt ``GeneratorWorker`` (a QThreadPool thread) and
thins it on the worker side:

* batch progress is forwarded at most ``max_rate`` times a second (``DEFAULT_MAX_RATE``
  by default), always with the *latest* batch, and the last batch of every epoch is always
  delivered; the curves read the batches in between from the record (``record.batches``);
* every ``EpochEnd`` and the final ``TrainingEnd`` are always delivered, each epoch with a
  *copy* of the weights taken in the worker between two batches. The session predicts with
  that snapshot, so drawing never reads weights the worker is halfway through updating;
* any exception becomes a one-line ``failed`` message, never a traceback.

The GUI thread hands what arrives to the session (``run_progress``, ``epoch_end``,
``finish_run``): the session announces only on its own thread.

Pause, resume and stop go through the engine's thread-safe ``TrainingControl``, which the
loop checks between batches (and which still reacts to stop while paused), so stopping is
quick even though this generator yields rarely. BLAS is limited to ``blas_threads`` threads
while training (the engine's own limit): on a 2-core machine a 2-thread BLAS leaves the GUI
thread no core and the window stutters.
"""

from __future__ import annotations

import contextlib
import logging
import math
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal
from superqt.utils import GeneratorWorker

from dense_studio.engine import BatchEnd, EpochEnd, TrainingControl, TrainingEnd
from dense_studio.errors import DenseStudioError, one_line
from dense_studio.session import RunRecord

__all__ = [
    "BatchProgress",
    "EpochReport",
    "EndReport",
    "Failure",
    "throttled_training",
    "TrainingWorker",
    "one_line",
]

log = logging.getLogger(__name__)

#: Signals per second for batch progress. Each one costs the GUI thread about a millisecond
#: of Python (GIL) time that training waits for, and redraws the bar; once the fast path
#: made an epoch half a second, 10 a second kept the window at 0.86 of the bare engine's
#: speed, 5 a second (with the curves' slower redraw) at 0.92 (benchmarks/bench_gui.py).
DEFAULT_MAX_RATE = 5.0

#: Python's GIL switch interval while a run trains (its default is 5 ms). A training step
#: hands the GIL back at each of its matrix products and compiled kernels (they run without
#: it) and needs it again after each; while the GUI thread runs Python (a prediction, the
#: layer math, painting) every such return waits up to the switch interval, so with 5 ms a
#: third-of-a-millisecond step ran at a fraction of its speed while someone drew.
TRAINING_SWITCH_INTERVAL = 0.001


@dataclass(frozen=True)
class BatchProgress:
    """The latest batch (the ones before it are in the run's record)."""

    event: BatchEnd


@dataclass(frozen=True)
class EpochReport:
    """An epoch's metrics and a copy of the weights at its end."""

    event: EpochEnd
    weights: list


@dataclass(frozen=True)
class EndReport:
    """The end of a run (finished, stopped or diverged)."""

    event: TrainingEnd


@dataclass(frozen=True)
class Preparing:
    """The engine's fast path is being loaded before the first batch (``done`` False), or
    is ready (``done`` True): the window shows "preparing" meanwhile."""

    done: bool


@dataclass(frozen=True)
class Failure:
    """Training raised; ``message`` is one line for the person at the window."""

    message: str


def _weights_copy(model) -> list:
    return [np.array(w, copy=True) for w in model.get_weights()]


def throttled_training(
    events: Iterator,
    model,
    *,
    max_rate: float = DEFAULT_MAX_RATE,
    blas_threads: int | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> Iterator[BatchProgress | EpochReport | EndReport | Failure]:
    """The training ``events`` (e.g. ``record.train(control)``) with batch events thinned
    to at most ``max_rate`` per second; ``model`` is the one they train (for the epochs'
    weight copies).

    Yields ``BatchProgress`` (throttled), ``EpochReport`` (every epoch, after flushing the
    epoch's last batch), then exactly one ``EndReport`` or ``Failure``. BLAS is limited to
    ``blas_threads`` meanwhile (None: left alone). Runs in any thread; it touches no Qt
    object.
    """
    interval = 1.0 / max_rate if max_rate > 0 else 0.0
    try:
        yield from _prepare_fast_path()
        with _blas_limit(blas_threads), _switch_interval(TRAINING_SWITCH_INTERVAL):
            yield from _thinned(events, model, interval, clock)
    except Exception as error:  # noqa: BLE001 - every failure must reach the user
        if not isinstance(error, DenseStudioError):
            log.exception("training failed")
        yield Failure(one_line(error))


def _prepare_fast_path() -> Iterator[Preparing]:
    """Load the engine's compiled kernels here, in the worker thread, when the user's cache
    holds them and this process has not loaded them yet (about half a second, once), so
    the run takes the fast path and the window can say what the wait is. Otherwise the
    engine decides by itself (with no kernels cached it starts compiling them in the
    background and trains on numpy)."""
    from dense_studio.engine import fast

    if fast.enabled() and not fast.is_prepared() and fast.kernels_cached():
        yield Preparing(False)
        fast.prepare_fast_path()
        yield Preparing(True)


def _thinned(events, model, interval: float, clock):
    last_sent = -math.inf
    pending: BatchEnd | None = None
    for event in events:
        if type(event) is BatchEnd:
            now = clock()
            if now - last_sent >= interval:
                last_sent, pending = now, None
                yield BatchProgress(event)
            else:
                pending = event
            continue
        if pending is not None:  # never lose the last batch of an epoch / run
            yield BatchProgress(pending)
            pending = None
            last_sent = clock()
        if isinstance(event, EpochEnd):
            yield EpochReport(event, _weights_copy(model))
        elif isinstance(event, TrainingEnd):
            yield EndReport(event)
            return
    # The engine promises a TrainingEnd; if it ever ends without one, say so.
    yield Failure("training ended without a result (engine error)")


@contextlib.contextmanager
def _switch_interval(seconds: float) -> Iterator[None]:
    """``sys.setswitchinterval(seconds)`` for the block (never longer than it was)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(seconds, before))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


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
    preparing = Signal(bool)  # True while the fast path loads before the first batch
    epochEnded = Signal(object)
    trainingEnded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, run, *, max_rate: float | None = None,
                 blas_threads: int | None = 1, parent: QObject | None = None) -> None:
        """Train ``run``: a session's ``RunRecord`` (recording as it trains) or an engine
        ``Run`` from ``prepare_run``, with its config's epochs, batch size and seed;
        ``max_rate`` progress signals a second at most (None: ``DEFAULT_MAX_RATE``)."""
        super().__init__(parent)
        self.control = TrainingControl()
        self._ended = False
        model = run.run.model if isinstance(run, RunRecord) else run.model
        # BLAS is limited here, around the whole loop (see _blas_limit), not by the engine.
        events = run.train(self.control, blas_threads=None)
        rate = DEFAULT_MAX_RATE if max_rate is None else max_rate
        self._runner = _Runner(throttled_training, events, model, max_rate=rate,
                               blas_threads=blas_threads)
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
        elif isinstance(item, Preparing):
            self.preparing.emit(not item.done)
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
