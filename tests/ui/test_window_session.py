"""The window as views and controllers on one session (real widgets, real sliced data).

Each test changes the session and checks the widgets, or works the widgets and checks the
session: there is one place that holds what the person works on.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QSlider, QSpinBox
from ui_helpers import ONE, draw_stroke, make_window

from dense_studio.engine.spec import DenseSpec, DropoutSpec
from dense_studio.session import InputSource, Session
from dense_studio.ui.layer_editor import units_to_slider


@pytest.fixture
def window(qtbot, settings):
    return make_window(qtbot, settings)


def train(qtbot, window, timeout=30000) -> str:
    with qtbot.waitSignal(window.trainingEnded, timeout=timeout) as blocker:
        qtbot.mouseClick(window.trainButton, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_the_window_holds_one_session_and_its_views_follow_it(qtbot, window):
    session = window.session
    assert isinstance(session, Session)
    assert window.model() is session.model.model and window.dataset() is session.dataset
    session.update_settings(epochs=3, learning_rate=0.01, validation_split=0.25,
                            optimizer="sgd", lr_schedule="constant", seed=9)
    assert window.epochsSpin.value() == 3
    assert window.learningRateSpin.value() == pytest.approx(0.01)
    assert window.validationSpin.value() == 25
    assert window.optimizerCombo.currentData() == "sgd"
    assert not window.trainingPanel.decayCheck.isChecked()
    assert window.seedSpin.value() == 9
    session.layers.append(DropoutSpec(0.3))
    assert window.layerEditor.hidden_layers() == (DenseSpec(128, "relu"), DropoutSpec(0.3))
    assert window.layerEditor.row_widget(1).kind == "dropout"
    # …and the other way round: the widgets write to the session.
    window.batchSizeSpin.setValue(64)
    assert session.settings.batch_size == 64
    window.layerEditor.add_dense()
    assert len(session.layers) == 3


def test_edit_menu_undo_and_redo_go_through_the_session_with_a_drag_as_one_step(
        qtbot, window):
    session = window.session
    undo = window.findChild(type(window.openModelAction), "layerUndoAction")
    redo = window.findChild(type(window.openModelAction), "layerRedoAction")
    assert not undo.isEnabled()
    slider = window.layerEditor.row_widget(0).findChild(QSlider, "unitsSlider")
    slider.setSliderDown(True)
    for units in (150, 200, 300, 512):
        slider.setValue(units_to_slider(units))
    slider.setSliderDown(False)
    assert session.layers.layers == (DenseSpec(512, "relu"),)
    assert len(session.layers.history) == 1  # the whole drag
    assert undo.isEnabled() and "512 units" in undo.text()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.layers.layers == (DenseSpec(128, "relu"),)
    spin = window.layerEditor.row_widget(0).findChild(QSpinBox, "unitsSpin")
    assert spin.value() == 128
    assert redo.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert session.layers.layers == (DenseSpec(512, "relu"),) and spin.value() == 512
    # The edit rebuilds the model once the edits pause.
    qtbot.waitUntil(lambda: window.model().layers[1].units == 512, timeout=3000)


def test_a_run_is_recorded_in_the_session_and_drawn_from_it(qtbot, window):
    window.epochsSpin.setValue(2)
    assert train(qtbot, window) == "finished"
    (record,) = window.session.runs.records
    assert record.status == "finished" and len(record.epochs) == 2
    assert record.config.epochs == 2 and record.config.validation_split == pytest.approx(0.1)
    # 3000 images, 10 % held out: 2700 trained, 85 batches of 32 per epoch, all recorded.
    assert record.batch_count == 2 * 85
    assert record.batches[-1, 2] == 2 * 2700  # samples seen
    # The curves are the record's: one smoothed point per batch, the epochs' own points.
    loss = window.curves.data("loss")
    assert len(loss) == 2 * 85 and loss[-1, 0] == pytest.approx(2.0)
    epochs = window.curves.data("loss", "epochs")
    np.testing.assert_allclose(epochs[:, 1], [e.loss for e in record.epochs])
    validation = window.curves.data("accuracy", "validation")
    np.testing.assert_allclose(validation[:, 1], [100 * e.val_accuracy for e in record.epochs])
    assert window.session.model.epochs_trained == 2 and window.epochs_trained == 2
    assert window.progressBar.value() == window.progressBar.maximum() == 2 * 85


def test_the_chart_shows_the_sessions_prediction(qtbot, window):
    session = window.session
    draw_stroke(window.drawCanvas, ONE)
    qtbot.waitUntil(lambda: session.canvas.probabilities is not None, timeout=2000)
    assert session.canvas.source == InputSource()
    np.testing.assert_array_equal(window.predictionChart.probabilities(),
                                  session.canvas.probabilities)
    np.testing.assert_array_equal(window.inputPreview.image(), session.canvas.image)
    # A test image put on the canvas by the session is shown, labelled and predicted.
    session.show_test_sample(7)
    np.testing.assert_array_equal(session.canvas.image, window.dataset().x_test[7])
    truth = window.predictionChart.class_names()[int(window.dataset().y_test[7])]
    assert "#7" in window.sampleLabel.text() and truth in window.sampleLabel.text()
    np.testing.assert_array_equal(window.predictionChart.probabilities(),
                                  session.canvas.probabilities)
    expected = window.predictor().predict(window.dataset().x_test[7:8])[0]
    np.testing.assert_allclose(window.predictionChart.probabilities(), expected, rtol=1e-5)
    assert not window.drawCanvas.is_empty()
    qtbot.wait(60)  # the canvas widget's own change must not turn it back into a drawing
    assert session.canvas.source.kind == "test_sample"
    session.clear_input()
    assert window.drawCanvas.is_empty() and window.predictionChart.probabilities() is None
    assert window.sampleLabel.text() == ""


def test_save_and_open_a_session_file(qtbot, window, settings, tmp_path, monkeypatch):
    window.layerEditor.set_hidden_layers((DenseSpec(32, "tanh"), DropoutSpec(0.1)))
    qtbot.waitUntil(lambda: not window.session.model.stale, timeout=3000)
    window.epochsSpin.setValue(1)
    assert train(qtbot, window) == "finished"
    window.session.show_test_sample(3)
    path = tmp_path / "lesson"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.saveSessionAction.trigger()
    saved = tmp_path / "lesson.dssession"
    assert saved.is_file() and "Saved session" in window.statusBar().currentMessage()
    probabilities = window.predictionChart.probabilities().copy()
    loss = window.curves.data("loss")
    window.close()

    other = make_window(qtbot, settings)
    assert other.layerEditor.hidden_layers() == (DenseSpec(32, "tanh"), DropoutSpec(0.1))
    other.layerEditor.set_hidden_layers((DenseSpec(8, "relu"),))
    assert other.curves.data("loss").shape == (0, 2)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    other.openSessionAction.trigger()
    assert "Opened session lesson.dssession" in other.statusBar().currentMessage()
    assert other.layerEditor.hidden_layers() == (DenseSpec(32, "tanh"), DropoutSpec(0.1))
    assert other.epochsSpin.value() == 1
    assert not other.predictionChart.is_untrained() and other.epochs_trained == 1
    np.testing.assert_allclose(other.predictionChart.probabilities(), probabilities,
                               rtol=1e-5, atol=1e-7)
    assert "#3" in other.sampleLabel.text()
    assert len(other.session.runs) == 1
    np.testing.assert_allclose(other.curves.data("loss"), loss)
    qtbot.wait(300)  # the layers shown by the file must not rebuild (untrain) the model
    assert not other.predictionChart.is_untrained()


def test_a_bad_session_file_is_one_message_and_changes_nothing(qtbot, window, tmp_path):
    path = tmp_path / "bad.dssession"
    path.write_bytes(b"PK\x03\x04 not a session")
    layers, model = window.session.layers.layers, window.model()
    assert window.open_session(path) is False
    assert "bad.dssession" in window.last_error and "\n" not in window.last_error
    assert window.session.layers.layers == layers and window.model() is model
    window.findChild(QMessageBox, "errorMessage").close()


def test_model_file_path_and_dirty_are_the_sessions(qtbot, window, tmp_path):
    path = tmp_path / "m.dsmodel"
    assert window.save_model(path)
    assert window.files.path == window.session.model.path == path
    assert not window.session.model.dirty


def test_progress_reaches_the_session_throttled_and_on_its_thread(qtbot, window):
    import threading

    seen = []
    window.session.events.run_progress.connect(
        lambda event: seen.append((threading.current_thread() is threading.main_thread(),
                                   event.batch.batch)))
    window.epochsSpin.setValue(2)
    assert train(qtbot, window) == "finished"
    record = window.session.runs.records[-1]
    assert seen and all(on_main for on_main, _batch in seen)
    # Every epoch's last batch arrives; the batches between are in the record only.
    assert [batch for _main, batch in seen].count(85) == 2
    # (how far it is thinned is checked on a fake clock in test_training_worker)
    assert len(seen) <= record.batch_count
