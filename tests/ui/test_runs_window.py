"""The Runs tab in the real window: the table, overlays, re-run, rename, delete, export,
early stopping and the Keras code tab (real widgets, the bundled Fashion-MNIST, sliced)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from ui_helpers import make_window

from dense_studio.engine.spec import DenseSpec, DropoutSpec
from dense_studio.ui.curves import RUN_COLORS
from dense_studio.ui.messages import format_count
from dense_studio.ui.runs.table import COLUMNS

LIMIT = 512


@pytest.fixture
def window(qtbot, settings):
    window = make_window(qtbot, settings, train_limit=LIMIT)
    window.session.update_settings(epochs=2, batch_size=64, validation_split=0.125,
                                   seed=3, lr_schedule="constant")
    return window


def train(qtbot, window, start=None, timeout=60000) -> str:
    with qtbot.waitSignal(window.trainingEnded, timeout=timeout) as blocker:
        (start or window.start_training)()
    shown(qtbot, window)
    return blocker.args[0]


def shown(qtbot, window):
    """Until the table shows the history (it follows a change a moment later)."""
    qtbot.waitUntil(lambda: not window.experiments.refresh_pending, timeout=5000)


def wait_for_test(qtbot, window, run_id):
    qtbot.waitUntil(lambda: window.session.runs.get(run_id).test_accuracy is not None,
                    timeout=15000)
    shown(qtbot, window)
    return window.session.runs.get(run_id).test_accuracy


def cell(window, row, key):
    return window.experiments.view.table.item(row, COLUMNS.index(key)).text()


def test_every_run_is_listed_with_its_settings_and_final_test_accuracy(qtbot, window):
    session = window.session
    session.layers.set((DenseSpec(32, "tanh"), DropoutSpec(0.2)))
    assert train(qtbot, window) == "finished"
    first = session.runs.records[-1]
    accuracy = wait_for_test(qtbot, window, first.id)
    # The test accuracy is the final weights' on the whole test split.
    expected = session.model.predictor.evaluate(session.dataset.x_test, session.dataset.y_test)
    assert accuracy == pytest.approx(expected["accuracy"], abs=1e-9)
    session.update_settings(optimizer="sgd", learning_rate=0.05)
    assert train(qtbot, window) == "finished"
    wait_for_test(qtbot, window, session.runs.records[-1].id)

    table = window.findChild(type(window.experiments.view.table), "runsTable")
    assert table is window.experiments.view.table and table.rowCount() == 2
    tabs = window.centerTabs
    assert tabs.tabText(tabs.indexOf(window.experiments.view)) == "Runs"
    assert cell(window, 0, "network") == "32 tanh → drop 0.2"
    assert first.metrics["params"] == 784 * 32 + 32 + 32 * 10 + 10
    assert cell(window, 0, "params") == format_count(first.metrics["params"])
    assert cell(window, 0, "optimizer") == "adam" and cell(window, 1, "optimizer") == "sgd"
    assert cell(window, 1, "learning_rate") == "0.05" and cell(window, 0, "batch_size") == "64"
    assert cell(window, 0, "epochs") == "2/2" and cell(window, 0, "status") == "finished"
    assert cell(window, 0, "dataset") == "Fashion-MNIST"
    assert cell(window, 0, "test_accuracy").endswith("%")

    runs = window.runs()
    assert [r["optimizer"] for r in runs] == ["adam", "sgd"]
    for key in ("layers", "optimizer", "learning_rate", "batch_size", "epochs", "seed",
                "status", "test_accuracy"):
        assert key in runs[0]
    assert runs[0]["layers"] == "32:tanh,dropout:0.2" and runs[0]["seed"] == 3
    assert runs[0]["test_accuracy"] == accuracy
    assert runs[0]["best_val_accuracy"] == max(e.val_accuracy for e in first.epochs)

    # Sorting by a column orders the rows by its numbers, not its text.
    table.sortItems(COLUMNS.index("learning_rate"), Qt.SortOrder.DescendingOrder)
    assert cell(window, 0, "optimizer") == "sgd"


def test_a_rerun_repeats_the_settings_and_seed_exactly(qtbot, window):
    session = window.session
    session.layers.set((DenseSpec(48, "relu"), DropoutSpec(0.3)))  # dropout: its RNG too
    assert train(qtbot, window) == "finished"
    original = session.runs.records[-1]
    accuracy = wait_for_test(qtbot, window, original.id)
    # Something else in between: other layers, settings and seed.
    session.layers.set((DenseSpec(16, "sigmoid"),))
    session.update_settings(seed=11, learning_rate=0.01, batch_size=32)
    assert train(qtbot, window) == "finished"
    wait_for_test(qtbot, window, session.runs.records[-1].id)

    window.experiments.view.table.selectRow(0)
    assert train(qtbot, window, window.experiments.view.rerunButton.click) == "finished"
    again = session.runs.records[-1]
    assert again.config == original.config and again.name == "Run 1 again"
    assert wait_for_test(qtbot, window, again.id) == pytest.approx(accuracy, abs=1e-6)
    np.testing.assert_allclose([e.loss for e in again.epochs],
                               [e.loss for e in original.epochs], rtol=1e-6)


def test_ticked_runs_are_overlaid_in_their_colours_and_named(qtbot, window):
    session = window.session
    for lr in (0.001, 0.003, 0.01):
        session.update_settings(learning_rate=lr)
        assert train(qtbot, window) == "finished"
    view, curves = window.experiments.view, window.curves
    ids = [r.id for r in session.runs]
    view.set_ticked(ids[0], True)
    view.set_ticked(ids[2], True)
    overlays = curves.overlays()
    assert [o.label for o in overlays] == ["Run 1", "Run 3"]
    assert [o.color for o in overlays] == list(RUN_COLORS[:2])
    assert len(curves.displayed_overlays("loss")) == 2
    np.testing.assert_allclose(curves.displayed_overlays("accuracy")[1][:, 1],
                               overlays[1].accuracy[:, 1])
    legend = curves.legend_text()
    assert "Run 1" in legend and "Run 3" in legend
    # The box stays ticked and shows the run's colour.
    qtbot.waitUntil(lambda: not view.table.item(view.row_of(ids[0]), 0).icon().isNull())
    assert view.table.item(view.row_of(ids[0]), 0).checkState() == Qt.CheckState.Checked
    assert view.table.item(view.row_of(ids[1]), 0).icon().isNull()

    # Another dataset: every run drawn names its own.
    with qtbot.waitSignal(window.datasetLoaded, timeout=20000):
        session.choose_dataset("mnist")
    assert [o.label for o in curves.overlays()] == ["Run 1 · Fashion-MNIST",
                                                    "Run 3 · Fashion-MNIST"]
    assert "Run 3 · Fashion-MNIST (dimmed)" not in curves.legend_text()  # no previous now
    assert "Run 1 · Fashion-MNIST" in curves.legend_text()

    view.set_ticked(ids[0], False)
    assert [o.key for o in curves.overlays()] == [ids[2]]
    assert len(curves.displayed_overlays("loss")) == 1
    window.curves.clearButton.click()
    assert curves.overlays() == [] and window.experiments.ticked() == []


def test_the_previous_run_is_named_with_its_dataset(qtbot, window):
    session = window.session
    assert train(qtbot, window) == "finished"
    with qtbot.waitSignal(window.datasetLoaded, timeout=20000):
        session.choose_dataset("mnist")
    assert train(qtbot, window) == "finished"
    assert "Run 1 · Fashion-MNIST (dimmed)" in window.curves.legend_text()


def test_rename_delete_and_export(qtbot, window, tmp_path, monkeypatch):
    session = window.session
    assert train(qtbot, window) == "finished"
    assert train(qtbot, window) == "finished"
    view = window.experiments.view
    first, second = session.runs.records
    name_item = view.table.item(view.row_of(first.id), COLUMNS.index("name"))
    name_item.setText("baseline")  # as an edit in the table delivers it
    assert session.runs.get(first.id).name == "baseline"
    assert window.runs()[0]["name"] == "baseline"

    path = window.experiments.export_csv(tmp_path / "runs.csv")
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    assert len(rows) == 4 and rows[0]["name"] == "baseline" and rows[0]["epoch"] == "1"
    assert float(rows[1]["val_accuracy"]) == pytest.approx(first.epochs[1].val_accuracy)
    png = window.experiments.export_png(tmp_path / "curves.png")
    assert png.stat().st_size > 1000

    view.table.selectRow(view.row_of(first.id))
    view.deleteButton.click()
    assert [r.id for r in session.runs] == [second.id] and view.table.rowCount() == 1


def test_a_change_refills_only_its_row_and_a_refused_name_is_put_back(qtbot, window):
    session = window.session
    assert train(qtbot, window) == "finished"
    assert train(qtbot, window) == "finished"
    first, second = session.runs.records
    wait_for_test(qtbot, window, second.id)
    view = window.experiments.view
    items = [view.table.item(view.row_of(first.id), c) for c in range(len(COLUMNS))]
    session.runs.set_test_metrics(second.id, {"test_loss": 0.5, "test_accuracy": 0.25})
    assert window.experiments.refresh_pending  # shown in a pass of its own
    shown(qtbot, window)
    assert cell(window, view.row_of(second.id), "test_accuracy").startswith("25")
    # The other run's row is the same items (the table is not filled again at each change).
    assert [view.table.item(view.row_of(first.id), c) for c in range(len(COLUMNS))] == items
    name = cell(window, view.row_of(first.id), "name")
    view.table.item(view.row_of(first.id), COLUMNS.index("name")).setText("x" * 101)
    assert window.notices.last_error and session.runs.get(first.id).name != "x" * 101
    qtbot.waitUntil(lambda: cell(window, view.row_of(first.id), "name") == name)


def test_runs_and_their_test_metrics_persist_in_the_session_file(qtbot, window, settings,
                                                                 tmp_path):
    session = window.session
    assert train(qtbot, window) == "finished"
    accuracy = wait_for_test(qtbot, window, session.runs.records[-1].id)
    assert window.save_session(tmp_path / "s.dssession")
    before = window.runs()
    window.close()
    other = make_window(qtbot, settings, train_limit=LIMIT)
    assert other.open_session(tmp_path / "s.dssession")
    assert other.runs() == before and other.runs()[0]["test_accuracy"] == accuracy
    shown(qtbot, other)
    assert other.experiments.view.table.rowCount() == 1


def test_early_stopping_from_the_window_marks_the_best_epoch(qtbot, window):
    session = window.session
    group = window.findChild(type(window.experiments.earlyStoppingGroup), "earlyStoppingGroup")
    assert group is not None and window.trainingPanel.isAncestorOf(group)
    assert not group.isChecked() and not group.body.isVisibleTo(window.trainingPanel)
    assert window.trainingPanel.isAncestorOf(group.body)
    group.setChecked(True)
    assert group.body.isVisibleTo(window.trainingPanel)
    assert session.settings.early_stopping_patience == 3
    # No improvement can be that large: patience 0 stops after the second epoch, the
    # first one stays the best.
    group.patienceSpin.setValue(0)
    group.minDeltaSpin.setValue(1.0)
    session.update_settings(epochs=6)
    assert session.config.early_stopping_patience == 0 and session.config.min_delta == 1.0
    qtbot.waitUntil(lambda: "EarlyStopping(" in window.experiments.kerasPanel.text())
    assert train(qtbot, window) == "finished"
    record = session.runs.records[-1]
    assert len(record.epochs) == 2 and record.best_epoch == 0
    assert window.curves.best_epoch_x() == pytest.approx(1.0)
    assert window.runs()[-1]["best_epoch"] == 1 and window.runs()[-1]["stopped_early"]
    assert cell(window, 0, "status") == "stopped early, best epoch 1"
    assert cell(window, 0, "epochs") == "2/6"

    # Without a validation split there is nothing to monitor: refused in one line.
    group.setChecked(False)
    session.update_settings(validation_split=0.0)
    group.setChecked(True)
    assert "validation split" in window.last_error
    assert not group.isChecked() and session.settings.early_stopping_patience is None


def test_early_stopping_settings_are_remembered_between_starts(qtbot, window, settings):
    group = window.experiments.earlyStoppingGroup
    group.setChecked(True)
    group.patienceSpin.setValue(5)
    group.monitorCombo.setCurrentIndex(group.monitorCombo.findData("val_accuracy"))
    window.close()
    other = make_window(qtbot, settings, train_limit=LIMIT)
    assert other.session.settings.early_stopping_patience == 5
    assert other.session.settings.monitor == "val_accuracy"
    assert other.experiments.earlyStoppingGroup.isChecked()


def test_the_keras_code_follows_every_edit_and_copies(qtbot, window):
    panel = window.findChild(type(window.experiments.kerasPanel.code), "kerasCode")
    assert panel is window.experiments.kerasPanel.code and panel.isReadOnly()
    tabs = window.centerTabs
    assert tabs.tabText(tabs.indexOf(window.experiments.kerasPanel)) == "Keras code"
    qtbot.waitUntil(lambda: "tf.keras.layers.Dense(128, activation='relu')," in panel.toPlainText())
    window.layerEditor.add_dense()
    window.session.update_settings(batch_size=256, epochs=7)
    qtbot.waitUntil(lambda: "batch_size=256" in panel.toPlainText())
    text = panel.toPlainText()
    assert text.count("tf.keras.layers.Dense(") == len(window.session.layers) + 1
    assert "epochs=7" in text and "model.fit(" in text
    window.experiments.kerasPanel.copyButton.click()
    assert QGuiApplication.clipboard().text() == text


def test_texts_follow_the_language(qtbot, window):
    from dense_studio.ui.i18n import apply_language

    assert train(qtbot, window) == "finished"
    app = QApplication.instance()
    tabs, experiments = window.centerTabs, window.experiments
    apply_language(app, "zh_TW")
    try:
        qtbot.waitUntil(lambda: tabs.tabText(tabs.indexOf(experiments.view)) == "訓練紀錄")
        assert tabs.tabText(tabs.indexOf(experiments.kerasPanel)) == "Keras 程式碼"
        assert cell(window, 0, "status") == "完成" and cell(window, 0, "name") == "訓練 1"
        assert experiments.kerasPanel.copyButton.text() == "複製"
        assert experiments.earlyStoppingGroup.title() == "提早停止"
        assert window.curves.clearButton.text() == "清除曲線"
        assert "學習曲線" not in window.curves.legend_text()
        assert "驗證" in window.curves.legend_text()
    finally:
        apply_language(app, "en")
    qtbot.waitUntil(lambda: cell(window, 0, "status") == "finished")
