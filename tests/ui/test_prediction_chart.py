"""The prediction bar chart: what it shows is what probabilities() returns."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QObject  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402

from dense_studio.ui.prediction_chart import TOP_COLOR, PredictionChart  # noqa: E402



FASHION = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)


@pytest.fixture
def chart(qtbot):
    widget = PredictionChart()
    qtbot.addWidget(widget)
    widget.resize(420, 360)
    widget.set_class_names(FASHION)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def sneaker() -> np.ndarray:
    p = np.full(10, 0.069 / 9, dtype=np.float32)
    p[7] = 0.931
    return p


def bar_colors(chart) -> list[str]:
    return [QColor(b.color()).name() for b in chart.bars().opts["brushes"]]


def test_starts_empty_with_a_hint(chart):
    assert chart.objectName() == "predictionChart" and chart.accessibleName()
    assert chart.probabilities() is None
    assert not chart.bars().isVisible()
    assert "Draw something" in chart.headline()


def test_probabilities_round_trip_and_bar_lengths(chart):
    p = sneaker()
    chart.set_probabilities(p)
    shown = chart.probabilities()
    np.testing.assert_array_equal(shown, p)
    shown[0] = 5  # a copy: changing it changes nothing shown
    np.testing.assert_array_equal(chart.probabilities(), p)
    assert chart.bars().isVisible()
    np.testing.assert_allclose(chart.bars().opts["width"], p, rtol=1e-6)
    # The first class is the top bar.
    ys = chart.bars().opts["y"]
    assert ys[0] == ys.max() and ys[-1] == ys.min()


def test_top_class_is_highlighted_and_named(chart):
    chart.set_probabilities(sneaker())
    colors = bar_colors(chart)
    assert colors[7] == QColor(TOP_COLOR).name()
    assert all(c != colors[7] for i, c in enumerate(colors) if i != 7)
    assert chart.top_class() == 7
    assert chart.headline() == "Sneaker 93.1 %"
    assert "Sneaker" in chart.findChild(QLabel, "predictionTopLabel").text()

    p = np.zeros(10)
    p[2] = 0.6
    p[5] = 0.4
    chart.set_probabilities(p)
    assert bar_colors(chart)[2] == QColor(TOP_COLOR).name()
    assert bar_colors(chart)[7] != QColor(TOP_COLOR).name()
    assert chart.headline() == "Pullover 60.0 %"


def test_none_clears_the_bars(chart):
    chart.set_probabilities(sneaker())
    chart.set_probabilities(None)
    assert chart.probabilities() is None
    assert not chart.bars().isVisible()
    assert "Draw something" in chart.headline()


def test_untrained_note(chart):
    note = chart.findChild(QLabel, "untrainedNote")
    assert not note.isVisible()
    chart.set_untrained(True)
    assert note.isVisible() and "untrained" in note.text().lower()
    assert "random" in note.text()
    chart.set_probabilities(np.full(10, 0.1))
    chart.set_untrained(False)
    assert not note.isVisible() and chart.probabilities() is not None


def test_class_names_on_the_axis(chart):
    ticks = chart.plot_item().getAxis("left")._tickLevels[0]
    by_position = dict(ticks)
    ys = chart.bars().opts["y"]
    assert [by_position[y] for y in ys] == list(FASHION)

    chart.set_probabilities(sneaker())
    digits = [str(d) for d in range(10)]
    chart.set_class_names(digits)  # other classes: the old answer no longer applies
    assert chart.probabilities() is None
    assert [name for _y, name in chart.plot_item().getAxis("left")._tickLevels[0]] == digits
    chart.set_probabilities(sneaker())
    assert chart.headline() == "7 93.1 %"


def test_wrong_input_is_rejected(chart):
    with pytest.raises(ValueError):
        chart.set_probabilities(np.ones(3) / 3)
    with pytest.raises(ValueError):
        chart.set_probabilities(np.full(10, np.nan))
    chart.set_probabilities(sneaker()[None, :])  # a (1, classes) model output is fine
    assert chart.top_class() == 7


def test_update_takes_a_few_milliseconds(chart):
    rng = np.random.default_rng(0)
    samples = rng.dirichlet(np.ones(10), size=40)
    chart.set_probabilities(samples[0])
    times = []
    for p in samples:
        start = time.perf_counter()
        chart.set_probabilities(p)
        times.append(time.perf_counter() - start)
    # Typically 2-3 ms here; generous because the test machine is shared.
    assert np.median(times) < 0.015
