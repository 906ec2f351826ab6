"""Locking and hiding the window's named controls for a lesson, and giving them back.

The window enables and disables its controls itself (while training, while a file is read),
so a lock is kept by watching: a locked widget that is enabled again is disabled at once
(an event filter on its EnabledChange), and so is a locked action (its ``changed`` signal).
Locking the network also locks its undo and redo actions. Hiding a control hides the labels
that name it (their buddy) too. :meth:`ControlLocks.release` puts back what was there.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from dense_studio.files.lesson_file import CONTROL_NAMES

__all__ = ["ControlLocks", "CONTROL_NAMES", "UNDO_ACTIONS"]

#: Actions that edit the network without its editor: locked with ``layerEditor``.
UNDO_ACTIONS = ("layerUndoAction", "layerRedoAction")


class ControlLocks(QObject):
    """``apply(locked, hidden)`` on ``window``'s controls (names from CONTROL_NAMES)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._locked: dict[QObject, bool] = {}  # object -> enabled before the lesson
        self._hidden: dict[QWidget, bool] = {}  # widget -> hidden before the lesson

    def control(self, name: str) -> QWidget:
        """The window's control ``name``: its attribute of that name, else its child widget
        with that objectName."""
        if name not in CONTROL_NAMES:
            raise KeyError(f"not a lockable control: {name!r}")
        widget = getattr(self._window, name, None)
        if not isinstance(widget, QWidget):
            widget = self._window.findChild(QWidget, name)
        if widget is None:
            raise KeyError(f"the window has no control {name!r}")
        return widget

    def apply(self, locked, hidden) -> None:
        """Lock and hide the named controls (what an earlier apply did is released first)."""
        self.release()
        for name in locked:
            widget = self.control(name)
            self._lock(widget)
            if name == "layerEditor":
                for action_name in UNDO_ACTIONS:
                    for action in self._window.findChildren(QObject, action_name):
                        self._lock(action)
        for name in hidden:
            widget = self.control(name)
            for target in (widget, *self._labels_of(widget)):
                self._hidden.setdefault(target, target.isHidden())
                target.setVisible(False)

    def release(self) -> None:
        """Every control as it was before :meth:`apply`."""
        locked, self._locked = self._locked, {}
        for target, enabled in locked.items():
            if isinstance(target, QWidget):
                target.removeEventFilter(self)
            else:
                target.changed.disconnect(self._action_changed)
            target.setEnabled(enabled)
        hidden, self._hidden = self._hidden, {}
        for widget, was_hidden in hidden.items():
            widget.setVisible(not was_hidden)

    def is_locked(self, name: str) -> bool:
        return self.control(name) in self._locked

    def _lock(self, target: QObject) -> None:
        if target in self._locked:
            return
        self._locked[target] = _enabled(target)
        target.setEnabled(False)
        if isinstance(target, QWidget):
            target.installEventFilter(self)
        else:
            target.changed.connect(self._action_changed)

    def _labels_of(self, widget: QWidget) -> list[QLabel]:
        return [label for label in self._window.findChildren(QLabel) if label.buddy() is widget]

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.EnabledChange and watched in self._locked \
                and _enabled(watched):
            watched.setEnabled(False)
        return False

    def _action_changed(self) -> None:
        for target in self._locked:
            if not isinstance(target, QWidget) and target.isEnabled():
                target.setEnabled(False)


def _enabled(target: QObject) -> bool:
    """Whether ``target`` itself is enabled (for a widget: not counting its parents)."""
    if isinstance(target, QWidget):
        return not target.testAttribute(Qt.WidgetAttribute.WA_Disabled)
    return target.isEnabled()
