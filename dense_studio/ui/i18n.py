"""Translations of the window's text, kept as plain JSON (no compiled .qm files to build).

``resources/i18n/<language>.json`` maps ``"Context|source text"`` (context is the class
whose ``self.tr()`` asked) or plain ``"source text"`` (any context) to the translation.
A missing entry falls back to English, so a partial translation never breaks the window.
"""

from __future__ import annotations

import json
from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGES = {"en": "English", "zh_TW": "繁體中文"}
_MAX_FILE_BYTES = 1_000_000


class JsonTranslator(QTranslator):
    """A QTranslator fed from a JSON dictionary."""

    def __init__(self, table: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self._table = table

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: N802 (Qt name)
        if source_text is None:
            return None
        return self._table.get(f"{context}|{source_text}") or self._table.get(source_text)

    def isEmpty(self) -> bool:  # noqa: N802 (Qt name)
        return not self._table


def load_table(language: str) -> dict[str, str]:
    """The translation table for ``language``; empty for English or an unknown language."""
    if language not in LANGUAGES or language == "en":
        return {}
    try:
        path = resources.files("dense_studio.resources").joinpath("i18n", f"{language}.json")
        raw = path.read_bytes()
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return {}
    if len(raw) > _MAX_FILE_BYTES:
        return {}
    try:
        data = json.loads(raw.decode("utf-8-sig"))  # editors may add a BOM
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str) and v}


def install_translator(app: QCoreApplication, language: str) -> JsonTranslator | None:
    """Install the translation for ``language`` on ``app``; None when English is used.

    Qt's own texts (dialog buttons, context menus) come from the ``qtbase`` translation
    that PySide6 ships, and the default locale follows the language so that Chinese text
    is drawn with Traditional Chinese glyph shapes even on an English system.
    """
    table = load_table(language)
    if not table:
        return None
    QLocale.setDefault(QLocale(language))
    translator = JsonTranslator(table, app)
    translator.qt_own = QTranslator(translator)
    if translator.qt_own.load(
        f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(translator.qt_own)
    app.installTranslator(translator)  # installed last: asked first
    return translator


def remove_translator(app: QCoreApplication, translator: JsonTranslator) -> None:
    """Undo :func:`install_translator` (back to English and the system's locale)."""
    app.removeTranslator(translator)
    app.removeTranslator(translator.qt_own)
    QLocale.setDefault(QLocale.system())


def class_name_for_display(name: str) -> str:
    """A dataset's class name in the window's language (files keep the English name)."""
    return QCoreApplication.translate("ClassNames", name)
