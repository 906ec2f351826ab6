"""The hidden-layer list of the layer editor, and how its rows' controls behave in it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QListWidget

__all__ = ["LayerList", "RowControlFilter"]


class RowControlFilter(QObject):
    """Makes the editors inside list rows behave inside a scrolling list.

    - Ctrl+Z / Ctrl+Shift+Z reach the editor's undo actions even while a spin box has focus
      (its line edit would otherwise take them for its own text undo, which is meaningless
      here: every value change is already an undo step of the editor).
    - The mouse wheel scrolls the list unless the control has focus, so scrolling past a
      row never changes its units or activation by accident.
    - Focusing a control selects its row, so Remove and Move act on the row being edited.
    """

    def __init__(self, layer_list: "LayerList", select_row_of, parent: QObject) -> None:
        """``select_row_of(control)`` selects the row that holds ``control``."""
        super().__init__(parent)
        self._list = layer_list
        self._select_row_of = select_row_of

    def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and _is_undo_key(event):
            event.ignore()
            return True
        if kind == QEvent.Type.Wheel and not watched.hasFocus():
            QCoreApplication.sendEvent(self._list.viewport(), event)
            return True
        if kind == QEvent.Type.FocusIn and event.reason() in _USER_FOCUS:
            self._select_row_of(watched)
        return False


# Not Tab: Qt also moves focus "by Tab" when the focused button (e.g. Up) gets disabled.
_USER_FOCUS = (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.ShortcutFocusReason)


def _is_undo_key(event) -> bool:
    combined = event.keyCombination().toCombined()
    return (
        event.matches(QKeySequence.StandardKey.Undo)
        or event.matches(QKeySequence.StandardKey.Redo)
        or combined in (
            QKeySequence("Ctrl+Z")[0].toCombined(),
            QKeySequence("Ctrl+Shift+Z")[0].toCombined(),
            QKeySequence("Ctrl+Y")[0].toCombined(),
        )
    )


class LayerList(QListWidget):
    """The hidden-layer list: rows reorder by drag and drop, Delete and Ctrl+↑/↓.

    Qt's own InternalMove would move the items and lose their row widgets, so a drop is
    turned into a ``moveRequested(source, destination)`` and the editor rebuilds the rows.
    """

    moveRequested = Signal(int, int)
    removeRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._drag_row = -1
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    def startDrag(self, actions) -> None:  # noqa: N802 (Qt name)
        self._drag_row = self.currentRow()
        try:
            super().startDrag(actions)
        finally:
            self._drag_row = -1

    def drop_row_at(self, pos) -> int:
        """The row a drop at ``pos`` (viewport coordinates) inserts before."""
        index = self.indexAt(pos)
        if not index.isValid():
            return self.count()
        rect = self.visualRect(index)
        return index.row() + (1 if pos.y() > rect.center().y() else 0)

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt name)
        source = self._drag_row if self._drag_row >= 0 else self.currentRow()
        if event.source() not in (self, None) or source < 0:
            event.ignore()
            return
        target = self.drop_row_at(event.position().toPoint())
        if target > source:
            target -= 1
        # Tell the drag it did nothing, so Qt neither moves nor deletes the item itself.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if target != source:
            self.moveRequested.emit(source, target)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods:
            self.removeRequested.emit()
            return
        if mods == Qt.KeyboardModifier.ControlModifier and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.currentRow()
            target = row - 1 if key == Qt.Key.Key_Up else row + 1
            if row >= 0 and 0 <= target < self.count():
                self.moveRequested.emit(row, target)
            return
        super().keyPressEvent(event)

