"""The Dense Studio window: build the layers, train in a worker thread, draw and predict.

Who owns what, so that nothing races:

* ``self._model`` is the network being trained. While a run is going, only the training
  worker's thread touches it; the window gets it back when the worker says ``finished``.
* ``self._predictor`` is a second model with the same layers that belongs to the GUI
  thread. It gets a *copy* of the weights at every epoch end (taken by the worker between
  two batches), so live predictions and "Save" always see one consistent set of weights.
* Datasets load in a pool thread (the window appears first; Fashion-MNIST takes ~0.5 s).

Every user-facing failure (bad model or image file, a training error, divergence) becomes a
message in the window; nothing raises out of a slot.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dense_studio.data import DATASETS, load_dataset, read_image
from dense_studio.engine import build_model
from dense_studio.engine.spec import (
    DenseSpec,
    TrainingConfig,
    format_layers,
    parse_layers,
)
from dense_studio.errors import DenseStudioError
from dense_studio.files.model_file import load_model, save_model
from dense_studio.ui.app import REPORT_SHOWN_ENV, FirstFrame, choose_language, prepare_application
from dense_studio.ui.curves import TrainingCurves
from dense_studio.ui.dataset_loader import DatasetLoader
from dense_studio.ui.draw_canvas import BRUSH_MAX, BRUSH_MIN, DrawCanvas
from dense_studio.ui.i18n import LANGUAGES, class_name_for_display
from dense_studio.ui.input_preview import InputPreview
from dense_studio.ui.layer_editor import LayerEditor
from dense_studio.ui.names import name_widget
from dense_studio.ui.prediction import PredictionController
from dense_studio.ui.prediction_chart import PredictionChart
from dense_studio.ui.settings import (
    RecentFiles,
    open_settings,
    read_bytes,
    read_float,
    read_int,
    read_str,
)
from dense_studio.ui.training_panel import TrainingPanel, format_duration
from dense_studio.ui.text import one_line

__all__ = ["MainWindow"]

log = logging.getLogger(__name__)

MODEL_FILTER = "Dense Studio model (*.dsmodel)"
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff *.pgm *.ppm)"
DEFAULT_LAYERS = (DenseSpec(128, "relu"),)
CLOSE_TIMEOUT_MS = 1000


class MainWindow(QMainWindow):
    """The whole app. ``MainWindow()`` opens on Fashion-MNIST with the reference model.

    Keyword arguments exist for tests and benchmarks only: ``settings`` (a QSettings to use
    instead of the user's), ``train_limit`` (train on the first N training images only),
    ``blas_threads`` (BLAS threads while training; None leaves BLAS alone) and
    ``progress_rate`` (batch progress signals per second).
    """

    datasetLoaded = Signal(str)
    trainingStarted = Signal()
    trainingEnded = Signal(str)  # "finished" | "stopped" | "diverged" | "failed"

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        train_limit: int | None = None,
        blas_threads: int | None = 1,
        progress_rate: float = 10.0,
    ) -> None:
        super().__init__(parent)
        prepare_application()
        self._settings = settings if settings is not None else open_settings()
        self._recent = RecentFiles(self._settings)
        self._train_limit = train_limit
        self._blas_threads = blas_threads
        self._progress_rate = progress_rate

        self._datasets: dict[str, object] = {}
        self._dataset = None  # the loaded Dataset the window shows, or None while loading
        self._file_class_names: tuple = ()  # class names of an opened model file, as stored
        self._dataset_name = "fashion_mnist"
        self._loader: DatasetLoader | None = None
        self._loading_name: str | None = None
        self._pending_dataset: str | None = None
        self._model = None
        self._predictor = None
        self._model_layers: tuple = ()
        self._model_dataset: str | None = None
        self._trained = False
        self._epochs_trained = 0.0
        self._last_metrics: dict = {}
        self._run_config: TrainingConfig | None = None
        self._run_total_samples = 0
        self._run_offset = 0.0
        self._last_batch = None
        self._worker = None  # a TrainingWorker while a run's thread exists
        self._stopping = False
        self._model_path: Path | None = None
        self._showing_sample = False
        self._rng = np.random.default_rng()
        self._closing = False
        self.last_error: str | None = None  # the text of the last error message shown

        self.setWindowTitle(self.tr("Dense Studio"))
        self._build_widgets()
        self._build_menus()
        self._restore_settings()
        self._connect()
        self._rebuild_model(reason=None)
        self._update_state()
        self.statusBar().showMessage(
            self.tr("Loading %1…").replace("%1", DATASETS.get(self._dataset_name, self._dataset_name))
        )
        # The dataset loads once the first frame is on screen (its thread would slow the
        # first paint down), or after a second if the window is never shown.
        self._started_loading = False
        self._first_frame: FirstFrame | None = None
        QTimer.singleShot(1000, self, self._after_first_frame)

    # ================================================================ construction
    def _build_widgets(self) -> None:
        self.layerEditor = LayerEditor()
        self.trainingPanel = TrainingPanel()
        self.curves = TrainingCurves()
        self.drawCanvas = DrawCanvas()
        self.predictionChart = PredictionChart()
        self.inputPreview = InputPreview()

        # The panel's and editor's named controls, reachable from the window too.
        panel = self.trainingPanel
        for name in ("datasetCombo", "optimizerCombo", "learningRateSpin", "batchSizeSpin",
                     "epochsSpin", "validationSpin", "seedSpin", "trainButton", "stopButton",
                     "resetButton", "progressBar", "speedLabel"):
            setattr(self, name, getattr(panel, name))
        self.lossPlot = self.curves.lossPlot
        self.accuracyPlot = self.curves.accuracyPlot

        network = QGroupBox(self.tr("Network"))
        network.setObjectName("networkGroup")
        box = QVBoxLayout(network)
        box.addWidget(self.layerEditor)
        training = QGroupBox(self.tr("Training"))
        training.setObjectName("trainingGroup")
        box = QVBoxLayout(training)
        box.addWidget(self.trainingPanel)
        self.leftSplitter = QSplitter(Qt.Orientation.Vertical)
        self.leftSplitter.setObjectName("leftSplitter")
        self.leftSplitter.addWidget(network)
        self.leftSplitter.addWidget(training)
        self.leftSplitter.setStretchFactor(0, 1)
        self.leftSplitter.setStretchFactor(1, 0)
        self.leftSplitter.setChildrenCollapsible(False)

        curves_box = QGroupBox(self.tr("Learning curves"))
        curves_box.setObjectName("curvesGroup")
        box = QVBoxLayout(curves_box)
        box.addWidget(self.curves)

        # Draw and predict.
        self.clearCanvasButton = QPushButton(self.tr("Clear"))
        name_widget(self.clearCanvasButton, "clearCanvasButton", self.tr("Clear the drawing (Esc)"))
        self.clearCanvasButton.setToolTip(self.tr("Clear the drawing (Esc or Delete on the canvas)"))
        self.openImageButton = QPushButton(self.tr("Open image…"))
        name_widget(self.openImageButton, "openImageButton", self.tr("Open an image file to predict"))
        self.randomSampleButton = QPushButton(self.tr("Random test sample"))
        name_widget(self.randomSampleButton, "randomSampleButton",
                    self.tr("Put a random test image on the canvas"))
        self.randomSampleButton.setToolTip(
            self.tr("Put an image from the test set, never used for training, on the canvas")
        )
        self.brushSizeSlider = QSlider(Qt.Orientation.Horizontal)
        self.brushSizeSlider.setRange(BRUSH_MIN, BRUSH_MAX)
        self.brushSizeSlider.setValue(self.drawCanvas.brush_size)
        self.brushSizeSlider.setToolTip(self.tr("Brush size ([ and ] on the canvas)"))
        name_widget(self.brushSizeSlider, "brushSizeSlider", self.tr("Brush size"))
        self.sampleLabel = QLabel()
        self.sampleLabel.setWordWrap(True)
        self.sampleLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        name_widget(self.sampleLabel, "sampleLabel", self.tr("Where the picture on the canvas came from"))

        canvas_tools = QHBoxLayout()
        brush_label = QLabel(self.tr("Brush"))
        brush_label.setBuddy(self.brushSizeSlider)
        canvas_tools.addWidget(brush_label)
        canvas_tools.addWidget(self.brushSizeSlider, 1)
        canvas_tools.addWidget(self.clearCanvasButton)
        file_tools = QHBoxLayout()
        file_tools.addWidget(self.openImageButton)
        file_tools.addWidget(self.randomSampleButton)

        draw_box = QGroupBox(self.tr("Draw"))
        draw_box.setObjectName("drawGroup")
        box = QVBoxLayout(draw_box)
        self.drawCanvas.setMinimumSize(200, 200)
        box.addWidget(self.drawCanvas, 1)
        box.addLayout(canvas_tools)
        box.addLayout(file_tools)
        box.addWidget(self.sampleLabel)

        predict_box = QGroupBox(self.tr("Prediction"))
        predict_box.setObjectName("predictGroup")
        row = QHBoxLayout(predict_box)
        self.inputPreview.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.inputPreview.setMaximumWidth(190)
        row.addWidget(self.inputPreview, 0)
        row.addWidget(self.predictionChart, 1)

        self.rightSplitter = QSplitter(Qt.Orientation.Vertical)
        self.rightSplitter.setObjectName("rightSplitter")
        self.rightSplitter.addWidget(draw_box)
        self.rightSplitter.addWidget(predict_box)
        self.rightSplitter.setChildrenCollapsible(False)

        self.mainSplitter = QSplitter(Qt.Orientation.Horizontal)
        self.mainSplitter.setObjectName("mainSplitter")
        self.mainSplitter.addWidget(self.leftSplitter)
        self.mainSplitter.addWidget(curves_box)
        self.mainSplitter.addWidget(self.rightSplitter)
        self.mainSplitter.setStretchFactor(0, 0)
        self.mainSplitter.setStretchFactor(1, 1)
        self.mainSplitter.setStretchFactor(2, 0)
        self.mainSplitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.mainSplitter)

        self.prediction = PredictionController(
            self.drawCanvas, self.predictionChart, self.inputPreview, parent=self
        )

    def _add_action(self, menu, text: str, slot, shortcut=None) -> QAction:
        """A menu entry: ``shortcut`` is a QKeySequence.StandardKey or a (translated) key text."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        keys = QKeySequence.StandardKey
        menu = self.menuBar().addMenu(self.tr("&File"))
        self.openModelAction = self._add_action(
            menu, self.tr("&Open model…"), self._open_model_dialog, keys.Open)
        self.recentMenu = menu.addMenu(self.tr("Open &recent"))
        self.recentMenu.setObjectName("recentMenu")
        self.recentMenu.aboutToShow.connect(self._fill_recent_menu)
        self.saveModelAction = self._add_action(
            menu, self.tr("&Save model"), self._save_model_clicked, keys.Save)
        self.saveModelAsAction = self._add_action(
            menu, self.tr("Save model &as…"), self._save_model_as_dialog, keys.SaveAs)
        menu.addSeparator()
        self.openImageAction = self._add_action(
            menu, self.tr("Open &image…"), self._open_image_dialog, self.tr("Ctrl+I"))
        self.randomSampleAction = self._add_action(
            menu, self.tr("Random &test sample"), self.show_random_sample, self.tr("Ctrl+T"))
        menu.addSeparator()
        self._add_action(menu, self.tr("&Quit"), self.close, keys.Quit)

        edit = self.menuBar().addMenu(self.tr("&Edit"))
        edit.addAction(self.layerEditor.undo_action(self))
        edit.addAction(self.layerEditor.redo_action(self))
        edit.addSeparator()
        self._add_action(edit, self.tr("&Clear drawing"), self.drawCanvas.clear)

        train = self.menuBar().addMenu(self.tr("&Training"))
        self.trainAction = self._add_action(
            train, self.tr("&Start training"), self._train_clicked, self.tr("Ctrl+Return"))
        self.stopAction = self._add_action(
            train, self.tr("S&top"), self._stop_clicked, self.tr("Ctrl+."))
        self.resetAction = self._add_action(train, self.tr("&Reset weights"), self._reset_clicked)

        self._build_language_menu(self.menuBar().addMenu(self.tr("&Language")))

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self._add_action(help_menu, self.tr("&About Dense Studio"), self._about)

    def _build_language_menu(self, menu) -> None:
        """English / 繁體中文: each language named in itself; applies at the next start."""
        self.languageGroup = QActionGroup(self)
        current = read_str(self._settings, "ui/language", "") or choose_language()
        for code, name in LANGUAGES.items():
            action = QAction(name, self, checkable=True, checked=code == current)
            action.setData(code)
            action.setObjectName(f"language_{code}")
            self.languageGroup.addAction(action)
            menu.addAction(action)
        self.languageGroup.triggered.connect(self._language_chosen)

    def _language_chosen(self, action) -> None:
        self._settings.setValue("ui/language", action.data())
        self._status(self.tr("The language changes when Dense Studio starts again."))

    def _connect(self) -> None:
        panel = self.trainingPanel
        panel.trainClicked.connect(self._train_clicked)
        panel.stopClicked.connect(self._stop_clicked)
        panel.resetClicked.connect(self._reset_clicked)
        panel.datasetChanged.connect(self._dataset_chosen)
        # Rebuilding a big network takes a moment: wait until the edits pause (a slider drag
        # emits many changes), then rebuild once.
        self._layers_debouncer = QTimer(self)
        self._layers_debouncer.setSingleShot(True)
        self._layers_debouncer.setInterval(150)
        self._layers_debouncer.timeout.connect(self._apply_layer_edit)
        self.layerEditor.layersChanged.connect(lambda _layers: self._layers_debouncer.start())
        self.clearCanvasButton.clicked.connect(self.drawCanvas.clear)
        self.openImageButton.clicked.connect(self._open_image_dialog)
        self.randomSampleButton.clicked.connect(self.show_random_sample)
        self.brushSizeSlider.valueChanged.connect(self.drawCanvas.set_brush_size)
        self.drawCanvas.brushSizeChanged.connect(self.brushSizeSlider.setValue)
        self.drawCanvas.fileDropped.connect(self.open_image)
        self.drawCanvas.changed.connect(self._canvas_changed)

    # ================================================================ settings
    def _restore_settings(self) -> None:
        s = self._settings
        layers_text = read_str(s, "network/layers", format_layers(DEFAULT_LAYERS))
        try:
            layers = parse_layers(layers_text)
        except DenseStudioError:
            layers = DEFAULT_LAYERS
        self.layerEditor.set_hidden_layers(layers)
        dataset = read_str(s, "training/dataset", "fashion_mnist")
        if dataset not in DATASETS:
            dataset = "fashion_mnist"
        self._dataset_name = dataset
        self.trainingPanel.set_dataset(dataset)
        self.trainingPanel.set_settings({
            "optimizer": read_str(s, "training/optimizer", "adam"),
            "learning_rate": read_float(s, "training/learningRate", 0.001, 1e-5, 10.0),
            "batch_size": read_int(s, "training/batchSize", 32, 1, 65536),
            "epochs": read_int(s, "training/epochs", 5, 1, 1000),
            "validation_split": read_float(s, "training/validationSplit", 0.1, 0.0, 0.9),
            "seed": read_int(s, "training/seed", 0, 0, 2**31 - 1),
            "lr_schedule": read_str(s, "training/lrSchedule", "cosine"),
        })
        self.drawCanvas.set_brush_size(read_int(s, "canvas/brushSize", self.drawCanvas.brush_size,
                                                BRUSH_MIN, BRUSH_MAX))
        self.brushSizeSlider.setValue(self.drawCanvas.brush_size)
        geometry = read_bytes(s, "window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self._default_geometry()
        state = read_bytes(s, "window/state")
        if state is not None:
            self.restoreState(state)
        for splitter, key in ((self.mainSplitter, "window/mainSplitter"),
                              (self.leftSplitter, "window/leftSplitter"),
                              (self.rightSplitter, "window/rightSplitter")):
            value = read_bytes(s, key)
            if value is None or not splitter.restoreState(value):
                self._default_splitter(splitter)

    def _default_geometry(self) -> None:
        width, height = 1440, 880
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            width = min(width, int(area.width() * 0.95))
            height = min(height, int(area.height() * 0.92))
            self.resize(width, height)
            frame = self.frameGeometry()
            frame.moveCenter(area.center())
            self.move(frame.topLeft())
        else:
            self.resize(width, height)

    def _default_splitter(self, splitter: QSplitter) -> None:
        if splitter is self.mainSplitter:
            splitter.setSizes([400, 560, 480])
        elif splitter is self.leftSplitter:
            splitter.setSizes([420, 400])
        else:
            splitter.setSizes([430, 400])

    def save_settings(self) -> None:
        s = self._settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/mainSplitter", self.mainSplitter.saveState())
        s.setValue("window/leftSplitter", self.leftSplitter.saveState())
        s.setValue("window/rightSplitter", self.rightSplitter.saveState())
        values = self.trainingPanel.settings()
        s.setValue("training/dataset", values["dataset"])
        s.setValue("training/optimizer", values["optimizer"])
        s.setValue("training/learningRate", values["learning_rate"])
        s.setValue("training/batchSize", values["batch_size"])
        s.setValue("training/epochs", values["epochs"])
        s.setValue("training/validationSplit", values["validation_split"])
        s.setValue("training/seed", values["seed"])
        s.setValue("training/lrSchedule", values["lr_schedule"])
        s.setValue("network/layers", format_layers(self.layerEditor.hidden_layers()))
        s.setValue("canvas/brushSize", self.drawCanvas.brush_size)
        s.sync()

    # ================================================================ state
    @property
    def is_training(self) -> bool:
        """True while a run's worker thread exists (training, paused or stopping)."""
        return self._worker is not None

    def is_ready(self) -> bool:
        """The dataset is loaded and nothing is training: Start would start."""
        return self._dataset is not None and self._worker is None

    def dataset(self):
        return self._dataset

    def predictor(self):
        """The GUI thread's copy of the model (for tests and the benchmark)."""
        return self._predictor

    def model(self):
        """The model being trained. Do not touch it while :attr:`is_training`."""
        return self._model

    @property
    def epochs_trained(self) -> float:
        return self._epochs_trained

    def _update_state(self) -> None:
        if self._worker is not None:
            if self._stopping:
                state = "stopping"
            elif self._worker.is_paused:
                state = "paused"
            else:
                state = "training"
        elif self._dataset is None:
            state = "loading"
        else:
            state = "idle"
        self.trainingPanel.set_state(state)
        busy = self._worker is not None
        self.trainAction.setEnabled(self.trainButton.isEnabled())
        self.trainAction.setText(self.trainButton.text())
        self.stopAction.setEnabled(self.stopButton.isEnabled())
        self.resetAction.setEnabled(self.resetButton.isEnabled())
        self.openModelAction.setEnabled(not busy)
        self.recentMenu.setEnabled(not busy)
        self.randomSampleButton.setEnabled(self._dataset is not None)
        self.randomSampleAction.setEnabled(self._dataset is not None)
        if busy:
            self.layerEditor.set_locked(
                True,
                self.tr("training is running. Stop it (or let it finish) to change the network."),
            )
        else:
            self.layerEditor.set_locked(False)

    def _status(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def _error(self, title: str, text: str) -> None:
        """A non-blocking message box (and the status bar); never a traceback."""
        self.last_error = text
        self._status(text)
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self._error_box = box

    # ================================================================ datasets
    def _dataset_chosen(self, name: str) -> None:
        if name == self._dataset_name:
            return
        self._dataset_name = name
        self._request_dataset(name)

    def _request_dataset(self, name: str) -> None:
        """Show dataset ``name``: at once if loaded, else after loading it in a thread."""
        if self._closing:
            return
        if name in self._datasets:
            self._apply_dataset(self._datasets[name])
            return
        self._dataset = None
        self._update_state()
        self._status(self.tr("Loading %1…").replace("%1", DATASETS.get(name, name)))
        if self._loader is not None:
            self._pending_dataset = name
            return
        self._loading_name = name
        worker = DatasetLoader(load_dataset, name, parent=self,
                               preload=("dense_studio.ui.training_worker",))
        worker.returned.connect(self._dataset_returned)
        worker.errored.connect(self._dataset_failed)
        worker.finished.connect(self._loader_finished)
        self._loader = worker
        worker.start()

    def _dataset_returned(self, dataset) -> None:
        # Shown at once (the loader thread may still be preloading the training modules).
        self._datasets[dataset.name] = dataset
        if dataset.name == self._dataset_name and self._pending_dataset is None \
                and not self._closing:
            self._apply_dataset(dataset)
            self.datasetLoaded.emit(dataset.name)

    def _dataset_failed(self, error: Exception) -> None:
        name = DATASETS.get(self._loading_name or "", self._loading_name)
        self._error(self.tr("Dataset"), self.tr("Could not load %1: %2")
                    .replace("%1", str(name)).replace("%2", one_line(error)))

    def _loader_finished(self) -> None:
        if self._loader is not None:
            self._loader.wait(1.0)  # the thread is past its last line; let it end
            self._loader.deleteLater()
        self._loader = None
        if self._closing:
            return
        pending, self._pending_dataset = self._pending_dataset, None
        if pending is not None and pending != self._loading_name:
            self._request_dataset(pending)
            return
        name = self._loading_name
        if name in self._datasets:
            if self._dataset is None and name == self._dataset_name:
                self._apply_dataset(self._datasets[name])
                self.datasetLoaded.emit(name)
        elif name == self._dataset_name:
            # Loading failed: go back to a dataset we have, if any.
            fallback = next(iter(self._datasets), None)
            if fallback is not None:
                self._dataset_name = fallback
                self.trainingPanel.set_dataset(fallback)
                self._apply_dataset(self._datasets[fallback])
            else:
                self._update_state()

    def _apply_dataset(self, dataset) -> None:
        self._dataset = dataset
        self._dataset_name = dataset.name
        self.predictionChart.set_class_names(tuple(map(class_name_for_display, dataset.class_names)))
        self.prediction.set_style(dataset.style)
        self.layerEditor.set_io(dataset.input_shape, dataset.num_classes)
        if self._model_dataset is not None and self._model_dataset != dataset.name:
            self._rebuild_model(reason=self.tr("Switched to %1: the network starts untrained.")
                                .replace("%1", dataset.title))
        else:
            self._model_dataset = dataset.name
            self._status(
                self.tr("%1 ready: %2 training images, %3 test images. Press Start training.")
                .replace("%1", dataset.title)
                .replace("%2", f"{len(dataset.x_train):,}".replace(",", " "))
                .replace("%3", f"{len(dataset.x_test):,}".replace(",", " "))
            )
        self.sampleLabel.clear()
        self._update_state()

    def _class_names(self) -> tuple:
        """The class names as the data names them (the chart shows them translated)."""
        if self._dataset is not None:
            return tuple(self._dataset.class_names)
        return self._file_class_names or tuple(self.predictionChart.class_names())

    # ================================================================ the model
    def _num_classes(self) -> int:
        return len(self._class_names())

    def _apply_layer_edit(self) -> None:
        layers = self.layerEditor.hidden_layers()
        if layers == self._model_layers or self._worker is not None:
            return
        self._rebuild_model(reason=self.tr("Network changed: the new network is untrained."))

    def _rebuild_model(self, reason: str | None) -> bool:
        """A fresh, untrained model for the editor's layers and the current dataset."""
        layers = tuple(self.layerEditor.hidden_layers())
        seed = int(self.trainingPanel.settings()["seed"])
        try:
            model = build_model(layers, input_shape=(28, 28), num_classes=self._num_classes(),
                                seed=seed)
            predictor = build_model(layers, input_shape=(28, 28),
                                    num_classes=self._num_classes(), seed=seed)
            predictor.set_weights([w.copy() for w in model.get_weights()])
        except MemoryError:
            self._error(self.tr("Network"), self.tr(
                "Not enough memory for this network: use fewer or smaller layers."))
            return False
        except DenseStudioError as error:
            self._error(self.tr("Network"), str(error))
            return False
        self._model, self._predictor = model, predictor
        self._model_layers = layers
        self._model_dataset = self._dataset_name
        self._set_trained(False)
        self._epochs_trained = 0.0
        self._last_metrics = {}
        self._run_config = None
        self._model_path = None
        self.trainingPanel.reset_progress()
        self.trainingPanel.show_message("")
        self.prediction.set_model(self._predictor)
        if reason:
            self._status(reason)
        return True

    def _set_trained(self, trained: bool) -> None:
        self._trained = trained
        self.predictionChart.set_untrained(not trained)

    def _sync_predictor(self, weights=None) -> None:
        weights = weights if weights is not None else self._model.get_weights()
        self._predictor.set_weights([np.array(w, copy=True) for w in weights])
        self.prediction.set_model(self._predictor)

    # ================================================================ training
    def _train_clicked(self) -> None:
        if self._worker is None:
            self.start_training()
        elif self._worker.is_paused:
            self.resume_training()
        else:
            self.pause_training()

    def _stop_clicked(self) -> None:
        self.stop_training()

    def _reset_clicked(self) -> None:
        self.reset_weights()

    def _config(self) -> TrainingConfig:
        return TrainingConfig(layers=tuple(self.layerEditor.hidden_layers()),
                              **self.trainingPanel.settings())

    def start_training(self) -> bool:
        """Start a run with the panel's settings; False (with a message) if it cannot."""
        if self._worker is not None or self._dataset is None:
            return False
        self._layers_debouncer.stop()
        if tuple(self.layerEditor.hidden_layers()) != self._model_layers:
            if not self._rebuild_model(reason=None):
                return False
        try:
            config = self._config()
            self._model.compile(optimizer=config.optimizer, learning_rate=config.learning_rate,
                                lr_schedule=config.lr_schedule)
        except DenseStudioError as error:
            self._error(self.tr("Training"), str(error))
            return False
        dataset = self._dataset
        x, y = dataset.x_train, dataset.y_train
        if self._train_limit is not None:
            x, y = x[: self._train_limit], y[: self._train_limit]
        validation = None
        held_out = int(len(x) * config.validation_split)
        if held_out > 0 and len(x) - held_out > 0:  # Keras: the last samples, before shuffling
            validation = (x[-held_out:], y[-held_out:])
            x, y = x[:-held_out], y[:-held_out]
        batches = math.ceil(len(x) / config.batch_size)
        from dense_studio.ui.training_worker import TrainingWorker  # superqt: load on demand

        worker = TrainingWorker(
            self._model, x, y, epochs=config.epochs, batch_size=config.batch_size,
            validation_data=validation, seed=config.seed, max_rate=self._progress_rate,
            blas_threads=self._blas_threads, parent=self,
        )
        worker.progress.connect(self._on_progress)
        worker.epochEnded.connect(self._on_epoch)
        worker.trainingEnded.connect(self._on_training_end)
        worker.failed.connect(self._on_training_failed)
        worker.finished.connect(self._on_worker_finished)
        self._worker = worker
        self._stopping = False
        self._run_config = config
        self._run_offset = self._epochs_trained
        self._run_total_samples = len(x) * config.epochs
        self._last_batch = None
        self.curves.start_run(self._epochs_trained, config.epochs)
        self.trainingPanel.begin_progress(config.epochs, batches)
        self.trainingPanel.show_message("")
        self._update_state()
        self._status(
            self.tr("Training started: %1 epochs of %2 images on %3 (%4 held out for validation).")
            .replace("%1", str(config.epochs))
            .replace("%2", f"{len(x):,}".replace(",", " "))
            .replace("%3", dataset.title)
            .replace("%4", f"{held_out:,}".replace(",", " "))
        )
        self.prediction.set_training(True)
        worker.start()
        self.trainingStarted.emit()
        return True

    def pause_training(self) -> None:
        if self._worker is None or self._stopping:
            return
        self._worker.pause()
        self._update_state()
        where = ""
        if self._last_batch is not None:
            where = self.tr(" at epoch %1, batch %2").replace(
                "%1", str(self._last_batch.epoch + 1)).replace("%2", str(self._last_batch.batch))
        self._status(self.tr("Paused%1. Press Resume to go on.").replace("%1", where))

    def resume_training(self) -> None:
        if self._worker is None or self._stopping:
            return
        self._worker.resume()
        self._update_state()
        self._status(self.tr("Training resumed."))

    def stop_training(self) -> None:
        if self._worker is None or self._stopping:
            return
        self._stopping = True
        self._worker.stop()
        self._update_state()
        self._status(self.tr("Stopping after this batch…"))

    def reset_weights(self) -> None:
        if self._worker is not None:
            return
        seed = int(self.trainingPanel.settings()["seed"])
        if tuple(self.layerEditor.hidden_layers()) != self._model_layers:
            self._rebuild_model(reason=None)
        else:
            self._model.reset_weights(seed)
            self._sync_predictor()
            self._set_trained(False)
            self._epochs_trained = 0.0
            self._last_metrics = {}
            self._run_config = None
            self.trainingPanel.reset_progress()
            self.trainingPanel.show_message("")
        self._status(self.tr("Weights reset: the network is untrained again (seed %1).")
                     .replace("%1", str(seed)))

    def _on_progress(self, item) -> None:
        event = item.event
        self._last_batch = event
        self.trainingPanel.show_batch(event, self._run_total_samples)
        self.curves.add_points(item.points)

    def _on_epoch(self, report) -> None:
        event = report.event
        self._sync_predictor(report.weights)
        self._set_trained(True)
        self._epochs_trained = self._run_offset + event.epoch + 1.0
        self._last_metrics = {"loss": event.loss, "accuracy": event.accuracy}
        if event.val_loss is not None:
            self._last_metrics.update(val_loss=event.val_loss, val_accuracy=event.val_accuracy)
        self.curves.add_epoch(event.epoch, event.loss, event.accuracy, event.val_loss,
                              event.val_accuracy)
        text = (self.tr("Epoch %1/%2: loss %3, accuracy %4 %")
                .replace("%1", str(event.epoch + 1)).replace("%2", str(event.epochs))
                .replace("%3", f"{event.loss:.4f}").replace("%4", f"{100 * event.accuracy:.1f}"))
        if event.val_accuracy is not None:
            text += self.tr(" · validation loss %1, accuracy %2 %").replace(
                "%1", f"{event.val_loss:.4f}").replace("%2", f"{100 * event.val_accuracy:.1f}")
        if not self._stopping and not (self._worker is not None and self._worker.is_paused):
            self._status(text)

    def _on_training_end(self, report) -> None:
        event = report.event
        self._sync_predictor(report.weights)
        partial = self._last_batch is not None and self._last_batch.batch < self._last_batch.batches
        if event.status == "stopped" and partial:
            last = self._last_batch
            self._epochs_trained = self._run_offset + last.epoch + last.batch / last.batches
        if self._epochs_trained > 0 or (self._last_batch is not None and event.status != "diverged"):
            self._set_trained(True)
        history = event.history or {}
        summary = ""
        last = self._last_batch
        if last is not None and last.elapsed > 0:
            summary = (self.tr("%1 samples in %2 · %3 samples/s on average")
                       .replace("%1", f"{last.samples_seen:,}".replace(",", " "))
                       .replace("%2", format_duration(last.elapsed))
                       .replace("%3", f"{round(last.samples_seen / last.elapsed):,}".replace(",", " ")))
        if event.status == "finished":
            accuracy = (history.get("accuracy") or [None])[-1]
            text = self.tr("Training finished: %1 epochs.").replace("%1", str(event.epochs_done))
            if accuracy is not None:
                text += self.tr(" Training accuracy %1 %.").replace("%1", f"{100 * accuracy:.1f}")
            val = (history.get("val_accuracy") or [None])[-1]
            if val is not None:
                text += self.tr(" Validation accuracy %1 %.").replace("%1", f"{100 * val:.1f}")
            self.trainingPanel.finish_progress(self.tr("Finished"), complete=True, summary=summary)
            self._status(text)
        elif event.status == "stopped":
            self.trainingPanel.finish_progress(
                self.tr("Stopped after %1 epochs").replace("%1", f"{self._epochs_trained:.2f}"),
                complete=False, summary=summary)
            self._status(self.tr("Training stopped. The weights so far are kept; Start goes on "
                                 "from them, Reset weights starts again."))
        else:  # diverged
            message = event.message or self.tr("training diverged")
            self.trainingPanel.finish_progress(self.tr("Diverged"), complete=False, summary=summary)
            self.trainingPanel.show_message(
                self.tr("Training diverged: %1").replace("%1", message), "warning")
            self._status(self.tr("Training diverged: %1").replace("%1", message))
        self._ended_status = event.status

    def _on_training_failed(self, message: str) -> None:
        self._ended_status = "failed"
        self.trainingPanel.finish_progress(self.tr("Failed"), complete=False)
        self.trainingPanel.show_message(self.tr("Training failed: %1").replace("%1", message), "error")
        self._error(self.tr("Training failed"), self.tr("Training failed: %1").replace("%1", message))

    def _on_worker_finished(self) -> None:
        worker, self._worker = self._worker, None
        self._stopping = False
        if worker is not None:
            worker.deleteLater()
        self.curves.end_run()
        self.prediction.set_training(False)
        self._update_state()
        self.trainingEnded.emit(getattr(self, "_ended_status", "finished"))

    # ================================================================ drawing
    def _canvas_changed(self) -> None:
        if not self._showing_sample and self.sampleLabel.text():
            self.sampleLabel.clear()

    def show_random_sample(self) -> int | None:
        """Put a random test image on the canvas and show its true label; its index."""
        if self._dataset is None:
            return None
        index = int(self._rng.integers(len(self._dataset.x_test)))
        self._show_picture(self._dataset.x_test[index])
        label = class_name_for_display(self._dataset.class_names[int(self._dataset.y_test[index])])
        self.sampleLabel.setText(
            self.tr("Test image #%1 — true label: <b>%2</b>").replace("%1", str(index))
            .replace("%2", label))
        return index

    def _show_picture(self, array) -> None:
        self._showing_sample = True
        try:
            self.drawCanvas.set_image(array)
        finally:
            self._showing_sample = False

    def open_image(self, path: str) -> bool:
        """Put an image file on the canvas; False (with a message, canvas unchanged) if bad."""
        try:
            image = read_image(path)
        except DenseStudioError as error:
            self._error(self.tr("Open image"), str(error))
            return False
        except Exception as error:  # noqa: BLE001 - a file must never crash the window
            self._error(self.tr("Open image"), f"{Path(path).name}: {one_line(error)}")
            return False
        self._show_picture(image)
        self.sampleLabel.setText(self.tr("Image file: %1").replace("%1", Path(path).name))
        self._status(self.tr("Opened image %1").replace("%1", str(path)))
        return True

    def _open_image_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open image"), self._last_dir("images"), self.tr(IMAGE_FILTER))
        if path:
            self._settings.setValue("files/lastImageDir", str(Path(path).parent))
            self.open_image(path)

    # ================================================================ model files
    def _last_dir(self, kind: str) -> str:
        key = "files/lastImageDir" if kind == "images" else "files/lastModelDir"
        folder = read_str(self._settings, key, "")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def _open_model_dialog(self) -> None:
        if self._worker is not None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open model"), self._last_dir("models"), self.tr(MODEL_FILTER))
        if path:
            self.open_model(path)

    def _fill_recent_menu(self) -> None:
        self.recentMenu.clear()
        paths = self._recent.paths()
        for path in paths:
            action = self.recentMenu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_model(p))
        if not paths:
            empty = self.recentMenu.addAction(self.tr("(no recent models)"))
            empty.setEnabled(False)
        else:
            self.recentMenu.addSeparator()
            self.recentMenu.addAction(self.tr("Clear list"), self._recent.clear)

    def recent_models(self) -> list[str]:
        return self._recent.paths()

    def open_model(self, path: str | Path) -> bool:
        """Load a model file. A bad file shows a message and changes nothing."""
        if self._worker is not None:
            self._error(self.tr("Open model"), self.tr("Stop training before opening a model."))
            return False
        try:
            loaded = load_model(path)
        except DenseStudioError as error:
            self._error(self.tr("Open model"), str(error))
            return False
        except Exception as error:  # noqa: BLE001 - a file must never crash the window
            self._error(self.tr("Open model"), f"{Path(path).name}: {one_line(error)}")
            return False
        if loaded.dataset_name not in DATASETS:
            self._error(self.tr("Open model"), self.tr(
                "%1 was trained on %2, which the window does not offer (use the command line).")
                .replace("%1", Path(path).name).replace("%2", loaded.dataset_name))
            return False
        if tuple(loaded.input_shape) != (28, 28):
            self._error(self.tr("Open model"), self.tr("%1 expects %2 images, not 28×28.")
                        .replace("%1", Path(path).name).replace("%2", str(loaded.input_shape)))
            return False
        # Everything checked: now change the window.
        config = loaded.config
        self._layers_debouncer.stop()
        self._model_layers = tuple(config.layers)
        self.layerEditor.set_hidden_layers(config.layers)
        self._layers_debouncer.stop()
        self.trainingPanel.set_settings(config.to_dict())
        self.trainingPanel.set_dataset(loaded.dataset_name)
        self._model = loaded.model
        self._predictor = build_model(config.layers, input_shape=(28, 28),
                                      num_classes=loaded.num_classes, seed=config.seed)
        self._model_dataset = loaded.dataset_name
        self._dataset_name = loaded.dataset_name
        self._file_class_names = tuple(loaded.class_names)
        self.predictionChart.set_class_names(tuple(map(class_name_for_display, loaded.class_names)))
        self._sync_predictor()
        metrics = loaded.metrics or {}
        epochs = metrics.get("epochs_trained")
        self._epochs_trained = float(epochs) if isinstance(epochs, (int, float)) else float(config.epochs)
        self._last_metrics = {k: v for k, v in metrics.items()
                              if k in ("loss", "accuracy", "val_loss", "val_accuracy")}
        self._run_config = config
        self._set_trained(True)
        self._model_path = Path(path)
        self._recent.add(path)
        self._settings.setValue("files/lastModelDir", str(Path(path).resolve().parent))
        self.trainingPanel.reset_progress()
        self.trainingPanel.show_message("")
        self._request_dataset(loaded.dataset_name)
        self._status(self.tr("Opened model %1 (%2, trained on %3).")
                     .replace("%1", Path(path).name)
                     .replace("%2", format_layers(config.layers) or self.tr("no hidden layer"))
                     .replace("%3", DATASETS[loaded.dataset_name]))
        return True

    def _save_model_clicked(self) -> None:
        if self._model_path is not None:
            self.save_model(self._model_path)
        else:
            self._save_model_as_dialog()

    def _save_model_as_dialog(self) -> None:
        start = self._model_path or Path(self._last_dir("models")) / f"{self._dataset_name}.dsmodel"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save model"), str(start), self.tr(MODEL_FILTER))
        if path:
            self.save_model(path)

    def save_model(self, path: str | Path) -> bool:
        """Save the last consistent weights (the epoch-end snapshot while training)."""
        path = Path(path)
        if path.suffix.lower() != ".dsmodel":
            path = path.with_name(path.name + ".dsmodel")
        if tuple(self.layerEditor.hidden_layers()) != self._model_layers and self._worker is None:
            self._rebuild_model(reason=None)
        config = self._run_config or self._config()
        metrics = dict(self._last_metrics)
        metrics["epochs_trained"] = round(self._epochs_trained, 4)
        try:
            save_model(self._predictor, path, config, self._model_dataset or self._dataset_name,
                       self._class_names(), metrics)
        except DenseStudioError as error:
            self._error(self.tr("Save model"), str(error))
            return False
        except OSError as error:
            self._error(self.tr("Save model"), f"{path}: {one_line(error)}")
            return False
        self._model_path = path
        self._recent.add(path)
        self._settings.setValue("files/lastModelDir", str(path.resolve().parent))
        self._status(self.tr("Saved model to %1").replace("%1", str(path)))
        return True

    # ================================================================ misc
    def _about(self) -> None:
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
        if self._dataset is None and self._loader is None:
            self._request_dataset(self._dataset_name)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        """Stop training and wait for the thread (≤ 1 s normally), save settings, close."""
        self._closing = True
        worker = self._worker
        if worker is not None:
            worker.stop()
            if not worker.wait(CLOSE_TIMEOUT_MS):
                # A huge batch is still running: the window goes away now, the process
                # waits for the batch to end rather than destroy a running thread.
                self.hide()
                worker.wait()
        if self._loader is not None:
            self._loader.wait(10.0)  # loading takes about half a second
        try:
            self.save_settings()
        except Exception:  # noqa: BLE001 - closing must never fail
            log.exception("could not save settings")
        super().closeEvent(event)
