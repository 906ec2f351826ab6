"""Small helpers shared by the window tests: drawing strokes and making windows."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def _mouse(widget, kind, pos: QPointF, button, buttons) -> None:
    global_pos = QPointF(widget.mapToGlobal(pos.toPoint()))
    event = QMouseEvent(kind, pos, global_pos, button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def draw_stroke(canvas, points, steps: int = 6) -> None:
    """Press, drag through ``points`` (fractions of the canvas, 0..1) and release, as a user
    with a mouse would (real QMouseEvents, delivered to the canvas)."""
    rect = canvas.canvas_rect() if hasattr(canvas, "canvas_rect") else canvas.rect()

    def at(fx: float, fy: float) -> QPointF:
        return QPointF(rect.x() + fx * rect.width(), rect.y() + fy * rect.height())

    left = Qt.MouseButton.LeftButton
    none = Qt.MouseButton.NoButton
    first = at(*points[0])
    _mouse(canvas, QEvent.Type.MouseButtonPress, first, left, left)
    previous = points[0]
    for point in points[1:]:
        for i in range(1, steps + 1):
            t = i / steps
            fx = previous[0] + (point[0] - previous[0]) * t
            fy = previous[1] + (point[1] - previous[1]) * t
            _mouse(canvas, QEvent.Type.MouseMove, at(fx, fy), none, left)
        previous = point
    _mouse(canvas, QEvent.Type.MouseButtonRelease, at(*points[-1]), left, none)


#: A vertical bar: an MNIST model calls it "1"; a Fashion model sees a narrow garment.
ONE = [(0.5, 0.15), (0.5, 0.85)]
#: A closed loop: MNIST "0".
ZERO = [(0.5, 0.15), (0.75, 0.3), (0.78, 0.65), (0.5, 0.86), (0.24, 0.65), (0.26, 0.3),
        (0.5, 0.15)]


def make_window(qtbot, settings, train_limit=3000, **kwargs):
    """A shown window with its own settings, once its dataset is loaded."""
    from dense_studio.ui import MainWindow

    window = MainWindow(settings=settings, train_limit=train_limit, **kwargs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=15000)
    return window
