"""The Inside views' texts go through :func:`tr` / :func:`trf`, in Qt's context ``Inside``.

Their translations are ``"Inside|<English text>"`` entries of ``resources/i18n/zh_TW.json``
(see :mod:`dense_studio.ui.i18n`). Placeholders are Qt's ``%1``…``%9``
(:func:`dense_studio.ui.messages.fill`). :class:`Retranslating` lets a widget follow a
language switch while the window runs.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent

from dense_studio.ui.messages import fill

__all__ = ["CONTEXT", "tr", "trf", "Retranslating"]

CONTEXT = "Inside"


def tr(text: str) -> str:
    return QCoreApplication.translate("Inside", text)


def trf(text: str, *args: object) -> str:
    """``tr(text)`` with ``%1``… filled in (Qt's arg semantics)."""
    return fill(QCoreApplication.translate("Inside", text), *args)


class Retranslating:
    """Mixin for a widget (put it before QWidget): calls ``self.retranslate()`` when the
    application's language changes."""

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
