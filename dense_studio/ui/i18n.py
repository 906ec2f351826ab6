"""Translations of the window's text, kept as plain JSON (no compiled .qm files to build).

``resources/i18n/<language>.json`` maps ``"Context|source text"`` (context is the class
whose ``self.tr()`` asked) or plain ``"source text"`` (any context) to the translation.
A text with a count (``self.tr("%n epoch(s)", "", n)``, Qt's numerus form) maps to a list
of forms, chosen by the language's plural rule: English ``[one, other]``, Chinese ``[all]``.
English has its own file for those forms only. A missing entry falls back to English, so a
partial translation never breaks the window.

Translators are installed on the application at start-up (``app.prepare_application``) or
when the language is switched (:func:`apply_language`), never by a widget.
"""

from __future__ import annotations

import json
import os
from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGES = {"en": "English", "zh_TW": "繁體中文"}
LANGUAGE_ENV = "DENSE_STUDIO_LANG"
_MAX_FILE_BYTES = 1_000_000
# Index of the plural form for a count, per language (CLDR's rules for these two).
_PLURAL_FORM = {"en": lambda n: 0 if n == 1 else 1, "zh_TW": lambda n: 0}
_installed: dict[int, list] = {}  # id(app) -> the translators apply_language installed


class JsonTranslator(QTranslator):
    """A QTranslator fed from a JSON dictionary (values: a text, or a list of plural forms)."""

    def __init__(self, table: dict, language: str = "en", parent=None) -> None:
        super().__init__(parent)
        self._table = table
        self._plural = _PLURAL_FORM.get(language, _PLURAL_FORM["en"])
        self.language = language
        self.qt_own: QTranslator | None = None

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: N802 (Qt name)
        if source_text is None:
            return None
        found = self._table.get(f"{context}|{source_text}") or self._table.get(source_text)
        if isinstance(found, list):
            index = self._plural(n) if n is not None and n >= 0 else 0
            return found[min(index, len(found) - 1)]
        return found

    def isEmpty(self) -> bool:  # noqa: N802 (Qt name)
        return not self._table


def _valid(value: object) -> bool:
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


def load_table(language: str) -> dict:
    """The translation table for ``language``; empty for an unknown language."""
    if language not in LANGUAGES:
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
    return {k: v for k, v in data.items() if isinstance(k, str) and _valid(v)}


def install_translator(app: QCoreApplication, language: str) -> JsonTranslator | None:
    """Install the translation for ``language`` on ``app``; None if it has no table.

    Qt's own texts (dialog buttons, context menus) come from the ``qtbase`` translation
    that PySide6 ships, and the default locale follows the language so that Chinese text
    is drawn with Traditional Chinese glyph shapes even on an English system. Any other
    language also gets the English table underneath, for its plural forms.
    """
    table = load_table(language)
    if not table:
        return None
    translator = JsonTranslator(table, language, app)
    if language != "en":
        QLocale.setDefault(QLocale(language))
        translator.qt_own = QTranslator(translator)
        if translator.qt_own.load(
            f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        ):
            app.installTranslator(translator.qt_own)
    app.installTranslator(translator)  # installed last: asked first
    return translator


def remove_translator(app: QCoreApplication, translator: JsonTranslator) -> None:
    """Undo :func:`install_translator` (back to the system's locale)."""
    app.removeTranslator(translator)
    if translator.qt_own is not None:
        app.removeTranslator(translator.qt_own)
        QLocale.setDefault(QLocale.system())


def apply_language(app: QCoreApplication, language: str) -> list[JsonTranslator]:
    """Make ``language`` the application's language: English's plural forms first, then
    the language's own table on top (asked first). Removes what an earlier call installed;
    returns the translators now installed."""
    for old in _installed.pop(id(app), []):
        remove_translator(app, old)
    installed = [t for t in (install_translator(app, "en"),
                             None if language == "en" else install_translator(app, language))
                 if t is not None]
    _installed[id(app)] = installed
    return installed


def current_language(app: QCoreApplication | None = None) -> str:
    """The language :func:`apply_language` last gave ``app`` (the running one by default):
    the language the window is showing, which the help windows follow. English if none."""
    app = app or QCoreApplication.instance()
    installed = _installed.get(id(app), [])
    return installed[-1].language if installed else "en"


def choose_language(saved: str = "") -> str:
    """DENSE_STUDIO_LANG, else the saved choice, else the system's (zh_TW for Traditional
    Chinese locales), else English."""
    for wanted in (os.environ.get(LANGUAGE_ENV, ""), saved):
        if wanted in LANGUAGES:
            return wanted
    locale = QLocale.system()
    if locale.language() == QLocale.Language.Chinese and locale.script() in (
        QLocale.Script.TraditionalHanScript,
    ) or locale.name() in ("zh_TW", "zh_HK", "zh_MO"):
        return "zh_TW"
    return "en"


def class_name_for_display(name: str) -> str:
    """A dataset's class name in the window's language (files keep the English name)."""
    return QCoreApplication.translate("ClassNames", name)
