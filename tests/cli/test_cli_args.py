"""Argument handling of `dense-studio`: fast checks that need neither data nor training.

Every bad input must end as exactly one `error: ...` line on stderr with exit code 2, and
`--help` must stay fast, which means cli.py imports nothing heavy until a command runs.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dense_studio import __version__
from dense_studio.cli import LR_SCHEDULE_CHOICES, MONITOR_CHOICES, OPTIMIZER_CHOICES, main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_help_lists_every_command(capsys):
    code, out, err = run(capsys, "--help")
    assert code == 0 and err == ""
    for command in ("train", "evaluate", "predict", "export-keras"):
        assert command in out


def test_train_help_names_every_option(capsys):
    code, out, _ = run(capsys, "train", "--help")
    assert code == 0
    for option in ("--dataset", "--layers", "--epochs", "--batch-size", "--optimizer",
                   "--learning-rate", "--validation-split", "--seed", "--output", "--json",
                   "--preset", "--lr-schedule", "--early-stopping", "--monitor",
                   "--min-delta"):
        assert option in out


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"dense-studio {__version__}"


def test_choices_are_the_engines_and_help_loads_no_engine(capsys):
    from dense_studio.engine.spec import LR_SCHEDULES, MONITORS, OPTIMIZERS

    assert tuple(MONITOR_CHOICES) == tuple(MONITORS) == ("val_loss", "val_accuracy")
    assert tuple(OPTIMIZER_CHOICES) == tuple(OPTIMIZERS)
    assert tuple(LR_SCHEDULE_CHOICES) == tuple(LR_SCHEDULES)
    code = ("import sys; from dense_studio.cli import main; main(['--help']); "
            "print('numpy' in sys.modules, 'dense_studio.engine' in sys.modules)")
    import subprocess
    import sys

    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert shown.stdout.strip().splitlines()[-1] == "False False"
    code, out, _ = run(capsys, "train", "--help")
    assert code == 0 and ", ".join(OPTIMIZERS) in out and ", ".join(LR_SCHEDULES) in out


@pytest.mark.parametrize(
    "argv, fragments",
    [
        (["train", "--dataset", "cifar"], ["unknown dataset 'cifar'", "tfds:"]),
        (["train", "--dataset", "tfds:"], ["missing dataset name after 'tfds:'"]),
        (["train", "--dataset", "tfds:a'b"], ["unknown dataset"]),
        (["train", "--layers", "128:relu,,64"], ["--layers", "empty layer"]),
        (["train", "--layers", "abc"], ["--layers", "128:relu"]),
        (["train", "--layers", "128:bogus"], ["unknown activation 'bogus'"]),
        (["train", "--layers", "0:relu"], ["units must be between 1"]),
        (["train", "--layers=-5:relu"], ["units must be between 1"]),
        (["train", "--layers", "-5:relu"], ["expected one argument", "--option=VALUE"]),
        (["train", "--layers", "dropout:1.5"], ["dropout rate"]),
        (["train", "--epochs", "0"], ["epochs must be between 1"]),
        (["train", "--epochs", "-3"], ["epochs must be between 1"]),
        (["train", "--batch-size", "0"], ["batch size must be between 1"]),
        (["train", "--batch-size", "-32"], ["batch size"]),
        (["train", "--learning-rate", "0"], ["learning rate must be above 0"]),
        (["train", "--learning-rate", "-0.1"], ["learning rate"]),
        (["train", "--learning-rate", "nan"], ["learning rate must be a number"]),
        (["train", "--learning-rate", "fast"], ["--learning-rate", "invalid float value"]),
        (["train", "--epochs", "2.5"], ["--epochs", "invalid int value"]),
        (["train", "--validation-split", "1"], ["validation split"]),
        (["train", "--optimizer", "adagrad"], ["--optimizer", "invalid choice"]),
        (["train", "--preset", "nope"], ["unknown preset 'nope'", "reference"]),
        (["train", "--frobnicate"], ["unrecognized arguments: --frobnicate"]),
        (["frobnicate"], ["invalid choice: 'frobnicate'"]),
        (["predict", "model.dsmodel"], ["IMAGE"]),
        (["evaluate"], ["MODEL"]),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(capsys, argv, fragments):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert_one_line_error(err, *fragments)


def test_bad_output_folder_fails_before_training(capsys, tmp_path, monkeypatch):
    # If this trained first, it would take seconds and load the dataset: fail fast instead.
    import dense_studio.data as data

    monkeypatch.setattr(data, "load_dataset", None, raising=False)
    code, _, err = run(capsys, "train", "--output", str(tmp_path / "missing" / "m.dsmodel"))
    assert code == 2
    assert_one_line_error(err, "does not exist")
    code, _, err = run(capsys, "train", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(err, "is a folder")


def test_unexpected_exception_is_one_line_internal_error(capsys, monkeypatch):
    import dense_studio.cli as cli

    def broken(args):
        raise ZeroDivisionError("oops\nsecond line")

    monkeypatch.setattr(cli, "_run_evaluate", broken)
    monkeypatch.delenv("DENSE_STUDIO_DEBUG", raising=False)
    code, _, err = run(capsys, "evaluate", "x.dsmodel")
    assert code == 1
    assert_one_line_error(err, "internal error: ZeroDivisionError: oops (set DENSE_STUDIO_DEBUG=1")


def test_ctrl_c_is_one_line_and_exit_130(capsys, monkeypatch):
    import dense_studio.cli as cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_run_evaluate", interrupted)
    code, out, err = run(capsys, "evaluate", "x.dsmodel")
    assert code == 130
    assert_one_line_error(err, "interrupted")


def test_window_without_display_is_one_line(capsys, monkeypatch):
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is for X11/Wayland")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run(capsys)
    assert code == 1
    assert_one_line_error(err, "no display")


def test_window_startup_failure_is_one_line(capsys, monkeypatch):
    import dense_studio.ui as ui

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.delenv("DENSE_STUDIO_DEBUG", raising=False)

    class Broken:
        def __init__(self):
            raise RuntimeError("no fonts")

    monkeypatch.setattr(ui, "MainWindow", Broken, raising=False)
    code, _, err = run(capsys)
    assert code == 1
    assert_one_line_error(err, "cannot start the window", "no fonts")


# ---------------------------------------------------------------- real processes

HEAVY = ("numpy", "PySide6", "tensorflow", "tensorflow_datasets", "pyqtgraph", "PIL",
         "dense_studio.engine", "dense_studio.data", "dense_studio.ui")


def test_python_m_help_is_fast_and_imports_nothing_heavy():
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['dense-studio', '--help']\n"
        "try:\n"
        "    runpy.run_module('dense_studio', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY', ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage: dense-studio" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "HEAVY", result.stdout
    # Its wall time (<= 0.5 s) is measured by benchmarks/bench_cli.py, not here.


def test_python_m_bad_input_exits_2_without_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "dense_studio", "train", "--layers", "12x"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert_one_line_error(result.stderr, "--layers")


def test_console_script_is_installed():
    script = os.path.join(os.path.dirname(sys.executable), "dense-studio")
    if not os.path.exists(script):
        pytest.skip("dense-studio script not installed next to this python")
    result = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"dense-studio {__version__}"
