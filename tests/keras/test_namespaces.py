"""Keras's namespaces: what we have works under Keras's names; what we lack says so."""

import subprocess
import sys

import numpy as np
import pytest

from dense_studio import keras
from dense_studio.data import load_dataset
from dense_studio.errors import ConfigError
from dense_studio.keras import NotAvailableError


@pytest.mark.parametrize("module, name", [
    (keras.layers, "Conv2D"), (keras.layers, "LSTM"), (keras.losses, "MeanSquaredError"),
    (keras.optimizers, "AdamW"), (keras.callbacks, "ModelCheckpoint"), (keras.metrics, "AUC"),
    (keras.datasets, "cifar10"), (keras.utils, "to_categorical"), (keras, "Model"),
    (keras.activations, "selu"), (keras.models, "clone_model"), (keras.optimizers.schedules,
                                                                   "ExponentialDecay"),
])
def test_what_keras_has_and_we_lack_is_named(module, name):
    with pytest.raises(NotAvailableError, match=f"{name} is not available in Dense Studio") as caught:
        getattr(module, name)
    assert "\n" not in str(caught.value)


def test_the_issue_s_example_and_a_from_import():
    with pytest.raises(NotAvailableError, match="Conv2D is not available.*teaches Dense layers"):
        from dense_studio.keras.layers import Conv2D  # noqa: F401


def test_a_typo_gets_a_suggestion_and_private_names_stay_attribute_errors():
    with pytest.raises(NotAvailableError, match="did you mean Dense\\?"):
        keras.layers.Dence
    assert not hasattr(keras.layers, "_private")
    from dense_studio.keras import saving  # submodules still import through __getattr__

    assert saving.load_model is keras.models.load_model


def test_activations_are_callables_and_names():
    z = np.array([[-2.0, 0.5, 3.0]], dtype=np.float32)
    np.testing.assert_array_equal(keras.activations.relu(z), [[0.0, 0.5, 3.0]])
    assert keras.layers.Dense(3, activation=keras.activations.tanh).activation is \
        keras.layers.Dense(3, activation="tanh").activation
    assert keras.activations.serialize(keras.activations.silu) == "swish"
    with pytest.raises(NotAvailableError, match="'<lambda>' is not available"):
        keras.layers.Dense(3, activation=lambda t: t)
    with pytest.raises(ConfigError, match="Could not interpret activation function identifier: 'foo'"):
        keras.layers.Dense(3, activation="foo")


@pytest.mark.parametrize("make, error, message", [
    (lambda: keras.optimizers.Adam(amsgrad=True), NotAvailableError, "Adam\\(amsgrad=True\\)"),
    (lambda: keras.optimizers.SGD(weight_decay=0.01), NotAvailableError, "weight_decay=0.01"),
    (lambda: keras.optimizers.RMSprop(foo=1), ConfigError, "Argument\\(s\\) not recognized: {'foo': 1}"),
    (lambda: keras.optimizers.Adam(learning_rate=-1), ConfigError, "learning_rate"),
    (lambda: keras.layers.Dense(0), ConfigError, "Received: units=0"),
    (lambda: keras.layers.Dropout(1.5), ConfigError, "Received: rate=1.5"),
    (lambda: keras.layers.Dense(3, kernel_constraint="non_neg"), NotAvailableError, "kernel_constraint"),
    (lambda: keras.layers.Dense(3, dtype="float16"), NotAvailableError, "float16"),
    (lambda: keras.layers.Flatten(bogus=1), TypeError, "bogus"),
    (lambda: keras.Input(shape=(0, 3)), ConfigError, "shape"),
    (lambda: keras.utils.set_random_seed("x"), ConfigError, "integer"),
    (lambda: keras.losses.SparseCategoricalCrossentropy(ignore_class=0), NotAvailableError, "ignore_class"),
])
def test_wrong_arguments_get_one_keras_like_line(make, error, message):
    with pytest.raises(error, match=message) as caught:
        make()
    assert "\n" not in str(caught.value)


def test_optimizers_have_keras_s_defaults():
    assert [keras.optimizers.get(name).learning_rate for name in ("sgd", "Adam", "rmsprop")] == \
        [0.01, 0.001, 0.001]
    assert keras.optimizers.Adam().epsilon == 1e-7


def test_datasets_are_keras_s_uint8_and_match_the_bundled_data():
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    assert (x_train.shape, x_test.shape, y_train.shape) == ((60_000, 28, 28), (10_000, 28, 28), (60_000,))
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype("uint8")}
    bundled = load_dataset("mnist")  # float32 value / 255, what the window trains on
    np.testing.assert_array_equal(x_test / np.float32(255), bundled.x_test)
    np.testing.assert_array_equal(y_train, bundled.y_train)
    assert x_train.flags.writeable  # the script's own copy, as Keras's


def test_losses_and_metrics_compute_as_keras():
    y = np.array([0, 2])
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], dtype=np.float32)
    assert keras.losses.SparseCategoricalCrossentropy()(y, p) == pytest.approx(
        -(np.log(0.7) + np.log(0.8)) / 2, rel=1e-6)
    assert keras.metrics.SparseCategoricalAccuracy()(y, p) == 1.0


def test_importing_it_brings_no_qt_no_tensorflow_no_pillow():
    code = ("import sys, dense_studio.keras; bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'pyqtgraph', 'superqt', 'tensorflow', 'keras', 'PIL')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
