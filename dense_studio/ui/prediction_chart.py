"""The network's answer: one bar per class, the softmax probability of each.

The plot items are created once; an update only changes the bar lengths and colours
(``BarGraphItem.setOpts``) and the texts, so it costs a few milliseconds even while the
user is drawing.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

BAR_COLOR = "#4c78a8"
TOP_COLOR = "#f58518"
UNTRAINED_COLOR = "#a7b1bc"
BAR_HEIGHT = 0.72
X_MAX = 1.22  # room right of a full bar for its percentage


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %"


class PredictionChart(QWidget):
    """Bar chart of class probabilities, the most likely class highlighted and named."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("predictionChart")
        self.setAccessibleName(self.tr("Prediction"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._names: tuple[str, ...] = tuple(str(i) for i in range(10))
        self._probabilities: np.ndarray | None = None
        self._untrained = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)

        self._headline = QLabel()
        self._headline.setObjectName("predictionTopLabel")
        self._headline.setTextFormat(Qt.TextFormat.RichText)
        self._headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._headline.setWordWrap(True)
        self._headline.setToolTip(
            self.tr(
                "The class with the highest probability is the network's guess. The "
                "probabilities come from the softmax output layer and add up to 100 %."
            )
        )
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        self._headline.setFont(big)
        layout.addWidget(self._headline)

        self._untrained_note = QLabel(
            self.tr(
                "Untrained — these guesses are random. Train the network to make them "
                "meaningful."
            )
        )
        self._untrained_note.setObjectName("untrainedNote")
        self._untrained_note.setWordWrap(True)
        self._untrained_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._untrained_note.setStyleSheet(
            "QLabel { background: #fff3cd; color: #664d03; border: 1px solid #e0c36a;"
            " border-radius: 4px; padding: 4px 8px; font-weight: bold; }"
        )
        self._untrained_note.hide()
        layout.addWidget(self._untrained_note)

        background = self.palette().base().color()
        foreground = self.palette().text().color()
        self._plot = pg.PlotWidget(background=background)
        self._plot.setObjectName("predictionPlot")
        self._plot.setToolTip(
            self.tr("One bar per class: how sure the network is that the drawing shows it.")
        )
        self._plot.setMinimumSize(220, 200)
        item = self._plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=False, alpha=0.25)
        tick_font = QFont(self.font())
        tick_font.setPointSizeF(tick_font.pointSizeF() * 1.1)
        self._tick_font = tick_font
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(foreground))
            axis.setTextPen(pg.mkPen(foreground))
            axis.setStyle(tickFont=tick_font, tickLength=-4)
        bottom = item.getAxis("bottom")
        bottom.setTicks([[(v, f"{round(v * 100)} %") for v in (0.0, 0.25, 0.5, 0.75, 1.0)], []])
        item.setLabel("bottom", self.tr("probability"), color=foreground.name())
        item.getViewBox().setDefaultPadding(0.0)

        self._bars = pg.BarGraphItem(x0=0.0, y=np.zeros(1), height=BAR_HEIGHT, width=np.zeros(1))
        item.addItem(self._bars)
        self._value_font = QFont(self.font())
        self._value_texts: list[pg.TextItem] = []
        layout.addWidget(self._plot, 1)
        self._foreground = foreground
        self._hint_color = self.palette().placeholderText().color().name()
        self._hint_points = QFont(self.font()).pointSizeF() * 1.15
        self._brushes = {
            color: pg.mkBrush(color) for color in (BAR_COLOR, TOP_COLOR, UNTRAINED_COLOR)
        }
        self._no_pen = pg.mkPen(None)
        self._setup_classes()
        self._show()

    # ----------------------------------------------------------------- public API
    def set_class_names(self, names) -> None:
        """Name the classes (top to bottom). Different names clear the probabilities shown."""
        names = tuple(str(name) for name in names)
        if not names:
            raise ValueError("a prediction chart needs at least one class")
        if names == self._names:
            return
        self._names = names
        self._probabilities = None
        self._setup_classes()
        self._show()

    def class_names(self) -> tuple[str, ...]:
        return self._names

    def set_probabilities(self, probabilities) -> None:
        """Show one probability per class, or nothing (and a hint to draw) for None."""
        if probabilities is None:
            self._probabilities = None
        else:
            values = np.array(probabilities, copy=True)
            if values.ndim == 2 and values.shape[0] == 1:
                values = values[0]
            if values.shape != (len(self._names),):
                raise ValueError(
                    f"expected {len(self._names)} probabilities, got shape {values.shape}"
                )
            if not np.issubdtype(values.dtype, np.floating):
                values = values.astype(np.float64)
            if not np.all(np.isfinite(values)):
                raise ValueError("probabilities must be finite numbers")
            self._probabilities = values
        self._show()

    def probabilities(self) -> np.ndarray | None:
        """A copy of the probabilities shown, or None when no bars are shown."""
        return None if self._probabilities is None else self._probabilities.copy()

    def top_class(self) -> int | None:
        """Index of the highlighted class, or None."""
        return None if self._probabilities is None else int(np.argmax(self._probabilities))

    def set_untrained(self, untrained: bool) -> None:
        """Show or hide the "untrained — these guesses are random" note."""
        self._untrained = bool(untrained)
        self._untrained_note.setVisible(self._untrained)
        self._show()

    def is_untrained(self) -> bool:
        return self._untrained

    def headline(self) -> str:
        """The plain text above the bars: the top class and its probability, or the hint."""
        return self._plain_headline

    def plot_item(self) -> pg.PlotItem:
        return self._plot.getPlotItem()

    def bars(self) -> pg.BarGraphItem:
        return self._bars

    # ----------------------------------------------------------------- drawing
    def _y(self) -> np.ndarray:
        """Bar centres: the first class at the top."""
        return np.arange(len(self._names) - 1, -1, -1, dtype=float)

    def _setup_classes(self) -> None:
        count = len(self._names)
        ys = self._y()
        left = self.plot_item().getAxis("left")
        left.setTicks([[(y, name) for y, name in zip(ys, self._names)], []])
        # Size the name column up front: pyqtgraph would only widen it after a first paint,
        # hiding the longer names (e.g. Chinese ones drawn with a fallback font) until then.
        metrics = QFontMetrics(self._tick_font)
        left.setWidth(max(metrics.horizontalAdvance(name) for name in self._names) + 16)
        view = self.plot_item().getViewBox()
        view.setRange(xRange=(0.0, X_MAX), yRange=(-0.6, count - 0.4), padding=0.0)
        view.disableAutoRange()
        for text in self._value_texts:
            self.plot_item().removeItem(text)
        self._value_texts = []
        for y in ys:
            text = pg.TextItem(anchor=(0.0, 0.5), color=self._foreground)
            text.setFont(self._value_font)
            text.setPos(0.0, y)
            self.plot_item().addItem(text)
            self._value_texts.append(text)
        self._bars.setOpts(y=ys, width=np.zeros(count), height=BAR_HEIGHT)

    def _show(self) -> None:
        values = self._probabilities
        self._plain_headline = ""
        if values is None:
            self._bars.setVisible(False)
            for text in self._value_texts:
                text.setVisible(False)
            hint = self.tr("Draw something to see the network's guess")
            self._plain_headline = hint
            self._headline.setText(
                f"<span style='color: {self._hint_color}; font-weight: normal;"
                f" font-size: {self._hint_points:.1f}pt;'>"
                f"{html.escape(hint)}</span>"
            )
            self.setAccessibleDescription(hint)
            return
        top = int(np.argmax(values))
        base = UNTRAINED_COLOR if self._untrained else BAR_COLOR
        brushes = [self._brushes[TOP_COLOR if i == top else base] for i in range(len(values))]
        shown = np.clip(values.astype(float), 0.0, 1.0)
        self._bars.setOpts(width=shown, brushes=brushes, pens=[self._no_pen] * len(values))
        self._bars.setVisible(True)
        for i, (text, value) in enumerate(zip(self._value_texts, shown)):
            text.setText(_percent(value), color=TOP_COLOR if i == top else self._foreground)
            text.setPos(value + 0.01, text.pos().y())
            text.setVisible(True)
        name = self._names[top]
        self._plain_headline = f"{name} {_percent(values[top])}"
        self._headline.setText(
            f"<span style='color: {TOP_COLOR};'>{html.escape(name)}</span>"
            f"&nbsp;&nbsp;{_percent(values[top])}"
        )
        self.setAccessibleDescription(self.tr("Best guess: {0}").format(self._plain_headline))

    def top_color(self) -> QColor:
        return QColor(TOP_COLOR)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(360, 320)
