import pytest

from dense_studio.engine.spec import (DenseSpec, DropoutSpec, TrainingConfig, format_layers,
                                      parse_layers)
from dense_studio.errors import ConfigError


def test_parse_and_format_round_trip():
    layers = parse_layers("128:relu, dropout:0.2,64:TANH,32")
    assert layers == (DenseSpec(128, "relu"), DropoutSpec(0.2), DenseSpec(64, "tanh"),
                      DenseSpec(32, "relu"))
    assert parse_layers(format_layers(layers)) == layers
    assert parse_layers("") == ()


@pytest.mark.parametrize("text", ["0:relu", "abc", "128:bogus", "dropout:1", "dropout:x", "64,,32"])
def test_bad_layer_text(text):
    with pytest.raises(ConfigError):
        parse_layers(text)


def test_lr_schedule_is_a_backward_compatible_field():
    assert TrainingConfig().lr_schedule == "cosine"  # the reference preset's
    config = TrainingConfig(lr_schedule="constant")
    data = config.to_dict()
    assert data["lr_schedule"] == "constant"
    assert TrainingConfig.from_dict(data) == config
    assert TrainingConfig.from_dict(TrainingConfig().to_dict()) == TrainingConfig()
    old = TrainingConfig().to_dict()
    del old["lr_schedule"]  # settings written before the field existed: constant rate
    assert TrainingConfig.from_dict(old).lr_schedule == "constant"
    with pytest.raises(ConfigError, match="schedule"):
        TrainingConfig(lr_schedule="step")
    with pytest.raises(ConfigError, match="unexpected"):
        TrainingConfig.from_dict({**data, "momentum": 0.9})
    missing = dict(data)
    del missing["seed"]
    with pytest.raises(ConfigError, match="missing"):
        TrainingConfig.from_dict(missing)
