"""Readable at 1024×768 (issue 10): every plot shown is at least 300 px wide, the window
fits 1024×700, its splitters really move, and the prediction chart is not cut off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from dense_studio.ui.readable import MIN_PLOT_WIDTH, visible_plots
from ui_helpers import make_window


@pytest.fixture
def small_window(qtbot, settings):
    window = make_window(qtbot, settings)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    qtbot.wait(50)
    return window


def _each_view(window, qtbot):
    """Show every tab of the middle column, and every Inside tab, in turn."""
    tabs = window.centerTabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        if tabs.widget(index) is window.insidePanel:
            inside = window.insidePanel.tabs
            for inner in range(inside.count()):
                inside.setCurrentIndex(inner)
                qtbot.wait(20)
                yield f"{tabs.tabText(index)} / {inside.tabText(inner)}"
        else:
            qtbot.wait(20)
            yield tabs.tabText(index)


def test_every_plot_shown_at_1024x768_is_at_least_300_px_wide(small_window, qtbot):
    window = small_window
    assert window.layout_.compact  # three columns do not fit: the left one is a tab
    seen = {}
    for view in _each_view(window, qtbot):
        plots = visible_plots(window)
        assert plots, view
        for name, width, _height in plots:
            seen[name] = min(width, seen.get(name, width))
            assert width >= MIN_PLOT_WIDTH, f"{name} is {width} px wide on {view!r}"
    # The curves, the bars and the Inside plots were all measured.
    assert {"lossPlot", "accuracyPlot", "predictionPlot", "confusionMatrix",
            "weightImages", "networkDiagram"} <= set(seen)


def test_the_window_fits_1024x700(small_window):
    hint = small_window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 700, hint
    small_window.resize(1024, 700)
    assert small_window.width() == 1024 and small_window.height() == 700


def test_the_prediction_chart_is_not_cut_off_at_the_bottom(small_window, qtbot):
    window = small_window
    window.resize(1024, 700)
    qtbot.wait(50)
    plot = window.predictionChart.findChild(type(window.lossPlot), "predictionPlot")
    panel = window.predictPanel
    bottom = plot.mapTo(panel, QPoint(0, plot.height())).y()
    assert plot.height() >= 150
    assert bottom <= panel.contentsRect().bottom() + 1
    axis = window.predictionChart.plot_item().getAxis("bottom")
    assert axis.isVisible() and axis.height() > 0


def _drag(handle, dx: int, dy: int) -> None:
    start = handle.rect().center()
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 6):
        QTest.mouseMove(handle, start + QPoint(dx * step // 5, dy * step // 5))
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QPoint(dx, dy))


def test_dragging_a_splitter_handle_resizes_the_panes(qtbot, settings):
    window = make_window(qtbot, settings)
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    qtbot.wait(50)
    main, right = window.mainSplitter, window.rightSplitter
    before = main.sizes()
    _drag(main.handle(2), -100, 0)  # between the middle tabs and the right column
    qtbot.wait(20)
    after = main.sizes()
    assert after[2] >= before[2] + 90 and after[1] <= before[1] - 90, (before, after)
    # A resize afterwards does not undo what the person chose.
    window.resize(1300, 900)  # taller too: at 720 px the canvas pane is at its minimum
    qtbot.wait(50)
    assert main.sizes()[2] == after[2]
    before = right.sizes()
    _drag(right.handle(1), 0, -30)  # between the canvas and the prediction
    qtbot.wait(20)
    assert right.sizes()[0] <= before[0] - 20 and right.sizes()[1] >= before[1] + 20


def test_zoomed_in_at_1024x768_the_plots_stay_wide_and_the_window_fits(small_window, qtbot):
    window = small_window
    window.zoom.set_factor(1.5)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.layout_.stacked)  # drawing and prediction: a tab too
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= 1024
    assert window.width() == 1024
    seen = set()
    for view in _each_view(window, qtbot):
        for name, width, _height in visible_plots(window):
            seen.add(name)
            assert width >= MIN_PLOT_WIDTH * 1.5, f"{name} is {width} px wide on {view!r}"
    assert {"lossPlot", "predictionPlot", "confusionMatrix"} <= seen
    window.zoom.reset()
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: not window.layout_.stacked)
    assert window.drawCanvas.isVisible()  # beside the tabs again


def test_a_window_too_low_for_drawing_above_prediction_puts_them_side_by_side(qtbot, settings):
    window = make_window(qtbot, settings)
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    assert not window.layout_.stacked  # at zoom 1 drawing and prediction fit one column
    window.zoom.set_factor(1.25)  # now they do not (748 px of minimums in 674)
    window.resize(1280, 721)
    qtbot.waitUntil(lambda: window.layout_.stacked)
    assert window.rightSplitter.orientation() == Qt.Orientation.Horizontal
    window.centerTabs.setCurrentWidget(window.rightSplitter)
    qtbot.wait(50)
    plot = window.predictionChart.plot_item().getViewWidget()
    bottom = plot.mapTo(window.predictPanel, QPoint(0, plot.height())).y()
    assert bottom <= window.predictPanel.contentsRect().bottom() + 1  # not cut off
    canvas = window.drawCanvas
    assert canvas.mapTo(window.drawPanel, QPoint(0, canvas.height())).y() \
        <= window.clearCanvasButton.mapTo(window.drawPanel, QPoint(0, 0)).y()  # no overlap
