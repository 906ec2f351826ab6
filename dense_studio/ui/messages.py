"""Filling in the window's messages, with Qt's rules, in one place.

Placeholders are Qt's: ``%1``…``%9`` for values and ``%n`` for a count that chooses the
plural form. Plurals go through Qt itself — ``self.tr("%n epoch(s)", "", n)`` asks the
translator for the form that fits ``n`` (see ``i18n.py``; English has its forms too) and
Qt puts ``n`` in for ``%n``. Everything else goes through :func:`fill`.

Numbers and durations follow the window's language (:func:`format_count`,
:func:`format_duration`): English groups digits with spaces (``60 000``) and writes
``3 min 05 s``; 繁體中文 writes ``60,000`` and ``3 分 05 秒``, as Taiwan does.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLocale

from dense_studio.ui.i18n import current_language

__all__ = ["fill", "format_count", "format_percent", "format_duration"]

_ARG = re.compile(r"%([1-9])")


def fill(template: str, *args: object) -> str:
    """``QString.arg(a1, a2, …)``: ``%1``…``%9`` replaced in one pass.

    A value is never searched again, so a file named ``a%3.dsmodel`` shows as itself;
    a placeholder without a value stays as written.
    """

    def value(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        return str(args[index]) if index < len(args) else match.group(0)

    return _ARG.sub(value, template)


def format_count(number: int) -> str:
    """``60 000`` (no-break spaces) in English, the language's own grouping otherwise
    (``60,000`` in 繁體中文)."""
    language = current_language()
    if language == "en":
        return f"{int(number):,d}".replace(",", "\u00a0")
    return QLocale(language).toString(int(number))


def format_duration(seconds: float) -> str:
    """``< 1 s``, ``42 s``, ``3 min 05 s``, ``1 h 02 min`` — in the window's language."""
    if seconds != seconds or seconds < 0:  # NaN or negative
        return "?"
    if seconds < 1:
        return _unit("< 1 s")
    seconds = int(round(seconds))
    if seconds < 60:
        return fill(_unit("%1 s"), seconds)
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return fill(_unit("%1 min %2 s"), minutes, f"{seconds:02d}")
    hours, minutes = divmod(minutes, 60)
    return fill(_unit("%1 h %2 min"), hours, f"{minutes:02d}")


def _unit(text: str) -> str:
    return QCoreApplication.translate("Units", text)



def format_percent(fraction: float) -> str:
    """``87.6`` for 0.876 (the message itself carries the ``%`` sign)."""
    return f"{100 * fraction:.1f}"
