"""Real runs: train on MNIST (one epoch, the reference net), then evaluate, predict, diverge.

The command line trains on the full dataset (no hidden "subset" switch: the CLI stays honest);
one reference epoch on MNIST takes about a second, so the whole module trains twice.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from PIL import Image

from dense_studio.cli import main
from dense_studio.data import load_dataset
from dense_studio.files.model_file import load_model


def run_main(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One `train --json` run with validation and --output; shared by the tests below."""
    folder = tmp_path_factory.mktemp("trained")
    model = folder / "mnist.dsmodel"
    code, out, err = run_main(
        "train", "--dataset", "mnist", "--epochs", 1, "--validation-split", 0.1,
        "--seed", 3, "--output", model, "--json",
    )
    assert code == 0, err
    return {"path": model, "out": out, "err": err, "folder": folder}


def test_train_json_prints_exactly_the_documented_fields(trained):
    lines = trained["out"].strip().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert len(records) == 2
    epoch, test = records
    assert list(epoch) == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds",
                           "samples_per_second"]
    assert epoch["epoch"] == 1 and isinstance(epoch["epoch"], int)  # 1-based, like Keras's log
    assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in epoch.values())
    assert 0.85 < epoch["accuracy"] <= 1 and 0.85 < epoch["val_accuracy"] <= 1
    assert epoch["samples_per_second"] > 0 and epoch["seconds"] > 0
    assert list(test) == ["test_loss", "test_accuracy", "best_epoch", "stopped_early"]
    assert test["best_epoch"] is None and test["stopped_early"] is False  # no early stopping
    assert test["test_accuracy"] > 0.9  # the reference net after one MNIST epoch: ~0.95
    # stdout is pure JSON; the remark about saving goes to stderr.
    assert "Saved model" in trained["err"]


def test_saved_model_remembers_the_run(trained):
    loaded = load_model(trained["path"])
    assert loaded.dataset_name == "mnist"
    assert loaded.config.epochs == 1 and loaded.config.seed == 3
    assert loaded.config.validation_split == pytest.approx(0.1)
    assert loaded.class_names == tuple(str(i) for i in range(10))
    test = json.loads(trained["out"].strip().splitlines()[-1])
    assert loaded.metrics["test_accuracy"] == pytest.approx(test["test_accuracy"])


def test_evaluate_matches_train(trained):
    code, out, err = run_main("evaluate", trained["path"], "--json")
    assert code == 0, err
    result = json.loads(out)
    assert list(result) == ["test_loss", "test_accuracy"]
    test = json.loads(trained["out"].strip().splitlines()[-1])
    assert result["test_accuracy"] == pytest.approx(test["test_accuracy"], abs=1e-9)
    assert result["test_loss"] == pytest.approx(test["test_loss"], rel=1e-5)

    code, out, _ = run_main("evaluate", trained["path"])
    assert code == 0
    assert f"{100 * result['test_accuracy']:.2f} %" in out and "MNIST" in out


@pytest.fixture(scope="module")
def images(trained):
    """PNG files made from real MNIST test digits, in the forms people actually have."""
    folder = trained["folder"]
    ds = load_dataset("mnist")
    files, labels = [], []
    for i in range(12):
        pixels = (ds.x_test[i] * 255).round().astype(np.uint8)
        if i % 3 == 1:  # dark ink on white paper, scanned larger
            img = Image.fromarray(255 - pixels).resize((280, 280), Image.BILINEAR)
        elif i % 3 == 2:  # RGB with a margin
            img = Image.fromarray(np.pad(pixels, 20)).convert("RGB")
        else:
            img = Image.fromarray(pixels)
        path = folder / f"digit{i}.png"
        img.save(path)
        files.append(path)
        labels.append(int(ds.y_test[i]))
    blank = folder / "blank.png"
    Image.new("L", (64, 64), 255).save(blank)
    return files, labels, blank


def test_predict_json(trained, images):
    files, labels, blank = images
    code, out, err = run_main("predict", trained["path"], *files, blank, "--json")
    assert code == 0, err
    records = [json.loads(line) for line in out.strip().splitlines()]
    assert len(records) == len(files) + 1
    for record, path in zip(records, [*files, blank]):
        assert list(record) == ["image", "label", "index", "probabilities"]
        assert record["image"] == str(path)
    hits = 0
    for record, label in zip(records, labels):
        assert len(record["probabilities"]) == 10
        assert sum(record["probabilities"]) == pytest.approx(1, abs=1e-4)
        assert record["index"] == int(np.argmax(record["probabilities"]))
        assert record["label"] == str(record["index"])
        hits += record["index"] == label
    assert hits >= 10, hits  # ~95 % accurate model, digits re-centred by preprocessing
    assert records[-1] == {"image": str(blank), "label": None, "index": None, "probabilities": None}


def test_predict_human(trained, images):
    files, _, blank = images
    code, out, _ = run_main("predict", trained["path"], files[0], blank)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"{files[0]}: 7 (")
    assert len([line for line in lines if line.startswith("  ")]) == 10  # all probabilities
    assert lines[-1] == f"{blank}: empty image, no prediction"


def test_predict_unreadable_image_is_one_line(trained, images, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    for bad, fragment in [(broken, "broken.png"), (tmp_path / "absent.png", "absent.png"),
                          (tmp_path, str(tmp_path))]:
        code, out, err = run_main("predict", trained["path"], images[0][0], bad)
        assert code == 2 and out == ""
        assert_one_line_error(err, fragment)


def test_model_and_data_that_do_not_fit(tmp_path):
    from dense_studio.engine import build_model
    from dense_studio.engine.spec import DenseSpec, TrainingConfig
    from dense_studio.files.model_file import save_model

    config = TrainingConfig(dataset="mnist", layers=(DenseSpec(4, "relu"),))
    small = build_model(config.layers, input_shape=(14, 14), num_classes=10, seed=0)
    path = tmp_path / "small.dsmodel"
    save_model(small, path, config, "mnist", [str(i) for i in range(10)], input_shape=(14, 14))
    code, out, err = run_main("evaluate", path)
    assert code == 2 and out == ""
    assert_one_line_error(err, "expects 14x14 images", "28x28")

    letters = build_model(config.layers, input_shape=(28, 28), num_classes=3, seed=0)
    path = tmp_path / "three.dsmodel"
    save_model(letters, path, config, "mnist", ["a", "b", "c"])
    code, out, err = run_main("evaluate", path)
    assert code == 2
    assert_one_line_error(err, "3 classes", "MNIST has 10")


def test_train_human_output(tmp_path):
    code, out, err = run_main("train", "--dataset", "mnist", "--epochs", 1, "--layers", "32:tanh",
                              "--batch-size", 128)
    assert code == 0, err
    assert err == ""  # not a terminal: no progress line
    assert "Training on MNIST: 60,000 images" in out
    assert "Epoch 1/1  loss " in out and "samples/s" in out
    assert "Test accuracy " in out and "10,000 MNIST test images" in out
    assert "\r" not in out


DIVERGE = ["--dataset", "mnist", "--layers", "256:relu,256:relu,256:relu", "--optimizer", "sgd",
           "--learning-rate", "5", "--epochs", "2"]


def test_diverged_run_exits_1_and_saves_last_good_weights(tmp_path):
    path = tmp_path / "diverged.dsmodel"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy overflow warnings would be noise on stderr
        code, out, err = run_main("train", *DIVERGE, "--output", path, "--json")
    assert code == 1
    assert_one_line_error(err.replace(f"Saved the last good weights to {path}\n", ""), "diverged")
    assert "Traceback" not in err and f"Saved the last good weights to {path}" in err
    assert all(json.loads(line) for line in out.strip().splitlines())  # stdout stays JSON
    loaded = load_model(path)  # loads, so every weight is finite (validated)
    for w in loaded.model.get_weights():
        assert np.isfinite(w).all()
    assert "test_accuracy" not in loaded.metrics


def test_real_process_end_to_end(trained, images):
    """The installed entry point, as a script would use it."""
    result = subprocess.run(
        [sys.executable, "-m", "dense_studio", "predict", str(trained["path"]),
         str(images[0][0]), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["label"] == "7"
    result = subprocess.run(
        [sys.executable, "-m", "dense_studio", "evaluate", str(images[0][0])],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert_one_line_error(result.stderr, "not a zip archive")


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_after_finished_epochs_saves_them(tmp_path, name):
    import signal

    number = getattr(signal, name)
    path = tmp_path / "interrupted.dsmodel"
    process = subprocess.Popen(
        [sys.executable, "-m", "dense_studio", "train", "--dataset", "mnist", "--epochs", "500",
         "--layers", "16", "--batch-size", "512", "--json", "--output", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # A child inherits an ignored SIGINT (e.g. under nohup); make it the usual one.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        first = process.stdout.readline()  # one epoch done: training is under way
        assert json.loads(first)["epoch"] == 1
        process.send_signal(number)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 128 + number
    loaded = load_model(path)
    done = loaded.metrics["epochs_done"]
    assert done >= 1 and len(out.splitlines()) == done - 1  # every finished epoch was reported
    assert err == (f"error: interrupted ({name}) after {done} of 500 epochs; saved the weights "
                   f"of epoch {done} to {path}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["interrupted.dsmodel"]


def test_ctrl_c_before_the_first_epoch_saves_nothing(tmp_path):
    import signal

    path = tmp_path / "interrupted.dsmodel"
    process = subprocess.Popen(
        [sys.executable, "-m", "dense_studio", "train", "--dataset", "mnist", "--epochs", "2",
         "--batch-size", "1", "--output", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        first = process.stdout.readline()  # the header: one epoch of 60 000 steps lies ahead
        assert first.startswith("Training on MNIST")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "Epoch 1/2" not in out
    assert err.startswith("error: interrupted") and err.count("\n") == 1 and "saved the" not in err
    assert list(tmp_path.iterdir()) == []


def test_preset_then_explicit_options_override_it():
    from argparse import Namespace

    from dense_studio.cli import _training_config
    from dense_studio.engine import PRESETS

    blank = dict(preset=None, dataset=None, layers=None, epochs=None, batch_size=None,
                 optimizer=None, learning_rate=None, validation_split=None, seed=None,
                 lr_schedule=None)
    assert _training_config(Namespace(**blank)) == PRESETS["reference"]
    for name, preset in PRESETS.items():
        config = _training_config(Namespace(**{**blank, "preset": name, "epochs": 1,
                                               "dataset": "MNIST", "layers": "8:tanh"}))
        assert config.epochs == 1 and config.dataset == "mnist"
        assert str(config.layers[0]) == "8:tanh"
        assert (config.optimizer, config.learning_rate, config.batch_size, config.lr_schedule) == (
            preset.optimizer, preset.learning_rate, preset.batch_size, preset.lr_schedule)
    config = _training_config(Namespace(**{**blank, "preset": "strong", "lr_schedule": "constant"}))
    assert config.lr_schedule == "constant"
