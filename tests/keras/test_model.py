"""``keras.Sequential`` behaves as Keras's: building, compile, fit, evaluate, predict."""

import warnings

import numpy as np
import pytest

from dense_studio import keras
from dense_studio.errors import ConfigError, DenseStudioError
from dense_studio.keras import NotAvailableError


# -- building -------------------------------------------------------------------------------

def test_builds_on_first_use_from_the_data(digits):
    x = digits[0]
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    assert not model.built and model.get_weights() == []
    with pytest.raises(ConfigError, match="isn't built"):
        model.count_params()
    assert model.predict(x[:3], verbose=0).shape == (3, 10)
    assert model.built and model.count_params() == 7850 and model.input_shape == (None, 28, 28)


@pytest.mark.parametrize("first", [
    lambda: [keras.Input(shape=(28, 28)), keras.layers.Flatten()],
    lambda: [keras.layers.Flatten(input_shape=(28, 28))],
])
def test_an_input_shape_builds_at_once(first):
    model = keras.Sequential([*first(), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    assert model.built and model.count_params() == 101_770
    assert [type(layer).__name__ for layer in model.layers] == ["Flatten", "Dense", "Dense"]
    assert model.layers[1].kernel.shape == (784, 128) and model.layers[1].bias.shape == (128,)


def test_input_shape_on_a_first_dense_layer():
    model = keras.Sequential([keras.layers.Dense(10, activation="softmax", input_shape=(784,))])
    assert model.built and model.input_shape == (None, 784) and model.count_params() == 7850


def test_layer_names_are_unique_across_models_as_in_keras():
    names = [keras.layers.Dense(2).name for _ in range(3)]
    assert len(set(names)) == 3 and all(n.startswith("dense") for n in names)


def test_adding_a_layer_keeps_the_weights_of_the_others():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="relu")])
    kernel = model.layers[0].kernel.copy()
    model.add(keras.layers.Dense(2, activation="softmax"))
    assert model.count_params() == 4 * 3 + 3 + 3 * 2 + 2
    np.testing.assert_array_equal(model.layers[0].kernel, kernel)


def test_build_takes_the_batch_dimension():
    model = keras.Sequential([keras.layers.Dense(5, activation="softmax")])
    model.build((None, 7))
    assert model.layers[0].kernel.shape == (7, 5)


def test_layers_not_trainable_here_are_refused():
    class Custom(keras.Layer):
        pass

    with pytest.raises(NotAvailableError, match="custom layer Custom"):
        keras.Sequential([Custom()])
    with pytest.raises(ConfigError, match="Only instances of `keras.Layer`"):
        keras.Sequential(["dense"])
    shared = keras.layers.Dense(10, activation="softmax")
    keras.Sequential([keras.Input(shape=(4,)), shared])
    with pytest.raises(ConfigError, match="already belongs"):
        keras.Sequential([shared])


# -- compile ----------------------------------------------------------------------------------

def test_compile_takes_names_and_instances():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy")
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)  # Keras 3's default
    adam = keras.optimizers.Adam(learning_rate=0.01)
    model.compile(optimizer=adam, loss=keras.losses.SparseCategoricalCrossentropy())
    assert model.optimizer is adam and model.optimizer.learning_rate == 0.01


@pytest.mark.parametrize("arguments, error, message", [
    (dict(optimizer="foo"), ConfigError, "Could not interpret optimizer identifier: 'foo'"),
    (dict(optimizer="nadam"), NotAvailableError, "optimizer 'nadam' is not available"),
    (dict(loss="mse"), NotAvailableError, "loss 'mse' is not available"),
    (dict(loss=3), ConfigError, "Could not interpret loss identifier"),
    (dict(loss="sparse_categorical_crossentropy", metrics=["mae"]), NotAvailableError, "'mae'"),
    (dict(loss="sparse_categorical_crossentropy", metrics="accuracy"), ConfigError, "to be a list"),
    (dict(loss_weights=[1.0]), NotAvailableError, "loss_weights"),
    (dict(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)), ConfigError,
     "expects logits, but the last layer has activation='softmax'"),
])
def test_compile_errors_are_one_keras_like_line(arguments, error, message):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
    with pytest.raises(error, match=message.replace("(", r"\(").replace("[", r"\[")) as caught:
        model.compile(**arguments)
    assert isinstance(caught.value, DenseStudioError) and "\n" not in str(caught.value)


def test_a_linear_output_needs_from_logits(digits):
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(10)])
    with pytest.raises(ConfigError, match="from_logits=True"):
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")


def test_fit_needs_compile_and_a_loss(digits):
    x, y = digits[:2]
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    with pytest.raises(ConfigError, match=r"You must call `compile\(\)`"):
        model.fit(x, y)
    model.compile(optimizer="adam")
    with pytest.raises(ConfigError, match="No loss to compute"):
        model.fit(x, y)


# -- fit --------------------------------------------------------------------------------------

def test_fit_returns_a_keras_history(digits, small_model):
    x, y = digits[:2]
    model = small_model()
    history = model.fit(x, y, epochs=3, batch_size=100, verbose=0)
    assert isinstance(history, keras.callbacks.History) and model.history is history
    assert list(history.history) == ["accuracy", "loss"]
    assert history.epoch == [0, 1, 2]
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 6}
    assert all(isinstance(v, float) for v in history.history["loss"])
    assert history.history["loss"][2] < history.history["loss"][0]


def test_metric_names_are_the_log_keys(digits, small_model):
    x, y = digits[:2]
    model = small_model(metrics=["acc", "sparse_categorical_accuracy"])
    history = model.fit(x, y, epochs=1, validation_data=digits[2:], verbose=0)
    assert list(history.history) == ["acc", "loss", "sparse_categorical_accuracy", "val_acc",
                                     "val_loss", "val_sparse_categorical_accuracy"]
    no_metrics = small_model(metrics=None)
    assert list(no_metrics.fit(x, y, verbose=0).history) == ["loss"]
    assert isinstance(no_metrics.evaluate(x, y, verbose=0), float)


def test_validation_split_holds_out_the_last_samples(digits, small_model):
    x, y = digits[:2]
    model = small_model()
    history = model.fit(x, y, epochs=1, validation_split=0.25, verbose=0)
    assert history.params["steps"] == 15  # 450 samples in batches of 32
    loss, accuracy = model.evaluate(x[450:], y[450:], verbose=0)
    assert history.history["val_loss"] == [pytest.approx(loss)]
    assert history.history["val_accuracy"] == [pytest.approx(accuracy)]


def test_set_random_seed_repeats_a_run(digits, small_model):
    x, y = digits[:2]
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(7)
        model = small_model(metrics=["accuracy"])
        runs.append((model.fit(x, y, epochs=2, verbose=0).history, model.get_weights()))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)
    keras.utils.set_random_seed(8)
    other = small_model()
    assert not np.array_equal(other.get_weights()[0], runs[0][1][0])


def test_initial_epoch_and_no_epochs(digits, small_model):
    x, y = digits[:2]
    model = small_model()
    assert model.fit(x, y, epochs=4, initial_epoch=2, verbose=0).epoch == [2, 3]
    assert model.fit(x, y, epochs=0, verbose=0).history == {}


@pytest.mark.parametrize("arguments, error, message", [
    (dict(sample_weight=np.ones(600)), NotAvailableError, "fit\\(sample_weight=ndarray\\)"),
    (dict(class_weight={0: 2.0}), NotAvailableError, "class_weight"),
    (dict(shuffle="batch"), NotAvailableError, "shuffle='batch'"),
    (dict(batch_size=0), ConfigError, "batch_size"),
    (dict(epochs=-1), ConfigError, "epochs"),
    (dict(verbose=3), ConfigError, "verbose"),
    (dict(validation_split=1.0), ConfigError, "validation split"),
    (dict(validation_data=(1, 2, 3, 4)), ConfigError, "validation_data"),
])
def test_fit_errors_are_one_line(digits, small_model, arguments, error, message):
    x, y = digits[:2]
    with pytest.raises(error, match=message) as caught:
        small_model().fit(x, y, **arguments)
    assert "\n" not in str(caught.value)


def test_fit_with_unknown_arguments_is_a_type_error_as_in_keras(digits, small_model):
    with pytest.raises(TypeError, match="bogus"):
        small_model().fit(*digits[:2], bogus=1)


def test_wrong_data_gets_one_line(digits, small_model):
    x, y = digits[:2]
    with pytest.raises(ConfigError, match="cardinality"):
        small_model().fit(x, y[:10], verbose=0)
    with pytest.raises(ConfigError, match="holds class 10"):
        small_model().fit(x, np.full(600, 10), verbose=0)
    with pytest.raises(NotAvailableError, match="without y"):
        small_model().fit(x, verbose=0)


def test_a_diverging_run_warns_and_keeps_good_weights(digits, small_model):
    x, y = digits[:2]
    model = small_model(optimizer=keras.optimizers.SGD(learning_rate=1e9))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(x, y, epochs=3, verbose=0)
    assert any("diverged" in str(w.message) for w in caught)
    assert model.stop_training and len(history.epoch) < 3
    assert all(np.isfinite(w).all() for w in model.get_weights())


# -- evaluate / predict / call ------------------------------------------------------------------

def test_evaluate_lists_loss_then_metrics_or_gives_keras_dict(digits, small_model):
    x, y, x_test, y_test = digits
    model = small_model()
    model.fit(x, y, epochs=1, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert model.evaluate(x_test, y_test, verbose=0, return_dict=True) == \
        {"accuracy": accuracy, "loss": loss}
    probabilities = model.predict(x_test, verbose=0)
    assert accuracy == np.mean(probabilities.argmax(axis=1) == y_test)
    per_sample = keras.losses.sparse_categorical_crossentropy(y_test, probabilities)
    assert loss == pytest.approx(float(np.mean(per_sample)), rel=1e-5)


def test_calling_the_model(digits):
    x = digits[0][:50]
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(64, activation="relu"), keras.layers.Dropout(0.5),
                              keras.layers.Dense(10, activation="softmax")])
    np.testing.assert_allclose(model(x), model.predict(x, verbose=0), rtol=1e-6)
    assert not np.allclose(model(x, training=True), model(x))


def test_summary_prints_keras_s_table(capsys, small_model):
    model = small_model(hidden=128)
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "' in out and "dense" in out and "(None, 128)" in out
    assert "Total params: 101,770 (397.54 KB)" in out
    lines = []
    model.summary(print_fn=lines.append)
    assert lines and "Trainable params: 101,770" in lines[0]
    with pytest.raises(ConfigError, match="isn't built"):
        keras.Sequential([keras.layers.Dense(2)]).summary()


def test_keras_methods_we_lack_say_so_by_name(small_model):
    with pytest.raises(NotAvailableError, match="Sequential.to_json is not available"):
        small_model().to_json()


def test_the_tutorial_s_probability_model(digits, small_model):
    x, y, x_test, y_test = digits
    model = small_model(last=None, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=2, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    probability_model = keras.Sequential([model, keras.layers.Softmax()])
    predictions = probability_model.predict(x_test, verbose=0)
    logits = model.predict(x_test, verbose=0)
    np.testing.assert_allclose(predictions, keras.activations.softmax(logits), rtol=1e-6)
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-5)
    assert np.mean(predictions.argmax(axis=1) == y_test) == accuracy
    assert probability_model.count_params() == model.count_params()
    with pytest.raises(NotAvailableError, match="fit\\(\\) of a Sequential that holds a model"):
        probability_model.fit(x, y)


def test_softmax_and_models_do_not_mix_with_layers():
    with pytest.raises(NotAvailableError, match="mixing layers"):
        keras.Sequential([keras.layers.Dense(10), keras.layers.Softmax()])
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    with pytest.raises(NotAvailableError, match="adding Softmax"):
        model.add(keras.layers.Softmax())
