"""What a training run reports, and how it is paused or stopped.

``Sequential.train`` yields a ``BatchEnd`` after every batch, an ``EpochEnd`` after every
epoch and exactly one ``TrainingEnd`` last; a ``TrainingControl`` pauses, resumes or stops
it from another thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Optional, Union

from dense_studio.errors import DenseStudioError

DIVERGED_MESSAGE = (
    "training diverged (loss became {what}) — weights restored to the last good ones; "
    "try a lower learning rate"
)


class TrainingDiverged(DenseStudioError):
    """Raised by ``fit`` when the loss became NaN or infinite."""


@dataclass(frozen=True)
class BatchEnd:
    """After every batch. ``loss``/``accuracy`` are running means over this epoch so far;
    ``samples_per_second`` is this epoch's so far; ``elapsed`` is training time since the
    run started. Times exclude pauses."""

    epoch: int  # 0-based
    epochs: int
    batch: int  # 1-based, batches done in this epoch
    batches: int
    loss: float
    accuracy: float
    samples_seen: int  # across the whole run
    samples_per_second: float
    elapsed: float

    @classmethod
    def fast(cls, epoch, epochs, batch, batches, loss, accuracy, samples_seen,
             samples_per_second, elapsed) -> "BatchEnd":
        """The same event without the frozen dataclass's ``__init__``, whose nine
        ``object.__setattr__`` calls cost about 1 % of a reference training step."""
        event = object.__new__(cls)
        event.__dict__.update(
            epoch=epoch, epochs=epochs, batch=batch, batches=batches, loss=loss,
            accuracy=accuracy, samples_seen=samples_seen,
            samples_per_second=samples_per_second, elapsed=elapsed)
        return event


@dataclass(frozen=True)
class EpochEnd:
    epoch: int  # 0-based
    epochs: int
    loss: float
    accuracy: float
    val_loss: Optional[float]
    val_accuracy: Optional[float]
    seconds: float
    samples_per_second: float


@dataclass(frozen=True)
class TrainingEnd:
    status: str  # "finished" | "stopped" | "diverged"
    message: str
    history: dict = field(default_factory=dict)
    epochs_done: int = 0
    # With early stopping: the best epoch by the monitored metric, counted from 0 like
    # ``EpochEnd.epoch`` and Keras's ``EarlyStopping.best_epoch`` (None without early
    # stopping or before a validated epoch); ``stopped_early``: the rule ended the run
    # (its status is still "finished", as a Keras fit that early stopping ends).
    best_epoch: Optional[int] = None
    stopped_early: bool = False


Event = Union[BatchEnd, EpochEnd, TrainingEnd]


class TrainingControl:
    """Pause, resume or stop a running ``train()`` from another thread.

    The loop looks at it between batches (one attribute read). While paused it blocks in
    ``wait_if_paused`` and still wakes up at once for ``stop()``.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._paused = False
        self._stopped = False
        self.interrupted = False  # paused or stopped: the loop's cheap check

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stopped(self) -> bool:
        return self._stopped

    def pause(self) -> None:
        with self._cond:
            if not self._stopped:
                self._paused = True
                self.interrupted = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self.interrupted = self._stopped
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._paused = False
            self.interrupted = True
            self._cond.notify_all()

    def wait_if_paused(self) -> bool:
        """Block while paused; return True when training should stop."""
        with self._cond:
            while self._paused and not self._stopped:
                self._cond.wait(0.5)
            return self._stopped
