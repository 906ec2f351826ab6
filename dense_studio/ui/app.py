"""Starting the window: application names, translation, and a launch-time probe.

``run()`` is the whole app (the ``dense-studio`` command without arguments can call it);
``prepare_application()`` is idempotent and also called by ``MainWindow`` itself, so the
window gets its names and translation however it was started (tests, the CLI, a notebook).

With ``DENSE_STUDIO_REPORT_SHOWN=1`` the window prints ``dense-studio: shown <unix time>``
on stderr once its first frame is on screen; ``benchmarks/bench_gui.py`` uses that to time
the launch from the outside.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from dense_studio.ui.settings import ORGANIZATION, open_settings, read_str

__all__ = ["run", "prepare_application", "choose_language", "FirstFrame", "REPORT_SHOWN_ENV"]

REPORT_SHOWN_ENV = "DENSE_STUDIO_REPORT_SHOWN"
LANGUAGE_ENV = "DENSE_STUDIO_LANG"
_prepared: set[int] = set()


def _i18n():
    """The translation module, or None where it is not installed (English only)."""
    try:
        from dense_studio.ui import i18n
    except ImportError:
        return None
    return i18n


def choose_language() -> str:
    """DENSE_STUDIO_LANG, else the saved choice, else the system's (zh_TW for Traditional
    Chinese locales), else English."""
    i18n = _i18n()
    if i18n is None:
        return "en"
    wanted = os.environ.get(LANGUAGE_ENV) or read_str(open_settings(), "ui/language", "")
    if wanted in i18n.LANGUAGES:
        return wanted
    locale = QLocale.system()
    if locale.language() == QLocale.Language.Chinese and locale.script() in (
        QLocale.Script.TraditionalHanScript,
    ) or locale.name() in ("zh_TW", "zh_HK", "zh_MO"):
        return "zh_TW"
    return "en"


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
    i18n = _i18n()
    if i18n is not None:
        i18n.install_translator(app, choose_language())


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


def run(argv: list[str] | None = None) -> int:
    """Open the window and run until it is closed; the exit code of the event loop."""
    argv = list(sys.argv if argv is None else argv) or ["dense-studio"]
    app = QApplication.instance() or QApplication(argv)
    prepare_application(app)
    from dense_studio.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    return int(app.exec())
