"""``weightImages``: what the first Dense layer learned, one 28×28 image per unit.

All images share one colour scale, symmetric around zero (white = weight 0), so a strong
orange in one tile means as much as in any other. With no hidden layer the tiles are the
ten class templates and carry the class names.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from dense_studio.insight.network import Network
from dense_studio.insight.weight_images import (
    first_layer_images,
    is_template_layer,
    symmetric_limit,
)
from dense_studio.ui.inside import palette
from dense_studio.ui.inside.strings import Retranslating, tr, trf
from dense_studio.ui.names import name_widget

GAP = 4
MIN_TILE = 14.0  # below this a tile is unreadable: show fewer, with "+N more"


def tile_layout(count: int, width: float, height: float, label: float) -> tuple[int, float]:
    """(columns, tile size) that make ``count`` square tiles as large as ``width`` ×
    ``height`` allows, each with ``label`` pixels of text under it."""
    best = (max(1, count), 0.0)
    for cols in range(1, max(1, count) + 1):
        rows = math.ceil(count / cols)
        size = min((width + GAP) / cols - GAP, height / rows - GAP - label)
        if size > best[1]:
            best = (cols, size)
    return best


class _TileGrid(QWidget):
    unitClicked = Signal(int)

    def __init__(self, owner: "WeightImagesView") -> None:
        super().__init__(owner)
        self._owner = owner
        self._tiles: list = []  # QImage per unit
        self._rects: list[QRectF] = []
        self._selected: Optional[int] = None
        self._layout_key: Optional[tuple] = None
        self._label_height = 0
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_tiles(self, tiles: list) -> None:
        self._tiles = tiles
        self._layout_key = None
        self.update()

    def select(self, unit: Optional[int]) -> None:
        self._selected = unit
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(420, 260)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(160, 120)

    def shown(self) -> int:
        """How many tiles fit (the rest are "+N more")."""
        self._layout()
        return len(self._rects)

    def _layout(self) -> None:
        labels = self._owner.labels()
        label = self.fontMetrics().height() + 2 if labels else 0
        count = len(self._tiles)
        key = (self.width(), self.height(), count, label)
        if key == self._layout_key:
            return
        self._layout_key = key
        reserve = self.fontMetrics().height() + 4  # room for "+N more"
        cols, size = tile_layout(count, self.width() - 2, self.height() - 2, label)
        shown = count
        if size < MIN_TILE and count:
            size = MIN_TILE
            cols = max(1, int((self.width() - 2 + GAP) // (size + GAP)))
            rows = max(1, int((self.height() - 2 - reserve) // (size + GAP + label)))
            shown = min(count, cols * rows)
        self._rects = [QRectF(1 + (i % cols) * (size + GAP), 1 + (i // cols) * (size + GAP + label),
                              size, size) for i in range(shown)]
        self._label_height = label

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        self._layout()
        painter = QPainter(self)
        labels = self._owner.labels()
        metrics = self.fontMetrics()
        for unit, rect in enumerate(self._rects):
            painter.drawImage(rect, self._tiles[unit])
            selected = unit == self._selected
            painter.setPen(QPen(QColor(palette.SELECTION if selected else palette.MUTED),
                                2 if selected else 1))
            painter.drawRect(rect)
            if labels and unit < len(labels):
                text_rect = QRectF(rect.left() - GAP / 2, rect.bottom() + 1, rect.width() + GAP,
                                   self._label_height)
                painter.setPen(self.palette().windowText().color())
                painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter,
                                 metrics.elidedText(labels[unit], Qt.TextElideMode.ElideRight,
                                                    int(text_rect.width())))
        hidden = len(self._tiles) - len(self._rects)
        if hidden > 0:
            painter.setPen(QColor(palette.MUTED))
            painter.drawText(QRectF(self.rect()).adjusted(2, 0, -2, -2),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                             trf("+%1 more (make the panel larger to see them)", hidden))
        painter.end()

    def unit_at(self, pos: QPointF) -> Optional[tuple[int, int, int]]:
        self._layout()
        for unit, rect in enumerate(self._rects):
            if rect.contains(pos):
                rows, cols = self._owner.image_shape()
                col = min(cols - 1, int((pos.x() - rect.left()) * cols / rect.width()))
                row = min(rows - 1, int((pos.y() - rect.top()) * rows / rect.height()))
                return unit, row, col
        return None

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            found = self.unit_at(QPointF(event.pos()))
            if found is None:
                QToolTip.showText(event.globalPos(), self.toolTip(), self)
            else:
                QToolTip.showText(event.globalPos(), self._owner.describe(*found), self)
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        found = self.unit_at(event.position())
        if found is not None and event.button() == Qt.MouseButton.LeftButton:
            self.unitClicked.emit(found[0])


class WeightImagesView(Retranslating, QWidget):
    """``weightImages``: the first layer's incoming weights per unit, as images."""

    unitChosen = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "weightImages")
        self._network: Optional[Network] = None
        self._images: Optional[np.ndarray] = None
        self._class_names: tuple = ()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.grid = _TileGrid(self)
        self.legend = palette.DivergingLegend()
        self.legend.setObjectName("weightImagesLegend")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.legend)
        self.grid.unitClicked.connect(self.unitChosen)
        self.retranslate()

    def images(self) -> Optional[np.ndarray]:
        """Float array (units, 28, 28): the weights as shown (None without a model)."""
        return None if self._images is None else self._images.copy()

    def limit(self) -> float:
        """The colour scale's end: ±limit are the full blue and vermillion."""
        return self.legend.limit()

    def labels(self) -> tuple:
        if self._network is not None and is_template_layer(self._network):
            return self._class_names
        return ()

    def image_shape(self) -> tuple:
        return tuple(self._images.shape[1:]) if self._images is not None else (28, 28)

    def set_network(self, network: Optional[Network], class_names: Sequence[str] = ()) -> None:
        self._network, self._class_names = network, tuple(class_names)
        if network is None or len(network.input_shape) != 2:
            self._images = None
            self.grid.set_tiles([])
        else:
            self._images = first_layer_images(network)
            limit = symmetric_limit(self._images)
            rgb = palette.diverging_rgb(self._images, limit)
            self.grid.set_tiles([palette.to_qimage(tile) for tile in rgb])
            self.legend.set_limit(limit)
        self.retranslate()

    def select_unit(self, unit: Optional[int]) -> None:
        self.grid.select(unit)

    def describe(self, unit: int, row: int, col: int) -> str:
        labels = self.labels()
        who = trf("class %1", labels[unit]) if unit < len(labels) else trf("unit %1", unit)
        return trf("%1 — weight from pixel (row %2, column %3): %4", who, row, col,
                   f"{self._images[unit, row, col]:.3g}")

    def retranslate(self) -> None:
        if self._network is not None and is_template_layer(self._network):
            text = tr("No hidden layer: each image is one class's template. Bright (inked) "
                      "pixels on orange raise that class's score, on blue they lower it. "
                      "Click one to see its numbers.")
        else:
            text = tr("Each image is one unit of the first Dense layer: its 784 incoming "
                      "weights, drawn where their pixels are. Orange raises the unit when that "
                      "pixel is bright, blue lowers it. Click one to see its numbers.")
        self.caption.setText(text)
        self.grid.setToolTip(text)
        self.legend.setToolTip(tr("The colour scale, the same for every image and symmetric "
                                  "around 0: white is a weight of 0."))
        self.legend.set_words(tr("lowers the unit"), tr("raises the unit"))
        self.grid.update()
