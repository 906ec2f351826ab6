"""``keras.datasets.mnist``: 60 000 + 10 000 28×28 handwritten digits."""

from dense_studio.keras.datasets._bundled import load_data as _load


def load_data(path="mnist.npz"):
    """``((x_train, y_train), (x_test, y_test))`` as uint8 arrays, as Keras (``path``, the
    name of Keras's download cache, has no use here: the data ship with Dense Studio)."""
    return _load("mnist")
