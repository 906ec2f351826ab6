"""The prediction bar chart: what it shows is what probabilities() returns."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QWidget  # noqa: E402

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
    return chart.bar_colors()


def orange_pixels(widget) -> int:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    stride = image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, stride * image.height())
    data = data.reshape(image.height(), stride)[:, : image.width() * 3].copy()
    rgb = data.reshape(-1, 3).astype(int)
    return int((np.abs(rgb - np.array(QColor(TOP_COLOR).getRgb()[:3])).sum(axis=1) < 40).sum())


def plot_pixels(chart) -> tuple[np.ndarray, float]:
    """The plot as painted, (height, width, 3) RGB, and its device pixel ratio."""
    image = chart._plot.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    stride = image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, stride * image.height())
    data = data.reshape(image.height(), stride)[:, : image.width() * 3].copy()
    return data.reshape(image.height(), image.width(), 3), image.devicePixelRatio()


def test_starts_empty_with_a_hint(chart):
    assert chart.objectName() == chart.accessibleName() == "predictionChart"
    assert chart.accessibleDescription() == "Draw something to see the network's guess"
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
    np.testing.assert_allclose(chart.bar_lengths(), p, rtol=1e-6)
    assert chart.accessibleDescription() == "Best guess: Sneaker 93.1 %"
    # The first class is the top bar.
    ys = chart.bar_centres()
    assert ys[0] == ys.max() and ys[-1] == ys.min()


def test_top_class_is_highlighted_and_named(chart):
    chart.set_probabilities(sneaker())
    colors = bar_colors(chart)
    assert colors[7] == QColor(TOP_COLOR).name()
    assert all(c != colors[7] for i, c in enumerate(colors) if i != 7)
    assert chart.top_class() == 7
    assert chart.headline() == "Sneaker 93.1 %"
    headline = chart.findChild(QWidget, "predictionTopLabel")
    assert headline.text() == "Sneaker 93.1 %"
    assert orange_pixels(headline) > 20  # the class name, in the highlight colour

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
    assert orange_pixels(chart.findChild(QWidget, "predictionTopLabel")) == 0


def test_new_predictions_only_repaint_no_layout_pass(qtbot, chart):
    """Live updates must not re-lay out the chart (a QLabel headline did, every time)."""
    headline = chart.findChild(QWidget, "predictionTopLabel")
    chart.resize(220, 320)
    chart.set_probabilities(sneaker())
    qtbot.wait(5)
    height = headline.height()
    requests = []

    class LayoutSpy(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.LayoutRequest:
                requests.append(watched)
            return False

    spy = LayoutSpy()
    for widget in (chart, headline, chart._plot):
        widget.installEventFilter(spy)
    for p in np.random.default_rng(2).dirichlet(np.ones(10), size=10):
        chart.set_probabilities(p)
        QApplication.processEvents()
    assert requests == [] and headline.height() == height
    for widget in (chart, headline, chart._plot):
        widget.removeEventFilter(spy)


def test_headline_hint_wraps_and_long_names_are_elided(qtbot, chart):
    headline = chart.findChild(QWidget, "predictionTopLabel")
    chart.resize(220, 320)
    chart.set_probabilities(None)
    qtbot.wait(5)
    # At 220 px the hint needs two lines, a prediction one line of the big font.
    assert headline.height() >= 2 * headline.fontMetrics().height()
    chart.set_class_names(("A very long class name that cannot fit",) + FASHION[1:])
    p = np.zeros(10)
    p[0] = 1.0
    chart.set_probabilities(p)
    qtbot.wait(5)
    assert chart.headline() == "A very long class name that cannot fit 100.0 %"
    assert headline.height() < 2 * headline.fontMetrics().height() + 8
    assert orange_pixels(headline) > 20  # drawn, elided to the width


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
    ys = chart.bar_centres()
    assert [by_position[y] for y in ys] == list(FASHION)

    chart.set_probabilities(sneaker())
    digits = [str(d) for d in range(10)]
    chart.set_class_names(digits)  # other classes: the old answer no longer applies
    assert chart.probabilities() is None
    assert [name for _y, name in chart.plot_item().getAxis("left")._tickLevels[0]] == digits
    chart.set_probabilities(sneaker())
    assert chart.headline() == "7 93.1 %"


@pytest.mark.parametrize("width", [220, 300, 420, 700])
def test_value_labels_stay_inside_the_plot(qtbot, chart, width):
    """A "99.7 %" right of a full bar used to be cut off at the chart's right edge."""
    chart.resize(width, 360)
    qtbot.wait(1)
    p = np.full(10, 0.003 / 9)
    p[7] = 0.997
    p[2], p[7] = 0.45, 0.547  # a long bar that is not the top one too
    chart.set_probabilities(p)
    chart._plot.grab()  # lay out and paint once
    view = chart.view_rect()
    labels = chart.value_labels()
    assert [text for text, _rect, _inside in labels][7] == "54.7 %"
    for text, rect, inside in labels:
        assert view.contains(rect), (width, text, rect, view)
    # Tiny bars keep their label outside (right of the bar's end).
    assert not labels[0][2] and labels[0][1].left() > view.left()
    # Labels never overlap one another.
    rects = [rect for _text, rect, _inside in labels]
    assert all(not a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])


def test_label_of_a_full_bar_is_painted_inside_it(qtbot, chart):
    chart.resize(220, 300)  # as narrow as the window makes it
    qtbot.wait(1)
    p = np.full(10, 0.003 / 9)
    p[7] = 0.997
    chart.set_probabilities(p)
    pixels, ratio = plot_pixels(chart)
    text, rect, inside = chart.value_labels()[7]
    assert text == "99.7 %" and inside
    view = chart.view_rect()

    def region(r):
        return pixels[
            int(r.top() * ratio) : int(r.bottom() * ratio),
            int(r.left() * ratio) : int(r.right() * ratio),
        ].reshape(-1, 3).astype(int)

    orange = np.array(QColor(TOP_COLOR).getRgb()[:3])
    label = region(rect)
    dark = label.sum(axis=1) < 200  # black text on the orange bar
    on_bar = np.abs(label - orange).sum(axis=1) < 30
    assert dark.sum() > 15 and on_bar.sum() > label.shape[0] // 3
    # Nothing of the text right of the bar: that strip is background (and grid) only.
    bar_end = rect.right() + 3
    strip = region(type(rect)(bar_end, rect.top(), view.right() - bar_end, rect.height()))
    assert (strip.sum(axis=1) < 200).sum() == 0


def test_bottom_axis_has_0_50_100_percent_and_draws_0(qtbot, chart):
    bottom = chart.plot_item().getAxis("bottom")
    major = [label for _v, label in bottom._tickLevels[0]]
    assert major == ["0 %", "50 %", "100 %"]
    for width in (220, 420):
        chart.resize(width, 320)
        qtbot.wait(1)
        canvas = QImage(10, 10, QImage.Format.Format_ARGB32)
        painter = QPainter(canvas)
        try:
            specs = bottom.generateDrawSpecs(painter)
        finally:
            painter.end()
        drawn = [text for _rect, _flags, text in specs[2]]
        assert drawn == ["0 %", "50 %", "100 %"], (width, drawn)
        rects = [rect for rect, _flags, _text in specs[2]]
        assert all(a.right() < b.left() for a, b in zip(rects, rects[1:]))  # no crowding


def test_an_update_leaves_axes_and_ranges_alone(qtbot, chart):
    """An update changes the bars only: no re-laid-out axis pictures, no range changes."""
    chart.set_probabilities(sneaker())
    chart._plot.grab()
    axes = [chart.plot_item().getAxis(name) for name in ("left", "bottom")]
    pictures = [axis.picture for axis in axes]
    assert all(picture is not None for picture in pictures)
    view = chart.plot_item().getViewBox()
    ranges = view.viewRange()
    for p in np.random.default_rng(1).dirichlet(np.ones(10), size=20):
        chart.set_probabilities(p)
    chart._plot.grab()
    assert [axis.picture for axis in axes] == pictures
    assert view.viewRange() == ranges
    np.testing.assert_allclose(chart.bar_lengths(), p)


def test_wrong_input_is_rejected(chart):
    with pytest.raises(ValueError):
        chart.set_probabilities(np.ones(3) / 3)
    with pytest.raises(ValueError):
        chart.set_probabilities(np.full(10, np.nan))
    chart.set_probabilities(sneaker()[None, :])  # a (1, classes) model output is fine
    assert chart.top_class() == 7
