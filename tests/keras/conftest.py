"""A small slice of the bundled MNIST, as a Keras script would prepare it."""

import pytest

from dense_studio import keras


@pytest.fixture(scope="session")
def digits():
    """``(x_train, y_train, x_test, y_test)``: 600 + 200 digits scaled to [0, 1]."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return (x_train[:600] / 255.0).astype("float32"), y_train[:600], \
        (x_test[:200] / 255.0).astype("float32"), y_test[:200]


@pytest.fixture
def small_model():
    """A factory: ``small_model(hidden=16, last="softmax", **compile_args)``."""
    return make_small_model


def make_small_model(hidden=16, last="softmax", **compile_args):
    """Flatten(28×28) → Dense(hidden, relu) → Dense(10, last), compiled with Adam."""
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(hidden, activation="relu"),
                              keras.layers.Dense(10, activation=last)])
    model.compile(**{"optimizer": "adam", "loss": "sparse_categorical_crossentropy",
                     "metrics": ["accuracy"], **compile_args})
    return model
