"""Unsaved work: the window's title, and "Save / Discard / Cancel" before it is lost.

What counts as unsaved work: training that is in no file — a run (its curves) or trained
weights since the session was last saved or opened, or the model last saved or opened (a
model file keeps the network and its weights). An edited network or changed settings
alone do not ask: they take seconds to redo, and a question after every tweak teaches
people to click Discard without reading. Nor does a drawing. The title shows the file
(``Dense Studio — name.dssession[*]``) and Qt's ``*`` exactly while there is unsaved work,
so the mark and the question never disagree.

Every question goes through :func:`ask` (module level, so tests answer it with
``monkeypatch.setattr(unsaved, "ask", ...)``); it returns ``"save"``, ``"discard"`` or
``"cancel"``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from dense_studio.ui.messages import fill

__all__ = ["UnsavedWork", "ask", "SAVE", "DISCARD", "CANCEL"]

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
_TITLE = "%1 — %2[*]"  # the same in every language; [*] is where Qt puts the "*"


def _tr(text: str) -> str:
    return QCoreApplication.translate("UnsavedWork", text)


def ask(parent: QWidget, name: str) -> str:
    """The Save / Discard / Cancel box (modal); ``name``: what would be lost."""
    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Question, _tr("Unsaved work"),
                      fill(_tr("Save the changes to “%1”?"), name),
                      buttons.Save | buttons.Discard | buttons.Cancel, parent)
    box.setObjectName("unsavedWorkBox")
    box.setInformativeText(_tr("The trained weights and the runs are lost if you don't "
                               "save them."))
    box.setDefaultButton(buttons.Save)
    box.setEscapeButton(buttons.Cancel)
    answer = box.exec()
    return {buttons.Save: SAVE, buttons.Discard: DISCARD}.get(
        buttons(answer), CANCEL)


class UnsavedWork(QObject):
    """Keeps the window's title and modified mark; :meth:`may_discard` asks first.

    The work is compared with the state last saved or opened (how many runs, how many
    epochs the weights had), not counted from events, so opening a file (whose events
    come in any order) leaves nothing "unsaved"."""

    def __init__(self, window, session) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self.recovered = False  # the session came from a recovery file, not from a file
        self._model_file = (None, False)  # (path, dirty) of the model as last seen
        self._saved()
        for name in ("dirty", "file", "model", "runs"):
            session.events[name].connect(self._show)
        self.update_title()

    def has_unsaved_work(self) -> bool:
        session = self._session
        if not session.dirty:
            return False
        model = session.model
        runs, epochs = self._clean
        return (self.recovered or len(session.runs) != runs
                or (model.trained and model.epochs_trained != epochs))

    def name(self) -> str:
        """What the title and the question call the work: its file, else "untitled"."""
        session = self._session
        path = session.path or session.model.path
        if path is not None:
            return path.name
        return _tr("recovered session") if self.recovered else _tr("untitled")

    def may_discard(self) -> bool:
        """True if the work may go now: none unsaved, saved on request, or discarded."""
        if not self.has_unsaved_work():
            return True
        answer = ask(self._window, self.name())
        if answer == SAVE:
            return self._window.save_session_clicked()
        return answer == DISCARD

    def update_title(self) -> None:
        """``Dense Studio — name[*]``; a fresh start, with nothing to name, is just
        ``Dense Studio``."""
        window, unsaved = self._window, self.has_unsaved_work()
        session = self._session
        title = _tr("Dense Studio")
        if unsaved or self.recovered or session.path or session.model.path:
            title = fill(_TITLE, title, self.name())
        window.setWindowTitle(title)
        window.setWindowModified(unsaved)

    # -------------------------------------------------------------- inside
    def _show(self, event) -> None:
        if event.type == "model":
            status = event.value
            seen, self._model_file = self._model_file, (status.path, status.dirty)
            if status.path is not None and not status.dirty and seen != self._model_file:
                self._saved()  # the model was opened from or saved to a model file
        elif event.type == "file":
            self._saved()  # the session was opened or saved
        self.update_title()

    def _saved(self) -> None:
        self.recovered = False
        self._clean = (len(self._session.runs), self._session.model.epochs_trained)
