"""Run recording from real (short) training runs on Fashion-MNIST, and the threading rule:
record in the worker thread, announce on the session's thread."""

import queue
import threading

import numpy as np
import pytest

from dense_studio.engine.run import prepare_run
from dense_studio.engine.spec import DenseSpec
from dense_studio.engine.training import BatchEnd, EpochEnd, TrainingControl, TrainingEnd
from dense_studio.errors import ConfigError
from dense_studio.session import runs as runs_module
from dense_studio.session.runs import RunRecord

from .helpers import Recorder

TRAIN, HELD_OUT, BATCHES = 448, 64, 7  # 512 images, validation 12.5 %, batches of 64


def test_a_run_is_recorded_batch_by_batch_and_epoch_by_epoch(small_session, fashion):
    session = small_session
    log = Recorder(session.events)
    record = session.train()
    assert record.status == "finished" and record.config == session.config
    assert record.started_at == 1_700_000_000.0 and record.seconds > 0
    rows = record.batches
    assert rows.shape == (2 * BATCHES, 3)
    assert rows[:, 2].tolist() == [64.0 * (i + 1) for i in range(2 * BATCHES)]
    assert [e.epoch for e in record.epochs] == [0, 1]
    last = record.epochs[-1]
    assert rows[-1, 0] == pytest.approx(last.loss) and rows[-1, 1] == pytest.approx(last.accuracy)
    assert record.metrics == {"loss": last.loss, "accuracy": last.accuracy,
                              "val_loss": last.val_loss, "val_accuracy": last.val_accuracy,
                              "epochs_done": 2,
                              "params": session.model.model.count_params(),
                              "train_samples": TRAIN}
    # The validation numbers are those of the one run recipe's held-out part.
    recipe = prepare_run(session.config, fashion.x_train[:512], fashion.y_train[:512])
    assert recipe.held_out == HELD_OUT
    expected = session.model.model.evaluate(*recipe.validation)
    assert last.val_loss == pytest.approx(expected["loss"], rel=1e-5)
    status = session.model.status()
    assert status.trained and status.epochs_trained == 2 and not status.training
    types = log.types()
    assert types.count("run_started") == 1 and types.count("epoch") == 2
    assert types.count("run_finished") == 1 and types.index("run_finished") > types.index("epoch")


def test_the_worker_thread_records_and_the_owner_announces(small_session):
    session = small_session
    record = session.start_run()
    items = queue.Queue()
    refused = []

    def worker():  # what the window's training worker does
        try:
            session.run_progress()
        except RuntimeError:
            refused.append(True)
        for event in record.train(TrainingControl()):
            if isinstance(event, EpochEnd):
                items.put((event, session.model.model.get_weights()))
            elif isinstance(event, TrainingEnd):
                items.put((event, session.model.model.get_weights()))
            elif event.batch % 3 == 0:
                items.put((event, None))

    thread = threading.Thread(target=worker)
    thread.start()
    progress = []
    session.events.run_progress.connect(lambda e: progress.append(e.value.batch_count))
    while True:
        event, weights = items.get(timeout=60)
        if isinstance(event, BatchEnd):
            session.run_progress(event)
        elif isinstance(event, EpochEnd):
            session.epoch_end(event, weights)
        else:
            thread.join()
            session.finish_run(event, weights)
            break
    assert refused == [True]
    assert progress and all(0 < n <= 2 * BATCHES for n in progress)
    assert record.status == "finished" and len(record.batches) == 2 * BATCHES
    assert not session.layers.locked and session.state == "idle"


def test_the_predictor_keeps_the_last_epochs_weights_while_training_goes_on(small_session):
    session = small_session
    session.show_test_sample(0)
    record = session.start_run()
    events = record.train()
    for event in events:
        if isinstance(event, EpochEnd):
            snapshot = session.model.model.get_weights()
            session.epoch_end(event, snapshot)
            break
    shown = session.canvas.probabilities.copy()
    for _ in range(3):  # three more batches change the model, not the predictor
        assert isinstance(next(events), BatchEnd)
    moved = session.model.model.get_weights()
    assert not np.array_equal(moved[0], snapshot[0])
    for mine, kept in zip(session.model.predictor.get_weights(), snapshot):
        np.testing.assert_array_equal(mine, kept)
    session.set_input(session.canvas.image)  # a new prediction still uses the snapshot
    np.testing.assert_array_equal(session.canvas.probabilities, shown)
    snapshot[0][:] = 0  # the predictor owns its copy
    assert session.model.predictor.get_weights()[0].any()
    events.close()


def test_a_stopped_run_counts_its_partial_epoch_and_the_next_goes_on(small_session):
    session = small_session
    control = TrainingControl()
    record = session.start_run()
    for event in record.train(control):
        if isinstance(event, BatchEnd) and event.epoch == 0 and event.batch == 3:
            control.stop()
        if isinstance(event, TrainingEnd):
            session.finish_run(event)
    assert record.status == "stopped" and record.epochs == []
    assert session.model.epochs_trained == pytest.approx(3 / BATCHES)
    weights = session.model.model.get_weights()
    second = session.train()
    assert second.initial_epoch == pytest.approx(3 / BATCHES)
    assert session.model.epochs_trained == pytest.approx(2 + 3 / BATCHES)
    assert [r.id for r in session.runs] == [1, 2]
    assert not np.array_equal(session.model.model.get_weights()[0], weights[0])


def test_the_layers_are_locked_while_a_run_holds_the_model(small_session):
    session = small_session
    record = session.start_run()
    with pytest.raises(ConfigError):
        session.layers.append(DenseSpec(8))
    with pytest.raises(ConfigError, match="already training|not while training"):
        session.start_run()
    for event in record.train():
        if isinstance(event, TrainingEnd):
            session.finish_run(event)
    session.layers.append(DenseSpec(8))
    assert session.model.stale
    fresh = session.train()
    assert fresh.initial_epoch == 0 and not session.model.stale
    assert session.model.layers == session.layers.layers


def test_a_failed_run_is_recorded_as_failed(small_session):
    session = small_session
    record = session.start_run()
    session.finish_run(None, message="out of memory")
    assert record.status == "failed" and record.message == "out of memory"
    assert session.state == "idle" and not session.layers.locked


def test_long_runs_keep_every_kth_batch(monkeypatch):
    monkeypatch.setattr(runs_module, "MAX_BATCH_ROWS", 10)
    config = runs_module.TrainingConfig(epochs=2)
    record = RunRecord(1, config, total_batches=100)
    for epoch in range(2):
        for batch in range(1, 51):
            record.record(BatchEnd(epoch, 2, batch, 50, 1.0 / batch, 0.5, 50 * epoch + batch,
                                   1.0, 0.1))
    seen = record.batches[:, 2].tolist()
    assert len(seen) == 10 and seen == [10.0 * k for k in range(1, 11)]


def test_history_rename_and_remove(small_session):
    session = small_session
    first = session.train()
    log = Recorder(session.events)
    session.runs.rename(first.id, "baseline")
    assert session.runs.get(first.id).name == "baseline" and log.types() == ["runs"]
    with pytest.raises(ConfigError):
        session.runs.rename(first.id, "two\nlines")
    session.runs.remove(first.id)
    assert len(session.runs) == 0


def test_a_run_that_diverges_at_once_leaves_the_model_untrained(small_session):
    session = small_session
    record = session.start_run()
    session.finish_run(TrainingEnd("diverged", "training diverged (loss became NaN)", {}, 0))
    assert record.status == "diverged"
    assert record.metrics == {"epochs_done": 0, "params": 101770, "train_samples": TRAIN}
    assert not session.model.trained and session.model.epochs_trained == 0
