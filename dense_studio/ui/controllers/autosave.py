"""Autosave and crash recovery: the session is never lost.

While the session has unsaved work it is written to a recovery file in the user's data
folder (``QStandardPaths.AppDataLocation``): right after each epoch, and otherwise at most
every 30 s while something changes. A clean quit (or saving the session) removes the file;
a crash or a kill leaves it, and the next start offers to restore it.

The GUI thread only takes a snapshot (``Session.to_data`` with the weights copied: a few
milliseconds); encoding and writing (atomically, ``files.atomic``) happen in a plain Python
thread, one write at a time, the newest snapshot winning.

Several windows, processes or lab machines on one account each write a file of their own,
``recovery-<host>-<pid>-<random>.dssession``, held by a ``QLockFile`` beside it. A
recovery file is offered only when its lock can be taken: its process is gone (same host,
pid no longer running). A lock is never broken by age, so an instance on another machine
sharing the home folder keeps its file.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, Qt, QTimer, Signal

from dense_studio.errors import DenseStudioError, one_line
from dense_studio.files import session_file
from dense_studio.files.session_file import SessionData
from dense_studio.ui.settings import APPLICATION, ORGANIZATION

__all__ = ["Autosave", "RecoveryFolder", "snapshot", "AUTOSAVE_INTERVAL_MS",
           "recovery_folder"]

log = logging.getLogger(__name__)

AUTOSAVE_INTERVAL_MS = 30_000
_PREFIX = "recovery-"
_LOCK_SUFFIX = ".lock"
#: What the session says when it changes in a way worth a recovery file (not the
#: per-batch progress: an epoch end saves at once).
_CHANGES = ("layers", "settings", "dataset_name", "runs", "canvas", "model", "drawings")


def recovery_folder() -> Path:
    """The user's data folder for Dense Studio (created if missing): AppDataLocation's
    layout (``<data>/DenseStudio/dense-studio``) for the app's own names, whatever the
    launcher named the process (``dense-studio``, ``python -m dense_studio`` and a script
    must all find the same files); on Windows the local, not the roaming, data folder."""
    generic = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    folder = Path(generic) / ORGANIZATION / APPLICATION
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _FrozenWeights:
    """Stands in for the model in a snapshot: only what ``write_session`` asks of it."""

    def __init__(self, weights: list) -> None:
        self._weights = weights

    def get_weights(self) -> list:
        return self._weights


def snapshot(session) -> SessionData:
    """The session as a file would store it, safe to write from another thread: the
    weights and the canvas are copies (the run rows already are, see ``RunRecord``)."""
    data = session.to_data()
    model = data.model
    if model is not None:
        model = dataclasses.replace(model, model=_FrozenWeights(model.model.get_weights()))
    canvas = None if data.canvas is None else data.canvas.copy()
    return dataclasses.replace(data, model=model, canvas=canvas)


class RecoveryFolder:
    """The recovery files in ``folder``: this instance's own, and those left by instances
    that are gone (:meth:`orphans`, each claimed by taking its lock)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        token = f"{_host()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.path = self.folder / f"{_PREFIX}{token}{session_file.SUFFIX}"
        self._own_lock = _lock(self.path)
        if not self._own_lock.tryLock(0):
            raise DenseStudioError(f"cannot lock {self.path}")
        self._claimed: dict[Path, QLockFile] = {}

    def orphans(self) -> list[Path]:
        """Recovery files whose instance is gone, newest first; each is claimed (its lock
        held by this instance) so that no other new instance offers it too."""
        found = []
        for path in self.folder.glob(f"{_PREFIX}*{session_file.SUFFIX}"):
            if path == self.path or not path.is_file():
                continue
            if path not in self._claimed:
                lock = _lock(path)
                if not lock.tryLock(0):
                    continue  # a live instance's file
                self._claimed[path] = lock
            found.append(path)
        return sorted(found, key=_mtime, reverse=True)

    def discard(self, path: Path) -> None:
        """Remove a claimed recovery file and its lock."""
        _remove(path)
        self.release(path)

    def adopt(self, path: Path) -> None:
        """A claimed recovery file becomes this instance's own (it was restored)."""
        os.replace(path, self.path)
        self.release(path)

    def release(self, path: Path) -> None:
        lock = self._claimed.pop(path, None)
        if lock is not None:
            lock.unlock()

    def close(self, remove: bool) -> None:
        """Let go of every lock; ``remove``: delete this instance's file too (clean quit)."""
        if remove:
            _remove(self.path)
        for path in list(self._claimed):
            self.release(path)
        self._own_lock.unlock()


class Autosave(QObject):
    """Writes ``session`` to its recovery file when there is unsaved work.

    Signals: ``saved(path)`` once a write is on disk, ``failed(message)`` if one could not
    be written (the next change tries again). ``snapshot_seconds`` is the GUI thread's share
    of the last autosave (for the benchmark)."""

    saved = Signal(str)
    failed = Signal(str)
    _written = Signal(object)  # from the writer thread: None or an error message

    def __init__(self, session, folder: Optional[Path] = None, *,
                 interval_ms: int = AUTOSAVE_INTERVAL_MS,
                 clock: Callable[[], float] = time.perf_counter,
                 parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._session = session
        self.recovery = RecoveryFolder(folder if folder is not None else recovery_folder())
        self._clock = clock
        self.snapshot_seconds = 0.0
        self.writes = 0
        self._writer: Optional[threading.Thread] = None
        self._again = False  # a newer snapshot is wanted once the running write ends
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # "within 30 s", not 31.5
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.save_now)
        self._written.connect(self._write_ended)
        events = session.events
        # bound methods: the session holds them weakly
        events.epoch.connect(self._epoch_ended)
        events.dirty.connect(self._dirty_changed)
        for name in _CHANGES:
            events[name].connect(self._something_changed)

    @property
    def path(self) -> Path:
        """This instance's recovery file (it exists only while there is unsaved work)."""
        return self.recovery.path

    def next_save_in_ms(self) -> Optional[int]:
        """Milliseconds until the pending change is written; None if none is pending."""
        return self._timer.remainingTime() if self._timer.isActive() else None

    @property
    def is_writing(self) -> bool:
        return self._writer is not None

    def changed(self) -> None:
        """Something changed: write within the interval (not again for each change)."""
        if self._session.dirty and not self._timer.isActive() and not self._closed:
            self._timer.start()

    def save_now(self) -> bool:
        """Snapshot now and write it in the background; False if there is nothing unsaved."""
        self._timer.stop()
        if self._closed or not self._session.dirty:
            return False
        if self._writer is not None:
            self._again = True
            return True
        start = self._clock()
        data = snapshot(self._session)
        self.snapshot_seconds = self._clock() - start
        self._writer = threading.Thread(target=self._write, args=(data,),
                                        name="autosave", daemon=True)
        self._writer.start()
        return True

    def wait(self) -> None:
        """Until the running write (if any) is on disk."""
        if self._writer is not None:
            self._writer.join()

    def close(self, clean: bool = True) -> None:
        """Stop autosaving; ``clean``: the work is saved or given up, remove the file."""
        self._closed = True
        self._timer.stop()
        self.wait()
        self.recovery.close(remove=clean)

    # -------------------------------------------------------------- inside
    def _epoch_ended(self, _event) -> None:
        self.save_now()

    def _something_changed(self, _event) -> None:
        self.changed()

    def _write(self, data: SessionData) -> None:  # the writer thread
        try:
            session_file.write_session(self.recovery.path, data)
        except (DenseStudioError, OSError, MemoryError) as error:
            self._written.emit(one_line(error))
            return
        self._written.emit(None)

    def _write_ended(self, error: Optional[str]) -> None:
        self._writer.join()
        self._writer = None
        if error is not None:
            log.warning("autosave failed: %s", error)
            self.failed.emit(error)
        else:
            self.writes += 1
            if not self._session.dirty and not self._again:
                # saved meanwhile: the session's file holds the work
                _remove(self.recovery.path)
            self.saved.emit(str(self.recovery.path))
        if self._again:
            self._again = False
            self.save_now()

    def _dirty_changed(self, event) -> None:
        if not event.value and self._writer is None:
            self._timer.stop()
            _remove(self.recovery.path)  # saved or opened: nothing left to recover
        elif event.value:
            self.changed()


def _lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path) + _LOCK_SUFFIX)
    lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
    return lock


def _host() -> str:
    name = "".join(c for c in socket.gethostname() if c.isalnum() or c in "-_")
    return name[:32] or "host"


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as error:
        log.warning("cannot remove %s: %s", path, error)
