"""The one run recipe: Keras 3's validation rule, the model built from the data, batches."""

import math

import numpy as np
import pytest

from dense_studio.engine.run import batches_per_epoch, prepare_run, split_validation, validation_split_at
from dense_studio.engine.spec import DenseSpec, TrainingConfig
from dense_studio.errors import ConfigError


def keras3_split_at(n, fraction):
    # keras/src/trainers/data_adapters/data_adapter_utils.py, train_validation_split
    return int(math.floor(n * (1.0 - fraction)))


@pytest.mark.parametrize("n, fraction", [(60000, 0.07), (60000, 0.1), (60000, 0.3), (1000, 0.33),
                                         (7, 0.5), (10, 0.05), (60000, 0.9)])
def test_validation_holds_out_the_last_samples_as_keras_3(n, fraction):
    x = np.arange(n, dtype=np.float32).reshape(n, 1)
    y = np.arange(n) % 10
    if keras3_split_at(n, fraction) in (0, n):
        with pytest.raises(ConfigError, match="leaves no"):
            split_validation(x, y, fraction)
        return
    x_train, y_train, (x_val, y_val) = split_validation(x, y, fraction)
    assert len(x_val) == n - keras3_split_at(n, fraction)
    assert x_val[0, 0] == keras3_split_at(n, fraction)  # the last ones, in order
    assert np.array_equal(np.concatenate([x_train, x_val]), x)


def test_seven_percent_of_60000_holds_out_4201():
    assert 60000 - validation_split_at(60000, 0.07) == 4201


def test_either_part_empty_is_a_clear_error():
    with pytest.raises(ConfigError, match="no validation samples"):
        validation_split_at(10, 1e-17)  # 10 * (1 - 1e-17) rounds to 10
    with pytest.raises(ConfigError, match="no training samples"):
        validation_split_at(1, 0.5)


def test_no_split_keeps_everything():
    x, y = np.zeros((5, 4)), np.zeros(5, int)
    x_train, _, validation = split_validation(x, y, 0.0)
    assert validation is None and len(x_train) == 5


def test_batches_per_epoch_counts_the_partial_batch():
    assert batches_per_epoch(60000, 32) == 1875
    assert batches_per_epoch(100, 32) == 4
    assert batches_per_epoch(10, 64) == 1


def test_prepare_run_builds_from_the_data_shape_and_compiles_from_the_config():
    rng = np.random.default_rng(0)
    x = rng.random((50, 6, 7), dtype=np.float32)
    y = np.arange(50) % 3
    config = TrainingConfig(layers=(DenseSpec(5, "tanh"),), optimizer="sgd", learning_rate=0.05,
                            batch_size=8, epochs=2, validation_split=0.2, seed=3)
    run = prepare_run(config, x, y, num_classes=4)
    assert run.model.input_shape == (6, 7)
    assert run.model.output_units == 4
    assert type(run.model.optimizer).__name__ == "SGD"
    assert run.model.optimizer.learning_rate == pytest.approx(0.05)
    assert run.held_out == 10 and len(run.x_train) == 40
    assert run.batches_per_epoch == 5 and run.total_batches == 10
    events = list(run.train())
    assert events[-1].status == "finished" and len(events[-1].history["val_loss"]) == 2


def test_prepare_run_on_an_existing_model_checks_it_fits():
    x = np.zeros((20, 4), np.float32)
    y = np.arange(20) % 2
    run = prepare_run(TrainingConfig(layers=()), x, y)
    with pytest.raises(ConfigError, match="outputs"):
        prepare_run(TrainingConfig(layers=()), x, y, num_classes=3, model=run.model)
    with pytest.raises(ConfigError, match="inputs"):
        prepare_run(TrainingConfig(layers=()), np.zeros((20, 5)), y, model=run.model)
    again = prepare_run(TrainingConfig(layers=(), optimizer="rmsprop"), x, y, model=run.model)
    assert again.model is run.model and type(run.model.optimizer).__name__ == "RMSprop"
