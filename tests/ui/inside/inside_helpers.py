"""Helpers of the Inside panel tests: a real session trained briefly on real data."""

from dense_studio.engine import DenseSpec
from dense_studio.session import Session, TrainingSettings


def make_session(fashion, layers=(DenseSpec(32, "relu"),), epochs=2):
    session = Session(layers=layers,
                      settings=TrainingSettings(epochs=epochs, batch_size=64,
                                                validation_split=0.0),
                      train_limit=3000, clock=lambda: 1_700_000_000.0)
    session.dataset_loaded(fashion)
    return session


def wait_for_matrix(qtbot, panel):
    qtbot.waitUntil(lambda: panel.confusion.matrix() is not None, timeout=10_000)
    return panel.confusion.matrix()
