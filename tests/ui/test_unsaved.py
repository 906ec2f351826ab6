"""Unsaved work: the title, and Save / Discard / Cancel before it is lost (real windows).

The question goes through ``unsaved.ask``; most tests answer it with monkeypatch and note
that it was asked. One test shows the real box and clicks its button.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import ONE, draw_stroke, make_window

from dense_studio.engine.spec import DenseSpec
from dense_studio.files.session_file import read_session
from dense_studio.ui.controllers import unsaved


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))


@pytest.fixture
def answers(monkeypatch):
    """Answer the question with the next of ``answers.next`` and note each name asked."""

    class Answers:
        next: list = []
        asked: list = []

        def __call__(self, parent, name):
            self.asked.append(name)
            return self.next.pop(0)

    answering = Answers()
    answering.next, answering.asked = [], []
    monkeypatch.setattr(unsaved, "ask", answering)
    return answering


@pytest.fixture
def window(qtbot, settings):
    return make_window(qtbot, settings)


def train(qtbot, window, epochs=1) -> None:
    window.epochsSpin.setValue(epochs)
    with qtbot.waitSignal(window.trainingEnded, timeout=30000):
        qtbot.mouseClick(window.trainButton, Qt.MouseButton.LeftButton)


def test_a_fresh_window_or_a_drawing_alone_quits_without_a_question(qtbot, window, answers):
    assert window.windowTitle() == "Dense Studio" and not window.isWindowModified()
    draw_stroke(window.drawCanvas, ONE)
    qtbot.waitUntil(lambda: window.session.canvas.image is not None)
    assert not window.unsaved.has_unsaved_work()
    window.quit_clicked()
    assert answers.asked == [] and not window.isVisible()


def test_trained_weights_ask_and_cancel_keeps_the_window(qtbot, window, answers):
    train(qtbot, window)
    assert window.isWindowModified()
    assert window.windowTitle() == "Dense Studio — untitled[*]"
    answers.next = ["cancel"]
    window.quit_clicked()
    assert answers.asked == ["untitled"] and window.isVisible()
    answers.next = ["discard"]
    window.quit_clicked()
    assert not window.isVisible()


def test_save_writes_the_session_then_quits(qtbot, window, answers, tmp_path, monkeypatch):
    train(qtbot, window)
    target = tmp_path / "work.dssession"
    monkeypatch.setattr(window.files, "ask_save_session", lambda: str(target))
    answers.next = ["save"]
    window.quit_clicked()
    assert not window.isVisible()
    assert read_session(target).model.metrics["epochs_trained"] == 1


def test_save_cancelled_in_the_file_dialog_stays(qtbot, window, answers, monkeypatch):
    train(qtbot, window)
    monkeypatch.setattr(window.files, "ask_save_session", lambda: "")
    answers.next = ["save"]
    window.quit_clicked()
    assert window.isVisible() and window.unsaved.has_unsaved_work()


def test_an_edited_network_alone_does_not_ask_and_the_title_follows_the_file(
        qtbot, window, answers, tmp_path):
    window.session.layers.append(DenseSpec(32, "tanh"))
    window.session.update_settings(epochs=9)
    assert window.session.dirty  # it differs from a fresh start ...
    assert not window.unsaved.has_unsaved_work() and not window.isWindowModified()
    assert window.confirm_discard() and answers.asked == []  # ... but is not worth asking
    train(qtbot, window)
    assert window.unsaved.has_unsaved_work() and window.isWindowModified()
    assert window.save_session(tmp_path / "lab.dssession")
    assert window.windowTitle() == "Dense Studio — lab.dssession[*]"
    assert not window.isWindowModified() and not window.unsaved.has_unsaved_work()
    window.show_random_sample()  # a drawing after saving: still nothing unsaved
    assert not window.unsaved.has_unsaved_work()
    train(qtbot, window)
    assert window.isWindowModified()
    answers.next = ["cancel"]
    assert not window.confirm_discard()
    assert answers.asked == ["lab.dssession"]


def test_opening_a_model_or_session_asks_first(qtbot, window, answers, tmp_path, monkeypatch):
    train(qtbot, window)
    model = tmp_path / "m.dsmodel"
    assert window.save_model(model)
    # the model file holds the network and its weights: opening another asks nothing
    assert not window.unsaved.has_unsaved_work()
    assert window.windowTitle() == "Dense Studio — m.dsmodel[*]"
    train(qtbot, window)
    dialogs = []
    monkeypatch.setattr(window.files, "ask_open_model", lambda: dialogs.append("m") or "")
    monkeypatch.setattr(window.files, "ask_open_session", lambda: dialogs.append("s") or "")
    answers.next = ["cancel", "cancel"]
    window.open_model_dialog()
    window.open_session_dialog()
    assert dialogs == [] and len(answers.asked) == 2  # Cancel: no file dialog at all
    answers.next = ["discard"]
    window.open_model_dialog()
    assert dialogs == ["m"]


def test_opening_a_model_file_is_not_unsaved_work(qtbot, window, answers, tmp_path):
    train(qtbot, window)
    model = tmp_path / "m.dsmodel"
    assert window.save_model(model)
    window.close()
    other = make_window(qtbot, window._settings)
    assert other.open_model(model)
    assert not other.unsaved.has_unsaved_work() and not other.isWindowModified()
    assert other.windowTitle() == "Dense Studio — m.dsmodel[*]"


class _FromTheWindowManager(QCloseEvent):
    """The close event Qt delivers for the title bar's close button (spontaneous): the
    offscreen platform has no window manager to send one."""

    def spontaneous(self) -> bool:
        return True


def test_the_close_button_asks_a_close_from_code_does_not(qtbot, window, answers):
    train(qtbot, window)
    answers.next = ["cancel"]
    event = _FromTheWindowManager()
    window.closeEvent(event)
    assert answers.asked == ["untitled"] and not event.isAccepted() and window.isVisible()
    assert window.is_ready()  # nothing was shut down
    window.close()  # tests and automation: no question
    assert answers.asked == ["untitled"] and not window.isVisible()


def _click_when_shown(qtbot, button, seen: list) -> None:
    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append({b.text() for b in box.buttons()})
        seen.append(box.text())
        qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, click)


def test_the_real_box_has_save_discard_cancel_and_answers_cancel(qtbot, window):
    train(qtbot, window)
    seen: list = []
    _click_when_shown(qtbot, QMessageBox.StandardButton.Cancel, seen)
    assert not window.confirm_discard()
    buttons, text = seen
    assert {b.replace("&", "") for b in buttons} == {"Save", "Discard", "Cancel"}
    assert text == "Save the changes to “untitled”?"
    assert window.isVisible()
