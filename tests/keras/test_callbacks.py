"""Callbacks are called as Keras 3's ``fit`` calls them, from the engine's events."""

import operator

import numpy as np
import pytest

from dense_studio import keras
from dense_studio.errors import ConfigError


class Recorder(keras.callbacks.Callback):
    def __init__(self, stop_at=None):
        super().__init__()
        self.calls, self.stop_at = [], stop_at

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin",))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_batch_begin(self, batch, logs=None):  # Keras's alias of on_train_batch_begin
        self.calls.append(("batch_begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch, tuple(logs)))
        if (self.params and self.stop_at == batch):
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, tuple(logs)))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end",))


def test_hooks_come_in_keras_s_order(digits, small_model):
    x, y = digits[0][:100], digits[1][:100]
    recorder = Recorder()
    small_model().fit(x, y, epochs=2, batch_size=50, validation_split=0.0,
                      validation_data=(x[:20], y[:20]), callbacks=[recorder], verbose=0)
    batch_keys, epoch_keys = ("accuracy", "loss"), ("accuracy", "loss", "val_accuracy", "val_loss")
    per_epoch = lambda e: [("epoch_begin", e), ("batch_begin", 0), ("batch_end", 0, batch_keys),
                           ("batch_begin", 1), ("batch_end", 1, batch_keys),
                           ("epoch_end", e, epoch_keys)]
    assert recorder.calls == [("train_begin",), *per_epoch(0), *per_epoch(1), ("train_end",)]
    assert recorder.params == {"verbose": 0, "epochs": 2, "steps": 2}


def test_stop_training_from_a_batch_ends_that_epoch_as_keras(digits, small_model):
    x, y = digits[:2]
    recorder = Recorder(stop_at=3)
    history = small_model().fit(x, y, epochs=5, callbacks=[recorder], validation_split=0.1,
                                verbose=0)
    kinds = [call[0] for call in recorder.calls]
    assert kinds.count("batch_end") == 4 and kinds.count("epoch_end") == 1
    assert kinds[-2:] == ["epoch_end", "train_end"]
    assert history.epoch == [0] and "val_loss" in history.history


def test_early_stopping_stops_and_restores_the_best_weights(digits, small_model):
    x, y = digits[:2]
    after_epoch = []
    keep = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: after_epoch.append(model.get_weights()))
    # No later epoch improves val_loss by 10, so training stops after epoch 1 (patience 1).
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=10, patience=1,
                                            restore_best_weights=True)
    model = small_model()
    history = model.fit(x, y, epochs=10, validation_split=0.2, callbacks=[keep, stopper],
                        verbose=0)
    assert history.epoch == [0, 1] and stopper.stopped_epoch == 1 and stopper.best_epoch == 0
    for restored, best in zip(model.get_weights(), after_epoch[0]):
        np.testing.assert_array_equal(restored, best)
    assert not np.array_equal(after_epoch[1][0], after_epoch[0][0])


def test_early_stopping_maximizes_accuracy_and_waits_for_patience(digits, capsys,
                                                                  small_model):
    x, y = digits[:2]
    stopper = keras.callbacks.EarlyStopping(monitor="accuracy", min_delta=1, patience=2,
                                            verbose=1)
    history = small_model().fit(x, y, epochs=10, callbacks=[stopper], verbose=0)
    assert stopper.monitor_op is operator.gt  # "auto" mode: accuracy goes up
    assert history.epoch == [0, 1, 2]  # no gain of 1: stops once patience (2) runs out
    assert capsys.readouterr().out == "Epoch 3: early stopping\n"


def test_early_stopping_on_an_unknown_direction_says_what_to_pass(digits, small_model):
    x, y = digits[:2]
    stopper = keras.callbacks.EarlyStopping(monitor="val_mystery")
    with pytest.raises(ConfigError, match="Pass `mode='max'`"):
        small_model().fit(x, y, callbacks=[stopper], verbose=0)


def test_callbacks_must_be_callbacks(digits, small_model):
    with pytest.raises(ConfigError, match="Callback"):
        small_model().fit(*digits[:2], callbacks=[print], verbose=0)
