"""Autosave and the recovery offer (real windows, real Fashion-MNIST slices).

The user's data folder is a temporary one (``XDG_DATA_HOME``, which Qt's AppDataLocation
follows on Linux). The kill -9 test is in ``test_autosave_kill.py``.
"""

from __future__ import annotations

import shutil
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from ui_helpers import make_window

from dense_studio.files.session_file import read_session
from dense_studio.session import Session
from dense_studio.ui.controllers import autosave as autosave_module
from dense_studio.ui.controllers.autosave import (
    AUTOSAVE_INTERVAL_MS, Autosave, RecoveryFolder, recovery_folder,
)


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    home = tmp_path / "data-home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def train(qtbot, window, epochs=2, timeout=30000) -> str:
    window.epochsSpin.setValue(epochs)
    with qtbot.waitSignal(window.trainingEnded, timeout=timeout) as blocker:
        qtbot.mouseClick(window.trainButton, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_each_epoch_is_written_to_the_recovery_file_off_the_gui_thread(
        qtbot, settings, data_home, monkeypatch):
    writers = []
    original = autosave_module.session_file.write_session

    def write_and_note(path, data):
        writers.append((threading.current_thread() is threading.main_thread(),
                        data.model.metrics["epochs_trained"]))
        return original(path, data)

    monkeypatch.setattr(autosave_module.session_file, "write_session", write_and_note)
    window = make_window(qtbot, settings)
    path = window.autosave.path
    assert path.parent == recovery_folder() and str(data_home) in str(path)
    assert not path.exists()  # nothing unsaved yet: no file
    assert train(qtbot, window) == "finished"
    window.autosave.wait()
    qtbot.waitUntil(lambda: not window.autosave.is_writing)
    # one write per epoch at least, none of them on the GUI thread
    assert [epochs for _main, epochs in writers][:2] == [1, 2]
    assert not any(main for main, _epochs in writers)
    data = read_session(path)
    assert data.model.metrics["epochs_trained"] == 2
    assert [len(run.epochs) for run in data.runs] == [2]
    window.close()
    assert not path.exists()  # a clean quit leaves no recovery file


def test_other_changes_wait_for_the_interval_and_saving_removes_the_file(
        qtbot, settings, tmp_path):
    window = make_window(qtbot, settings)
    autosave = window.autosave
    assert autosave.next_save_in_ms() is None
    window.session.update_settings(epochs=7)
    first = autosave.next_save_in_ms()
    assert first is not None and 0 < first <= AUTOSAVE_INTERVAL_MS
    assert not autosave.path.exists()  # not at once: within 30 s
    window.session.update_settings(seed=3)  # a second change does not push it back
    assert autosave.next_save_in_ms() <= first
    assert autosave.save_now()  # what the timer does when the interval is over
    autosave.wait()
    qtbot.waitUntil(lambda: autosave.writes == 1)
    assert read_session(autosave.path).config.epochs == 7
    assert window.save_session(tmp_path / "mine.dssession")
    assert not autosave.path.exists()  # the session's own file holds the work now
    assert autosave.next_save_in_ms() is None


def test_two_instances_keep_their_own_files_and_only_a_dead_ones_is_offered(tmp_path, qapp):
    first = Autosave(Session(), tmp_path)
    second = Autosave(Session(), tmp_path)
    for autosave in (first, second):
        autosave._session.update_settings(epochs=3)
        assert autosave.save_now()
        autosave.wait()
        qapp.processEvents()
    assert first.path != second.path and first.path.exists() and second.path.exists()
    # A third instance (a new start) sees two live instances: nothing to offer.
    third = RecoveryFolder(tmp_path)
    assert third.orphans() == []
    # The second "crashes": its lock goes without its file being removed.
    second.recovery.close(remove=False)
    assert third.orphans() == [second.path]
    # Claimed by the third, it is not offered to a fourth start as well.
    assert RecoveryFolder(tmp_path).orphans() == []
    third.discard(second.path)
    assert not second.path.exists() and first.path.exists()
    first.close()
    assert not first.path.exists()
    third.close(remove=True)


def test_a_recovery_file_is_offered_at_start_and_restored_as_unsaved_work(
        qtbot, settings, tmp_path):
    window = make_window(qtbot, settings)
    assert train(qtbot, window) == "finished"
    window.show_random_sample()
    saved = tmp_path / "before-crash.dssession"
    assert window.save_session(saved)
    expected_canvas = window.session.canvas.image.copy()
    window.close()
    # What a crash leaves: a recovery file whose instance is gone.
    shutil.copy(saved, recovery_folder() / "recovery-otherhost-99999-abcdef.dssession")

    restored = make_window(qtbot, settings)
    assert restored.recovery_available()
    assert restored.recoveryBar.isVisible()
    assert "did not close properly" in restored.recoveryBar.messageLabel.text()
    qtbot.mouseClick(restored.recoveryBar.restoreButton, Qt.MouseButton.LeftButton)
    assert restored.last_error is None
    assert restored.epochs_trained == 2
    assert [len(run.epochs) for run in restored.session.runs] == [2]
    assert (restored.session.canvas.image == expected_canvas).all()
    assert not restored.recovery_available() and not restored.recoveryBar.isVisible()
    # Unsaved work in no file of the person's: the title says so and asks before quitting.
    assert restored.session.path is None
    assert restored.unsaved.has_unsaved_work() and restored.isWindowModified()
    assert "recovered session" in restored.windowTitle()
    # The file is now this instance's own recovery file (not offered again, not lost).
    assert not (recovery_folder() / "recovery-otherhost-99999-abcdef.dssession").exists()
    assert restored.autosave.path.exists()


def test_discarding_the_offer_deletes_the_file(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings)
    window.session.update_settings(epochs=4)
    orphan = recovery_folder() / "recovery-otherhost-1-000000.dssession"
    assert window.save_session(orphan)
    window.close()
    again = make_window(qtbot, settings)
    assert again.recovery_available()
    qtbot.mouseClick(again.recoveryBar.discardButton, Qt.MouseButton.LeftButton)
    assert not orphan.exists() and not again.recovery_available()
    assert not again.recoveryBar.isVisible()
    assert not again.restore_recovery()


def test_a_bad_recovery_file_is_one_message_and_changes_nothing(qtbot, settings):
    (recovery_folder() / "recovery-x-1-000000.dssession").write_bytes(b"not a session")
    window = make_window(qtbot, settings)
    layers = window.session.layers.layers
    assert window.recovery_available()
    assert not window.restore_recovery()
    assert window.last_error and "\n" not in window.last_error
    assert window.session.layers.layers == layers
    assert window.recovery_available()  # still on offer: Discard removes it


def test_a_new_drawing_is_autosaved_within_the_interval(qtbot, settings):
    window = make_window(qtbot, settings)
    autosave = window.autosave
    assert autosave.next_save_in_ms() is None
    image = np.zeros((28, 28), np.float32)
    image[8:20, 12:16] = 1.0
    window.session.set_input(image)
    autosave.save_now()  # the canvas change written: nothing is pending any more
    autosave.wait()
    assert autosave.next_save_in_ms() is None
    window.session.drawings.add(image, 1, window.session.dataset_name)
    pending = autosave.next_save_in_ms()
    assert pending is not None and pending <= AUTOSAVE_INTERVAL_MS
