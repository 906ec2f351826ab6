"""What "readable" measures: the plots a window shows and how large they are.

One definition for the test, the benchmark script and presenter mode: a *plot* is a
pyqtgraph plot (the learning curves, the prediction bars) or one of the Inside views that
draws data (the confusion matrix, the weight images, the network diagram).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

__all__ = ["PLOT_NAMES", "MIN_PLOT_WIDTH", "visible_plots"]

#: The Inside views that are plots (objectNames); pyqtgraph plots are found by type.
PLOT_NAMES = ("confusionMatrix", "weightImages", "networkDiagram")
#: No plot narrower than this while shown (issue 10): an axis needs room for its numbers.
MIN_PLOT_WIDTH = 300


def visible_plots(window: QWidget) -> list[tuple[str, int, int]]:
    """(objectName, width, height) of every plot in ``window`` that is on screen now."""
    found = []
    for widget in window.findChildren(QWidget):
        if not (isinstance(widget, pg.PlotWidget) or widget.objectName() in PLOT_NAMES):
            continue
        if widget.isVisible():
            found.append((widget.objectName() or type(widget).__name__, widget.width(),
                          widget.height()))
    return sorted(found)
