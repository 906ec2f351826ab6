"""The 28×28 image the network actually receives, blown up so every pixel is a visible square.

Learners draw on a big smooth canvas; this shows how little of it survives: 784 gray values.
Scaling is nearest-neighbour on purpose (no smoothing), with a faint grid when the squares
are big enough, and hovering a square tells its value.

It repaints with every live prediction, on the GUI thread that training shares, so a paint
is two blits: the 28×28 RGB32 QImage (built once per :meth:`InputPreview.set_image`)
scaled without smoothing, and the grid, rendered once per widget size into a transparent pixmap.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QToolTip, QVBoxLayout, QWidget

from dense_studio.ui.draw_canvas import array_to_image, to_uint8_image
from dense_studio.ui.inside.strings import Retranslating
from dense_studio.ui.messages import fill
from dense_studio.ui.names import name_widget

GRID_MIN_CELL = 6  # screen pixels per model pixel from which the grid is drawn


class _PixelView(QWidget):
    """Paints a small gray image as big square pixels, centred and square."""

    def __init__(self, owner: "InputPreview") -> None:
        super().__init__(owner)
        self._owner = owner
        self._image = None  # QImage (RGB32, gray values) of the array, or None
        self._grid: QPixmap | None = None  # the grid lines over target(), for _grid_key
        self._grid_key: tuple | None = None
        self._hint_font = QFont(self.font())
        self._hint_size = 0.0
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

    def _grid_pixmap(self, target: QRectF, cols: int, rows: int) -> QPixmap | None:
        """The faint cell grid for ``target``, drawn once per size (None: cells too small)."""
        cell = target.width() / cols
        if cell < GRID_MIN_CELL:
            return None
        ratio = self.devicePixelRatioF()
        key = (int(target.width()), int(target.height()), cols, rows, ratio)
        if key != self._grid_key:
            pixmap = QPixmap(round(target.width() * ratio), round(target.height() * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setPen(QPen(QColor(128, 128, 128, 60), 1))
            width, height = target.width(), target.height()
            lines = [QLineF(c * cell, 0, c * cell, height) for c in range(1, cols)]
            lines += [QLineF(0, r * cell, width, r * cell) for r in range(1, rows)]
            painter.drawLines(lines)
            painter.end()
            self._grid, self._grid_key = pixmap, key
        return self._grid

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        target = self.target()
        outside = self.palette().window()
        # The margins around the square (the square itself is painted opaque below).
        width, height = self.width(), self.height()
        painter.fillRect(QRectF(0, 0, width, target.top()), outside)
        painter.fillRect(QRectF(0, target.bottom(), width, height - target.bottom()), outside)
        painter.fillRect(QRectF(0, target.top(), target.left(), target.height()), outside)
        painter.fillRect(
            QRectF(target.right(), target.top(), width - target.right(), target.height()), outside
        )
        if self._image is None:
            painter.fillRect(target, QColor(0, 0, 0))
            size = max(9.0, target.width() / 18)
            if size != self._hint_size:
                self._hint_font.setPointSizeF(size)
                self._hint_size = size
            painter.setFont(self._hint_font)
            painter.setPen(QColor(140, 140, 140))
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter, self.tr("nothing yet"))
        else:
            # No SmoothPixmapTransform: nearest-neighbour keeps every model pixel a crisp square.
            painter.drawImage(target, self._image)
            grid = self._grid_pixmap(target, self._image.width(), self._image.height())
            if grid is not None:
                painter.drawPixmap(target.topLeft(), grid)
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
            fill(self.tr("row %1, column %2: %3"), row, col, f"{value:.2f}"),
            self,
        )


class StepsButton(Retranslating, QToolButton):
    """``preprocessStepsButton``: opens the steps that made the input from the picture."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "preprocessStepsButton")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(self.tr("How? Step by step…"))
        self.setToolTip(self.tr(
            "See how your picture became these 28×28 pixels: background found, cropped to "
            "the ink, scaled, centred"))
        self.setAccessibleDescription(self.toolTip())


class InputPreview(Retranslating, QWidget):
    """Shows the model's input image (28×28 floats in [0, 1]) with visible pixels.
    ``stepsRequested``: the person asked how the picture became this input."""

    stepsRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "inputPreview", self.tr("Network input preview"))
        self._array: np.ndarray | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._caption = QLabel()
        self._caption.setObjectName("inputPreviewCaption")
        self._caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._caption.setWordWrap(True)
        bold = self._caption.font()
        bold.setBold(True)
        self._caption.setFont(bold)
        self._view = _PixelView(self)
        layout.addWidget(self._caption)
        layout.addWidget(self._view, 1)
        self.stepsButton = StepsButton()
        self.stepsButton.clicked.connect(self.stepsRequested)
        layout.addWidget(self.stepsButton, 0, Qt.AlignmentFlag.AlignHCenter)
        self.retranslate()

    def retranslate(self) -> None:
        self.setToolTip(self.tr(
            "Your drawing is cropped, centred and shrunk to 28×28 gray pixels — 784 numbers "
            "between 0 (black) and 1 (white). This is all the network gets to see. Hover a "
            "square to read its value."))
        self._caption.setText(self.tr("What the network sees (28×28)"))

    def set_image(self, array) -> None:
        """Show a 2-D gray image (float in [0, 1] or uint8), or nothing for None."""
        if array is None:
            self._array = None
            self._view.set_qimage(None)
            return
        data = np.array(array, copy=True)
        # RGB32 once here (784 pixels) rather than a Grayscale8 → RGB conversion inside
        # every scaled drawImage: the paint's blit is about 3× cheaper that way.
        image = array_to_image(to_uint8_image(data)).convertToFormat(  # validates: 2-D
            QImage.Format.Format_RGB32
        )
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
