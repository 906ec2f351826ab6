"""Telling the person at the window: status-bar lines and (non-blocking) error boxes."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

__all__ = ["Notices"]


class Notices(QObject):
    """Every controller reports here; nothing raises out of a slot.

    State: ``last_error``, the text of the last error shown (for tests and automation).
    """

    def __init__(self, status_bar: QStatusBar, window: QWidget) -> None:
        super().__init__(window)
        self._status_bar = status_bar
        self._window = window
        self._box: QMessageBox | None = None
        self.last_error: str | None = None

    def status(self, text: str) -> None:
        self._status_bar.showMessage(text)

    def error(self, title: str, text: str) -> None:
        """A non-blocking message box (and the status bar); never a traceback."""
        self.last_error = text
        self.status(text)
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          self._window)
        box.setObjectName("errorMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self._box = box
