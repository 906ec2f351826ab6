"""The window's menu bar: File, Edit, Training, Language, Help.

The actions left without a shortcut on purpose are :data:`WITHOUT_SHORTCUT`; a test holds
every other action to having one.

Each entry is an action named for automation (``openModelAction``, ``trainAction`` …) that
calls one of the window's slots; the menus hold no logic of their own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from dense_studio.ui.i18n import LANGUAGES

__all__ = ["WindowMenus", "WITHOUT_SHORTCUT"]

#: Actions with no shortcut on purpose: rare or destructive (a key pressed by mistake would
#: lose work), or a list of languages, where the menu itself is quick enough.
WITHOUT_SHORTCUT = frozenset({
    "openSessionAction", "saveSessionAction", "clearDrawingAction", "resetAction",
    "showGuideAction", "aboutAction", *(f"language_{code}" for code in LANGUAGES),
})


#: Every menu's and entry's text, by object name (one table: built and retranslated from it).
_TEXTS = {
    "fileMenu": "&File",
    "recentMenu": "Open &recent",
    "editMenu": "&Edit",
    "trainingMenu": "&Training",
    "languageMenu": "&Language",
    "helpMenu": "&Help",
    "openModelAction": "&Open model…",
    "saveModelAction": "&Save model",
    "saveModelAsAction": "Save model &as…",
    "openSessionAction": "Open s&ession…",
    "saveSessionAction": "Save sessio&n…",
    "openImageAction": "Open &image…",
    "randomSampleAction": "Random &test sample",
    "quitAction": "&Quit",
    "clearDrawingAction": "&Clear drawing",
    "trainAction": "&Start training",
    "stopAction": "S&top",
    "resetAction": "&Reset weights",
    "userGuideAction": "&User guide",
    "shortcutsAction": "&Keyboard shortcuts",
    "showGuideAction": "Show &guide",
    "aboutAction": "&About Dense Studio",
}

#: The keys of the standard actions used here where the platform binds none.
_STANDARD_FALLBACK = {
    QKeySequence.StandardKey.Open: "Ctrl+O", QKeySequence.StandardKey.Save: "Ctrl+S",
    QKeySequence.StandardKey.SaveAs: "Ctrl+Shift+S", QKeySequence.StandardKey.Quit: "Ctrl+Q",
    QKeySequence.StandardKey.HelpContents: "F1",
}


class WindowMenus(QObject):
    """Builds the menus on ``window`` (a QMainWindow with the slots named below) and keeps
    the actions whose state changes: ``openModelAction``, ``recentMenu``, ``saveModelAction``,
    ``saveModelAsAction``, ``openSessionAction``, ``saveSessionAction``, ``openImageAction``,
    ``randomSampleAction``, ``trainAction``, ``stopAction``, ``resetAction`` and
    ``languageGroup``."""

    def __init__(self, window, language: str) -> None:
        super().__init__(window)
        self._window = window
        self._texts: list = []  # the menus and actions named in _TEXTS, for retranslate()
        keys = QKeySequence.StandardKey
        bar = window.menuBar()
        menu = self._menu(bar, "fileMenu")
        self.openModelAction = self._add(menu, "openModelAction", window.open_model_dialog,
                                         keys.Open)
        self.recentMenu = self._menu(menu, "recentMenu")
        self.recentMenu.aboutToShow.connect(self.fill_recent_menu)
        self.saveModelAction = self._add(menu, "saveModelAction", window.save_model_clicked,
                                         keys.Save)
        self.saveModelAsAction = self._add(menu, "saveModelAsAction",
                                           window.save_model_as_dialog, keys.SaveAs)
        menu.addSeparator()
        self.openSessionAction = self._add(menu, "openSessionAction", window.open_session_dialog)
        self.saveSessionAction = self._add(menu, "saveSessionAction", window.save_session_dialog)
        menu.addSeparator()
        self.openImageAction = self._add(menu, "openImageAction", window.open_image_dialog,
                                         self.tr("Ctrl+I"))
        self.randomSampleAction = self._add(menu, "randomSampleAction",
                                            window.show_random_sample, self.tr("Ctrl+T"))
        menu.addSeparator()
        self._add(menu, "quitAction", window.quit_clicked, keys.Quit)

        edit = self._menu(bar, "editMenu")
        edit.addAction(window.layerEditor.undo_action(window))
        edit.addAction(window.layerEditor.redo_action(window))
        edit.addSeparator()
        self._add(edit, "clearDrawingAction", window.drawCanvas.clear)

        train = self._menu(bar, "trainingMenu")
        self.trainAction = self._add(train, "trainAction", window.train_clicked,
                                     self.tr("Ctrl+Return"))
        self.stopAction = self._add(train, "stopAction", window.stop_training, self.tr("Ctrl+."))
        self.resetAction = self._add(train, "resetAction", window.reset_weights)

        self.languageGroup = QActionGroup(self)
        languages = self._menu(bar, "languageMenu")
        for code, name in LANGUAGES.items():  # each language named in itself
            action = QAction(name, window, checkable=True, checked=code == language)
            action.setData(code)
            action.setObjectName(f"language_{code}")
            self.languageGroup.addAction(action)
            languages.addAction(action)

        help_menu = self._menu(bar, "helpMenu")
        self._add(help_menu, "userGuideAction", lambda: window.show_user_guide(),
                  keys.HelpContents)
        self._add(help_menu, "shortcutsAction", window.show_shortcuts, self.tr("Ctrl+/"))
        self._add(help_menu, "showGuideAction", window.show_guide)
        help_menu.addSeparator()
        self._add(help_menu, "aboutAction", window.about)

    def retranslate(self) -> None:
        """Every menu and entry in the application's language (after a switch; the recent
        files' menu is filled, in the language then, each time it opens)."""
        for item in self._texts:
            text = self.tr(_TEXTS[item.objectName()])
            if isinstance(item, QAction):
                item.setText(text)
            else:
                item.setTitle(text)

    def _menu(self, parent, name: str):
        menu = parent.addMenu(self.tr(_TEXTS[name]))
        menu.setObjectName(name)
        self._texts.append(menu)
        return menu

    def _add(self, menu, name: str, slot, shortcut=None) -> QAction:
        """A menu entry: ``shortcut`` is a QKeySequence.StandardKey or a (translated) key text."""
        action = QAction(self.tr(_TEXTS[name]), self._window)
        self._texts.append(action)
        action.setObjectName(name)
        if isinstance(shortcut, QKeySequence.StandardKey):
            # Some platforms bind no key to a standard action (Windows: Quit, Save As).
            action.setShortcuts(QKeySequence.keyBindings(shortcut)
                                or [QKeySequence(_STANDARD_FALLBACK[shortcut])])
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def fill_recent_menu(self) -> None:
        menu, files = self.recentMenu, self._window.files
        menu.clear()
        paths = files.recent.paths()
        for path in paths:
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self._open_recent(p))
        if not paths:
            menu.addAction(self.tr("(no recent models)")).setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction(self.tr("Clear list"), files.recent.clear)

    def _open_recent(self, path: str) -> None:
        if self._window._may_discard():  # noqa: SLF001 - the window's unsaved-work question
            self._window.open_model(path)


# The Lessons menu's entries without a shortcut (a list of lessons, like the languages).
from dense_studio.ui.lessons.bundled import WITHOUT_SHORTCUT as _LESSON_ENTRIES  # noqa: E402

WITHOUT_SHORTCUT |= _LESSON_ENTRIES
