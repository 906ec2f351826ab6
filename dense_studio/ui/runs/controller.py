"""Experiments in the window: the Runs tab, the Keras code tab and early stopping.

``ExperimentsController(window, qsettings)`` adds, through the window's public widgets:

* a "Runs" tab in ``window.centerTabs`` (:class:`RunsView`, ``runsTable``) that lists the
  session's runs; ticking runs overlays their curves on the learning curves, each in its
  own Okabe–Ito colour and named in the legend (with its dataset when that is not the
  current one); Re-run, Rename, Delete, Export CSV / PNG;
* a "Keras code" tab (``kerasCode``) with the network and settings as a tf.keras script;
* an "Early stopping" group inside the training panel.

When a run ends with usable weights, the test split is evaluated with them off the GUI
thread (the Inside panel's ``TestEvaluator``) and the result stored in the run's metrics.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QFileDialog

from dense_studio.data.catalog import normalize_dataset_name
from dense_studio.engine.spec import format_layers
from dense_studio.errors import DenseStudioError
from dense_studio.insight.network import network_of
from dense_studio.session import TrainingSettings
from dense_studio.ui.curves import RUN_COLORS, Overlay
from dense_studio.ui.inside.evaluator import TestEvaluator
from dense_studio.ui.keras_code import KerasCode, KerasCodePanel
from dense_studio.ui.messages import fill, format_count, format_percent
from dense_studio.ui.run_curves import smoothed_points
from dense_studio.ui.runs.early_stopping import EarlyStoppingBinding, EarlyStoppingGroup
from dense_studio.ui.runs.export import write_runs_csv
from dense_studio.ui.runs.overlay import overlay_arrays
from dense_studio.ui.runs.table import RunRow, RunsView
from dense_studio.ui.runs.texts import (epochs_text, network_text, run_label, status_text,
                                        stopped_text)
from dense_studio.ui.timers import single_shot
from dense_studio.ui.training_panel import format_duration

__all__ = ["ExperimentsController", "MAX_OVERLAYS"]

#: Runs drawn at once: each colour twice (solid, then dash-dotted).
MAX_OVERLAYS = 2 * len(RUN_COLORS)
_TESTED = ("finished", "stopped")  # a diverged or failed run's weights are not worth a test
#: How long after a change of the history the table shows it (ms).
REFRESH_DELAY_MS = 40


class ExperimentsController(QObject):
    """The runs table, overlays, re-runs, the Keras code tab and the early-stopping group."""

    def __init__(self, window, qsettings) -> None:
        super().__init__(window)
        self._window = window
        session = self._session = window.session
        self.view = RunsView()
        self.kerasPanel = KerasCodePanel()
        self.keras = KerasCode(session, self.kerasPanel, self)
        tabs = window.centerTabs
        tabs.addTab(self.view, "")
        tabs.addTab(self.kerasPanel, "")
        self.earlyStoppingGroup = EarlyStoppingGroup()
        _place_early_stopping(window.trainingPanel, self.earlyStoppingGroup)
        self.earlyStopping = EarlyStoppingBinding(session, self.earlyStoppingGroup,
                                                  window.notices, qsettings, self)
        self._colors: dict[int, int] = {}  # ticked run id → colour slot
        self._overlay_cache: dict[int, tuple] = {}  # run id → its curve arrays
        self._tested: dict[int, int] = {}  # id(network) being evaluated → run id
        self._pending_rerun: int | None = None
        self._evaluator = TestEvaluator(self)
        self._evaluator.ready.connect(self._test_ready)
        self._to_test: list = []
        self._test_timer = single_shot(self, REFRESH_DELAY_MS, self._start_tests)
        window.curveFeed.describe = self.label

        view = self.view
        view.tickChanged.connect(self.set_ticked)
        view.renamed.connect(self.rename)
        view.rerunClicked.connect(self.rerun)
        view.deleteClicked.connect(self.delete)
        view.exportCsvClicked.connect(self._export_csv_dialog)
        view.exportPngClicked.connect(self._export_png_dialog)
        view.retranslated.connect(self._retranslate)
        window.curves.cleared.connect(self._curves_cleared)
        events = session.events
        # A change of the history is shown in a pass of its own, a moment later: a run's
        # end already redraws the curves and panels in its pass, and both at once stalled
        # the window past 50 ms (several changes in a row are shown once).
        self._refresh_timer = single_shot(self, REFRESH_DELAY_MS, self.refresh)
        events.runs.connect(lambda _event: self._refresh_timer.start())
        events.dataset_name.connect(lambda _event: self._dataset_switched())
        events.dataset.connect(self._dataset_loaded)
        events.run_finished.connect(self._run_finished)
        # The compact layout (panels.py) shows the left column after putting it into
        # these tabs, even when another tab is current: it then shows through the current
        # page. Until that is fixed there, a page that is not current is hidden again.
        window.leftSplitter.installEventFilter(self)
        self._retranslate()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Show:
            QTimer.singleShot(0, self._hide_stray_page)
        return False

    def _hide_stray_page(self) -> None:
        tabs, left = self._window.centerTabs, self._window.leftSplitter
        if tabs.indexOf(left) >= 0 and tabs.currentWidget() is not left:
            left.hide()

    # -- names -------------------------------------------------------------------------
    def label(self, record) -> str:
        """A run's name for the legend, with its dataset when that is not the current one."""
        return run_label(record, self._session.dataset_name, self._window.datasets.title)

    def _retranslate(self) -> None:
        tabs = self._window.centerTabs
        tabs.setTabText(tabs.indexOf(self.view), self.tr("Runs"))
        tabs.setTabText(tabs.indexOf(self.kerasPanel), self.tr("Keras code"))
        self.refresh()
        self._draw_overlays()
        self._window.curveFeed.name_previous()

    # -- the table ---------------------------------------------------------------------
    @property
    def refresh_pending(self) -> bool:
        """True between a change of the history and the table showing it."""
        return self._refresh_timer.isActive()

    def refresh(self, refill: bool = False) -> None:
        """The table from the session's runs (soon after every change of the history;
        every row filled again with ``refill``)."""
        self._refresh_timer.stop()
        known = {record.id for record in self._session.runs}
        for run_id in set(self._colors) - known:
            del self._colors[run_id]
        for run_id in set(self._overlay_cache) - known:
            del self._overlay_cache[run_id]
        self.view.show_rows([self._row(record) for record in self._session.runs], refill)
        self._draw_overlays()

    def _row(self, record) -> RunRow:
        config, metrics = record.config, record.metrics
        params = metrics.get("params")
        lr_text = f"{config.learning_rate:g}"
        if config.lr_schedule == "cosine":
            lr_text = fill(self.tr("%1, cosine"), lr_text)

        def percent(value):
            return ((format_percent(value) + " %") if value is not None else "", value)

        title = self._window.datasets.title
        cells = {
            "show": ("", int(record.id in self._colors)),
            "name": (run_label(record), record.label.lower()),
            "network": (network_text(config.layers), format_layers(config.layers)),
            "params": (format_count(int(params)) if params is not None else "", params),
            "optimizer": (config.optimizer, config.optimizer),
            "learning_rate": (lr_text, config.learning_rate),
            "batch_size": (str(config.batch_size), config.batch_size),
            "epochs": (epochs_text(record), len(record.epochs)),
            "best_val_accuracy": percent(record.best_val_accuracy),
            "test_accuracy": percent(record.test_accuracy),
            "time": (format_duration(record.seconds), record.seconds),
            "status": (status_text(record), record.status),
            "dataset": (title(config.dataset), config.dataset),
        }
        tooltip = fill(self.tr("Seed %1 · validation %2 %"), config.seed,
                       f"{100 * config.validation_split:g}")
        if record.initial_epoch > 0:
            tooltip += fill(self.tr(" · went on from %1 epochs of earlier training"),
                            f"{record.initial_epoch:g}")
        if record.status == "stopped":
            tooltip += " · " + stopped_text(record)
        slot = self._colors.get(record.id)
        return RunRow(record.id, cells, ticked=slot is not None,
                      tickable=record.status != "running" and bool(len(record.batches)),
                      color=None if slot is None else RUN_COLORS[slot % len(RUN_COLORS)],
                      tooltip=tooltip)

    # -- ticks and overlays ------------------------------------------------------------
    def set_ticked(self, run_id: int, ticked: bool) -> bool:
        """Overlay a finished run's curves (or stop); False if it cannot be drawn."""
        if not ticked:
            self._colors.pop(run_id, None)
        elif run_id not in self._colors:
            free = [slot for slot in range(MAX_OVERLAYS) if slot not in self._colors.values()]
            record = self._get(run_id)
            if not free or record is None or record.status == "running":
                if not free:
                    self._window.notices.status(fill(self.tr(
                        "At most %1 runs can be drawn at once: untick one first."), MAX_OVERLAYS))
                QTimer.singleShot(0, self.refresh)  # the box goes back to unticked
                return False
            self._colors[run_id] = free[0]
        QTimer.singleShot(0, self.refresh)  # not inside the table's own itemChanged
        self._draw_overlays()
        return True

    def ticked(self) -> list[int]:
        return sorted(self._colors, key=self._colors.get)

    def _draw_overlays(self) -> None:
        overlays = []
        for run_id in self.ticked():
            record = self._get(run_id)
            if record is None:
                continue
            slot = self._colors[run_id]
            if run_id not in self._overlay_cache:
                self._overlay_cache[run_id] = overlay_arrays(record, smoothed_points(record))
            loss, accuracy, val_loss, val_accuracy = self._overlay_cache[run_id]
            overlays.append(Overlay(run_id, self.label(record),
                                    RUN_COLORS[slot % len(RUN_COLORS)], loss, accuracy,
                                    val_loss, val_accuracy, dashed=slot >= len(RUN_COLORS)))
        self._window.curves.set_overlays(overlays)

    def _curves_cleared(self) -> None:
        self._colors.clear()
        self.refresh()

    def _dataset_switched(self) -> None:
        self._draw_overlays()  # the labels name the other datasets now
        self.refresh()

    # -- rename, delete ----------------------------------------------------------------
    def rename(self, run_id: int, name: str) -> bool:
        try:
            self._session.runs.rename(run_id, name)
        except DenseStudioError as error:
            self._window.notices.error(self.tr("Runs"), str(error))
            QTimer.singleShot(0, lambda: self.refresh(refill=True))  # undo the edit
            return False
        self._draw_overlays()
        return True

    def delete(self, run_ids) -> None:
        for run_id in run_ids:
            try:
                self._session.runs.remove(run_id)
            except DenseStudioError as error:
                self._window.notices.error(self.tr("Runs"), str(error))
            self._colors.pop(run_id, None)
        self.refresh()  # the person's own change: shown at once

    # -- re-run ------------------------------------------------------------------------
    def rerun(self, run_id: int) -> bool:
        """Train again with the run's network, settings, dataset and seed, from fresh
        weights (the seed's): the same numbers as the first time."""
        window, session = self._window, self._session
        record = self._get(run_id)
        if record is None or window.is_training:
            return False
        config = record.config
        try:
            session.layers.set(config.layers, undoable=True)
            session.set_settings(TrainingSettings.from_config(config))
            if normalize_dataset_name(config.dataset) != session.dataset_name:
                self._pending_rerun = run_id
                session.choose_dataset(config.dataset)  # loaded, then _dataset_loaded goes on
                return True
        except DenseStudioError as error:
            window.notices.error(self.tr("Re-run"), str(error))
            return False
        return self._start_rerun(record)

    def _dataset_loaded(self, event) -> None:
        dataset = event.value
        self._evaluator.set_test_data(None if dataset is None else dataset.x_test,
                                      None if dataset is None else dataset.y_test)
        pending = self._pending_rerun
        if dataset is not None and pending is not None:
            self._pending_rerun = None
            record = self._get(pending)
            if record is not None:
                # After the session's own follow-ups of the new dataset (a new model).
                QTimer.singleShot(0, lambda: self._start_rerun(record))

    def _start_rerun(self, record) -> bool:
        window, session = self._window, self._session
        try:
            # A fresh model from the layers and the seed, as the first run's. (Not
            # reset_weights: on a model that never trained, its optimizer reset fails.)
            session.rebuild_model()
        except DenseStudioError as error:
            window.notices.error(self.tr("Re-run"), str(error))
            return False
        if not window.start_training():
            return False
        current = session.runs.current
        if current is not None:
            session.runs.rename(current.id, fill(self.tr("%1 again"), run_label(record))[:100])
        if record.initial_epoch > 0:
            window.notices.status(fill(self.tr(
                "%1 went on from earlier training; the re-run starts from fresh weights."),
                run_label(record)))
        return True

    # -- test metrics ------------------------------------------------------------------
    def _run_finished(self, event) -> None:
        record, session = event.value, self._session
        predictor = session.model.predictor
        if record.status not in _TESTED or not record.epochs and record.last_batch is None \
                or predictor is None or session.dataset is None \
                or record.config.dataset != session.dataset.name:
            return
        network = network_of(predictor, epoch=session.model.epochs_trained)
        self._tested[id(network)] = (network, record.id)
        # (started a moment later, not in the pass that shows the run's end)
        self._to_test.append(network)
        self._test_timer.start()

    def _start_tests(self) -> None:
        while self._to_test:
            self._evaluator.request(self._to_test.pop(0))

    def _test_ready(self, network, report) -> None:
        entry = self._tested.pop(id(network), None)
        if entry is None or entry[0] is not network or self._get(entry[1]) is None:
            return
        self._session.runs.set_test_metrics(
            entry[1], {"test_loss": report.loss, "test_accuracy": report.accuracy})

    def wait_for_tests(self, msecs: int = -1) -> bool:
        """Wait for the test evaluation running now (tests, benchmarks)."""
        self._test_timer.stop()
        self._start_tests()
        return self._evaluator.wait(msecs)

    # -- export ------------------------------------------------------------------------
    def export_csv(self, path, run_ids=None):
        """Every epoch of the given runs (default: the ticked ones, or all)."""
        ids = run_ids if run_ids is not None else (self.ticked() or [r.id for r in self._session.runs])
        records = [r for r in (self._get(i) for i in ids) if r is not None]
        return write_runs_csv(records, path)

    def export_png(self, path):
        return self._window.curves.export_png(path)

    def _export_csv_dialog(self) -> None:
        self._export_dialog("csv", self.tr("Export runs"), self.tr("CSV files (*.csv)"),
                            self.export_csv)

    def _export_png_dialog(self) -> None:
        self._export_dialog("png", self.tr("Export curves"), self.tr("PNG images (*.png)"),
                            self.export_png)

    def _export_dialog(self, kind, title, pattern, write) -> None:
        path, _ = QFileDialog.getSaveFileName(self._window, title, f"runs.{kind}", pattern)
        if not path:
            return
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        try:
            write(path)
        except OSError as error:
            self._window.notices.error(title, fill(self.tr("Could not write %1: %2"), path,
                                                   error.strerror or str(error)))
            return
        self._window.notices.status(fill(self.tr("Saved %1."), path))

    # -- automation --------------------------------------------------------------------
    def runs(self) -> list[dict]:
        """Every run as a plain dict (``MainWindow.runs()``)."""
        return [run_dict(record) for record in self._session.runs]

    def _get(self, run_id: int):
        try:
            return self._session.runs.get(run_id)
        except DenseStudioError:
            return None


def _place_early_stopping(panel, group: EarlyStoppingGroup) -> None:
    """The group's title beside the panel's cosine-decay box, its fields under the grid."""
    layout = panel.layout()
    grid = layout.itemAt(0).layout()
    index = grid.indexOf(panel.decayCheck)
    if index >= 0:
        row, column, _rows, columns = grid.getItemPosition(index)
        grid.removeWidget(panel.decayCheck)
        half = max(1, columns // 2)
        grid.addWidget(panel.decayCheck, row, column, 1, half)
        grid.addWidget(group, row, column + half, 1, columns - half)
        layout.insertWidget(1, group.body)
    else:  # another layout than expected: a row of its own
        layout.insertWidget(1, group)
        layout.insertWidget(2, group.body)


def run_dict(record) -> dict:
    config, metrics = record.config, record.metrics
    best = record.best_epoch
    return {
        "id": record.id, "name": run_label(record), "dataset": config.dataset,
        "layers": format_layers(config.layers), "params": metrics.get("params"),
        "optimizer": config.optimizer, "learning_rate": config.learning_rate,
        "lr_schedule": config.lr_schedule, "batch_size": config.batch_size,
        "epochs": config.epochs, "epochs_done": len(record.epochs), "seed": config.seed,
        "validation_split": config.validation_split,
        "early_stopping_patience": config.early_stopping_patience, "monitor": config.monitor,
        "status": record.status, "seconds": record.seconds,
        "best_epoch": None if best is None else best + 1,  # from 1, as the command line
        "stopped_early": bool(metrics.get("stopped_early", 0)),
        "loss": metrics.get("loss"), "accuracy": metrics.get("accuracy"),
        "val_loss": metrics.get("val_loss"), "val_accuracy": metrics.get("val_accuracy"),
        "best_val_accuracy": record.best_val_accuracy,
        "test_loss": metrics.get("test_loss"), "test_accuracy": metrics.get("test_accuracy"),
    }
