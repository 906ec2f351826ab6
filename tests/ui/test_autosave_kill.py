"""After ``kill -9`` in mid-training the next start restores all but the current epoch.

A real subprocess runs the real window (offscreen Qt) and trains; once it has finished two
epochs and autosaved after them it is killed with SIGKILL, and a window started here with
the same data folder restores the recovery file it left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from ui_helpers import make_window

from dense_studio.ui.controllers.autosave import recovery_folder

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

CHILD = textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication
    from dense_studio.ui import MainWindow
    from dense_studio.ui.app import prepare_application

    app = QApplication([])
    prepare_application(app)
    window = MainWindow(train_limit=int(sys.argv[1]))

    def start(_name):
        window.session.update_settings(epochs=200)
        window.start_training()

    window.datasetLoaded.connect(start)
    window.session.events.epoch.connect(
        lambda _e: print("epoch", window.epochs_trained, flush=True))
    window.autosave.saved.connect(lambda path: print("saved", path, flush=True))
    window.show()
    app.exec()
""")


def run_and_kill(env: dict, train_limit: int = 3000, epochs_before_kill: int = 2,
                 delay: float = 0.0):
    """Start the child, kill it with SIGKILL ``delay`` seconds after it autosaved after
    ``epochs_before_kill`` epochs; (epochs it finished, its recovery file)."""
    # (cwd outside the checkout: its dense_studio/ has no resources/, the installed one has)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(train_limit)], env=env,
                             cwd=tempfile.gettempdir(),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    finished, path = 0, None
    try:
        for line in child.stdout:
            word, _, value = line.strip().partition(" ")
            if word == "epoch":
                finished = int(float(value))
            elif word == "saved" and finished >= epochs_before_kill:
                path = value
                time.sleep(delay)  # (the benchmark kills at other moments of an epoch)
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.kill()
        rest = child.communicate(timeout=60)[0]
    # epochs that ended between the last line read and the kill still count as finished
    for line in rest.splitlines():
        if line.startswith("epoch "):
            finished = int(float(line.split()[1]))
    assert child.returncode == -signal.SIGKILL
    return finished, path


def test_a_killed_window_loses_at_most_the_current_epoch(qtbot, settings, tmp_path,
                                                         monkeypatch):
    data_home = tmp_path / "data-home"
    env = {**os.environ, "XDG_DATA_HOME": str(data_home),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "QT_QPA_PLATFORM": "offscreen",
           "DENSE_STUDIO_NO_GUIDE": "1", "DENSE_STUDIO_FAST": "0"}
    finished, path = run_and_kill(env)
    assert path is not None and os.path.exists(path)  # a kill leaves the recovery file
    assert finished >= 2

    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    assert recovery_folder() == Path(path).parent
    window = make_window(qtbot, settings)
    assert window.recovery_available()
    assert window.restore_recovery(), window.last_error
    restored = window.epochs_trained
    assert restored == int(restored) and restored >= 2
    assert finished - restored <= 1  # at most the epoch being trained was lost
    (run,) = window.session.runs
    assert run.status == "stopped" and len(run.epochs) == restored
