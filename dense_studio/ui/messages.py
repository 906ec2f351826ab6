"""Filling in the window's messages, with Qt's rules, in one place.

Placeholders are Qt's: ``%1``…``%9`` for values and ``%n`` for a count that chooses the
plural form. Plurals go through Qt itself — ``self.tr("%n epoch(s)", "", n)`` asks the
translator for the form that fits ``n`` (see ``i18n.py``; English has its forms too) and
Qt puts ``n`` in for ``%n``. Everything else goes through :func:`fill`.
"""

from __future__ import annotations

import re

__all__ = ["fill", "format_count", "format_percent"]

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
    """``60 000``: digits grouped by (no-break) spaces, readable in every language."""
    return f"{int(number):,d}".replace(",", "\u00a0")


def format_percent(fraction: float) -> str:
    """``87.6`` for 0.876 (the message itself carries the ``%`` sign)."""
    return f"{100 * fraction:.1f}"
