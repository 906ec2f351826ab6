"""Weights per epoch: kept within the budget, recorded from a real session's run."""

import numpy as np
import pytest

from dense_studio.engine import DenseSpec
from dense_studio.insight.history import EpochRecorder, WeightHistory
from dense_studio.insight.network import DenseStep, Network
from dense_studio.session import Session, TrainingSettings


def tiny(epoch, units=4, value=0.0):
    kernel = np.full((6, units), value, np.float32)
    return Network((DenseStep("dense", kernel, np.zeros(units, np.float32), "softmax"),),
                   (2, 3), epoch)


def test_over_budget_every_second_epoch_goes_first_and_newest_stay():
    one = tiny(0).nbytes
    history = WeightHistory(budget_bytes=5 * one)
    for epoch in range(12):
        history.add(tiny(epoch))
        assert history.nbytes <= history.budget_bytes
    epochs = history.epochs
    assert epochs[0] == 0 and epochs[-1] == 11 and len(epochs) <= 5
    assert epochs == sorted(epochs)
    assert history.thinned == 12 - len(epochs)


def test_the_same_epoch_replaces_and_a_new_architecture_starts_over():
    history = WeightHistory()
    history.add(tiny(0))
    history.add(tiny(1, value=1.0))
    history.add(tiny(1, value=2.0))
    assert history.epochs == [0, 1] and history.latest.steps[0].kernel[0, 0] == 2.0
    history.add(tiny(2, units=5))
    assert history.epochs == [2]


def test_a_network_bigger_than_the_budget_is_kept_alone():
    history = WeightHistory(budget_bytes=10)
    history.add(tiny(0))
    history.add(tiny(1))
    assert history.epochs == [1]


@pytest.fixture
def session(fashion):
    session = Session(layers=(DenseSpec(16, "relu"),),
                      settings=TrainingSettings(epochs=2, batch_size=64, validation_split=0.0),
                      train_limit=600, clock=lambda: 1_700_000_000.0)
    session.dataset_loaded(fashion)
    return session


def test_a_run_is_recorded_epoch_by_epoch(session):
    recorder = EpochRecorder(session)
    seen = []
    recorder.events.history.connect(lambda event: seen.append(list(event.value.epochs)))
    assert recorder.history.epochs == [0.0]
    start = recorder.history.latest
    session.train()
    assert recorder.history.epochs == [0.0, 1.0, 2.0]
    assert recorder.history[0] is start
    latest = recorder.history.latest
    for mine, theirs in zip(latest.weights(), session.model.predictor.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    assert not latest.same_weights(recorder.history[1])
    assert seen[-1] == [0.0, 1.0, 2.0]
    session.train()  # goes on from epoch 2
    assert recorder.history.epochs == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_new_weights_from_outside_a_run_start_a_new_history(session):
    recorder = EpochRecorder(session)
    session.train()
    session.reset_weights()
    assert recorder.history.epochs == [0.0]
    for mine, theirs in zip(recorder.history.latest.weights(),
                            session.model.predictor.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
