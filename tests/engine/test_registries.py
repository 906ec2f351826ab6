"""One source for names and bounds: the engine's registries and spec.MAX_SEED."""

import numpy as np
import pytest

from dense_studio import engine
from dense_studio.engine import Dense, activations, optimizers, spec
from dense_studio.engine.spec import DenseSpec, TrainingConfig
from dense_studio.errors import ConfigError

from .helpers import blobs


def test_spec_names_are_the_registries_names():
    assert spec.ACTIVATIONS == activations.NAMES
    assert spec.OPTIMIZERS == optimizers.NAMES
    assert engine.ACTIVATIONS is activations.NAMES and engine.OPTIMIZERS is optimizers.NAMES
    assert optimizers.NAMES == ("adam", "sgd", "rmsprop")  # the order menus offer them in
    assert len(set(activations.NAMES)) == len(activations.NAMES) == 9


@pytest.mark.parametrize("name", activations.NAMES)
def test_every_registered_activation_builds_a_layer_and_a_spec(name):
    assert activations.get(name).name == name
    assert Dense(4, name).activation is activations.get(name)
    assert DenseSpec(4, name).activation == name


@pytest.mark.parametrize("name", optimizers.NAMES)
def test_every_registered_optimizer_is_made_by_name(name):
    made = optimizers.get(name)
    assert made.name == name and made.get_config()["name"] == name
    assert TrainingConfig(optimizer=name).optimizer == name


def test_unknown_names_list_the_registry():
    for make, names in ((lambda: DenseSpec(4, "sigmoidal"), activations.NAMES),
                        (lambda: activations.get("sigmoidal"), activations.NAMES),
                        (lambda: TrainingConfig(optimizer="adagrad"), optimizers.NAMES),
                        (lambda: optimizers.get("adagrad"), optimizers.NAMES)):
        with pytest.raises(ConfigError) as info:
            make()
        assert f"(choose from {', '.join(names)})" in str(info.value)


def test_one_seed_bound_for_the_config_and_the_engine():
    assert spec.MAX_SEED == engine.MAX_SEED == 2**32 - 1
    assert TrainingConfig(seed=spec.MAX_SEED).seed == spec.MAX_SEED
    with pytest.raises(ConfigError, match=str(spec.MAX_SEED)):
        TrainingConfig(seed=spec.MAX_SEED + 1)
    x, y = blobs(n=8)
    model = engine.build_model((), input_shape=(6,), num_classes=3)
    model.compile("sgd")
    events = list(model.train(x, y, seed=spec.MAX_SEED))
    assert events[-1].status == "finished"
    with pytest.raises(ConfigError, match=str(spec.MAX_SEED)):
        model.train(x, y, seed=spec.MAX_SEED + 1)
    assert np.isfinite(events[-1].history["loss"][0])
