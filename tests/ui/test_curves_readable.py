"""Curves that stay readable: robust range, log scale, zoom and pan, the menu, the legend
line, the best epoch and an opened model's stored metrics (real widgets)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from ui_helpers import make_window

from dense_studio.ui.curves import Overlay, robust_range
from test_curves_and_panel import curves  # noqa: F401 (the fixture: one shown TrainingCurves)


def learning(n=200, start=0.0, epochs=2.0):
    x = np.linspace(start + epochs / n, start + epochs, n)
    return np.column_stack([x, 0.4 + 1.9 * np.exp(-3 * x), 0.6 + 0.1 * x / epochs])


def test_robust_range_leaves_out_divergence_spikes_only():
    healthy = learning()[:, 1]
    low, high, clipped = robust_range([healthy], "loss")
    assert not clipped and high == pytest.approx(healthy.max())  # the first batches stay
    spiky = np.concatenate([healthy, [40.0, 350.0, np.nan]])
    low, high, clipped = robust_range([spiky], "loss")
    assert clipped and healthy.max() <= high < 10.0
    assert robust_range([np.array([np.nan])], "loss") is None
    # A long run's flat tail does not cut off its own start.
    long_run = np.concatenate([[2.3, 2.2, 2.0, 1.6, 1.2], np.full(400, 0.45)])
    assert robust_range([long_run], "loss") == (0.45, 2.3, False)
    # A run that blew up from its first batches does not stretch the axis with its start.
    exploded = np.concatenate([[4e4, 3e4, 2e4], np.full(100, 2.4)])
    low, high, clipped = robust_range([long_run, exploded], "loss")
    assert clipped and 2.3 <= high < 4.0
    assert robust_range([np.array([50.0, 99.0])], "accuracy") == (50.0, 99.0, False)


def test_a_diverged_run_does_not_flatten_the_next_one(qtbot, curves):
    curves.start_run(0, 2)
    spike = learning()
    spike[150:, 1] = np.geomspace(1.0, 350.0, 50)  # the loss blows up before NaN
    curves.add_points(spike)
    curves.end_run()
    curves.start_run(0, 2)
    curves.add_points(learning())
    curves.refresh()
    low, high = curves.y_range("loss")
    assert high < 10.0 and curves.clipped  # the new run fills the plot, not 0–350
    assert "spike" in curves.legend_text()
    curves.set_log_loss(True)
    low, high = curves.y_range("loss")
    assert high >= np.log10(350.0) and low <= np.log10(0.4)  # every value on a log axis
    assert "spike" not in curves.legend_text()
    curves.set_log_loss(False)
    assert curves.y_range("loss")[1] < 10.0


def wheel(widget, delta: int) -> None:
    view = widget.viewport()
    center = QPointF(view.width() / 2, view.height() / 2)
    event = QWheelEvent(center, QPointF(view.mapToGlobal(center.toPoint())), QPoint(0, 0),
                        QPoint(0, delta), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, event)


def test_wheel_zoom_holds_until_reset_view(qtbot, curves):
    curves.start_run(0, 2)
    curves.add_points(learning(n=100))
    curves.refresh()
    before = curves.lossPlot.getPlotItem().viewRange()
    wheel(curves.lossPlot, 240)
    zoomed = curves.lossPlot.getPlotItem().viewRange()
    assert zoomed[0][1] - zoomed[0][0] < before[0][1] - before[0][0]
    curves.add_points(learning(n=100, start=2.0, epochs=4.0) * [1, 3, 1])  # new data
    curves.refresh()
    assert curves.lossPlot.getPlotItem().viewRange() == zoomed  # the person's view stays
    menu = curves.context_menu("loss")
    names = [a.objectName() for a in menu.actions() if a.objectName()]
    assert names == ["resetViewAction", "logScaleAction", "exportImageAction",
                     "exportCsvAction", "clearCurvesAction"]
    menu.findChild(type(menu.actions()[0]), "resetViewAction").trigger()
    x_range, y_range = curves.lossPlot.getPlotItem().viewRange()
    assert y_range[1] >= curves.data("loss")[:, 1].max()
    curves.end_run()


def test_menu_log_scale_clear_and_exports(qtbot, curves, tmp_path):
    curves.start_run(0, 2)
    curves.add_points(learning(n=20))
    curves.add_epoch(0, 0.9, 0.61, 1.0, 0.6)
    curves.end_run()
    overlay = Overlay(7, "Run 7", "#D55E00", learning(n=10)[:, :2],
                      np.column_stack([learning(n=10)[:, 0], 100 * learning(n=10)[:, 2]]),
                      np.array([[1.0, 1.1]]), np.array([[1.0, 58.0]]))
    curves.set_overlays([overlay])
    menu = curves.context_menu()
    log = [a for a in menu.actions() if a.objectName() == "logScaleAction"][0]
    assert log.isCheckable() and not log.isChecked()
    log.trigger()
    assert curves.log_loss and curves.lossPlot.getPlotItem().getAxis("left").logMode
    rows = list(csv.reader(open(curves.export_csv(tmp_path / "c.csv"), encoding="utf-8")))
    assert rows[0] == ["curve", "metric", "series", "epoch", "value"]
    assert ["current", "loss", "epochs", "1.0", "0.9"] in rows
    assert sum(1 for r in rows if r[0] == "Run 7") == 2 * (10 + 1)
    assert curves.export_png(tmp_path / "c.png").stat().st_size > 1000
    cleared = []
    curves.cleared.connect(lambda: cleared.append(True))
    [a for a in curves.context_menu().actions() if a.objectName() == "clearCurvesAction"][0].trigger()
    assert cleared and curves.overlays() == [] and len(curves.data("loss")) == 0
    assert curves.displayed_overlays("loss") == []


def test_best_epoch_line(qtbot, curves):
    curves.start_run(3, 5)
    curves.mark_best_epoch(1)
    assert curves.best_epoch_x() == pytest.approx(5.0)  # after the 3 earlier epochs
    assert curves._loss.best.label.format == "best epoch 2"
    curves.start_run(8, 2)
    assert curves.best_epoch_x() is None


def test_the_legend_is_a_line_above_the_plots_and_fits_at_1024x768(qtbot, settings):
    window = make_window(qtbot, settings, train_limit=256)
    window.resize(1024, 768)
    session = window.session
    session.update_settings(epochs=1, batch_size=128)
    for _ in range(10):
        with qtbot.waitSignal(window.trainingEnded, timeout=60000):
            window.start_training()
    qtbot.waitUntil(lambda: not window.experiments.refresh_pending)  # the table has them
    for record in session.runs:
        window.experiments.view.set_ticked(record.id, True)
    window.centerTabs.show_curves()  # at 1024 px the network and training are a tab too
    qtbot.waitUntil(window.curves.isVisible)
    qtbot.wait(50)
    label = window.curves.legendLabel
    assert len(window.curves.overlays()) == 10
    for i in range(1, 11):
        assert f"Run {i}" in window.curves.legend_text()
    # Wrapped, not clipped: the label is as tall as its text needs at its width, and it
    # sits above the plots instead of over them.
    assert label.height() >= label.heightForWidth(label.width())
    assert label.geometry().bottom() <= window.curves.lossPlot.geometry().top()
    assert window.curves.lossPlot.height() >= 90


def test_an_opened_model_shows_what_its_file_stores(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, train_limit=256)
    window.session.update_settings(epochs=2, batch_size=128, validation_split=0.25)
    with qtbot.waitSignal(window.trainingEnded, timeout=60000):
        window.start_training()
    metrics = dict(window.session.model.metrics)
    path = window.session.save_model(tmp_path / "m.dsmodel")
    window.session.reset_weights()
    window.curves.clear()
    assert window.open_model(path)
    qtbot.waitUntil(lambda: len(window.curves.data("loss", "epochs")) == 1)
    assert window.curves.data("loss", "epochs").tolist() == [[2.0, metrics["loss"]]]
    assert window.curves.data("accuracy", "validation")[0, 1] == pytest.approx(
        100 * metrics["val_accuracy"])
    assert "m.dsmodel" in window.curves.legend_text()
    assert "not its curves" in window.curves.legend_text()
    # The next run goes on after the stored epochs, and the stored point is named.
    with qtbot.waitSignal(window.trainingEnded, timeout=60000):
        window.start_training()
    assert window.curves.data("loss")[0, 0] > 2.0
    assert "m.dsmodel (dimmed)" in window.curves.legend_text()


def test_a_stored_run_is_drawn_as_it_was_live_even_with_a_short_last_batch(qtbot, settings):
    window = make_window(qtbot, settings, train_limit=256)
    # 192 training images in batches of 50: the last batch of each epoch holds 42.
    window.session.update_settings(epochs=3, batch_size=50, validation_split=0.25)
    with qtbot.waitSignal(window.trainingEnded, timeout=60000):
        window.start_training()
    live = window.curves.data("loss")
    accuracy = window.curves.data("accuracy")
    record = window.session.runs.records[-1]
    assert record.samples_per_epoch == 192 and record.metrics["train_samples"] == 192
    experiments = window.experiments
    experiments.set_ticked(record.id, True)
    [overlay] = window.curves.overlays()
    np.testing.assert_allclose(overlay.loss, live)
    np.testing.assert_allclose(overlay.accuracy, accuracy)
    assert overlay.accuracy[:, 1].max() <= 100.0
    # A session file written before train_samples was kept: the finished run's rows say it.
    del record.metrics["train_samples"]
    assert record.samples_per_epoch == 192


def _overlay(key, epochs=3.0, color="#D55E00", label=None):
    run = learning(n=30, epochs=epochs)
    return Overlay(key, label or f"Run {key}", color, run[:, :2],
                   np.column_stack([run[:, 0], 100 * run[:, 2]]),
                   np.array([[epochs, 1.1]]), np.array([[epochs, 58.0]]))


def test_overlays_asked_for_again_are_not_redrawn(qtbot, curves, monkeypatch):
    first, second = _overlay(1), _overlay(2, color="#0072B2")
    curves.set_overlays([first, second])
    calls = []
    monkeypatch.setattr(type(curves._loss.overlays[0][0]), "setData",
                        lambda item, *a, **k: calls.append(item))
    # The runs table asks again on every change of the history: same runs, same arrays.
    curves.set_overlays([Overlay(*[getattr(first, f) for f in first.__dataclass_fields__]),
                         second])
    assert calls == []
    renamed = Overlay(1, "Best so far", first.color, first.loss, first.accuracy,
                      first.val_loss, first.val_accuracy)
    curves.set_overlays([renamed, second])
    assert calls == [] and "Best so far" in curves.legend_text()
    curves.set_overlays([second])  # one item now shows another run, the other is emptied
    assert len(calls) == 2 * 2 * 2  # both plots: (train, validation) of slot 0 and slot 1


def test_the_x_axis_shows_the_overlays_whole_and_stays_at_the_run_end(qtbot, curves):
    curves.set_overlays([_overlay(1, epochs=3.0)])
    curves.start_run(0, 1)
    assert curves.lossPlot.getPlotItem().viewRange()[0][1] >= 3.0  # not cut at 1 epoch
    curves.add_points(learning(n=20, epochs=1.0))
    curves.refresh()
    during = curves.lossPlot.getPlotItem().viewRange()[0]
    curves.end_run()
    assert curves.lossPlot.getPlotItem().viewRange()[0] == during
