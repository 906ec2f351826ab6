"""The lesson UI's texts: Qt's translators, context ``Lessons`` (entries in zh_TW.json)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from dense_studio.ui.messages import fill

__all__ = ["tr", "trf"]


def tr(text: str) -> str:
    return QCoreApplication.translate("Lessons", text)


def trf(text: str, *args: object) -> str:
    """``tr(text)`` with ``%1``… filled in (Qt's arg semantics)."""
    return fill(tr(text), *args)
