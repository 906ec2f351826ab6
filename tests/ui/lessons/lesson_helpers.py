"""Opening windows and bundled lessons, and training in them, for the lesson tests."""

from __future__ import annotations

from pathlib import Path

from dense_studio.ui.lessons.bundled import bundled_lessons

TRAIN_TIMEOUT_MS = 120_000


def lesson_path(prefix: str) -> Path:
    """The bundled lesson whose file name starts with ``prefix`` ("03")."""
    (path,) = [p for p in bundled_lessons() if p.name.startswith(prefix)]
    return path


def open_window(qtbot, settings, **kwargs):
    """A shown window on its own settings, once its dataset is loaded."""
    from dense_studio.ui import MainWindow

    window = MainWindow(settings=settings, **kwargs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=60_000)
    return window


def wait_ready(qtbot, window, dataset: str) -> None:
    qtbot.waitUntil(lambda: window.is_ready() and window.session.dataset.name == dataset,
                    timeout=60_000)


def train(qtbot, window) -> str:
    """Press Start and wait for the end of the run; its status."""
    with qtbot.waitSignal(window.trainingEnded, timeout=TRAIN_TIMEOUT_MS) as ended:
        assert window.start_training()
    qtbot.waitUntil(window.is_ready, timeout=5_000)
    return ended.args[0]


def condition(window, name: str):
    (found,) = [c for c in window.lessons.result.conditions if c.name == name]
    return found


def wait_known(qtbot, window, name: str) -> None:
    """Until the goal's condition ``name`` has a value (the test evaluation is back)."""
    qtbot.waitUntil(lambda: condition(window, name).value is not None, timeout=60_000)
