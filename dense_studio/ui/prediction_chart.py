"""The network's answer: one bar per class, the softmax probability of each.

Live predictions update this chart up to 120 times a second while the user draws, on the
GUI thread that a training thread also needs (the GIL), so an update must cost well under
a millisecond. Hence:

* the bars, their grid and their percentage labels are ONE graphics item (:class:`_BarsItem`)
  that paints them itself: an update stores ten numbers and ten strings and schedules one
  repaint — no per-label ``TextItem`` (each ``setPlainText`` relayouts a text document,
  ~0.15 ms) and no ``BarGraphItem.setOpts`` (rebuilds its geometry and bounds);
* axes, ticks and ranges are set once per set of classes and never touched by an update;
  the axes are cached as pixmaps, so a repaint of the bars does not replay their texts;
* the percentage labels are placed in screen pixels at paint time: right of the bar when
  they fit inside the plot, otherwise inside the bar's end in a contrasting colour — so
  "99.7 %" is never cut off, however narrow the chart;
* the headline ("Sneaker  93.1 %") is painted by a small widget that keeps its size from
  one prediction to the next (``prediction_headline.py``).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QPen,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QLabel, QSizePolicy, QVBoxLayout, QWidget

from dense_studio.ui import palette
from dense_studio.ui.messages import fill
from dense_studio.ui.prediction_headline import Headline

BAR_COLOR = palette.BAR
TOP_COLOR = palette.TOP
UNTRAINED_COLOR = palette.UNTRAINED
#: The plot's narrowest readable width (names, bars and "100 %"); grows with the zoom.
PLOT_MIN_WIDTH = 300
PLOT_MIN_HEIGHT = 170  # 17 px a class (10 classes)
BAR_HEIGHT = 0.72
X_MAX = 1.15  # room right of a full bar; a label that does not fit there goes inside the bar
LABEL_GAP = 4  # screen pixels between a bar's end and its label
AXIS_TICKS = (0.0, 0.5, 1.0)  # labelled; 0.25 and 0.75 get a tick and a grid line only
GRID = (0.25, 0.5, 0.75, 1.0)


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %"


def _luminance(color: QColor) -> float:
    """Relative luminance (WCAG 2) of an sRGB colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrasting_text(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background`` (higher WCAG contrast)."""
    lum = _luminance(background)
    on_white = 1.05 / (lum + 0.05)
    on_black = (lum + 0.05) / 0.05
    return QColor(0, 0, 0) if on_black >= on_white else QColor(255, 255, 255)


class _GridItem(pg.GraphicsObject):
    """Faint vertical lines at 25 %, 50 %, 75 % and 100 %, with or without bars."""

    def __init__(self, foreground: QColor) -> None:
        super().__init__()
        self._bounds = QRectF()
        self.set_foreground(foreground)

    def set_foreground(self, foreground: QColor) -> None:
        color = QColor(foreground)
        color.setAlpha(50)
        self._pen = QPen(color, 0)  # cosmetic: 1 screen pixel at any zoom
        self.update()

    def set_count(self, count: int) -> None:
        self.prepareGeometryChange()
        self._bounds = QRectF(0.0, -0.6, X_MAX, count + 0.2)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        return self._bounds

    def paint(self, painter, option, widget=None) -> None:
        painter.setPen(self._pen)
        top, bottom = self._bounds.top(), self._bounds.bottom()
        for x in GRID:
            painter.drawLine(QPointF(x, top), QPointF(x, bottom))


class _BarsItem(pg.GraphicsObject):
    """Horizontal bars from x = 0 and one percentage label per bar.

    Bars and grid are painted in data coordinates; the labels in device pixels (the text
    must not scale with the view), laid out by :meth:`label_layout`, which tests and
    :meth:`PredictionChart.value_labels` use too.
    """

    def __init__(self, font: QFont, foreground: QColor) -> None:
        super().__init__()
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)
        self._foreground = QColor(foreground)
        self._count = 0
        self._ys = np.zeros(0)
        self._widths: list[float] = []
        self._texts: list[str] = []
        self._brushes: list[QBrush] = []
        self._text_colors: list[QColor] = []  # outside the bar
        self._inside_colors: list[QColor] = []  # on the bar
        self._bounds = QRectF()
        self._advances: dict[str, float] = {}  # text -> width in pixels ("12.3 %": ≤ 1001)

    def set_style(self, font: QFont, foreground: QColor) -> None:
        """A new font (zoom) or text colour (light/dark)."""
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)
        self._foreground = QColor(foreground)
        self._advances.clear()
        self.update()

    def _advance(self, text: str) -> float:
        width = self._advances.get(text)
        if width is None:
            width = self._advances[text] = self._metrics.horizontalAdvance(text) + 1
        return width

    def set_count(self, count: int) -> None:
        """Room for ``count`` bars, the first one at the top (y = count - 1)."""
        self.prepareGeometryChange()
        self._count = count
        self._ys = np.arange(count - 1, -1, -1, dtype=float)
        self._bounds = QRectF(0.0, -0.6, X_MAX, count + 0.2)
        self._widths, self._texts = [], []

    def set_bars(self, widths, texts, brushes, text_colors, inside_colors) -> None:
        """New lengths (clipped to [0, 1]), labels and colours; repaints once, later."""
        self._widths = widths
        self._texts = texts
        self._brushes = brushes
        self._text_colors = text_colors
        self._inside_colors = inside_colors
        self.update()

    def ys(self) -> np.ndarray:
        return self._ys

    def widths(self) -> list[float]:
        return list(self._widths)

    def brushes(self) -> list[QBrush]:
        return list(self._brushes)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        return self._bounds

    def label_layout(self, transform: QTransform) -> list[tuple[str, QRectF, bool]]:
        """(text, rectangle in the coordinates ``transform`` maps to, inside the bar?)."""
        # The view maps data to pixels by scaling and shifting only (no rotation).
        sx, dx, sy, dy = transform.m11(), transform.dx(), transform.m22(), transform.dy()
        left, right = dx, sx * X_MAX + dx
        height = self._metrics.height()
        layout = []
        for y, width, text in zip(self._ys, self._widths, self._texts):
            end = sx * width + dx
            text_width = self._advance(text)
            x = end + LABEL_GAP
            inside = x + text_width > right - 1
            if inside:
                x = max(left + 1, end - LABEL_GAP - text_width)
            top = sy * y + dy - height / 2
            layout.append((text, QRectF(x, top, text_width, height), inside))
        return layout

    def paint(self, painter, option, widget=None) -> None:
        half = BAR_HEIGHT / 2
        for y, width, brush in zip(self._ys, self._widths, self._brushes):
            if width > 0:
                painter.fillRect(QRectF(0.0, y - half, width, BAR_HEIGHT), brush)
        layout = self.label_layout(painter.worldTransform())
        painter.resetTransform()  # texts in device pixels
        painter.setFont(self._font)
        baseline = self._metrics.ascent()  # from the top of a label's rectangle
        for (text, rect, inside), outside_color, inside_color in zip(
            layout, self._text_colors, self._inside_colors
        ):
            painter.setPen(inside_color if inside else outside_color)
            painter.drawText(QPointF(rect.left(), rect.top() + baseline), text)


class PredictionChart(QWidget):
    """Bar chart of class probabilities, the most likely class highlighted and named."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("predictionChart")
        # Issue 3: accessibleName is the automation identifier; what the chart says is the
        # accessibleDescription (the hint, or "Best guess: …"), kept up to date by _show().
        self.setAccessibleName("predictionChart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._names: tuple[str, ...] = tuple(str(i) for i in range(10))
        self._probabilities: np.ndarray | None = None
        self._untrained = False
        self._description = ""
        self._zoom = 1.0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._headline = Headline(QFont(), QFont(), (QColor(), QColor(), QColor()))
        self._headline.setObjectName("predictionTopLabel")
        layout.addWidget(self._headline)

        self._untrained_note = QLabel()
        self._untrained_note.setObjectName("untrainedNote")
        self._untrained_note.setWordWrap(True)
        self._untrained_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Its own colours, the same in light and dark: a note that stands out.
        self._untrained_note.setStyleSheet(
            "QLabel { background: #fff3cd; color: #664d03; border: 1px solid #e0c36a;"
            " border-radius: 4px; padding: 4px 8px; }"
        )
        self._untrained_note.hide()
        layout.addWidget(self._untrained_note)

        self._plot = pg.PlotWidget()
        self._plot.setObjectName("predictionPlot")
        item = self._plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        for name in ("left", "bottom"):
            # Axes change only with the classes: repaints of the bars blit them from a pixmap.
            item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        item.getAxis("bottom").setTicks([
            [(v, f"{round(v * 100)} %") for v in AXIS_TICKS],
            [(v, "") for v in GRID if v not in AXIS_TICKS],
        ])
        view = item.getViewBox()
        view.setDefaultPadding(0.0)
        view.disableAutoRange()

        self._grid = _GridItem(QColor())
        item.addItem(self._grid)
        self._bars = _BarsItem(self.font(), QColor())
        item.addItem(self._bars)
        layout.addWidget(self._plot, 1)
        self._colors = {c: QColor(c) for c in (BAR_COLOR, TOP_COLOR, UNTRAINED_COLOR)}
        self._brushes = {c: QBrush(q) for c, q in self._colors.items()}
        self._inside = {c: contrasting_text(q) for c, q in self._colors.items()}
        self._apply_style()
        self.retranslate()
        self._setup_classes()

    def _apply_style(self) -> None:
        """Fonts from the widget's font (the zoom changes it) and colours from its palette
        (light or dark); again on every FontChange and PaletteChange."""
        background, foreground = palette.plot_colors(self.palette())
        self._foreground = QColor(foreground)
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        hint = QFont(self.font())
        hint.setPointSizeF(hint.pointSizeF() * 1.15)
        bold = QFont(self.font())
        bold.setBold(True)  # (a style sheet's font-weight would pin the unzoomed size)
        self._untrained_note.setFont(bold)
        self._headline.set_style(big, hint, (QColor(TOP_COLOR), foreground,
                                             self.palette().placeholderText().color()))
        self._plot.setBackground(background)
        self._plot.setMinimumSize(round(PLOT_MIN_WIDTH * self._zoom),
                                  round(PLOT_MIN_HEIGHT * self._zoom))
        item = self._plot.getPlotItem()
        tick_font = QFont(self.font())
        tick_font.setPointSizeF(tick_font.pointSizeF() * 1.1)
        self._tick_font = tick_font
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(foreground))
            axis.setTextPen(pg.mkPen(foreground))
            axis.setStyle(tickFont=tick_font, tickLength=-4)
        # No ticks into the plot on the names' axis: next to a "0.0 %" label a tick reads
        # as a minus sign ("-0.0 %").
        item.getAxis("left").setStyle(tickLength=0)
        # "0 %" is centred on the left edge: let it reach past the axis (pyqtgraph would hide it).
        half_zero = QFontMetrics(tick_font).horizontalAdvance("0 %") // 2 + 2
        item.getAxis("bottom").setStyle(hideOverlappingLabels=half_zero)
        item.getAxis("bottom").label.setFont(self.font())
        self._grid.set_foreground(foreground)
        self._bars.set_style(self.font(), foreground)
        self._label_bottom()

    def _label_bottom(self) -> None:
        self.plot_item().setLabel("bottom", self.tr("probability"),
                                  color=self._foreground.name())

    def retranslate(self) -> None:
        """Every text in the window's language (again on a LanguageChange)."""
        self.setToolTip(self.tr(
            "What the network thinks your drawing shows: one bar per class, the longest is "
            "its guess"))
        self._headline.setToolTip(self.tr(
            "The class with the highest probability is the network's guess. The "
            "probabilities come from the softmax output layer and add up to 100 %."))
        self._untrained_note.setText(self.tr(
            "Untrained — these guesses are random. Train the network to make them "
            "meaningful."))
        self._plot.setToolTip(
            self.tr("One bar per class: how sure the network is that the drawing shows it."))
        self._label_bottom()
        self._show()

    def set_zoom(self, factor: float) -> None:
        """Scale the plot's minimum size with the window's zoom (fonts follow by themselves)."""
        self._zoom = float(factor)
        self._apply_style()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._apply_style()
            self._setup_classes()
            self._show()
        elif kind == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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
        untrained = bool(untrained)
        if untrained == self._untrained:
            return
        self._untrained = untrained
        self._untrained_note.setVisible(untrained)
        self.updateGeometry()
        self._show()

    def is_untrained(self) -> bool:
        return self._untrained

    def headline(self) -> str:
        """The plain text above the bars: the top class and its probability, or the hint."""
        return self._headline.text()

    def plot_item(self) -> pg.PlotItem:
        return self._plot.getPlotItem()

    def bars(self) -> QGraphicsItem:
        """The graphics item painting the bars and their labels (hidden when none shown)."""
        return self._bars

    def bar_lengths(self) -> np.ndarray:
        """The drawn length of each bar (probability clipped to [0, 1]), first class first."""
        return np.array(self._bars.widths(), dtype=float)

    def bar_centres(self) -> np.ndarray:
        """The y of each bar's centre in plot coordinates, first class first (top)."""
        return self._bars.ys().copy()

    def bar_colors(self) -> list[str]:
        """Each bar's colour as ``#rrggbb``, first class first."""
        return [brush.color().name() for brush in self._bars.brushes()]

    def value_labels(self) -> list[tuple[str, QRectF, bool]]:
        """Each bar's percentage label: (text, rectangle in the plot's scene, inside the bar)."""
        if not self._bars.isVisible():
            return []
        return self._bars.label_layout(self._bars.sceneTransform())

    def view_rect(self) -> QRectF:
        """The plotting area (where bars and labels may be drawn) in the plot's scene."""
        view = self.plot_item().getViewBox()
        return view.mapRectToScene(view.boundingRect())

    # ----------------------------------------------------------------- drawing
    def _setup_classes(self) -> None:
        count = len(self._names)
        self._grid.set_count(count)
        self._bars.set_count(count)
        left = self.plot_item().getAxis("left")
        left.setTicks([[(y, name) for y, name in zip(self._bars.ys(), self._names)], []])
        # Size the name column up front: pyqtgraph would only widen it after a first paint,
        # hiding the longer names (e.g. Chinese ones drawn with a fallback font) until then.
        metrics = QFontMetrics(self._tick_font)
        left.setWidth(max(metrics.horizontalAdvance(name) for name in self._names) + 16)
        view = self.plot_item().getViewBox()
        view.setRange(xRange=(0.0, X_MAX), yRange=(-0.6, count - 0.4), padding=0.0)

    def _describe(self, description: str) -> None:
        if description != self._description:  # each change is an accessibility event
            self._description = description
            self.setAccessibleDescription(description)

    def _show(self) -> None:
        values = self._probabilities
        if values is None:
            self._bars.setVisible(False)
            hint = self.tr("Draw something to see the network's guess")
            self._headline.show_hint(hint)
            self._describe(hint)
            return
        top = int(np.argmax(values))
        base = UNTRAINED_COLOR if self._untrained else BAR_COLOR
        count = len(values)
        shown = np.clip(values, 0.0, 1.0).tolist()
        brushes = [self._brushes[base]] * count
        brushes[top] = self._brushes[TOP_COLOR]
        text_colors = [self._foreground] * count
        text_colors[top] = self._colors[TOP_COLOR]
        inside = [self._inside[base]] * count
        inside[top] = self._inside[TOP_COLOR]
        self._bars.set_bars(shown, [_percent(v) for v in shown], brushes, text_colors, inside)
        self._bars.setVisible(True)
        self._headline.show_prediction(self._names[top], _percent(values[top]))
        self._describe(fill(self.tr("Best guess: %1"), self._headline.text()))

    def top_color(self) -> QColor:
        return QColor(TOP_COLOR)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(360, 320)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        """Tall enough for the headline and the note as they wrap at the current width, so
        that the splitter never cuts the plot's bottom axis off (layouts ask widths only)."""
        width = max(self.width(), self._plot.minimumWidth())
        layout = self.layout()
        height = self._headline.heightForWidth(width) + self._plot.minimumHeight()
        if self._untrained_note.isVisibleTo(self):
            height += self._untrained_note.heightForWidth(width) + layout.spacing()
        margins = layout.contentsMargins()
        return QSize(self._plot.minimumWidth(),
                     height + layout.spacing() + margins.top() + margins.bottom())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the texts wrap differently: another minimum height
