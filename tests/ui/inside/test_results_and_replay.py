"""The test split, evaluated off the GUI thread: matrix, mistakes, and the replay slider."""

import threading

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from inside_helpers import wait_for_matrix
from dense_studio.insight import evaluation
from dense_studio.ui.inside import evaluator as evaluator_module


def test_the_matrix_sums_to_the_test_set_and_matches_evaluate(qtbot, panel, session):
    session.train()
    matrix = wait_for_matrix(qtbot, panel)
    view = panel.confusion
    assert view.objectName() == view.accessibleName() == "confusionMatrix"
    assert matrix.shape == (10, 10) and matrix.dtype.kind == "i"
    assert matrix.sum() == len(session.dataset.x_test) == 10_000
    engine = session.model.predictor.evaluate(session.dataset.x_test, session.dataset.y_test)
    assert np.trace(matrix) / matrix.sum() == pytest.approx(engine["accuracy"], abs=1e-12)
    assert "%.1f" % (100 * engine["accuracy"]) in view.summary.text()
    assert panel.latest_report().loss == pytest.approx(engine["loss"], rel=1e-5)
    assert "Shirt" in view.describe_cell(6, 0) and "%" in view.describe_cell(6, 0)


def test_evaluation_runs_in_another_thread(qtbot, panel, session, monkeypatch):
    threads = []

    def recording(*args):
        threads.append(threading.get_ident())
        return evaluation.evaluate_test(*args)

    monkeypatch.setattr(evaluator_module, "evaluate_test", recording)
    with qtbot.waitSignal(panel.testEvaluated, timeout=10_000):
        session.train()
    assert threads and threading.get_ident() not in threads


def test_a_cell_lists_its_images_and_a_click_puts_one_on_the_canvas(qtbot, panel, session):
    session.train()
    panel.tabs.setCurrentIndex(3)
    matrix = wait_for_matrix(qtbot, panel)
    grid = panel.confusion.grid
    area, side = grid.geometry_of()
    true, predicted = 6, 0
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=QPoint(
        int(area.left() + (predicted + 0.5) * side), int(area.top() + (true + 0.5) * side)))
    gallery = panel.mistakes
    assert gallery.objectName() == gallery.accessibleName() == "mistakesGallery"
    items = gallery.items()
    assert len(items) == min(matrix[true, predicted], 60) > 0
    assert all(t == true and p == predicted for _i, t, p, _c in items)
    confidences = [c for *_rest, c in items]
    assert confidences == sorted(confidences, reverse=True)
    qtbot.waitUntil(lambda: gallery.list.count() == len(items))  # added a few at a time
    entry = gallery.list.item(0)
    assert "top three" in entry.toolTip()
    with qtbot.waitSignal(panel.testImageChosen) as chosen:
        gallery.list.itemClicked.emit(entry)
    assert chosen.args == [items[0][0]]
    assert session.canvas.source.test_index == items[0][0]
    np.testing.assert_array_equal(session.canvas.image, session.dataset.x_test[items[0][0]])
    gallery.back.click()
    mistakes = gallery.items()
    assert all(t != p for _i, t, p, _c in mistakes)
    assert [c for *_r, c in mistakes] == sorted((c for *_r, c in mistakes), reverse=True)


def test_the_slider_replays_the_weights_and_the_matrix_of_an_epoch(qtbot, panel, session):
    session.train()
    slider = panel.replay
    assert slider.slider.objectName() == slider.slider.accessibleName() == "replaySlider"
    assert panel.history.epochs == [0.0, 1.0, 2.0] and slider.is_live()
    assert "replay: 3 (" in slider.memory.text() and "64.00 MB" in slider.memory.text()
    live_matrix = wait_for_matrix(qtbot, panel)
    panel.tabs.setCurrentWidget(panel.weight_images)
    slider.set_position(0)
    assert "replay" in slider.caption.text()
    start = panel.history[0]
    np.testing.assert_array_equal(panel.weight_images.images()[4],
                                  start.steps[0].kernel[:, 4].reshape(28, 28))
    matrix = wait_for_matrix(qtbot, panel)
    expected = evaluation.evaluate_test(start, session.dataset.x_test, session.dataset.y_test)
    np.testing.assert_array_equal(matrix, expected.matrix())
    assert not np.array_equal(matrix, live_matrix)  # untrained weights do worse
    session.train()  # new epochs arrive: the replay stays on epoch 0
    assert slider.epoch() == 0.0 and not slider.is_live()
    slider.set_position(len(panel.history) - 1)
    assert slider.is_live() and slider.epoch() == 4.0
    np.testing.assert_array_equal(panel.weight_images.images()[4],
                                  session.model.predictor.layers[1].kernel[:, 4].reshape(28, 28))
