"""``networkDiagram``: layers as columns of units, connections coloured by sign.

TensorFlow Playground's picture, for real sizes: a layer wider than 32 units shows an
evenly spread subset with "+N more" (always the same units, see ``insight.diagram``).
Each connection is vermillion for a positive weight and blue for a negative one, thicker
and more opaque the larger it is (relative to the largest shown between the same two
layers). The current input's activations colour the units. Hover a connection for its
weight, a unit for its bias and activation.

The connections are painted once per set of weights into a cached image, in a worker thread
(about 50 ms for a thousand of them); a new input only repaints the units on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLineF,
    QObject,
    QPointF,
    QRectF,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from dense_studio.insight.diagram import Column, diagram_columns, shown_kernel
from dense_studio.insight.network import Network
from dense_studio.insight.weight_images import symmetric_limit
from dense_studio.ui.inside import palette
from dense_studio.ui.inside.strings import Retranslating, tr, trf
from dense_studio.ui.inside.unit_panel import input_name
from dense_studio.ui.names import name_widget

MARGIN = 12
HOVER_PIXELS = 4.0
#: Line widths / opacities drawn (strength rounded to one of these steps).
STRENGTH_STEPS = 10


@dataclass(frozen=True, eq=False)
class Edges:
    """Every drawn connection: start and end points (n, 2), weight, and (layer, from, to)
    as unit indices of the network."""

    start: np.ndarray
    end: np.ndarray
    weight: np.ndarray
    strength: np.ndarray  # |weight| / largest |weight| between the same layers
    where: np.ndarray  # (n, 3) int: layer, input index, unit index


def render_edges(width: int, height: int, ratio: float, edges: Edges) -> QImage:
    """The connections on white, one pen per sign and strength step (any thread: QImage
    painting needs no GUI thread)."""
    image = QImage(int(width * ratio), int(height * ratio), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    steps = np.minimum((edges.strength * STRENGTH_STEPS).astype(np.int64), STRENGTH_STEPS - 1)
    positive = edges.weight > 0
    for sign, base in ((False, palette.NEGATIVE), (True, palette.POSITIVE)):
        for step in range(STRENGTH_STEPS):
            chosen = np.flatnonzero((steps == step) & (positive == sign))
            if not len(chosen):
                continue
            strength = (step + 0.5) / STRENGTH_STEPS
            color = QColor(base)
            color.setAlpha(int(30 + 225 * strength))
            painter.setPen(QPen(color, 1 + int(3 * strength)))
            painter.drawLines([QLineF(*edges.start[k], *edges.end[k]) for k in chosen])
    painter.end()
    return image


class _Bridge(QObject):
    done = Signal(object, object)  # geometry key, QImage


class _RenderJob(QRunnable):
    def __init__(self, bridge: _Bridge, key, width: int, height: int, ratio: float,
                 edges: Edges) -> None:
        super().__init__()
        self._bridge, self._args, self._key = bridge, (width, height, ratio, edges), key

    def run(self) -> None:
        self._bridge.done.emit(self._key, render_edges(*self._args))


class NetworkDiagramView(Retranslating, QWidget):
    """``networkDiagram``: the network's units and connections for the current weights."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "networkDiagram")
        self._network: Optional[Network] = None
        self._columns: list[Column] = []
        self._class_names: tuple = ()
        self._values: Optional[list[np.ndarray]] = None  # input, then each layer's a
        self._centers: list[np.ndarray] = []
        self._edges: Optional[Edges] = None
        self._image: Optional[QImage] = None  # the connections, drawn in a worker thread
        self._image_key: Optional[tuple] = None
        self._rendering: Optional[tuple] = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._rendered)
        self._geometry_key: Optional[tuple] = None
        self._version = 0  # counts set_network calls: the cache key of the geometry
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 220)
        self.retranslate()

    # -- inputs ----------------------------------------------------------------------------
    def set_network(self, network: Optional[Network], class_names: Sequence[str] = ()) -> None:
        self._network, self._class_names = network, tuple(class_names)
        self._columns = diagram_columns(network) if network is not None else []
        self._version += 1
        self.update()

    def set_values(self, values: Optional[list[np.ndarray]]) -> None:
        """The input vector and each layer's a for the current input (None: no input)."""
        self._values = values
        self.update()

    def columns(self) -> list[Column]:
        return list(self._columns)

    def edges(self) -> Optional[Edges]:
        self._ensure_geometry()
        return self._edges

    def unit_centers(self) -> list[np.ndarray]:
        """Per column, the (shown units, 2) centres in widget pixels."""
        self._ensure_geometry()
        return list(self._centers)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(560, 380)

    # -- geometry --------------------------------------------------------------------------
    def _radius(self) -> float:
        counts = [len(c.units) for c in self._columns] or [1]
        spacing = (self.height() - 4 * self.fontMetrics().height()) / max(counts)
        return float(np.clip(spacing * 0.36, 2.5, 9.0))

    def _ensure_geometry(self) -> None:
        key = (self.width(), self.height(), self._version)
        if key == self._geometry_key:
            return
        self._geometry_key = key
        self._centers, self._edges = [], None
        if self._network is None:
            return
        line = self.fontMetrics().height()
        top, bottom = MARGIN + 2 * line + 10, self.height() - MARGIN - line - 4
        right_room = max((self.fontMetrics().horizontalAdvance(n) for n in self._class_names),
                         default=0) + 14
        left, right = MARGIN + 50, self.width() - MARGIN - min(right_room, self.width() // 4)
        count = len(self._columns)
        xs = np.linspace(left, right, count) if count > 1 else np.array([left])
        for x, column in zip(xs, self._columns):
            n = len(column.units)
            ys = np.linspace(top, bottom, n + 2)[1:-1] if n > 1 else np.array([(top + bottom) / 2])
            self._centers.append(np.column_stack([np.full(n, x), ys]))
        starts, ends, weights, strengths, where = [], [], [], [], []
        for layer in range(count - 1):
            block = shown_kernel(self._network, self._columns, layer)
            limit = symmetric_limit(block)
            i, j = np.meshgrid(np.arange(block.shape[0]), np.arange(block.shape[1]),
                               indexing="ij")
            i, j = i.reshape(-1), j.reshape(-1)
            starts.append(self._centers[layer][i])
            ends.append(self._centers[layer + 1][j])
            w = block.reshape(-1)
            weights.append(w)
            strengths.append(np.abs(w) / limit)
            where.append(np.column_stack([np.full(len(i), layer), self._columns[layer].units[i],
                                          self._columns[layer + 1].units[j]]))
        if starts:
            order = np.argsort(np.concatenate(strengths), kind="stable")  # strong ones on top
            self._edges = Edges(np.concatenate(starts)[order], np.concatenate(ends)[order],
                                np.concatenate(weights)[order],
                                np.concatenate(strengths)[order],
                                np.concatenate(where)[order])

    def _edge_image(self) -> Optional[QImage]:
        """The connections as drawn for the current geometry, or None while they are
        being drawn in the background (they take ~50 ms: too long for the GUI thread)."""
        key = self._geometry_key
        if self._image_key == key:
            return self._image
        if self._rendering != key and self._edges is not None:
            self._rendering = key
            ratio = self.devicePixelRatioF()
            self._pool.start(_RenderJob(self._bridge, key, self.width(), self.height(), ratio,
                                        self._edges))
        return None

    def _rendered(self, key, image: QImage) -> None:
        if key == self._geometry_key:
            self._image, self._image_key = image, key
            self.update()

    def wait_rendered(self) -> None:
        """Until the connections are drawn (screenshots, tests)."""
        self._ensure_geometry()
        self._edge_image()
        self._pool.waitForDone()
        QCoreApplication.processEvents()

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if self._network is None:
            painter.setPen(QColor(palette.MUTED))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("No model yet."))
            painter.end()
            return
        self._ensure_geometry()
        image = self._edge_image()
        if image is not None:
            painter.drawImage(QRectF(self.rect()), image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        radius = self._radius()
        line = self.fontMetrics().height()
        text = QColor("#000000")
        for index, (column, centers) in enumerate(zip(self._columns, self._centers)):
            fills = self._fills(index, column)
            painter.setPen(QPen(QColor(palette.MUTED), 1))
            for (x, y), rgb in zip(centers, fills):
                painter.setBrush(palette.qcolor(rgb))
                painter.drawEllipse(QPointF(x, y), radius, radius)
            x = float(centers[0, 0]) if len(centers) else 0.0
            painter.setPen(text)
            title = self._column_title(index, column)
            box = QRectF(max(0.0, x - 80), MARGIN - 4, 160, 2 * line + 6)
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, title)
            if column.hidden:
                painter.setPen(QColor(palette.MUTED))
                painter.drawText(QRectF(x - 80, self.height() - MARGIN - line, 160, line),
                                 Qt.AlignmentFlag.AlignHCenter,
                                 trf("+%1 more", column.hidden))
        if self._class_names and self._centers:
            painter.setPen(text)
            for (x, y), unit in zip(self._centers[-1], self._columns[-1].units):
                if unit < len(self._class_names):
                    painter.drawText(QPointF(x + radius + 4, y + line / 3),
                                     self._class_names[unit])
        painter.end()

    def _column_title(self, index: int, column: Column) -> str:
        if index == 0:
            return trf("input\n%1 pixels", column.size)
        step = self._network.steps[index - 1]
        return f"{step.name}\n{step.units} · {step.activation}"

    def _fills(self, index: int, column: Column) -> np.ndarray:
        n = len(column.units)
        if self._values is None or index >= len(self._values):
            return np.full((n, 3), 255, np.uint8)
        values = self._values[index]
        if index == 0:
            return palette.gray_rgb(values[column.units])
        return palette.diverging_rgb(values[column.units], symmetric_limit(values))

    # -- hover -----------------------------------------------------------------------------
    def unit_at(self, pos: QPointF) -> Optional[tuple[int, int]]:
        """(column, unit index in the network) under ``pos``."""
        self._ensure_geometry()
        radius = self._radius() + 2
        for index, centers in enumerate(self._centers):
            if not len(centers):
                continue
            d = np.hypot(centers[:, 0] - pos.x(), centers[:, 1] - pos.y())
            k = int(np.argmin(d))
            if d[k] <= radius:
                return index, int(self._columns[index].units[k])
        return None

    def edge_at(self, pos: QPointF) -> Optional[int]:
        """Index into :meth:`edges` of the connection nearest ``pos`` (within 4 px)."""
        edges = self.edges()
        if edges is None or not len(edges.weight):
            return None
        p = np.array([pos.x(), pos.y()])
        seg = edges.end - edges.start
        length2 = np.maximum((seg ** 2).sum(axis=1), 1e-9)
        t = np.clip(((p - edges.start) * seg).sum(axis=1) / length2, 0, 1)
        nearest = edges.start + t[:, None] * seg
        d = np.hypot(*(nearest - p).T)
        # Among the connections close enough, the one drawn last (the strongest) is on top.
        close = np.flatnonzero(d <= HOVER_PIXELS)
        return int(close[-1]) if len(close) else None

    def describe_at(self, pos: QPointF) -> str:
        unit = self.unit_at(pos)
        if unit is not None:
            return self._describe_unit(*unit)
        edge = self.edge_at(pos)
        if edge is not None:
            layer, source, target = (int(v) for v in self._edges.where[edge])
            return trf("weight %1\nfrom %2\nto unit %3 of layer %4", f"{self._edges.weight[edge]:.3g}",
                       input_name(source, layer, self._network.input_shape), target, layer + 1)
        return self.toolTip()

    def _describe_unit(self, index: int, unit: int) -> str:
        if index == 0:
            text = input_name(unit, 0, self._network.input_shape)
            if self._values is not None:
                text += "\n" + trf("input x = %1", f"{self._values[0][unit]:.3g}")
            return text
        step = self._network.steps[index - 1]
        name = trf("unit %1 of layer %2", unit, index)
        if index == len(self._columns) - 1 and unit < len(self._class_names):
            name += f" ({self._class_names[unit]})"
        text = name + "\n" + trf("bias b = %1", f"{step.bias[unit]:.3g}")
        if self._values is not None:
            text += "\n" + trf("activation a = %1", f"{self._values[index][unit]:.3g}")
        return text

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            QToolTip.showText(event.globalPos(), self.describe_at(QPointF(event.pos())), self)
            return True
        return super().event(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if QToolTip.isVisible():
            QToolTip.showText(event.globalPosition().toPoint(), self.describe_at(event.position()),
                              self)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._geometry_key = None
        super().resizeEvent(event)

    def retranslate(self) -> None:
        self.setToolTip(tr("Each circle is a unit, each line a weight: orange lines are positive "
                           "weights, blue ones negative, thicker lines larger ones. The units' "
                           "colour is their activation for the current input. Hover a line or a "
                           "unit for its numbers."))
        self.update()
