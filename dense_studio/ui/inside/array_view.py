"""A 2-D array drawn as coloured cells: hover reads a cell's value, a click chooses it.

The Inside views draw many arrays (an input, a kernel, a bias row, one unit's weights); this
widget does the common part. The array is coloured once when it is set (one QImage, nearest
neighbour scaling at paint time), so repaints cost a blit however large the array.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from dense_studio.ui.inside import palette

Describe = Callable[[int, int], str]


class ArrayView(QWidget):
    """Shows ``array`` (rows, cols) coloured by ``colors(array) -> uint8 RGB``.

    ``keep_aspect`` keeps cells square (images); otherwise the array fills the widget.
    ``describe(row, col)`` gives a cell's tooltip. :attr:`cellClicked` (row, col).
    ``highlight`` outlines a column (``("col", j)``), a row or a cell.
    """

    cellClicked = Signal(int, int)

    def __init__(self, parent=None, *, keep_aspect: bool = False,
                 hint: QSize = QSize(120, 24)) -> None:
        super().__init__(parent)
        self._array: Optional[np.ndarray] = None
        self._image: Optional[QImage] = None
        self._describe: Optional[Describe] = None
        self._highlight: Optional[tuple] = None
        self._keep_aspect = keep_aspect
        self._hint = hint
        self.show_values = False  # write each value in its cell when the cells are wide
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_array(self, array: Optional[np.ndarray], colors: Callable[[np.ndarray], np.ndarray],
                  describe: Optional[Describe] = None) -> None:
        if array is None:
            self._array = self._image = None
        else:
            array = np.asarray(array)
            if array.ndim == 1:
                array = array[np.newaxis]
            self._array = array
            self._image = palette.to_qimage(colors(array))
        self._describe = describe
        self.update()

    def array(self) -> Optional[np.ndarray]:
        return self._array

    def set_highlight(self, highlight: Optional[tuple]) -> None:
        if highlight != self._highlight:
            self._highlight = highlight
            self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self._hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(min(24, self._hint.width()), min(12, self._hint.height()))

    # -- geometry --------------------------------------------------------------------------
    def target(self) -> QRectF:
        """Where the array is drawn, in widget pixels."""
        area = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        if self._array is None or not self._keep_aspect:
            return area
        rows, cols = self._array.shape[:2]
        scale = min(area.width() / cols, area.height() / rows)
        w, h = cols * scale, rows * scale
        return QRectF(area.left() + (area.width() - w) / 2, area.top() + (area.height() - h) / 2,
                      w, h)

    def cell_at(self, pos: QPointF) -> Optional[tuple[int, int]]:
        if self._array is None:
            return None
        target = self.target()
        if not target.contains(pos):
            return None
        rows, cols = self._array.shape[:2]
        col = min(cols - 1, int((pos.x() - target.left()) * cols / target.width()))
        row = min(rows - 1, int((pos.y() - target.top()) * rows / target.height()))
        return row, col

    def cell_center(self, row: int, col: int) -> QPointF:
        target = self.target()
        rows, cols = self._array.shape[:2]
        return QPointF(target.left() + (col + 0.5) * target.width() / cols,
                       target.top() + (row + 0.5) * target.height() / rows)

    # -- painting and mouse ----------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        target = self.target()
        if self._image is None:
            painter.setPen(QPen(QColor(palette.MUTED), 1, Qt.PenStyle.DashLine))
            painter.drawRect(target.adjusted(0, 0, -1, -1))
            painter.end()
            return
        painter.drawImage(target, self._image)
        painter.setPen(QPen(QColor(palette.MUTED), 1))
        painter.drawRect(target)
        if self.show_values:
            self._paint_values(painter, target)
        if self._highlight is not None:
            kind, *where = self._highlight
            rows, cols = self._array.shape[:2]
            cw, ch = target.width() / cols, target.height() / rows
            if kind == "col":
                box = QRectF(target.left() + where[0] * cw, target.top(), cw, target.height())
            elif kind == "row":
                box = QRectF(target.left(), target.top() + where[0] * ch, target.width(), ch)
            else:
                box = QRectF(target.left() + where[1] * cw, target.top() + where[0] * ch, cw, ch)
            painter.setPen(QPen(QColor(palette.SELECTION), 2))
            painter.drawRect(box.adjusted(-1, -1, 1, 1))
        painter.end()

    def cell_tip(self, pos: QPointF) -> str:
        """The tooltip at ``pos``: the cell's value, then what the array means."""
        cell = self.cell_at(pos)
        general = self.toolTip()
        if cell is None or self._describe is None:
            return general
        return self._describe(*cell) + (f"\n\n{general}" if general else "")

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.cell_tip(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def _paint_values(self, painter: QPainter, target: QRectF) -> None:
        rows, cols = self._array.shape[:2]
        width = target.width() / cols
        if rows != 1 or width < self.fontMetrics().horizontalAdvance("-0.00") + 4 \
                or target.height() < self.fontMetrics().height():
            return
        pixels = self._image.pixelColor
        for col in range(cols):
            cell = QRectF(target.left() + col * width, target.top(), width, target.height())
            painter.setPen(palette.text_color_on(pixels(col, 0).getRgb()))
            value = float(self._array[0, col])
            painter.drawText(cell, Qt.AlignmentFlag.AlignCenter,
                             f"{value:.2f}" if abs(value) < 100 else f"{value:.0f}")

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if QToolTip.isVisible():  # follow the mouse from cell to cell
            QToolTip.showText(event.globalPosition().toPoint(),
                              self.cell_tip(event.position()), self)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        cell = self.cell_at(event.position())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cellClicked.emit(*cell)
