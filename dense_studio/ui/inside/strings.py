"""The Inside views' texts in both languages, until they join ``resources/i18n/zh_TW.json``.

Every text goes through :func:`tr`: Qt's translators first (context ``Inside``, so a
``"Inside|text"`` or plain ``"text"`` entry in the app's table wins), then, while the
window's language is zh_TW, the fallback table :data:`ZH_TW` below. Placeholders are Qt's
``%1``…``%9`` (:func:`dense_studio.ui.messages.fill`). Merging: move ``ZH_TW``'s entries
into zh_TW.json (the keys are the English texts) and delete the table.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from dense_studio.ui import i18n
from dense_studio.ui.messages import fill

__all__ = ["tr", "trf", "language", "ZH_TW"]


def tr(text: str) -> str:
    translated = QCoreApplication.translate("Inside", text)
    if translated == text and language() == "zh_TW":
        return ZH_TW.get(text, text)
    return translated


def trf(text: str, *args: object) -> str:
    """``tr(text)`` with ``%1``… filled in (Qt's arg semantics)."""
    return fill(tr(text), *args)


def language() -> str:
    """The language the app installed last (``i18n.apply_language``), else English."""
    app = QCoreApplication.instance()
    installed = i18n._installed.get(id(app), []) if app is not None else []  # noqa: SLF001
    return installed[-1].language if installed else "en"


ZH_TW: dict[str, str] = {
}
