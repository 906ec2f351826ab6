"""Axes whose room for tick labels only grows, so new labels never re-lay out a plot.

pyqtgraph fits a vertical axis to its widest tick label on every redraw of its ticks. A
loss axis whose labels go from "2" to "0.35" changed width, which resized the plot's view,
which redrew every axis of the plot a second time: while a run trains, that repeats with the
ranges, in the GUI thread's time, which training waits for. A steady axis starts with room
for ``TEMPLATE`` in its tick font and widens only for a wider label (a diverged run's loss).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

__all__ = ["TEMPLATE", "hold_label_room", "is_steady"]

#: The widest label a loss or accuracy axis usually shows.
TEMPLATE = "0.000"


def hold_label_room(axis: pg.AxisItem) -> None:
    """Make the vertical ``axis`` steady, with room for ``TEMPLATE`` in its current tick
    font (call it again after the font changes: the zoom does)."""
    axis.setStyle(autoReduceTextSpace=False)
    axis.textWidth = QFontMetrics(axis.style["tickFont"] or QFont()).horizontalAdvance(TEMPLATE)
    axis._updateWidth()  # pyqtgraph's own step after a change of textWidth


def is_steady(axis: pg.AxisItem) -> bool:
    return not axis.style["autoReduceTextSpace"]
