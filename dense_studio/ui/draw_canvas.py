"""A square canvas to draw on with mouse or pen: white ink on black, like the training images.

Ink goes into a fixed 280×280 grayscale ``QImage`` (ten canvas pixels per model pixel), so
what is drawn does not depend on the widget's size, and :meth:`DrawCanvas.image` is one copy
of that buffer. Each stroke segment repaints only the screen rectangle it touched.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPointingDevice
from PySide6.QtWidgets import QSizePolicy, QWidget

from dense_studio.ui.names import name_widget

CANVAS_SIZE = 280
BRUSH_MIN = 6
BRUSH_MAX = 48
BRUSH_DEFAULT = 24  # a digit drawn ~200 px tall then has MNIST-like ~3 px strokes
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".pgm", ".ppm", ".pbm"}
)


def to_uint8_image(array) -> np.ndarray:
    """A 2-D gray image as uint8 (floats are taken to be in [0, 1])."""
    data = np.asarray(array)
    if data.ndim != 2 or data.shape[0] == 0 or data.shape[1] == 0:
        raise ValueError(f"expected a 2-D gray image, got shape {data.shape}")
    if data.dtype == np.uint8:
        return np.ascontiguousarray(data)
    if data.dtype == np.bool_:
        return np.ascontiguousarray(data, dtype=np.uint8) * 255
    if np.issubdtype(data.dtype, np.floating):
        values = np.nan_to_num(data.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
        return np.ascontiguousarray(np.clip(np.rint(values * 255.0), 0, 255).astype(np.uint8))
    if np.issubdtype(data.dtype, np.integer):
        return np.ascontiguousarray(np.clip(data, 0, 255).astype(np.uint8))
    raise ValueError(f"unsupported image type {data.dtype}")


def image_to_array(image: QImage) -> np.ndarray:
    """Copy a Format_Grayscale8 QImage into a (height, width) uint8 array without a Python loop."""
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return buffer.reshape(height, stride)[:, :width].copy()


def array_to_image(array: np.ndarray) -> QImage:
    """A Format_Grayscale8 QImage that owns a copy of a (height, width) uint8 array."""
    data = np.ascontiguousarray(array, dtype=np.uint8)
    height, width = data.shape
    return QImage(data.data, width, height, data.strides[0], QImage.Format.Format_Grayscale8).copy()


def local_image_path(mime) -> str | None:
    """The first local image file among dragged URLs, or None."""
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            path = url.toLocalFile()
            if Path(path).suffix.lower() in IMAGE_SUFFIXES:
                return path
    return None


class DrawCanvas(QWidget):
    """Draw with the left button or a pen; the right button (or the pen's eraser) erases.

    Signals:
      ``changed()``        the picture changed: every stroke segment, clear() and set_image()
      ``strokeFinished()`` the button or pen was released
      ``cleared()``        clear() emptied the canvas
      ``fileDropped(str)`` a local image file was dropped on the canvas
      ``brushSizeChanged(int)``
    """

    changed = Signal()
    strokeFinished = Signal()
    cleared = Signal()
    fileDropped = Signal(str)
    brushSizeChanged = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        name_widget(self, "drawCanvas")
        self._zoom = 1.0
        self.retranslate()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._image = QImage(CANVAS_SIZE, CANVAS_SIZE, QImage.Format.Format_Grayscale8)
        self._image.fill(0)
        self._empty = True
        self._brush = BRUSH_DEFAULT
        self._last: QPointF | None = None
        self._erasing = False
        self._hover: QPointF | None = None
        self._drop_hover = False

    # ----------------------------------------------------------------- public API
    def retranslate(self) -> None:
        """The canvas's texts in the window's language (again on a LanguageChange)."""
        self.setAccessibleDescription(
            self.tr("Draw a digit or a piece of clothing; the network guesses what it is."))
        self.setToolTip(self.tr(
            "Draw here with the mouse or a pen, white on black like the training images. "
            "Right button erases; Esc or Delete clears. You can also drop an image file here."))
        self.update()  # the "Draw here" hint

    def set_zoom(self, factor: float) -> None:
        """The window's zoom: the canvas asks for that much more room."""
        self._zoom = float(factor)
        self.updateGeometry()

    @property
    def brush_size(self) -> int:
        """Brush diameter in canvas pixels (the canvas is 280×280; a model pixel is 10)."""
        return self._brush

    @brush_size.setter
    def brush_size(self, size: int) -> None:
        self.set_brush_size(size)

    def set_brush_size(self, size: int) -> None:
        size = max(BRUSH_MIN, min(BRUSH_MAX, int(size)))
        if size != self._brush:
            self._brush = size
            self.brushSizeChanged.emit(size)
            if self._hover is not None:
                self.update()

    def clear(self) -> None:
        """Make the canvas black again; emits ``cleared`` and ``changed``."""
        self._image.fill(0)
        self._empty = True
        self._last = None
        self.update()
        self.cleared.emit()
        self.changed.emit()

    def image(self) -> np.ndarray:
        """The picture as a (280, 280) uint8 array, 0 = black, 255 = full ink (a copy)."""
        return image_to_array(self._image)

    def set_image(self, array) -> None:
        """Show a gray image (uint8, or float in [0, 1]), scaled smoothly to fill the canvas.

        A non-square image keeps its aspect ratio and is centred on black. Emits ``changed``.
        """
        data = to_uint8_image(array)
        source = array_to_image(data)
        height, width = data.shape
        scale = CANVAS_SIZE / max(height, width)
        target = QRectF(0, 0, width * scale, height * scale)
        target.moveCenter(QPointF(CANVAS_SIZE / 2, CANVAS_SIZE / 2))
        self._image.fill(0)
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, source)
        painter.end()
        self._empty = not bool(data.any())
        self._last = None
        self.update()
        self.changed.emit()

    def is_empty(self) -> bool:
        """True when nothing has been drawn since the last clear (or a black image was set)."""
        return self._empty

    # ----------------------------------------------------------------- geometry
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        side = round(CANVAS_SIZE * self._zoom)
        return QSize(side, side)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        side = round(140 * self._zoom)
        return QSize(side, side)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        return width

    def canvas_rect(self) -> QRectF:
        """Where the 280×280 canvas is drawn in the widget: the largest centred square."""
        side = max(1, min(self.width(), self.height()))
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def _to_canvas(self, pos: QPointF) -> QPointF:
        rect = self.canvas_rect()
        scale = CANVAS_SIZE / rect.width()
        return QPointF((pos.x() - rect.x()) * scale, (pos.y() - rect.y()) * scale)

    def _to_widget_rect(self, rect: QRectF) -> QRect:
        target = self.canvas_rect()
        scale = target.width() / CANVAS_SIZE
        mapped = QRectF(
            target.x() + rect.x() * scale,
            target.y() + rect.y() * scale,
            rect.width() * scale,
            rect.height() * scale,
        )
        return mapped.toAlignedRect().adjusted(-2, -2, 2, 2)

    # ----------------------------------------------------------------- drawing
    def _stroke(self, start: QPointF, end: QPointF, width: float) -> None:
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor(0, 0, 0) if self._erasing else QColor(255, 255, 255)
        pen = QPen(
            color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
        )
        painter.setPen(pen)
        if start == end:
            painter.drawPoint(end)
        else:
            painter.drawLine(start, end)
        painter.end()
        half = width / 2
        dirty = QRectF(start, end).normalized().adjusted(-half, -half, half, half)
        if self._empty and not self._erasing:
            self._empty = False
            self.update()  # the "Draw here" hint disappears everywhere
        else:
            self.update(self._to_widget_rect(dirty))
        self.changed.emit()

    def _begin(self, pos: QPointF, erase: bool, width: float) -> None:
        self._erasing = erase
        point = self._to_canvas(pos)
        self._last = point
        self._stroke(point, point, width)

    def _continue(self, pos: QPointF, width: float) -> None:
        if self._last is None:
            return
        point = self._to_canvas(pos)
        if point == self._last:
            return
        self._stroke(self._last, point, width)
        self._last = point

    def _end(self) -> None:
        if self._last is None:
            return
        self._last = None
        if self._erasing and not self._image_has_ink():
            self._empty = True
            self.update()
        self._erasing = False
        self.strokeFinished.emit()

    def _image_has_ink(self) -> bool:
        return bool(image_to_array(self._image).any())

    def _update_hover(self, pos: QPointF | None) -> None:
        old = self._hover
        self._hover = pos
        radius = self._brush / 2 * self.canvas_rect().width() / CANVAS_SIZE + 3
        for point in (old, pos):
            if point is not None:
                box = QRectF(point.x() - radius, point.y() - radius, 2 * radius, 2 * radius)
                self.update(box.toAlignedRect())

    # ----------------------------------------------------------------- events
    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self._begin(event.position(), event.button() == Qt.MouseButton.RightButton, self._brush)
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.buttons() & (Qt.MouseButton.LeftButton | Qt.MouseButton.RightButton):
            self._continue(event.position(), self._brush)
        else:
            self._update_hover(event.position())  # the brush outline follows the pointer
        event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self._end()
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._update_hover(None)
        super().leaveEvent(event)

    def tabletEvent(self, event) -> None:  # noqa: N802 (Qt name)
        # Pressure thins the line (never below 35 % of the brush); the eraser end erases.
        pressure = event.pressure()
        width = self._brush * (0.35 + 0.65 * pressure) if pressure > 0 else self._brush
        kind = event.type()
        if kind == event.Type.TabletPress:
            erase = event.pointerType() == QPointingDevice.PointerType.Eraser
            self._begin(event.position(), erase, width)
        elif kind == event.Type.TabletMove:
            self._continue(event.position(), width)
        elif kind == event.Type.TabletRelease:
            self._end()
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.clear()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_BracketLeft, Qt.Key.Key_Minus):
            self.set_brush_size(self._brush - 2)
            return
        if event.key() in (Qt.Key.Key_BracketRight, Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.set_brush_size(self._brush + 2)
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if local_image_path(event.mimeData()) is not None:
            event.acceptProposedAction()
            self._drop_hover = True
            self.update()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if local_image_path(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._drop_hover = False
        self.update()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._drop_hover = False
        self.update()
        path = local_image_path(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.fileDropped.emit(path)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        target = self.canvas_rect()
        outside = self.palette().window()
        full = QRectF(self.rect())
        # Margins around the square (only where the repaint reaches them).
        width, height = full.width(), full.height()
        if target.left() > 0:
            painter.fillRect(QRectF(0, 0, target.left(), height), outside)
            painter.fillRect(QRectF(target.right(), 0, width - target.right(), height), outside)
        if target.top() > 0:
            painter.fillRect(QRectF(0, 0, width, target.top()), outside)
            painter.fillRect(QRectF(0, target.bottom(), width, height - target.bottom()), outside)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, self._image)
        if self._empty:
            self._paint_hint(painter, target)
        if self._drop_hover:
            painter.setPen(QPen(QColor(80, 160, 255), 4, Qt.PenStyle.DashLine))
            painter.drawRect(target.adjusted(2, 2, -2, -2))
        if self._hover is not None and target.contains(self._hover) and self._last is None:
            radius = self._brush / 2 * target.width() / CANVAS_SIZE
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(255, 255, 255, 140), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(self._hover, radius, radius)
        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(target.adjusted(1, 1, -1, -1))
        painter.end()

    def _paint_hint(self, painter: QPainter, target: QRectF) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(10.0, target.width() / 16))
        painter.setFont(font)
        painter.setPen(QColor(150, 150, 150))
        painter.drawText(
            target.adjusted(0, 0, 0, -target.height() * 0.1),
            Qt.AlignmentFlag.AlignCenter,
            self.tr("Draw here"),
        )
        small = QFont(self.font())
        small.setPointSizeF(max(8.0, target.width() / 28))
        painter.setFont(small)
        painter.setPen(QColor(110, 110, 110))
        painter.drawText(
            target.adjusted(8, target.height() * 0.55, -8, 0),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            self.tr("white ink on black, like the training images"),
        )

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.update()
        super().focusOutEvent(event)
