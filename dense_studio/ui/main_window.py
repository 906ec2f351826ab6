"""The Dense Studio window: one session, and the panels and controllers that show it.

``window.session`` (a ``dense_studio.session.Session``) holds what the person works on:
the layers and their undo history, the training settings, the dataset, the model and its
weights, the runs, the input on the canvas and its prediction. The panels are views on it
and the controllers (``ui/controllers/``) turn clicks into session calls, keeping only Qt
things of their own:

* ``datasets`` — loads the chosen dataset in a thread (and caches it);
* ``training`` — the worker thread of a run, Start / Pause / Stop;
* ``files`` — dialogs, recent files, the dialogs' folders;
* ``canvas`` and ``prediction`` — the canvas widget to and from the session's input;
* ``settingsBinding`` — the training panel on the session's settings;
* ``curveFeed`` — the learning curves from the session's runs;
* ``notices`` — status-bar lines and error boxes (``last_error``);
* ``busy`` — files are read off the GUI thread, with a wait cursor meanwhile.

Every user-facing failure becomes a message in the window; nothing raises out of a slot.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QGroupBox, QMainWindow, QWidget

from dense_studio.engine.spec import format_layers
from dense_studio.errors import DenseStudioError
from dense_studio.files.session_file import read_session
from dense_studio.session import Session
from dense_studio.ui.app import REPORT_SHOWN_ENV, FirstFrame, freeze_startup_objects
from dense_studio.ui.background import Busy
from dense_studio.ui.controllers.autosave import Autosave
from dense_studio.ui.controllers.canvas import CanvasController
from dense_studio.ui.controllers.dataset import DatasetController
from dense_studio.ui.controllers.files import FilesController
from dense_studio.ui.controllers.notices import Notices
from dense_studio.ui.controllers.recovery import RecoveryBar
from dense_studio.ui.controllers.settings import SettingsBinding
from dense_studio.ui.controllers.training import TrainingController
from dense_studio.ui.controllers.unsaved import UnsavedWork
from dense_studio.ui.curves import TrainingCurves
from dense_studio.ui.drawings import DrawingsController
from dense_studio.ui.help import AboutDialog, FirstRunGuide, HelpBrowser, ShortcutsDialog
from dense_studio.ui.i18n import (apply_language, choose_language, class_name_for_display,
                                  current_language)
from dense_studio.ui.inside.preprocess_view import attach_to_window as attach_preprocess_steps
from dense_studio.ui.layer_editor import LayerEditor
from dense_studio.ui.lessons import LessonController
from dense_studio.ui.menus import WindowMenus
from dense_studio.ui.messages import fill, format_count
from dense_studio.ui.panels import DrawPanel, PredictPanel, WindowLayout, group
from dense_studio.ui.prediction import PredictionController
from dense_studio.ui.run_curves import RunCurves
from dense_studio.ui.runs import ExperimentsController
from dense_studio.ui.settings import open_settings, read_setting, write_setting
from dense_studio.ui.timers import single_shot
from dense_studio.ui.training_panel import TrainingPanel
from dense_studio.ui.view_menu import ViewMenu
from dense_studio.ui.window_settings import WindowSettings

__all__ = ["MainWindow"]

log = logging.getLogger(__name__)

CLOSE_TIMEOUT_MS = 1000
LAYER_EDIT_PAUSE_MS = 150  # rebuild once the edits pause (a slider drag emits many)


class MainWindow(QMainWindow):
    """The whole app. ``MainWindow()`` opens on Fashion-MNIST with the reference model.

    Call ``app.prepare_application()`` first for the names and the translation. Keyword
    arguments exist for tests and benchmarks only: ``settings`` (a QSettings to use instead
    of the user's), ``train_limit`` (train on the first N training images only),
    ``blas_threads`` (BLAS threads while training; None leaves BLAS alone) and
    ``progress_rate`` (batch progress signals per second; None: the training worker's).
    """

    datasetLoaded = Signal(str)
    trainingStarted = Signal()
    trainingEnded = Signal(str)  # "finished" | "stopped" | "diverged" | "failed"

    def __init__(self, parent: QWidget | None = None, *, settings: QSettings | None = None,
                 train_limit: int | None = None, blas_threads: int | None = 1,
                 progress_rate: float | None = None) -> None:
        super().__init__(parent)
        self._settings = settings if settings is not None else open_settings()
        self.session = Session(**WindowSettings.session_values(self._settings),
                               train_limit=train_limit)
        self.setWindowTitle(self.tr("Dense Studio"))
        self._build_panels()
        session = self.session
        self.notices = Notices(self.statusBar(), self)
        self.busy = Busy(self)
        self.datasets = DatasetController(session, self.notices, parent=self)
        self.training = TrainingController(
            session, self.trainingPanel, self.notices, dataset_title=self.datasets.title,
            blas_threads=blas_threads, progress_rate=progress_rate, parent=self)
        self.files = FilesController(session, self._settings, self.notices, self)
        self.prediction = PredictionController(
            session, self.drawCanvas, self.predictionChart, self.inputPreview, parent=self)
        self.canvas = CanvasController(session, self.drawCanvas, self.sampleLabel,
                                       self.prediction, self.notices, self.busy, self)
        self.settingsBinding = SettingsBinding(session, self.trainingPanel, self.notices, self)
        self.curveFeed = RunCurves(session, self.curves, self)
        self.menus = WindowMenus(self, choose_language(read_setting(self._settings, "language")))
        for name in ("openModelAction", "recentMenu", "saveModelAction", "saveModelAsAction",
                     "openSessionAction", "saveSessionAction", "openImageAction",
                     "randomSampleAction", "trainAction", "stopAction", "resetAction",
                     "languageGroup"):
            setattr(self, name, getattr(self.menus, name))
        self.windowSettings = WindowSettings(self, self._settings)
        self.windowSettings.restore()
        self._build_help()
        self.drawings = DrawingsController(self)
        self._build_safety()
        self.viewMenu = ViewMenu(self, self._settings)  # zoom, presenter mode (F5)
        attach_preprocess_steps(self)  # the canvas's steps to the 28×28 input (Inside tab)
        self.experiments = ExperimentsController(self, self._settings)

        self.lessons = LessonController(self)
        self._connect()
        self._show_training_settings()
        self._update_state()
        self.notices.status(fill(self.tr("Loading %1…"), self.datasets.title()))
        # The dataset loads once the first frame is on screen (its thread would slow the
        # first paint down), or after a second if the window is never shown.
        self._closing = False
        self._first_frame: FirstFrame | None = None
        QTimer.singleShot(1000, self, self._after_first_frame)

    # ================================================================ construction
    def _build_panels(self) -> None:
        self.layerEditor = LayerEditor(self.session.layers)
        self.trainingPanel = TrainingPanel()
        self.curves = TrainingCurves()
        self.drawPanel = DrawPanel()
        self.predictPanel = PredictPanel()
        # The panels' named controls, reachable from the window too (automation).
        for name in ("datasetCombo", "optimizerCombo", "learningRateSpin", "batchSizeSpin",
                     "epochsSpin", "validationSpin", "seedSpin", "trainButton", "stopButton",
                     "resetButton", "progressBar", "speedLabel"):
            setattr(self, name, getattr(self.trainingPanel, name))
        for name in ("drawCanvas", "clearCanvasButton", "openImageButton", "randomSampleButton",
                     "brushSizeSlider", "sampleLabel"):
            setattr(self, name, getattr(self.drawPanel, name))
        self.inputPreview = self.predictPanel.inputPreview
        self.predictionChart = self.predictPanel.predictionChart
        self.lossPlot = self.curves.lossPlot
        self.accuracyPlot = self.curves.accuracyPlot
        self.layout_ = WindowLayout(
            group(self.tr("Network"), "networkGroup", self.layerEditor),
            group(self.tr("Training"), "trainingGroup", self.trainingPanel),
            group(self.tr("Learning curves"), "curvesGroup", self.curves),
            self.drawPanel, self.predictPanel, session=self.session)
        self.insidePanel, self.centerTabs = self.layout_.insidePanel, self.layout_.centerTabs
        self.mainSplitter, self.leftSplitter, self.rightSplitter = self.layout_.splitters
        self.setCentralWidget(self.mainSplitter)

    def _connect(self) -> None:
        panel, events = self.trainingPanel, self.session.events
        panel.trainClicked.connect(self.train_clicked)
        panel.stopClicked.connect(self.stop_training)
        panel.resetClicked.connect(self.reset_weights)
        self._layers_debouncer = single_shot(self, LAYER_EDIT_PAUSE_MS, self._apply_layer_edit)
        events.layers.connect(lambda _event: self._layers_debouncer.start())
        events.settings.connect(lambda _event: self._show_training_settings())
        events.dataset.connect(self._dataset_changed)
        events.model.connect(self._model_changed)
        events.run_started.connect(lambda _event: self.trainingStarted.emit())
        self.openImageButton.clicked.connect(self.open_image_dialog)
        self.randomSampleButton.clicked.connect(self.show_random_sample)
        self.drawCanvas.fileDropped.connect(self.open_image)
        self.datasets.loaded.connect(self.datasetLoaded)
        self.training.stateChanged.connect(self._update_state)
        self.busy.changed.connect(lambda _busy: self._update_state())
        self.training.ended.connect(self.trainingEnded)
        self.training.started.connect(lambda: self.guide.target_done("trainButton"))
        self.languageGroup.triggered.connect(self._language_chosen)

    # ================================================================ state
    @property
    def is_training(self) -> bool:
        """True while a run's worker thread exists (training, paused or stopping)."""
        return self.training.is_training

    @property
    def last_error(self) -> str | None:
        """The text of the last error message shown."""
        return self.notices.last_error

    @property
    def epochs_trained(self) -> float:
        return self.session.model.epochs_trained

    def is_ready(self) -> bool:
        """The dataset is loaded and nothing is training: Start would start."""
        return self.session.dataset is not None and not self.training.is_training

    def dataset(self):
        return self.session.dataset

    def model(self):
        """The model being trained. Do not touch it while :attr:`is_training`."""
        return self.session.model.model

    def predictor(self):
        """The GUI thread's copy of the model (for tests and the benchmark)."""
        return self.session.model.predictor

    def recent_models(self) -> list[str]:
        return self.files.recent.paths()

    def save_settings(self) -> None:
        self.windowSettings.save()

    def _update_state(self) -> None:
        state = self.training.state() or self.session.state
        self.trainingPanel.set_state(state)
        busy = self.training.is_training or self.busy.is_busy
        menus = self.menus
        menus.trainAction.setEnabled(self.trainButton.isEnabled())
        menus.trainAction.setText(self.trainButton.text())
        menus.stopAction.setEnabled(self.stopButton.isEnabled())
        menus.resetAction.setEnabled(self.resetButton.isEnabled())
        for action in (menus.openModelAction, menus.recentMenu, menus.openSessionAction,
                       menus.openImageAction):
            action.setEnabled(not busy)
        self.openImageButton.setEnabled(not self.busy.is_busy)
        has_data = self.session.dataset is not None
        self.randomSampleButton.setEnabled(has_data)
        menus.randomSampleAction.setEnabled(has_data)
        self.layerEditor.set_locked(self.training.is_training, self.tr(
            "training is running. Stop it (or let it finish) to change the network."))

    def _show_training_settings(self) -> None:
        settings = self.session.settings
        self.layerEditor.set_training(settings.optimizer, settings.batch_size)

    def _language_chosen(self, action) -> None:
        write_setting(self._settings, "language", action.data())
        self.set_language(action.data())

    # ================================================================ the session's news
    def _dataset_changed(self, event) -> None:
        dataset = event.value
        if dataset is None:  # loading
            self._update_state()
            return
        self.layerEditor.set_io(dataset.input_shape, dataset.num_classes)
        self._show_class_names()
        # (seen before the session rebuilds a model that does not fit the new dataset)
        if self.session.model.dataset not in (None, dataset.name):
            self.notices.status(fill(
                self.tr("Switched to %1: the network starts untrained."), dataset.title))
        else:
            self.notices.status(fill(
                self.tr("%1 ready: %2 training images, %3 test images. Press Start training."),
                dataset.title, format_count(len(dataset.x_train)),
                format_count(len(dataset.x_test))))
        self._update_state()

    def _model_changed(self, event) -> None:
        status = event.value
        self.predictionChart.set_untrained(not status.trained)
        if not status.trained and not status.training:
            self.trainingPanel.reset_progress()
            self.trainingPanel.show_message("")
        if status.stale and not status.training:
            self._layers_debouncer.start()
        self._show_class_names()

    def _show_class_names(self) -> None:
        names = tuple(map(class_name_for_display, self.session.class_names))
        if names and names != self.predictionChart.class_names():
            self.predictionChart.set_class_names(names)

    def _apply_layer_edit(self) -> None:
        """The layers changed and the edits paused: a new, untrained network for them."""
        session = self.session
        if session.model.stale and not self.is_training and session.dataset is not None:
            if self._rebuild():
                self.notices.status(self.tr("Network changed: the new network is untrained."))

    def _rebuild(self) -> bool:
        try:
            self.session.rebuild_model()
        except MemoryError:
            self.notices.error(self.tr("Network"), self.tr(
                "Not enough memory for this network: use fewer or smaller layers."))
            return False
        except DenseStudioError as error:
            self.notices.error(self.tr("Network"), str(error))
            return False
        return True

    # ================================================================ training
    def train_clicked(self) -> None:
        state = self.training.state()
        if state is None:
            self.start_training()
        elif state == "paused":
            self.training.resume()
        elif state == "training":
            self.training.pause()

    def start_training(self) -> bool:
        """Start a run with the session's settings; False (with a message) if it cannot."""
        if self.is_training or self.session.dataset is None:
            return False
        self._layers_debouncer.stop()
        return self.training.start()

    def pause_training(self) -> None:
        self.training.pause()

    def resume_training(self) -> None:
        self.training.resume()

    def stop_training(self) -> None:
        self.training.stop()

    def reset_weights(self) -> None:
        if self.is_training or self.session.dataset is None:
            return
        self._layers_debouncer.stop()
        try:
            self.session.reset_weights()
        except (DenseStudioError, MemoryError) as error:
            self.notices.error(self.tr("Network"), str(error))
            return
        self.trainingPanel.reset_progress()
        self.trainingPanel.show_message("")
        self.notices.status(fill(
            self.tr("Weights reset: the network is untrained again (seed %1)."),
            self.session.settings.seed))

    # ================================================================ drawing
    def show_random_sample(self) -> int | None:
        """Put a random test image on the canvas and show its true label; its index."""
        return self.canvas.show_random_sample()

    def open_image(self, path: str) -> bool:
        """Put an image file on the canvas; False (with a message, canvas unchanged) if bad."""
        return self.canvas.open_image(path)

    def open_image_dialog(self) -> None:
        path = self.files.ask_open_image()
        if path:
            self.open_image(path)

    # ================================================================ files
    def open_model_dialog(self) -> None:
        if not self.is_training and self._may_discard() and (path := self.files.ask_open_model()):
            self.open_model(path)

    def open_model(self, path: str | Path) -> bool:
        """Load a model file. A bad file shows a message and changes nothing."""
        if not self._may_open(path, self.tr("Open model"),
                              self.tr("Stop training before opening a model.")):
            return False
        loaded = self.busy.run(self.files.read_model, path)
        if not self.files.check_model(path, loaded):
            return False
        try:
            self.session.open_model(path, loaded)
        except DenseStudioError as error:
            self.notices.error(self.tr("Open model"), str(error))
            return False
        self._layers_debouncer.stop()
        self.files.opened(path)
        config = loaded.config
        self.notices.status(fill(
            self.tr("Opened model %1 (%2, trained on %3)."), Path(path).name,
            format_layers(config.layers) or self.tr("no hidden layer"),
            self.datasets.title(self.session.dataset_name)))
        return True

    def _may_open(self, path, title: str, while_training: str) -> bool:
        """Whether a file can be opened now (not while training or reading another)."""
        if self.is_training:
            self.notices.error(title, while_training)
            return False
        if self.busy.is_busy:
            return False
        self.notices.status(fill(self.tr("Opening %1…"), Path(path).name))
        return True

    def save_model_clicked(self) -> None:
        if self.files.path is not None:
            self.save_model(self.files.path)
        else:
            self.save_model_as_dialog()

    def save_model_as_dialog(self) -> None:
        if path := self.files.ask_save_model():
            self.save_model(path)

    def save_model(self, path: str | Path) -> bool:
        """Save the last consistent weights (the epoch-end snapshot while training)."""
        if not self.is_training:
            self._layers_debouncer.stop()
        return self.files.write_model(path) is not None

    def open_session_dialog(self) -> None:
        if not self.is_training and self._may_discard() and (
                path := self.files.ask_open_session()):
            self.open_session(path)

    def open_session(self, path: str | Path) -> bool:
        """Open a session file (network, settings, model, runs, canvas). A bad file shows
        a message and changes nothing."""
        if not self._may_open(path, self.tr("Open session"),
                              self.tr("Stop training before opening a session.")):
            return False
        try:
            data = self.busy.run(read_session, path)
            self.session.open(path, data)
        except DenseStudioError as error:
            self.notices.error(self.tr("Open session"), str(error))
            return False
        self._layers_debouncer.stop()
        self.notices.status(fill(self.tr("Opened session %1."), Path(path).name))
        return True

    def save_session_dialog(self) -> None:
        if path := self.files.ask_save_session():
            self.save_session(path)

    def save_session(self, path: str | Path) -> bool:
        """Save the whole session (a run still training is stored as stopped)."""
        return self.files.write_session(path) is not None

    # ================================================================ misc
    def about(self) -> None:
        AboutDialog(self, language=current_language()).exec()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._first_frame is None:
            self._first_frame = FirstFrame(self, report=bool(os.environ.get(REPORT_SHOWN_ENV)))
            self._first_frame.shown.connect(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """The window is on screen: now load the dataset (once), and on the very first
        start show the guide."""
        if not self._closing:
            freeze_startup_objects()
            self.datasets.start()
            self.training.compile_fast_path_later()
            if (self.isVisible() and not self._guide_offered
                    and not read_setting(self._settings, "guide_seen")):
                self._guide_offered = True
                self.guide.start()

    # ================================================================ help
    def _build_help(self) -> None:
        """The first-run guide (started by _after_first_frame); the help windows are made
        when first asked for."""
        self.helpBrowser: HelpBrowser | None = None
        self._guide_offered = False
        self.guide = FirstRunGuide(
            self, language=current_language(),
            on_seen=lambda: write_setting(self._settings, "guide_seen", True),
            should_show=self._guide_may_show,
            disabled=read_setting(self._settings, "guide_disabled"))

    def _guide_may_show(self) -> bool:
        """The first-run guide stays away during a lesson and in presenter mode."""
        lessons, presenter = getattr(self, "lessons", None), getattr(self, "presenter", None)
        return not ((lessons is not None and lessons.lesson is not None)
                    or (presenter is not None and presenter.active))

    def show_user_guide(self, page: str = "getting-started", anchor: str = "") -> HelpBrowser:
        """Help → User guide, in the window's language; one window, raised when asked again."""
        if self.helpBrowser is None:
            self.helpBrowser = HelpBrowser(self, language=current_language(),
                                           menus=self.menuBar())
        if page:
            self.helpBrowser.open_page(page, anchor)
        self.helpBrowser.show()
        self.helpBrowser.raise_()
        self.helpBrowser.activateWindow()
        return self.helpBrowser

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.menuBar(), self, language=current_language()).exec()

    def show_guide(self) -> bool:
        """Help → Show guide: the guide again, whatever the first-run settings say."""
        return self.guide.start(automatic=False)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        """Stop training and wait for the thread (≤ 1 s normally), save settings, close.
        A close the person asked for (the window's close button) asks about unsaved work
        first; the Quit action asks in quit_clicked; a close() from code does not ask."""
        if event.spontaneous() and not self._may_discard():
            event.ignore()
            return
        self._closing = True
        if not self.training.close(CLOSE_TIMEOUT_MS):
            # A huge batch is still running: the window goes away now, the process waits
            # for the batch to end rather than destroy a running thread.
            self.hide()
            self.training.wait()
        self.datasets.close()
        try:
            self.save_settings()
        except Exception:  # noqa: BLE001 - closing must never fail
            log.exception("could not save settings")
        self.autosave.close(clean=True)  # a clean quit leaves no recovery file
        super().closeEvent(event)

    # ================================================================ my drawings
    def add_drawing(self, label: int) -> int:
        """Keep the canvas input as one of my drawings, of class ``label``; the count after."""
        return self.drawings.add(label)

    # ================================================================ safety
    # (autosave and recovery, unsaved work and the title, the live language switch)
    def _build_safety(self) -> None:
        """Autosave and the recovery offer, the title and the unsaved-work question."""
        self.autosave = Autosave(self.session, parent=self)
        self.unsaved = UnsavedWork(self, self.session)
        self.recoveryBar = RecoveryBar(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.recoveryBar)
        self.recoveryBar.restoreClicked.connect(self.restore_recovery)
        self.recoveryBar.discardClicked.connect(self.discard_recovery)
        self._recoveries = self.autosave.recovery.orphans()
        self.recoveryBar.offer(self._recoveries[0] if self._recoveries else None)

    def _may_discard(self) -> bool:
        """Before the work is replaced or closed: True if there is no unsaved work, or the
        person saved it or chose Discard (Save / Discard / Cancel); False to stay."""
        return self.unsaved.may_discard()

    confirm_discard = _may_discard

    def quit_clicked(self) -> None:
        """File → Quit: ask about unsaved work, then close."""
        if self._may_discard():
            self.close()

    def save_session_clicked(self) -> bool:
        """Save the session to its file (asking where if it has none); True if saved."""
        path = self.session.path or self.files.ask_save_session()
        return bool(path) and self.save_session(path)

    def recovery_available(self) -> bool:
        """Whether work left by an instance that did not close properly can be restored."""
        return bool(self._recoveries)

    def restore_recovery(self) -> bool:
        """Open the newest recovery file as unsaved work; False (with a message) if it
        cannot be read or the work open now may not be replaced."""
        if not self._recoveries or not self._may_discard():
            return False
        path = self._recoveries[0]
        if not self.open_session(path):
            return False
        # The recovered work is in no file of the person's: unsaved until they save it.
        self.session.path = None
        self.unsaved.recovered = True
        self.session.mark_dirty()
        self.autosave.recovery.adopt(path)  # it is now this instance's recovery file
        self._recoveries.pop(0)
        self.recoveryBar.offer(self._recoveries[0] if self._recoveries else None)
        self.unsaved.update_title()
        self.notices.status(self.tr("Restored your unsaved work. Save it to keep it."))
        return True

    def discard_recovery(self) -> None:
        """Delete the recovery file on offer (and offer the next, if any)."""
        if self._recoveries:
            self.autosave.recovery.discard(self._recoveries.pop(0))
        self.recoveryBar.offer(self._recoveries[0] if self._recoveries else None)

    def set_language(self, language: str) -> None:
        """Switch the whole window to ``language`` now (no restart): every widget gets
        Qt's LanguageChange and sets its texts again (its ``retranslate()``)."""
        apply_language(QApplication.instance(), language)
        # Delivered now (the window passes it on to every child), then the window's own.
        QApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        self._retranslate_window()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            # the children retranslate after this: the window's own texts once they have
            QTimer.singleShot(0, self, self._retranslate_window)

    def _retranslate_window(self) -> None:
        self.menus.retranslate()
        # (the curves group has no title of its own: its tab carries it, inside/column.py)
        for name, title in (("networkGroup", self.tr("Network")),
                            ("trainingGroup", self.tr("Training"))):
            self.findChild(QGroupBox, name).setTitle(title)
        self.unsaved.update_title()
        self._update_state()  # the train action's text, the layer editor's lock reason
        self._show_class_names()
        for action in self.languageGroup.actions():
            action.setChecked(action.data() == current_language())
        self.notices.status(self.tr("Language: English"))

    # ================================================================ readable: view menu, zoom, presenter mode
    def presenter_mode(self) -> bool:
        """True while presenter mode (View → Presenter mode, F5) is on."""
        return self.presenter.active

    def set_presenter_mode(self, on: bool) -> None:
        self.presenter.toggle(on)

    # ================================================================ experiments
    def runs(self) -> list[dict]:
        """Every run of the session as a dict: layers, optimizer, learning_rate, batch_size,
        epochs, seed, status, test_accuracy, … (see ``ui/runs/controller.run_dict``)."""
        return self.experiments.runs()

    def rerun(self, run_id: int) -> bool:
        """Train again with run ``run_id``'s network, settings, dataset and seed."""
        return self.experiments.rerun(run_id)

    # ================================================================ lessons
    def open_lesson(self, path: str | Path) -> bool:
        """Open a lesson file (its network, settings, locks and goal); a bad file shows a
        message and changes nothing."""
        return self.lessons.open(path)

    def leave_lesson(self) -> bool:
        """Leave the lesson: controls, network, settings and dataset as before it."""
        return self.lessons.leave()

    def goal_reached(self) -> bool:
        """Whether the open lesson's goal is reached now (False without a lesson)."""
        return self.lessons.goal_reached()
