"""Dark mode follows the system, and one colour-blind-safe palette (issue 10)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication

from dense_studio.ui import color_scheme, palette
from dense_studio.ui.prediction_chart import PredictionChart


@pytest.fixture
def restore_palette(qapp):
    yield
    color_scheme.apply_scheme(qapp, Qt.ColorScheme.Light)
    assert not palette.is_dark(qapp.palette())


def _plot_background(chart) -> QColor:
    return chart.plot_item().getViewWidget().backgroundBrush().color()


def _contrast(a: QColor, b: QColor) -> float:
    def lum(c):
        def ch(v):
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_a_dark_system_gives_dark_plots_with_readable_text_live(qtbot, qapp, restore_palette):
    chart = PredictionChart()
    qtbot.addWidget(chart)
    chart.set_probabilities([0.1] * 9 + [0.1])
    assert not palette.is_dark(qapp.palette())
    light_background = _plot_background(chart)
    color_scheme.apply_scheme(qapp, Qt.ColorScheme.Dark)  # what the system's signal does
    assert palette.is_dark(qapp.palette())
    qtbot.waitUntil(lambda: _plot_background(chart) != light_background)  # (a posted event)
    background = _plot_background(chart)
    assert background.lightnessF() < 0.3
    foreground = chart._foreground  # noqa: SLF001 (the axes' and labels' colour)
    assert _contrast(foreground, background) >= 7
    axis = chart.plot_item().getAxis("left")
    assert axis.textPen().color() == foreground
    color_scheme.apply_scheme(qapp, Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: _plot_background(chart) == light_background)


def test_the_system_signal_switches_the_scheme(qtbot, qapp, restore_palette, monkeypatch):
    monkeypatch.delenv(color_scheme.SCHEME_ENV, raising=False)
    hints = QGuiApplication.styleHints()
    color_scheme.follow_system(qapp)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert palette.is_dark(qapp.palette())
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not palette.is_dark(qapp.palette())


def test_the_scheme_can_be_forced(monkeypatch):
    monkeypatch.setenv(color_scheme.SCHEME_ENV, "dark")
    assert color_scheme.system_scheme() == Qt.ColorScheme.Dark
    monkeypatch.setenv(color_scheme.SCHEME_ENV, "light")
    assert color_scheme.system_scheme() == Qt.ColorScheme.Light


def test_a_palette_the_platform_made_dark_is_left_alone(qapp, restore_palette):
    own = color_scheme.dark_palette()
    own.setColor(own.ColorRole.Base, QColor("#101020"))
    qapp.setPalette(own)
    color_scheme.apply_scheme(qapp, Qt.ColorScheme.Dark)
    assert qapp.palette().color(own.ColorRole.Base) == QColor("#101020")
    qapp.setPalette(qapp.style().standardPalette())


def test_one_okabe_ito_palette_for_bars_and_heat_maps(qtbot):
    from dense_studio.ui.inside import palette as inside_palette

    okabe_ito = {c.lower() for c in palette.OKABE_ITO.values()}
    assert {palette.BAR.lower(), palette.TOP.lower(), palette.TRAIN.lower(),
            palette.VALIDATION.lower(), palette.NEGATIVE.lower(),
            palette.POSITIVE.lower(), palette.RIGHT.lower()} <= okabe_ito
    assert inside_palette.diverging_rgb is palette.diverging_rgb  # the old name still works
    chart = PredictionChart()
    qtbot.addWidget(chart)
    chart.set_probabilities([0.05] * 9 + [0.55])
    colors = chart.bar_colors()
    assert colors[-1] == QColor(palette.TOP).name()
    assert set(colors[:-1]) == {QColor(palette.UNTRAINED if chart.is_untrained()
                                       else palette.BAR).name()}
