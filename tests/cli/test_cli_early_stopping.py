"""`train --early-stopping PATIENCE [--monitor ...]` on real MNIST with a small network.

A 16-unit layer at a high constant rate, half the images held out: validation loss stops
improving within a few epochs (about 2 s a run)."""

from __future__ import annotations

import json

import pytest

from dense_studio.data import load_dataset
from dense_studio.engine.run import split_validation
from dense_studio.files.model_file import load_model

from cli_helpers import no_training, one_error_line, run_main  # noqa: F401 (a fixture)

FAST = ["train", "--dataset", "mnist", "--layers", "16", "--validation-split", "0.5",
        "--epochs", "30", "--learning-rate", "0.02", "--lr-schedule", "constant",
        "--batch-size", "64"]


@pytest.fixture(scope="module")
def stopped(tmp_path_factory):
    path = tmp_path_factory.mktemp("early") / "m.dsmodel"
    code, out, err = run_main(*FAST, "--early-stopping", 1, "--json", "--output", path)
    assert code == 0, err
    return [json.loads(line) for line in out.strip().splitlines()], path


def test_json_last_line_gives_best_epoch_and_stopped_early(stopped):
    records, _ = stopped
    epochs, last = records[:-1], records[-1]
    assert list(last) == ["test_loss", "test_accuracy", "best_epoch", "stopped_early"]
    assert last["stopped_early"] is True and len(epochs) < 30
    best = last["best_epoch"]  # 1-based, like the "epoch" lines
    assert [e["epoch"] for e in epochs] == list(range(1, len(epochs) + 1))
    assert len(epochs) == best + 1  # patience 1: one epoch without improvement
    val = [e["val_loss"] for e in epochs]
    assert val[best - 1] == min(val)


def test_the_saved_model_has_the_best_epochs_weights(stopped):
    records, path = stopped
    best = records[-1]["best_epoch"]
    loaded = load_model(path)
    assert loaded.config.early_stopping_patience == 1 and loaded.config.monitor == "val_loss"
    assert loaded.metrics["best_epoch"] == best
    assert loaded.metrics["val_loss"] == pytest.approx(records[best - 1]["val_loss"])
    dataset = load_dataset("mnist")
    _, _, validation = split_validation(dataset.x_train, dataset.y_train, 0.5)
    assert loaded.model.evaluate(*validation)["loss"] == pytest.approx(
        records[best - 1]["val_loss"], rel=1e-5)
    assert loaded.model.evaluate(dataset.x_test, dataset.y_test)["loss"] == pytest.approx(
        records[-1]["test_loss"], rel=1e-5)


def test_text_says_when_it_stopped_and_which_epoch_was_best():
    code, out, err = run_main(*FAST, "--early-stopping", 1, "--monitor", "val_accuracy")
    assert code == 0, err
    epochs = [line for line in out.splitlines() if line.startswith("Epoch ")]
    note = next(line for line in out.splitlines() if line.startswith("Stopped early"))
    assert note.startswith(f"Stopped early after epoch {len(epochs)}: val_accuracy did not "
                           "improve for 1 epoch(s).")
    assert f"Best epoch {len(epochs) - 1}: val_accuracy " in note and "weights are kept" in note
    assert out.index(note) < out.index("Test accuracy")


def test_early_stopping_without_validation_split_is_a_usage_error(no_training):
    code, out, err = run_main("train", "--dataset", "mnist", "--early-stopping", 3)
    assert code == 2 and out == ""
    assert "--early-stopping needs --validation-split" in one_error_line(err)


@pytest.mark.parametrize("argv, fragment", [
    (["--monitor", "val_loss"], "--monitor needs --early-stopping"),
    (["--min-delta", "0.1"], "--min-delta needs --early-stopping"),
    (["--early-stopping", "2", "--monitor", "loss"], "invalid choice: 'loss'"),
    (["--early-stopping", "-1"], "patience must be between 0"),
    (["--early-stopping", "2", "--min-delta", "-1"], "min_delta must be at least 0"),
])
def test_bad_early_stopping_options_are_one_line(no_training, argv, fragment):
    code, _, err = run_main("train", "--dataset", "mnist", "--validation-split", 0.1, *argv)
    assert code == 2
    assert fragment in one_error_line(err)
