"""Presenter mode (issue 10): F5 → full screen, large type, one big view at a time (one key
to the next), editing panels away; Esc → the window exactly as it was."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

import pytest

from dense_studio.ui.panels import CANVAS_MIN_SIDE
from dense_studio.ui.presenter import PRESENTER_BOOST, VIEWS
from dense_studio.ui.settings import read_setting
from ui_helpers import make_window


def _state(window):
    return {
        "geometry": window.geometry(),
        "full screen": window.isFullScreen(),
        "splitters": [s.sizes() for s in window.layout_.splitters],
        "center tab": window.centerTabs.currentIndex(),
        "font": window.font().pointSizeF(),
        "central": window.centralWidget(),
        "editor shown": window.layerEditor.isVisible(),
        "compact": window.layout_.compact,
        "canvas parent": window.drawPanel.parent(),
    }


def _key(window, key, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(window.focusWidget() or window, key, modifier)


def test_f5_presents_and_esc_gives_the_window_back_exactly(qtbot, settings):
    window = make_window(qtbot, settings)
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    window.centerTabs.setCurrentIndex(0)  # the network and training tab (compact)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    before = _state(window)
    assert before["editor shown"]
    normal_canvas = window.drawCanvas.canvas_rect().width()
    _key(window, Qt.Key.Key_F5)
    assert window.presenter_mode() and window.presenterAction.isChecked()
    qtbot.waitUntil(window.isFullScreen)
    qtbot.wait(50)
    # Large type, editing panels away, the canvas and the bars big.
    # (the test screen is 800×600: the boost is what fits it, at most PRESENTER_BOOST)
    boost = window.presenter.boost()
    assert 1.1 <= boost <= PRESENTER_BOOST
    assert window.font().pointSizeF() == pytest.approx(boost * before["font"])
    screen = window.screen().geometry()
    assert window.geometry() == screen
    need = window.minimumSizeHint()
    assert need.width() <= screen.width() and need.height() <= screen.height()
    assert not window.layerEditor.isVisible() and not window.trainingPanel.isVisible()
    assert window.presenter.view() == "drawing"
    assert window.drawCanvas.isVisible() and window.predictionChart.isVisible()
    side = min(window.drawCanvas.canvas_rect().width(), window.drawCanvas.canvas_rect().height())
    assert side > normal_canvas and side >= CANVAS_MIN_SIDE * boost
    assert window.predictionChart.plot_item().getViewWidget().width() >= 300 * boost
    # One key to each of the other views, in turn.
    seen = [window.presenter.view()]
    for _ in VIEWS[1:]:
        _key(window, Qt.Key.Key_PageDown)
        seen.append(window.presenter.view())
    assert seen == list(VIEWS)
    _key(window, Qt.Key.Key_PageDown)
    assert window.presenter.view() == "drawing"  # round again
    window.presenter.show_view(VIEWS.index("curves"))
    assert window.lossPlot.isVisible() and not window.drawCanvas.isVisible()
    window.presenter.show_view(VIEWS.index("networkDiagram"))
    assert window.insidePanel.diagram.isVisible()
    _key(window, Qt.Key.Key_2)
    assert window.presenter.view() == "curves"
    _key(window, Qt.Key.Key_Escape)
    assert not window.presenter_mode() and not window.presenterAction.isChecked()
    qtbot.waitUntil(lambda: not window.isFullScreen())
    qtbot.waitUntil(lambda: window.geometry() == before["geometry"])
    qtbot.wait(50)
    assert _state(window) == before
    assert window.layerEditor.isVisible()


def test_presenter_mode_is_never_saved_as_the_layout(qtbot, settings):
    window = make_window(qtbot, settings)
    window.resize(1200, 760)
    qtbot.waitUntil(lambda: window.width() == 1200)
    qtbot.wait(50)  # laid out at that size
    normal = window.saveGeometry()
    splitters = [s.saveState() for s in window.layout_.splitters]
    window.presenterAction.trigger()
    assert window.presenter_mode() and window.saveGeometry() != normal
    window.close()  # closing while presenting keeps the normal window's layout
    assert read_setting(settings, "geometry") == normal
    assert [read_setting(settings, name) for name in
            ("main_splitter", "left_splitter", "right_splitter")] == splitters
    again = make_window(qtbot, settings)
    assert not again.presenter_mode() and not again.isFullScreen()
    assert again.font().pointSizeF() == window.zoom.font().pointSizeF()  # no boost kept


def test_esc_clears_the_canvas_outside_presenter_mode_only(qtbot, settings):
    from ui_helpers import ONE, draw_stroke

    window = make_window(qtbot, settings)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    draw_stroke(window.drawCanvas, ONE)
    window.presenterAction.trigger()
    _key(window, Qt.Key.Key_Escape)  # leaves presenter mode, the drawing stays
    assert not window.presenter_mode() and not window.drawCanvas.is_empty()
    window.drawCanvas.setFocus()
    _key(window, Qt.Key.Key_Escape)
    assert window.drawCanvas.is_empty()
