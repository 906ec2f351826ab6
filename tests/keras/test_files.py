"""A model saved from a script opens in the window (``model_file.load_model``), and a model
the window saved (``model_file.save_model``) loads with ``keras.models.load_model``."""

import warnings

import numpy as np
import pytest

from dense_studio import keras
from dense_studio.data.bundled import DIGIT_CLASSES
from dense_studio.engine import DenseSpec, DropoutSpec, TrainingConfig, build_model
from dense_studio.errors import ModelFileError
from dense_studio.files import model_file


def test_a_script_model_opens_as_the_window_opens_it(digits, tmp_path):
    x, y, x_test, _ = digits
    keras.datasets.mnist.load_data()  # what the script loaded last: the file records MNIST
    model = keras.Sequential([
        keras.layers.Flatten(input_shape=(28, 28)),
        keras.layers.Dense(32, activation="tanh"), keras.layers.Dropout(0.25),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.RMSprop(0.002),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=50, validation_split=0.1, verbose=0)
    model.save(tmp_path / "script.dsmodel")

    loaded = model_file.load_model(tmp_path / "script.dsmodel")
    assert loaded.dataset_name == "mnist" and loaded.class_names == DIGIT_CLASSES
    assert loaded.input_shape == (28, 28)
    assert loaded.config.layers == (DenseSpec(32, "tanh"), DropoutSpec(0.25))
    assert (loaded.config.optimizer, loaded.config.learning_rate) == ("rmsprop", 0.002)
    assert (loaded.config.epochs, loaded.config.batch_size, loaded.config.validation_split) == \
        (2, 50, 0.1)
    np.testing.assert_array_equal(loaded.model.predict(x_test), model.predict(x_test, verbose=0))
    assert loaded.metrics == {"epochs_trained": 2, **{k: v[-1] for k, v in history.history.items()}}


def test_a_window_model_loads_in_a_script(digits, tmp_path):
    x, y, x_test, y_test = digits
    config = TrainingConfig(dataset="mnist", layers=(DenseSpec(24, "relu"),), optimizer="sgd",
                            learning_rate=0.05)
    window_model = build_model(config.layers, num_classes=10, seed=3, config=config)
    window_model.fit(x, y, epochs=1)
    model_file.save_model(window_model, tmp_path / "window.dsmodel", config, "mnist", DIGIT_CLASSES)

    model = keras.models.load_model(tmp_path / "window.dsmodel")
    assert isinstance(model, keras.Sequential) and model.built
    assert [type(layer).__name__ for layer in model.layers] == ["Flatten", "Dense", "Dense"]
    np.testing.assert_array_equal(model.predict(x_test, verbose=0), window_model.predict(x_test))
    assert isinstance(model.optimizer, keras.optimizers.SGD) and model.optimizer.learning_rate == 0.05
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert loss == pytest.approx(window_model.evaluate(x_test, y_test)["loss"])
    model.fit(x, y, epochs=1, verbose=0)  # and trains on from the window's weights
    model.save(tmp_path / "again.dsmodel")
    assert model_file.load_model(tmp_path / "again.dsmodel").dataset_name == "mnist"
    assert keras.saving.load_model(tmp_path / "window.dsmodel", compile=False).optimizer is None


@pytest.mark.parametrize("layers, reason", [
    (lambda: [keras.layers.Dense(10)], "its last layer is not a Dense layer with activation='softmax'"),
    (lambda: [keras.layers.Dense(8, use_bias=False), keras.layers.Dense(10, activation="softmax")],
     "has use_bias=False"),
    (lambda: [keras.layers.Dense(8, kernel_regularizer="l2"),
              keras.layers.Dense(10, activation="softmax")], "kernel_regularizer"),
    (lambda: [keras.layers.Dense(8), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")],
     "is not Dense or Dropout"),
])
def test_what_a_model_file_cannot_hold_is_refused_in_one_line(tmp_path, layers, reason):
    model = keras.Sequential([keras.layers.Flatten(input_shape=(28, 28)), *layers()])
    with pytest.raises(ModelFileError, match=reason) as caught:
        model.save(tmp_path / "m.dsmodel")
    assert "\n" not in str(caught.value) and "a model file holds Flatten" in str(caught.value)
    assert not (tmp_path / "m.dsmodel").exists()


def test_a_flat_input_model_is_saved_with_its_implicit_flatten(digits, tmp_path):
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax")])
    model.save(tmp_path / "flat.dsmodel")
    loaded = model_file.load_model(tmp_path / "flat.dsmodel")
    x = digits[2].reshape(-1, 784)
    np.testing.assert_array_equal(loaded.model.predict(x), model.predict(x, verbose=0))
    assert loaded.input_shape == (784,) and loaded.metrics is None  # never trained


def test_a_model_of_other_classes_is_not_recorded_as_the_loaded_dataset(tmp_path):
    keras.datasets.mnist.load_data()  # loaded last, but its 10 classes are not these 3
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(3, activation="softmax")])
    model.save(tmp_path / "three.dsmodel")
    loaded = model_file.load_model(tmp_path / "three.dsmodel")
    assert (loaded.dataset_name, loaded.class_names) == ("custom", ("0", "1", "2"))


def test_saving_paths_and_states_are_checked(tmp_path, small_model):
    model = small_model()
    with pytest.raises(ModelFileError, match=r"Dense Studio saves \.dsmodel.*\.keras files are for TensorFlow"):
        model.save(tmp_path / "m.keras")
    model.save(tmp_path / "m.dsmodel")
    with pytest.raises(ModelFileError, match="already exists"):
        model.save(tmp_path / "m.dsmodel", overwrite=False)
    with pytest.raises(ModelFileError, match="not built"):
        keras.Sequential([keras.layers.Dense(10, activation="softmax")]).save(tmp_path / "u.dsmodel")
    (tmp_path / "bad.dsmodel").write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="not a zip archive"):
        keras.models.load_model(tmp_path / "bad.dsmodel")


def test_optimizer_settings_the_file_cannot_keep_are_named(tmp_path, small_model):
    model = small_model(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.save(tmp_path / "m.dsmodel")
    assert [str(w.message) for w in caught] == [
        "the model file keeps the optimizer's name and learning rate; not kept: momentum=0.9"]
    assert model_file.load_model(tmp_path / "m.dsmodel").config.learning_rate == 0.1
