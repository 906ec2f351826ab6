"""The command line and the window hold out exactly the same validation samples (issue 6).

Both train on the first 3 001 images of the real Fashion-MNIST training set (the CLI through
a sliced ``load_dataset``, the window through the session's ``train_limit``). What each one
really trains and validates on is captured where every run ends up, the engine's
``Sequential.train``, so the test does not depend on how either side puts its run together.
At 3 001 images Keras 3's rule (the last ``n − floor(n·(1−f))``) holds out one sample more
than ``int(n·f)`` for each split below, so a copy of the old rule fails here.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from ui_helpers import make_window

from dense_studio import cli
from dense_studio.data import datasets as data_datasets
from dense_studio.data import load_dataset
from dense_studio.engine.model import Sequential

SAMPLES = 3001


@pytest.fixture
def captured(monkeypatch):
    """Every ``Sequential.train`` call's training and validation arrays (copies)."""
    runs: list[dict] = []
    original = Sequential.train

    def recording_train(self, x, y, *args, validation_data=None, **kwargs):
        runs.append({"x": np.array(x), "y": np.array(y),
                     "x_val": None if validation_data is None else np.array(validation_data[0]),
                     "y_val": None if validation_data is None else np.array(validation_data[1])})
        return original(self, x, y, *args, validation_data=validation_data, **kwargs)

    monkeypatch.setattr(Sequential, "train", recording_train)
    return runs


@pytest.fixture
def sliced_data(monkeypatch):
    """The CLI's ``load_dataset`` gives the first SAMPLES training images."""
    def sliced(name, *args, **kwargs):
        full = load_dataset(name, *args, **kwargs)
        return dataclasses.replace(full, x_train=full.x_train[:SAMPLES],
                                   y_train=full.y_train[:SAMPLES])

    import dense_studio.data as data_package

    monkeypatch.setattr(data_package, "load_dataset", sliced)
    monkeypatch.setattr(data_datasets, "load_dataset", sliced)


def cli_run(captured, split: float, tmp_path) -> dict:
    before = len(captured)
    code = cli.main(["train", "--dataset", "fashion_mnist", "--epochs", "1",
                     "--validation-split", str(split), "--output",
                     str(tmp_path / f"cli-{split}.dsmodel")])
    assert code == 0
    assert len(captured) == before + 1
    return captured[-1]


def window_run(qtbot, window, captured, split: float) -> dict:
    before = len(captured)
    window.validationSpin.setValue(round(split * 100))
    assert window.session.settings.validation_split == pytest.approx(split)
    with qtbot.waitSignal(window.trainingEnded, timeout=30000) as blocker:
        qtbot.mouseClick(window.trainButton, Qt.MouseButton.LeftButton)
    assert blocker.args == ["finished"]
    assert len(captured) == before + 1
    return captured[-1]


def test_cli_and_window_train_and_validate_on_the_same_samples(
        qtbot, settings, captured, sliced_data, tmp_path, capsys):
    window = make_window(qtbot, settings, train_limit=SAMPLES)
    window.epochsSpin.setValue(1)
    full = window.dataset()
    for split in (0.07, 0.1, 0.25):
        from_cli = cli_run(captured, split, tmp_path)
        from_window = window_run(qtbot, window, captured, split)
        held_out = SAMPLES - math.floor(SAMPLES * (1 - split))
        assert held_out == int(SAMPLES * split) + 1  # the case the old window got wrong
        for run in (from_cli, from_window):
            assert len(run["x_val"]) == held_out and len(run["x"]) == SAMPLES - held_out
        for key in ("x", "y", "x_val", "y_val"):
            np.testing.assert_array_equal(from_cli[key], from_window[key], err_msg=key)
        # …and they are the real images: the last `held_out` of the slice, in order.
        np.testing.assert_array_equal(from_window["x_val"],
                                      full.x_train[SAMPLES - held_out:SAMPLES])
    capsys.readouterr()
