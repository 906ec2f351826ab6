"""The window's panels and how they are laid out; they show and collect, nothing more.

Each panel is a group box around its views. The names (``drawGroup``, ``mainSplitter`` …)
are for automation and for the layout that the settings restore.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from shiboken6 import isValid
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
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
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.names import name_widget
from dense_studio.ui.prediction_chart import PredictionChart

__all__ = ["group", "DrawPanel", "CanvasKeys", "PredictPanel", "WindowLayout",
           "DEFAULT_SPLITS", "MIDDLE_MIN_WIDTH", "CANVAS_MIN_SIDE"]

# Default splitter sizes (pixels, shared out in proportion by Qt).
DEFAULT_SPLITS = {"mainSplitter": [400, 560, 480], "leftSplitter": [420, 400],
                  "rightSplitter": [430, 400]}
#: The middle column's narrowest readable width (the curves, the layer math). A window too
#: narrow for it moves the network-and-training column into the middle tabs.
MIDDLE_MIN_WIDTH = 460
_WIDEN_SLACK = 40  # px more before moving it back, so a resize near the edge does not flap
_UNSTACK_SLACK = 8  # the right column's tab changes the window's minimum much less


def group(title: str, name: str, content: QWidget) -> QGroupBox:
    """``content`` in a titled group box named ``name``."""
    box = QGroupBox(title)
    box.setObjectName(name)
    QVBoxLayout(box).addWidget(content)
    return box


class DrawPanel(Retranslating, QGroupBox):
    """The canvas, its brush and clear controls, the open-image and random-sample buttons,
    and the label saying where the picture came from.

    The canvas's keys (Esc, Delete or Backspace clear; ``[`` ``]`` change the brush) work
    whenever the pointer is over the canvas or the focus is anywhere in this panel, not
    only once a stroke has given the canvas the focus (:class:`CanvasKeys`).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawGroup")
        self.drawCanvas = DrawCanvas()
        self.clearCanvasButton = QPushButton()
        name_widget(self.clearCanvasButton, "clearCanvasButton")
        self.openImageButton = QPushButton()
        name_widget(self.openImageButton, "openImageButton")
        self.randomSampleButton = QPushButton()
        name_widget(self.randomSampleButton, "randomSampleButton")
        self.brushSizeSlider = QSlider(Qt.Orientation.Horizontal)
        name_widget(self.brushSizeSlider, "brushSizeSlider")
        self.brushSizeSlider.setRange(BRUSH_MIN, BRUSH_MAX)
        self.brushSizeSlider.setValue(self.drawCanvas.brush_size)
        self.sampleLabel = QLabel()
        name_widget(self.sampleLabel, "sampleLabel")
        self.sampleLabel.setWordWrap(True)
        self.sampleLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)

        canvas_tools = QHBoxLayout()
        self._brush_label = QLabel()
        self._brush_label.setBuddy(self.brushSizeSlider)
        canvas_tools.addWidget(self._brush_label)
        canvas_tools.addWidget(self.brushSizeSlider, 1)
        canvas_tools.addWidget(self.clearCanvasButton)
        file_tools = QHBoxLayout()
        file_tools.addWidget(self.openImageButton)
        file_tools.addWidget(self.randomSampleButton)
        box = QVBoxLayout(self)
        box.addWidget(self.drawCanvas, 1)
        box.addLayout(canvas_tools)
        box.addLayout(file_tools)
        box.addWidget(self.sampleLabel)
        self.set_zoom(1.0)

        # The slider and the canvas's [ ] keys move one brush size.
        self.clearCanvasButton.clicked.connect(self.drawCanvas.clear)
        self.brushSizeSlider.valueChanged.connect(self.drawCanvas.set_brush_size)
        self.drawCanvas.brushSizeChanged.connect(self.brushSizeSlider.setValue)
        self.canvasKeys = CanvasKeys(self, self.drawCanvas)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the window's language (again on a LanguageChange)."""
        self.setTitle(self.tr("Draw"))
        self.clearCanvasButton.setText(self.tr("Clear"))
        self.clearCanvasButton.setAccessibleDescription(self.tr("Clear the drawing (Esc)"))
        self.clearCanvasButton.setToolTip(
            self.tr("Clear the drawing (Esc or Delete on the canvas)"))
        self.openImageButton.setText(self.tr("Open image…"))
        self.openImageButton.setAccessibleDescription(self.tr("Open an image file to predict"))
        self.openImageButton.setToolTip(self.tr(
            "Open an image file and let the network guess what it shows (Ctrl+I)"))
        self.randomSampleButton.setText(self.tr("Random test sample"))
        self.randomSampleButton.setAccessibleDescription(
            self.tr("Put a random test image on the canvas"))
        self.randomSampleButton.setToolTip(
            self.tr("Put an image from the test set, never used for training, on the canvas"))
        self.brushSizeSlider.setToolTip(self.tr("Brush size ([ and ] on the canvas)"))
        self.brushSizeSlider.setAccessibleDescription(self.tr("Brush size"))
        self.sampleLabel.setAccessibleDescription(
            self.tr("Where the picture on the canvas came from"))
        self._brush_label.setText(self.tr("Brush"))
        self.drawCanvas.retranslate()

    def set_zoom(self, factor: float) -> None:
        """The canvas's smallest size follows the window's zoom."""
        side = round(CANVAS_MIN_SIDE * factor)
        self.drawCanvas.setMinimumSize(side, side)
        self.drawCanvas.set_zoom(factor)


#: The canvas's smallest side at zoom 1 (px): a drawing stays easy to aim.
CANVAS_MIN_SIDE = 200


class CanvasKeys(QObject):
    """The canvas's keys as shortcuts of the draw panel, enabled while the pointer is over
    the canvas or the focus is in the panel (so they reach the canvas before any stroke).

    ``set_escape(False)`` gives Esc back to the window (presenter mode leaves with it)."""

    CLEAR = ("Esc", "Delete", "Backspace")
    SMALLER, LARGER = "[", "]"

    def __init__(self, panel: QWidget, canvas: DrawCanvas) -> None:
        super().__init__(panel)
        self._panel, self._canvas = panel, canvas
        self._hover = self._focus = False
        self._escape = True
        self.shortcuts: dict[str, QShortcut] = {}
        actions = {key: canvas.clear for key in self.CLEAR}
        actions[self.SMALLER] = lambda: canvas.set_brush_size(canvas.brush_size - 2)
        actions[self.LARGER] = lambda: canvas.set_brush_size(canvas.brush_size + 2)
        for key, slot in actions.items():
            shortcut = QShortcut(QKeySequence(key), panel)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.setAutoRepeat(key in (self.SMALLER, self.LARGER))
            shortcut.activated.connect(slot)
            self.shortcuts[key] = shortcut
        canvas.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._focus_changed)
        self._update()

    def active(self) -> bool:
        """Whether the keys reach the canvas now."""
        return self._hover or self._focus

    def set_escape(self, enabled: bool) -> None:
        self._escape = bool(enabled)
        self._update()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind in (QEvent.Type.Enter, QEvent.Type.Leave):
            self._hover = kind == QEvent.Type.Enter
            self._update()
        return False

    def _focus_changed(self, _old, now) -> None:
        if not isValid(self._panel):
            return
        focus = now is not None and (now is self._panel or self._panel.isAncestorOf(now))
        if focus != self._focus:
            self._focus = focus
            self._update()

    def _update(self) -> None:
        active = self.active()
        for key, shortcut in self.shortcuts.items():
            shortcut.setEnabled(active and (self._escape or key != "Esc"))


class PredictPanel(Retranslating, QGroupBox):
    """The 28×28 image the network sees, beside the bars of its softmax output."""

    PREVIEW_WIDTH = (110, 190)  # the preview's narrowest and widest at zoom 1 (px)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("predictGroup")
        self.inputPreview = InputPreview()
        self.predictionChart = PredictionChart()
        row = QHBoxLayout(self)
        self.inputPreview.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        row.addWidget(self.inputPreview, 0)
        row.addWidget(self.predictionChart, 1)
        self.set_zoom(1.0)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Prediction"))

    def set_zoom(self, factor: float) -> None:
        """The preview's and the plot's sizes follow the window's zoom."""
        narrow, wide = self.PREVIEW_WIDTH
        self.inputPreview.setMinimumWidth(round(narrow * factor))
        self.inputPreview.setMaximumWidth(round(wide * factor))
        self.predictionChart.set_zoom(factor)


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
            self._narrow = _NarrowWindow(self, network, training, draw, predict)
            self._narrow.fit_screen()

    @property
    def compact(self) -> bool:
        """True while the network and training column is a tab of the middle column."""
        return self._narrow is not None and self._narrow.compact

    @property
    def stacked(self) -> bool:
        """True while the drawing and prediction column is a tab too (the last one)."""
        return self._narrow is not None and self._narrow.stacked

    @property
    def narrow(self):
        """What moves columns into tabs (None without the middle tabs)."""
        return self._narrow

    def retranslate(self) -> None:
        """The moved columns' tab titles, from their group boxes' titles as they read now."""
        if self._narrow is not None:
            self._narrow.retitle()

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
    """Moves columns into the middle tabs when the window is too narrow for them, and back
    when it is wide enough again: first the left column (network and training, the first
    tab: :attr:`compact`), then, when even that does not fit (a large zoom on a small
    screen), the right one too (drawing and prediction, the last tab: :attr:`stacked`).

    The splitter keeps three children (hidden placeholders stand in for the columns that
    moved), so its saved state means the same in every arrangement.
    """

    def __init__(self, layout: WindowLayout, network: QWidget, training: QWidget,
                 draw: QWidget, predict: QWidget) -> None:
        super().__init__(layout.mainSplitter)
        self._layout = layout
        self._groups = {"left": (network, training), "right": (draw, predict)}
        self._placeholders = {"left": QWidget(), "right": QWidget()}
        for side, placeholder in self._placeholders.items():
            placeholder.setObjectName(f"{side}ColumnPlaceholder")
        self.compact = False
        self.stacked = False
        self.frozen = False  # presenter mode arranges the panels itself meanwhile
        # Compact, the middle takes all the room the right column does not need, on every
        # resize, until the person moves the splitter (or a saved split was restored).
        self._auto_split = False
        layout.mainSplitter.installEventFilter(self)
        layout.centerTabs.installEventFilter(self)  # its LanguageChange: new tab titles
        layout.mainSplitter.splitterMoved.connect(self._moved_by_hand)

    def fit_screen(self) -> None:
        """Before the first show: a small screen starts compact, on the left column's tab."""
        screen = QGuiApplication.primaryScreen()
        if screen is not None and screen.availableGeometry().width() < self.needed_width():
            self.set_compact(True)
            self._layout.centerTabs.setCurrentIndex(0)

    def title(self, side: str) -> str:
        """The tab's title: the titles of the column's group boxes (as they read now)."""
        return " · ".join(w.title() for w in self._groups[side] if isinstance(w, QGroupBox))

    def retitle(self) -> None:
        tabs = self._layout.centerTabs
        for side, column in (("left", self._layout.leftSplitter),
                             ("right", self._layout.rightSplitter)):
            if (index := tabs.indexOf(column)) >= 0:
                tabs.setTabText(index, self.title(side))

    def needed_width(self) -> int:
        """The narrowest window that shows three columns."""
        layout = self._layout
        handles = 2 * layout.mainSplitter.handleWidth()
        return (layout.leftSplitter.minimumSizeHint().width() + MIDDLE_MIN_WIDTH
                + self._right_width() + handles)

    def _right_width(self) -> int:
        """The right column's narrowest, as a column (in its tab it lies on its side)."""
        right = self._layout.rightSplitter
        if right.orientation() == Qt.Orientation.Vertical:
            return right.minimumSizeHint().width()
        frame = 2 * right.frameWidth()
        return frame + max(right.widget(i).minimumSizeHint().width()
                           for i in range(right.count()))

    def compact_width(self) -> int:
        """The narrowest window that shows the middle tabs (with the left column in them)
        beside the right column."""
        layout = self._layout
        frame = 12  # the tab widget's frame and margins around a page
        middle = max(layout.leftSplitter.minimumSizeHint().width() + frame,
                     layout.insidePanel.minimumSizeHint().width() + frame
                     if layout.insidePanel is not None else 0, MIDDLE_MIN_WIDTH)
        return middle + self._right_width() + layout.mainSplitter.handleWidth()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if watched is self._layout.centerTabs:
            if kind == QEvent.Type.LanguageChange:
                # once the group boxes have their new titles (they hear it in turn)
                QTimer.singleShot(0, self, self.retitle)
            return False
        if kind == QEvent.Type.Resize and not self.frozen:
            self.fit_size(event.size().width(), event.size().height())
        if kind in (QEvent.Type.Resize, QEvent.Type.Show) and self.compact \
                and self._auto_split and watched.isVisible() and not self.frozen:
            self._split_compact(watched.width())
        return False

    def fit_size(self, width: int, height: int) -> None:
        """The arrangement for a window ``width`` × ``height`` (with some slack before
        widening again, so that a resize near an edge does not flap)."""
        cramped = width < self.compact_width() or height < self.column_height()
        roomy = (width >= self.compact_width() + _UNSTACK_SLACK
                 and height >= self.column_height() + _UNSTACK_SLACK)
        if not self.stacked and cramped:
            self.set_compact(True)
            self.set_stacked(True)
        elif self.stacked and roomy:
            self.set_stacked(False)
        if not self.compact and width < self.needed_width():
            self.set_compact(True)
        elif self.compact and not self.stacked and width >= self.needed_width() + _WIDEN_SLACK:
            self.set_compact(False)

    def column_height(self) -> int:
        """The lowest window that shows drawing above prediction (as a column)."""
        right = self._layout.rightSplitter
        return right.handleWidth() + sum(right.widget(i).minimumSizeHint().height()
                                         for i in range(right.count()))

    def _moved_by_hand(self, _pos: int, _index: int) -> None:
        self._auto_split = False

    def split_when_shown(self) -> None:
        self._auto_split = True
        if self._layout.mainSplitter.isVisible():
            self._split_compact(self._layout.mainSplitter.width())

    def _split_compact(self, width: int) -> None:
        """All the width the right column does not need goes to the middle tabs."""
        splitter = self._layout.mainSplitter
        if self.stacked:
            splitter.setSizes([0, width, 0])
            return
        right = self._layout.rightSplitter.minimumSizeHint().width() + 20
        splitter.setSizes([0, max(0, width - right - splitter.handleWidth()), right])

    def _move(self, side: str, into_tabs: bool) -> None:
        layout, tabs = self._layout, self._layout.centerTabs
        column = layout.leftSplitter if side == "left" else layout.rightSplitter
        place = 0 if side == "left" else 2
        placeholder = self._placeholders[side]
        if into_tabs:
            layout.mainSplitter.replaceWidget(place, placeholder)
            placeholder.hide()
            tabs.insertTab(0 if side == "left" else tabs.count(), column, self.title(side))
            column.setVisible(tabs.currentWidget() is column)  # a tab behind must not show
        else:
            if tabs.currentWidget() is column:
                tabs.setCurrentIndex(1 if side == "left" else 0)
            tabs.removeTab(tabs.indexOf(column))
            layout.mainSplitter.replaceWidget(place, column)
            column.show()

    def set_compact(self, compact: bool) -> None:
        if compact == self.compact or (not compact and self.stacked):
            return
        layout = self._layout
        self.compact = compact
        self._move("left", compact)
        if compact:
            layout.mainSplitter.refresh()  # its handles now, so that its size hint is right
            if layout.mainSplitter.isVisible():  # a resize, not the start (which restores)
                self.split_when_shown()
        else:
            layout.default_split(layout.mainSplitter)

    def set_stacked(self, stacked: bool) -> None:
        """The right column a tab too (only while compact)."""
        if stacked == self.stacked or (stacked and not self.compact):
            return
        self.stacked = stacked
        self._move("right", stacked)
        # In its tab the column has the window's whole width: drawing beside prediction.
        self._layout.rightSplitter.setOrientation(
            Qt.Orientation.Horizontal if stacked else Qt.Orientation.Vertical)
        self._layout.mainSplitter.refresh()
        self.split_when_shown()
