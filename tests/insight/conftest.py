"""Real Fashion-MNIST and small real models trained on a slice of it (a second or two)."""

import pytest

from dense_studio.data import load_dataset
from dense_studio.engine import DenseSpec, build_model

TRAIN_SLICE = 3000


@pytest.fixture(scope="session")
def fashion():
    return load_dataset("fashion_mnist")


def train_small(fashion, hidden, epochs=2, seed=0):
    model = build_model(hidden, input_shape=fashion.input_shape,
                        num_classes=fashion.num_classes, seed=seed)
    model.compile("adam")
    model.fit(fashion.x_train[:TRAIN_SLICE], fashion.y_train[:TRAIN_SLICE], epochs=epochs,
              batch_size=64, seed=seed)
    return model


@pytest.fixture(scope="session")
def hidden_model(fashion):
    """784 → 48 relu → 10 softmax, trained two epochs."""
    return train_small(fashion, (DenseSpec(48, "relu"),))


@pytest.fixture(scope="session")
def template_model(fashion):
    """No hidden layer: 784 → 10 softmax, whose kernel columns are the class templates."""
    return train_small(fashion, ())
