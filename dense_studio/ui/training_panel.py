"""The training controls: dataset, hyperparameters, Start/Pause/Resume, Stop, Reset, progress.

The panel only shows and collects; a controller binds it to the session's settings
(``controllers/settings.py``) and the window decides what a click means. Its state
("loading", "idle", "training", "paused", "stopping") sets which controls are enabled and
what the train button says, so the buttons can never offer an action that makes no sense.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dense_studio.data import DATASETS
from dense_studio.engine.spec import MAX_BATCH_SIZE, MAX_EPOCHS, OPTIMIZERS
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.live_text import LiveText
from dense_studio.ui.messages import fill, format_count, format_duration  # (re-exported)
from dense_studio.ui.names import name_widget
from dense_studio.ui.settings import MAX_SEED

__all__ = ["TrainingPanel", "format_duration", "STATES"]

STATES = ("loading", "idle", "training", "paused", "stopping")
OPTIMIZER_TITLES = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop"}
SPEED_LABEL_SECONDS = 0.25  # samples/s and time left change four times a second


class TrainingPanel(Retranslating, QWidget):
    """Hyperparameters, the three training buttons, and the progress display."""

    datasetChanged = Signal(str)
    trainClicked = Signal()
    stopClicked = Signal()
    resetClicked = Signal()
    #: The person changed a hyperparameter (not emitted by :meth:`set_settings`).
    settingsEdited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = "loading"
        self._speed_shown = -1.0

        self.datasetCombo = QComboBox()
        for name, title in DATASETS.items():
            self.datasetCombo.addItem(title, name)
        self.optimizerCombo = QComboBox()
        for name in OPTIMIZERS:
            self.optimizerCombo.addItem(OPTIMIZER_TITLES.get(name, name), name)

        self.learningRateSpin = QDoubleSpinBox()
        self.learningRateSpin.setDecimals(5)
        self.learningRateSpin.setRange(0.00001, 10.0)
        self.learningRateSpin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.learningRateSpin.setValue(0.001)
        self.batchSizeSpin = QSpinBox()
        self.batchSizeSpin.setRange(1, MAX_BATCH_SIZE)
        self.batchSizeSpin.setValue(32)
        self.epochsSpin = QSpinBox()
        self.epochsSpin.setRange(1, MAX_EPOCHS)
        self.epochsSpin.setValue(5)
        self.validationSpin = QSpinBox()
        self.validationSpin.setRange(0, 90)
        self.validationSpin.setSuffix(" %")
        self.validationSpin.setValue(10)
        # A QSpinBox holds a C int (2**31 - 1); a double holds every seed up to 2**32 - 1.
        self.seedSpin = QDoubleSpinBox()
        self.seedSpin.setDecimals(0)
        self.seedSpin.setRange(0, MAX_SEED)

        self.trainButton = QPushButton()
        self.trainButton.setDefault(True)
        self.stopButton = QPushButton()
        self.resetButton = QPushButton()
        self.progressBar = QProgressBar()
        self.progressBar.setRange(0, 1)
        self.progressBar.setValue(0)
        self.progressBar.setTextVisible(True)
        self._progress_started = False
        self.speedLabel = LiveText(" ")  # (4 times a second: no new layout each time)
        self.decayCheck = QCheckBox()
        self.decayCheck.setChecked(True)
        self.messageLabel = QLabel()
        self.messageLabel.setWordWrap(True)
        self.messageLabel.setVisible(False)
        self.messageLabel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        rows = [
            (self.datasetCombo, None),
            (self.optimizerCombo, self.learningRateSpin),
            (self.batchSizeSpin, self.epochsSpin),
            (self.validationSpin, self.seedSpin),
        ]
        self._labels: dict[QWidget, QLabel] = {}  # each control's label, by control
        for row, (widget1, widget2) in enumerate(rows):
            for column, widget in enumerate((widget1, widget2)):
                if widget is None:
                    continue
                label = self._labels[widget] = QLabel()
                label.setBuddy(widget)
                grid.addWidget(label, row, 2 * column)
                span = 3 if widget2 is None else 1
                grid.addWidget(widget, row, 2 * column + 1, 1, span)
        grid.addWidget(self.decayCheck, len(rows), 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        buttons = QHBoxLayout()
        buttons.addWidget(self.trainButton, 2)
        buttons.addWidget(self.stopButton, 1)
        buttons.addWidget(self.resetButton, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        layout.addWidget(self.progressBar)
        layout.addWidget(self.speedLabel)
        layout.addWidget(self.messageLabel)
        layout.addStretch(1)

        self.trainButton.clicked.connect(self.trainClicked)
        self.stopButton.clicked.connect(self.stopClicked)
        self.resetButton.clicked.connect(self.resetClicked)
        self.datasetCombo.currentIndexChanged.connect(
            lambda _index: self.datasetChanged.emit(self.dataset())
        )
        for signal in (self.optimizerCombo.currentIndexChanged, self.learningRateSpin.valueChanged,
                       self.batchSizeSpin.valueChanged, self.epochsSpin.valueChanged,
                       self.validationSpin.valueChanged, self.seedSpin.valueChanged,
                       self.decayCheck.toggled):
            signal.connect(self._edited)
        self._showing = False
        self.retranslate()
        self.set_state("loading")

    def retranslate(self) -> None:
        """Every text in the application's language (from ``__init__`` and on a switch)."""
        name_widget(self.datasetCombo, "datasetCombo", self.tr("Dataset to train on"))
        self.datasetCombo.setToolTip(self.tr(
            "The images to learn from: handwritten digits (MNIST) or pieces of clothing "
            "(Fashion-MNIST)"))
        name_widget(self.optimizerCombo, "optimizerCombo", self.tr("Optimizer"))
        self.optimizerCombo.setToolTip(self.tr(
            "How the weights are changed after each batch to lower the loss"))
        name_widget(self.learningRateSpin, "learningRateSpin", self.tr("Learning rate"))
        self.learningRateSpin.setToolTip(self.tr(
            "How big each step of the weights is: too small learns slowly, too big jumps "
            "around"))
        name_widget(self.batchSizeSpin, "batchSizeSpin", self.tr("Batch size"))
        self.batchSizeSpin.setToolTip(self.tr(
            "How many images the network sees before each change of the weights"))
        name_widget(self.epochsSpin, "epochsSpin", self.tr("Number of epochs"))
        self.epochsSpin.setToolTip(self.tr(
            "How many times the network goes through all the training images"))
        self.validationSpin.setToolTip(
            self.tr("Share of the training images held out to check the model on unseen data")
        )
        name_widget(self.validationSpin, "validationSpin", self.tr("Validation split"))
        self.seedSpin.setToolTip(self.tr("Same seed, same settings: the same run again"))
        name_widget(self.seedSpin, "seedSpin", self.tr("Random seed"))
        name_widget(self.trainButton, "trainButton", self.tr("Start, pause or resume training"))
        self.stopButton.setText(self.tr("Stop"))
        name_widget(self.stopButton, "stopButton", self.tr("Stop training after this batch"))
        self.stopButton.setToolTip(self.tr(
            "Stop training after this batch; the weights learnt so far stay (Ctrl+.)"))
        self.resetButton.setText(self.tr("Reset weights"))
        self.resetButton.setToolTip(self.tr("Start again from fresh random weights"))
        name_widget(self.resetButton, "resetButton", self.tr("Reset the weights"))
        if not self._progress_started:
            self.progressBar.setFormat(self.tr("Not started"))
        name_widget(self.progressBar, "progressBar", self.tr("Training progress"))
        name_widget(self.speedLabel, "speedLabel", self.tr("Training speed and time left"))
        self.decayCheck.setText(self.tr("Cosine learning-rate decay"))
        self.decayCheck.setToolTip(self.tr(
            "Lower the learning rate smoothly to 0 over the run: big steps first, fine steps "
            "at the end (Keras: CosineDecay)"))
        name_widget(self.decayCheck, "decayCheck", self.tr("Cosine learning-rate decay"))
        name_widget(self.messageLabel, "trainingMessage", self.tr("Training message"))
        labels = self._labels
        labels[self.datasetCombo].setText(self.tr("&Dataset"))
        labels[self.optimizerCombo].setText(self.tr("&Optimizer"))
        labels[self.learningRateSpin].setText(self.tr("&Learning rate"))
        labels[self.batchSizeSpin].setText(self.tr("&Batch size"))
        labels[self.epochsSpin].setText(self.tr("&Epochs"))
        labels[self.validationSpin].setText(self.tr("&Validation"))
        labels[self.seedSpin].setText(self.tr("S&eed"))
        self.set_state(self._state)

    # -- settings ----------------------------------------------------------------------
    def dataset(self) -> str:
        return self.datasetCombo.currentData()

    def set_dataset(self, name: str, notify: bool = False) -> bool:
        """Select ``name``; False if the combo does not offer it."""
        index = self.datasetCombo.findData(name)
        if index < 0:
            return False
        if not notify:
            self.datasetCombo.blockSignals(True)
        try:
            self.datasetCombo.setCurrentIndex(index)
        finally:
            self.datasetCombo.blockSignals(False)
        return True

    def settings(self) -> dict:
        """The hyperparameters as ``TrainingConfig`` keyword arguments (without layers)."""
        return {
            "dataset": self.dataset(),
            "optimizer": self.optimizerCombo.currentData(),
            "learning_rate": float(self.learningRateSpin.value()),
            "batch_size": int(self.batchSizeSpin.value()),
            "epochs": int(self.epochsSpin.value()),
            "validation_split": self.validationSpin.value() / 100.0,
            "seed": int(self.seedSpin.value()),
            "lr_schedule": "cosine" if self.decayCheck.isChecked() else "constant",
        }

    def _edited(self, *_args) -> None:
        if not self._showing:
            self.settingsEdited.emit()

    def set_settings(self, values: dict) -> None:
        """Show the given settings (missing keys keep their value; the dataset is not
        changed here, see :meth:`set_dataset`). Emits no ``settingsEdited``."""
        self._showing = True
        try:
            self._show_settings(values)
        finally:
            self._showing = False

    def _show_settings(self, values: dict) -> None:
        if "optimizer" in values:
            index = self.optimizerCombo.findData(values["optimizer"])
            if index >= 0:
                self.optimizerCombo.setCurrentIndex(index)
        if "learning_rate" in values:
            self.learningRateSpin.setValue(float(values["learning_rate"]))
        if "batch_size" in values:
            self.batchSizeSpin.setValue(int(values["batch_size"]))
        if "epochs" in values:
            self.epochsSpin.setValue(int(values["epochs"]))
        if "validation_split" in values:
            self.validationSpin.setValue(int(round(float(values["validation_split"]) * 100)))
        if "seed" in values:
            self.seedSpin.setValue(min(MAX_SEED, int(values["seed"])))
        if "lr_schedule" in values:
            self.decayCheck.setChecked(values["lr_schedule"] == "cosine")

    # -- state -------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    def set_state(self, state: str) -> None:
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        self._state = state
        busy = state in ("training", "paused", "stopping")
        for widget in (self.datasetCombo, self.optimizerCombo, self.learningRateSpin,
                       self.batchSizeSpin, self.epochsSpin, self.validationSpin, self.seedSpin,
                       self.decayCheck):
            widget.setEnabled(not busy)
        self.datasetCombo.setEnabled(state == "idle")
        self.trainButton.setEnabled(state in ("idle", "training", "paused"))
        self.stopButton.setEnabled(state in ("training", "paused"))
        self.resetButton.setEnabled(state == "idle")
        text = {
            "loading": self.tr("Start training"),
            "idle": self.tr("Start training"),
            "training": self.tr("Pause"),
            "paused": self.tr("Resume"),
            "stopping": self.tr("Stopping…"),
        }[state]
        self.trainButton.setText(text)
        self.trainButton.setToolTip({
            "loading": self.tr("Waiting for the dataset to load"),
            "idle": self.tr("Train the network on the training images (Ctrl+Return)"),
            "training": self.tr("Pause training; Resume goes on from here (Ctrl+Return)"),
            "paused": self.tr("Go on training from where it paused (Ctrl+Return)"),
            "stopping": self.tr("Stopping at the end of this batch"),
        }[state])

    # -- progress ----------------------------------------------------------------------
    def begin_progress(self, epochs: int, batches: int) -> None:
        self._progress_started = True
        self.progressBar.setRange(0, max(1, epochs * batches))
        self.progressBar.setValue(0)
        self.progressBar.setFormat(fill(self.tr("Epoch %1/%2 · batch %3/%4"), 1, epochs, 0,
                                        batches))
        self.speedLabel.setText(self.tr("Starting…"))

    def show_batch(self, event, total_samples: int) -> None:
        """Show a ``BatchEnd``; ``total_samples`` is epochs × training images of the run."""
        done = event.epoch * event.batches + event.batch
        bar = self.progressBar
        # QProgressBar repaints synchronously in setValue, i.e. while this Python slot holds
        # the GIL the training thread needs; with updates off it repaints later, from the
        # event loop, in C++ only.
        bar.setUpdatesEnabled(False)
        try:
            bar.setMaximum(max(1, event.epochs * event.batches))
            bar.setValue(done)
            bar.setFormat(fill(self.tr("Epoch %1/%2 · batch %3/%4"), event.epoch + 1,
                               event.epochs, event.batch, event.batches))
        finally:
            bar.setUpdatesEnabled(True)
        rate = float(event.samples_per_second)
        now = time.monotonic()
        if now - self._speed_shown < SPEED_LABEL_SECONDS and event.batch < event.batches:
            return  # the numbers would flicker; the bar moves at full rate
        self._speed_shown = now
        if rate > 0:
            left = max(0, total_samples - event.samples_seen) / rate
            self.speedLabel.setText(fill(self.tr("%1 samples/s · about %2 left"),
                                         format_count(int(round(rate))),
                                         format_duration(left)))

    def finish_progress(self, text: str, complete: bool, summary: str = "") -> None:
        """The run ended: ``text`` in the bar, ``summary`` (or nothing) under it."""
        if complete:
            self.progressBar.setValue(self.progressBar.maximum())
        self.progressBar.setFormat(text)
        self.speedLabel.setText(summary or " ")

    def reset_progress(self) -> None:
        self._progress_started = False
        self.progressBar.setRange(0, 1)
        self.progressBar.setValue(0)
        self.progressBar.setFormat(self.tr("Not started"))
        self.speedLabel.setText(" ")

    def show_message(self, text: str, kind: str = "info") -> None:
        """A note under the progress bar (divergence, errors); empty text hides it."""
        colors = {"info": "palette(text)", "warning": "#9a5b00", "error": "#b00020"}
        self.messageLabel.setStyleSheet(f"color: {colors.get(kind, colors['info'])};")
        self.messageLabel.setText(text)
        self.messageLabel.setVisible(bool(text))
