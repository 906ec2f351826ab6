"""The live curves and the training panel on their own."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from dense_studio.engine import BatchEnd
from dense_studio.ui.curves import TrainingCurves
from dense_studio.ui.training_panel import TrainingPanel, format_duration


@pytest.fixture
def curves(qtbot):
    widget = TrainingCurves(refresh_ms=20)
    qtbot.addWidget(widget)
    widget.resize(500, 500)
    widget.show()
    return widget


def points(start, stop, n=50):
    x = np.linspace(start, stop, n)
    return np.column_stack([x, 2.0 / (1.0 + x), 0.5 + 0.1 * x])


def test_batch_points_reach_the_plot_on_the_timer_not_at_once(qtbot, curves):
    curves.start_run(0, 3)
    assert curves.refreshing
    curves.add_points(points(0.02, 1.0))
    assert len(curves.data("loss")) == 50
    assert len(curves.displayed("loss")) == 0  # buffered, not drawn per batch
    qtbot.waitUntil(lambda: len(curves.displayed("loss")) == 50, timeout=1000)
    qtbot.waitUntil(lambda: len(curves.displayed("accuracy")) == 50, timeout=1000)
    np.testing.assert_allclose(curves.displayed("accuracy")[:, 1], 100 * points(0.02, 1.0)[:, 2])
    curves.add_epoch(0, 1.1, 0.55, val_loss=1.2, val_accuracy=0.5)
    curves.end_run()
    assert not curves.refreshing
    assert curves.displayed("loss", "epochs").tolist() == [[1.0, 1.1]]
    # The accuracy plot follows in a pass of its own (the run's end redraws much else).
    assert curves.displayed("accuracy", "validation").tolist() == []
    qtbot.waitUntil(lambda: curves.displayed("accuracy", "validation").tolist() == [[1.0, 50.0]],
                    timeout=1000)
    plot = curves.lossPlot.getPlotItem()
    assert plot.getAxis("bottom").labelText == "Epoch"
    assert "Loss" in plot.getAxis("left").labelText
    assert curves.lossPlot.objectName() == "lossPlot"
    assert curves.accuracyPlot.accessibleName() == "accuracyPlot"


def test_a_new_run_keeps_the_previous_one_dimmed(qtbot, curves):
    curves.start_run(0, 2)
    curves.add_points(points(0.1, 2.0))
    curves.add_epoch(0, 1.0, 0.6)
    curves.end_run()
    curves.start_run(0, 2)  # after "Reset weights": again from epoch 0
    assert len(curves.data("loss")) == 0
    assert len(curves.data("loss", previous=True)) == 50
    previous = curves.displayed("loss", previous=True)
    assert len(previous) == 50
    pen = curves._loss.prev_smooth.opts["pen"]
    assert pen.color().alpha() < 255  # dimmed
    assert "previous run (dimmed)" in curves.legend_text()
    curves.clear()
    assert len(curves.displayed("loss", previous=True)) == 0
    assert "previous" not in curves.legend_text()


def test_a_continued_run_is_drawn_after_the_first(qtbot, curves):
    curves.start_run(0, 2)
    curves.add_points(points(0.1, 2.0))
    curves.end_run()
    curves.start_run(2, 3)
    curves.add_points(points(0.1, 1.0))
    assert curves.data("loss")[0, 0] == pytest.approx(2.1)
    x_range = curves.lossPlot.getPlotItem().viewRange()[0]
    assert x_range[1] >= 5.0


def test_y_axis_follows_the_data_with_slack(qtbot, curves):
    curves.start_run(0, 1)
    curves.add_points(np.array([[0.5, 0.4, 0.9], [1.0, 0.3, 0.92]]))
    curves.refresh()
    low, high = curves.lossPlot.getPlotItem().viewRange()[1]
    assert low <= 0.3 and 0.4 <= high < 1.0
    low, high = curves.accuracyPlot.getPlotItem().viewRange()[1]
    assert low <= 90 and 92 <= high <= 101


def test_format_duration():
    assert format_duration(0.2) == "< 1 s"
    assert format_duration(42) == "42 s"
    assert format_duration(185) == "3 min 05 s"
    assert format_duration(3720) == "1 h 02 min"
    assert format_duration(float("nan")) == "?"


def test_panel_states_decide_what_can_be_clicked(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    assert panel.state == "loading" and not panel.trainButton.isEnabled()
    panel.set_state("idle")
    assert panel.trainButton.text() == "Start training"
    assert panel.resetButton.isEnabled() and not panel.stopButton.isEnabled()
    panel.set_state("training")
    assert panel.trainButton.text() == "Pause" and panel.stopButton.isEnabled()
    assert not panel.resetButton.isEnabled() and not panel.epochsSpin.isEnabled()
    assert not panel.datasetCombo.isEnabled()
    panel.set_state("paused")
    assert panel.trainButton.text() == "Resume"
    panel.set_state("stopping")
    assert not panel.trainButton.isEnabled() and not panel.stopButton.isEnabled()
    clicks = []
    panel.set_state("idle")
    panel.trainClicked.connect(lambda: clicks.append("train"))
    qtbot.mouseClick(panel.trainButton, Qt.MouseButton.LeftButton)
    assert clicks == ["train"]


def test_panel_shows_progress_speed_and_time_left(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.begin_progress(epochs=2, batches=100)
    event = BatchEnd(epoch=1, epochs=2, batch=50, batches=100, loss=0.5, accuracy=0.8,
                     samples_seen=4800, samples_per_second=1000.0, elapsed=4.8)
    panel.show_batch(event, total_samples=6400)
    assert panel.progressBar.maximum() == 200 and panel.progressBar.value() == 150
    assert panel.progressBar.text().startswith("Epoch 2/2 · batch 50/100")
    assert "samples/s" in panel.speedLabel.text() and "2 s" in panel.speedLabel.text()
    panel.finish_progress("Finished", complete=True, summary="done")
    assert panel.progressBar.value() == 200 and panel.speedLabel.text() == "done"


def test_panel_settings_round_trip(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    values = {"optimizer": "rmsprop", "learning_rate": 0.0005, "batch_size": 128,
              "epochs": 12, "validation_split": 0.25, "seed": 42, "lr_schedule": "constant"}
    panel.set_settings(values)
    assert panel.settings() == {"dataset": "fashion_mnist", **values}
    assert panel.set_dataset("mnist") and panel.dataset() == "mnist"
    assert not panel.set_dataset("imagenet")


def test_new_tick_labels_do_not_change_the_loss_axis_width(qtbot, curves):
    """Labels from "2" to "0.315" keep the axis as wide as it was (a wider axis re-laid the
    plot out and redrew it twice while training); only a wider label widens it."""
    axis = curves.lossPlot.getPlotItem().getAxis("left")

    def width_for(high, low):
        curves.clear()
        curves.start_run(0, 1)
        x = np.linspace(0.02, 1.0, 50)
        curves.add_points(np.column_stack([x, np.linspace(high, low, 50), np.full(50, 0.9)]))
        curves.refresh()
        assert axis.range[0] <= low and high <= axis.range[1]
        for _ in range(2):  # pyqtgraph measures the labels while painting them, then lays out
            curves.lossPlot.grab()
            qtbot.wait(1)
        return axis.width()

    widths = [width_for(2.3, 0.5), width_for(0.34, 0.31), width_for(1.1, 0.9)]
    assert widths[0] == widths[1] == widths[2]
    assert width_for(125000.0, 90000.0) > widths[0]  # a diverged run's loss gets its room
