"""Shared pieces for the session tests: the real Fashion-MNIST, loaded once."""

import pytest

from dense_studio.data import load_dataset
from dense_studio.session import Session, TrainingSettings


@pytest.fixture(scope="session")
def fashion():
    return load_dataset("fashion_mnist")


@pytest.fixture
def small_session(fashion):
    """A session on the first 512 training images, 2 quick epochs, dataset loaded."""
    session = Session(settings=TrainingSettings(epochs=2, batch_size=64, validation_split=0.125),
                      train_limit=512, clock=lambda: 1_700_000_000.0)
    session.dataset_loaded(fashion)
    return session
