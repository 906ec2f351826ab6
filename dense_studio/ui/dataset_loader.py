"""Loading a dataset (about half a second for Fashion-MNIST) without freezing the window.

A plain Python thread runs ``load_dataset``; the result comes back to the GUI thread
through queued Qt signals. (A thread rather than superqt's FunctionWorker: the first load
starts right after the window appears, and importing superqt then would cost 0.2 s of
GUI-thread time.) The same thread can then import modules the window will need later
(the training worker and superqt), so the first click on Start does not freeze for them.
"""

from __future__ import annotations

import importlib
import logging
import threading

from PySide6.QtCore import QObject, Signal

from dense_studio.errors import DenseStudioError

__all__ = ["DatasetLoader"]

log = logging.getLogger(__name__)


class DatasetLoader(QObject):
    """``returned(dataset)`` or ``errored(exception)``, then ``finished()``."""

    returned = Signal(object)
    errored = Signal(object)
    finished = Signal()

    def __init__(self, load, name: str, parent: QObject | None = None,
                 preload: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self._load = load
        self._preload = preload
        self.name = name
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"load {name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:  # in the loading thread
        try:
            dataset = self._load(self.name)
        except Exception as error:  # noqa: BLE001 - reported to the user as a message
            if not isinstance(error, DenseStudioError):
                log.exception("loading %s failed", self.name)
            self._emit(self.errored, error)
        else:
            self._emit(self.returned, dataset)
            for module in self._preload:
                try:
                    importlib.import_module(module)
                except Exception:  # noqa: BLE001 - it will be imported (and fail) when used
                    log.debug("could not preload %s", module, exc_info=True)
        finally:
            self.done.set()
            self._emit(self.finished)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window was deleted meanwhile: nobody is listening
            pass
