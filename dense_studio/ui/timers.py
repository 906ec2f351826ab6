"""One-shot timers: "do this once, ``ms`` after the last ask" (debouncing, later passes)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer

__all__ = ["single_shot"]


def single_shot(parent: QObject, ms: int, slot: Callable[[], object]) -> QTimer:
    """A single-shot QTimer owned by ``parent`` that calls ``slot`` ``ms`` after each
    ``start()`` (a new start before then moves it: several asks, one call)."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(slot)
    return timer
