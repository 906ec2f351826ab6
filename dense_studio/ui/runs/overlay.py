"""A recorded run as the arrays an overlay draws (x in epochs, accuracy in %)."""

from __future__ import annotations

import numpy as np

__all__ = ["overlay_arrays", "MAX_OVERLAY_POINTS"]

#: Points of a ticked run's training curve: enough for its shape, cheap to repaint while
#: another run trains (ten overlays cost the event loop little).
MAX_OVERLAY_POINTS = 400


def overlay_arrays(record, points: np.ndarray) -> tuple:
    """``(loss, accuracy, val_loss, val_accuracy)``, each (n, 2), from the run's smoothed
    points ``(n, 3)`` (x in epochs of the run, loss, accuracy 0-1) and its epochs; a run
    that went on from earlier training is drawn after it, as the live curves draw it."""
    offset = record.initial_epoch
    if len(points) > MAX_OVERLAY_POINTS:
        keep = np.unique(np.linspace(0, len(points) - 1, MAX_OVERLAY_POINTS).round().astype(int))
        points = points[keep]
    x = points[:, 0] + offset
    loss = np.column_stack([x, points[:, 1]])
    accuracy = np.column_stack([x, 100.0 * points[:, 2]])
    validated = [e for e in record.epochs if e.val_loss is not None]
    vx = np.array([offset + e.epoch + 1 for e in validated], np.float64)
    val_loss = np.column_stack([vx, [e.val_loss for e in validated]]).reshape(-1, 2)
    val_accuracy = np.column_stack(
        [vx, [100.0 * e.val_accuracy for e in validated]]).reshape(-1, 2)
    return loss, accuracy, val_loss, val_accuracy
