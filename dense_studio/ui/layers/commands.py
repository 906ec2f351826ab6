"""Undo steps of the layer editor: each stores the whole layer tuple before and after.

The layer specs are small immutable values, so "the state" is one tuple and undo/redo is
just "show this tuple" — the UI and the undo history cannot drift apart.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack

from dense_studio.ui.messages import fill

__all__ = ["LayersCommand", "UndoActions"]

_MERGE_ID = 0x4C45  # "LE": consecutive edits of one value of one row merge into one undo step


class LayersCommand(QUndoCommand):
    """One edit: show ``after`` on redo, ``before`` on undo (whole tuples of layer specs)."""

    def __init__(self, show, before, after, text, select_before, select_after, merge_key=None):
        """``show(layers, select)`` puts a layer tuple on screen and selects row ``select``."""
        super().__init__(text)
        self._show = show
        self.before, self.after = before, after
        self.select_before, self.select_after = select_before, select_after
        self.merge_key = merge_key

    def id(self) -> int:  # noqa: A003 (Qt name)
        return _MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other) -> bool:  # noqa: N802 (Qt name)
        if not isinstance(other, LayersCommand) or other.merge_key != self.merge_key:
            return False
        if other.before != self.after:
            return False
        self.after = other.after
        self.select_after = other.select_after
        self.setText(other.text())
        if self.after == self.before:  # dragged back to where it started: no step at all
            self.setObsolete(True)
        return True

    def redo(self) -> None:
        self._show(self.after, self.select_after)

    def undo(self) -> None:
        self._show(self.before, self.select_before)



class UndoActions(QObject):
    """An undo stack and its Undo and Redo menu actions: they name the step they would
    undo or redo, and are disabled while ``is_locked()``. ``before_step()`` runs first
    (it ends a merging edit, so undo never merges into the step being undone)."""

    def __init__(self, is_locked, before_step, parent: QObject) -> None:
        super().__init__(parent)
        # The stack is ours: it goes when we go, after our slots are disconnected (its
        # destructor clears it, which would otherwise call update() on a dead stack).
        self.stack = self._stack = QUndoStack(self)
        self._is_locked = is_locked
        self._before_step = before_step
        self._actions: list[tuple[QAction, str]] = []
        self.stack.indexChanged.connect(self.update)
        self.stack.cleanChanged.connect(self.update)

    def make(self, parent: QObject, kind: str) -> QAction:
        """A new ``"undo"`` (Ctrl+Z) or ``"redo"`` (Ctrl+Shift+Z, Ctrl+Y) action."""
        action = QAction(parent)
        action.setObjectName(f"layer{kind.capitalize()}Action")
        if kind == "undo":
            action.setShortcuts([QKeySequence("Ctrl+Z")])
        else:
            action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        action.triggered.connect(lambda: self._step(kind))
        self._actions.append((action, kind))
        action.destroyed.connect(lambda *_a, a=action: self._forget(a))
        self.update()
        return action

    def _forget(self, action) -> None:
        self._actions = [(a, k) for a, k in self._actions if a is not action]

    def _step(self, kind: str) -> None:
        if not self._is_locked():
            self._before_step()
            self._stack.undo() if kind == "undo" else self._stack.redo()

    def update(self, *_args) -> None:
        stack, locked = self._stack, self._is_locked()
        for action, kind in self._actions:
            if kind == "undo":
                text = stack.undoText()
                action.setText(fill(self.tr("&Undo %1"), text) if text else self.tr("&Undo"))
                action.setEnabled(stack.canUndo() and not locked)
            else:
                text = stack.redoText()
                action.setText(fill(self.tr("&Redo %1"), text) if text else self.tr("&Redo"))
                action.setEnabled(stack.canRedo() and not locked)
