"""The Dense Studio window (PySide6).

``from dense_studio.ui import MainWindow`` works as usual, but importing the package itself
imports no Qt: ``MainWindow`` is loaded on first access (PEP 562), so tools that only need a
submodule, or only check that the package exists, stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["MainWindow"]

if TYPE_CHECKING:  # pragma: no cover
    from dense_studio.ui.main_window import MainWindow


def __getattr__(name: str):
    if name == "MainWindow":
        from dense_studio.ui.main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module 'dense_studio.ui' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
