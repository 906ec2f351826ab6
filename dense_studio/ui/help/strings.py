"""How the help windows translate their texts: context ``"Help"`` of the app's table.

Every text is written in English in the code and passed through :func:`tr` with the language
to show. The translations are ``"Help|<English>"`` entries of ``resources/i18n/<lang>.json``
(the one table of the app, checked by tests/ui/test_i18n.py and test_help_strings.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from PySide6.QtCore import QCoreApplication

from dense_studio.ui.i18n import load_table

__all__ = ["tr", "fill", "CONTEXT"]

CONTEXT = "Help"


@lru_cache(maxsize=4)
def _table(language: str) -> dict:
    return load_table(language)


def tr(text: str, language: str) -> str:
    """``text`` in ``language`` ("en" or "zh_TW"): the installed translator first, then the
    language's table (a help window may be shown in a language the app has not installed)."""
    if language == "en":
        return text
    found = QCoreApplication.translate("Help", text)  # CONTEXT, literal for the extractor
    if found and found != text:
        return found
    table = _table(language)
    found = table.get(f"{CONTEXT}|{text}") or table.get(text)
    return found if isinstance(found, str) else text


def fill(text: str, *args: object) -> str:
    """Qt's ``%1 %2 …`` placeholders filled in one pass (a value holding "%2" stays as is)."""
    return re.sub(r"%(\d)", lambda m: str(args[int(m.group(1)) - 1])
                  if 0 < int(m.group(1)) <= len(args) else m.group(0), text)
