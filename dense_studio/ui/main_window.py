"""The Dense Studio window: it composes the panels and menus and wires the controllers.

The window holds no training, dataset or file logic; each job has its controller (in
``ui/controllers/``), and each controller keeps its own state:

* ``datasets`` (DatasetController) — the dataset wanted and the one shown, loading;
* ``models`` (ModelController) — the model, its GUI-thread predictor, epochs, metrics;
* ``training`` (TrainingController) — the run, its worker thread, Start/Pause/Stop;
* ``files`` (FilesController) — the model file, recent files, dialog folders;
* ``canvas`` (CanvasController) and ``prediction`` (PredictionController) — the picture
  on the canvas and its live prediction;
* ``notices`` — status-bar lines and error boxes (``last_error``).

Every user-facing failure becomes a message in the window; nothing raises out of a slot.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from dense_studio.engine.spec import TrainingConfig, format_layers
from dense_studio.errors import DenseStudioError
from dense_studio.ui.app import REPORT_SHOWN_ENV, FirstFrame
from dense_studio.ui.controllers.canvas import CanvasController
from dense_studio.ui.controllers.dataset import DatasetController
from dense_studio.ui.controllers.files import FilesController
from dense_studio.ui.controllers.model import ModelController
from dense_studio.ui.controllers.notices import Notices
from dense_studio.ui.controllers.training import TrainingController
from dense_studio.ui.curves import TrainingCurves
from dense_studio.ui.i18n import choose_language, class_name_for_display
from dense_studio.ui.layer_editor import LayerEditor
from dense_studio.ui.menus import WindowMenus
from dense_studio.ui.messages import fill, format_count
from dense_studio.ui.panels import DrawPanel, PredictPanel, WindowLayout, group
from dense_studio.ui.prediction import PredictionController
from dense_studio.ui.settings import open_settings, read_setting, write_setting
from dense_studio.ui.training_panel import TrainingPanel
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
    ``progress_rate`` (batch progress signals per second).
    """

    datasetLoaded = Signal(str)
    trainingStarted = Signal()
    trainingEnded = Signal(str)  # "finished" | "stopped" | "diverged" | "failed"

    def __init__(self, parent: QWidget | None = None, *, settings: QSettings | None = None,
                 train_limit: int | None = None, blas_threads: int | None = 1,
                 progress_rate: float = 10.0) -> None:
        super().__init__(parent)
        self._settings = settings if settings is not None else open_settings()
        self._file_class_names: tuple = ()  # of an opened model file, as stored
        self.setWindowTitle(self.tr("Dense Studio"))
        self._build_panels()
        self.notices = Notices(self.statusBar(), self)
        self.datasets = DatasetController(self.notices, parent=self)
        self.models = ModelController(self.notices, parent=self)
        self.training = TrainingController(
            self.trainingPanel, self.curves, self.models, self.notices, train_limit=train_limit,
            blas_threads=blas_threads, progress_rate=progress_rate, parent=self)
        self.files = FilesController(self._settings, self.notices, self)
        self.canvas = CanvasController(self.drawCanvas, self.sampleLabel, self.notices, self)
        self.prediction = PredictionController(
            self.drawCanvas, self.predictionChart, self.inputPreview, parent=self)
        self.menus = WindowMenus(self, choose_language(read_setting(self._settings, "language")))
        for name in ("openModelAction", "recentMenu", "saveModelAction", "saveModelAsAction",
                     "openImageAction", "randomSampleAction", "trainAction", "stopAction",
                     "resetAction", "languageGroup"):
            setattr(self, name, getattr(self.menus, name))
        self.windowSettings = WindowSettings(self, self._settings)
        self.windowSettings.restore()
        self._connect()
        self._rebuild_model(reason=None)
        self._update_state()
        self.notices.status(fill(self.tr("Loading %1…"), self.datasets.title()))
        # The dataset loads once the first frame is on screen (its thread would slow the
        # first paint down), or after a second if the window is never shown.
        self._started_loading = False
        self._closing = False
        self._first_frame: FirstFrame | None = None
        QTimer.singleShot(1000, self, self._after_first_frame)

    # ================================================================ construction
    def _build_panels(self) -> None:
        self.layerEditor = LayerEditor()
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
            self.drawPanel, self.predictPanel)
        self.mainSplitter, self.leftSplitter, self.rightSplitter = self.layout_.splitters
        self.setCentralWidget(self.mainSplitter)

    def _connect(self) -> None:
        panel = self.trainingPanel
        panel.trainClicked.connect(self.train_clicked)
        panel.stopClicked.connect(self.stop_training)
        panel.resetClicked.connect(self.reset_weights)
        panel.datasetChanged.connect(self.datasets.choose)
        panel.settingsChanged.connect(self._training_settings_changed)
        self._training_settings_changed()
        self._layers_debouncer = QTimer(self)
        self._layers_debouncer.setSingleShot(True)
        self._layers_debouncer.setInterval(LAYER_EDIT_PAUSE_MS)
        self._layers_debouncer.timeout.connect(self._apply_layer_edit)
        self.layerEditor.layersChanged.connect(lambda _layers: self._layers_debouncer.start())
        self.openImageButton.clicked.connect(self.open_image_dialog)
        self.randomSampleButton.clicked.connect(self.show_random_sample)
        self.drawCanvas.fileDropped.connect(self.open_image)
        self.datasets.changed.connect(self._dataset_changed)
        self.datasets.loaded.connect(self.datasetLoaded)
        self.datasets.fellBack.connect(self.trainingPanel.set_dataset)
        self.models.predictorChanged.connect(self.prediction.set_model)
        self.models.trainedChanged.connect(lambda trained: self.predictionChart.set_untrained(
            not trained))
        self.training.stateChanged.connect(self._update_state)
        self.training.started.connect(self._training_started)
        self.training.ended.connect(self._training_ended)
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
        return self.models.epochs_trained

    def is_ready(self) -> bool:
        """The dataset is loaded and nothing is training: Start would start."""
        return self.datasets.current is not None and not self.training.is_training

    def dataset(self):
        return self.datasets.current

    def model(self):
        """The model being trained. Do not touch it while :attr:`is_training`."""
        return self.models.model

    def predictor(self):
        """The GUI thread's copy of the model (for tests and the benchmark)."""
        return self.models.predictor

    def recent_models(self) -> list[str]:
        return self.files.recent.paths()

    def save_settings(self) -> None:
        self.windowSettings.save()

    def _update_state(self) -> None:
        state = self.training.state() or ("loading" if self.datasets.current is None else "idle")
        self.trainingPanel.set_state(state)
        busy = self.training.is_training
        menus = self.menus
        menus.trainAction.setEnabled(self.trainButton.isEnabled())
        menus.trainAction.setText(self.trainButton.text())
        menus.stopAction.setEnabled(self.stopButton.isEnabled())
        menus.resetAction.setEnabled(self.resetButton.isEnabled())
        menus.openModelAction.setEnabled(not busy)
        menus.recentMenu.setEnabled(not busy)
        has_data = self.datasets.current is not None
        self.randomSampleButton.setEnabled(has_data)
        menus.randomSampleAction.setEnabled(has_data)
        self.layerEditor.set_locked(busy, self.tr(
            "training is running. Stop it (or let it finish) to change the network."))

    def _training_settings_changed(self) -> None:
        values = self.trainingPanel.settings()
        self.layerEditor.set_training(values["optimizer"], values["batch_size"])

    def _language_chosen(self, action) -> None:
        write_setting(self._settings, "language", action.data())
        self.notices.status(self.tr("The language changes when Dense Studio starts again."))

    # ================================================================ datasets
    def _dataset_changed(self, dataset) -> None:
        if dataset is None:  # loading
            self._update_state()
            return
        self.predictionChart.set_class_names(tuple(map(class_name_for_display,
                                                       dataset.class_names)))
        self.prediction.set_style(dataset.style)
        self.layerEditor.set_io(dataset.input_shape, dataset.num_classes)
        if self.models.dataset_name not in (None, dataset.name):
            self._rebuild_model(reason=fill(
                self.tr("Switched to %1: the network starts untrained."), dataset.title))
        else:
            self.models.dataset_name = dataset.name
            self.notices.status(fill(
                self.tr("%1 ready: %2 training images, %3 test images. Press Start training."),
                dataset.title, format_count(len(dataset.x_train)),
                format_count(len(dataset.x_test))))
        self.canvas.forget_source()
        self._update_state()

    def _class_names(self) -> tuple:
        """The class names as the data name them (the chart shows them translated)."""
        if self.datasets.current is not None:
            return tuple(self.datasets.current.class_names)
        return self._file_class_names or tuple(self.predictionChart.class_names())

    # ================================================================ the model
    def _apply_layer_edit(self) -> None:
        if self.layerEditor.hidden_layers() != self.models.layers and not self.is_training:
            self._rebuild_model(reason=self.tr("Network changed: the new network is untrained."))

    def _rebuild_model(self, reason: str | None) -> bool:
        """A fresh, untrained model for the editor's layers and the current dataset."""
        if not self.models.build(
                self.layerEditor.hidden_layers(), input_shape=self.layerEditor.input_shape(),
                num_classes=len(self._class_names()), seed=self._seed(),
                dataset_name=self.datasets.name):
            return False
        self._file_class_names = ()
        self.files.path = None
        self.trainingPanel.reset_progress()
        self.trainingPanel.show_message("")
        if reason:
            self.notices.status(reason)
        return True

    def _seed(self) -> int:
        return int(self.trainingPanel.settings()["seed"])

    def _layers_current(self) -> bool:
        """The model has the editor's layers (rebuilt now if an edit is still pending)."""
        self._layers_debouncer.stop()
        return self.layerEditor.hidden_layers() == self.models.layers or \
            self._rebuild_model(reason=None)

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
        """Start a run with the panel's settings; False (with a message) if it cannot."""
        if self.is_training or self.datasets.current is None or not self._layers_current():
            return False
        try:
            config = TrainingConfig(layers=self.layerEditor.hidden_layers(),
                                    **self.trainingPanel.settings())
        except DenseStudioError as error:
            self.notices.error(self.tr("Training"), str(error))
            return False
        return self.training.start(config, self.datasets.current)

    def pause_training(self) -> None:
        self.training.pause()

    def resume_training(self) -> None:
        self.training.resume()

    def stop_training(self) -> None:
        self.training.stop()

    def reset_weights(self) -> None:
        if self.is_training:
            return
        if self.layerEditor.hidden_layers() != self.models.layers:
            self._rebuild_model(reason=None)
        else:
            self.models.reset_weights(self._seed())
            self.trainingPanel.reset_progress()
            self.trainingPanel.show_message("")
        self.notices.status(fill(
            self.tr("Weights reset: the network is untrained again (seed %1)."), self._seed()))

    def _training_started(self) -> None:
        self.prediction.set_training(True)
        self.trainingStarted.emit()

    def _training_ended(self, status: str) -> None:
        self.prediction.set_training(False)
        self.trainingEnded.emit(status)

    # ================================================================ drawing
    def show_random_sample(self) -> int | None:
        """Put a random test image on the canvas and show its true label; its index."""
        return self.canvas.show_random_sample(self.datasets.current)

    def open_image(self, path: str) -> bool:
        """Put an image file on the canvas; False (with a message, canvas unchanged) if bad."""
        return self.canvas.open_image(path)

    def open_image_dialog(self) -> None:
        path = self.files.ask_open_image()
        if path:
            self.open_image(path)

    # ================================================================ model files
    def open_model_dialog(self) -> None:
        if not self.is_training and (path := self.files.ask_open_model()):
            self.open_model(path)

    def open_model(self, path: str | Path) -> bool:
        """Load a model file. A bad file shows a message and changes nothing."""
        if self.is_training:
            self.notices.error(self.tr("Open model"),
                               self.tr("Stop training before opening a model."))
            return False
        loaded = self.files.read_model(path)
        if loaded is None:
            return False
        # Everything checked: now change the window.
        config = loaded.config
        self.models.adopt(loaded)  # first: the editor's change must not rebuild the model
        self.layerEditor.set_hidden_layers(config.layers)
        self._layers_debouncer.stop()
        self.trainingPanel.set_settings(config.to_dict())
        self.trainingPanel.set_dataset(loaded.dataset_name)
        self._file_class_names = tuple(loaded.class_names)
        self.predictionChart.set_class_names(tuple(map(class_name_for_display,
                                                       loaded.class_names)))
        self.files.opened(path)
        self.trainingPanel.reset_progress()
        self.trainingPanel.show_message("")
        self.datasets.request(loaded.dataset_name)
        self.notices.status(fill(
            self.tr("Opened model %1 (%2, trained on %3)."), Path(path).name,
            format_layers(config.layers) or self.tr("no hidden layer"),
            self.datasets.title(loaded.dataset_name)))
        return True

    def save_model_clicked(self) -> None:
        if self.files.path is not None:
            self.save_model(self.files.path)
        else:
            self.save_model_as_dialog()

    def save_model_as_dialog(self) -> None:
        if path := self.files.ask_save_model(self.datasets.name):
            self.save_model(path)

    def save_model(self, path: str | Path) -> bool:
        """Save the last consistent weights (the epoch-end snapshot while training)."""
        if not self.is_training:
            self._layers_current()
        models = self.models
        config = models.config or TrainingConfig(layers=self.layerEditor.hidden_layers(),
                                                 **self.trainingPanel.settings())
        return self.files.write_model(
            path, models.predictor, config, models.dataset_name or self.datasets.name,
            self._class_names(), models.saved_metrics()) is not None

    # ================================================================ misc
    def about(self) -> None:
        QMessageBox.about(self, self.tr("About Dense Studio"), self.tr(
            "<b>Dense Studio</b><br>A playground that shows what a Dense layer does: "
            "y = activation(x·W + b).<br>Fashion-MNIST © Zalando SE (MIT); MNIST by "
            "Y. LeCun, C. Cortes, C. J. C. Burges (CC BY-SA 3.0)."))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._first_frame is None:
            self._first_frame = FirstFrame(self, report=bool(os.environ.get(REPORT_SHOWN_ENV)))
            self._first_frame.shown.connect(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """The window is on screen: now load the dataset (once)."""
        if self._started_loading or self._closing:
            return
        self._started_loading = True
        if self.datasets.current is None and not self.datasets.is_loading:
            self.datasets.request(self.datasets.name)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        """Stop training and wait for the thread (≤ 1 s normally), save settings, close."""
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
        super().closeEvent(event)
