"""The 28×28 image the network actually receives, blown up so every pixel is a visible square.

Learners draw on a big smooth canvas; this shows how little of it survives: 784 gray values.
Scaling is nearest-neighbour on purpose (no smoothing), with a faint grid when the squares
are big enough, and hovering a square tells its value.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from dense_studio.ui.draw_canvas import to_uint8_image, array_to_image

GRID_MIN_CELL = 6  # screen pixels per model pixel from which the grid is drawn


class _PixelView(QWidget):
    """Paints a small gray image as big square pixels, centred and square."""

    def __init__(self, owner: "InputPreview") -> None:
        super().__init__(owner)
        self._owner = owner
        self._image = None  # QImage (Grayscale8) of the array, or None
        self.setMouseTracking(True)
        self.setMinimumSize(112, 112)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_qimage(self, image) -> None:
        self._image = image
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(168, 168)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        return width

    def target(self) -> QRectF:
        """The largest centred square whose side is a whole number of pixels per cell."""
        image = self._image
        rows, cols = (28, 28) if image is None else (image.height(), image.width())
        cell = max(1, min(self.width() // cols, self.height() // rows))
        width, height = cell * cols, cell * rows
        return QRectF((self.width() - width) // 2, (self.height() - height) // 2, width, height)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        target = self.target()
        painter.fillRect(target, QColor(0, 0, 0))
        if self._image is None:
            font = QFont(self.font())
            font.setPointSizeF(max(9.0, target.width() / 18))
            painter.setFont(font)
            painter.setPen(QColor(140, 140, 140))
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter, self.tr("nothing yet"))
        else:
            # No SmoothPixmapTransform: nearest-neighbour keeps every model pixel a crisp square.
            painter.drawImage(target, self._image)
            cols, rows = self._image.width(), self._image.height()
            cell = target.width() / cols
            if cell >= GRID_MIN_CELL:
                painter.setPen(QPen(QColor(128, 128, 128, 60), 1))
                for c in range(1, cols):
                    x = target.left() + c * cell
                    painter.drawLine(QPointF(x, target.top()), QPointF(x, target.bottom()))
                for r in range(1, rows):
                    y = target.top() + r * cell
                    painter.drawLine(QPointF(target.left(), y), QPointF(target.right(), y))
        painter.setPen(QPen(QColor(110, 110, 110), 1))
        painter.drawRect(target.adjusted(0, 0, -1, -1))
        painter.end()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        array = self._owner.image()
        target = self.target()
        pos = event.position()
        if array is None or not target.contains(pos):
            QToolTip.hideText()
            return
        rows, cols = array.shape
        col = min(cols - 1, int((pos.x() - target.left()) * cols / target.width()))
        row = min(rows - 1, int((pos.y() - target.top()) * rows / target.height()))
        value = float(array[row, col])
        if array.dtype == np.uint8:
            value /= 255.0
        QToolTip.showText(
            event.globalPosition().toPoint(),
            self.tr("row {0}, column {1}: {2:.2f}").format(row, col, value),
            self,
        )


class InputPreview(QWidget):
    """Shows the model's input image (28×28 floats in [0, 1]) with visible pixels."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("inputPreview")
        self.setAccessibleName(self.tr("Network input preview"))
        self.setToolTip(
            self.tr(
                "Your drawing is cropped, centred and shrunk to 28×28 gray pixels — 784 numbers "
                "between 0 (black) and 1 (white). This is all the network gets to see. Hover a "
                "square to read its value."
            )
        )
        self._array: np.ndarray | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._caption = QLabel(self.tr("What the network sees (28×28)"))
        self._caption.setObjectName("inputPreviewCaption")
        self._caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._caption.setWordWrap(True)
        bold = self._caption.font()
        bold.setBold(True)
        self._caption.setFont(bold)
        self._view = _PixelView(self)
        layout.addWidget(self._caption)
        layout.addWidget(self._view, 1)

    def set_image(self, array) -> None:
        """Show a 2-D gray image (float in [0, 1] or uint8), or nothing for None."""
        if array is None:
            self._array = None
            self._view.set_qimage(None)
            return
        data = np.array(array, copy=True)
        image = array_to_image(to_uint8_image(data))  # validates: 2-D, numeric
        self._array = data
        self._view.set_qimage(image)

    def image(self) -> np.ndarray | None:
        """The last array given to :meth:`set_image` (a copy), or None."""
        return None if self._array is None else self._array.copy()

    def caption(self) -> str:
        return self._caption.text()

    def pixel_view(self) -> QWidget:
        """The widget that paints the pixels (for screenshots and tests)."""
        return self._view

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(180, 210)
