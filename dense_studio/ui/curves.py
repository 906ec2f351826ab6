"""Live loss and accuracy curves (pyqtgraph), against epochs.

Each plot holds a fixed set of curve items created once: the current run's smoothed
batch-level training curve, its per-epoch training points, its validation curve, and the
same three for the previous run, drawn dimmed so two runs can be compared. New data only
goes into numpy buffers; a timer pushes them to the items with ``setData`` (the two plots
take turns, each redrawn about 1.7 times a second), so a fast training loop never makes the GUI
thread redraw per batch.

Redrawing is kept cheap because GUI-thread Python time is taken from the training thread
(they share the GIL) and shows up as event-loop stalls: only changed curves get new data;
axis ranges are set by hand, with hysteresis (pyqtgraph's auto-range is off), so the axes
rarely change; and the axes, whose grid lines span the plot, are cached as pixmaps instead
of being replayed on every redraw (that alone halves a redraw); so is the legend.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGraphicsItem, QSizePolicy, QVBoxLayout, QWidget

from dense_studio.ui.names import name_widget

__all__ = ["TrainingCurves"]

TRAIN_COLOR = QColor(31, 119, 180)
VALIDATION_COLOR = QColor(230, 110, 20)
REFRESH_MS = 300  # one plot per tick, in turn: each plot is redrawn 1.7 times a second
EMPTY_Y = {"loss": (0.0, 2.5), "accuracy": (0.0, 100.0)}


def _dim(color: QColor) -> QColor:
    dimmed = QColor(color)
    dimmed.setAlpha(80)
    return dimmed


class _Series:
    """Growing x/y buffers for one curve: cheap to append, copied out only on refresh."""

    def __init__(self) -> None:
        self.chunks: list[np.ndarray] = []
        self.dirty = True  # changed since its curve item last got the data

    def append(self, xy: np.ndarray) -> None:
        if len(xy):
            self.chunks.append(np.asarray(xy, dtype=np.float64).reshape(-1, 2))
            self.dirty = True

    def array(self) -> np.ndarray:
        if not self.chunks:
            return np.empty((0, 2))
        if len(self.chunks) > 1:
            self.chunks = [np.concatenate(self.chunks)]
        return self.chunks[0]

    def clear(self) -> None:
        self.chunks.clear()
        self.dirty = True


class _RunSeries:
    """The three series of one run, for one metric."""

    def __init__(self) -> None:
        self.smooth = _Series()
        self.epochs = _Series()
        self.validation = _Series()

    def all(self) -> tuple[_Series, _Series, _Series]:
        return self.smooth, self.epochs, self.validation


class _MetricPlot:
    """One PlotWidget (loss or accuracy) with its six curve items."""

    def __init__(self, widget: pg.PlotWidget, y_label: str, names: dict[str, str],
                 legend_corner: str) -> None:
        self.widget = widget
        self._previous_name = names["previous"]
        self._previous_in_legend = False
        plot = widget.getPlotItem()
        plot.setLabel("bottom", names["x"])
        plot.setLabel("left", y_label)
        plot.showGrid(x=True, y=True, alpha=0.25)
        plot.setMenuEnabled(False)
        plot.vb.setMouseEnabled(x=False, y=False)
        # Loss falls and accuracy rises: their legends go where the curves usually are not.
        offset = (-8, 8) if legend_corner == "top" else (-8, -36)
        legend = plot.addLegend(offset=offset, labelTextSize="8pt")
        self.legend = legend
        legend.setBrush(pg.mkBrush(255, 255, 255, 200))
        legend.setLabelTextColor(QColor(40, 40, 40))
        legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

        def curve(color: QColor, name: str | None, width: float = 2.0, symbol=None, dash=False):
            pen = pg.mkPen(color, width=width)
            if dash:
                pen.setStyle(pg.QtCore.Qt.PenStyle.DashLine)
            kwargs = {}
            if symbol:
                kwargs = {
                    "symbol": symbol,
                    "symbolSize": 7,
                    "symbolBrush": pg.mkBrush(color),
                    "symbolPen": pg.mkPen(color),
                }
            item = pg.PlotDataItem(pen=pen, name=name, **kwargs)
            plot.addItem(item)
            return item

        # Previous run first, so the current one is drawn on top.
        self.prev_smooth = curve(_dim(TRAIN_COLOR), None, width=1.5)
        self.prev_epochs = curve(_dim(TRAIN_COLOR), None, width=0, symbol="o")
        self.prev_epochs.setPen(None)
        self.prev_validation = curve(_dim(VALIDATION_COLOR), None, width=1.5, symbol="s")
        self.smooth = curve(TRAIN_COLOR, names["train"], width=2.0)
        self.epochs = curve(TRAIN_COLOR, names["train_epoch"], symbol="o")
        self.epochs.setPen(None)
        self.validation = curve(VALIDATION_COLOR, names["validation"], width=2.0, symbol="s")

    def show_previous_in_legend(self, show: bool) -> None:
        if show and not self._previous_in_legend:
            self.legend.addItem(self.prev_smooth, self._previous_name)
        elif not show and self._previous_in_legend:
            self.legend.removeItem(self.prev_smooth)
        self._previous_in_legend = show

    def items(self, previous: bool) -> tuple:
        if previous:
            return self.prev_smooth, self.prev_epochs, self.prev_validation
        return self.smooth, self.epochs, self.validation


class TrainingCurves(QWidget):
    """``lossPlot`` above ``accuracyPlot``; fed by the window from the training worker."""

    def __init__(self, parent: QWidget | None = None, refresh_ms: int = REFRESH_MS) -> None:
        super().__init__(parent)
        names = {
            "x": self.tr("Epoch"),
            "train": self.tr("training (smoothed)"),
            "train_epoch": self.tr("training, epoch mean"),
            "validation": self.tr("validation"),
            "previous": self.tr("previous run (dimmed)"),
        }
        background = self.palette().color(QPalette.ColorRole.Base)
        foreground = self.palette().color(QPalette.ColorRole.Text)
        self.lossPlot = pg.PlotWidget(background=background)
        self.accuracyPlot = pg.PlotWidget(background=background)
        name_widget(self.lossPlot, "lossPlot", self.tr("Loss against epochs, lower is better"))
        name_widget(
            self.accuracyPlot, "accuracyPlot", self.tr("Accuracy against epochs, higher is better")
        )
        self.lossPlot.setToolTip(self.tr(
            "Loss, how wrong the network's guesses are, over the epochs: it should fall"))
        self.accuracyPlot.setToolTip(self.tr(
            "Accuracy, the share of images guessed right, over the epochs: it should rise"))
        for widget in (self.lossPlot, self.accuracyPlot):
            widget.setMinimumHeight(140)
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            for axis in ("left", "bottom"):
                ax = widget.getPlotItem().getAxis(axis)
                ax.setPen(pg.mkPen(foreground))
                ax.setTextPen(pg.mkPen(foreground))
                ax.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._loss = _MetricPlot(self.lossPlot, self.tr("Loss (cross-entropy)"), names, "top")
        self._accuracy = _MetricPlot(self.accuracyPlot, self.tr("Accuracy (%)"), names, "bottom")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.lossPlot)
        layout.addWidget(self.accuracyPlot)

        self._current = {"loss": _RunSeries(), "accuracy": _RunSeries()}
        self._previous = {"loss": _RunSeries(), "accuracy": _RunSeries()}
        self._offset = 0.0
        self._has_run = False
        self._turn = "accuracy"
        self._run_end: float | None = None
        self._x_range: dict = {}
        self._y_range: dict = {}
        for plot in (self.lossPlot, self.accuracyPlot):
            plot.getPlotItem().disableAutoRange()
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self._tick)
        self._fit_ranges()

    # -- feeding ---------------------------------------------------------------------
    def start_run(self, offset: float, epochs: int) -> None:
        """Begin a run: the current curves become the dimmed previous run.

        ``offset`` is how many epochs the model had already been trained (a continued run
        is drawn after the previous one); ``epochs`` sizes the x axis for the whole run.
        """
        if self._has_run:
            self._previous, self._current = self._current, {
                "loss": _RunSeries(),
                "accuracy": _RunSeries(),
            }
            self._push(previous=True)
            for plot in (self._loss, self._accuracy):
                plot.show_previous_in_legend(True)
        self._has_run = True
        self._offset = float(offset)
        for series in self._current.values():
            for s in series.all():
                s.clear()
        self._set_x_range(0.0, self._offset + epochs)
        self.refresh()
        self._timer.start()

    def add_points(self, points: np.ndarray) -> None:
        """Smoothed batch points ``(n, 3)``: x in epochs of this run, loss, accuracy (0-1)."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        if not len(points):
            return
        x = points[:, 0] + self._offset
        self._current["loss"].smooth.append(np.column_stack([x, points[:, 1]]))
        self._current["accuracy"].smooth.append(np.column_stack([x, 100.0 * points[:, 2]]))

    def add_epoch(self, epoch: int, loss: float, accuracy: float, val_loss=None, val_accuracy=None):
        """Metrics at the end of ``epoch`` (0-based, of this run), drawn at x = epoch + 1."""
        x = self._offset + epoch + 1
        self._current["loss"].epochs.append(np.array([[x, loss]]))
        self._current["accuracy"].epochs.append(np.array([[x, 100.0 * accuracy]]))
        if val_loss is not None and val_accuracy is not None:
            self._current["loss"].validation.append(np.array([[x, val_loss]]))
            self._current["accuracy"].validation.append(np.array([[x, 100.0 * val_accuracy]]))

    def end_run(self) -> None:
        """Training stopped: draw what is left and stop the refresh timer."""
        self._timer.stop()
        self._run_end = None
        self.refresh()
        self._fit_ranges()

    def clear(self) -> None:
        """Forget both runs."""
        self._timer.stop()
        for runs in (self._current, self._previous):
            for series in runs.values():
                for s in series.all():
                    s.clear()
        self._has_run = False
        self.refresh()
        self._push(previous=True)
        for plot in (self._loss, self._accuracy):
            plot.show_previous_in_legend(False)
        self._run_end = None
        self._fit_ranges()

    # -- reading (tests, screenshots) --------------------------------------------------
    def data(self, metric: str, which: str = "smooth", previous: bool = False) -> np.ndarray:
        """The (n, 2) points of one series: metric "loss"/"accuracy", which
        "smooth"/"epochs"/"validation"."""
        runs = self._previous if previous else self._current
        return getattr(runs[metric], which).array().copy()

    def displayed(self, metric: str, which: str = "smooth", previous: bool = False) -> np.ndarray:
        """What the curve item on screen holds right now, as (n, 2)."""
        plot = self._loss if metric == "loss" else self._accuracy
        index = ("smooth", "epochs", "validation").index(which)
        x, y = plot.items(previous)[index].getData()
        if x is None:
            return np.empty((0, 2))
        return np.column_stack([x, y])

    @property
    def refreshing(self) -> bool:
        return self._timer.isActive()

    # -- drawing ---------------------------------------------------------------------
    def refresh(self, metric: str | None = None) -> None:
        """Give the curve items of the current run the data that changed (one metric's
        plot, or both)."""
        for name, plot in (("loss", self._loss), ("accuracy", self._accuracy)):
            if metric in (None, name):
                if self._push_items(plot.items(False), self._current[name].all()):
                    self._fit_ranges(name)

    def _tick(self) -> None:
        """Timer slot: the plots take turns, so one tick redraws at most one plot."""
        self._turn = "loss" if self._turn == "accuracy" else "accuracy"
        self.refresh(self._turn)

    def _push(self, previous: bool) -> None:
        """All of one run's data to its items (the previous run changes only as a whole)."""
        runs = self._previous if previous else self._current
        for metric, plot in (("loss", self._loss), ("accuracy", self._accuracy)):
            for series in runs[metric].all():
                series.dirty = True
            self._push_items(plot.items(previous), runs[metric].all())

    @staticmethod
    def _push_items(items, series_list) -> bool:
        changed = False
        for item, series in zip(items, series_list):
            if series.dirty:
                xy = series.array()
                item.setData(xy[:, 0], xy[:, 1])
                series.dirty = False
                changed = True
        return changed

    def _set_x_range(self, low: float, high: float) -> None:
        """Fix the x axis to [0, high] for a run."""
        self._run_end = max(high, low + 1.0)
        self._fit_ranges()

    def _arrays(self, metric: str) -> list[np.ndarray]:
        return [s.array() for runs in (self._current, self._previous)
                for s in runs[metric].all() if s.chunks]

    def _fit_ranges(self, only: str | None = None) -> None:
        """x: the run (or, when idle, all the data); y: the data with some slack. An axis
        only changes when the data leaves it or fills less than half of it. ``only``
        limits this to one plot (the one just redrawn: the other is left alone)."""
        arrays = {metric: self._arrays(metric) for metric in ("loss", "accuracy")}
        x_high = self._run_end
        if x_high is None:
            x_high = max([5.0] + [float(a[:, 0].max()) for a in arrays["loss"]])
        for metric, plot in (("loss", self.lossPlot), ("accuracy", self.accuracyPlot)):
            if only not in (None, metric):
                continue
            item = plot.getPlotItem()
            if self._x_range.get(metric) != x_high:
                item.setXRange(0.0, x_high, padding=0.02)
                self._x_range[metric] = x_high
            ys = [a[:, 1][np.isfinite(a[:, 1])] for a in arrays[metric]]
            ys = [y for y in ys if len(y)]
            if not ys:
                target = EMPTY_Y[metric]
            else:
                low = min(float(y.min()) for y in ys)
                high = max(float(y.max()) for y in ys)
                span = max(high - low, 0.01 if metric == "loss" else 1.0)
                current = self._y_range.get(metric)
                if current is not None and current != EMPTY_Y[metric]:
                    inside = current[0] <= low and high <= current[1]
                    if inside and current[1] - current[0] <= 2.5 * span:
                        continue
                target = (max(0.0, low - 0.15 * span), high + 0.15 * span)
                if metric == "accuracy" and high <= 100.0:
                    target = (target[0], min(100.0, target[1]))
            if self._y_range.get(metric) != target:
                item.setYRange(*target, padding=0.02)
                self._y_range[metric] = target
