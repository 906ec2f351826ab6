"""Reading a file off the GUI thread while the window stays live and says it is busy.

``run_busy(func, *args)`` runs ``func`` in a plain Python thread and, until it returns,
keeps the GUI thread in a local event loop (as a modal dialog does): the window repaints,
timers and training progress go on, and a wait cursor shows that something is being
opened. The caller gets ``func``'s result, or the exception it raised, as if it had called
it directly, so ``window.open_model(path)`` can still answer True or False.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication

__all__ = ["run_busy", "Busy"]


class _Done(QObject):
    done = Signal()


class Busy(QObject):
    """The window's busy state: ``is_busy`` while a file is read; ``changed(bool)``."""

    changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.is_busy = False

    def run(self, func, *args):
        """``func(*args)`` in a thread; its result (or its exception, raised here)."""
        if self.is_busy:
            raise RuntimeError("already reading a file")
        self.is_busy = True
        self.changed.emit(True)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return run_busy(func, *args)
        finally:
            QGuiApplication.restoreOverrideCursor()
            self.is_busy = False
            self.changed.emit(False)


def run_busy(func, *args):
    """``func(*args)`` in a thread, with the GUI thread's events handled meanwhile."""
    outcome: dict = {}
    notifier = _Done()
    loop = QEventLoop()
    notifier.done.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

    def work() -> None:
        try:
            outcome["value"] = func(*args)
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            outcome["error"] = error
        finally:
            notifier.done.emit()

    thread = threading.Thread(target=work, name="read file", daemon=True)
    thread.start()
    # User input is kept for later (no second open while this one runs); painting, timers
    # and the training worker's signals are handled.
    loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
