"""Where the lesson panel goes: a dock at the right, or a tab of the middle column.

A dock beside three columns needs room: at 1024 px the columns alone take about 910, so
a narrow window shows the lesson as the first tab of ``centerTabs`` instead (and the
window keeps its minimum size). The panel moves when the window is resized across
:data:`DOCK_WIDTH` more than the columns need (with some slack, so it does not flicker).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDockWidget

__all__ = ["PanelPlacement", "DOCK_WIDTH"]

#: The room the dock needs beside the window's columns to be worth it.
DOCK_WIDTH = 260
_SLACK = 40


class PanelPlacement(QObject):
    """``show()`` / ``hide()`` the lesson ``panel`` in ``window``; ``dock`` is its dock."""

    def __init__(self, window, panel) -> None:
        super().__init__(window)
        self._window, self._panel = window, panel
        self._shown = False
        self._title = ""
        self.dock = QDockWidget(window)
        self.dock.setObjectName("lessonDock")
        # Left only through "Leave lesson": a closed dock would keep its locks unexplained.
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        window.installEventFilter(self)

    @property
    def docked(self) -> bool:
        return self._shown and self.dock.widget() is self._panel

    def is_shown(self) -> bool:
        return self._shown

    def show(self) -> None:
        self._shown = True
        self._place(self._wide(), select=True)

    def hide(self) -> None:
        self._shown = False
        self.dock.hide()
        self._remove_tab()

    def set_title(self, title: str) -> None:
        self._title = title
        self.dock.setWindowTitle(title)
        tabs = self._tabs()
        if tabs is not None and tabs.indexOf(self._panel) >= 0:
            tabs.setTabText(tabs.indexOf(self._panel), title)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if self._shown and event.type() == QEvent.Type.Resize:
            wide = self._wide(slack=0 if self.docked else _SLACK)
            if wide != self.docked:
                self._place(wide)
        return False

    def _tabs(self):
        return getattr(self._window, "centerTabs", None)

    def _wide(self, slack: int = 0) -> bool:
        tabs = self._tabs()
        if tabs is None:
            return True
        window = self._window
        if self.docked and window.width() <= window.minimumSizeHint().width():
            # Narrowed as far as the dock lets it: the person wants it narrower still.
            return False
        needed = window.centralWidget().minimumSizeHint().width() + DOCK_WIDTH + slack
        if not self.docked:  # docking must not make the window wider than it is
            needed = max(needed, window.minimumSizeHint().width() + DOCK_WIDTH + slack)
        return window.width() >= needed

    def _place(self, wide: bool, select: bool = False) -> None:
        if wide:
            self._remove_tab()
            self.dock.setWidget(self._panel)
            self.dock.show()
            self.dock.raise_()
            return
        self.dock.hide()
        tabs = self._tabs()
        if tabs.indexOf(self._panel) < 0:
            self.dock.setWidget(None)
            tabs.insertTab(0, self._panel, self._title)
            select = True
        if select:
            tabs.setCurrentWidget(self._panel)

    def _remove_tab(self) -> None:
        tabs = self._tabs()
        if tabs is not None and (index := tabs.indexOf(self._panel)) >= 0:
            tabs.removeTab(index)
