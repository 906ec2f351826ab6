"""Live loss and accuracy curves (pyqtgraph), against epochs.

Each plot holds a fixed set of curve items created once: the current run's smoothed
batch-level training curve, its per-epoch training points, its validation curve, the same
three for the previous run (drawn dimmed), a line at early stopping's best epoch, and a
pool of items for the runs ticked in the runs table (overlays, each in its own colour;
the pool only grows). New data only goes into numpy buffers; a timer pushes them to the
items with ``setData`` (the two plots take turns, each redrawn about 1.7 times a second),
so a fast training loop never makes the GUI thread redraw per batch. Overlays are finished
runs: they get their data once, when the ticks change.

Redrawing is kept cheap because GUI-thread Python time is taken from the training thread
(they share the GIL) and shows up as event-loop stalls: only changed curves get new data;
axis ranges are set by hand, with hysteresis (pyqtgraph's auto-range is off), so the axes
rarely change; and the axes, whose grid lines span the plot, are cached as pixmaps instead
of being replayed on every redraw (that alone halves a redraw).

Readable whatever happened: the loss axis ignores divergence spikes (a robust range: values
far above the bulk of the data are cut off, and the legend says so) or shows everything on a
log scale; the mouse wheel zooms, dragging pans (the axes then stay where the person put
them until "Reset view"); a right-click menu resets the view, switches the log scale,
exports the curves as PNG or CSV and clears them. The legend is a line of text above the
plots, so it never covers data and is never clipped.
"""

from __future__ import annotations

import csv
import html
import math
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import (QFileDialog, QGraphicsItem, QHBoxLayout, QLabel, QMenu,
                               QMessageBox, QSizePolicy, QToolButton, QVBoxLayout, QWidget)

from dense_studio.ui import palette
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.messages import fill
from dense_studio.ui.names import name_widget
from dense_studio.ui.steady_axis import hold_label_room
from dense_studio.ui.timers import single_shot

__all__ = ["TrainingCurves", "Overlay", "RUN_COLORS", "robust_range"]

# The app's one palette (ui/palette.py): the current run blue (training) and orange
# (validation); ticked runs take the others first.
TRAIN_COLOR = QColor(palette.TRAIN)
VALIDATION_COLOR = QColor(palette.VALIDATION)
RUN_COLORS = palette.RUN_COLORS
REFRESH_MS = 500  # one plot per tick, in turn: each plot is redrawn once a second
LAST_PLOT_DELAY_MS = 40  # at a run's end, the accuracy plot after the loss plot
EMPTY_Y = {"loss": (0.0, 2.5), "accuracy": (0.0, 100.0)}
#: A loss value more than this many interquartile ranges above the 3rd quartile is a
#: divergence spike: the robust range leaves it out (quartiles stay put while up to a
#: quarter of the points are spikes; a healthy curve's first batches stay inside).
SPIKE_FENCE = 6.0
#: ... and neither is anything up to this many times the highest starting loss, a start
#: being plausible up to an untrained network's loss on 1000 classes (ln 1000).
START_SLACK = 1.25
MAX_START_LOSS = math.log(1000)
METRICS = ("loss", "accuracy")
SERIES = ("smooth", "epochs", "validation")


def _dim(color: QColor) -> QColor:
    return palette.dimmed(color.name())


def robust_range(arrays: list, metric: str) -> tuple[float, float, bool] | None:
    """(low, high, clipped) of the finite values of ``arrays`` (1-d); for the loss, values
    far above the bulk (divergence spikes) are left out and ``clipped`` says so."""
    values = [a[np.isfinite(a)] for a in arrays]
    values = [v for v in values if len(v)]
    if not values:
        return None
    y = np.concatenate(values)
    low, high = float(y.min()), float(y.max())
    if metric == "loss" and len(y) >= 8:
        q_low, q_high = np.percentile(y, [25.0, 75.0])
        spread = max(q_high - q_low, 0.05 * abs(q_high), 1e-3)
        # A curve's first points (the loss before it learned) are never spikes, unless
        # they are already far above an untrained network's loss (it blew up at once).
        starts = [s for s in (_median_of_few(v[:3]) for v in values) if s <= MAX_START_LOSS]
        fence = float(max([q_high + SPIKE_FENCE * spread]
                          + [START_SLACK * start for start in starts]))
        if high > fence:
            return low, fence, True
    return low, high, False


def _median_of_few(values: np.ndarray) -> float:
    """The median of a handful of values, in Python (np.median costs ~100 µs a call, and
    the axes are fitted over every curve on the GUI thread)."""
    return float(statistics.median(values.tolist()))


@dataclass(frozen=True, eq=False)
class Overlay:
    """A finished run drawn over the curves: ``loss`` / ``accuracy`` its smoothed training
    curve and ``val_loss`` / ``val_accuracy`` its validation points, each (n, 2) with x in
    epochs and accuracy in %; ``label`` names it in the legend."""

    key: int
    label: str
    color: str
    loss: np.ndarray
    accuracy: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    dashed: bool = False

    def drawing(self) -> tuple:
        """What its plot items show: equal drawings need no redraw (same arrays, same
        colour and dash)."""
        return (self.key, self.color, self.dashed, id(self.loss), id(self.accuracy),
                id(self.val_loss), id(self.val_accuracy))

    def series(self, metric: str) -> tuple[np.ndarray, np.ndarray]:
        if metric == "loss":
            return self.loss, self.val_loss
        return self.accuracy, self.val_accuracy


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


class _ViewBox(pg.ViewBox):
    """A ViewBox whose right-click opens the curves' own menu (not pyqtgraph's)."""

    def __init__(self, on_menu) -> None:
        super().__init__()
        self._on_menu = on_menu

    def raiseContextMenu(self, ev) -> None:  # noqa: N802 (pyqtgraph name)
        self._on_menu(ev.screenPos().toPoint())


def _curve(plot, color: QColor, width: float = 2.0, symbol=None, dash=None):
    pen = pg.mkPen(color, width=width)
    if dash is not None:
        pen.setStyle(dash)
    kwargs = {}
    if symbol:
        kwargs = {"symbol": symbol, "symbolSize": 7, "symbolBrush": pg.mkBrush(color),
                  "symbolPen": pg.mkPen(color)}
    item = pg.PlotDataItem(pen=pen, **kwargs)
    plot.addItem(item)
    return item


class _MetricPlot:
    """One PlotWidget (loss or accuracy) with its curve items."""

    def __init__(self, widget: pg.PlotWidget, label_at: float) -> None:
        self.widget = widget
        plot = self.plot = widget.getPlotItem()
        plot.showGrid(x=True, y=True, alpha=0.25)
        # Previous run first, so the current one is drawn on top.
        self.prev_smooth = _curve(plot, _dim(TRAIN_COLOR), width=1.5)
        self.prev_epochs = _curve(plot, _dim(TRAIN_COLOR), width=0, symbol="o")
        self.prev_epochs.setPen(None)
        self.prev_validation = _curve(plot, _dim(VALIDATION_COLOR), width=1.5, symbol="s")
        self.smooth = _curve(plot, TRAIN_COLOR, width=2.0)
        self.epochs = _curve(plot, TRAIN_COLOR, symbol="o")
        self.epochs.setPen(None)
        self.validation = _curve(plot, VALIDATION_COLOR, width=2.0, symbol="s")
        self.best = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(
            QColor(palette.OKABE_ITO["bluish_green"]), width=2, style=Qt.PenStyle.DashLine),
            label="", labelOpts={"position": label_at, "color": palette.OKABE_ITO["bluish_green"],
                                 "anchors": [(1, 0), (1, 0)]})
        self.best.setVisible(False)
        plot.addItem(self.best)
        self.overlays: list[tuple] = []  # (training item, validation item), reused

    def overlay_items(self, count: int) -> list[tuple]:
        """At least ``count`` overlay item pairs (made once, then reused). Overlays change
        only when the ticks do, so each is cached as a pixmap: a repaint while another run
        trains blits it instead of redrawing its path (the GUI thread shares the GIL with
        training)."""
        while len(self.overlays) < count:
            train = pg.PlotDataItem(pen=pg.mkPen("#000000", width=1))
            validation = pg.PlotDataItem(pen=pg.mkPen("#000000", width=1))
            for item in (train, validation):
                item.setZValue(-1)  # under the current run
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                self.plot.addItem(item)
            self.overlays.append((train, validation))
        return self.overlays

    def items(self, previous: bool) -> tuple:
        if previous:
            return self.prev_smooth, self.prev_epochs, self.prev_validation
        return self.smooth, self.epochs, self.validation


class TrainingCurves(Retranslating, QWidget):
    """``lossPlot`` above ``accuracyPlot`` with the legend line ``curvesLegend`` above them;
    fed by the window from the session's runs (``RunCurves``).

    ``cleared`` is emitted when the person clears the curves (button or menu), so the owner
    of the overlays can untick them.
    """

    cleared = Signal()

    def __init__(self, parent: QWidget | None = None, refresh_ms: int = REFRESH_MS) -> None:
        super().__init__(parent)
        background = self.palette().color(QPalette.ColorRole.Base)
        foreground = self.palette().color(QPalette.ColorRole.Text)
        self._plots: dict[str, _MetricPlot] = {}
        for metric in METRICS:
            widget = pg.PlotWidget(background=background, viewBox=_ViewBox(
                lambda pos, m=metric: self._show_menu(m, pos)))
            widget.setMinimumHeight(90)  # the legend line above may wrap; 768 px must fit
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            widget.getPlotItem().setMenuEnabled(False, enableViewBoxMenu=True)
            for axis in ("left", "bottom"):
                ax = widget.getPlotItem().getAxis(axis)
                ax.setPen(pg.mkPen(foreground))
                ax.setTextPen(pg.mkPen(foreground))
                ax.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            hold_label_room(widget.getPlotItem().getAxis("left"))
            # The best epoch's label where the curves usually are not: loss falls, so high
            # up; accuracy rises, so low down.
            self._plots[metric] = _MetricPlot(widget, 0.92 if metric == "loss" else 0.08)
            widget.getPlotItem().vb.sigRangeChangedManually.connect(
                lambda *_args, m=metric: self._manual.add(m))
        self.lossPlot, self.accuracyPlot = (self._plots[m].widget for m in METRICS)
        self._loss, self._accuracy = self._plots["loss"], self._plots["accuracy"]
        self.legendLabel = QLabel()
        self.legendLabel.setWordWrap(True)
        self.legendLabel.setTextFormat(Qt.TextFormat.RichText)
        self.legendLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.clearButton = QToolButton()
        self.clearButton.clicked.connect(self.clear_all)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.legendLabel, 1)
        top.addWidget(self.clearButton, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.lossPlot)
        layout.addWidget(self.accuracyPlot)

        self._current = {m: _RunSeries() for m in METRICS}
        self._previous = {m: _RunSeries() for m in METRICS}
        self._overlays: list[Overlay] = []
        self._offset = 0.0
        self._has_run = False
        self._turn = "accuracy"
        self._run_end: float | None = None
        self._x_range: dict = {}
        self._y_range: dict = {}
        self._manual: set[str] = set()  # plots the person zoomed or panned
        self._clipped = False
        self._log_loss = False
        self._previous_label: str | None = None
        self._note = ""
        self._best_epoch: int | None = None
        for plot in (self.lossPlot, self.accuracyPlot):
            plot.getPlotItem().disableAutoRange()
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self._tick)
        # At a run's end the accuracy plot is drawn a moment after the loss plot, in a pass
        # of its own: the end redraws much of the window, and both plots as well stalled it.
        self._last_plot = single_shot(self, LAST_PLOT_DELAY_MS,
                                      lambda: self._draw_left("accuracy"))
        self.retranslate()
        self._fit_ranges()

    def retranslate(self) -> None:
        name_widget(self.lossPlot, "lossPlot", self.tr("Loss against epochs, lower is better"))
        name_widget(self.accuracyPlot, "accuracyPlot",
                    self.tr("Accuracy against epochs, higher is better"))
        name_widget(self.legendLabel, "curvesLegend", self.tr("Legend of the learning curves"))
        name_widget(self.clearButton, "clearCurvesButton", self.tr("Clear curves"))
        self.clearButton.setText(self.tr("Clear curves"))
        self.clearButton.setToolTip(self.tr(
            "Remove every curve from the plots (the runs stay in the Runs tab)"))
        hint = self.tr("Wheel: zoom · drag: pan · right-click: reset view, log scale, export")
        self.lossPlot.setToolTip(self.tr(
            "Loss, how wrong the network's guesses are, over the epochs: it should fall")
            + "\n" + hint)
        self.accuracyPlot.setToolTip(self.tr(
            "Accuracy, the share of images guessed right, over the epochs: it should rise")
            + "\n" + hint)
        for metric, label in (("loss", self.tr("Loss (cross-entropy)")),
                              ("accuracy", self.tr("Accuracy (%)"))):
            item = self._plots[metric].plot
            item.setLabel("bottom", self.tr("Epoch"))
            item.setLabel("left", label)
        self._show_best_epoch()
        self._update_legend()

    # -- feeding ---------------------------------------------------------------------
    def start_run(self, offset: float, epochs: int) -> None:
        """Begin a run: the current curves become the dimmed previous run.

        ``offset`` is how many epochs the model had already been trained (a continued run
        is drawn after the previous one); ``epochs`` sizes the x axis for the whole run.
        """
        if self._has_run:
            self._previous, self._current = self._current, {m: _RunSeries() for m in METRICS}
            self._push(previous=True)
        self._has_run = True
        self._offset = float(offset)
        for series in self._current.values():
            for s in series.all():
                s.clear()
        self.mark_best_epoch(None)
        self._set_x_range(0.0, self._offset + epochs)
        self.refresh()
        self._update_legend()
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
        """Training stopped: draw what is left and stop the refresh timer. The axes stay
        as they were (a new x range would redraw every overlay at the run's end)."""
        self._timer.stop()
        self._draw_left("loss")
        self._last_plot.start()

    def _draw_left(self, metric: str) -> None:
        self.refresh(metric)
        self._fit_ranges(metric)

    def mark_best_epoch(self, epoch: int | None) -> None:
        """A line at the end of ``epoch`` (0-based, of the current run), or none."""
        self._best_epoch = epoch
        self._show_best_epoch()

    def best_epoch_x(self) -> float | None:
        """Where the best-epoch line is drawn (None when hidden)."""
        line = self._loss.best
        return float(line.value()) if line.isVisible() else None

    def set_previous_label(self, label: str | None) -> None:
        """How the legend names the previous (dimmed) run; None: "previous run"."""
        self._previous_label = label
        self._update_legend()

    def set_note(self, text: str) -> None:
        """A line under the legend (e.g. what an opened model file holds)."""
        self._note = text
        self._update_legend()

    def set_overlays(self, overlays: list[Overlay]) -> None:
        """Draw exactly these finished runs over the curves, each in its colour. Only
        what changed is redrawn: the runs table asks again on every change of the history
        (a run ending, its test metrics), and ten overlays cost the event loop ~50 ms."""
        overlays = list(overlays)
        drawn = [overlay.drawing() for overlay in overlays]
        if drawn == [overlay.drawing() for overlay in self._overlays]:
            renamed = [o.label for o in overlays] != [o.label for o in self._overlays]
            self._overlays = overlays
            if renamed:
                self._update_legend()
            return
        shown = {i: overlay.drawing() for i, overlay in enumerate(self._overlays)}
        self._overlays = overlays
        for metric, plot in self._plots.items():
            pool = plot.overlay_items(len(self._overlays))
            for i, (train, validation) in enumerate(pool):
                if i >= len(self._overlays):
                    if train.isVisible():
                        train.setData([], [])
                        validation.setData([], [])
                        train.setVisible(False)
                        validation.setVisible(False)
                    continue
                if shown.get(i) == drawn[i]:
                    continue  # this item already shows this run, in this colour
                overlay = self._overlays[i]
                curve, points = overlay.series(metric)
                color = QColor(overlay.color)
                # Width 1: Qt's fast cosmetic-pen path.
                pen = pg.mkPen(color, width=1)
                if overlay.dashed:
                    pen.setStyle(Qt.PenStyle.DashDotLine)
                train.setPen(pen)
                train.setData(curve[:, 0], curve[:, 1])
                validation.setPen(pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine))
                validation.setData(points[:, 0], points[:, 1])
                train.setVisible(True)
                validation.setVisible(True)
        self._update_legend()
        self._x_range.clear()
        self._fit_ranges()

    def overlays(self) -> list[Overlay]:
        return list(self._overlays)

    def clear(self) -> None:
        """Forget both runs (the overlays stay)."""
        self._timer.stop()
        for runs in (self._current, self._previous):
            for series in runs.values():
                for s in series.all():
                    s.clear()
        self._has_run = False
        self._previous_label = None
        self._note = ""
        self.mark_best_epoch(None)
        self.refresh()
        self._push(previous=True)
        self._run_end = None
        self._update_legend()
        self._fit_ranges()

    def clear_all(self) -> None:
        """"Clear curves": every curve goes, overlays too (``cleared`` tells their owner)."""
        if self._timer.isActive():  # a run is training: only the past goes
            for runs in (self._previous,):
                for series in runs.values():
                    for s in series.all():
                        s.clear()
            self._push(previous=True)
            self._previous_label = None
        else:
            self.clear()
        self.set_overlays([])
        self.reset_view()
        self.cleared.emit()

    # -- view ------------------------------------------------------------------------
    def reset_view(self) -> None:
        """Back to the automatic axes (after the person zoomed or panned)."""
        self._manual.clear()
        self._x_range.clear()
        self._y_range.clear()
        self._fit_ranges()

    def set_log_loss(self, on: bool) -> None:
        """The loss on a log scale (every value visible, spikes included)."""
        self._log_loss = bool(on)
        self._loss.plot.setLogMode(y=self._log_loss)
        self._y_range.pop("loss", None)
        self._fit_ranges("loss")
        self._update_legend()

    @property
    def log_loss(self) -> bool:
        return self._log_loss

    def y_range(self, metric: str) -> tuple[float, float]:
        """The y axis as the plot shows it (log10 values when the loss is on a log scale)."""
        low, high = self._plots[metric].plot.viewRange()[1]
        return float(low), float(high)

    @property
    def clipped(self) -> bool:
        """The robust range leaves a loss spike out (the legend says so)."""
        return self._clipped

    def context_menu(self, metric: str = "loss") -> QMenu:
        """The right-click menu of one plot (built fresh: its texts follow the language)."""
        menu = QMenu(self)
        menu.setObjectName("curvesMenu")

        def add(name, text, slot, checkable=False, checked=False):
            action = QAction(text, menu)
            action.setObjectName(name)
            if checkable:
                action.setCheckable(True)
                action.setChecked(checked)
            action.triggered.connect(slot)
            menu.addAction(action)
            return action

        add("resetViewAction", self.tr("Reset view"), lambda: self.reset_view())
        add("logScaleAction", self.tr("Log scale for the loss"), self.set_log_loss, True,
            self._log_loss)
        menu.addSeparator()
        add("exportImageAction", self.tr("Export image (PNG)…"), lambda: self._export_dialog("png"))
        add("exportCsvAction", self.tr("Export data (CSV)…"), lambda: self._export_dialog("csv"))
        menu.addSeparator()
        add("clearCurvesAction", self.tr("Clear curves"), lambda: self.clear_all())
        return menu

    def _show_menu(self, metric: str, pos: QPoint) -> None:
        menu = self.context_menu(metric)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(pos)

    # -- export ----------------------------------------------------------------------
    def export_png(self, path) -> Path:
        """The curves as they are on screen, legend included."""
        path = Path(path)
        if not self.grab().save(str(path), "PNG"):
            raise OSError(f"cannot write {path}")
        return path

    def export_csv(self, path) -> Path:
        """Every point on the plots: curve, metric, series, epoch, value."""
        path = Path(path)
        rows = []
        for who, runs in (("current", self._current), ("previous", self._previous)):
            label = who if who == "current" else (self._previous_label or who)
            for metric in METRICS:
                for name in SERIES:
                    for x, y in getattr(runs[metric], name).array().tolist():
                        rows.append((label, metric, name, x, y))
        for overlay in self._overlays:
            for metric in METRICS:
                curve, points = overlay.series(metric)
                for name, xy in (("smooth", curve), ("validation", points)):
                    for x, y in xy.tolist():
                        rows.append((overlay.label, metric, name, x, y))
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(("curve", "metric", "series", "epoch", "value"))
            writer.writerows(rows)
        return path

    def _export_dialog(self, kind: str) -> None:
        title = self.tr("Export image") if kind == "png" else self.tr("Export data")
        pattern = self.tr("PNG images (*.png)") if kind == "png" else self.tr("CSV files (*.csv)")
        path, _ = QFileDialog.getSaveFileName(self, title, f"learning-curves.{kind}", pattern)
        if not path:
            return
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        try:
            (self.export_png if kind == "png" else self.export_csv)(path)
        except OSError as error:
            QMessageBox.warning(self, title, fill(self.tr("Could not write %1: %2"), path,
                                                  error.strerror or str(error)))

    # -- reading (tests, screenshots) --------------------------------------------------
    def data(self, metric: str, which: str = "smooth", previous: bool = False) -> np.ndarray:
        """The (n, 2) points of one series: metric "loss"/"accuracy", which
        "smooth"/"epochs"/"validation"."""
        runs = self._previous if previous else self._current
        return getattr(runs[metric], which).array().copy()

    def displayed(self, metric: str, which: str = "smooth", previous: bool = False) -> np.ndarray:
        """What the curve item on screen holds right now, as (n, 2)."""
        index = SERIES.index(which)
        x, y = self._plots[metric].items(previous)[index].getData()
        if x is None:
            return np.empty((0, 2))
        return np.column_stack([x, y])

    def displayed_overlays(self, metric: str) -> list[np.ndarray]:
        """The training curve each visible overlay item holds, as (n, 2)."""
        shown = []
        for train, _validation in self._plots[metric].overlays:
            if train.isVisible():
                x, y = train.getData()
                shown.append(np.column_stack([x, y]) if x is not None else np.empty((0, 2)))
        return shown

    def legend_text(self) -> str:
        """The legend as plain text."""
        return self.legendLabel.text() and _plain(self.legendLabel.text())

    @property
    def refreshing(self) -> bool:
        return self._timer.isActive()

    # -- drawing ---------------------------------------------------------------------
    def refresh(self, metric: str | None = None) -> None:
        """Give the curve items of the current run the data that changed (one metric's
        plot, or both)."""
        for name, plot in self._plots.items():
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
        for metric, plot in self._plots.items():
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

    def _show_best_epoch(self) -> None:
        epoch = self._best_epoch
        for plot in self._plots.values():
            plot.best.setVisible(epoch is not None)
            if epoch is not None:
                plot.best.setValue(self._offset + epoch + 1)
                plot.best.label.setFormat(fill(self.tr("best epoch %1"), epoch + 1))

    def _update_legend(self) -> None:
        def swatch(color: str, mark: str = "━━") -> str:
            return f'<span style="color:{color}; font-weight:bold">{mark}</span>'

        def dimmed(color: QColor) -> str:
            return _dim(color).name(QColor.NameFormat.HexArgb)

        blue, orange = TRAIN_COLOR.name(), VALIDATION_COLOR.name()
        parts = [f"{swatch(blue)}&nbsp;{html.escape(self.tr('training (smoothed)'))}",
                 f"{swatch(blue, '●')}&nbsp;{html.escape(self.tr('training, epoch mean'))}",
                 f"{swatch(orange, '■')}&nbsp;{html.escape(self.tr('validation'))}"]
        if any(s.chunks for runs in self._previous.values() for s in runs.all()):
            label = self._previous_label or self.tr("previous run")
            parts.append(f"{swatch(dimmed(TRAIN_COLOR))}&nbsp;"
                         + html.escape(fill(self.tr("%1 (dimmed)"), label)))
        for overlay in self._overlays:
            mark = "━ · ━" if overlay.dashed else "━━"
            parts.append(f"{swatch(overlay.color, mark)}&nbsp;{html.escape(overlay.label)}")
        lines = ["&nbsp;&nbsp; ".join(parts)]
        if self._overlays:
            lines.append(html.escape(self.tr("Ticked runs: training solid, validation dashed.")))
        if self._clipped and not self._log_loss:
            lines.append(html.escape(self.tr(
                "A loss spike is above the range (a diverged run): right-click → "
                "Log scale shows it.")))
        if self._note:
            lines.append(html.escape(self._note))
        self.legendLabel.setText('<span style="font-size:8pt">' + "<br>".join(lines)
                                 + "</span>")

    def _set_x_range(self, low: float, high: float) -> None:
        """Fix the x axis to [0, high] for a run."""
        self._run_end = max(high, low + 1.0)
        self._fit_ranges()

    def _arrays(self, metric: str) -> list[np.ndarray]:
        arrays = [s.array() for runs in (self._current, self._previous)
                  for s in runs[metric].all() if s.chunks]
        for overlay in self._overlays:
            arrays.extend(a for a in overlay.series(metric) if len(a))
        return arrays

    def _fit_ranges(self, only: str | None = None) -> None:
        """x: the last run's epochs (5 before any run), widened to all the data drawn
        (the previous run, the overlays), the same during a run and after it; y: the data's
        robust range with some slack. An axis only changes when the data leaves it or fills less than half of it.
        ``only`` limits this to one plot (the one just redrawn: the other is left alone);
        a plot the person zoomed or panned keeps its view."""
        arrays = {metric: self._arrays(metric) for metric in METRICS}
        x_high = max([5.0 if self._run_end is None else self._run_end]
                     + [float(a[:, 0].max()) for a in arrays["loss"]])
        clipped = self._clipped
        for metric, plot in self._plots.items():
            if only not in (None, metric) or metric in self._manual:
                continue
            item = plot.plot
            if self._x_range.get(metric) != x_high:
                item.setXRange(0.0, x_high, padding=0.02)
                self._x_range[metric] = x_high
            log = metric == "loss" and self._log_loss
            ys = [a[:, 1] for a in arrays[metric]]
            if log:
                ys = [np.log10(y[y > 0]) for y in ys]
            found = robust_range(ys, "log" if log else metric)
            if metric == "loss":
                clipped = found is not None and found[2]
            if found is None:
                target = (-1.0, 0.5) if log else EMPTY_Y[metric]
            else:
                low, high, _ = found
                span = max(high - low, 0.01 if metric == "loss" else 1.0)
                current = self._y_range.get(metric)
                if current is not None and current != EMPTY_Y[metric]:
                    inside = current[0] <= low and high <= current[1]
                    if inside and current[1] - current[0] <= 2.0 * span:
                        continue
                bottom = low - 0.15 * span
                target = (bottom if log else max(0.0, bottom), high + 0.15 * span)
                if metric == "accuracy" and high <= 100.0:
                    target = (target[0], min(100.0, target[1]))
            if self._y_range.get(metric) != target:
                item.setYRange(*target, padding=0.02)
                self._y_range[metric] = target
        if clipped != self._clipped:
            self._clipped = clipped
            self._update_legend()


def _plain(rich: str) -> str:
    """Rich legend text as plain text (tests, accessibility)."""
    text = re.sub(r"<br\s*/?>", "\n", rich)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\xa0", " ")
