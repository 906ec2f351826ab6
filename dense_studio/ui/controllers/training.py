"""Training runs: Start / Pause / Resume / Stop, the worker thread, and what a run reports.

A run is put together only by the engine's ``prepare_run`` (its validation rule, its
checks, its compile), from the model being trained so that Start goes on from the current
weights. The worker (``ui/training_worker.py``) trains in a pool thread; this controller
turns its reports into the panel's progress, the curves, the model's snapshots and the
status messages.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from dense_studio.engine.run import prepare_run
from dense_studio.errors import DenseStudioError
from dense_studio.ui.messages import fill, format_count, format_percent
from dense_studio.ui.training_panel import format_duration

__all__ = ["TrainingController"]


class TrainingController(QObject):
    """State: ``worker`` (while a run's thread exists), ``run`` (the ``engine.run.Run`` of
    the last run started), ``stopping``, ``last_batch`` (the latest ``BatchEnd``),
    ``run_offset`` (epochs trained before this run) and ``ended_status``.

    ``started()`` once a run's thread starts; ``stateChanged()`` whenever training starts,
    pauses, resumes, is asked to stop or ends; ``ended(status)`` last, once the thread has
    let go of the model ("finished", "stopped", "diverged" or "failed").
    """

    started = Signal()
    stateChanged = Signal()
    ended = Signal(str)

    def __init__(self, panel, curves, models, notices, *, train_limit: int | None = None,
                 blas_threads: int | None = 1, progress_rate: float = 10.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._panel, self._curves, self._models, self._notices = panel, curves, models, notices
        self.train_limit = train_limit
        self._blas_threads = blas_threads
        self._progress_rate = progress_rate
        self.worker = None
        self.run = None
        self.stopping = False
        self.last_batch = None
        self.run_offset = 0.0
        self.ended_status = "finished"

    # -------------------------------------------------------------- state
    @property
    def is_training(self) -> bool:
        return self.worker is not None

    def state(self) -> str | None:
        """"training", "paused" or "stopping" while a run exists, else None."""
        if self.worker is None:
            return None
        if self.stopping:
            return "stopping"
        return "paused" if self.worker.is_paused else "training"

    # -------------------------------------------------------------- control
    def start(self, config, dataset) -> bool:
        """Train the model on ``dataset`` with ``config``; False (with a message) if not."""
        if self.worker is not None or dataset is None:
            return False
        x, y = dataset.x_train, dataset.y_train
        if self.train_limit is not None:
            x, y = x[: self.train_limit], y[: self.train_limit]
        try:
            run = prepare_run(config, x, y, num_classes=dataset.num_classes,
                              model=self._models.model)
        except DenseStudioError as error:
            self._notices.error(self.tr("Training"), str(error))
            return False
        from dense_studio.ui.training_worker import TrainingWorker  # superqt: load on demand

        worker = TrainingWorker(run, max_rate=self._progress_rate,
                                        blas_threads=self._blas_threads, parent=self)
        worker.progress.connect(self._on_progress)
        worker.epochEnded.connect(self._on_epoch)
        worker.trainingEnded.connect(self._on_end)
        worker.failed.connect(self._on_failed)
        worker.finished.connect(self._on_worker_finished)
        self.worker, self.run = worker, run
        self.stopping = False
        self.run_offset = self._models.epochs_trained
        self.last_batch = None
        self._models.config = config
        self._curves.start_run(self.run_offset, config.epochs)
        self._panel.begin_progress(config.epochs, run.batches_per_epoch)
        self._panel.show_message("")
        self.stateChanged.emit()
        self._notices.status(fill(
            self.tr("Training started: %n epoch(s) of %1 images on %2 (%3 held out for "
                    "validation).", "", config.epochs),
            format_count(len(run.x_train)), dataset.title, format_count(run.held_out)))
        worker.start()
        self.started.emit()
        return True

    def pause(self) -> None:
        if self.worker is None or self.stopping:
            return
        self.worker.pause()
        self.stateChanged.emit()
        where = ""
        if self.last_batch is not None:
            where = fill(self.tr(" at epoch %1, batch %2"),
                         self.last_batch.epoch + 1, self.last_batch.batch)
        self._notices.status(fill(self.tr("Paused%1. Press Resume to go on."), where))

    def resume(self) -> None:
        if self.worker is None or self.stopping:
            return
        self.worker.resume()
        self.stateChanged.emit()
        self._notices.status(self.tr("Training resumed."))

    def stop(self) -> None:
        if self.worker is None or self.stopping:
            return
        self.stopping = True
        self.worker.stop()
        self.stateChanged.emit()
        self._notices.status(self.tr("Stopping after this batch…"))

    def close(self, timeout_ms: int) -> bool:
        """Stop and wait up to ``timeout_ms`` for the thread; False if it still runs."""
        worker = self.worker
        if worker is None:
            return True
        worker.stop()
        return worker.wait(timeout_ms)

    def wait(self) -> None:
        if self.worker is not None:
            self.worker.wait()

    # -------------------------------------------------------------- reports
    def _on_progress(self, item) -> None:
        self.last_batch = item.event
        self._panel.show_batch(item.event, len(self.run.x_train) * self.run.config.epochs)
        self._curves.add_points(item.points)

    def _on_epoch(self, report) -> None:
        event = report.event
        metrics = {"loss": event.loss, "accuracy": event.accuracy}
        if event.val_loss is not None:
            metrics.update(val_loss=event.val_loss, val_accuracy=event.val_accuracy)
        self._models.epoch_done(report.weights, self.run_offset + event.epoch + 1.0, metrics)
        self._curves.add_epoch(event.epoch, event.loss, event.accuracy, event.val_loss,
                               event.val_accuracy)
        text = fill(self.tr("Epoch %1/%2: loss %3, accuracy %4 %"), event.epoch + 1,
                    event.epochs, f"{event.loss:.4f}", format_percent(event.accuracy))
        if event.val_accuracy is not None:
            text += fill(self.tr(" · validation loss %1, accuracy %2 %"),
                         f"{event.val_loss:.4f}", format_percent(event.val_accuracy))
        if self.state() == "training":
            self._notices.status(text)

    def _on_end(self, report) -> None:
        event, last = report.event, self.last_batch
        epochs = self._models.epochs_trained
        if event.status == "stopped" and last is not None and last.batch < last.batches:
            epochs = self.run_offset + last.epoch + last.batch / last.batches
        trained = epochs > 0 or (last is not None and event.status != "diverged")
        self._models.run_ended(report.weights, epochs, trained)
        summary = ""
        if last is not None and last.elapsed > 0:
            summary = fill(self.tr("%1 samples in %2 · %3 samples/s on average"),
                           format_count(last.samples_seen), format_duration(last.elapsed),
                           format_count(round(last.samples_seen / last.elapsed)))
        history = event.history or {}
        if event.status == "finished":
            text = self.tr("Training finished: %n epoch(s).", "", event.epochs_done)
            accuracy = (history.get("accuracy") or [None])[-1]
            if accuracy is not None:
                text += fill(self.tr(" Training accuracy %1 %."), format_percent(accuracy))
            val = (history.get("val_accuracy") or [None])[-1]
            if val is not None:
                text += fill(self.tr(" Validation accuracy %1 %."), format_percent(val))
            self._panel.finish_progress(self.tr("Finished"), complete=True, summary=summary)
            self._notices.status(text)
        elif event.status == "stopped":
            self._panel.finish_progress(
                fill(self.tr("Stopped after %1 epochs"), f"{epochs:.2f}"),
                complete=False, summary=summary)
            self._notices.status(self.tr("Training stopped. The weights so far are kept; "
                                         "Start goes on from them, Reset weights starts again."))
        else:  # diverged
            text = fill(self.tr("Training diverged: %1"),
                        event.message or self.tr("training diverged"))
            self._panel.finish_progress(self.tr("Diverged"), complete=False, summary=summary)
            self._panel.show_message(text, "warning")
            self._notices.status(text)
        self.ended_status = event.status

    def _on_failed(self, message: str) -> None:
        self.ended_status = "failed"
        text = fill(self.tr("Training failed: %1"), message)
        self._panel.finish_progress(self.tr("Failed"), complete=False)
        self._panel.show_message(text, "error")
        self._notices.error(self.tr("Training failed"), text)

    def _on_worker_finished(self) -> None:
        worker, self.worker = self.worker, None
        self.stopping = False
        if worker is not None:
            worker.deleteLater()
        self._curves.end_run()
        self.stateChanged.emit()
        self.ended.emit(self.ended_status)
