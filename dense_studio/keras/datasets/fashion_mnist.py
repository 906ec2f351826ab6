"""``keras.datasets.fashion_mnist``: 60 000 + 10 000 28×28 garments in 10 classes."""

from dense_studio.keras.datasets._bundled import load_data as _load


def load_data():
    """``((x_train, y_train), (x_test, y_test))`` as uint8 arrays, as Keras."""
    return _load("fashion_mnist")
