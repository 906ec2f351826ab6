"""``preprocessSteps`` in the real window: the steps shown are the ones the network's input
went through (the last one is the array the session predicted), for a drawing, a photo file
and a test image, in English and Chinese, readable in a narrow panel."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from ui_helpers import ONE, draw_stroke, make_window

from dense_studio.data.preprocessing import preprocess
from dense_studio.ui import i18n
from dense_studio.ui.inside.preprocess_view import STEP_KEYS, PreprocessView
from dense_studio.ui.inside.strings import tr


@pytest.fixture
def window(qtbot, settings):
    window = make_window(qtbot, settings)
    yield window
    window.insidePanel.evaluator.wait()


def open_steps(qtbot, window) -> PreprocessView:
    """As a person would: the button under the input preview."""
    window.inputPreview.stepsButton.click()
    view = window.insidePanel.preprocess_steps
    qtbot.waitUntil(view.isVisible)
    assert window.centerTabs.currentWidget() is window.insidePanel
    return view


def network_input(window) -> np.ndarray:
    image = window.session.canvas.image
    assert image is not None
    return image


def test_a_drawing_steps_end_in_the_array_the_network_got(qtbot, window):
    view = open_steps(qtbot, window)
    assert view.steps() is None and all(image is None for image in view.images().values())
    draw_stroke(window.drawCanvas, [(0.7, 0.1), (0.9, 0.3)])  # small, in a corner
    qtbot.waitUntil(lambda: view.steps() is not None and view.steps().final is not None)
    qtbot.waitUntil(lambda: np.array_equal(view.steps().final, network_input(window)))
    np.testing.assert_array_equal(view.images()["final"], network_input(window))
    steps = view.steps()
    assert steps.recipe == "drawing" and steps.centred_by == "box"  # Fashion-MNIST's style
    top, left, bottom, right = steps.box
    assert left > 140 and bottom < 140  # found in the top-right corner of the 280×280 canvas
    np.testing.assert_array_equal(view.images()["crop"], steps.ink[top:bottom, left:right])
    for key in STEP_KEYS:
        tile = view.tiles[key]
        assert tile.title.text() and tile.toolTip() and tile.caption.text()


def test_a_photo_file_is_shown_as_the_window_preprocessed_it(qtbot, window, tmp_path):
    picture = Image.new("RGB", (600, 400), (228, 226, 220))
    ImageDraw.Draw(picture).rectangle([150, 60, 330, 340], fill=(30, 30, 40))
    path = tmp_path / "shirt.jpg"
    picture.save(path, quality=85)
    view = open_steps(qtbot, window)
    assert window.open_image(str(path))
    qtbot.waitUntil(lambda: view.steps() is not None
                    and np.array_equal(view.steps().final, network_input(window)))
    steps = view.steps()
    assert steps.recipe == "photo" and steps.dark_ink
    assert steps.bars[0] > 40 and steps.bars[1] > 40  # the canvas's black bars, cut off
    # The same function on the canvas's pixels: exactly what the predictor computed.
    np.testing.assert_array_equal(preprocess(window.drawCanvas.image(), "garment"),
                                  network_input(window))
    assert "Fashion-MNIST" in view.header.text()


def test_a_test_image_goes_in_as_it_is(qtbot, window):
    view = open_steps(qtbot, window)
    window.show_random_sample()
    qtbot.waitUntil(lambda: view.images()["final"] is not None)
    assert view.steps() is None
    np.testing.assert_array_equal(view.images()["final"], network_input(window))
    assert [key for key, image in view.images().items() if image is not None] == ["final"]
    assert view.tiles["final"].caption.text() == "as it is"


def test_the_view_speaks_chinese_and_follows_a_switch(qtbot, qapp, window):
    view = open_steps(qtbot, window)
    draw_stroke(window.drawCanvas, ONE)
    qtbot.waitUntil(lambda: view.steps() is not None)
    i18n.apply_language(qapp, "zh_TW")
    try:
        qtbot.waitUntil(lambda: view.tiles["scaled"].title.text() == "4. 縮放")
        assert view.tiles["crop"].caption.text().endswith("行開始")
        tabs = window.insidePanel.tabs
        assert tabs.tabText(tabs.indexOf(view)) == tr("What it sees") == "看到什麼"
        assert window.inputPreview.stepsButton.text() == "怎麼來的？逐步看…"
    finally:
        i18n.apply_language(qapp, "en")
    qtbot.waitUntil(lambda: view.tiles["scaled"].title.text() == "4. Scaled")


@pytest.mark.parametrize("width, columns", [(300, 2), (420, 3), (900, 6)])
def test_the_steps_wrap_in_a_narrow_panel(qtbot, width, columns):
    view = PreprocessView()
    qtbot.addWidget(view)
    view.resize(width, 500)
    view.show()
    qtbot.waitExposed(view)
    assert view.columns() == columns
    assert view.width() == width
    qtbot.waitUntil(lambda: len({view.tiles[key].geometry().left() for key in STEP_KEYS})
                    == columns)


def test_an_image_with_nothing_on_it_says_so(qtbot, window, tmp_path):
    path = tmp_path / "blank.png"
    Image.new("L", (300, 200), 235).save(path)
    view = open_steps(qtbot, window)
    assert window.open_image(str(path))
    qtbot.waitUntil(lambda: view.steps() is not None)
    assert window.session.canvas.image is None and view.steps().final is None
    assert "Nothing stands out" in view.header.text()
    assert [key for key, image in view.images().items() if image is not None] == ["picture"]
