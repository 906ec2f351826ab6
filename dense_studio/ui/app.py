"""Starting the window: application names, translation, and a launch-time probe.

``prepare_application(app)`` is the start-up step: call it once the QApplication exists
and before the window is made (it is idempotent). It gives the application its names (for
QSettings and the window manager), its icon and installs the translation chosen by
``DENSE_STUDIO_LANG``, the saved choice or the system. Widgets install nothing themselves.

With ``DENSE_STUDIO_REPORT_SHOWN=1`` the window prints ``dense-studio: shown <unix time>``
on stderr once its first frame is on screen; ``benchmarks/bench_gui.py`` uses that to time
the launch from the outside.

``freeze_startup_objects()`` takes what start-up made (modules, classes, the window's widgets)
out of Python's cyclic garbage collector, once per process, after the first frame.
"""

from __future__ import annotations

import gc
import sys
import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from dense_studio.ui import i18n
from dense_studio.ui.color_scheme import follow_system
from dense_studio.ui.help.identity import apply_app_identity
from dense_studio.ui.settings import ORGANIZATION, open_settings, read_setting

__all__ = ["prepare_application", "choose_language", "FirstFrame", "REPORT_SHOWN_ENV",
           "freeze_startup_objects"]

REPORT_SHOWN_ENV = "DENSE_STUDIO_REPORT_SHOWN"
LANGUAGE_ENV = i18n.LANGUAGE_ENV
_prepared: set[int] = set()
_frozen = False


def choose_language() -> str:
    """DENSE_STUDIO_LANG, else the saved choice, else the system's, else English."""
    return i18n.choose_language(read_setting(open_settings(), "language"))


def prepare_application(app: QCoreApplication | None = None) -> None:
    """Names (for QSettings and the window manager) and the translation; once per app."""
    app = app or QCoreApplication.instance()
    if app is None or id(app) in _prepared:
        return
    _prepared.add(id(app))
    if not app.organizationName():
        app.setOrganizationName(ORGANIZATION)
    if app.applicationName() in ("", "python", "python3") or app.applicationName().startswith("python"):
        app.setApplicationName("Dense Studio")
    if isinstance(app, QApplication):
        app.setApplicationDisplayName("Dense Studio")
        apply_app_identity(app)  # window icon, and the launcher's name for the desktop
        follow_system(app)  # light or dark, as the system (or DENSE_STUDIO_COLOR_SCHEME)
    i18n.apply_language(app, choose_language())


class FirstFrame(QObject):
    """Emits ``shown`` once the window's first frame is on screen (exposed and painted).

    With ``report`` it also prints ``dense-studio: shown <unix time>`` on stderr, for the
    launch benchmark.
    """

    shown = Signal()

    def __init__(self, window, report: bool = False) -> None:
        super().__init__(window)
        self._done = False
        self._report = report
        handle = window.windowHandle()
        if handle is not None:
            handle.installEventFilter(self)
            if handle.isExposed():
                self._exposed()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if not self._done and event.type() == QEvent.Type.Expose and watched.isExposed():
            self._exposed()
        return False

    def _exposed(self) -> None:
        self._done = True
        # The expose is painted right after this filter returns; report once that is done.
        QTimer.singleShot(0, self, self._emit)

    def _emit(self) -> None:
        if self._report:
            print(f"dense-studio: shown {time.time():.6f}", file=sys.stderr, flush=True)
        self.shown.emit()


def freeze_startup_objects() -> bool:
    """``gc.freeze()``, the first time only (True then). The collector's first full pass
    through everything start-up made took about 100 ms, holding the GIL, a moment into the
    first run: the window stalled and training waited. Those objects live as long as the
    process; frozen, they are never scanned again (reference counting still frees them)."""
    global _frozen
    if _frozen:
        return False
    _frozen = True
    gc.freeze()
    return True
