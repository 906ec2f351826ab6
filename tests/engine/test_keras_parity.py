"""The engine against real Keras (skipped when TensorFlow/Keras is not installed).

Same weights, same batches in the same order: after a few steps of each optimizer the
weights, the loss and the predictions agree to float32 precision.
"""

import os

import numpy as np
import pytest

from dense_studio.engine import Dense, Dropout, Flatten, Sequential, optimizers

from .helpers import blobs

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")


def keras_twin(model):
    layers = [keras.Input(model.input_shape), keras.layers.Flatten()]
    for layer in model.layers:
        if isinstance(layer, Dense):
            layers.append(keras.layers.Dense(layer.units, activation=layer.activation.name))
    twin = keras.Sequential(layers)
    twin.set_weights(model.get_weights())
    return twin


@pytest.mark.parametrize("optimizer,make", [
    ("adam", lambda: keras.optimizers.Adam()),
    ("rmsprop", lambda: keras.optimizers.RMSprop(momentum=0.5)),
    ("sgd", lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True)),
])
def test_training_steps_match_keras(optimizer, make):
    x, y = blobs(n=48, features=6, classes=3, seed=2)
    model = Sequential([Flatten(input_shape=(6,)), Dense(8, "gelu"), Dense(5, "tanh"),
                        Dense(3, "softmax")])
    model.build(seed=1)
    twin = keras_twin(model)
    ours = {"adam": optimizers.Adam(), "rmsprop": optimizers.RMSprop(momentum=0.5),
            "sgd": optimizers.SGD(0.1, momentum=0.9, nesterov=True)}[optimizer]
    model.compile(ours)
    twin.compile(make(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=16, shuffle=False)
    keras_history = twin.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    for got, want in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(history["loss"], keras_history.history["loss"], rtol=1e-4)
    np.testing.assert_allclose(model.predict(x), twin.predict(x, verbose=0), rtol=1e-4, atol=1e-6)
    result = model.evaluate(x, y)
    k_loss, k_acc = twin.evaluate(x, y, verbose=0)
    assert result["loss"] == pytest.approx(k_loss, rel=1e-4)
    assert result["accuracy"] == pytest.approx(k_acc)


def test_parameter_counts_match_keras_summary():
    model = Sequential([Flatten(input_shape=(28, 28)), Dense(64, "relu"), Dropout(0.2),
                        Dense(10, "softmax")])
    model.build()
    twin = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(64, activation="relu"), keras.layers.Dropout(0.2),
                             keras.layers.Dense(10, activation="softmax")])
    assert model.count_params() == twin.count_params()
    assert [row[2] for row in model.layer_rows()] == [layer.count_params() for layer in twin.layers]
    assert [row[1] for row in model.layer_rows()] == [tuple(layer.output.shape) for layer in twin.layers]
