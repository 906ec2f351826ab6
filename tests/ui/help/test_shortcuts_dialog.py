"""Help → Keyboard shortcuts lists every menu command; the check for commands without one."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from dense_studio.ui.help.shortcuts import ShortcutsDialog, actions_without_shortcut, plain_text


def native(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def demo_window(qtbot) -> QMainWindow:
    window = QMainWindow()
    qtbot.addWidget(window)
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for name, text, keys in (("openAction", "&Open model…", "Ctrl+O"),
                             ("saveAsAction", "Save model &as…", "Ctrl+Shift+S")):
        action = QAction(text, window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(keys))
        file_menu.addAction(action)
    recent = file_menu.addMenu("Open &recent")
    recent.addAction("model.dsmodel").setObjectName("recentItem")
    file_menu.addSeparator()
    hidden = file_menu.addAction("Hidden")
    hidden.setVisible(False)
    help_menu = bar.addMenu("&Help")
    about = help_menu.addAction("&About Dense Studio")
    about.setObjectName("aboutAction")
    both = help_menu.addAction("R&&D notes")
    both.setObjectName("notesAction")
    both.setShortcuts([QKeySequence("F1"), QKeySequence("Ctrl+H")])
    return window


def test_the_dialog_lists_every_command_grouped_by_menu(qtbot):
    window = demo_window(qtbot)
    dialog = ShortcutsDialog(window.menuBar(), window)
    qtbot.addWidget(dialog)
    assert dialog.rows() == [
        ("File", "Open model…", native("Ctrl+O")),
        ("File", "Save model as…", native("Ctrl+Shift+S")),
        ("File → Open recent", "model.dsmodel", "(none)"),
        ("Help", "About Dense Studio", "(none)"),
        ("Help", "R&D notes", f"{native('F1')}, {native('Ctrl+H')}"),
    ]
    file_menu = window.menuBar().actions()[0].menu()
    chinese = ShortcutsDialog([file_menu], window, language="zh_TW")  # a list of menus works too
    qtbot.addWidget(chinese)
    assert chinese.windowTitle() == "鍵盤快捷鍵"
    assert [row[1] for row in chinese.rows()] == ["Open model…", "Save model as…", "model.dsmodel"]
    assert chinese.tree.headerItem().text(1) == "快捷鍵"


def test_actions_without_shortcut_lists_the_rest_unless_on_purpose(qtbot):
    window = demo_window(qtbot)
    missing = actions_without_shortcut(window.menuBar())
    assert [a.objectName() for a in missing] == ["recentItem", "aboutAction"]
    assert actions_without_shortcut(window.menuBar(), on_purpose=["recentItem", "aboutAction"]) == []


def test_plain_text_drops_accelerators_but_keeps_a_literal_ampersand():
    assert plain_text("Save model &as…") == "Save model as…"
    assert plain_text("R&&D") == "R&D"
    assert plain_text("另存模型(&A)…") == "另存模型…"
    assert plain_text("檔案(&F)") == "檔案"
