"""Where `train --output` may write, checked before the first epoch; a diverged run never
replaces a file. Each test failed before the fix it guards (issue 7)."""

from __future__ import annotations

import os

import pytest

from dense_studio.engine.model import Sequential
from dense_studio.files.model_file import load_model

from cli_helpers import no_training, one_error_line, run_main  # noqa: F401 (a fixture)


def refused(*argv) -> str:
    code, out, err = run_main("train", "--dataset", "mnist", "--layers", "8", *argv)
    assert code == 2, err
    assert "Epoch" not in out
    return one_error_line(err)


def test_a_device_or_fifo_is_never_replaced(tmp_path, no_training):
    assert "/dev/null: it exists and is not a regular file" in refused("--output", "/dev/null")
    fifo = tmp_path / "pipe.dsmodel"
    os.mkfifo(fifo)
    assert "is not a regular file" in refused("--output", fifo)
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_empty_and_folder_names_are_refused(tmp_path, no_training):
    assert "empty name" in refused("--output", "")
    (tmp_path / "dir").mkdir()
    assert "names a folder" in refused("--output", f"{tmp_path}/dir/new/")
    assert not (tmp_path / "dir" / "new").exists()


@pytest.mark.parametrize("length", [240, 300])
def test_a_name_too_long_for_the_temporary_is_refused(tmp_path, no_training, length):
    message = refused("--output", tmp_path / ("m" * (length - 8) + ".dsmodel"))
    assert "file name is too long" in message and f"({length} bytes" in message


def test_model_file_limits_are_checked_before_the_first_epoch(no_training, tmp_path):
    layers = ",".join(["8"] * 65)
    assert "too many layers (65)" in refused("--layers", layers, "--output", tmp_path / "m.dsmodel")
    big = ",".join(["4096"] * 9)  # 9×4096 would be 600 MB of weights
    assert "more weights than a model file may hold" in refused(
        "--layers", big, "--output", tmp_path / "m.dsmodel")
    assert list(tmp_path.iterdir()) == []


DIVERGE = ["--dataset", "mnist", "--layers", "256:relu,256:relu,256:relu", "--optimizer", "sgd",
           "--learning-rate", "5", "--epochs", "2"]


def test_a_diverged_run_never_replaces_an_existing_model(tmp_path):
    good = tmp_path / "good.dsmodel"
    code, _, err = run_main("train", "--dataset", "mnist", "--layers", "", "--epochs", "1",
                            "--batch-size", "1024", "--output", good)
    assert code == 0, err
    before = good.read_bytes()

    for beside in ("good.diverged.dsmodel", "good.diverged-2.dsmodel"):
        code, out, err = run_main("train", *DIVERGE, "--output", good)
        assert code == 1
        assert f"Saved the last good weights to {tmp_path / beside} ({good} is left as it was)" in out
        assert "diverged" in one_error_line(err)
        assert good.read_bytes() == before
        assert "test_accuracy" not in load_model(tmp_path / beside).metrics


def test_a_signal_while_finishing_still_saves_the_whole_run(tmp_path, monkeypatch):
    import signal

    real_evaluate = Sequential.evaluate

    def evaluate_then_sigterm(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the test split is evaluated
        return real_evaluate(self, *args, **kwargs)

    monkeypatch.setattr(Sequential, "evaluate", evaluate_then_sigterm)
    path = tmp_path / "m.dsmodel"
    code, out, err = run_main("train", "--dataset", "mnist", "--layers", "", "--epochs", "1",
                              "--batch-size", "1024", "--output", path)
    assert code == 128 + signal.SIGTERM
    assert "interrupted (SIGTERM) after the run had finished" in one_error_line(err)
    assert f"Saved model to {path}" in out
    assert "test_accuracy" in load_model(path).metrics
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handlers are put back
