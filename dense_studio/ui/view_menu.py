"""The View menu: Zoom In / Zoom Out / Reset Zoom and Presenter mode, before Help.

Actions (objectNames, also window attributes): ``zoomInAction`` (Ctrl++, also Ctrl+=),
``zoomOutAction`` (Ctrl+-), ``zoomResetAction`` (Ctrl+0), ``presenterAction`` (F5,
checkable), and presenter mode's ``presenterNextAction`` (Page Down, Ctrl+Tab) and
``presenterPreviousAction`` (Page Up, Ctrl+Shift+Tab), enabled while it is on. The actions
belong to the window as well as to the menu, so their keys work with the menu bar hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from dense_studio.ui.presenter import Presenter
from dense_studio.ui.zoom import Zoom

__all__ = ["ViewMenu", "ACTION_NAMES"]

ACTION_NAMES = ("zoomInAction", "zoomOutAction", "zoomResetAction", "presenterAction",
                "presenterNextAction", "presenterPreviousAction")


class ViewMenu(QObject):
    """Builds the View menu on ``window`` and its ``zoom`` and ``presenter``; sets
    ``window.zoom``, ``window.presenter`` and the actions named in :data:`ACTION_NAMES`."""

    def __init__(self, window, settings) -> None:
        super().__init__(window)
        self._window = window
        self.zoom = Zoom(window, settings)
        self.presenter = Presenter(window, self.zoom)
        keys = QKeySequence.StandardKey
        self.menu = QMenu(window)
        self.menu.setObjectName("viewMenu")
        self.zoomInAction = self._add("zoomInAction", self.zoom.zoom_in,
                                      [*QKeySequence.keyBindings(keys.ZoomIn),
                                       QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        self.zoomOutAction = self._add("zoomOutAction", self.zoom.zoom_out,
                                       [*QKeySequence.keyBindings(keys.ZoomOut),
                                        QKeySequence("Ctrl+-")])
        self.zoomResetAction = self._add("zoomResetAction", self.zoom.reset,
                                         [QKeySequence("Ctrl+0")])
        self.menu.addSeparator()
        self.presenterAction = self._add("presenterAction", self.presenter.toggle,
                                         [QKeySequence("F5")], checkable=True)
        self.presenterNextAction = self._add(
            "presenterNextAction", self.presenter.next_view,
            [QKeySequence("PgDown"), QKeySequence("Ctrl+Tab")])
        self.presenterPreviousAction = self._add(
            "presenterPreviousAction", self.presenter.previous_view,
            [QKeySequence("PgUp"), QKeySequence("Ctrl+Shift+Tab")])
        self.presenter.toggled.connect(self._presenting)
        self._presenting(False)
        bar = window.menuBar()
        bar.insertMenu(self._help_menu_action(bar), self.menu)
        for name in ACTION_NAMES:
            setattr(window, name, getattr(self, name))
        window.zoom, window.presenter = self.zoom, self.presenter
        self.menu.installEventFilter(self)
        self.retranslate()

    def _add(self, name: str, slot, shortcuts, checkable: bool = False) -> QAction:
        action = QAction(self._window, checkable=checkable)
        action.setObjectName(name)
        unique = []
        for key in shortcuts:  # the platform's binding first, without repeats
            if not key.isEmpty() and key not in unique:
                unique.append(key)
        action.setShortcuts(unique)
        if checkable:
            action.toggled.connect(slot)
        else:
            action.triggered.connect(slot)
        self.menu.addAction(action)
        self._window.addAction(action)  # keys work with the menu bar hidden too
        return action

    @staticmethod
    def _help_menu_action(bar):
        for action in bar.actions():
            menu = action.menu()
            if menu is not None and any(a.objectName() == "userGuideAction"
                                        for a in menu.actions()):
                return action
        return None  # no Help menu: View goes last

    def _presenting(self, on: bool) -> None:
        if self.presenterAction.isChecked() != on:
            self.presenterAction.setChecked(on)  # Esc left it: the check mark follows
        self.presenterNextAction.setEnabled(on)
        self.presenterPreviousAction.setEnabled(on)

    def retranslate(self) -> None:
        """The menu's texts in the window's language (again on a LanguageChange)."""
        self.menu.setTitle(self.tr("Vie&w"))
        self.zoomInAction.setText(self.tr("Zoom &In"))
        self.zoomInAction.setStatusTip(self.tr("Larger text, plots and canvas"))
        self.zoomOutAction.setText(self.tr("Zoom &Out"))
        self.zoomOutAction.setStatusTip(self.tr("Smaller text, plots and canvas"))
        self.zoomResetAction.setText(self.tr("&Reset Zoom"))
        self.zoomResetAction.setStatusTip(self.tr("Text at the system's size"))
        self.presenterAction.setText(self.tr("&Presenter mode"))
        self.presenterAction.setStatusTip(self.tr(
            "Full screen, large type, one big view at a time for a projector; Esc leaves it"))
        self.presenterNextAction.setText(self.tr("&Next view (presenter mode)"))
        self.presenterPreviousAction.setText(self.tr("Pre&vious view (presenter mode)"))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False
