"""Model files and images are read off the GUI thread, and the window says it is busy.

The read is held until a timer on the GUI thread lets it go: if opening blocked the GUI
thread, the timer could not run and the read would time out instead (no wall-clock
threshold: the event decides).
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox
from ui_helpers import make_window

from dense_studio.engine.spec import DenseSpec

HOLD_SECONDS = 10.0


@pytest.fixture
def window(qtbot, settings):
    return make_window(qtbot, settings)


def held(monkeypatch, target, name: str, window, seen: dict) -> None:
    """Make ``target.name`` wait (in its thread) for a GUI-thread timer to release it."""
    original = getattr(target, name)
    release = threading.Event()

    def on_gui_thread() -> None:
        seen["busy"] = window.busy.is_busy
        seen["cursor"] = QGuiApplication.overrideCursor() is not None
        seen["status"] = window.statusBar().currentMessage()
        seen["open_enabled"] = window.openModelAction.isEnabled()
        release.set()

    def slow(*args, **kwargs):
        seen["thread"] = threading.current_thread() is not threading.main_thread()
        QTimer.singleShot(0, window, on_gui_thread)
        seen["released"] = release.wait(HOLD_SECONDS)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, slow)


def test_opening_a_model_keeps_the_window_live_and_busy(qtbot, window, tmp_path, monkeypatch):
    import dense_studio.ui.controllers.files as files

    path = tmp_path / "m.dsmodel"
    window.layerEditor.set_hidden_layers((DenseSpec(20, "tanh"),))
    qtbot.waitUntil(lambda: not window.session.model.stale, timeout=3000)
    assert window.save_model(path)
    window.layerEditor.set_hidden_layers((DenseSpec(8, "relu"),))
    seen: dict = {}
    held(monkeypatch, files, "load_model", window, seen)
    assert window.open_model(path) is True
    assert seen == {"thread": True, "released": True, "busy": True, "cursor": True,
                    "status": "Opening m.dsmodel…", "open_enabled": False}
    assert window.layerEditor.hidden_layers() == (DenseSpec(20, "tanh"),)
    assert not window.busy.is_busy and QGuiApplication.overrideCursor() is None
    assert window.openModelAction.isEnabled()


def test_a_bad_model_read_off_the_thread_is_still_one_message(qtbot, window, tmp_path,
                                                              monkeypatch):
    import dense_studio.ui.controllers.files as files

    path = tmp_path / "bad.dsmodel"
    path.write_bytes(b"garbage")
    seen: dict = {}
    held(monkeypatch, files, "load_model", window, seen)
    assert window.open_model(path) is False
    assert seen["released"] and seen["busy"]
    assert "bad.dsmodel" in window.last_error and not window.busy.is_busy
    window.findChild(QMessageBox, "errorMessage").close()


def test_opening_an_image_keeps_the_window_live(qtbot, window, tmp_path, monkeypatch):
    from PIL import Image

    import dense_studio.ui.controllers.canvas as canvas

    path = tmp_path / "dot.png"
    picture = Image.new("L", (64, 64), 255)
    picture.paste(0, (20, 10, 44, 54))
    picture.save(path)
    seen: dict = {}
    held(monkeypatch, canvas, "read_image", window, seen)
    assert window.open_image(str(path)) is True
    assert seen["thread"] and seen["released"] and seen["busy"] and seen["cursor"]
    assert "dot.png" in window.sampleLabel.text()
    assert window.session.canvas.source.file_name == "dot.png"
