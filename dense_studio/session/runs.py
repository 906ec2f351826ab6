"""The history of training runs: what each run was, how it went, how it ended.

Threading (the one rule): ``Run.train()`` runs in a worker thread, and so does
:meth:`RunRecord.train`, which passes the engine's events through while *recording* them.
Recording is append-only and announces nothing: a per-batch row is written into a
preallocated array and only then counted (``batch_count``), epoch metrics are appended to a
list, so the thread that owns the session can read ``batches`` / ``epochs`` at any time and
sees whole rows only (CPython's list append and int store are atomic). Announcements are
made by the owning thread: the UI forwards its throttled progress to
``session.run_progress()``, each epoch end to ``session.epoch_end()`` and the end to
``session.finish_run()``; the emitters refuse calls from any other thread.

Per-batch rows are (loss, accuracy, samples seen) with the engine's meaning: loss and
accuracy are running means over the epoch so far. A run with more batches than
``MAX_BATCH_ROWS`` keeps every k-th batch (and each epoch's last), so a long run cannot
fill the memory or the session file.

What a run ended with lives in ``metrics`` (plain numbers, so session files written before a
key existed stay readable): the last epoch's ``loss`` / ``accuracy`` / ``val_loss`` /
``val_accuracy``, ``epochs_done``, ``params`` (the model's parameter count),
``train_samples`` (training images per epoch), with early
stopping ``best_epoch`` (counted from 0, as ``EpochEnd.epoch``) and ``stopped_early`` (1 or
0), and once the test split was evaluated with the final weights ``test_loss`` /
``test_accuracy`` (:meth:`RunHistory.set_test_metrics`).
"""

from __future__ import annotations

import math
import time
from typing import Callable, Iterator, Optional

import numpy as np

from dense_studio.engine.run import Run
from dense_studio.engine.spec import TrainingConfig
from dense_studio.engine.training import BatchEnd, EpochEnd, Event, TrainingControl, TrainingEnd
from dense_studio.errors import ConfigError
from dense_studio.files.session_file import BATCH_COLUMNS, MAX_BATCH_ROWS, MAX_RUNS, RunData
from dense_studio.session.events import EmitterGroup

__all__ = ["RunRecord", "RunHistory", "RUNNING", "test_metrics"]

RUNNING = "running"


def test_metrics(model, x_test, y_test) -> dict:
    """``{"test_loss", "test_accuracy"}`` of ``model`` on a test split (``evaluate``'s)."""
    result = model.evaluate(x_test, y_test)
    return {"test_loss": float(result["loss"]), "test_accuracy": float(result["accuracy"])}


class RunRecord:
    """One run: its ``config`` (seed included), ``initial_epoch`` (epochs the model had
    trained before it), per-batch ``batches`` (n, 3), per-epoch ``epochs`` (``EpochEnd``),
    ``status`` ("running", then "finished" / "stopped" / "diverged" / "failed"), ``message``,
    final ``metrics``, ``started_at`` (Unix time) and ``seconds`` of training.

    ``run`` is the engine's :class:`Run` while the record is live (its ``held_out``,
    ``batches_per_epoch``, ``total_batches``; None once it ended or was read from a file).
    ``total_samples`` is what the run will have seen at its end (for a progress bar).
    ``name`` is for people (empty: the UI shows "Run {id}").
    """

    def __init__(self, id: int, config: TrainingConfig, *, run: Optional[Run] = None,
                 initial_epoch: float = 0.0, started_at: float = 0.0,
                 batches_per_epoch: int = 0, total_batches: int = 0, name: str = "") -> None:
        self.id = id
        self.name = name
        self.config = config
        self.run = run
        self.initial_epoch = float(initial_epoch)
        self.started_at = float(started_at)
        self.batches_per_epoch = int(batches_per_epoch)
        self.total_samples = len(run.x_train) * config.epochs if run is not None else 0
        self.status = RUNNING
        self.message = ""
        self.metrics: dict = {}
        self.seconds = 0.0
        self.epochs: list[EpochEnd] = []
        self.last_batch: Optional[BatchEnd] = None
        # Every k-th batch of the run, k chosen so that the rows fit MAX_BATCH_ROWS.
        self._stride = max(1, math.ceil(total_batches / MAX_BATCH_ROWS))
        capacity = min(MAX_BATCH_ROWS, math.ceil(total_batches / self._stride)
                       + config.epochs) if total_batches else 0
        self._rows = np.zeros((capacity, len(BATCH_COLUMNS)), np.float64)
        self.batch_count = 0
        self._batch_index = 0

    @classmethod
    def start(cls, id: int, run: Run, initial_epoch: float, clock: Callable[[], float]):
        record = cls(id, run.config, run=run, initial_epoch=initial_epoch, started_at=clock(),
                     batches_per_epoch=run.batches_per_epoch, total_batches=run.total_batches)
        record.metrics["params"] = int(run.model.count_params())
        record.metrics["train_samples"] = len(run.x_train)
        return record

    # -- recording (any one thread: the worker's) ---------------------------------------
    def train(self, control: Optional[TrainingControl] = None, **kwargs) -> Iterator[Event]:
        """``run.train(control)``, recording every event it yields (worker thread)."""
        if self.run is None:
            raise ConfigError("this run was read from a file; it cannot train again")
        for event in self.run.train(control, **kwargs):
            self.record(event)
            yield event

    def record(self, event: Event) -> None:
        """Keep ``event``'s numbers; cheap, append-only, announces nothing."""
        if type(event) is BatchEnd:
            self.last_batch = event
            self.seconds = event.elapsed
            self._batch_index += 1
            if self._batch_index % self._stride and event.batch != event.batches:
                return
            count = self.batch_count
            if count < len(self._rows):
                self._rows[count] = (event.loss, event.accuracy, event.samples_seen)
                self.batch_count = count + 1  # published after the row is whole
        elif type(event) is EpochEnd:
            self.epochs.append(event)

    @property
    def batches(self) -> np.ndarray:
        """The per-batch rows recorded so far, shape (n, 3): loss, accuracy, samples seen."""
        return self._rows[: self.batch_count]

    # -- ending (the owning thread) -----------------------------------------------------
    def finish(self, end: Optional[TrainingEnd], message: str = "") -> None:
        """The final status and metrics; ``end`` None means the run failed (``message``)."""
        if end is None:
            self.status, self.message = "failed", message
        else:
            self.status, self.message = end.status, end.message
        last = self.epochs[-1] if self.epochs else None
        if last is not None:
            self.metrics.update({k: v for k, v in (
                ("loss", last.loss), ("accuracy", last.accuracy), ("val_loss", last.val_loss),
                ("val_accuracy", last.val_accuracy)) if v is not None})
        self.metrics["epochs_done"] = len(self.epochs)
        if end is not None and end.best_epoch is not None:
            self.metrics["best_epoch"] = int(end.best_epoch)
            self.metrics["stopped_early"] = int(end.stopped_early)
        self.run = None  # let go of the training arrays

    @property
    def label(self) -> str:
        """The name, or "Run {id}" (the UI translates its own default)."""
        return self.name or f"Run {self.id}"

    @property
    def best_epoch(self) -> Optional[int]:
        """Early stopping's best epoch, counted from 0 (None without early stopping)."""
        value = self.metrics.get("best_epoch")
        return None if value is None else int(value)

    @property
    def samples_per_epoch(self) -> Optional[int]:
        """Training images per epoch (files written before ``train_samples`` was kept: from
        the rows of a run that finished all its epochs; else None)."""
        if self.run is not None:
            return len(self.run.x_train)
        if "train_samples" in self.metrics:
            return int(self.metrics["train_samples"])
        done = len(self.epochs)
        if done and self.batch_count and self.status == "finished":
            return int(round(self.batches[-1, 2] / done))
        return None

    @property
    def best_val_accuracy(self) -> Optional[float]:
        values = [e.val_accuracy for e in self.epochs if e.val_accuracy is not None]
        return max(values) if values else None

    @property
    def test_accuracy(self) -> Optional[float]:
        return self.metrics.get("test_accuracy")

    @property
    def epochs_done(self) -> float:
        """Epochs this run trained, fractions of a stopped epoch included."""
        batch = self.last_batch
        if batch is None:
            return float(len(self.epochs))
        if batch.batch < batch.batches and self.status != "diverged":
            return batch.epoch + batch.batch / batch.batches
        return float(len(self.epochs))

    # -- files --------------------------------------------------------------------------
    def to_data(self) -> RunData:
        return RunData(self.id, self.name, self.config, self.initial_epoch, self.status,
                       self.message, self.started_at, self.seconds, self.batches_per_epoch,
                       tuple(self.epochs), dict(self.metrics), self.batches.copy())

    @classmethod
    def from_data(cls, data: RunData) -> "RunRecord":
        record = cls(data.id, data.config, initial_epoch=data.initial_epoch,
                     started_at=data.started_at, batches_per_epoch=data.batches_per_epoch,
                     name=data.name)
        record.status, record.message = data.status, data.message
        record.seconds, record.metrics = data.seconds, dict(data.metrics)
        record.epochs = list(data.epochs)
        record._rows = np.array(data.batches, np.float64).reshape(-1, len(BATCH_COLUMNS))
        record.batch_count = len(record._rows)
        return record

    def __repr__(self) -> str:
        return f"<RunRecord {self.id} {self.status} epochs={len(self.epochs)}>"


class RunHistory:
    """Every run of the session, oldest first. Event ``runs`` (value: the tuple of records)
    when one is added, removed, renamed or ends."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.events = EmitterGroup.named(self, "runs")
        self._records: list[RunRecord] = []
        self._clock = clock
        self._next_id = 1

    @property
    def records(self) -> tuple:
        return tuple(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self):
        return iter(self._records)

    def get(self, run_id: int) -> RunRecord:
        for record in self._records:
            if record.id == run_id:
                return record
        raise ConfigError(f"no run {run_id!r}")

    @property
    def current(self) -> Optional[RunRecord]:
        """The run that is training, if any."""
        last = self._records[-1] if self._records else None
        return last if last is not None and last.status == RUNNING else None

    def start(self, run: Run, initial_epoch: float) -> RunRecord:
        if self.current is not None:
            raise ConfigError("a run is already training")
        record = RunRecord.start(self._next_id, run, initial_epoch, self._clock)
        self._next_id += 1
        self._records.append(record)
        del self._records[:-MAX_RUNS]
        self.changed()
        return record

    def remove(self, run_id: int) -> None:
        record = self.get(run_id)
        if record.status == RUNNING:
            raise ConfigError("a run cannot be deleted while it trains")
        self._records.remove(record)
        self.changed()

    def rename(self, run_id: int, name: str) -> None:
        name = str(name).strip()
        if len(name) > 100 or not name.isprintable():
            raise ConfigError("a run's name is one line of at most 100 characters")
        self.get(run_id).name = name
        self.changed()

    def set_test_metrics(self, run_id: int, metrics: dict) -> None:
        """The test split's ``test_loss`` / ``test_accuracy`` with the run's final weights."""
        record = self.get(run_id)
        record.metrics.update({k: float(metrics[k]) for k in ("test_loss", "test_accuracy")})
        self.changed()

    def replace_all(self, records) -> None:
        """The history read from a file (not announced: the caller announces once)."""
        self._records = list(records)
        self._next_id = max((r.id for r in self._records), default=0) + 1

    def changed(self) -> None:
        self.events.runs(self.records)
