"""View → Zoom: one factor that scales the window's text, plots, chart and canvas together.

The factor is the person's (remembered in the settings, ``zoom``); presenter mode multiplies
it by a boost of its own that is never saved. Applying a factor sets the window's font
(every widget that does not set its own follows, and the prediction chart re-derives its
fonts from it), and scales what fonts do not reach: the minimum sizes of the canvas, the
28×28 preview and the prediction plot, and the pyqtgraph plots' tick fonts, labels, legend
text and line widths.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont, QPen
from PySide6.QtWidgets import QApplication, QLayout

from dense_studio.ui.settings import SETTINGS, read_setting, write_setting
from dense_studio.ui.steady_axis import hold_label_room, is_steady

__all__ = ["Zoom", "ZOOM_STEPS", "scale_plot"]

#: The factors Zoom In / Zoom Out step through (Reset goes back to 1).
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5)
_PEN_WIDTH = "_dense_studio_pen_width"  # a curve's own pen width, before any zoom
_SYMBOL_SIZE = "_dense_studio_symbol_size"
_LEGEND_SIZE = "_dense_studio_legend_size"


def scale_plot(plot: pg.PlotWidget, font: QFont, factor: float) -> None:
    """Axis numbers and labels in ``font``, curve lines and symbols ``factor`` times their
    own width (so thin lines stay readable on a projector)."""
    item = plot.getPlotItem()
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setStyle(tickFont=font)
        axis.label.setFont(font)
        if is_steady(axis):
            hold_label_room(axis)  # room for labels in the new font, from scratch
        axis.picture = None  # pyqtgraph redraws the ticks with the new font
        axis.update()
    legend = item.legend
    size = legend.labelTextSize() if legend is not None else None
    if isinstance(size, str) and size.endswith("pt"):
        base = legend.__dict__.setdefault(_LEGEND_SIZE, float(size[:-2]))
        legend.setLabelTextSize(f"{base * factor:g}pt")
        for _sample, label in legend.items:  # (the size only reaches a label's next text)
            label.setText(label.text, size=f"{base * factor:g}pt")
        legend.updateSize()
    for curve in item.listDataItems():
        pen = curve.opts.get("pen")
        if isinstance(pen, QPen):
            base = curve.__dict__.setdefault(_PEN_WIDTH, pen.widthF())
            scaled = QPen(pen)
            scaled.setWidthF(base * factor)
            curve.setPen(scaled)
        size = curve.opts.get("symbolSize")
        if curve.opts.get("symbol") is not None and size:
            base = curve.__dict__.setdefault(_SYMBOL_SIZE, size)
            curve.setSymbolSize(base * factor)


class Zoom(QObject):
    """The window's zoom: :meth:`zoom_in`, :meth:`zoom_out`, :meth:`reset`,
    :meth:`set_factor`; ``changed(effective factor)`` after each change."""

    changed = Signal(float)

    def __init__(self, window, settings) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        app = QApplication.instance()
        self._base = QFont(window.font() if app is None else QApplication.font())
        self._factor = read_setting(settings, "zoom")
        self._boost = 1.0
        self.apply()

    # ----------------------------------------------------------------- the factor
    def factor(self) -> float:
        """The person's zoom (1 = the system's text size)."""
        return self._factor

    def effective(self) -> float:
        """What the window shows: the person's zoom times presenter mode's boost."""
        return self._factor * self._boost

    def set_factor(self, factor: float) -> None:
        row = SETTINGS["zoom"]
        factor = round(min(row.high, max(row.low, float(factor))), 3)
        if factor != self._factor:
            self._factor = factor
            write_setting(self._settings, "zoom", factor)
            self.apply()

    def zoom_in(self) -> None:
        self.set_factor(next((s for s in ZOOM_STEPS if s > self._factor + 1e-6),
                             ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self.set_factor(next((s for s in reversed(ZOOM_STEPS) if s < self._factor - 1e-6),
                             ZOOM_STEPS[0]))

    def reset(self) -> None:
        self.set_factor(1.0)

    def set_boost(self, boost: float) -> None:
        """Presenter mode's extra factor (1 outside it); not remembered."""
        if boost != self._boost:
            self._boost = float(boost)
            self.apply()

    # ----------------------------------------------------------------- applying it
    def font(self) -> QFont:
        font = QFont(self._base)
        size = self._base.pointSizeF()
        if size > 0:
            font.setPointSizeF(size * self.effective())
        else:  # a pixel-sized system font
            font.setPixelSize(max(1, round(self._base.pixelSize() * self.effective())))
        return font

    def apply(self) -> None:
        window, factor = self._window, self.effective()
        font = self.font()
        window.setFont(font)
        window.drawPanel.set_zoom(factor)
        window.predictPanel.set_zoom(factor)
        chart_plot = window.predictionChart.plot_item().getViewWidget()
        for plot in window.findChildren(pg.PlotWidget):
            if plot is not chart_plot:  # the chart scales its own fonts
                scale_plot(plot, font, factor)
        # Widgets in a hidden tab do not tell their layouts that their fonts changed, so
        # those layouts would keep the old zoom's sizes (and the window's arrangement, which
        # reads them, would go wrong): make every layout measure again.
        for layout in window.findChildren(QLayout):
            layout.invalidate()
        self.changed.emit(factor)
