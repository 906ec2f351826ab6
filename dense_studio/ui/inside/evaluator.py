"""Evaluating the test split off the GUI thread, newest request first.

10 000 test images through the network take some tens of milliseconds: too long for the
GUI thread, which must never stall over 50 ms. :class:`TestEvaluator` runs
``insight.evaluation.evaluate_test`` in its own one-thread pool and delivers the report
with a queued signal. While one evaluation runs, further requests wait, and only the
latest of them runs next (an older epoch's matrix is of no use once a newer one is asked
for). Reports of recent networks are cached, so replaying a run re-uses them.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Optional

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from dense_studio.insight.evaluation import TestReport, evaluate_test
from dense_studio.insight.network import Network

CACHE_SIZE = 8


class _Bridge(QObject):
    done = Signal(object, object, object)  # network, data, report


class _Job(QRunnable):
    def __init__(self, bridge: _Bridge, network: Network, data: tuple) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._bridge, self._network, self._data = bridge, network, data

    def run(self) -> None:
        x, y = self._data
        try:
            report = evaluate_test(self._network, x, y)
        except Exception:  # noqa: BLE001 - a failed evaluation shows no matrix, never a crash
            report = None
        self._bridge.done.emit(self._network, self._data, report)


class TestEvaluator(QObject):
    """``request(network)`` → ``ready(network, report)`` on the GUI thread, for the test data set
    with :meth:`set_test_data`."""

    ready = Signal(object, object)  # the Network, its TestReport

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._done)
        self._data: Optional[tuple] = None
        self._running = False
        self._pending: Optional[Network] = None
        self._cache: "OrderedDict[int, tuple[Network, TestReport]]" = OrderedDict()

    def set_test_data(self, x: Optional[np.ndarray], y: Optional[np.ndarray]) -> None:
        self._data = None if x is None else (x, y)
        self._cache.clear()
        self._pending = None

    def has_data(self) -> bool:
        return self._data is not None

    def cached(self, network: Network) -> Optional[TestReport]:
        entry = self._cache.get(id(network))
        return entry[1] if entry is not None and entry[0] is network else None

    def request(self, network: Network) -> Optional[TestReport]:
        """The report at once if cached (also announced), else None and ``ready`` later."""
        report = self.cached(network)
        if report is not None:
            self._cache.move_to_end(id(network))
            self.ready.emit(network, report)
            return report
        if self._data is None:
            return None
        if self._running:
            self._pending = network
        else:
            self._start(network)
        return None

    def busy(self) -> bool:
        return self._running

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the running evaluation (tests, closing)."""
        return self._pool.waitForDone(msecs)

    def _start(self, network: Network) -> None:
        self._running = True
        self._pool.start(_Job(self._bridge, network, self._data))

    def _done(self, network: Network, data: tuple, report: Optional[TestReport]) -> None:
        self._running = False
        if report is not None and data is self._data:
            self._cache[id(network)] = (network, report)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            self.ready.emit(network, report)
        pending, self._pending = self._pending, None
        if pending is not None:
            self.request(pending)
