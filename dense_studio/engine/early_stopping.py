"""Early stopping with Keras 3's ``EarlyStopping`` rules, for the engine's training loop.

Each epoch the monitored validation metric is compared with the best so far: it improves
when it is better by more than ``min_delta`` (lower for a loss, higher for an accuracy).
After ``patience`` epochs in a row without an improvement the run stops; with
``restore_best_weights`` the model ends with the weights of the best epoch. Epochs are
counted from 0 here, as in Keras's ``best_epoch``/``stopped_epoch`` attributes (Keras
prints them + 1, and so do the CLI and the window).

``dense_studio.keras.callbacks.EarlyStopping`` decides improvements with ``improves``, so
both follow one rule.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from dense_studio.errors import ConfigError

# The validation metrics the engine records each epoch, and whether lower or higher is better.
MONITOR_MODES = {"val_loss": "min", "val_accuracy": "max"}
MONITORS = tuple(MONITOR_MODES)


def improves(value: float, reference: Optional[float], min_delta: float, mode: str) -> bool:
    """Keras's test: ``value`` beats ``reference`` by more than ``min_delta`` (None: it does)."""
    if reference is None:
        return True
    if mode == "min":
        return value + abs(min_delta) < reference
    return value - abs(min_delta) > reference


class EarlyStoppingRule:
    """The state of one run's early stopping; ``run_training`` calls ``epoch_end``."""

    def __init__(self, patience: int, monitor: str = "val_loss", min_delta: float = 0.0,
                 restore_best_weights: bool = True) -> None:
        if monitor not in MONITOR_MODES:
            raise ConfigError(
                f"unknown monitor {monitor!r} (choose from {', '.join(MONITORS)})")
        self.patience, self.monitor = patience, monitor
        self.mode = MONITOR_MODES[monitor]
        self.min_delta, self.restore_best_weights = min_delta, restore_best_weights
        self.wait = 0
        self.best: Optional[float] = None
        self.best_epoch: Optional[int] = None
        self.stopped_epoch: Optional[int] = None
        self.best_weights: Optional[np.ndarray] = None

    def epoch_end(self, epoch: int, val_loss: float, val_accuracy: float,
                  weights: np.ndarray) -> bool:
        """Record one finished epoch (``weights``: the flat current weights); True: stop."""
        value = val_loss if self.monitor == "val_loss" else val_accuracy
        self.wait += 1
        if improves(value, self.best, self.min_delta, self.mode):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                if self.best_weights is None:
                    self.best_weights = weights.copy()  # once per run; then reused
                else:
                    np.copyto(self.best_weights, weights)
            return False
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            return True
        return False

    def restore(self, current: np.ndarray) -> bool:
        """Put the best epoch's weights into ``current``; True if there were any."""
        if not self.restore_best_weights or self.best_weights is None:
            return False
        np.copyto(current, self.best_weights)
        return True


__all__ = ["EarlyStoppingRule", "MONITORS", "MONITOR_MODES", "improves"]
