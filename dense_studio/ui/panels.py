"""The window's panels and how they are laid out; they show and collect, nothing more.

Each panel is a group box around its views. The names (``drawGroup``, ``mainSplitter`` …)
are for automation and for the layout that the settings restore.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dense_studio.ui.draw_canvas import BRUSH_MAX, BRUSH_MIN, DrawCanvas
from dense_studio.ui.input_preview import InputPreview
from dense_studio.ui.names import name_widget
from dense_studio.ui.prediction_chart import PredictionChart

__all__ = ["group", "DrawPanel", "PredictPanel", "WindowLayout", "DEFAULT_SPLITS"]

# Default splitter sizes (pixels, shared out in proportion by Qt).
DEFAULT_SPLITS = {"mainSplitter": [400, 560, 480], "leftSplitter": [420, 400],
                  "rightSplitter": [430, 400]}


def group(title: str, name: str, content: QWidget) -> QGroupBox:
    """``content`` in a titled group box named ``name``."""
    box = QGroupBox(title)
    box.setObjectName(name)
    QVBoxLayout(box).addWidget(content)
    return box


class DrawPanel(QGroupBox):
    """The canvas, its brush and clear controls, the open-image and random-sample buttons,
    and the label saying where the picture came from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Draw"), parent)
        self.setObjectName("drawGroup")
        self.drawCanvas = DrawCanvas()
        self.clearCanvasButton = QPushButton(self.tr("Clear"))
        name_widget(self.clearCanvasButton, "clearCanvasButton", self.tr("Clear the drawing (Esc)"))
        self.clearCanvasButton.setToolTip(self.tr("Clear the drawing (Esc or Delete on the canvas)"))
        self.openImageButton = QPushButton(self.tr("Open image…"))
        name_widget(self.openImageButton, "openImageButton", self.tr("Open an image file to predict"))
        self.randomSampleButton = QPushButton(self.tr("Random test sample"))
        name_widget(self.randomSampleButton, "randomSampleButton",
                    self.tr("Put a random test image on the canvas"))
        self.randomSampleButton.setToolTip(
            self.tr("Put an image from the test set, never used for training, on the canvas"))
        self.brushSizeSlider = QSlider(Qt.Orientation.Horizontal)
        self.brushSizeSlider.setRange(BRUSH_MIN, BRUSH_MAX)
        self.brushSizeSlider.setValue(self.drawCanvas.brush_size)
        self.brushSizeSlider.setToolTip(self.tr("Brush size ([ and ] on the canvas)"))
        name_widget(self.brushSizeSlider, "brushSizeSlider", self.tr("Brush size"))
        self.sampleLabel = QLabel()
        self.sampleLabel.setWordWrap(True)
        self.sampleLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        name_widget(self.sampleLabel, "sampleLabel",
                    self.tr("Where the picture on the canvas came from"))

        canvas_tools = QHBoxLayout()
        brush_label = QLabel(self.tr("Brush"))
        brush_label.setBuddy(self.brushSizeSlider)
        canvas_tools.addWidget(brush_label)
        canvas_tools.addWidget(self.brushSizeSlider, 1)
        canvas_tools.addWidget(self.clearCanvasButton)
        file_tools = QHBoxLayout()
        file_tools.addWidget(self.openImageButton)
        file_tools.addWidget(self.randomSampleButton)
        box = QVBoxLayout(self)
        self.drawCanvas.setMinimumSize(200, 200)
        box.addWidget(self.drawCanvas, 1)
        box.addLayout(canvas_tools)
        box.addLayout(file_tools)
        box.addWidget(self.sampleLabel)

        # The slider and the canvas's [ ] keys move one brush size.
        self.clearCanvasButton.clicked.connect(self.drawCanvas.clear)
        self.brushSizeSlider.valueChanged.connect(self.drawCanvas.set_brush_size)
        self.drawCanvas.brushSizeChanged.connect(self.brushSizeSlider.setValue)


class PredictPanel(QGroupBox):
    """The 28×28 image the network sees, beside the bars of its softmax output."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Prediction"), parent)
        self.setObjectName("predictGroup")
        self.inputPreview = InputPreview()
        self.predictionChart = PredictionChart()
        row = QHBoxLayout(self)
        self.inputPreview.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.inputPreview.setMaximumWidth(190)
        row.addWidget(self.inputPreview, 0)
        row.addWidget(self.predictionChart, 1)


class WindowLayout:
    """Three columns in splitters: network and training | curves | draw and prediction.

    Kept apart from the window so that another arrangement (tabs for a small screen,
    presenter mode) can place the same panels differently.
    """

    def __init__(self, network: QWidget, training: QWidget, curves: QWidget, draw: QWidget,
                 predict: QWidget) -> None:
        self.leftSplitter = self._splitter("leftSplitter", Qt.Orientation.Vertical,
                                           (network, training), stretch=(1, 0))
        self.rightSplitter = self._splitter("rightSplitter", Qt.Orientation.Vertical,
                                            (draw, predict))
        self.mainSplitter = self._splitter(
            "mainSplitter", Qt.Orientation.Horizontal,
            (self.leftSplitter, curves, self.rightSplitter), stretch=(0, 1, 0))

    @property
    def splitters(self) -> tuple[QSplitter, ...]:
        return (self.mainSplitter, self.leftSplitter, self.rightSplitter)

    @staticmethod
    def _splitter(name: str, orientation, widgets, stretch=()) -> QSplitter:
        splitter = QSplitter(orientation)
        splitter.setObjectName(name)
        for widget in widgets:
            splitter.addWidget(widget)
        for index, factor in enumerate(stretch):
            splitter.setStretchFactor(index, factor)
        splitter.setChildrenCollapsible(False)
        return splitter

    @staticmethod
    def default_split(splitter: QSplitter) -> None:
        splitter.setSizes(DEFAULT_SPLITS[splitter.objectName()])
