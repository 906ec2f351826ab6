"""What the window remembers between runs (QSettings, INI format): one table of keys.

Always the INI format in the user scope, so a test can redirect every read and write with
``QSettings.setPath(IniFormat, UserScope, tmp_dir)`` and never touch the real user's file.
Everything read back is checked against its row of :data:`SETTINGS` (type, range or
choices): a damaged or hand-edited settings file falls back to the defaults instead of
breaking the window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from dense_studio.data import DATASETS
from dense_studio.engine import spec
from dense_studio.engine.spec import (
    LR_SCHEDULES,
    MAX_BATCH_SIZE,
    MAX_EPOCHS,
    OPTIMIZERS,
    format_layers,
)
from dense_studio.ui.draw_canvas import BRUSH_DEFAULT, BRUSH_MAX, BRUSH_MIN

__all__ = ["ORGANIZATION", "APPLICATION", "MAX_SEED", "SETTINGS", "TRAINING_SETTINGS",
           "Setting", "open_settings", "read_setting", "write_setting", "read_bytes",
           "RecentFiles"]

ORGANIZATION = "DenseStudio"
APPLICATION = "dense-studio"
MAX_RECENT = 8
MAX_SEED = getattr(spec, "MAX_SEED", 2**32 - 1)  # what TrainingConfig accepts
_REFERENCE = spec.TrainingConfig()  # the reference recipe gives the training defaults


@dataclass(frozen=True)
class Setting:
    """One remembered value: its key, type, default and the values it may take."""

    key: str
    kind: type
    default: Any
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None

    def check(self, raw: object) -> Any:
        """``raw`` as read from the file, converted and checked; the default if bad."""
        try:
            if self.kind is bool:
                value = raw if isinstance(raw, bool) else {"true": True, "false": False}[str(raw)]
            elif self.kind is str:
                value = raw if isinstance(raw, str) else self.default
            else:
                value = self.kind(str(raw))
        except (TypeError, ValueError, KeyError):
            return self.default
        if isinstance(value, float) and not math.isfinite(value):
            return self.default
        if self.low is not None and not self.low <= value <= self.high:
            return self.default
        if self.choices is not None and value not in self.choices:
            return self.default
        return value


#: Name → setting. The training rows are named like ``TrainingConfig``'s fields.
SETTINGS: dict[str, Setting] = {
    "dataset": Setting("training/dataset", str, _REFERENCE.dataset, choices=tuple(DATASETS)),
    "optimizer": Setting("training/optimizer", str, _REFERENCE.optimizer, choices=OPTIMIZERS),
    "learning_rate": Setting("training/learningRate", float, _REFERENCE.learning_rate,
                             1e-5, 10.0),
    "batch_size": Setting("training/batchSize", int, _REFERENCE.batch_size, 1, MAX_BATCH_SIZE),
    "epochs": Setting("training/epochs", int, _REFERENCE.epochs, 1, MAX_EPOCHS),
    # The window holds out 10 % by default, so the validation curve is there to see.
    "validation_split": Setting("training/validationSplit", float, 0.1, 0.0, 0.9),
    "seed": Setting("training/seed", int, _REFERENCE.seed, 0, MAX_SEED),
    "lr_schedule": Setting("training/lrSchedule", str, _REFERENCE.lr_schedule,
                           choices=LR_SCHEDULES),
    "layers": Setting("network/layers", str, format_layers(_REFERENCE.layers)),
    "brush_size": Setting("canvas/brushSize", int, BRUSH_DEFAULT, BRUSH_MIN, BRUSH_MAX),
    "language": Setting("ui/language", str, ""),
    # View → Zoom: the window's text, plots and canvas scaled together (1 = system size).
    "zoom": Setting("ui/zoom", float, 1.0, 0.5, 3.0),
    # The first-run guide: shown once; a teacher sets guide/disabled for a class's machines.
    "guide_seen": Setting("guide/seen", bool, False),
    "guide_disabled": Setting("guide/disabled", bool, False),
    "last_image_dir": Setting("files/lastImageDir", str, ""),
    "last_model_dir": Setting("files/lastModelDir", str, ""),
    "recent_models": Setting("files/recentModels", list, []),  # read by RecentFiles
    "geometry": Setting("window/geometry", QByteArray, None),
    "window_state": Setting("window/state", QByteArray, None),
    "main_splitter": Setting("window/mainSplitter", QByteArray, None),
    "left_splitter": Setting("window/leftSplitter", QByteArray, None),
    "right_splitter": Setting("window/rightSplitter", QByteArray, None),
}
#: The rows the training panel shows, in ``TrainingPanel.settings()``'s keys.
TRAINING_SETTINGS = ("dataset", "optimizer", "learning_rate", "batch_size", "epochs",
                     "validation_split", "seed", "lr_schedule")


def open_settings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def read_setting(settings: QSettings, name: str) -> Any:
    """The checked value of setting ``name`` (its default when missing or bad)."""
    row = SETTINGS[name]
    if row.kind is list:
        return RecentFiles(settings).paths()
    if row.kind is QByteArray:
        return read_bytes(settings, row.key)
    return row.check(settings.value(row.key, row.default))


def write_setting(settings: QSettings, name: str, value: Any) -> None:
    settings.setValue(SETTINGS[name].key, value)


def read_bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


class RecentFiles:
    """The most recently opened or saved model files, newest first, existing files only."""

    KEY = SETTINGS["recent_models"].key

    def __init__(self, settings: QSettings, limit: int = MAX_RECENT) -> None:
        self._settings = settings
        self._limit = limit

    def paths(self) -> list[str]:
        value = self._settings.value(self.KEY, [])
        if isinstance(value, str):  # QSettings gives a lone string for a one-item list
            value = [value]
        if not isinstance(value, list):
            return []
        seen: list[str] = []
        for item in value:
            if isinstance(item, str) and item and item not in seen and Path(item).is_file():
                seen.append(item)
        return seen[: self._limit]

    def add(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        paths = [path] + [p for p in self.paths() if p != path]
        self._settings.setValue(self.KEY, paths[: self._limit])

    def clear(self) -> None:
        self._settings.setValue(self.KEY, [])
