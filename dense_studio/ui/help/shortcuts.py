"""Every menu command and its shortcut: the Keyboard Shortcuts dialog and the check behind it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from dense_studio.ui.help.strings import tr

__all__ = ["ShortcutsDialog", "menu_shortcuts", "actions_without_shortcut", "plain_text"]


def plain_text(text: str) -> str:
    """A menu text without its accelerator marks: "Save model &as…" -> "Save model as…",
    and the Chinese style "另存模型(&A)…" -> "另存模型…"."""
    text = text.replace("&&", "\0")
    text = re.sub(r"\s*\(&[^&\s]\)", "", text).replace("&", "")
    return text.replace("\0", "&")


def _menus(menus) -> list[QMenu]:
    if isinstance(menus, QMenuBar):
        return [a.menu() for a in menus.actions() if a.menu() is not None and a.isVisible()]
    return list(menus)


def _commands(menu: QMenu, prefix: str = "") -> list[tuple[str, QAction]]:
    """(title of the menu it is in, action) for every command in ``menu`` and its submenus."""
    title = prefix + plain_text(menu.title())
    found = []
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        if action.menu() is not None:
            found += _commands(action.menu(), title + " → ")
        else:
            found.append((title, action))
    return found


def shortcut_text(action: QAction) -> str:
    return ", ".join(
        key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts()
        if not key.isEmpty()
    )


def menu_shortcuts(menus: QMenuBar | Iterable[QMenu]) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(menu title, [(command, shortcut or "")])] in menu order, accelerators removed."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for menu in _menus(menus):
        for title, action in _commands(menu):
            groups.setdefault(title, []).append((plain_text(action.text()), shortcut_text(action)))
    return list(groups.items())


def actions_without_shortcut(menus: QMenuBar | Iterable[QMenu],
                             on_purpose: Iterable[str] = ()) -> list[QAction]:
    """The menu commands with no shortcut whose objectName is not in ``on_purpose``."""
    allowed = set(on_purpose)
    return [
        action for menu in _menus(menus) for _title, action in _commands(menu)
        if not shortcut_text(action) and action.objectName() not in allowed
    ]


class ShortcutsDialog(QDialog):
    """Help → Keyboard shortcuts: every command of the given menus, grouped by menu."""

    def __init__(self, menus: QMenuBar | Iterable[QMenu], parent=None, *,
                 language: str = "en") -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(tr("Keyboard Shortcuts", language))
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutsTree")
        self.tree.setAccessibleName("shortcutsTree")
        self.tree.setToolTip(tr("Every menu command and its keyboard shortcut", language))
        self.tree.setHeaderLabels([tr("Action", language), tr("Shortcut", language)])
        self.tree.setRootIsDecorated(False)
        none = tr("(none)", language)
        for title, rows in menu_shortcuts(menus):
            group = QTreeWidgetItem(self.tree, [title])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for text, keys in rows:
                QTreeWidgetItem(group, [text, keys or none])
            group.setExpanded(True)
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, self.tree.columnWidth(0) + 24)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close", language))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(460, 480)

    def rows(self) -> list[tuple[str, str, str]]:
        """(menu, command, shortcut) as shown."""
        found = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                item = group.child(j)
                found.append((group.text(0), item.text(0), item.text(1)))
        return found
