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
        keys = QKeySequence.StandardKey
        bar = window.menuBar()
        menu = bar.addMenu(self.tr("&File"))
        self.openModelAction = self._add(menu, "openModelAction", self.tr("&Open model…"),
                                         window.open_model_dialog, keys.Open)
        self.recentMenu = menu.addMenu(self.tr("Open &recent"))
        self.recentMenu.setObjectName("recentMenu")
        self.recentMenu.aboutToShow.connect(self.fill_recent_menu)
        self.saveModelAction = self._add(menu, "saveModelAction", self.tr("&Save model"),
                                         window.save_model_clicked, keys.Save)
        self.saveModelAsAction = self._add(menu, "saveModelAsAction",
                                           self.tr("Save model &as…"),
                                           window.save_model_as_dialog, keys.SaveAs)
        menu.addSeparator()
        self.openSessionAction = self._add(menu, "openSessionAction",
                                           self.tr("Open s&ession…"), window.open_session_dialog)
        self.saveSessionAction = self._add(menu, "saveSessionAction",
                                           self.tr("Save sessio&n…"), window.save_session_dialog)
        menu.addSeparator()
        self.openImageAction = self._add(menu, "openImageAction", self.tr("Open &image…"),
                                         window.open_image_dialog, self.tr("Ctrl+I"))
        self.randomSampleAction = self._add(menu, "randomSampleAction",
                                            self.tr("Random &test sample"),
                                            window.show_random_sample, self.tr("Ctrl+T"))
        menu.addSeparator()
        self._add(menu, "quitAction", self.tr("&Quit"), window.close, keys.Quit)

        edit = bar.addMenu(self.tr("&Edit"))
        edit.addAction(window.layerEditor.undo_action(window))
        edit.addAction(window.layerEditor.redo_action(window))
        edit.addSeparator()
        self._add(edit, "clearDrawingAction", self.tr("&Clear drawing"),
                  window.drawCanvas.clear)

        train = bar.addMenu(self.tr("&Training"))
        self.trainAction = self._add(train, "trainAction", self.tr("&Start training"),
                                     window.train_clicked, self.tr("Ctrl+Return"))
        self.stopAction = self._add(train, "stopAction", self.tr("S&top"),
                                    window.stop_training, self.tr("Ctrl+."))
        self.resetAction = self._add(train, "resetAction", self.tr("&Reset weights"),
                                     window.reset_weights)

        self.languageGroup = QActionGroup(self)
        languages = bar.addMenu(self.tr("&Language"))
        for code, name in LANGUAGES.items():  # each language named in itself
            action = QAction(name, window, checkable=True, checked=code == language)
            action.setData(code)
            action.setObjectName(f"language_{code}")
            self.languageGroup.addAction(action)
            languages.addAction(action)

        help_menu = bar.addMenu(self.tr("&Help"))
        self._add(help_menu, "userGuideAction", self.tr("&User guide"),
                  lambda: window.show_user_guide(), keys.HelpContents)
        self._add(help_menu, "shortcutsAction", self.tr("&Keyboard shortcuts"),
                  window.show_shortcuts, self.tr("Ctrl+/"))
        self._add(help_menu, "showGuideAction", self.tr("Show &guide"), window.show_guide)
        help_menu.addSeparator()
        self._add(help_menu, "aboutAction", self.tr("&About Dense Studio"), window.about)

    def _add(self, menu, name: str, text: str, slot, shortcut=None) -> QAction:
        """A menu entry: ``shortcut`` is a QKeySequence.StandardKey or a (translated) key text."""
        action = QAction(text, self._window)
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
            action.triggered.connect(lambda _checked=False, p=path: self._window.open_model(p))
        if not paths:
            menu.addAction(self.tr("(no recent models)")).setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction(self.tr("Clear list"), files.recent.clear)


from dense_studio.ui.lessons.bundled import WITHOUT_SHORTCUT as _LESSONS; WITHOUT_SHORTCUT |= _LESSONS  # noqa: E402,E702
