"""Fixtures for the window tests: offscreen Qt, private settings, and no leaked threads.

* Qt runs on the offscreen platform unless a test sets its own display.
* The first-run guide stays away (``DENSE_STUDIO_NO_GUIDE=1``): while it shows, its Esc skips
  the guide instead of clearing the canvas. Its own tests remove the variable.
* QSettings (INI format, which the window always uses) is redirected to a temporary folder
  for the whole session, so no test reads or writes the real user's settings.
* ``_no_dangling_threads`` (autouse, as in napari's test suite) fails a test that leaves a
  Python thread, a started QThread or a QThreadPool job running after it ends, with a short
  grace period for threads that are just finishing. A window closed while training must
  have stopped its worker by then.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
import weakref

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DENSE_STUDIO_NO_GUIDE", "1")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QThread, QThreadPool  # noqa: E402

GRACE_SECONDS = 2.0


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(tmp_path_factory):
    """Every QSettings the code can open, and the data folder (autosave's recovery files),
    live in a temporary folder."""
    folder = tmp_path_factory.mktemp("qsettings")
    previous = {name: os.environ.get(name) for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME")}
    os.environ["XDG_CONFIG_HOME"] = str(folder / "xdg")
    os.environ["XDG_DATA_HOME"] = str(folder / "xdg-data")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(folder / scope.name))
    yield folder
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def settings(tmp_path) -> QSettings:
    """A settings file of this test's own (for tests that compare two windows)."""
    return QSettings(str(tmp_path / "dense-studio.ini"), QSettings.Format.IniFormat)


def _python_threads() -> set[threading.Thread]:
    # Threads Python did not start (Qt's pool threads running Python code) show up as
    # _DummyThread forever and always look alive; they are checked through Qt instead.
    return {
        t for t in threading.enumerate()
        if t.is_alive() and not isinstance(t, threading._DummyThread)  # noqa: SLF001
    }


@pytest.fixture(autouse=True)
def _no_dangling_threads(qapp, monkeypatch):
    started: "weakref.WeakKeyDictionary[QThread, str]" = weakref.WeakKeyDictionary()
    original_start = QThread.start

    def start_and_remember(self, *args, **kwargs):
        started[self] = "".join(traceback.format_stack(limit=8))
        return original_start(self, *args, **kwargs)

    monkeypatch.setattr(QThread, "start", start_and_remember)
    before = _python_threads()
    pool = QThreadPool.globalInstance()
    yield

    deadline = time.monotonic() + GRACE_SECONDS
    while True:
        qapp.processEvents()
        new_threads = [t for t in _python_threads() - before if t.is_alive()]
        running_qthreads = []
        for thread, where in list(started.items()):
            try:
                if thread.isRunning():
                    running_qthreads.append(where)
            except RuntimeError:  # already deleted on the C++ side: not running
                pass
        active_jobs = pool.activeThreadCount()
        if not (new_threads or running_qthreads or active_jobs):
            return
        if time.monotonic() > deadline:
            break
        pool.waitForDone(50)
        time.sleep(0.01)
    problems = []
    if new_threads:
        problems.append(f"Python threads still running: {[t.name for t in new_threads]}")
    if active_jobs:
        problems.append(f"{active_jobs} QThreadPool job(s) still running")
    for where in running_qthreads:
        problems.append(f"QThread still running, started at:\n{where}")
    pytest.fail("the test left threads running:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def _english(qapp):
    """The translation start-up installs (``app.prepare_application``): English, whose
    table holds its plural forms ("1 epoch", "5 epochs")."""
    from dense_studio.ui import i18n

    i18n.apply_language(qapp, "en")
    yield
