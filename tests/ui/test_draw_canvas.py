"""The drawing canvas driven with real mouse, key and drop events."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import (  # noqa: E402
    QEvent,
    QMimeData,
    QObject,
    QPoint,
    QPointF,
    QRect,
    Qt,
    QUrl,
)
from PySide6.QtGui import (  # noqa: E402
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QInputDevice,
    QPointingDevice,
    QTabletEvent,
)
from PySide6.QtWidgets import QApplication  # noqa: E402

from dense_studio.ui.draw_canvas import CANVAS_SIZE, DrawCanvas  # noqa: E402



LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def canvas(qtbot):
    widget = DrawCanvas()
    qtbot.addWidget(widget)
    widget.resize(CANVAS_SIZE, CANVAS_SIZE)  # one widget pixel per canvas pixel
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def stroke(qtbot, canvas, points, button=LEFT) -> None:
    first, *rest = [QPoint(*p) for p in points]
    qtbot.mousePress(canvas, button, pos=first)
    for point in rest:
        qtbot.mouseMove(canvas, point)
    qtbot.mouseRelease(canvas, button, pos=rest[-1] if rest else first)


def ink_rows(image: np.ndarray, column: int) -> int:
    return int((image[:, column] > 127).sum())


def test_name_and_empty_start(canvas):
    assert canvas.objectName() == canvas.accessibleName() == "drawCanvas"
    assert "Draw a digit" in canvas.accessibleDescription()
    assert canvas.is_empty()
    image = canvas.image()
    assert image.shape == (CANVAS_SIZE, CANVAS_SIZE) and image.dtype == np.uint8
    assert not image.any()


def test_mouse_stroke_draws_ink_where_drawn(qtbot, canvas):
    changes = []
    canvas.changed.connect(lambda: changes.append(1))
    with qtbot.waitSignal(canvas.strokeFinished):
        stroke(qtbot, canvas, [(40, 140), (100, 140), (160, 140), (240, 140)])
    image = canvas.image()
    assert len(changes) >= 4  # the press dot and every segment
    assert (image[140, 40:241] > 200).all()  # white along the line
    assert not image[:100].any() and not image[180:].any()  # black away from it
    assert not canvas.is_empty()

    # Anti-aliased: the edge of a slanted stroke has gray levels, not just 0 and 255.
    canvas.clear()
    stroke(qtbot, canvas, [(40, 60), (240, 200)])
    levels = np.unique(canvas.image()[:, 140])
    assert len(levels) > 3


def test_right_button_erases(qtbot, canvas):
    stroke(qtbot, canvas, [(40, 140), (240, 140)])
    stroke(qtbot, canvas, [(140, 100), (140, 180)], button=Qt.MouseButton.RightButton)
    image = canvas.image()
    assert image[140, 140] == 0 and image[140, 60] > 200


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_Delete])
def test_escape_and_delete_clear(qtbot, canvas, key):
    stroke(qtbot, canvas, [(40, 40), (200, 200)])
    canvas.setFocus()
    with qtbot.waitSignal(canvas.cleared), qtbot.waitSignal(canvas.changed):
        qtbot.keyClick(canvas, key)
    assert canvas.is_empty() and not canvas.image().any()


def test_set_image_round_trip_and_upscaling(qtbot, canvas):
    rng = np.random.default_rng(0)
    exact = rng.integers(0, 256, size=(CANVAS_SIZE, CANVAS_SIZE), dtype=np.uint8)
    with qtbot.waitSignal(canvas.changed):
        canvas.set_image(exact)
    np.testing.assert_array_equal(canvas.image(), exact)
    assert not canvas.is_empty()

    small = np.zeros((28, 28), np.float32)
    small[6:22, 12:16] = 1.0  # a thick vertical bar, like a "1"
    canvas.set_image(small)
    image = canvas.image()
    assert image[140, 140] == 255 and image[20, 20] == 0 and image[140, 40] == 0
    blocks = image.reshape(28, 10, 28, 10).mean(axis=(1, 3)) / 255.0
    assert np.abs(blocks - small).max() < 0.35  # smooth edges, same picture
    edge = image[140, 100:140]
    assert 0 < edge.min() < 255 or len(np.unique(edge)) > 2  # smoothed, not blocky

    canvas.set_image(np.zeros((28, 28), np.uint8))
    assert canvas.is_empty()
    with pytest.raises(ValueError):
        canvas.set_image(np.zeros((3, 28, 28)))


def test_brush_size_changes_stroke_width(qtbot, canvas):
    widths = {}
    for size in (8, 32):
        canvas.clear()
        with qtbot.waitSignal(canvas.brushSizeChanged):
            canvas.brush_size = size
        assert canvas.brush_size == size
        stroke(qtbot, canvas, [(40, 140), (240, 140)])
        widths[size] = ink_rows(canvas.image(), 140)
    assert abs(widths[8] - 8) <= 2 and abs(widths[32] - 32) <= 2
    canvas.set_brush_size(1000)
    assert canvas.brush_size <= 64


def test_pen_pressure_thins_the_line_and_the_eraser_erases(canvas):
    def device(kind):
        return QPointingDevice(
            "test pen", 7, QInputDevice.DeviceType.Stylus, kind,
            QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 3,
        )

    def pen_stroke(dev, y, pressure):
        for kind, x in ((QEvent.Type.TabletPress, 40), (QEvent.Type.TabletMove, 240),
                        (QEvent.Type.TabletRelease, 240)):
            event = QTabletEvent(
                kind, dev, QPointF(x, y), QPointF(x, y), pressure, 0.0, 0.0, 0.0, 0.0, 0.0,
                Qt.KeyboardModifier.NoModifier, LEFT, LEFT,
            )
            QApplication.sendEvent(canvas, event)

    pen = device(QPointingDevice.PointerType.Pen)
    pen_stroke(pen, 80, 1.0)
    pen_stroke(pen, 200, 0.1)
    column = canvas.image()[:, 140] > 127
    firm, light = int(column[:140].sum()), int(column[140:].sum())
    assert abs(firm - canvas.brush_size) <= 2 and light < firm / 2
    pen_stroke(device(QPointingDevice.PointerType.Eraser), 80, 1.0)
    assert canvas.image()[60:100, 40:241].max() < 128 and canvas.image()[200, 140] > 127


def test_drawing_scales_with_widget_size(qtbot, canvas):
    canvas.resize(700, 500)  # the canvas is the centred 500×500 square
    qtbot.wait(10)
    stroke(qtbot, canvas, [(350, 250), (352, 250)])
    image = canvas.image()
    ys, xs = np.nonzero(image > 127)
    assert abs(ys.mean() - 140) < 3 and abs(xs.mean() - 141) < 4


def test_segment_repaints_only_its_rectangle(qtbot, canvas, monkeypatch):
    stroke(qtbot, canvas, [(20, 20), (22, 20)])  # not empty any more
    rects = []
    original = canvas.update

    def record(*args):
        rects.append(args)
        original(*args)

    monkeypatch.setattr(canvas, "update", record)
    stroke(qtbot, canvas, [(100, 100), (110, 104)])
    dirty = [args[0] for args in rects if args]
    assert dirty and all(r.width() < 80 and r.height() < 80 for r in dirty)
    assert all(args for args in rects)  # never a whole-widget update()

    # What Qt then paints is that small region, not the whole 280×280 canvas.
    painted = []

    class PaintSpy(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.Paint:
                painted.append(event.region().boundingRect())
            return False

    spy = PaintSpy()
    canvas.installEventFilter(spy)
    qtbot.mousePress(canvas, LEFT, pos=QPoint(150, 150))
    QApplication.processEvents()
    painted.clear()
    qtbot.mouseMove(canvas, QPoint(160, 152))
    QApplication.processEvents()
    qtbot.mouseRelease(canvas, LEFT, pos=QPoint(160, 152))
    canvas.removeEventFilter(spy)
    brush = canvas.brush_size
    assert painted, "the segment was not repainted"
    for rect in painted:
        assert rect.width() <= 10 + brush + 8 and rect.height() <= 2 + brush + 8, rect
        assert rect.intersects(QRect(150, 150, 11, 3))


def _drop_event(paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime, QDropEvent(
        QPointF(100, 100), Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier
    )


def test_dropped_image_file_is_reported(qtbot, canvas, tmp_path):
    path = tmp_path / "digit.png"
    picture = QImage(28, 28, QImage.Format.Format_Grayscale8)
    picture.fill(0)
    assert picture.save(str(path))
    mime, drop = _drop_event([tmp_path / "notes.txt", path])
    enter = QDragEnterEvent(
        QPoint(100, 100), Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(canvas, enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(canvas.fileDropped) as blocker:
        QApplication.sendEvent(canvas, drop)
    assert blocker.args == [str(path)]


def test_non_image_drop_is_refused(qtbot, canvas, tmp_path):
    mime, drop = _drop_event([tmp_path / "notes.txt"])
    enter = QDragEnterEvent(
        QPoint(100, 100), Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(canvas, enter)
    assert not enter.isAccepted()
    with qtbot.assertNotEmitted(canvas.fileDropped):
        QApplication.sendEvent(canvas, drop)


def test_bracket_keys_shrink_and_grow_the_brush_within_its_range(qtbot, canvas):
    from dense_studio.ui.draw_canvas import BRUSH_MAX, BRUSH_MIN

    sizes = []
    canvas.brushSizeChanged.connect(sizes.append)
    start = canvas.brush_size
    qtbot.keyClick(canvas, Qt.Key.Key_BracketRight)
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    assert sizes == [start + 2, start, start - 2]
    for _ in range(40):
        qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    assert canvas.brush_size == BRUSH_MIN
    for _ in range(40):
        qtbot.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert canvas.brush_size == BRUSH_MAX
