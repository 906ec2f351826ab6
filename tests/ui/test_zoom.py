"""View → Zoom (issue 10): text, plots, chart and canvas scale together; remembered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from dense_studio.ui.settings import read_setting
from ui_helpers import make_window


def _sizes(window):
    chart = window.predictionChart
    plot = chart.plot_item().getViewWidget()
    tick = window.lossPlot.getPlotItem().getAxis("left").style["tickFont"]
    return {
        "font": window.font().pointSizeF(),
        "label": window.trainButton.font().pointSizeF(),
        "headline": chart._headline._big.pointSizeF(),  # noqa: SLF001 (what it paints)
        "chart ticks": chart._tick_font.pointSizeF(),  # noqa: SLF001
        "curve ticks": tick.pointSizeF(),
        "curve line": window.lossPlot.getPlotItem().listDataItems()[-1].opts["pen"].widthF(),
        "canvas": window.drawCanvas.minimumWidth(),
        "plot": plot.minimumWidth(),
    }


def test_zoom_in_scales_text_plots_chart_and_canvas_and_is_remembered(qtbot, settings):
    window = make_window(qtbot, settings)
    assert [window.zoomInAction.objectName(), window.zoomOutAction.objectName(),
            window.zoomResetAction.objectName()] == ["zoomInAction", "zoomOutAction",
                                                     "zoomResetAction"]
    before = _sizes(window)
    window.zoomInAction.trigger()
    window.zoomInAction.trigger()
    assert window.zoom.factor() == pytest.approx(1.25)
    after = _sizes(window)
    for name, value in before.items():
        assert after[name] == pytest.approx(value * 1.25, rel=0.05, abs=1), name
    assert read_setting(settings, "zoom") == pytest.approx(1.25)
    window.close()

    again = make_window(qtbot, settings)  # a restart: the zoom is back
    assert again.zoom.factor() == pytest.approx(1.25)
    assert _sizes(again)["font"] == pytest.approx(after["font"])
    again.zoomResetAction.trigger()
    assert _sizes(again) == pytest.approx(before)
    again.zoomOutAction.trigger()
    assert again.zoom.factor() < 1 and _sizes(again)["font"] < before["font"]


def test_zoom_keys(qtbot, settings):
    window = make_window(qtbot, settings)
    keys = {name: [k.toString() for k in getattr(window, name).shortcuts()]
            for name in ("zoomInAction", "zoomOutAction", "zoomResetAction")}
    assert "Ctrl++" in keys["zoomInAction"] and "Ctrl+=" in keys["zoomInAction"]
    assert "Ctrl+-" in keys["zoomOutAction"] and keys["zoomResetAction"] == ["Ctrl+0"]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom.factor() == pytest.approx(1.1)
    QTest.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom.factor() == 1.0
    assert QKeySequence("Ctrl+0") in window.zoomResetAction.shortcuts()


def test_the_view_menu_comes_before_help(qtbot, settings):
    window = make_window(qtbot, settings)
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles.index("View") < titles.index("Help")
    assert titles[-1] == "Help"
    assert window.viewMenu.menu.title() == "Vie&w"


def test_a_damaged_zoom_setting_falls_back_to_1(qtbot, settings):
    settings.setValue("ui/zoom", "huge")
    assert read_setting(settings, "zoom") == 1.0
    settings.setValue("ui/zoom", 40)
    assert read_setting(settings, "zoom") == 1.0
