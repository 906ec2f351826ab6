"""The layer editor's Undo and Redo actions, on the session's layer stack.

The undo history is the session's (``session.layers``: every step holds the whole layer
tuple before and after, and a slider drag merges into one step); these actions only show
it: each names, in the person's language, the step it would take, and is disabled while
the editor is locked.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from dense_studio.engine.spec import DropoutSpec
from dense_studio.ui.messages import fill

__all__ = ["UndoActions"]


class UndoActions(QObject):
    """Undo and Redo actions for ``stack`` (a ``session.LayerStack``): they name the step
    they would undo or redo, and are disabled while ``is_locked()``. ``before_step()`` runs
    first (it ends a merging edit, so undo never merges into the step being undone)."""

    def __init__(self, stack, is_locked, before_step, parent: QObject) -> None:
        super().__init__(parent)
        self._stack = stack
        self._is_locked = is_locked
        self._before_step = before_step
        self._actions: list[tuple[QAction, str]] = []
        stack.events.undo.connect(self.update)

    def make(self, parent: QObject, kind: str) -> QAction:
        """A new ``"undo"`` (Ctrl+Z) or ``"redo"`` (Ctrl+Shift+Z, Ctrl+Y) action."""
        action = QAction(parent)
        action.setObjectName(f"layer{kind.capitalize()}Action")
        if kind == "undo":
            action.setShortcuts([QKeySequence("Ctrl+Z")])
        else:
            action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        action.triggered.connect(lambda: self.step(kind))
        self._actions.append((action, kind))
        action.destroyed.connect(lambda *_a, a=action: self._forget(a))
        self.update()
        return action

    def _forget(self, action) -> None:
        self._actions = [(a, k) for a, k in self._actions if a is not action]

    def step(self, kind: str) -> None:
        """Undo (``"undo"``) or redo the last step, unless locked."""
        if not self._is_locked():
            self._before_step()
            self._stack.undo() if kind == "undo" else self._stack.redo()

    def step_text(self, step) -> str:
        """The menu's name for undo step ``step`` (a ``session.UndoStep``); ``tr`` translates."""
        row, after = step.row, step.after
        key = step.key
        if key == "insert_layer":
            dropout = isinstance(after[row], DropoutSpec)
            return self.tr("Add Dropout layer") if dropout else self.tr("Add Dense layer")
        if key == "remove_layer":
            return fill(self.tr("Remove layer %1"), row + 1)
        if key == "move_layer":
            return fill(self.tr("Move layer %1"), row + 1)
        if key == "change_units":
            return fill(self.tr("Set layer %1 to %2 units"), row + 1, after[row].units)
        if key == "change_activation":
            return fill(self.tr("Set layer %1 activation to %2"), row + 1, after[row].activation)
        if key == "change_rate":
            return fill(self.tr("Set layer %1 dropout to %2"), row + 1, f"{after[row].rate:g}")
        if key == "replace_layer":
            return fill(self.tr("Replace layer %1"), row + 1)
        return self.tr("Replace layers")

    def update(self, *_args) -> None:
        state, locked = self._stack.undo_state, self._is_locked()
        for action, kind in self._actions:
            step = state.undo if kind == "undo" else state.redo
            if kind == "undo":
                text = fill(self.tr("&Undo %1"), self.step_text(step)) if step \
                    else self.tr("&Undo")
            else:
                text = fill(self.tr("&Redo %1"), self.step_text(step)) if step \
                    else self.tr("&Redo")
            action.setText(text)
            action.setEnabled(step is not None and not locked)
