"""Early stopping in the engine's loop, with Keras's EarlyStopping rules.

Most tests feed the loop a scripted sequence of validation results (the loop's only
source of them is ``evaluate_arrays``), so the epoch it must stop at is known exactly;
the weights still come from real training, so restoring them is checked for real."""

from __future__ import annotations

import numpy as np
import pytest

from dense_studio.engine import DenseSpec, EpochEnd, TrainingConfig, TrainingEnd
from dense_studio.engine import training
from dense_studio.engine.early_stopping import EarlyStoppingRule, improves
from dense_studio.engine.run import prepare_run
from dense_studio.errors import ConfigError

from .helpers import blobs, load_idx


def scripted(monkeypatch, val_loss=None, val_accuracy=None):
    """Make epoch k's validation give ``val_loss[k]`` / ``val_accuracy[k]``."""
    calls = {"n": 0}

    def evaluate(model, x, y):
        k = calls["n"]
        calls["n"] += 1
        return {"loss": val_loss[k] if val_loss else 1.0,
                "accuracy": val_accuracy[k] if val_accuracy else 0.5}

    monkeypatch.setattr(training, "evaluate_arrays", evaluate)


def run(epochs, **early):
    """Train a small real run; ``(TrainingEnd, weights snapshot at each EpochEnd, model)``."""
    x, y = blobs(n=200)
    config = TrainingConfig(layers=(DenseSpec(8),), epochs=epochs, validation_split=0.2,
                            batch_size=32, lr_schedule="constant", **early)
    prepared = prepare_run(config, x, y)
    snapshots, end = [], None
    for event in prepared.train():
        if isinstance(event, EpochEnd):
            snapshots.append(prepared.model.get_weights())
        elif isinstance(event, TrainingEnd):
            end = event
    return end, snapshots, prepared.model


def same(a, b) -> bool:
    return all(np.array_equal(p, q) for p, q in zip(a, b))


def test_stops_after_exactly_patience_epochs_without_improvement(monkeypatch):
    # best at epoch 1 (0.8); 0.9, 0.85, 0.81 do not beat it: the third of them stops
    scripted(monkeypatch, val_loss=[1.0, 0.8, 0.9, 0.85, 0.81, 0.1, 0.1, 0.1])
    end, snapshots, model = run(8, early_stopping_patience=3)
    assert end.status == "finished" and end.stopped_early
    assert end.best_epoch == 1 and end.epochs_done == 5 and len(snapshots) == 5
    assert end.history["val_loss"] == [1.0, 0.8, 0.9, 0.85, 0.81]
    assert all(len(values) == 5 for values in end.history.values())
    assert "stopped early after 5 of 8 epochs" in end.message and "epoch 2" in end.message
    # restore_best_weights (the default): the weights at the end of epoch 1, not the last
    assert same(model.get_weights(), snapshots[1])
    assert not same(model.get_weights(), snapshots[-1])


def test_without_restore_the_last_weights_stay(monkeypatch):
    scripted(monkeypatch, val_loss=[1.0, 0.8, 0.9, 0.85])
    end, snapshots, model = run(8, early_stopping_patience=2, restore_best_weights=False)
    assert end.stopped_early and end.best_epoch == 1 and end.epochs_done == 4
    assert same(model.get_weights(), snapshots[-1])


def test_min_delta_decides_what_counts_as_an_improvement(monkeypatch):
    losses = [1.0, 0.95, 0.9, 0.85, 0.8, 0.75]  # steps of 0.05
    scripted(monkeypatch, val_loss=losses)
    end, _, _ = run(6, early_stopping_patience=2, min_delta=0.1)
    assert end.stopped_early and end.best_epoch == 0 and end.epochs_done == 3
    scripted(monkeypatch, val_loss=losses)
    end, _, _ = run(6, early_stopping_patience=2, min_delta=0.01)
    assert not end.stopped_early and end.best_epoch == 5 and end.epochs_done == 6
    assert end.message.startswith("training finished")


def test_val_accuracy_is_maximized_and_a_tie_is_no_improvement(monkeypatch):
    scripted(monkeypatch, val_loss=[5.0, 4.0, 3.0, 2.0, 1.0, 0.5],
             val_accuracy=[0.5, 0.6, 0.55, 0.6, 0.7, 0.8])
    end, snapshots, model = run(6, early_stopping_patience=2, monitor="val_accuracy")
    assert end.stopped_early and end.best_epoch == 1 and end.epochs_done == 4
    assert same(model.get_weights(), snapshots[1])


def test_patience_zero_stops_at_the_first_epoch_without_improvement(monkeypatch):
    scripted(monkeypatch, val_loss=[1.0, 0.9, 0.95, 0.5])
    end, _, _ = run(4, early_stopping_patience=0)
    assert end.stopped_early and end.best_epoch == 1 and end.epochs_done == 3


def test_without_early_stopping_nothing_changes(monkeypatch):
    scripted(monkeypatch, val_loss=[1.0, 2.0, 3.0, 4.0])
    end, snapshots, model = run(4)
    assert end.best_epoch is None and not end.stopped_early and end.epochs_done == 4
    assert same(model.get_weights(), snapshots[-1])


def test_a_real_overfitting_run_stops_patience_epochs_after_its_best():
    # 300 MNIST images, a wide layer and a high constant rate: validation loss soon rises
    x, y = load_idx("mnist", limit=400)
    patience = 2
    config = TrainingConfig(layers=(DenseSpec(64),), epochs=60, validation_split=0.25,
                            learning_rate=0.01, batch_size=16, lr_schedule="constant",
                            early_stopping_patience=patience, seed=1)
    prepared = prepare_run(config, x, y)
    end = [e for e in prepared.train() if isinstance(e, TrainingEnd)][0]
    val = end.history["val_loss"]
    assert end.stopped_early and end.epochs_done < 60
    assert len(val) == end.epochs_done == end.best_epoch + 1 + patience
    assert val[end.best_epoch] == min(val)
    restored = prepared.model.evaluate(*prepared.validation)["loss"]
    assert restored == pytest.approx(val[end.best_epoch], rel=1e-5)


def test_the_rule_compares_like_keras():
    assert improves(0.5, None, 0.0, "min")
    assert improves(0.89, 1.0, 0.1, "min") and not improves(0.9, 1.0, 0.1, "min")
    assert improves(0.71, 0.6, 0.1, "max") and not improves(0.7, 0.6, 0.1, "max")
    assert not improves(0.6, 0.6, 0.0, "max") and not improves(0.6, 0.6, 0.0, "min")
    with pytest.raises(ConfigError, match="unknown monitor"):
        EarlyStoppingRule(2, monitor="loss")


def test_training_without_validation_data_is_refused():
    x, y = blobs(n=60)
    config = TrainingConfig(layers=(DenseSpec(8),), epochs=2, validation_split=0.2)
    prepared = prepare_run(config, x, y)
    with pytest.raises(ConfigError, match="needs validation data"):
        prepared.model.train(x, y, epochs=2, early_stopping=EarlyStoppingRule(1))


def test_config_validation_and_round_trip():
    config = TrainingConfig(validation_split=0.1, early_stopping_patience=3,
                            monitor="val_accuracy", min_delta=0.001, restore_best_weights=False)
    assert TrainingConfig.from_dict(config.to_dict()) == config
    rule = config.early_stopping_rule()
    assert (rule.patience, rule.monitor, rule.mode, rule.min_delta, rule.restore_best_weights) \
        == (3, "val_accuracy", "max", 0.001, False)
    assert TrainingConfig().early_stopping_rule() is None
    old = TrainingConfig(validation_split=0.1).to_dict()
    for key in ("early_stopping_patience", "monitor", "min_delta", "restore_best_weights"):
        del old[key]  # files written before early stopping: it was off
    loaded = TrainingConfig.from_dict(old)
    assert loaded.early_stopping_patience is None and loaded.early_stopping_rule() is None
    with pytest.raises(ConfigError, match="needs a validation split"):
        TrainingConfig(early_stopping_patience=3)
    bad = [dict(early_stopping_patience=-1), dict(early_stopping_patience=2.5),
           dict(early_stopping_patience=True), dict(monitor="loss"), dict(min_delta=-0.1),
           dict(min_delta=float("nan")), dict(restore_best_weights=1)]
    for changes in bad:
        with pytest.raises(ConfigError):
            TrainingConfig(validation_split=0.1, **{"early_stopping_patience": 2, **changes})
