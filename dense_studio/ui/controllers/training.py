"""Training runs: Start / Pause / Resume / Stop, the worker thread, and what a run shows.

The session puts each run together (``Session.start_run``, which uses the engine's one run
recipe, ``prepare_run``) and keeps its history; this controller keeps only the Qt side: the
worker thread that iterates ``record.train(control)``, and the hand-over of what it
reports to the session on the GUI thread (``run_progress`` throttled, ``epoch_end`` with
the worker's copy of the weights, ``finish_run`` once the thread has let go of the model).
The panel's progress and the status lines are drawn from the session's run events.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from dense_studio.errors import DenseStudioError
from dense_studio.ui.messages import fill, format_count, format_percent
from dense_studio.ui.runs.texts import stopped_text
from dense_studio.ui.training_panel import format_duration

__all__ = ["TrainingController"]


class TrainingController(QObject):
    """State (Qt only): ``worker`` while a run's thread exists, and ``stopping``.

    ``started()`` once a run's thread starts; ``stateChanged()`` whenever training starts,
    pauses, resumes, is asked to stop or ends; ``ended(status)`` last, once the thread has
    let go of the model ("finished", "stopped", "diverged" or "failed").
    """

    started = Signal()
    stateChanged = Signal()
    ended = Signal(str)

    def __init__(self, session, panel, notices, *, dataset_title, blas_threads: int | None = 1,
                 progress_rate: float | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session, self._panel, self._notices = session, panel, notices
        self._dataset_title = dataset_title
        self._blas_threads = blas_threads
        self._progress_rate = progress_rate
        self.worker = None
        self.stopping = False
        self.preparing = False  # the worker loads the fast path before its first batch
        self._end = None  # the worker's TrainingEnd, or None if it failed
        self._failure = ""
        events = session.events
        events.run_started.connect(self._shown_started)
        events.run_progress.connect(self._shown_progress)
        events.epoch.connect(self._shown_epoch)
        events.run_finished.connect(self._shown_finished)

    # -------------------------------------------------------------- state
    @property
    def is_training(self) -> bool:
        return self.worker is not None

    @property
    def run(self):
        """The engine ``Run`` being trained (None between runs)."""
        record = self._session.runs.current
        return record.run if record is not None else None

    @property
    def last_batch(self):
        """The latest ``BatchEnd`` of the run training now (or of the last run)."""
        records = self._session.runs.records
        return records[-1].last_batch if records else None

    def state(self) -> str | None:
        """"training", "paused" or "stopping" while a run exists, else None."""
        if self.worker is None:
            return None
        if self.stopping:
            return "stopping"
        return "paused" if self.worker.is_paused else "training"

    # -------------------------------------------------------------- control
    def start(self) -> bool:
        """Start the session's next run in a worker thread; False (with a message) if not."""
        if self.worker is not None:
            return False
        try:
            record = self._session.start_run()
        except DenseStudioError as error:
            self._notices.error(self.tr("Training"), str(error))
            return False
        except MemoryError:
            self._notices.error(self.tr("Network"), self.tr(
                "Not enough memory for this network: use fewer or smaller layers."))
            return False
        from dense_studio.ui.training_worker import TrainingWorker  # superqt: load on demand

        worker = TrainingWorker(record, max_rate=self._progress_rate,
                                blas_threads=self._blas_threads, parent=self)
        worker.progress.connect(self._on_progress)
        worker.preparing.connect(self._on_preparing)
        worker.epochEnded.connect(self._on_epoch)
        worker.trainingEnded.connect(self._on_end)
        worker.failed.connect(self._on_failed)
        worker.finished.connect(self._on_worker_finished)
        self.worker, self.stopping = worker, False
        self._end, self._failure = None, ""
        self.stateChanged.emit()
        worker.start()
        self.started.emit()
        return True

    def pause(self) -> None:
        if self.worker is None or self.stopping:
            return
        self.worker.pause()
        self.stateChanged.emit()
        where, last = "", self.last_batch
        if last is not None:
            where = fill(self.tr(" at epoch %1, batch %2"), last.epoch + 1, last.batch)
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

    # -------------------------------------------------------------- the worker's reports
    def _on_progress(self, item) -> None:
        self._session.run_progress(item.event)

    def compile_fast_path_later(self, delay_ms: int = 3000) -> None:
        """Once the window is on screen, get the engine's fast path ready for the first
        Start: when the user's cache holds its kernels, load them now in a thread (about a
        second, while the dataset loads and Start is still disabled: loading imports numba,
        whose imports hold the GIL for tens of milliseconds at a time, so at the first
        click it would stall the window); a fresh install instead compiles them in a
        background process ``delay_ms`` later (once; nothing when switched off or numba is
        missing)."""
        from dense_studio.engine import fast  # (numba itself is imported only when loading)

        if not fast.enabled() or fast.is_prepared():
            return
        if not fast.preload():  # nothing in the cache to load (preload looked)
            QTimer.singleShot(delay_ms, self, _compile_fast_path_in_background)

    def _on_preparing(self, active: bool) -> None:
        """The worker loads the engine's compiled training step before the first batch."""
        self.preparing = active
        self._panel.show_message(
            self.tr("Preparing the fast training path (once per start of the app)…")
            if active else "")
        self.stateChanged.emit()

    def _on_epoch(self, report) -> None:
        self._session.epoch_end(report.event, report.weights)

    def _on_end(self, report) -> None:
        self._end = report.event

    def _on_failed(self, message: str) -> None:
        self._failure = message

    def _on_worker_finished(self) -> None:
        worker, self.worker = self.worker, None
        self.stopping = False
        if worker is not None:
            worker.deleteLater()
        # The thread has let go of the model: the session takes it back.
        record = self._session.finish_run(self._end, message=self._failure)
        self.stateChanged.emit()
        self.ended.emit(record.status)

    # -------------------------------------------------------------- views of the run
    def _shown_started(self, event) -> None:
        record = event.value
        run, config = record.run, record.config
        self._panel.begin_progress(config.epochs, run.batches_per_epoch)
        self._panel.show_message("")
        self._notices.status(fill(
            self.tr("Training started: %n epoch(s) of %1 images on %2 (%3 held out for "
                    "validation).", "", config.epochs),
            format_count(len(run.x_train)), self._dataset_title(config.dataset),
            format_count(run.held_out)))

    def _shown_progress(self, event) -> None:
        self._panel.show_batch(event.batch, event.value.total_samples)

    def _shown_epoch(self, event) -> None:
        ev = event.value
        text = fill(self.tr("Epoch %1/%2: loss %3, accuracy %4 %"), ev.epoch + 1,
                    ev.epochs, f"{ev.loss:.4f}", format_percent(ev.accuracy))
        if ev.val_accuracy is not None:
            text += fill(self.tr(" · validation loss %1, accuracy %2 %"),
                         f"{ev.val_loss:.4f}", format_percent(ev.val_accuracy))
        if self.state() == "training":
            self._notices.status(text)

    def _shown_finished(self, event) -> None:
        record = event.value
        last, panel = record.last_batch, self._panel
        summary = ""
        if last is not None and last.elapsed > 0:
            summary = fill(self.tr("%1 samples in %2 · %3 samples/s on average"),
                           format_count(last.samples_seen), format_duration(last.elapsed),
                           format_count(round(last.samples_seen / last.elapsed)))
        status = record.status
        if status == "finished":
            text = self.tr("Training finished: %n epoch(s).", "", len(record.epochs))
            accuracy, val = record.metrics.get("accuracy"), record.metrics.get("val_accuracy")
            if accuracy is not None:
                text += fill(self.tr(" Training accuracy %1 %."), format_percent(accuracy))
            if val is not None:
                text += fill(self.tr(" Validation accuracy %1 %."), format_percent(val))
            panel.finish_progress(self.tr("Finished"), complete=True, summary=summary)
            self._notices.status(text)
        elif status == "stopped":
            # (epochs counted one way everywhere: of the run, from 1, as "Epoch 4/40")
            panel.finish_progress(stopped_text(record), complete=False, summary=summary)
            self._notices.status(self.tr("Training stopped. The weights so far are kept; "
                                         "Start goes on from them, Reset weights starts again."))
        elif status == "diverged":
            text = fill(self.tr("Training diverged: %1"),
                        record.message or self.tr("training diverged"))
            panel.finish_progress(self.tr("Diverged"), complete=False, summary=summary)
            panel.show_message(text, "warning")
            self._notices.status(text)
        else:  # failed
            text = fill(self.tr("Training failed: %1"), record.message)
            panel.finish_progress(self.tr("Failed"), complete=False)
            panel.show_message(text, "error")
            self._notices.error(self.tr("Training failed"), text)


def _compile_fast_path_in_background() -> None:
    from dense_studio.engine import fast  # numba itself is imported only by that process

    fast.compile_in_background()
