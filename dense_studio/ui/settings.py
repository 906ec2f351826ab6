"""Where the window keeps what it remembers between runs (QSettings, INI format).

Always the INI format in the user scope, so a test can redirect every read and write with
``QSettings.setPath(IniFormat, UserScope, tmp_dir)`` and never touch the real user's file.
Everything read back is checked: a damaged or hand-edited settings file falls back to the
defaults instead of breaking the window.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

__all__ = ["ORGANIZATION", "APPLICATION", "open_settings", "read_int", "read_float",
           "read_str", "read_bytes", "RecentFiles"]

ORGANIZATION = "DenseStudio"
APPLICATION = "dense-studio"
MAX_RECENT = 8


def open_settings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def read_str(settings: QSettings, key: str, default: str) -> str:
    value = settings.value(key, default)
    return value if isinstance(value, str) else default


def read_int(settings: QSettings, key: str, default: int, low: int, high: int) -> int:
    try:
        value = int(str(settings.value(key, default)))
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


def read_float(settings: QSettings, key: str, default: float, low: float, high: float) -> float:
    try:
        value = float(str(settings.value(key, default)))
    except (TypeError, ValueError):
        return default
    return value if math.isfinite(value) and low <= value <= high else default


def read_bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


class RecentFiles:
    """The most recently opened or saved model files, newest first, existing files only."""

    KEY = "files/recentModels"

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

    def remove(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        self._settings.setValue(self.KEY, [p for p in self.paths() if p != path])

    def clear(self) -> None:
        self._settings.setValue(self.KEY, [])
