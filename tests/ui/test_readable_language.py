"""The View menu, the draw and prediction panels and the chart follow a live language
switch (their retranslate() runs on LanguageChange)."""

from __future__ import annotations

import pytest

from dense_studio.ui import i18n
from ui_helpers import make_window


@pytest.fixture
def window(qtbot, settings, qapp):
    window = make_window(qtbot, settings)
    yield window
    i18n.apply_language(qapp, "en")


def test_the_view_menu_and_the_panels_switch_language_live(window, qtbot, qapp):
    assert window.viewMenu.menu.title() == "Vie&w"
    assert window.drawPanel.title() == "Draw"
    i18n.apply_language(qapp, "zh_TW")
    qtbot.waitUntil(lambda: window.viewMenu.menu.title() == "檢視(&W)")
    assert window.presenterAction.text() == "簡報模式(&P)"
    assert window.zoomInAction.text() == "放大(&I)"
    assert window.drawPanel.title() == "繪圖"
    assert window.clearCanvasButton.text() == "清除"
    assert window.predictPanel.title() == "預測"
    assert window.predictionChart.plot_item().getAxis("bottom").labelText == "機率"
    i18n.apply_language(qapp, "en")
    qtbot.waitUntil(lambda: window.viewMenu.menu.title() == "Vie&w")
    assert window.drawPanel.title() == "Draw"
