"""The command line holds out exactly the samples of the one run recipe (``split_validation``).

What the CLI trains on is observed where it reaches the engine (``Sequential.train``), so the
test holds however the CLI puts its run together; the window's side is tested with the window.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from dense_studio.cli import main
from dense_studio.data import load_dataset
from dense_studio.engine.model import Sequential
from dense_studio.engine.run import split_validation


@pytest.mark.parametrize("fraction, held_out", [(0.07, 4_201), (0.1, 6_000), (0.25, 15_000),
                                                (0.333, 19_980), (0.55, 33_001)])
def test_cli_trains_on_split_validations_samples(fraction, held_out, monkeypatch):
    seen = []
    real_train = Sequential.train

    def recording_train(self, x, y, *args, validation_data=None, **kwargs):
        seen.append((x, y, validation_data))
        return real_train(self, x, y, *args, validation_data=validation_data, **kwargs)

    monkeypatch.setattr(Sequential, "train", recording_train)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["train", "--validation-split", str(fraction), "--layers", "",
                     "--epochs", "1", "--batch-size", "4096"])
    assert code == 0

    dataset = load_dataset("fashion_mnist")
    x_train, y_train, (x_val, y_val) = split_validation(dataset.x_train, dataset.y_train, fraction)
    assert len(x_val) == held_out
    [(x, y, validation)] = seen
    assert np.array_equal(x, x_train) and np.array_equal(y, y_train)
    assert np.array_equal(validation[0], x_val) and np.array_equal(validation[1], y_val)
    assert f"{len(x_train):,} images, {held_out:,} held out for validation" in out.getvalue()
