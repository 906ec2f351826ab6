"""Presenter mode (View → Presenter mode, F5): the window for a projector.

Full screen, the text larger (a zoom boost on top of the person's zoom, as large as the
screen allows up to :data:`PRESENTER_BOOST`), the editing panels (network, training) out of
the way, and one big view at a time, cycled with one key (Page Down / Ctrl+Tab forward,
Page Up / Ctrl+Shift+Tab back, 1–6 straight to one):

1. the canvas beside the prediction bars, both as large as the screen allows;
2. the learning curves; 3–6. the Inside views (layer math, weight images, network diagram,
   test results).

Esc (or F5 again) leaves it, and the window comes back exactly as it was: its geometry
and state (full screen, maximised), the splitters, the tabs and the zoom. The panels are
moved, not copied: the same widgets, the same session.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QSplitter, QStackedWidget, QWidget

__all__ = ["Presenter", "PRESENTER_BOOST", "VIEWS"]

#: The largest zoom boost presenter mode gives (times the person's zoom); less when the
#: screen is too small for the views at that size.
PRESENTER_BOOST = 2.0
_BOOSTS = (2.0, 1.8, 1.6, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0)
#: The big views, in the order the keys cycle through them.
VIEWS = ("drawing", "curves", "layerMath", "weightImages", "networkDiagram", "testResults")


class _Saved:
    """What presenter mode changes, as it was before."""

    def __init__(self, window) -> None:
        self.geometry: QByteArray = window.saveGeometry()
        self.rect = window.geometry()
        self.state = window.windowState()
        self.splitters = [s.saveState() for s in window.layout_.splitters]
        self.center_tab = window.centerTabs.currentIndex()
        self.inside_tab = window.insidePanel.tabs.currentIndex()
        focus = window.focusWidget()
        self.focus: QWidget | None = focus


class Presenter(QObject):
    """Enters and leaves presenter mode on ``window``; ``toggled(bool)`` after each."""

    toggled = Signal(bool)
    viewChanged = Signal(str)

    def __init__(self, window, zoom) -> None:
        super().__init__(window)
        self._window = window
        self._zoom = zoom
        self._saved: _Saved | None = None
        self._view = 0
        self.stage = QStackedWidget()
        self.stage.setObjectName("presenterStage")
        self.drawingSplitter = QSplitter(Qt.Orientation.Horizontal)
        self.drawingSplitter.setObjectName("presenterDrawingSplitter")
        self.drawingSplitter.setChildrenCollapsible(False)
        self.stage.addWidget(self.drawingSplitter)
        self._leave_key = QShortcut(QKeySequence("Esc"), window)
        self._leave_key.setObjectName("presenterLeaveShortcut")
        self._leave_key.activated.connect(self.leave)
        self._view_keys = []
        for number in range(1, len(VIEWS) + 1):
            key = QShortcut(QKeySequence(str(number)), window)
            key.activated.connect(lambda n=number: self.show_view(n - 1))
            self._view_keys.append(key)
        self._enable_keys(False)

    # ----------------------------------------------------------------- state
    @property
    def active(self) -> bool:
        return self._saved is not None

    def view(self) -> str:
        """The big view shown (one of :data:`VIEWS`), or "" outside presenter mode."""
        return VIEWS[self._view] if self.active else ""

    def boost(self) -> float:
        return self._zoom.effective() / self._zoom.factor()

    def toggle(self, on: bool | None = None) -> None:
        on = not self.active if on is None else bool(on)
        self.enter() if on else self.leave()

    # ----------------------------------------------------------------- entering, leaving
    def enter(self) -> None:
        if self.active:
            return
        window, layout = self._window, self._window.layout_
        self._saved = _Saved(window)
        if layout.narrow is not None:
            layout.narrow.frozen = True  # the panels are arranged here meanwhile
        window.takeCentralWidget().hide()  # the normal arrangement (mainSplitter), kept
        window.setCentralWidget(self.stage)
        self.drawingSplitter.addWidget(window.drawPanel)
        self.drawingSplitter.addWidget(window.predictPanel)
        self.drawingSplitter.setStretchFactor(0, 1)
        self.drawingSplitter.setStretchFactor(1, 1)
        tabs = window.centerTabs
        self.stage.addWidget(tabs)
        for column in (window.leftSplitter, window.rightSplitter):  # moved there if narrow
            if (index := tabs.indexOf(column)) >= 0:
                tabs.setTabVisible(index, False)
        for widget in (self.stage, window.drawPanel, window.predictPanel):
            widget.show()  # (the tabs are the stage's other page: it shows them when asked)
        window.drawPanel.canvasKeys.set_escape(False)  # Esc leaves presenter mode
        self._enable_keys(True)
        self.show_view(0)
        window.showFullScreen()
        self._fit_boost()
        self.toggled.emit(True)

    def leave(self) -> None:
        if not self.active:
            return
        saved, self._saved = self._saved, None
        window, layout = self._window, self._window.layout_
        self._enable_keys(False)
        window.takeCentralWidget()  # the stage, kept for next time
        self.stage.setParent(None)
        right, tabs = window.rightSplitter, window.centerTabs
        right.insertWidget(0, window.drawPanel)
        right.insertWidget(1, window.predictPanel)
        window.mainSplitter.insertWidget(1, tabs)
        for column in (window.leftSplitter, right):
            if (index := tabs.indexOf(column)) >= 0:
                tabs.setTabVisible(index, True)
        window.setCentralWidget(window.mainSplitter)
        for widget in (window.mainSplitter, tabs, window.drawPanel, window.predictPanel):
            widget.show()  # (the stage's pages were hidden by it)
        self._zoom.set_boost(1.0)
        window.drawPanel.canvasKeys.set_escape(True)
        window.setWindowState(saved.state)
        if saved.state & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            window.restoreGeometry(saved.geometry)
        else:  # exactly where it was (restoreGeometry would fit it to the screen)
            window.setGeometry(saved.rect)
        # The splitters at their sizes again before their states go back in (a state is
        # sizes, shared out anew over a splitter of another size).
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        window.layout().activate()
        for splitter, state in zip(layout.splitters, saved.splitters):
            orientation = splitter.orientation()
            splitter.restoreState(state)
            splitter.setOrientation(orientation)
        tabs.setCurrentIndex(saved.center_tab)
        window.insidePanel.tabs.setCurrentIndex(saved.inside_tab)
        if layout.narrow is not None:
            layout.narrow.frozen = False
        if saved.focus is not None and saved.focus.isVisible():
            saved.focus.setFocus()
        self.toggled.emit(False)

    # ----------------------------------------------------------------- the big views
    def show_view(self, index: int) -> None:
        if not self.active:
            return
        self._view = index % len(VIEWS)
        name = VIEWS[self._view]
        window = self._window
        if name == "drawing":
            self.stage.setCurrentWidget(self.drawingSplitter)
            window.drawCanvas.setFocus()
        else:
            self.stage.setCurrentWidget(window.centerTabs)
            if name == "curves":
                window.centerTabs.show_curves()
            else:
                window.centerTabs.show_inside()
                inside = window.insidePanel
                inside.tabs.setCurrentIndex(VIEWS.index(name) - VIEWS.index("layerMath"))
            window.centerTabs.currentWidget().setFocus()
        self.viewChanged.emit(name)

    def next_view(self) -> None:
        self.show_view(self._view + 1)

    def previous_view(self) -> None:
        self.show_view(self._view - 1)

    def _enable_keys(self, enabled: bool) -> None:
        self._leave_key.setEnabled(enabled)
        for key in self._view_keys:
            key.setEnabled(enabled)

    def _fit_boost(self) -> None:
        """The largest boost at which the big views fit the screen."""
        screen = self._window.screen()
        room = screen.geometry().size() if screen is not None else None
        for boost in _BOOSTS:
            self._zoom.set_boost(boost)
            # The layouts learn their children's new minimums from posted requests.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            need = self._window.minimumSizeHint()
            if room is None or (need.width() <= room.width() and need.height() <= room.height()):
                return
