"""Training settings: the config's rules, and the TrainingConfig a session produces."""

import pytest

from dense_studio.engine.spec import DenseSpec, DropoutSpec, TrainingConfig
from dense_studio.errors import ConfigError
from dense_studio.session import Session, TrainingSettings

from .helpers import Recorder


def test_defaults_and_checks_are_the_configs():
    default = TrainingConfig()
    settings = TrainingSettings()
    assert settings.to_dict() == {k: getattr(default, k) for k in settings.to_dict()}
    assert TrainingSettings(seed=2**32 - 1).seed == 2**32 - 1  # the config's seed range
    with pytest.raises(ConfigError, match="seed"):
        TrainingSettings(seed=2**32)
    with pytest.raises(ConfigError, match="optimizer"):
        TrainingSettings().replace(optimizer="adagrad")
    with pytest.raises(ConfigError, match="unknown training setting"):
        TrainingSettings().replace(layers=())


def test_the_session_produces_the_runs_config():
    session = Session(layers=(DenseSpec(32, "tanh"), DropoutSpec(0.1)), dataset="MNIST")
    session.update_settings(optimizer="sgd", learning_rate=0.05, lr_schedule="constant",
                            batch_size=128, epochs=3, validation_split=0.2, seed=9)
    assert session.config == TrainingConfig(
        dataset="mnist", layers=(DenseSpec(32, "tanh"), DropoutSpec(0.1)), optimizer="sgd",
        learning_rate=0.05, batch_size=128, epochs=3, validation_split=0.2, seed=9,
        lr_schedule="constant")
    assert TrainingSettings.from_config(session.config) == session.settings


def test_settings_event_names_what_changed_and_only_then():
    session = Session()
    log = Recorder(session.events)
    session.update_settings(epochs=5)  # unchanged
    assert log.of("settings") == []
    session.update_settings(epochs=7, seed=3)
    [event] = log.of("settings")
    assert event.value.epochs == 7 and event.changed == {"epochs", "seed"}
    with pytest.raises(ConfigError):
        session.update_settings(learning_rate=-1)
    assert session.settings.learning_rate == TrainingConfig().learning_rate


def test_early_stopping_settings_make_the_runs_config_and_leave_rebuilds_alone(fashion):
    session = Session(settings=TrainingSettings(epochs=2, validation_split=0.125),
                      train_limit=256)
    session.dataset_loaded(fashion)
    session.update_settings(early_stopping_patience=1, monitor="val_accuracy", min_delta=0.01,
                            restore_best_weights=False)
    config = session.config
    assert (config.early_stopping_patience, config.monitor, config.min_delta,
            config.restore_best_weights) == (1, "val_accuracy", 0.01, False)
    session.rebuild_model()  # builds without the split, so without early stopping too
    assert session.model.model is not None
    with pytest.raises(ConfigError, match="validation split"):
        session.update_settings(validation_split=0.0)
    assert session.settings.validation_split == 0.125
