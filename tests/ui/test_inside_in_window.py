"""The Inside panel mounted in the real window: found at once, following a real run.

A real window on a slice of real Fashion-MNIST (``train_limit``), the reference network
made small so a run takes a fraction of a second; the test split is the real one.
"""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from ui_helpers import make_window

from dense_studio.cli import main as cli_main
from dense_studio.engine.spec import DenseSpec
from dense_studio.ui.panels import MIDDLE_MIN_WIDTH

INSIDE_NAMES = ("insidePanel", "layerMath", "weightImages", "networkDiagram", "confusionMatrix",
                "mistakesGallery", "replaySlider", "testResult", "centerTabs")


@pytest.fixture
def window(qtbot, settings):
    window = make_window(qtbot, settings)
    window.layerEditor.set_hidden_layers((DenseSpec(32, "relu"),))
    qtbot.waitUntil(lambda: window.model().count_params() == 784 * 32 + 32 + 32 * 10 + 10)
    yield window
    window.insidePanel.evaluator.wait()


def train(qtbot, window, epochs: int) -> None:
    window.epochsSpin.setValue(epochs)
    with qtbot.waitSignal(window.trainingEnded, timeout=30_000) as ended:
        assert window.start_training()
    assert ended.args == ["finished"]


def latest_matrix(qtbot, window, epoch: float) -> np.ndarray:
    panel = window.insidePanel
    qtbot.waitUntil(lambda: panel.confusion.report() is not None
                    and panel.confusion.report().epoch == epoch, timeout=10_000)
    return panel.confusion.matrix()


def cli_evaluate(window, tmp_path) -> dict:
    """``dense-studio evaluate --json`` on the weights the window saves."""
    path = tmp_path / "model.dsmodel"
    assert window.save_model(path)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert cli_main(["evaluate", str(path), "--json"]) == 0
    return json.loads(buffer.getvalue())


def test_the_inside_tab_is_beside_the_curves_with_every_name(window):
    tabs = window.centerTabs
    texts = [tabs.tabText(i) for i in range(tabs.count())]
    assert "Inside the network" in texts and "Learning curves" in texts
    assert tabs.indexOf(window.insidePanel) == texts.index("Inside the network")
    for name in INSIDE_NAMES:
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName() == name
    # The test result sits on the curves' page, above the curves.
    page = tabs.curvesPage
    assert page.isAncestorOf(window.findChild(QWidget, "testResult"))
    assert page.isAncestorOf(window.findChild(QWidget, "curvesGroup"))
    assert page.isAncestorOf(window.lossPlot)


def test_the_panel_follows_a_run_and_its_matrix_is_what_evaluate_says(qtbot, window, tmp_path):
    panel = window.insidePanel
    window.centerTabs.show_inside()
    panel.tabs.setCurrentWidget(panel.weight_images)
    before = panel.weight_images.images()
    shown_epochs = []
    original = panel.weight_images.set_network

    def recording(network, names=()):
        shown_epochs.append(None if network is None else network.epoch)
        original(network, names)

    panel.weight_images.set_network = recording
    train(qtbot, window, epochs=2)
    # Refreshed after the epochs (these are a few milliseconds long: when the next one ends
    # before the queued refresh runs, the view goes straight to the newest), and what is
    # shown is the trained first layer.
    assert 2.0 in shown_epochs and set(shown_epochs) <= {None, 1.0, 2.0}
    kernel = window.predictor().get_weights()[0]
    images = panel.weight_images.images()
    np.testing.assert_allclose(images, kernel.T.reshape(-1, 28, 28), rtol=1e-6)
    assert not np.allclose(images, before)

    matrix = latest_matrix(qtbot, window, epoch=2.0)
    cli = cli_evaluate(window, tmp_path)
    assert matrix.sum() == len(window.dataset().x_test) == 10_000
    assert np.trace(matrix) / matrix.sum() == pytest.approx(cli["test_accuracy"], abs=1e-12)
    assert panel.latest_report().loss == pytest.approx(cli["test_loss"], rel=1e-5)

    label = window.findChild(QWidget, "testResult")
    text = label.text()
    assert f"{100 * cli['test_accuracy']:.1f} %" in text
    assert f"{cli['test_loss']:.4f}" in text and "after 2 epochs" in text
    assert "test images" in label.toolTip()


def test_the_result_beside_the_curves_is_current_while_the_curves_are_shown(qtbot, window,
                                                                            tmp_path):
    window.centerTabs.show_curves()
    assert not window.insidePanel.isVisible()
    train(qtbot, window, epochs=1)
    label = window.findChild(QWidget, "testResult")
    qtbot.waitUntil(lambda: "after 1 epoch" in label.text(), timeout=10_000)
    cli = cli_evaluate(window, tmp_path)
    assert f"{100 * cli['test_accuracy']:.1f} %" in label.text()
    assert label.isVisible()


def test_a_click_on_a_mistake_puts_it_on_the_canvas_and_the_bars_follow(qtbot, window):
    panel = window.insidePanel
    train(qtbot, window, epochs=1)
    window.centerTabs.show_inside()
    panel.tabs.setCurrentIndex(3)  # the test results
    latest_matrix(qtbot, window, epoch=1.0)
    gallery = panel.mistakes
    qtbot.waitUntil(lambda: gallery.list.count() > 0)
    index, true, predicted, _confidence = gallery.items()[0]
    assert true != predicted
    entry = gallery.list.item(0)
    rect = gallery.list.visualItemRect(entry)
    with qtbot.waitSignal(panel.testImageChosen) as chosen:
        qtbot.mouseClick(gallery.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen.args == [index]
    x_test = window.dataset().x_test
    np.testing.assert_array_equal(window.inputPreview.image(), x_test[index])
    assert window.drawCanvas.image().max() > 0  # the test image is drawn on the canvas
    assert f"#{index}" in window.sampleLabel.text()
    expected = window.predictor().predict(x_test[index][np.newaxis])[0]
    np.testing.assert_allclose(window.predictionChart.probabilities(), expected, rtol=1e-5)
    assert int(np.argmax(window.predictionChart.probabilities())) == predicted
    # The layer math shows the same image, once its tab is shown.
    panel.tabs.setCurrentWidget(panel.layer_math)
    qtbot.waitUntil(lambda: panel.layer_math.current() is not None)
    np.testing.assert_array_equal(panel.layer_math.current()[0]["x"], x_test[index].reshape(-1))
    assert "✗ wrong" in panel.layer_math.source.text()


def test_a_narrow_window_makes_the_left_column_a_tab_and_a_wide_one_gives_it_back(qtbot, window):
    tabs, left = window.centerTabs, window.leftSplitter
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: not window.layout_.compact)
    assert left.parent() is window.mainSplitter and tabs.indexOf(left) == -1
    assert tabs.width() >= MIDDLE_MIN_WIDTH
    window.resize(1024, 768)  # clamped to the three columns' minimum, then compact …
    window.resize(1024, 768)  # … which fits 1024
    qtbot.waitUntil(lambda: window.layout_.compact)
    assert window.width() <= 1024
    assert tabs.indexOf(left) == 0 and "Network" in tabs.tabText(0)
    assert tabs.width() >= MIDDLE_MIN_WIDTH
    assert len(window.mainSplitter.sizes()) == 3  # the saved state keeps its meaning
    tabs.setCurrentWidget(left)
    assert window.trainButton.isVisible()
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: not window.layout_.compact)
    assert left.parent() is window.mainSplitter and window.trainButton.isVisible()
