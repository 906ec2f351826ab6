"""The window's panels and how they are laid out; they show and collect, nothing more.

Each panel is a group box around its views. The names (``drawGroup``, ``mainSplitter`` …)
are for automation and for the layout that the settings restore.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
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
from dense_studio.ui.inside.column import CurvesColumn
from dense_studio.ui.inside.panel import InsidePanel
from dense_studio.ui.names import name_widget
from dense_studio.ui.prediction_chart import PredictionChart

__all__ = ["group", "DrawPanel", "PredictPanel", "WindowLayout", "DEFAULT_SPLITS",
           "MIDDLE_MIN_WIDTH"]

# Default splitter sizes (pixels, shared out in proportion by Qt).
DEFAULT_SPLITS = {"mainSplitter": [400, 560, 480], "leftSplitter": [420, 400],
                  "rightSplitter": [430, 400]}
#: The middle column's narrowest readable width (the curves, the layer math). A window too
#: narrow for it moves the network-and-training column into the middle tabs.
MIDDLE_MIN_WIDTH = 460
_WIDEN_SLACK = 40  # px more before moving it back, so a resize near the edge does not flap


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

    Given the window's ``session``, the middle column is two tabs (``centerTabs``, a
    :class:`CurvesColumn`): "Learning curves", with the newest weights' test result
    (``testResult``) above the curves, and "Inside the network" (``insidePanel``, an
    :class:`InsidePanel` on that session). In a window too narrow for three readable
    columns (1024 px: the layer editor and the prediction alone take 900) the left column
    becomes the first of those tabs (:attr:`compact`). Kept apart from the window so that
    another arrangement (presenter mode) can place the same panels differently.
    """

    def __init__(self, network: QWidget, training: QWidget, curves: QGroupBox, draw: QWidget,
                 predict: QWidget, session=None) -> None:
        self.insidePanel = self.centerTabs = None
        if session is not None:
            self.insidePanel = InsidePanel(session)
            curves = self.centerTabs = CurvesColumn(curves, self.insidePanel)
        self.leftSplitter = self._splitter("leftSplitter", Qt.Orientation.Vertical,
                                           (network, training), stretch=(1, 0))
        self.rightSplitter = self._splitter("rightSplitter", Qt.Orientation.Vertical,
                                            (draw, predict))
        self.mainSplitter = self._splitter(
            "mainSplitter", Qt.Orientation.Horizontal,
            (self.leftSplitter, curves, self.rightSplitter), stretch=(0, 1, 0))
        self._narrow = None
        if self.centerTabs is not None:
            self._narrow = _NarrowWindow(self, network, training)
            self._narrow.fit_screen()

    @property
    def compact(self) -> bool:
        """True while the network and training column is a tab of the middle column."""
        return self._narrow is not None and self._narrow.compact

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

    def default_split(self, splitter: QSplitter) -> None:
        """The default sizes (no saved state); compact, the middle gets all the right
        column does not need, once the window is shown."""
        if splitter is self.mainSplitter and self.compact:
            self._narrow.split_when_shown()
        else:
            splitter.setSizes(DEFAULT_SPLITS[splitter.objectName()])


class _NarrowWindow(QObject):
    """Moves the left column into the middle tabs when the window is too narrow for three
    readable columns, and back when it is wide enough again.

    The splitter keeps three children (a hidden placeholder stands in for the left
    column), so its saved state means the same in both arrangements.
    """

    def __init__(self, layout: WindowLayout, network: QWidget, training: QWidget) -> None:
        super().__init__(layout.mainSplitter)
        self._layout = layout
        self._title = " · ".join(w.title() for w in (network, training)
                                 if isinstance(w, QGroupBox))
        self._placeholder = QWidget()
        self._placeholder.setObjectName("leftColumnPlaceholder")
        self.compact = False
        # Compact, the middle takes all the room the right column does not need, on every
        # resize, until the person moves the splitter (or a saved split was restored).
        self._auto_split = False
        layout.mainSplitter.installEventFilter(self)
        layout.mainSplitter.splitterMoved.connect(self._moved_by_hand)

    def fit_screen(self) -> None:
        """Before the first show: a small screen starts compact, on the left column's tab."""
        screen = QGuiApplication.primaryScreen()
        if screen is not None and screen.availableGeometry().width() < self.needed_width():
            self.set_compact(True)
            self._layout.centerTabs.setCurrentIndex(0)

    def needed_width(self) -> int:
        layout = self._layout
        handles = 2 * layout.mainSplitter.handleWidth()
        return (layout.leftSplitter.minimumSizeHint().width() + MIDDLE_MIN_WIDTH
                + layout.rightSplitter.minimumSizeHint().width() + handles)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind == QEvent.Type.Resize:
            width = event.size().width()
            if not self.compact and width < self.needed_width():
                self.set_compact(True)
            elif self.compact and width >= self.needed_width() + _WIDEN_SLACK:
                self.set_compact(False)
        if kind in (QEvent.Type.Resize, QEvent.Type.Show) and self.compact \
                and self._auto_split and watched.isVisible():
            self._split_compact(watched.width())
        return False

    def _moved_by_hand(self, _pos: int, _index: int) -> None:
        self._auto_split = False

    def split_when_shown(self) -> None:
        self._auto_split = True
        if self._layout.mainSplitter.isVisible():
            self._split_compact(self._layout.mainSplitter.width())

    def _split_compact(self, width: int) -> None:
        """All the width the right column does not need goes to the middle tabs."""
        splitter = self._layout.mainSplitter
        right = self._layout.rightSplitter.minimumSizeHint().width() + 20
        splitter.setSizes([0, max(0, width - right - splitter.handleWidth()), right])

    def set_compact(self, compact: bool) -> None:
        if compact == self.compact:
            return
        layout, tabs, left = self._layout, self._layout.centerTabs, self._layout.leftSplitter
        self.compact = compact
        if compact:
            layout.mainSplitter.replaceWidget(0, self._placeholder)
            self._placeholder.hide()
            tabs.insertTab(0, left, self._title)
            left.show()
            layout.mainSplitter.refresh()  # its handles now, so that its size hint is right
            if layout.mainSplitter.isVisible():  # a resize, not the start (which restores)
                self.split_when_shown()
        else:
            tabs.removeTab(tabs.indexOf(left))
            layout.mainSplitter.replaceWidget(0, left)
            left.show()
            layout.default_split(layout.mainSplitter)
