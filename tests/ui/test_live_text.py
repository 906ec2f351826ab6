"""LiveText: a line that changes while training repaints itself only (real widgets)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from dense_studio.ui.live_text import LiveText


class LayoutRequests(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def shown_in_a_box(qtbot, widget):
    box = QWidget()
    QVBoxLayout(box).addWidget(widget)
    qtbot.addWidget(box)
    box.resize(200, 60)
    box.show()
    qtbot.waitExposed(box)
    requests = LayoutRequests()
    box.installEventFilter(requests)
    qtbot.wait(20)  # (the showing's own layout)
    requests.count = 0
    return box, requests


def test_a_new_text_asks_for_no_new_layout_unlike_a_label(qtbot):
    live, live_requests = shown_in_a_box(qtbot, LiveText(" "))
    label, label_requests = shown_in_a_box(qtbot, QLabel(" "))
    for text in ("12,345 samples/s · about 2 min 05 s left", "9,876 samples/s · about 5 s left"):
        live.layout().itemAt(0).widget().setText(text)
        label.layout().itemAt(0).widget().setText(text)
        qtbot.wait(20)
    assert label_requests.count >= 1  # (what a QLabel does: the window lays out again)
    assert live_requests.count == 0


def test_a_long_text_is_elided_and_whole_in_the_tooltip(qtbot):
    text = LiveText()
    box, _ = shown_in_a_box(qtbot, text)
    box.resize(80, 40)
    long = "12,345 samples in 1 min 05 s · 9,876 samples/s on average"
    text.setText(long)
    assert text.text() == long and text.toolTip() == long
    assert text.minimumSizeHint().width() == 0  # it never widens the column
    assert text.height() == text.sizeHint().height()
    assert text.grab().width() <= 80
